"""Run one probe on one model, in order of its stages: static findings (a fresh copy, the probe
fitted to it, the reach), attempts (training and remedies), the verdict, dynamic findings (control
runs, undertrained). A ``Trial`` (trial.py) performs each step; Keras is reached through
``keras_adapter`` when a probe runs, never at plugin load."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from . import diagnosis, length, run_profiles, seeds
from .backend import tensorflow_left_unloaded
from .controls import not_checked, rescue
from .diagnosis import Evidence, fragile, length_generalization
from .errors import RnnCheckError
from .keras_adapter import devices
from .memory import PeakMemory
from .profile import Search
from .records import LagResult
from .result import ProbeResult
from .spec import ProbeSpec, make_spec
from .stopping import Stopped, StopPolicy, other_rates, progressing
from .training import Outcome, Progress
from .trial import Trial, source_label


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
    The stages fill ``draft`` (the result's fields) and the ``ProbeResult`` is built once from it,
    with what was measured before an error kept beside the error.
    """
    label = label or source_label(source)
    chosen = run_profiles.get(profile) if profile is not None else run_profiles.active()
    trial = Trial(source, spec, seed, label, progress)
    draft: dict[str, Any] = {"notes": [], "attempts": trial.attempts}
    memory = PeakMemory()
    memory.start()
    start = time.perf_counter()
    try:
        with run_profiles.using(chosen), tensorflow_left_unloaded():
            stages = _seeded if spec.trainings > 1 else _profile if spec.kind == "memory" else _run
            stages(trial, draft)
    except RnnCheckError as exc:
        draft.update(error=str(exc), stopped=Stopped.ERROR, passed=False)
    return ProbeResult(
        model=label, probe=spec.name, seed=seed, threshold=spec.min_accuracy, run_profile=chosen.name, **draft,
        seconds=time.perf_counter() - start,
        device=", ".join(devices()) or None,  # Keras is loaded by now: no cost
        peak_memory_mb=memory.peak_mb(), peak_memory_scope=memory.scope,
    )


def _run(trial: Trial, draft: dict[str, Any]) -> None:
    """One probe: static findings, then attempts, the verdict, the dynamic findings."""
    static, reach = _static_stage(trial, draft)
    if any(p.certain for p in static):
        draft.update(stopped=Stopped.STATIC, pathologies=static, chance=trial.plan.chance)
        return
    outcome = _attempts_stage(trial, static)
    verdict = outcome.verdict
    draft.update(
        accuracy=verdict.accuracy, lower=verdict.lower, upper=verdict.upper, chance=verdict.chance,
        sequences=outcome.sequences, stopped=outcome.stopped,
    )
    if outcome.record is not None:
        draft["record"] = outcome.record.summary()
    if outcome.longer is not None:
        draft["extrapolation"] = length.extrapolation_record(trial.spec, verdict, outcome.longer)
    if outcome.longer is not None and length.failed_by_length(outcome.longer, verdict, trial.spec.min_accuracy):
        # passed at the window it trained on: no remedy or control can speak to the longer one
        found = [length_generalization.length_finding(trial.spec, outcome.longer, verdict)]
        draft["pathologies"] = diagnosis.rank(found + [p.as_warning() for p in static])
        return
    draft["passed"] = verdict.passed
    if trial.plan.final_sequences:  # a kind judged on a large held-out set: rare errors matter
        draft["notes"].append(
            f"error rate {1 - verdict.accuracy:.3%} of the answers (averaged per sequence) over "
            f"{verdict.sequences:,} held-out sequences"
        )
    draft["pathologies"] = diagnosis.rank(_dynamic_stage(trial, static, reach, outcome, draft["notes"]))


def _static_stage(trial: Trial, draft: dict[str, Any]) -> tuple[list, Any]:
    """The fresh copy, the probe fitted to it, the measured reach and the findings without training."""
    geometry, plan = trial.prepare()
    draft["notes"].extend(plan.notes)
    reach = trial.reach()
    if reach is not None:
        draft["receptive_field"] = reach.receptive_field()
    evidence = Evidence(spec=trial.spec, plan=plan, geometry=geometry, reach=reach)
    found = diagnosis.run("static", evidence)
    found += diagnosis.run("reach", dataclasses.replace(evidence, found=tuple(found)))
    return diagnosis.rank(found), reach


def _attempts_stage(trial: Trial, static: list) -> Outcome:
    """The first training, then the learning-rate remedies a model that learned something gets
    (not when the configuration already names an error, nor when a longer window failed it)."""
    problem = length.extrapolation_error(trial.spec, trial.geometry, trial.plan)
    if problem:
        raise RnnCheckError(problem)
    outcome, rate = trial.train()
    verdict = outcome.verdict
    if outcome.longer is not None and length.failed_by_length(outcome.longer, verdict, trial.spec.min_accuracy):
        return outcome
    factors = other_rates(verdict.passed, verdict.accuracy, verdict.chance, outcome.stopped, outcome.curve)
    if rate and factors and run_profiles.active().remedies and not diagnosis.has_error(static):
        outcome = trial.remedy(rate, factors)
    return outcome


def _dynamic_stage(trial: Trial, static: list, reach: Any, outcome: Outcome, notes: list[str]) -> list:
    """What the training showed: a non-finite loss, a constant output, a suspect its control run
    confirms, or an undertrained model (with the echo control); warnings only when it passed."""
    spec, plan, chosen = trial.spec, trial.plan, run_profiles.active()
    verdict = outcome.verdict
    evidence = Evidence(spec=spec, plan=plan, geometry=trial.geometry, reach=reach)
    found = list(static)
    if outcome.bad_loss is not None:
        found += diagnosis.run(
            "dynamic", dataclasses.replace(evidence, bad_loss=outcome.bad_loss, sequences=outcome.sequences)
        )
    if verdict.passed:
        return [p.as_warning() for p in found]
    if outcome.bad_loss is not None:  # NaN predictions say nothing more
        return found
    symptoms = diagnosis.run("dynamic", dataclasses.replace(evidence, spread=outcome.spread(plan.form)))
    if not diagnosis.has_error(found):  # nothing in the configuration explains it
        suspects = diagnosis.suspects(spec, trial.geometry, outcome.record, trial.runs[0][1], plan)
        if chosen.controls:
            causes, checked = trial.check(suspects, outcome)
            notes.extend(checked)
            found += causes
        else:
            notes.extend(not_checked(suspect, chosen.name) for suspect in suspects)
    if diagnosis.has_error(found):  # a cause is named: the symptom is its consequence
        notes.extend(f"symptom: {p.message}" for p in symptoms)
        return found
    found += symptoms
    if diagnosis.has_error(found):
        return found
    echo = control_echo(trial, notes) if spec.n > 0 and chosen.controls else None
    return found + diagnosis.run("dynamic", dataclasses.replace(
        evidence, found=tuple(found), accuracy=verdict.accuracy, chance=verdict.chance,
        total_sequences=sum(a.sequences for a in trial.attempts), stopped=outcome.stopped,
        still_learning=progressing(outcome.curve), attempts=len(trial.attempts),
        reach_shown=None if reach is None else True,  # a reach that could not pass stopped the probe above
        echo=echo, profile=None if chosen.name == run_profiles.DEFAULT else chosen,
    ))


def _profile(trial: Trial, draft: dict[str, Any]) -> None:
    """memory(max_lag=K): lag(n) probes chosen by profile.Search, the horizon they show."""
    spec, source, seed, label, progress = trial.spec, trial.source, trial.seed, trial.label, trial.progress
    options = {key: value for key, value in spec.options().items() if key not in ("min_horizon", "seed")}
    top = Trial(source, make_spec("lag", spec.n, **options), seed, label)
    top.prepare()
    reach = top.reach()
    reachable = None
    if reach is not None:
        draft["receptive_field"] = reach.receptive_field()
        # nothing reachable: lag(1) alone is tried, proven impossible without training, and its
        # finding explains the horizon of 0
        reachable = max(draft["receptive_field"] - 1, 1)
    del top
    search = Search(spec.n, reachable, lambda n: StopPolicy.for_lag(n, options.get("budget")).most)
    lags: dict[int, ProbeResult] = {}
    while (step := search.next()) is not None:
        n, budget = step
        lag_spec = make_spec("lag", n, **{**options, "budget": budget or options.get("budget")})
        lags[n] = run_probe(source, lag_spec, seed + n, label, progress)
        if lags[n].error:
            raise RnnCheckError(f"lag({n}) of {spec.name} could not run: {lags[n].error}")
        search.record(n, lags[n].passed, lags[n].total_sequences, lags[n].stopped)
    horizon = draft["horizon"] = search.horizon
    draft["horizon_upper"] = search.upper
    draft["profile"] = [LagResult.of(n, r, search.capped.get(n)) for n, r in sorted(lags.items())]
    shown = lags.get(horizon) or lags.get(1)
    failed = next((lags[n] for n in sorted(lags) if not lags[n].passed), None)
    passed = draft["passed"] = spec.min_horizon is None or horizon >= spec.min_horizon
    draft["sequences"] = sum(r.sequences for r in lags.values())
    draft["stopped"] = Stopped.PROFILE
    if shown is not None:
        draft.update(accuracy=shown.accuracy, lower=shown.lower, upper=shown.upper, chance=shown.chance)
    if failed is not None and (horizon == 0 or not passed):
        draft["pathologies"] = failed.pathologies  # why the first lag it could not learn failed
        draft["notes"].extend(f"{failed.probe}: {note}" for note in failed.notes)
    draft["notes"].extend(search.closing_notes())
    if reachable is not None and reachable < spec.n:
        draft["notes"].append(
            f"lags beyond {reachable} were not trained: the measured receptive field is "
            f"{draft['receptive_field']} steps"
        )


def _seeded(trial: Trial, draft: dict[str, Any]) -> None:
    """seeds=k: k trainings of the probe as it runs alone (seeds.py), one verdict, and when some
    seeds pass and others fail the ``fragile`` finding with its control run."""
    spec, source, seed, label, progress = trial.spec, trial.source, trial.seed, trial.label, trial.progress
    k, single = spec.trainings, spec.one_seed()
    problem = seeds.rule_problem(spec.name, k, spec.min_pass_rate)
    if problem:
        raise RnnCheckError(problem)
    trained = []
    for index in range(k):
        at = seeds.seed_of(seed, index)
        one = run_probe(source, single, at, label, progress)
        if one.error:
            raise RnnCheckError(f"seed {at} ({index + 1} of {k}) of {spec.name} could not run: {one.error}")
        trained.append(one)
    runs = [seeds.run_summary(i, seeds.seed_of(seed, i), one) for i, one in enumerate(trained)]
    shown = trained[seeds.weakest(runs)]
    for name in (
        "accuracy", "lower", "upper", "chance", "receptive_field", "horizon", "horizon_upper", "profile", "record"
    ):
        draft[name] = getattr(shown, name)
    trial.attempts[:] = [dataclasses.replace(a, seed=run.seed) for one, run in zip(trained, runs) for a in one.attempts]
    draft["sequences"] = sum(one.sequences for one in trained)
    needed = draft["passes_needed"] = seeds.required(k, spec.min_pass_rate)
    draft["seed_runs"] = runs
    passes = sum(run.passed for run in runs)
    passed = draft["passed"] = passes >= needed
    draft["stopped"] = Stopped.SEEDS
    control = None
    rate = fragile.untried_rescue(runs)
    if 0 < passes < k and rate and run_profiles.active().controls and spec.kind != "memory":
        control = rescue(source, single, label, [run for run in runs if not run.passed], rate)
    found = fragile.diagnose_fragile(runs, passed, control)
    if passes == 0:  # no seed learned it: why the weakest failed
        found += shown.pathologies
        draft["notes"].extend(f"seed {shown.seed}: {note}" for note in shown.notes)
    elif not found:  # every seed passed: what it passed with
        found += shown.pathologies
    draft["pathologies"] = diagnosis.rank(found)


def control_echo(trial: Trial, notes: list[str]) -> tuple[float, bool] | None:
    """Run echo() beside a failing lag: can the model map the present at all?"""
    control = make_spec("echo", **{**trial.spec.options(), "seed": None})
    outcome = run_probe(trial.source, control, trial.seed + 1, trial.label)
    if outcome.error:
        notes.append(f"control echo() could not run: {outcome.error}")
        return None
    status = "passed" if outcome.passed else "failed too"
    notes.append(f"control run echo() {status}: accuracy {outcome.accuracy:.3f} in {outcome.seconds:.1f} s")
    return outcome.accuracy, outcome.passed
