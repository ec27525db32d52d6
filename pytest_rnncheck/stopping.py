"""When training stops: the budget, and what counts as a plateau. Pure.

Learning curves of lag and copy tasks are flat, then sudden: a healthy model sits
at chance for a while that grows with the lag, then climbs within a few thousand
sequences. Measured on GRU(128) over 100 one-hot symbols (3 seeds each, Adam 0.01,
batch 128), the first sequences above 5x chance came after about 770·n (lag 8),
1,100·n (lag 12), 1,400–1,900·n (lag 16), 1,700–2,250·n (lag 20), 2,050·n (lag 24)
and 1,750–2,050·n (lags 32–48) sequences; a many-to-one GRU(128) on lag 16 jumped
from chance at 45k to 0.997 at 57k sequences, about 3,000·n. So a model may not be
declared stuck before ``FLAT_PER_LAG · n`` sequences (4,000·n, a third above the
slowest onset seen), and the default budget leaves room to climb after that.
Uncompiled models now train at Adam 0.02, where the same GRU(128) lag 16 passes after
20-27k sequences instead of 43-47k: the allowance, kept as measured at 0.01, is the more
conservative for it (and it is what a model compiled by its user at 0.01 needs).
A plateau rule alone cannot tell "not yet" from "never"; this allowance is what
healthy models of the lag need, and a model that has not learned after it, and
nothing else explains, is reported as ``undertrained``, never as a made-up cause.
"""

from __future__ import annotations

import dataclasses
import math
from enum import StrEnum

from . import run_profiles


class Stopped(StrEnum):
    """Why a probe's training (or the probe) ended; the strings are the JSON's ``stopped``."""

    PASSED = "passed"  # a final set showed a pass
    PLATEAU = "plateau"  # the curve flattened past the lag's allowance
    BUDGET = "budget"  # the budget (and any extension) was spent
    NON_FINITE = "non-finite"  # the loss stopped being finite
    STATIC = "static"  # proven impossible before training
    ERROR = "error"  # the probe could not run
    PROFILE = "profile"  # memory(): the lag probes the search chose
    SEEDS = "seeds"  # seeds=k: k trainings

#: Sequences a healthy model may sit at chance per step of lag, before a plateau may stop it.
FLAT_PER_LAG = 4_000
#: Default budget: at least this many sequences, and this many per step of lag.
BUDGET_FLOOR = 64_000
BUDGET_PER_LAG = 8_000
#: Plateau: at least this many looks and this share of the budget.
PLATEAU_MIN_LOOKS = 6
PLATEAU_MIN_SHARE = 0.25
#: Progress smaller than these over the last half of the looks is no progress.
MIN_ACCURACY_GAIN = 0.02
MIN_LOSS_DROP = 0.02  # relative

Curve = list[tuple[int, float, float]]  # (sequences, monitor accuracy, mean training loss)


def default_budget(lag: int) -> int:
    return max(BUDGET_FLOOR, BUDGET_PER_LAG * lag)


@dataclasses.dataclass(frozen=True)
class StopPolicy:
    budget: int
    flat_allowance: int = 0
    #: Sequences past the budget a model may train while its curve still climbs (default budgets
    #: only: a budget the user set is a hard limit).
    extension: int = 0

    @classmethod
    def for_lag(cls, lag: int, budget: int | None = None) -> StopPolicy:
        """The probe's own ``budget=`` as a hard limit, else the run profile's share of the default
        budget, extended by the profile's extensions while the curve climbs."""
        if budget is not None:
            return cls(budget=budget, flat_allowance=FLAT_PER_LAG * lag)
        profile = run_profiles.active()
        budget = int(default_budget(lag) * profile.budget_scale)
        return cls(budget=budget, flat_allowance=FLAT_PER_LAG * lag, extension=budget * profile.extensions)

    @property
    def most(self) -> int:
        """The most sequences one attempt can train: the budget and its extension."""
        return self.budget + self.extension

    def keep_going(self, curve: Curve, seen: int) -> bool:
        """Train on: within the budget, or past it (up to the extension) while the curve climbs."""
        if seen < self.budget:
            return True
        return seen < self.most and bool(curve) and progressing(curve)

    def plateaued(self, curve: Curve, seen: int) -> bool:
        """Stuck: enough looks, past the lag's flat allowance, no progress over the last half, and
        a loss that is not still falling beyond its own noise."""
        if len(curve) < PLATEAU_MIN_LOOKS or seen < max(PLATEAU_MIN_SHARE * self.budget, self.flat_allowance):
            return False
        return not progressing(curve) and not loss_falling(curve)


def progressing(curve: Curve) -> bool:
    """Real progress in accuracy or loss over the last half of the looks (at least 3)."""
    if len(curve) < 4:
        return True
    recent = max(3, len(curve) // 2)
    before, last = curve[:-recent], curve[-recent:]
    gained = max(acc for _, acc, _ in last) - max(acc for _, acc, _ in before)
    best_loss = min(loss for _, _, loss in before)
    dropped = best_loss - min(loss for _, _, loss in last)
    return gained >= MIN_ACCURACY_GAIN or dropped >= MIN_LOSS_DROP * abs(best_loss)


#: A loss still falls when the slope of a line through its last looks is this many standard errors
#: below zero (a one-sided chance of about 3% down to 1% for a flat, noisy loss over 5 to 8 looks) ...
FALLING_T = 3.0
#: ... and the line drops by at least this share of the loss over those looks.
FALLING_MIN_DROP = 0.01


def loss_falling(curve: Curve) -> bool:
    """The training loss still falls, by a margin measured against its own noise.

    Slow starters (a stacked Bidirectional regressor on continuous inputs, say) sit near chance
    while their loss falls slowly and steadily, less than ``MIN_LOSS_DROP`` a look, before
    they climb. A least-squares line through the last half of the looks (at least 5) tells
    such a fall from a flat loss that only wobbles: its slope must be ``FALLING_T`` standard
    errors below zero, and the line must drop by ``FALLING_MIN_DROP`` of the loss.
    """
    recent = curve[-max(5, len(curve) // 2):]
    if len(recent) < 5:
        return False
    xs = [float(seen) for seen, _, _ in recent]
    ys = [float(loss) for _, _, loss in recent]
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 0 or not all(math.isfinite(y) for y in ys):
        return False
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    residual = sum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, ys)) / (n - 2)
    error = math.sqrt(residual / sxx)
    drop = -slope * (xs[-1] - xs[0])
    return slope < 0 and -slope > FALLING_T * error and drop >= FALLING_MIN_DROP * abs(my)


#: Learning-rate multiples tried on a model stuck above chance, and on one still climbing at the budget.
STUCK_FACTORS = (0.3, 3.0)
CLIMBING_FACTORS = (3.0,)


def other_rates(passed: bool, accuracy: float, chance: float, stopped: str, curve: Curve) -> tuple[float, ...]:
    """Learning-rate multiples to retrain at before failing a model that learned something.

    Stuck above chance: a smaller and a larger rate. Still climbing when the budget ran
    out: only a larger one (the user's compiled rate is often Keras's 0.001, tuned for
    batches of 32, while probes train in batches of 128). At chance, or passed, or broken:
    none -- a rate shows nothing there.
    """
    if passed or stopped not in (Stopped.PLATEAU, Stopped.BUDGET) or accuracy < chance + 0.1:
        return ()
    if stopped == Stopped.BUDGET and progressing(curve):
        return CLIMBING_FACTORS
    return STUCK_FACTORS
