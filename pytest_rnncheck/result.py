"""One probe's outcome, and the failure message a user reads."""

from __future__ import annotations

import dataclasses
from typing import Any

from .diagnosis.pathology import ERROR, WARNING, Pathology


@dataclasses.dataclass
class ProbeResult:
    model: str
    probe: str
    seed: int
    threshold: float
    passed: bool = False
    accuracy: float | None = None
    lower: float | None = None
    chance: float | None = None
    sequences: int = 0
    seconds: float = 0.0
    peak_memory_mb: float | None = None
    stopped: str = ""  # passed | plateau | budget | non-finite | static | error
    pathologies: list[Pathology] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    nodeid: str = ""
    reproduce: str = ""

    @property
    def verdict(self) -> str:
        if self.error:
            return "error"
        return "pass" if self.passed else "fail"

    @property
    def warnings(self) -> list[Pathology]:
        return [p for p in self.pathologies if p.severity == WARNING]

    def failed_strictly(self, strict: bool) -> bool:
        return not self.passed or (strict and bool(self.pathologies))

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "model": self.model,
            "probe": self.probe,
            "passed": self.passed,
            "verdict": self.verdict,
            "accuracy": _round(self.accuracy),
            "lower_bound": _round(self.lower),
            "threshold": self.threshold,
            "chance": _round(self.chance),
            "sequences": self.sequences,
            "seconds": round(self.seconds, 3),
            "peak_memory_mb": _round(self.peak_memory_mb, 1),
            "seed": self.seed,
            "stopped": self.stopped,
            "pathologies": [p.to_dict() for p in self.pathologies],
            "notes": list(self.notes),
            "error": self.error,
        }

    def headline(self) -> str:
        return f"rnncheck: {self.probe} {self.verdict.upper()} for {self.model}"

    def message(self) -> str:
        """The one-screen explanation shown when the probe fails (or errors)."""
        lines = [self.headline()]
        if self.error:
            lines.append(f"  {self.error}")
        else:
            lines.append("  " + self.numbers())
            if self.stopped == "static":
                lines.append("  not trained: the configuration alone shows the probe cannot pass")
            else:
                lines.append(f"  trained on {self.sequences:,} sequences in {self.seconds:.1f} s ({self.stopped}); seed {self.seed}")
            if self.pathologies:
                lines.append("  findings, most likely cause first:")
                for p in self.pathologies:
                    lines.append(f"  - [{p.severity}] {p.code}: {p.message}")
                    lines.append(f"      fix: {p.fix}")
            lines.extend(f"  note: {n}" for n in self.notes)
        if self.reproduce:
            lines.append(f"  reproduce: {self.reproduce}")
        return "\n".join(lines)

    def numbers(self) -> str:
        if self.accuracy is None:
            acc = "accuracy n/a"
        else:
            acc = f"accuracy {self.accuracy:.3f} (99% lower bound {self.lower:.3f})"
        rel = ">=" if self.passed else "<"
        chance = "" if self.chance is None else f"; chance {self.chance:.3f}"
        return f"{acc} {rel} threshold {self.threshold:.2f}{chance}"


def errors_first(findings: list[Pathology]) -> bool:
    return any(p.severity == ERROR for p in findings)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
