"""Run one probe on one model, in order: a fresh copy, the probe fitted to it, the reach,
the static diagnosis, training (and remedies), the verdict, the dynamic diagnosis (control
runs, undertrained). Keras is imported here, when a probe runs, never at plugin load."""

from __future__ import annotations

import dataclasses
import gc
import time
from typing import Any

from . import diagnosis, length, run_profiles, seeds
from .backend import device_names, import_keras
from .controls import check_suspects, not_checked, run_control
from .diagnosis import fragile, length_generalization
from .diagnosis.training_causes import Suspect
from .errors import RnnCheckError
from .geometry import Geometry
from .keras_model import clone, measure_reach, prepare
from .memory import PeakMemory
from .plan import ProbePlan
from .profile import Search
from .records import Attempt, Extrapolation, LagResult, RescueControl, SeedRun
from .result import ProbeResult
from .spec import ProbeSpec, make_spec
from .stopping import StopPolicy, other_rates, progressing
from .training import HeldOut, Outcome, Progress, train
from .verdict import ALPHA, ALPHA_REMEDY


def source_label(source: Any) -> str:
    if isinstance(source, type) or (callable(source) and not hasattr(source, "layers")):
        name = getattr(source, "__qualname__", None) or getattr(source, "__name__", None) or repr(source)
        return name.rsplit("<locals>.", 1)[-1]
    return getattr(source, "name", None) or type(source).__name__


def run_probe(
    source: Any,
    spec: ProbeSpec,
    seed: int,
    label: str | None = None,
    progress: Progress | None = None,
    profile: str | None = None,
) -> ProbeResult:
    """Run ``spec`` on a fresh copy of ``source``; never raises for bad models.

    ``progress(sequences, monitor_accuracy)`` is called as training goes on. ``profile`` names
    the run profile (run_profiles.py); None keeps the one in force (``ci`` unless set).
    """
    label = label or source_label(source)
    chosen = run_profiles.get(profile) if profile is not None else run_profiles.active()
    result = ProbeResult(model=label, probe=spec.name, seed=seed, threshold=spec.min_accuracy, run_profile=chosen.name)
    memory = PeakMemory()
    memory.start()
    start = time.perf_counter()
    try:
        with run_profiles.using(chosen):
            step = _seeded if spec.trainings > 1 else _profile if spec.kind == "memory" else _run
            step(source, spec, seed, label, result, progress)
    except RnnCheckError as exc:
        result.error, result.stopped, result.passed = str(exc), "error", False
    result.seconds = time.perf_counter() - start
    result.device = ", ".join(device_names(import_keras())) or None  # Keras is loaded by now: no cost
    result.peak_memory_mb, result.peak_memory_scope = memory.peak_mb(), memory.scope
    return result


def _run(source: Any, spec: ProbeSpec, seed: int, label: str, result: ProbeResult, progress: Progress | None) -> None:
    keras = import_keras()
    model, geometry, plan = prepare(keras, source, spec, seed, label, reuse=True)
    result.notes.extend(plan.notes)
    reach = measure_reach(keras, model, plan, seed)
    if reach is not None:
        result.receptive_field = reach.receptive_field()
    static = diagnosis.diagnose_static(spec, plan, geometry, reach)
    if any(p.certain for p in static):
        result.stopped, result.pathologies = "static", static
        result.chance = plan.chance
        return
    problem = length.extrapolation_error(spec, geometry, plan)
    if problem:
        raise RnnCheckError(problem)
    if model is source:  # never train the user's own instance
        model = clone(keras, source, label)
    outcome, rate = train(keras, model, geometry, plan, spec, seed, label, progress=progress)
    result.attempts.append(attempt_record(outcome, rate))
    del model
    gc.collect()  # free the trained model's memory before the next probe
    verdict = outcome.verdict
    if outcome.longer is not None and length.failed_by_length(outcome.longer, verdict, spec.min_accuracy):
        # passed at the window it trained on: no remedy or control can speak to the longer one
        result.extrapolation = extrapolation_record(spec, verdict, outcome.longer)
        result.accuracy, result.lower, result.upper, result.chance = verdict.accuracy, verdict.lower, verdict.upper, verdict.chance
        result.sequences, result.stopped, result.record = outcome.sequences, outcome.stopped, outcome.record.summary()
        result.pathologies = diagnosis.rank([length_generalization.length_finding(spec, outcome.longer, verdict)] + [p.as_warning() for p in static])
        return
    factors = other_rates(verdict.passed, verdict.accuracy, verdict.chance, outcome.stopped, outcome.curve)
    chosen = run_profiles.active()
    if rate and factors and chosen.remedies and not diagnosis.has_error(static):
        outcome = remedy(keras, source, spec, seed, label, outcome, rate, factors, result, progress)
    verdict = outcome.verdict
    result.passed = verdict.passed
    result.accuracy, result.lower, result.upper, result.chance = verdict.accuracy, verdict.lower, verdict.upper, verdict.chance
    result.sequences, result.stopped = outcome.sequences, outcome.stopped
    if plan.final_sequences:  # a kind judged on a large held-out set: rare errors matter
        result.notes.append(
            f"error rate {1 - verdict.accuracy:.3%} of the answers (averaged per sequence) over "
            f"{verdict.sequences:,} held-out sequences"
        )
    if outcome.record is not None:
        result.record = outcome.record.summary()
    found = list(static)
    if outcome.bad_loss is not None:
        found += diagnosis.diagnose_non_finite(plan, outcome.bad_loss, outcome.sequences)
    if verdict.passed:
        found = [p.as_warning() for p in found]
    elif outcome.bad_loss is None:  # NaN predictions say nothing more
        symptoms = constant_findings(spec, plan, geometry, outcome)
        if not diagnosis.has_error(found):  # nothing in the configuration explains it
            suspects = diagnosis.suspects(spec, geometry, outcome.record, rate, plan)
            if chosen.controls:
                causes, notes = check_suspects(keras, source, spec, seed, label, suspects, outcome)
                result.notes.extend(notes)
                found += causes
            else:
                result.notes.extend(not_checked(suspect, chosen.name) for suspect in suspects)
        if diagnosis.has_error(found):  # a cause is named: the symptom is its consequence
            result.notes.extend(f"symptom: {p.message}" for p in symptoms)
            symptoms = []
        found += symptoms
        if not diagnosis.has_error(found):
            echo = control_echo(source, spec, seed, label, result) if spec.n > 0 and chosen.controls else None
            found += diagnosis.diagnose_undertrained(
                spec,
                plan,
                verdict.accuracy,
                verdict.chance,
                result.total_sequences,
                outcome.stopped,
                progressing(outcome.curve),
                len(result.attempts),
                None if reach is None else True,  # a reach that could not pass stopped the probe above
                echo,
                None if chosen.name == run_profiles.DEFAULT else chosen,
            )
    result.pathologies = diagnosis.rank(found)
    if outcome.longer is not None:
        result.extrapolation = extrapolation_record(spec, verdict, outcome.longer)


def extrapolation_record(spec: ProbeSpec, verdict: Any, longer: dict[str, Any]) -> Extrapolation:
    """extrapolate=m: what the report keeps of both windows."""
    at_trained = longer["at_trained"]
    return Extrapolation(
        timesteps=longer["timesteps"], trained_timesteps=longer["trained_timesteps"],
        judged_timesteps=longer["trained_timesteps"] if longer.get("error") else longer["timesteps"],
        passed=verdict.passed and not longer.get("error"), accuracy=verdict.accuracy, lower_bound=verdict.lower,
        accuracy_at_trained=at_trained.accuracy, lower_bound_at_trained=at_trained.lower,
        passed_at_trained=at_trained.passed, buckets=tuple(longer["buckets"]),
        breaks_at=length.breaks_at(longer["buckets"], spec.min_accuracy), error=longer.get("error"),
    )


def _profile(source: Any, spec: ProbeSpec, seed: int, label: str, result: ProbeResult, progress: Progress | None) -> None:
    """memory(max_lag=K): lag(n) probes chosen by profile.Search, the horizon they show."""
    keras = import_keras()
    options = {key: value for key, value in spec.options().items() if key not in ("min_horizon", "seed")}
    model, _, plan = prepare(keras, source, make_spec("lag", spec.n, **options), seed, label, reuse=True)
    reach = measure_reach(keras, model, plan, seed)
    reachable = None
    if reach is not None:
        result.receptive_field = reach.receptive_field()
        # nothing reachable: lag(1) alone is tried, proven impossible without training, and its
        # finding explains the horizon of 0
        reachable = max(result.receptive_field - 1, 1)
    del model
    search = Search(spec.n, reachable, lambda n: StopPolicy.for_lag(n, options.get("budget")).most)
    lags: dict[int, ProbeResult] = {}
    while (step := search.next()) is not None:
        n, budget = step
        lag_spec = make_spec("lag", n, **{**options, "budget": budget or options.get("budget")})
        lags[n] = run_probe(source, lag_spec, seed + n, label, progress)
        if lags[n].error:
            raise RnnCheckError(f"lag({n}) of {spec.name} could not run: {lags[n].error}")
        search.record(n, lags[n].passed, lags[n].total_sequences, lags[n].stopped)
    result.horizon, result.horizon_upper = search.horizon, search.upper
    result.profile = [
        LagResult(
            lag=n, accuracy=r.accuracy, lower_bound=r.lower, upper_bound=r.upper, passed=r.passed,
            sequences=r.sequences, stopped=r.stopped, pathologies=tuple(p.code for p in r.pathologies), budget=search.capped.get(n),
            curve=tuple(r.curve),
        )
        for n, r in sorted(lags.items())
    ]
    shown = lags.get(result.horizon) or lags.get(1)
    failed = next((lags[n] for n in sorted(lags) if not lags[n].passed), None)
    result.passed = spec.min_horizon is None or result.horizon >= spec.min_horizon
    result.sequences = sum(r.sequences for r in lags.values())
    result.stopped = "profile"
    if shown is not None:
        result.accuracy, result.lower, result.upper, result.chance = shown.accuracy, shown.lower, shown.upper, shown.chance
    if failed is not None and (result.horizon == 0 or not result.passed):
        result.pathologies = failed.pathologies  # why the first lag it could not learn failed
        result.notes.extend(f"{failed.probe}: {note}" for note in failed.notes)
    result.notes.extend(search.closing_notes())
    if reachable is not None and reachable < spec.n:
        result.notes.append(
            f"lags beyond {reachable} were not trained: the measured receptive field is {result.receptive_field} steps"
        )


def _seeded(source: Any, spec: ProbeSpec, seed: int, label: str, result: ProbeResult, progress: Progress | None) -> None:
    """seeds=k: k trainings of the probe as it runs alone (seeds.py), one verdict, and when some
    seeds pass and others fail the ``fragile`` finding with its control run."""
    k, single = spec.trainings, spec.one_seed()
    bound = seeds.false_pass_bound(k, spec.min_pass_rate)
    if bound > ALPHA:
        raise RnnCheckError(
            f"{spec.name}: passing {seeds.required(k, spec.min_pass_rate)} of {k} trainings would let a model that does "
            f"not remember pass by luck with probability up to {bound:.3g}, above the {ALPHA:.0%} every verdict keeps: "
            f"raise min_pass_rate (or lower seeds)"
        )
    trained = []
    for index in range(k):
        at = seeds.seed_of(seed, index)
        one = run_probe(source, single, at, label, progress)
        if one.error:
            raise RnnCheckError(f"seed {at} ({index + 1} of {k}) of {spec.name} could not run: {one.error}")
        trained.append(one)
    runs = [seeds.run_summary(i, seeds.seed_of(seed, i), one) for i, one in enumerate(trained)]
    shown = trained[seeds.weakest(runs)]
    for name in ("accuracy", "lower", "upper", "chance", "receptive_field", "horizon", "horizon_upper", "profile", "record"):
        setattr(result, name, getattr(shown, name))
    result.attempts = [dataclasses.replace(a, seed=run.seed) for one, run in zip(trained, runs) for a in one.attempts]
    result.sequences = sum(one.sequences for one in trained)
    result.seed_runs, result.passes_needed = runs, seeds.required(k, spec.min_pass_rate)
    passes = sum(run.passed for run in runs)
    result.passed, result.stopped = passes >= result.passes_needed, "seeds"
    control = None
    rate = fragile.untried_rescue(runs)
    if 0 < passes < k and rate and run_profiles.active().controls and spec.kind != "memory":
        control = rescue_control(source, single, label, [run for run in runs if not run.passed], rate)
    found = fragile.diagnose_fragile(runs, result.passed, control)
    if passes == 0:  # no seed learned it: why the weakest failed
        found += shown.pathologies
        result.notes.extend(f"seed {shown.seed}: {note}" for note in shown.notes)
    elif not found:  # every seed passed: what it passed with
        found += shown.pathologies
    result.pathologies = diagnosis.rank(found)


def rescue_control(source: Any, spec: ProbeSpec, label: str, failed: list[SeedRun], rate: float) -> RescueControl:
    """The failing seeds retrained at ``rate``, a learning rate with which other seeds passed."""
    keras = import_keras()
    passed, accuracy = [], []
    for run in failed:
        outcome = run_control(keras, source, spec, run.seed, label, Suspect("fragile", "rate", "", rate=rate))
        passed.append(bool(outcome and outcome.passed))
        accuracy.append(None if outcome is None else outcome.accuracy)
    return RescueControl(rate, tuple(passed), tuple(accuracy))


def attempt_record(outcome: Outcome, rate: float | None) -> Attempt:
    verdict = outcome.verdict
    return Attempt(
        learning_rate=None if rate is None else float(f"{rate:.6g}"),  # 0.02, not float32's 0.0199999995
        sequences=outcome.sequences,
        accuracy=round(verdict.accuracy, 4),
        lower_bound=round(verdict.lower, 4),
        passed=verdict.passed,
        stopped=outcome.stopped,
        z=round(verdict.z, 4),  # of the final look the verdict rests on
    )


def remedy(
    keras: Any,
    source: Any,
    spec: ProbeSpec,
    seed: int,
    label: str,
    first: Outcome,
    rate: float,
    factors: tuple[float, ...],
    result: ProbeResult,
    progress: Progress | None = None,
) -> Outcome:
    """Retrain fresh copies at other learning rates before failing a model that learned something."""
    best = first
    for attempt, factor in enumerate(factors, start=1):
        model, geometry, plan = prepare(keras, source, spec, seed + attempt, label)
        outcome, _ = train(keras, model, geometry, plan, spec, seed + attempt, label, rate * factor, ALPHA_REMEDY, progress)
        verdict = outcome.verdict
        result.attempts.append(attempt_record(outcome, rate * factor))
        if verdict.passed:
            return outcome
        if verdict.accuracy > best.verdict.accuracy:
            best = outcome
    return best


def constant_findings(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, outcome: Outcome) -> list:
    if plan.form == "value":  # regressions: no symbols to count
        return []
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


def control_echo(source: Any, spec: ProbeSpec, seed: int, label: str, result: ProbeResult) -> tuple[float, bool] | None:
    """Run echo() beside a failing lag: can the model map the present at all?"""
    control = make_spec("echo", **{**spec.options(), "seed": None})
    outcome = run_probe(source, control, seed + 1, label)
    if outcome.error:
        result.notes.append(f"control echo() could not run: {outcome.error}")
        return None
    status = "passed" if outcome.passed else "failed too"
    result.notes.append(f"control run echo() {status}: accuracy {outcome.accuracy:.3f} in {outcome.seconds:.1f} s")
    return outcome.accuracy, outcome.passed
