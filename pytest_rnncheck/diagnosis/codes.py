"""The stable finding codes and the two severities.

Both are ``StrEnum``s: a member equals, hashes and prints as its string
(``Code.OUTPUT_SHAPE == "output-shape"``), so the JSON document, the saved runs and every
comparison with a plain string are unchanged. The members of ``Code`` are listed in rank
order (the order a failure message lists equally sure findings), and each carries the line
of the table in docs/pathologies.md: what the evidence is (``summary``) and what proves it
(``proven_by``); a test holds the two to the same words.
"""

from __future__ import annotations

import enum


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(enum.StrEnum):
    summary: str
    proven_by: str

    def __new__(cls, value: str, summary: str, proven_by: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.summary = summary
        member.proven_by = proven_by
        return member

    OUTPUT_SHAPE = "output-shape", "output width/rank against the probe's symbols", "configuration"
    ACTIVATION_RANGE = "activation-range", "output activation's range against the targets", "configuration"
    LOSS_MISMATCH = "loss-mismatch", "the loss against the output activation and the targets", "configuration"
    RAW_INTEGER = (
        "raw-integer", "integers fed or regressed as magnitudes (`diagnose()` on your data)", "your arrays"
    )
    MASKING_COLLISION = "masking-collision", "`Masking(mask_value)` against the encoded steps", "configuration"
    MISSING_CONTEXT = "missing-context", "window length; measured receptive field", "configuration, reach"
    POSITION_BLIND = "position-blind", "outputs that do not move when the steps are reordered", "reach"
    FUTURE_LEAK = "future-leak", "outputs that move when a later input changes", "reach"
    FROZEN_LAYER = "frozen-layer", "`trainable=False` / weights that never moved", "recorder + control"
    DROPOUT = "dropout", "rates >= 0.5", "configuration + control"
    LEARNING_RATE = "learning-rate", "update ratio and loss trend", "recorder + control"
    CONSTANT_OUTPUT = (
        "constant-output", "spread of held-out predictions (symbol outputs)", "held-out predictions"
    )
    NON_FINITE_LOSS = "non-finite-loss", "the loss became NaN/inf", "training"
    LABEL_IMBALANCE = (
        "label-imbalance", "the most common label's share (`diagnose()` on your data)", "your arrays"
    )
    FRAGILE = (
        "fragile", "with `seeds=k`: some trainings pass and others fail", "the k trainings + control"
    )
    LENGTH_GENERALIZATION = (
        "length-generalization",
        "with `extrapolate=m`: passed at T steps, not at m·T; accuracy by block of T, or the error at m·T",
        "the judged windows",
    )
    UNDERTRAINED = "undertrained", "nothing above showed a cause", "all of the above"


#: Stable codes, in the order a failure message lists equally sure findings.
CODES: tuple[Code, ...] = tuple(Code)
ERROR = Severity.ERROR
WARNING = Severity.WARNING


def known(code: str) -> Code | str:
    """The Code for a known code string; any other string (a newer version's, a user's own) as it is."""
    return Code(code) if code in Code._value2member_map_ else code
