"""``diagnose(model, x, y)`` and ``assert_healthy``: the probes' diagnosis on the user's own
training arrays. Keras is imported only when called.

Order: check and summarise the arrays (``user_data``), read the model, describe the data as a
probe plan, run the static rules and the data's own rules, then (when nothing certain
explains it yet) a short fit on a copy to look for a constant output.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import diagnosis
from .backend import quiet_native_stderr, tensorflow_left_unloaded
from .diagnosis import Evidence
from .diagnosis.pathology import ERROR, Pathology
from .errors import RnnCheckError
from .geometry import read_geometry
from .notebook import Findings
from .own_training import Targets, look
from .spec import ProbeSpec
from .user_data import DataError, describe_as_plan, summarize

#: The short fit: at most this many training samples in all, over at most this many epochs.
FIT_SAMPLES = 20_000
FIT_EPOCHS = 5


@dataclasses.dataclass(frozen=True)
class DataSpec(ProbeSpec):
    """The user's data in the place of a probe: the rules name it "the data"."""

    @property
    def name(self) -> str:
        return f"the data (y from x[t-{self.n}])" if self.n else "the data"

    @property
    def tunable(self) -> bool:
        return False


def diagnose(
    model: Any, x: Any, y: Any, *, lag: int | None = None, fit: bool = True, seed: int = 0,
    output: int | str | None = None,
) -> Findings:
    """What ``model`` trained on ``x`` -> ``y`` would run into, with evidence and a fix.

    ``model``: a keras.Model (never changed: a copy is fitted) or a zero-argument factory.
    ``lag``: the target at step t depends on the input ``lag`` steps back (so the window
    must hold it). ``fit``: allow a short fit on a copy when nothing certain explains the
    data (a constant output shows only then). ``output``: which output y is for, on a model
    with several (index or name). Bad arrays raise a DataError naming the fix.
    """
    if lag is not None and (isinstance(lag, bool) or not isinstance(lag, int) or lag < 0):
        raise DataError(f"lag={lag!r}: give how many steps back the target looks, an integer >= 0")
    summary = summarize(x, y)
    with tensorflow_left_unloaded():  # under JAX or PyTorch, copying the model would import TensorFlow
        built = the_model(model, output)
        found, notes, geometry, plan = configuration_findings(
            built, summary, np.shape(x), lag, user_geometry(built, x)
        )
        if fit and not any(p.certain for p in found):
            found += _short_fit(built, geometry, np.asarray(x), np.asarray(y), summary, seed, notes)
    return Findings(diagnosis.rank(found), notes)


def user_geometry(built: Any, x: Any) -> Any:
    """The model's Geometry; a model that declares no input (subclassed) is read from one forward
    pass on the first samples of x (which builds it if it was not built)."""
    geometry = read_geometry(built)
    if geometry.declared:
        return geometry
    sample = np.asarray(x)[: geometry.batch_size or 2]
    try:
        out = built(sample, training=False)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"{built.name} rejected x[:{len(sample)}] shaped {sample.shape}: {first}; give x as the model takes it"
        ) from None
    if isinstance(out, (list, tuple, dict)):
        raise DataError(f"{built.name} returns {len(out)} outputs: wrap the one y is for in a model of its own")
    return read_geometry(
        built, built.name, input_shape=(sample.shape, str(sample.dtype)), output_shape=tuple(out.shape)
    )


def configuration_findings(
    built: Any, summary: Any, shape: tuple[int, ...], lag: int | None, geometry: Any = None
) -> tuple[list[Pathology], list[str], Any, Any]:
    """What the model's configuration and the arrays show without training: the findings, a note
    on how the data were read, the model's Geometry and the data's ProbePlan (shared with the
    training callback)."""
    geometry = geometry if geometry is not None else read_geometry(built)
    _check_shapes(summary, geometry, shape)
    plan = describe_as_plan(summary, geometry)
    spec = DataSpec(kind="lag" if lag else "echo", n=lag or 0)
    found = diagnosis.diagnose_static(spec, plan, geometry)
    # the data's own rules; a code the configuration proves is not repeated, and a stateful model fed
    # short windows stays a suspect (a probe settles it with a control run)
    data = Evidence(spec=spec, plan=plan, geometry=geometry, summary=summary, found=tuple(found))
    found += diagnosis.run("data", data)
    output = f"an output read as {plan.form}" if plan.form else "an output that fits neither classes nor a value"
    what = f"{summary.features} feature(s)" if plan.encoding == "continuous" else f"{plan.vocab} symbols"
    notes = [f"read as {plan.encoding} inputs, {what}, {plan.timesteps} step(s) per sample, {output}"]
    return found, notes, geometry, plan


def assert_healthy(model: Any, x: Any, y: Any, *, strict: bool = False, **hints: Any) -> Findings:
    """Raise AssertionError with the findings when ``diagnose`` finds an error (any finding
    with ``strict=True``); return the findings otherwise."""
    found = diagnose(model, x, y, **hints)
    bad = [p for p in found if strict or p.severity == ERROR]
    if bad:
        codes = ", ".join(dict.fromkeys(p.code for p in bad))
        raise AssertionError(f"rnncheck: the model and its data are not healthy ({codes})\n{found.message()}")
    return found


def the_model(model: Any, output: int | str | None) -> Any:
    """The user's model (never changed), or the one a factory builds, cut to the output y is for."""
    from .keras_adapter import ModelError, fresh_model, is_model, one_output, output_names
    from .trial import source_label

    try:
        built = model if is_model(model) else fresh_model(model, source_label(model))
        names = output_names(built)
        if len(names) > 1:
            if output is None:
                listing = ", ".join(f"{k}: {name}" for k, name in enumerate(names))
                raise DataError(
                    f"{built.name} has {len(names)} outputs ({listing}) and y is for one of them: pass output= "
                    f"(its index or name), e.g. output={names[-1]!r}"
                )
            built = one_output(built, ProbeSpec(kind="echo", n=0, output=output), built.name)
        elif output not in (None, 0, *names):
            raise DataError(f"output={output!r}: {built.name} has one output, {names[0]!r}")
    except ModelError as exc:
        raise DataError(str(exc)) from None
    return built


def short_fit_score(predicted: np.ndarray, y: np.ndarray, width: int | None, rank: int | None) -> str:
    """What the short fit reached on the held-out samples, beside what guessing scores."""
    targets = Targets.read(y, width, rank)
    seen = look(0, None, predicted, targets)
    if seen.accuracy is not None:
        return f": accuracy {seen.accuracy:.3f} (always predicting the most common label scores {targets.majority:.3f})"
    if seen.error is not None:
        return f": squared error {seen.error:.4g} (always predicting the targets' mean gives {seen.mean_error:.4g})"
    return ""


def _check_shapes(summary: Any, geometry: Any, shape: tuple[int, ...]) -> None:
    if geometry.timesteps is not None and geometry.timesteps != summary.timesteps:
        raise DataError(
            f"x has {summary.timesteps} step(s) per sample but {geometry.name} takes {geometry.timesteps}: "
            "give x the model's window (or declare keras.Input((None, features)))"
        )
    if summary.features is not None and geometry.features is not None and geometry.features != summary.features:
        raise DataError(
            f"x has {summary.features} feature(s) per step (shape {shape}) but {geometry.name} reads "
            f"{geometry.features}"
        )
    if summary.features is None and geometry.input_rank == 3:
        raise DataError(
            f"x has shape {shape} (integer tokens) but {geometry.name} reads (samples, timesteps, features): "
            "add a feature axis, x[..., None], or one-hot the tokens"
        )


def _short_fit(
    model: Any, geometry: Any, x: np.ndarray, y: np.ndarray, summary: Any, seed: int, notes: list[str]
) -> list[Pathology]:
    """Fit a copy (the user's weights, optimizer and loss) briefly on 80% of the data; a
    constant output on the rest is a finding."""
    if not geometry.compiled:
        notes.append(
            "no short fit: the model is not compiled, so its loss is unknown; "
            "compile it to have the output checked"
        )
        return []
    from .keras_adapter import fit_and_predict, seeded_copy

    copy = seeded_copy(model, seed)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = max(1, int(0.8 * len(x)))
    train, held = order[:cut], order[cut:] if cut < len(x) else order[-1:]
    try:
        epochs = max(1, min(FIT_EPOCHS, FIT_SAMPLES // max(len(train), 1)))
        batch = geometry.batch_size or 32
        usable = len(train) - len(train) % batch if geometry.batch_size else len(train)
        held_n = len(held) - len(held) % batch if geometry.batch_size else len(held)
        with quiet_native_stderr():  # the runtime's own lines on each fit (tf.data's NodeDef notices)
            predicted = fit_and_predict(
                copy, model, x[train][:usable], y[train][:usable],
                x[held][: max(held_n, batch if geometry.batch_size else 1)],
                epochs=epochs, batch=batch, shuffle=not geometry.stateful,
            )
    except Exception as exc:  # the user's model and data: say so, never a traceback
        notes.append(
            f"the short fit could not run: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        return []
    checked = f"short fit on a copy: {usable:,} samples x {epochs} epoch(s), checked on {len(predicted):,} held-out"
    notes.append(
        checked + short_fit_score(predicted, y[held][: len(predicted)], geometry.output_width, geometry.output_rank)
    )
    return diagnosis.run("dynamic", Evidence(summary=summary, fit_predictions=predicted, fit_targets=y))


__all__ = ["DataError", "Findings", "RnnCheckError", "assert_healthy", "diagnose"]
