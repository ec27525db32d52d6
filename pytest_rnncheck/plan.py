"""Fit a probe to a model: encoding, vocabulary, window and how to read the output.

Pure: it reads a :class:`~pytest_rnncheck.geometry.Geometry` and a
:class:`~pytest_rnncheck.spec.ProbeSpec`. A model whose output cannot be read
for the probe still gets a plan (``form=None``); the ``output-shape`` rule
explains it. A model the probe cannot be fed at all raises :class:`FitError`
naming the option to set.
"""

from __future__ import annotations

import dataclasses
import math

from .encoding import Form, n_bits, n_features
from .geometry import Geometry
from .kinds import KINDS
from .spec import ProbeSpec

#: Vocabulary for a single-feature input when the probe names none: bits.
SCALAR_INPUT_VOCAB = 2


class FitError(ValueError):
    """The probe cannot be fitted to the model; the message names the option to set."""


@dataclasses.dataclass(frozen=True)
class ProbePlan:
    encoding: str
    vocab: int  # symbols the probe draws
    timesteps: int
    many_to_many: bool | None  # None: the output's rank fits neither
    form: Form | None  # classes | scalar | bits | value; None: the output cannot be read
    batch_size: int | None = None  # fixed by the model
    stateful: bool = False
    #: Symbols the model's input can take (one-hot width, Embedding size); >= vocab.
    model_vocab: int = 0
    #: Output steps, when fewer than the input's: output j stands at input step offset + j.
    output_offset: int = 0
    #: How the probe was fitted where a user might not expect it (shown as notes).
    notes: tuple[str, ...] = ()
    #: Continuous probes: a prediction within this many target standard deviations is right.
    tolerance: float = 0.25
    #: The probe kind (kinds.py): its chance and effort.
    kind: str = "lag"
    #: Training effort the default budget is sized for (the lag; the window for structured kinds).
    effort: int = 0

    @property
    def features(self) -> int | None:
        return n_features(self.encoding, self.model_vocab)

    @property
    def chance(self) -> float:
        """Accuracy of the best constant guess: one symbol of ``vocab``; for a continuous probe the
        mean, right within the tolerance (a normal target's share within +-tolerance sd)."""
        if self.encoding == "continuous":
            return math.erf(self.tolerance / math.sqrt(2))
        return KINDS[self.kind].chance(self.vocab)

    @property
    def final_sequences(self) -> int | None:
        """Sequences in the final held-out set when the kind asks for more than usual."""
        return KINDS[self.kind].final_sequences

    @property
    def input_shape(self) -> tuple[int, ...]:
        f = self.features
        return (self.timesteps,) if f is None else (self.timesteps, f)


def default_timesteps(lag: int, kind: str = "lag") -> int:
    """Window for a model with free timesteps: the lag plus room to spare (kinds.py)."""
    return KINDS[kind].default_timesteps(lag)


def plan_probe(spec: ProbeSpec, geometry: Geometry) -> ProbePlan:
    encoding, vocab, model_vocab = choose_input(spec, geometry)
    timesteps = choose_timesteps(spec, geometry)
    many_to_many, form = read_output(geometry, encoding, vocab, model_vocab, timesteps)
    check_structured(spec, geometry, vocab, timesteps, many_to_many)
    notes = []
    offset = 0
    if many_to_many and geometry.output_timesteps is not None and geometry.output_timesteps < timesteps:
        offset = timesteps - geometry.output_timesteps
        notes.append(
            f"aligned to the end: the output has {geometry.output_timesteps} steps for {timesteps} input steps, "
            f"so output step j is scored as input step {offset} + j"
        )
    if spec.vocab is None and vocab < model_vocab and encoding in ("index", "onehot"):
        notes.append(
            f"fitted to the output head: {vocab} symbols (the input takes {model_vocab}); set vocab= to change it"
        )
    if encoding == "continuous" and spec.encoding is None:
        notes.append(
            f"a continuous probe for a regressor: N(0, 1) values on all {model_vocab} input features, the target "
            f"is feature {spec.feature}; right within {spec.tolerance:g} standard deviations"
        )
    if encoding == "index" and not geometry.integer_input and geometry.input_rank == 2:
        notes.append("the input is declared without an integer dtype; it is fed integer symbols (token ids)")
    return ProbePlan(
        encoding=encoding,
        vocab=vocab,
        timesteps=timesteps,
        many_to_many=many_to_many,
        form=form,
        batch_size=geometry.batch_size,
        stateful=geometry.stateful,
        model_vocab=model_vocab,
        output_offset=offset,
        notes=tuple(notes),
        tolerance=spec.tolerance,
        kind=spec.kind,
        effort=KINDS[spec.kind].effort(spec.n, timesteps),
    )


def check_structured(
    spec: ProbeSpec, geometry: Geometry, vocab: int, timesteps: int, many_to_many: bool | None
) -> None:
    """A structured kind needs enough symbols, a long enough window and, for more than one
    answer per window, an output per step; FitError names what to change."""
    kind = KINDS[spec.kind]
    if not kind.structured:
        return
    where = f"{spec.name} on {geometry.name}"
    if vocab < kind.min_vocab(spec.n):
        raise FitError(
            f"{where}: the model takes {vocab} symbols but {spec.name} needs at least {kind.min_vocab(spec.n)} "
            f"(docs/probes.md); widen the input and the head, or set vocab= if the model takes more"
        )
    if timesteps < kind.min_timesteps(spec.n):
        raise FitError(
            f"{where}: the window has {timesteps} steps but {spec.name} needs at least {kind.min_timesteps(spec.n)}; "
            f"give the model more timesteps (or keras.Input((None, ...)))"
        )
    if many_to_many is False and kind.answers(spec.n) > 1:
        raise FitError(
            f"{where}: {spec.name} needs {kind.answers(spec.n)} answers per window, one per output step, but the "
            f"model gives one output per sequence; ask for fewer ({kind.name}(1)), or use return_sequences=True "
            f"and a per-step head"
        )


def choose_timesteps(spec: ProbeSpec, geometry: Geometry) -> int:
    fixed = geometry.timesteps
    if fixed is not None and spec.timesteps is not None and spec.timesteps != fixed:
        raise FitError(
            f"{spec.name}: timesteps={spec.timesteps} but {geometry.name} takes exactly {fixed} "
            f"timesteps per sample; drop the timesteps option or declare keras.Input((None, ...))"
        )
    return fixed or spec.timesteps or default_timesteps(spec.n, spec.kind)


def choose_input(spec: ProbeSpec, geometry: Geometry) -> tuple[str, int, int]:
    """(encoding, the probe's vocabulary, the model's input vocabulary)."""
    vocab = 2 if spec.binary else (KINDS[spec.kind].fixed_vocab or spec.vocab)
    where = f"{spec.name} on {geometry.name}"
    if geometry.input_rank is None:
        return _undeclared_input(spec, vocab, where)
    if geometry.input_rank == 2 or geometry.integer_input:
        if spec.encoding not in (None, "index"):
            raise FitError(
                f"{where}: encoding={spec.encoding!r} but the model takes integer symbols "
                f"(input shape (batch, timesteps)); drop the encoding option or use encoding='index'"
            )
        head = head_vocab(geometry)
        if vocab is None and head and (geometry.embedding_vocab is None or head <= geometry.embedding_vocab):
            vocab = head  # the head says how many symbols the model can name
        vocab = vocab or geometry.embedding_vocab
        if vocab is None:
            raise FitError(
                f"{where}: the model takes integer symbols but neither an Embedding nor a classifier head "
                f"says how many; set vocab=N"
            )
        if geometry.embedding_vocab and vocab > geometry.embedding_vocab:
            raise FitError(
                f"{where}: vocab={vocab} but the Embedding knows only {geometry.embedding_vocab} symbols; "
                f"set vocab <= {geometry.embedding_vocab}"
            )
        return "index", vocab, geometry.embedding_vocab or vocab
    if geometry.input_rank != 3:
        raise FitError(
            f"{where}: the input has rank {geometry.input_rank}; probes feed sequences shaped "
            f"(batch, timesteps, features) or integer symbols (batch, timesteps)"
        )
    features = geometry.features
    encoding = spec.encoding
    regressor = (
        features is not None and features > 1 and geometry.output_width == 1
        and geometry.output_activation in ("linear", None) and spec.vocab is None
    )
    if encoding == "continuous" or (encoding is None and regressor and not spec.binary):
        if spec.binary:
            raise FitError(f"{where}: invert works on bits; a continuous probe takes echo() or lag(n)")
        if not features or spec.feature >= features:
            raise FitError(f"{where}: feature={spec.feature} but the model reads {features} feature(s) per step")
        return "continuous", features, features
    if encoding is None:
        if features == 1:
            encoding = "binary" if (vocab or SCALAR_INPUT_VOCAB) == 2 else "scaled"
        else:
            encoding = "onehot"
    if vocab is None:
        head = head_vocab(geometry)
        if encoding == "onehot" and head and features and head < features:
            vocab = head  # e.g. a 2-way softmax over one-hot inputs of 50 symbols
        elif encoding == "onehot":
            vocab = features
        elif encoding == "binary" and features:
            vocab = 2**features
        else:
            vocab = SCALAR_INPUT_VOCAB
    if vocab is None or vocab < 2:
        raise FitError(f"{where}: cannot tell how many symbols to use; set vocab=N")
    wanted = n_features(encoding, vocab)
    if encoding == "onehot" and features is not None and vocab <= features:
        return encoding, vocab, features  # unused channels stay zero
    if wanted is None or (features is not None and wanted != features):
        raise FitError(
            f"{where}: encoding {encoding!r} with vocab={vocab} feeds {wanted or 'integer'} feature(s) "
            f"per step, but the model reads {features}; set encoding= and vocab= to match "
            f"(onehot: vocab <= features; raw/scaled: 1 feature; binary: bits of vocab)"
        )
    return encoding, vocab, vocab


def head_vocab(geometry: Geometry) -> int | None:
    """Symbols a classifier head says there are: a softmax (or logits) of width V means V
    symbols; one sigmoid unit, 2."""
    width = geometry.output_width
    if width and width > 1 and geometry.output_activation in ("softmax", "linear", None):
        return width
    if width == 1 and geometry.output_activation == "sigmoid":
        return 2
    return None


def _undeclared_input(spec: ProbeSpec, vocab: int | None, where: str) -> tuple[str, int, int]:
    encoding = spec.encoding or ("binary" if spec.binary else None)
    if encoding is None or (vocab is None and encoding != "binary"):
        raise FitError(
            f"{where}: the model declares no input shape (e.g. an unbuilt subclassed model), so the "
            f"probe cannot tell what to feed; set encoding= and vocab= on the probe "
            f"(and timesteps= if the model needs a fixed window), or start the model with keras.Input"
        )
    return encoding, vocab or 2, vocab or 2


def read_output(
    geometry: Geometry, encoding: str, vocab: int, model_vocab: int, timesteps: int
) -> tuple[bool | None, str | None]:
    """(many_to_many, form) for the model's output; None where it does not fit."""
    rank, width = geometry.output_rank, geometry.output_width
    if rank == 2:
        many_to_many: bool | None = False
    elif rank == 3 and (geometry.output_timesteps is None or geometry.output_timesteps <= timesteps):
        many_to_many = True  # fewer output steps: aligned to the end (seq2seq)
    else:
        return None, None
    if encoding == "continuous":
        return (many_to_many, Form.VALUE) if width == 1 else (many_to_many, None)
    if width in (vocab, model_vocab) and width > 1:
        return many_to_many, Form.CLASSES
    if width == 1:
        return many_to_many, Form.SCALAR
    if encoding == "binary" and vocab > 2 and width == n_bits(vocab):
        return many_to_many, Form.BITS
    return many_to_many, None
