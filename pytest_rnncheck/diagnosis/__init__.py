"""Named causes of failure. Static rules read the model's configuration before any training,
reach rules what the perturbation passes measured, dynamic rules what training showed, data
rules the user's own arrays. ``run(phase, evidence)`` runs one phase (``registry.py``); the
functions below are the entry points the runner, the callback and ``diagnose()`` call."""

from __future__ import annotations

import dataclasses

from ..geometry import Geometry
from ..plan import ProbePlan
from ..reach import ReachMap
from ..spec import ProbeSpec
from .codes import Code, Severity
from .consequences import HEAD_CODES
from .constant_output import Spread, diagnose_constant_output, measure_spread
from .evidence import Evidence
from .non_finite import diagnose_non_finite
from .pathology import CODES, ERROR, WARNING, Pathology, has_error, rank
from .registry import PHASES, RULES, run
from .training_causes import suspects
from .undertrained import diagnose_undertrained


def diagnose_static(
    spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, reach: ReachMap | None = None
) -> list[Pathology]:
    """The static and the reach phases, most likely cause first, less the findings that only follow
    from another (``consequences.py``)."""
    evidence = Evidence(spec=spec, plan=plan, geometry=geometry, reach=reach)
    found = run("static", evidence)
    found += run("reach", dataclasses.replace(evidence, found=tuple(found)))
    return rank(found)


__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "HEAD_CODES",
    "PHASES",
    "RULES",
    "Code",
    "Evidence",
    "Pathology",
    "Severity",
    "Spread",
    "diagnose_constant_output",
    "diagnose_undertrained",
    "diagnose_non_finite",
    "diagnose_static",
    "has_error",
    "measure_spread",
    "rank",
    "run",
    "suspects",
]
