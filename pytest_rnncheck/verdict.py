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
Z_FIRST = one_sided_z(ALPHA / 2)
Z_REMEDY = one_sided_z(ALPHA / 4)


@dataclasses.dataclass(frozen=True)
class Verdict:
    accuracy: float
    lower: float
    upper: float
    chance: float
    threshold: float
    sequences: int

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
    return Verdict(accuracy=accuracy, lower=lower, upper=upper, chance=chance, threshold=threshold, sequences=n)
