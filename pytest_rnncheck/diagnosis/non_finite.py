"""``non-finite-loss``: the loss became NaN or infinite during training."""

from __future__ import annotations

from ..plan import ProbePlan
from .codes import Code, Severity
from .evidence import Evidence
from .pathology import Pathology


def diagnose_non_finite(plan: ProbePlan, loss: float, sequences: int) -> list[Pathology]:
    """The dynamic rule on one training that stopped at a non-finite loss."""
    return non_finite_loss(Evidence(plan=plan, bad_loss=loss, sequences=sequences))


def non_finite_loss(evidence: Evidence) -> list[Pathology]:
    """Dynamic: training stopped at a non-finite loss (``evidence.bad_loss``)."""
    plan, loss = evidence.plan, evidence.bad_loss
    if loss is None:
        return []
    fix = "lower the learning rate or clip gradients (optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))"
    if plan.encoding == "raw" and plan.vocab > 2:
        fix += f"; raw inputs up to {plan.vocab - 1} make large activations: use encoding 'scaled' or one-hot"
    return [
        Pathology(
            Code.NON_FINITE_LOSS,
            Severity.ERROR,
            f"the loss became {loss} after {evidence.sequences} training sequences; training stopped there",
            fix,
        )
    ]
