"""``Evidence``: everything a rule may read, in one record. Pure.

Every rule is ``rule(evidence) -> list[Pathology]`` and reads only the fields it needs; a
field its phase does not fill is None, and a rule whose evidence is absent stays silent.
Which phase fills which fields is in ``registry.py``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: the rules' modules import this one
    from ..geometry import Geometry
    from ..plan import ProbePlan
    from ..reach import ReachMap
    from ..run_profiles import RunProfile
    from ..spec import ProbeSpec
    from ..user_data import DataSummary
    from .constant_output import Spread
    from .pathology import Pathology


@dataclasses.dataclass(frozen=True)
class Evidence:
    # -- the probe (or the user's data described as one) and the model -------------------------
    spec: ProbeSpec | None = None
    plan: ProbePlan | None = None
    geometry: Geometry | None = None
    #: What the perturbation and reordering passes measured (None: not measured).
    reach: ReachMap | None = None
    #: The findings made before this rule: those the caller passed (earlier phases) and those of the
    #: phase's earlier rules (``run`` adds them). Rules that only follow from another read it.
    found: tuple[Pathology, ...] = ()
    # -- after training (phase ``dynamic``) -----------------------------------------------------
    #: The held-out predictions' spread (``constant_output.measure_spread``).
    spread: Spread | None = None
    #: The non-finite loss training stopped at, and the sequences of that training.
    bad_loss: float | None = None
    sequences: int | None = None
    #: The verdict's numbers and how training ended, for ``undertrained``.
    accuracy: float | None = None
    chance: float | None = None
    total_sequences: int | None = None  # over every attempt
    stopped: str | None = None  # budget | plateau | ...
    still_learning: bool = False  # the curve was still rising when training stopped
    attempts: int = 1
    reach_shown: bool | None = None  # x[t-n] measured to reach the output (None: not measurable)
    echo: tuple[float, bool] | None = None  # (accuracy, passed) of a control echo() run
    profile: RunProfile | None = None  # the run profile when it is not the default one
    # -- the callback on the user's own fit (phase ``epochs``) ---------------------------------------
    #: What each epoch so far showed on the held-out slice (``own_training.Epoch``), and the targets.
    epochs: tuple[Any, ...] | None = None
    targets: Any = None
    #: Epochs in a row a constant output must last before it is a finding.
    patience: int | None = None
    #: The epoch whose mean loss (``bad_loss``) was not finite.
    epoch: int | None = None
    # -- the user's own arrays (``diagnose()``; phases ``data`` and ``dynamic``) ------------------
    summary: DataSummary | None = None
    #: The short fit's raw predictions on the held-out samples, and the user's y.
    fit_predictions: Any = None
    fit_targets: Any = None


def proven(evidence: Evidence) -> set[str]:
    """The codes the findings before this rule prove (``certain``): a rule on the user's data does
    not repeat what the configuration proves."""
    return {p.code for p in evidence.found if p.certain}
