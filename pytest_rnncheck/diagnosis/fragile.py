"""``fragile``: a probe that passes at some seeds and fails at others. Pure.

It reads each training's summary (seeds.run_summary) and, where one was run, the control: the
failing seeds retrained at a learning rate with which other seeds passed only as a remedy.
The fix is named only when that control passed every failing seed; otherwise the finding says
no control showed one.
"""

from __future__ import annotations

from ..records import RescueControl, SeedRun
from ..seeds import passes_text
from .pathology import ERROR, WARNING, Pathology


def _seeds(runs: list[SeedRun]) -> str:
    return ", ".join(str(r.seed) for r in runs)


def _span(values: list[float], fmt: str) -> str:
    values = sorted(values)
    return format(values[0], fmt) if values[0] == values[-1] else f"{format(values[0], fmt)}-{format(values[-1], fmt)}"


def _bound(r: SeedRun) -> str:
    return "" if r.lower_bound is None else f" (lower bound {r.lower_bound:.3f})"


def _stopped(r: SeedRun) -> str:
    """How a failing training ended, in words."""
    words = {"budget": "still short at the budget", "plateau": "stalled", "non-finite": "diverged"}
    return words.get(r.stopped, r.stopped)


def rescue_rates(runs: list[SeedRun]) -> list[float]:
    """Learning rates at which some seed passed only as a remedy (not its first attempt)."""
    rates = [r.learning_rate for r in runs if r.passed and r.passing_attempt and r.learning_rate]
    return sorted(set(rates))


def untried_rescue(runs: list[SeedRun]) -> float | None:
    """A rescuing rate no failing seed has tried: the control worth running. A rate a failing seed
    already tried as a remedy, and failed at, has shown it does not rescue every seed."""
    failed = [r for r in runs if not r.passed and not r.error]
    for rate in rescue_rates(runs):
        if all(rate not in r.rates_tried for r in failed):
            return rate
    return None


def diagnose_fragile(
    runs: list[SeedRun], passed: bool, control: RescueControl | None = None
) -> list[Pathology]:
    """``control``: the failing seeds retrained at a rescuing rate (runner.rescue_control), when run."""
    good = [r for r in runs if r.passed]
    bad = [r for r in runs if not r.passed and not r.error]
    if not good or not bad:
        return []
    parts = [passes_text(runs)]
    parts.append(
        f"seed(s) {_seeds(good)} passed after {_span([r.sequences for r in good], ',')} sequences"
        f" at learning rate {_span([r.learning_rate for r in good if r.learning_rate] or [0.0], 'g')}"
    )
    stalls = "; ".join(
        f"seed {r.seed}: accuracy {r.accuracy:.3f}{_bound(r)} ({_stopped(r)} after {r.sequences:,} sequences, "
        f"rates tried {', '.join(f'{x:g}' for x in r.rates_tried if x is not None) or 'the compiled one'}"
        + (f"; its findings: {', '.join(r.findings)}" if r.findings else "") + ")"
        for r in bad if r.accuracy is not None
    )
    parts.append(f"seed(s) {_seeds(bad)} failed: {stalls}" if stalls else f"seed(s) {_seeds(bad)} failed")
    if control is not None:
        rescued = sum(control.passed)
        parts.append(
            f"control: the failing seed(s) retrained at learning rate {control.rate:g}, with which other seeds "
            f"passed, passed {rescued} of {len(control.passed)}"
        )
    for rate in rescue_rates(runs):
        already = [r for r in bad if rate in r.rates_tried]
        if already:
            parts.append(
                f"learning rate {rate:g} rescued other seeds but not seed(s) {_seeds(already)}, "
                f"which tried it as a remedy"
            )
    if control is not None and all(control.passed):
        fix = f"compile with learning rate {control.rate:g}: every seed that failed passed at it in the control run"
    else:
        fix = (
            "no control run showed a fix: the model learns at some initializations and not at others. A larger "
            "model, another learning rate or a longer budget= may make it reliable; check each by running the "
            f"probe with seeds={len(runs)} again, or accept the rate with min_pass_rate"
        )
    return [Pathology("fragile", WARNING if passed else ERROR, "; ".join(parts), fix)]
