"""The record every diagnosis rule returns."""

from __future__ import annotations

import dataclasses

ERROR = "error"
WARNING = "warning"

#: Stable codes, in the order a failure message lists equally sure findings.
CODES = (
    "output-shape",
    "activation-range",
    "loss-mismatch",
    "raw-integer",
    "masking-collision",
    "missing-context",
    "position-blind",
    "future-leak",
    "frozen-layer",
    "dropout",
    "learning-rate",
    "constant-output",
    "non-finite-loss",
    "label-imbalance",
    "fragile",
    "length-generalization",
    "undertrained",
)


@dataclasses.dataclass(frozen=True)
class Pathology:
    code: str
    severity: str
    message: str
    fix: str
    #: Proven without training: the probe cannot pass whatever the weights.
    certain: bool = False

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "fix": self.fix}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Pathology:
        """A finding read back from a JSON document or a saved run (``certain`` is not kept there)."""
        return cls(data["code"], data["severity"], data["message"], data["fix"])

    def as_warning(self) -> Pathology:
        return dataclasses.replace(self, severity=WARNING)


def has_error(findings: list[Pathology]) -> bool:
    """Whether some finding is an error: a cause is named."""
    return any(p.severity == ERROR for p in findings)


def rank(findings: list[Pathology]) -> list[Pathology]:
    """Most likely cause first: proven before training, then errors, then by code."""
    return sorted(
        findings,
        key=lambda p: (not p.certain, p.severity != ERROR, CODES.index(p.code) if p.code in CODES else 99),
    )
