"""Accuracy, chance and the pass/fail rule. Pure numpy.

The unit of evidence is the *sequence*: held-out sequences are drawn
independently, so each is one trial. A sequence's accuracy is the share of its
scored steps predicted right (0 or 1 for a many-to-one model). The verdict
uses the one-sided Wilson score bound on the mean over ``n`` sequences; for
per-sequence shares in [0, 1] with mean p the variance is at most p(1-p), so
the Bernoulli bound is valid (conservative) for many-to-many models too.

A probe passes when the lower bound reaches ``min_accuracy``: a healthy model
must *show* it remembers, with 99% confidence. A probe may be tried up to three
times (the first run, then two learning rates for a model still learning), so
the 1% error budget is split: half for the first attempt, a quarter for each
remedy (Bonferroni), and a probe that cannot remember passes by luck at most 1%
of the time whatever happens.

Within one attempt the trainer may look at a fresh final set more than once (it stops
at the first that shows a pass). Look k spends a^(k) = a / 2^k of the attempt's budget a
(``look_z``), so all its looks together spend at most a: each final set is drawn afresh,
so whatever led to the look, a model below the threshold passes look k with probability
at most a / 2^k.
"""

from __future__ import annotations

import dataclasses
import math
from statistics import NormalDist

import numpy as np



def one_sided_z(alpha: float) -> float:
    """Normal quantile for a one-sided test at level ``alpha``."""
    return NormalDist().inv_cdf(1 - alpha)


#: Error budget of a verdict, and how it is split between attempts.
ALPHA = 0.01
Z_99 = one_sided_z(ALPHA)
ALPHA_FIRST = ALPHA / 2
ALPHA_REMEDY = ALPHA / 4
Z_FIRST = one_sided_z(ALPHA_FIRST)
Z_REMEDY = one_sided_z(ALPHA_REMEDY)


def look_z(alpha: float, look: int) -> float:
    """z of the ``look``-th (from 1) final look of an attempt whose error budget is ``alpha``."""
    if look < 1:
        raise ValueError(f"looks count from 1, not {look}")
    return one_sided_z(alpha / 2**look)


def would_pass(accuracy: float, sequences: int, threshold: float, z: float) -> bool:
    """Whether ``accuracy`` seen on ``sequences`` would show ``threshold`` at ``z``: the
    monitoring set's accuracy read as if it were a final set's, to decide whether a
    final look is worth taking (a gate, not a verdict: it spends nothing)."""
    return wilson_bounds(accuracy, sequences, z)[0] >= threshold


@dataclasses.dataclass(frozen=True)
class Verdict:
    accuracy: float
    lower: float
    upper: float
    chance: float
    threshold: float
    sequences: int
    z: float = Z_99  # of the lower bound

    @property
    def passed(self) -> bool:
        return self.lower >= self.threshold


def wilson_bounds(p: float, n: int, z: float = Z_99) -> tuple[float, float]:
    """One-sided Wilson score bounds for a proportion ``p`` seen in ``n`` trials."""
    if n <= 0:
        return 0.0, 1.0
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def sequence_accuracy(correct: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """Share of scored steps right, per sequence (rows with no scored step dropped)."""
    correct = correct.reshape(correct.shape[0], -1)
    scored = scored.reshape(scored.shape[0], -1)
    counts = scored.sum(axis=1)
    keep = counts > 0
    return (correct & scored).sum(axis=1)[keep] / counts[keep]


def chance_accuracy(targets: np.ndarray, scored: np.ndarray) -> float:
    """Accuracy of the best constant guess on the same scored steps."""
    values = targets[scored]
    if values.size == 0:
        return 0.0
    return float(np.bincount(values.ravel()).max() / values.size)


def judge(
    predicted: np.ndarray,
    targets: np.ndarray,
    scored: np.ndarray,
    threshold: float,
    z: float = Z_99,
) -> Verdict:
    """Verdict from predicted and target symbols shaped (sequences, steps)."""
    return judge_correct(predicted == targets, scored, threshold, z, chance_accuracy(targets, scored))


def judge_values(
    predicted: np.ndarray, targets: np.ndarray, scored: np.ndarray, tolerance: float, threshold: float, z: float = Z_99
) -> Verdict:
    """Verdict for a regression: a prediction within ``tolerance`` target standard deviations is right.

    Chance is the best constant guess, the targets' mean, scored the same way.
    """
    values = targets[scored]
    spread = float(values.std()) if values.size else 1.0
    band = tolerance * (spread or 1.0)
    chance = float(np.mean(np.abs(values - values.mean()) <= band)) if values.size else 0.0
    return judge_correct(np.abs(predicted - targets) <= band, scored, threshold, z, chance)


def judge_correct(correct: np.ndarray, scored: np.ndarray, threshold: float, z: float, chance: float) -> Verdict:
    per_sequence = sequence_accuracy(correct, scored)
    n = int(per_sequence.size)
    accuracy = float(per_sequence.mean()) if n else 0.0
    lower, upper = wilson_bounds(accuracy, n, z)
    return Verdict(accuracy=accuracy, lower=lower, upper=upper, chance=chance, threshold=threshold, sequences=n, z=z)
