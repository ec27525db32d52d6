"""Named causes of failure. Static rules read the model's configuration before
any training; dynamic rules read held-out predictions after it."""

from __future__ import annotations

from ..geometry import Geometry
from ..plan import ProbePlan
from ..reach import ReachMap
from ..spec import ProbeSpec
from .activation_range import diagnose_activation_range
from .constant_output import Spread, diagnose_constant_output, diagnose_constant_static, measure_spread
from .future_leak import diagnose_future_leak
from .loss_fit import diagnose_loss_fit
from .masking import diagnose_masking
from .missing_context import diagnose_missing_context, diagnose_reach
from .non_finite import diagnose_non_finite
from .output_shape import diagnose_output_shape
from .position_blind import diagnose_position_blind
from .pathology import CODES, ERROR, WARNING, Pathology, has_error, rank
from .training_causes import suspects
from .undertrained import diagnose_undertrained

#: Rules that read the configuration and the measured reach (None where it was not measured).
STATIC_RULES = (
    diagnose_output_shape,
    diagnose_activation_range,
    diagnose_loss_fit,
    diagnose_masking,
    diagnose_missing_context,
    diagnose_future_leak,
)
#: Rules that read only what the reordering and perturbation passes measured. A masking
#: collision skips real steps, so there the reach shows how the masking behaves, not what the
#: layers could see: the collision is the cause to name and these stay silent.
REACH_RULES = (diagnose_reach, diagnose_position_blind)


#: Proven errors of the read-out: what the output can express, whatever the layers before it learn.
HEAD_CODES = ("output-shape", "activation-range", "loss-mismatch")


def diagnose_static(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, reach: ReachMap | None = None) -> list[Pathology]:
    """Every static rule, most likely cause first, less the findings that only follow from
    another: a head proven unable to express the target makes its output constant and, when
    no input step changes it at all, the reach measured the head, not the layers before it."""
    found: list[Pathology] = []
    for rule in STATIC_RULES:
        found.extend(rule(spec, plan, geometry, reach))
    head = any(p.certain and p.code in HEAD_CODES for p in found)
    if not head:  # a constant output by construction is the head's consequence, named there
        found.extend(diagnose_constant_static(spec, plan, geometry))
    blind_head = head and reach is not None and reach.receptive_field() <= 0
    if not any(p.code == "masking-collision" for p in found) and not blind_head:
        for rule in REACH_RULES:
            found.extend(rule(spec, plan, geometry, reach))
    return rank(found)


__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "HEAD_CODES",
    "Pathology",
    "Spread",
    "diagnose_constant_output",
    "diagnose_undertrained",
    "diagnose_non_finite",
    "diagnose_static",
    "has_error",
    "measure_spread",
    "rank",
    "suspects",
]
