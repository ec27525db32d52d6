"""``non-finite-loss``: the loss became NaN or infinite during training."""

from __future__ import annotations

from ..plan import ProbePlan
from .pathology import ERROR, Pathology


def diagnose_non_finite(plan: ProbePlan, loss: float, sequences: int) -> list[Pathology]:
    fix = "lower the learning rate or clip gradients (optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))"
    if plan.encoding == "raw" and plan.vocab > 2:
        fix += f"; raw inputs up to {plan.vocab - 1} make large activations: use encoding 'scaled' or one-hot"
    return [
        Pathology(
            "non-finite-loss",
            ERROR,
            f"the loss became {loss} after {sequences} training sequences; training stopped there",
            fix,
        )
    ]
