"""``label-imbalance``: one label is so common that accuracy says little on its own (data)."""

from __future__ import annotations

from .codes import Code, Severity
from .evidence import Evidence, proven
from .pathology import Pathology

#: Share of the most common label from which accuracy says little on its own: at least this,
#: and this many times the share of a label when all are equally common.
IMBALANCED = 0.5
IMBALANCE_FACTOR = 1.5


def majority_label(evidence: Evidence) -> list[Pathology]:
    """Data: always predicting the most common label would score its share of y."""
    summary = evidence.summary
    if summary is None or Code.LABEL_IMBALANCE in proven(evidence):
        return []
    if not summary.y_integer or summary.y_distinct < 2:
        return []
    if summary.majority < max(IMBALANCED, IMBALANCE_FACTOR / summary.y_distinct):
        return []
    share = summary.majority
    return [
        Pathology(
            Code.LABEL_IMBALANCE,
            Severity.WARNING,
            f"the most common label is {share:.0%} of y ({summary.y_distinct} labels): always predicting it "
            f"scores {share:.2f} accuracy, so an accuracy near {share:.2f} shows nothing learned",
            "judge the model against that baseline (or by balanced accuracy / per-class recall), and consider "
            "class_weight= in fit or resampling",
        )
    ]
