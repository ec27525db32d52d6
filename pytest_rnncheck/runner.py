"""Run one probe on one model: obtain a fresh copy, fit the probe, diagnose,
train, judge. Keras is imported here, when a probe runs, never at plugin load."""

from __future__ import annotations

import gc
import inspect
import time
from typing import Any

import numpy as np

from . import diagnosis
from .backend import import_keras, seed_everything
from .errors import ModelError, RnnCheckError
from .geometry import Geometry, declared_io, read_geometry
from .memory import PeakMemory
from .plan import FitError, ProbePlan, plan_probe
from .result import ProbeResult
from .spec import ProbeSpec, make_spec
from .training import HeldOut, Outcome, ProbeTrainer, Progress
from .verdict import Z_FIRST, Z_REMEDY

#: Learning rate given to models that arrive uncompiled.
DEFAULT_LEARNING_RATE = 0.01
#: Remedies for a model still learning when it fails: retrain at these multiples of its rate.
LEARNING_RATE_FACTORS = (0.3, 3.0)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def source_label(source: Any) -> str:
    if isinstance(source, type) or (callable(source) and not hasattr(source, "layers")):
        name = getattr(source, "__qualname__", None) or getattr(source, "__name__", None) or repr(source)
        return name.rsplit("<locals>.", 1)[-1]
    return getattr(source, "name", None) or type(source).__name__


def run_probe(
    source: Any, spec: ProbeSpec, seed: int, label: str | None = None, progress: Progress | None = None
) -> ProbeResult:
    """Run ``spec`` on a fresh copy of ``source``; never raises for bad models.

    ``progress(sequences, monitor_accuracy)`` is called as training goes on.
    """
    label = label or source_label(source)
    result = ProbeResult(model=label, probe=spec.name, seed=seed, threshold=spec.min_accuracy)
    memory = PeakMemory()
    memory.start()
    start = time.perf_counter()
    try:
        _run(source, spec, seed, label, result, progress)
    except RnnCheckError as exc:
        result.error, result.stopped, result.passed = str(exc), "error", False
    result.seconds = time.perf_counter() - start
    result.peak_memory_mb, result.peak_memory_scope = memory.peak_mb(), memory.scope
    return result


def _run(source: Any, spec: ProbeSpec, seed: int, label: str, result: ProbeResult, progress: Progress | None) -> None:
    keras = import_keras()
    model, geometry, plan = prepare(keras, source, spec, seed, label, reuse=True)
    static = diagnosis.diagnose_static(spec, plan, geometry)
    if any(p.certain for p in static):
        result.stopped, result.pathologies = "static", static
        result.chance = 1.0 / (2 if spec.binary else plan.vocab)
        return
    if model is source:  # never train the user's own instance
        model = clone(keras, source, label)
    outcome, rate = train(keras, model, geometry, plan, spec, seed, label, progress=progress)
    result.attempts.append(attempt_record(outcome, rate, Z_FIRST))
    del model
    gc.collect()  # free the trained model's memory before the next probe
    if rate and still_learning(outcome) and not any(p.severity == diagnosis.ERROR for p in static):
        outcome = remedy(keras, source, spec, seed, label, outcome, rate, result, progress)
    verdict = outcome.verdict
    result.passed = verdict.passed
    result.accuracy, result.lower, result.chance = verdict.accuracy, verdict.lower, verdict.chance
    result.sequences, result.stopped = outcome.sequences, outcome.stopped
    found = list(static)
    if outcome.bad_loss is not None:
        found += diagnosis.diagnose_non_finite(plan, outcome.bad_loss, outcome.sequences)
    if verdict.passed:
        found = [p.as_warning() for p in found]
    elif outcome.bad_loss is None:  # NaN predictions say nothing more
        found += constant_findings(spec, plan, geometry, outcome)
        if spec.n > 0 and not found:
            found += control_findings(source, spec, plan, seed, label, verdict.accuracy, result)
    result.pathologies = diagnosis.rank(found)


def attempt_record(outcome: Outcome, rate: float | None, z: float) -> dict[str, Any]:
    verdict = outcome.verdict
    return {
        "learning_rate": rate,
        "sequences": outcome.sequences,
        "accuracy": round(verdict.accuracy, 4),
        "lower_bound": round(verdict.lower, 4),
        "passed": verdict.passed,
        "stopped": outcome.stopped,
        "z": round(z, 4),
    }


def prepare(
    keras: Any, source: Any, spec: ProbeSpec, seed: int, label: str, reuse: bool = False
) -> tuple[Any, Geometry, ProbePlan]:
    """A fresh, seeded model, what it looks like, and the probe fitted to it.

    With ``reuse``, a built model is read as it is (static checks need no copy);
    the caller clones it before training.
    """
    keras.backend.clear_session(free_memory=False)  # a full gc.collect costs ~0.3 s; done after training
    seed_everything(keras, seed % 2**32)
    # a subclassed instance (no declared inputs) is cloned first: if it cannot be, that is the news
    readable = reuse and isinstance(source, keras.Model) and declared_io(source) is not None
    model = source if readable else fresh_model(keras, source, label)
    io = declared_io(model)
    if io is not None and (len(io[0]) != 1 or len(io[1]) != 1):
        raise ModelError(
            f"{label} has {len(io[0])} input(s) and {len(io[1])} output(s); a probe needs one sequence "
            f"input and one output. Wrap the part to check in a model of its own "
            f"(keras.Model(seq_input, seq_output)) and hand that to rnncheck"
        )
    geometry = read_geometry(model, label)
    try:
        plan = plan_probe(spec, geometry)
        if not geometry.declared:
            geometry = forward_geometry(keras, model, plan, label)
            plan = plan_probe(spec, geometry)
    except FitError as exc:
        raise RnnCheckError(str(exc)) from None
    return model, geometry, plan


def fresh_model(keras: Any, source: Any, label: str) -> Any:
    if isinstance(source, keras.Model):
        return clone(keras, source, label)
    if isinstance(source, keras.layers.Layer) or not callable(source):
        raise ModelError(
            f"rnncheck() got {type(source).__module__}.{type(source).__qualname__}; it takes a keras.Model "
            f"or a zero-argument function that builds one, e.g. rnncheck(build_model)"
        )
    try:
        needed = [
            p.name
            for p in inspect.signature(source).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
    except (TypeError, ValueError):
        needed = []
    if needed:
        raise ModelError(
            f"model factory {label}() needs argument(s) {', '.join(needed)}; rnncheck calls it with none. "
            f"Pass a zero-argument callable, e.g. rnncheck(lambda: {label}(...)) or functools.partial"
        )
    try:
        model = source()
    except Exception as exc:  # the user's own code: report its message, run the other tests
        raise ModelError(f"model factory {label}() raised {type(exc).__name__}: {exc}") from None
    if not isinstance(model, keras.Model):
        raise ModelError(
            f"model factory {label}() returned {type(model).__module__}.{type(model).__qualname__}; "
            f"it must return a keras.Model (Sequential, functional or subclassed)"
        )
    return model


def clone(keras: Any, model: Any, label: str) -> Any:
    try:
        copy = keras.models.clone_model(model)
    except Exception as exc:
        first = first_line(exc)
        raise ModelError(
            f"cannot clone {label} ({type(model).__qualname__}) to train a fresh copy: {first}. "
            f"Subclassed models usually cannot be cloned; pass a zero-argument factory instead, "
            f"e.g. rnncheck(lambda: {type(model).__qualname__}(...))"
        ) from None
    if getattr(model, "optimizer", None) is not None and getattr(model, "loss", None) is not None:
        optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
        copy.compile(optimizer=optimizer, loss=model.loss)
    return copy


def forward_geometry(keras: Any, model: Any, plan: ProbePlan, label: str) -> Geometry:
    """Shapes of a model that declares none, found by one forward pass."""
    from .encoding import encode

    batch = plan.batch_size or 2
    x = encode(plan.encoding, np.zeros((batch, plan.timesteps), dtype=int), plan.model_vocab)
    try:
        y = model(x)
    except Exception as exc:
        first = first_line(exc)
        raise ModelError(
            f"{label} rejected a probe batch shaped {x.shape} ({plan.encoding} encoding, "
            f"vocab={plan.vocab}, timesteps={plan.timesteps}): {first}. Set encoding=, vocab= and "
            f"timesteps= on the probe to what the model takes"
        ) from None
    if isinstance(y, (list, tuple, dict)):
        raise ModelError(f"{label} returns {len(y)} outputs; a probe needs exactly one output")
    return read_geometry(model, label, input_shape=(x.shape, str(x.dtype)), output_shape=tuple(y.shape))


def compile_default(keras: Any, model: Any, geometry: Geometry, plan: ProbePlan, learning_rate: float) -> bool:
    """Compile an uncompiled model with a loss that fits its output; return sparse-ness."""
    act = geometry.output_activation
    sparse = False
    if plan.form == "classes" and act == "softmax":
        loss, sparse = "sparse_categorical_crossentropy", True
    elif plan.form == "classes" and act in ("linear", None):
        loss, sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True), True
    elif plan.form in ("bits", "scalar") and act == "sigmoid":
        loss = "binary_crossentropy"
    else:
        loss = "mean_squared_error"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    return sparse


def train(
    keras: Any,
    model: Any,
    geometry: Geometry,
    plan: ProbePlan,
    spec: ProbeSpec,
    seed: int,
    label: str,
    learning_rate: float | None = None,
    z: float = Z_FIRST,
    progress: Progress | None = None,
) -> tuple[Outcome, float | None]:
    """Train and judge; return the outcome and the learning rate used (None if unknown)."""
    if geometry.compiled:
        sparse = geometry.sparse_targets
        if learning_rate is not None:
            model.optimizer.learning_rate = learning_rate
    else:
        sparse = compile_default(keras, model, geometry, plan, learning_rate or DEFAULT_LEARNING_RATE)
    rate = current_learning_rate(model)
    trainer = ProbeTrainer(model, spec, plan, np.random.default_rng(seed), sparse, z, progress)
    try:
        return trainer.run(spec.budget), rate
    except RnnCheckError:
        raise
    except Exception as exc:
        first = first_line(exc)
        raise RnnCheckError(
            f"Keras raised {type(exc).__name__} while training {label} on {spec.name}: {first}. "
            f"The probe fed inputs shaped (batch, {', '.join(map(str, plan.input_shape))}) "
            f"({plan.encoding}, vocab={plan.vocab}) and targets for a {plan.form} output"
            f"{' (loss ' + geometry.loss + ')' if geometry.loss else ''}; check that the model's loss "
            f"fits that output or set encoding=/vocab=/timesteps= on the probe"
        ) from None


def current_learning_rate(model: Any) -> float | None:
    """The optimizer's fixed learning rate; None for a schedule (left alone)."""
    optimizer = getattr(model, "optimizer", None)
    schedule = getattr(optimizer, "_learning_rate", None)
    if optimizer is None or callable(schedule):
        return None
    try:
        return float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError):
        return None


def still_learning(outcome: Outcome) -> bool:
    """Failed, but not for want of ability: well above chance, or out of budget while improving."""
    verdict = outcome.verdict
    if verdict.passed or outcome.bad_loss is not None:
        return False
    return verdict.accuracy >= verdict.chance + 0.1 or outcome.stopped == "budget"


def remedy(
    keras: Any,
    source: Any,
    spec: ProbeSpec,
    seed: int,
    label: str,
    first: Outcome,
    rate: float,
    result: ProbeResult,
    progress: Progress | None = None,
) -> Outcome:
    """Retrain fresh copies at other learning rates before failing a model still learning."""
    best = first
    for attempt, factor in enumerate(LEARNING_RATE_FACTORS, start=1):
        model, geometry, plan = prepare(keras, source, spec, seed + attempt, label)
        outcome, _ = train(keras, model, geometry, plan, spec, seed + attempt, label, rate * factor, Z_REMEDY, progress)
        verdict = outcome.verdict
        result.attempts.append(attempt_record(outcome, rate * factor, Z_REMEDY))
        if verdict.passed:
            return outcome
        if verdict.accuracy > best.verdict.accuracy:
            best = outcome
    return best


def constant_findings(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, outcome: Outcome) -> list:
    held: HeldOut = outcome.heldout
    spread = diagnosis.measure_spread(
        held.predicted,
        held.targets,
        held.scored,
        outcome.verdict.accuracy,
        outcome.verdict.chance,
        held.values,
        held.target_values,
    )
    return diagnosis.diagnose_constant_output(spec, plan, geometry, spread)


def control_findings(
    source: Any, spec: ProbeSpec, plan: ProbePlan, seed: int, label: str, accuracy: float, result: ProbeResult
) -> list:
    """Run echo() beside a failing lag to tell missing memory from a model that cannot map at all."""
    control = make_spec("echo", **{**spec.options(), "seed": None})
    outcome = run_probe(source, control, seed + 1, label)
    if outcome.error:
        result.notes.append(f"control echo() could not run: {outcome.error}")
        return []
    status = "passed" if outcome.passed else "failed too"
    result.notes.append(f"control run echo() {status}: accuracy {outcome.accuracy:.3f} in {outcome.seconds:.1f} s")
    return diagnosis.diagnose_control(spec, plan, outcome.accuracy, outcome.passed, accuracy)
