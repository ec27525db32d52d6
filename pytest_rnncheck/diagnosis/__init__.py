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
from .pathology import CODES, ERROR, WARNING, Pathology, rank
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


def diagnose_static(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, reach: ReachMap | None = None) -> list[Pathology]:
    """Every static rule, all of them, most likely cause first."""
    found: list[Pathology] = list(diagnose_constant_static(spec, plan, geometry))
    for rule in STATIC_RULES:
        found.extend(rule(spec, plan, geometry, reach))
    if not any(p.code == "masking-collision" for p in found):
        for rule in REACH_RULES:
            found.extend(rule(spec, plan, geometry, reach))
    return rank(found)


__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "Pathology",
    "Spread",
    "diagnose_constant_output",
    "diagnose_undertrained",
    "diagnose_non_finite",
    "diagnose_static",
    "measure_spread",
    "rank",
    "suspects",
]
