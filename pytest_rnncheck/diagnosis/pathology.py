"""The record every diagnosis rule returns."""

from __future__ import annotations

import dataclasses

from .codes import CODES, ERROR, WARNING, Code, Severity, known

__all__ = ["CODES", "ERROR", "WARNING", "Code", "Pathology", "Severity", "has_error", "rank"]


@dataclasses.dataclass(frozen=True)
class Pathology:
    #: A ``Code``; a string that is no known code (a newer version's, read back from a saved run) stays a string.
    code: Code | str
    severity: Severity | str
    message: str
    fix: str
    #: Proven without training: the probe cannot pass whatever the weights.
    certain: bool = False

    def __post_init__(self) -> None:  # the one place a plain string becomes a Code or a Severity
        object.__setattr__(self, "code", known(self.code))
        if self.severity in Severity._value2member_map_:
            object.__setattr__(self, "severity", Severity(self.severity))

    def to_dict(self) -> dict[str, str]:
        return {"code": str(self.code), "severity": str(self.severity), "message": self.message, "fix": self.fix}

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
