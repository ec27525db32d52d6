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


def non_finite_epoch(evidence: Evidence) -> list[Pathology]:
    """Epochs (the callback on the user's fit): the epoch's mean loss (``evidence.bad_loss``) is not
    finite, so some batch of it was not. (Read per epoch: the callback keeps no hook on each batch,
    so the training loop never waits on it.)"""
    loss, epoch = evidence.bad_loss, evidence.epoch
    if loss is None or epoch is None:
        return []
    return [Pathology(
        Code.NON_FINITE_LOSS,
        Severity.ERROR,
        f"the loss became {loss} in epoch {epoch}; every weight update after it is {loss} too",
        "lower the learning rate or clip gradients (optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0)); scale "
        "inputs and targets to a small range",
    )]
