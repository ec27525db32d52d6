"""The probe kinds, one entry each: what the spec parser, the markers, their help and the
probe data read. Adding a kind is one entry here, plus its docs and tests. Pure numpy,
imported inside the functions that draw windows so that loading the plugin does not load it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # numpy is imported where a window is drawn: loading the plugin stays cheap
    import numpy as np

Target = Callable[["np.ndarray", int], "np.ndarray"]
#: A structured kind draws whole windows: (rng, vocab, count, timesteps, n) -> symbols,
#: targets and scored, each shaped (count, timesteps).
Episode = Callable[["np.random.Generator", int, int, int, int], "tuple[np.ndarray, np.ndarray, np.ndarray]"]

# flipflop's five tokens: the bits are symbols 0 and 1, so a read's target is its bit.
WRITE, IGNORE, READ = 2, 3, 4
FLIPFLOP_VOCAB = 5
#: Instruction probabilities (Liu et al. 2023, sparse setting): mostly distractors.
FLIPFLOP_P = {WRITE: 0.1, IGNORE: 0.8, READ: 0.1}


def _past(stream: np.ndarray, n: int) -> np.ndarray:
    """x[t-n] along the last axis (zeros where t < n; those steps are never scored)."""
    import numpy as np

    past = np.zeros_like(stream)
    if n:
        past[..., n:] = stream[..., :-n]
    else:
        past[...] = stream
    return past


def selective_copy_episode(rng: np.random.Generator, vocab: int, count: int, timesteps: int, k: int):
    """k data symbols (0..vocab-3) at random positions among noise (vocab-2) in the first
    timesteps-k steps, then k markers (vocab-1); at the i-th marker the target is the i-th
    data symbol in order of appearance."""
    import numpy as np

    data, noise, marker = vocab - 2, vocab - 2, vocab - 1
    body = timesteps - k
    symbols = np.full((count, timesteps), noise, dtype=np.int64)
    symbols[:, body:] = marker
    # k distinct positions per row, in increasing order: the order the symbols are recalled in
    positions = np.sort(rng.random((count, body)).argsort(axis=1)[:, :k], axis=1)
    values = rng.integers(0, data, size=(count, k))
    rows = np.arange(count)[:, None]
    symbols[rows, positions] = values
    targets = np.zeros((count, timesteps), dtype=np.int64)
    targets[:, body:] = values
    scored = np.zeros((count, timesteps), dtype=bool)
    scored[:, body:] = True
    return symbols, targets, scored


def recall_episode(rng: np.random.Generator, vocab: int, count: int, timesteps: int, pairs: int):
    """``pairs`` key-value pairs (keys from the lower half of the symbols, distinct within a
    sequence; values from the upper half), then queries: keys seen earlier, each followed
    by nothing; at a query the target is its key's value."""
    import numpy as np

    keys_n = vocab // 2
    rows = np.arange(count)[:, None]
    keys = rng.random((count, keys_n)).argsort(axis=1)[:, :pairs]
    values = rng.integers(keys_n, vocab, size=(count, pairs))
    queries = timesteps - 2 * pairs
    asked = rng.integers(0, pairs, size=(count, queries))
    symbols = np.empty((count, timesteps), dtype=np.int64)
    symbols[:, 0 : 2 * pairs : 2] = keys
    symbols[:, 1 : 2 * pairs : 2] = values
    symbols[:, 2 * pairs :] = keys[rows, asked]
    targets = np.zeros((count, timesteps), dtype=np.int64)
    targets[:, 2 * pairs :] = values[rows, asked]
    scored = np.zeros((count, timesteps), dtype=bool)
    scored[:, 2 * pairs :] = True
    return symbols, targets, scored


def flipflop_episode(rng: np.random.Generator, vocab: int, count: int, timesteps: int, _n: int):
    """Instruction-bit pairs ending in a read at the last step: ``w b`` writes bit b, ``i b``
    is a distractor, ``r`` asks for the last bit written (the target at the read; the bit
    after a read repeats it). The first instruction is a write. A step before the first
    instruction (odd windows) holds a distractor bit."""
    import numpy as np

    symbols = rng.integers(0, 2, size=(count, timesteps))
    starts = np.arange((timesteps - 1) % 2, timesteps, 2)  # instruction steps; the last is timesteps - 1
    codes = list(FLIPFLOP_P)
    instructions = rng.choice(codes, size=(count, len(starts)), p=[FLIPFLOP_P[c] for c in codes])
    instructions[:, 0] = WRITE
    instructions[:, -1] = READ
    symbols[:, starts] = instructions
    targets = np.zeros((count, timesteps), dtype=np.int64)
    scored = np.zeros((count, timesteps), dtype=bool)
    register = np.zeros(count, dtype=np.int64)
    for j, step in enumerate(starts):
        op = instructions[:, j]
        bit_step = step + 1
        if bit_step < timesteps:
            reading = op == READ
            symbols[reading, bit_step] = register[reading]
            writing = op == WRITE
            register[writing] = symbols[writing, bit_step]
        reading = op == READ
        targets[reading, step] = register[reading]
        scored[reading, step] = True
    return symbols, targets, scored


@dataclasses.dataclass(frozen=True)
class ProbeKind:
    name: str
    #: The lag argument: its default when omitted (None: it must be given) and its least value;
    #: ``takes_lag=False`` for a kind without one.
    takes_lag: bool
    default_n: int | None
    min_n: int
    #: Bits (2 symbols) whatever the model could take.
    binary: bool
    #: Targets along the last axis of a symbol stream, for lag n.
    target: Target
    #: The call as written in docs and errors, and what it asks.
    signature: str
    summary: str
    #: The lag argument's name as a keyword.
    lag_name: str = "n"
    #: Structured kinds draw whole windows (None: uniform random symbols and ``target``).
    episode: Episode | None = None
    #: Fewest symbols the kind works with for argument n, and a vocabulary it always uses
    #: (None: the model's).
    min_vocab: Callable[[int], int] = lambda n: 2
    fixed_vocab: int | None = None
    #: Accuracy of the best constant guess, from the vocabulary.
    chance: Callable[[int], float] = lambda vocab: 1.0 / vocab
    #: Window for a model with free timesteps, and the least window the kind fits in.
    default_timesteps: Callable[[int], int] = lambda n: max(8, n + 4)
    min_timesteps: Callable[[int], int] = lambda n: n + 1
    #: Answers every window needs at once; more than one needs an output per step.
    answers: Callable[[int], int] = lambda n: 1
    #: Default held-out accuracy to pass, and the final held-out set's size (None: the usual).
    min_accuracy: float = 0.9
    final_sequences: int | None = None

    @property
    def structured(self) -> bool:
        return self.episode is not None

    def effort(self, n: int, timesteps: int) -> int:
        """The lag the default budget is sized for: n, or the window for a structured kind
        (its answer can lie anywhere in the window)."""
        return timesteps if self.structured else n

    def lag_error(self) -> str:
        if self.lag_name != "n":
            return (
                f"{self.signature} needs {self.lag_name}, the longest lag to try, e.g. {self.name}({self.lag_name}=16)"
            )
        return f"{self.signature} needs n, the number of steps to look back, e.g. {self.name}(2)"


KINDS: dict[str, ProbeKind] = {
    kind.name: kind
    for kind in (
        ProbeKind("echo", False, 0, 0, False, _past, "echo()", "target at step t is the symbol at step t"),
        ProbeKind(
            "lag", True, None, 1, False, _past, "lag(n)", "target at step t is the symbol at step t - n (n >= 1)"
        ),
        ProbeKind(
            "invert",
            True,
            1,
            0,
            True,
            lambda s, n: 1 - _past(s, n),
            "invert(n=1)",
            "bits; target at step t is 1 - x[t - n]",
        ),
        ProbeKind(
            "xor",
            True,
            None,
            1,
            True,
            lambda s, n: s ^ _past(s, n),
            "xor(n)",
            "bits; target at step t is x[t] XOR x[t - n]: memory plus a nonlinearity (a memoryless model is at chance)",
        ),
        ProbeKind(
            "memory",
            True,
            None,
            1,
            False,
            _past,
            "memory(max_lag=K, min_horizon=None)",
            "the horizon: the largest lag n <= K that lag(n) passes, with the profile of every lag tried",
            lag_name="max_lag",
        ),
        ProbeKind(
            "selective_copy",
            True,
            1,
            1,
            False,
            _past,
            "selective_copy(k=1)",
            "k symbols at random places among noise, recalled in order at k markers at the end "
            "(k > 1 needs an output per step); a fixed delay line cannot",
            lag_name="k",
            episode=selective_copy_episode,
            min_vocab=lambda k: 4,  # two data symbols, noise, the marker
            chance=lambda vocab: 1.0 / (vocab - 2),
            default_timesteps=lambda k: max(16, 4 * k),
            min_timesteps=lambda k: 2 * k + 1,
            answers=lambda k: k,
        ),
        ProbeKind(
            "recall",
            True,
            4,
            1,
            False,
            _past,
            "recall(pairs=4)",
            "associative recall: key-value pairs, then keys seen earlier; the target at a query is its value",
            lag_name="pairs",
            episode=recall_episode,
            min_vocab=lambda pairs: max(4, 2 * pairs),  # distinct keys in the lower half
            chance=lambda vocab: 1.0 / (vocab - vocab // 2),
            default_timesteps=lambda pairs: 3 * pairs,
            min_timesteps=lambda pairs: 2 * pairs + 1,  # queries fill what the pairs leave
        ),
        ProbeKind(
            "flipflop",
            False,
            0,
            0,
            False,
            _past,
            "flipflop()",
            "write / ignore / read instructions on a 1-bit register with distractors; the target at a read "
            "is the last bit written; judged on a large held-out set, errors counted",
            episode=flipflop_episode,
            min_vocab=lambda n: FLIPFLOP_VOCAB,
            fixed_vocab=FLIPFLOP_VOCAB,
            chance=lambda vocab: 0.5,
            default_timesteps=lambda n: 32,
            min_timesteps=lambda n: 3,
            min_accuracy=0.99,
            final_sequences=8192,
        ),
    )
}


def signatures() -> str:
    """``echo(), lag(n), invert(n=1), xor(n)`` for help texts."""
    return ", ".join(kind.signature for kind in KINDS.values())
