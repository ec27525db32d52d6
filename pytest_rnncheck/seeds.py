"""``seeds=k``: k independent trainings of one probe and the one verdict they give. Pure.

Each training is the probe as it runs alone (its own initialization, data, remedies and
verdict), at seed ``seed_of(seed, i)``: the first is the probe's own seed, so ``seeds=1`` and
no option train the same model. The probe passes when at least ``required(k, min_pass_rate)``
of the k trainings pass (every one by default).

The error budget: each training's verdict keeps its own 1% bound on passing a model that does
not remember, and the probe passes only if ``m = required(k, r)`` of them pass, so a false pass
of the probe needs m false passes: at most C(k, m)·0.01^m (``false_pass_bound``). That is 0.01^k
for the default (every seed), 5e-8 for 4 of 5; a rule whose bound exceeds 1% (1 of 2 or more,
2 of 15 or more) is refused with what to change. The pass probability over seeds is reported
with its Clopper–Pearson interval (95%): 5 passes of 5 show p >= 0.48; 20 of 20, p >= 0.83.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .records import SeedRun
from .verdict import ALPHA

if TYPE_CHECKING:
    from .result import ProbeResult

#: Seeds of the trainings after the first are spread by this prime.
SEED_STRIDE = 104_729
#: Confidence of the interval on the pass probability.
CONFIDENCE = 0.95


def seed_of(seed: int, index: int) -> int:
    """The seed of training ``index`` (0 is the probe's own seed)."""
    return (seed + SEED_STRIDE * index) % 2**31


def required(k: int, min_pass_rate: float) -> int:
    """Trainings of k that must pass."""
    return max(1, math.ceil(min_pass_rate * k - 1e-9))


def false_pass_bound(k: int, min_pass_rate: float, alpha: float = ALPHA) -> float:
    """The most a model that does not remember passes the probe by luck: m of k lucky trainings."""
    m = required(k, min_pass_rate)
    return min(1.0, math.comb(k, m) * alpha**m)


def _binomial_tail(j: int, k: int, p: float) -> float:
    """P(X >= j) for X ~ Binomial(k, p)."""
    return sum(math.comb(k, i) * p**i * (1 - p) ** (k - i) for i in range(j, k + 1))


def clopper_pearson(j: int, k: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact two-sided interval for a pass probability shown by j passes in k trainings."""
    if k <= 0:
        return 0.0, 1.0
    half = (1 - confidence) / 2

    def solve(target: float, tail_at: int) -> float:
        low, high = 0.0, 1.0  # P(X >= tail_at) grows with p: bisect for the p where it equals target
        for _ in range(60):
            mid = (low + high) / 2
            if _binomial_tail(tail_at, k, mid) < target:
                low = mid
            else:
                high = mid
        return (low + high) / 2

    lower = 0.0 if j == 0 else solve(half, j)
    upper = 1.0 if j == k else solve(1 - half, j + 1)
    return lower, upper


def run_summary(index: int, seed: int, result: ProbeResult) -> SeedRun:
    """One training as the report shows it (its numbers rounded as the document holds them)."""

    r = result.rounded()
    attempts = r.attempts
    decisive = next((a for a in attempts if a.passed), attempts[-1] if attempts else None)
    return SeedRun(
        index=index,
        seed=seed,
        passed=bool(r.passed),
        verdict=r.verdict,
        accuracy=r.accuracy,
        lower_bound=r.lower,
        sequences=r.total_sequences or r.sequences or 0,
        stopped=r.stopped,
        attempts=len(attempts),
        learning_rate=None if decisive is None else decisive.learning_rate,
        rates_tried=tuple(a.learning_rate for a in attempts),
        passing_attempt=next((n for n, a in enumerate(attempts) if a.passed), None),
        horizon=r.horizon,
        seconds=r.seconds,
        findings=tuple(p.code for p in r.pathologies),
        error=r.error,
    )


def weakest(runs: list[SeedRun]) -> int:
    """The index of the training the probe's numbers show: the failing one with the lowest
    accuracy, else the passing one with the lowest lower bound."""
    def key(i: int) -> tuple:
        r = runs[i]
        return (r.passed, r.accuracy if r.accuracy is not None else -1.0, r.lower_bound or 0.0)

    return min(range(len(runs)), key=key)


def passes_text(runs: list[SeedRun]) -> str:
    j, k = sum(r.passed for r in runs), len(runs)
    low, high = clopper_pearson(j, k)
    return f"passed {j}/{k} seeds (pass probability {low:.2f}-{high:.2f}, {CONFIDENCE:.0%} Clopper-Pearson)"


def rule_problem(name: str, k: int, min_pass_rate: float | None) -> str | None:
    """Why passing ``required(k, min_pass_rate)`` of ``k`` trainings is no verdict: a model that does not
    remember would pass by luck more often than ``ALPHA``; None when the rule is sound."""
    bound = false_pass_bound(k, min_pass_rate)
    if bound <= ALPHA:
        return None
    return (
        f"{name}: passing {required(k, min_pass_rate)} of {k} trainings would let a model that does "
        f"not remember pass by luck with probability up to {bound:.3g}, above the {ALPHA:.0%} every verdict keeps: "
        f"raise min_pass_rate (or lower seeds)"
    )
