"""One probe's outcome, and the failure message a user reads."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from . import run_profiles

if TYPE_CHECKING:  # the diagnosis package (and numpy) load when a probe runs, not with the plugin
    from .diagnosis.pathology import Pathology


@dataclasses.dataclass(repr=False)
class ProbeResult:
    model: str
    probe: str
    seed: int
    threshold: float | None
    passed: bool = False
    accuracy: float | None = None
    lower: float | None = None
    upper: float | None = None
    chance: float | None = None
    sequences: int = 0
    seconds: float = 0.0
    peak_memory_mb: float | None = None
    peak_memory_scope: str | None = None  # probe | process | unavailable (see memory.py)
    stopped: str = ""  # passed | plateau | budget | non-finite | static | error
    #: Steps the output sees, the present included (reach analysis); None where not measured.
    receptive_field: int | None = None
    #: memory(): the largest lag that passed, and every lag tried.
    horizon: int | None = None
    #: memory(): the largest lag not shown failing; above ``horizon`` when the search was cut short.
    horizon_upper: int | None = None
    profile: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    #: The flight recorder of the decisive training run: {"curve": [...], "layers": [...]}.
    record: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: One record per training run: the first, then each learning-rate remedy.
    attempts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    pathologies: list[Pathology] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    nodeid: str = ""
    reproduce: str = ""
    #: The run profile it ran under (run_profiles.py): quick | ci | thorough.
    run_profile: str = run_profiles.DEFAULT
    #: The devices the backend saw where the probe ran (``cpu:0``, ``gpu:0``); None if not known.
    device: str | None = None
    #: seeds=k: each training's summary (seeds.run_summary), and the passes the probe needed.
    seed_runs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    passes_needed: int | None = None
    #: extrapolate=m: the final set at m x T steps (runner.judge_extrapolation); None otherwise.
    extrapolation: dict[str, Any] | None = None

    @property
    def total_sequences(self) -> int:
        """Training sequences of every attempt together."""
        return sum(a["sequences"] for a in self.attempts)

    @property
    def inconclusive(self) -> bool:
        """Failed under a profile that spends less than ``ci`` (run_profiles.py), with no cause
        shown: the only error is ``undertrained``, which that smaller effort cannot settle."""
        if self.passed or self.error or not run_profiles.reduced(self.run_profile):
            return False
        errors = {p.code for p in self.pathologies if p.severity == "error"}
        return errors == {"undertrained"}

    @property
    def verdict(self) -> str:
        if self.error:
            return "error"
        if self.inconclusive:
            return "inconclusive"
        return "pass" if self.passed else "fail"

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
            "upper_bound": _round(self.upper),
            "threshold": self.threshold,
            "chance": _round(self.chance),
            "sequences": self.sequences,
            "total_sequences": self.total_sequences,
            "attempts": [dict(a) for a in self.attempts],
            "seconds": round(self.seconds, 3),
            "peak_memory_mb": _round(self.peak_memory_mb, 1),
            "peak_memory_scope": self.peak_memory_scope,
            "seed": self.seed,
            "run_profile": self.run_profile,
            "device": self.device,
            "stopped": self.stopped,
            "receptive_field": self.receptive_field,
            "horizon": self.horizon,
            "horizon_upper": self.horizon_upper,
            "profile": [dict(entry) for entry in self.profile],
            "curve": list(self.record.get("curve", [])),
            "layers": list(self.record.get("layers", [])),
            "pathologies": [p.to_dict() for p in self.pathologies],
            "notes": list(self.notes),
            "error": self.error,
            "reproduce": self.reproduce,
            "extrapolation": None if self.extrapolation is None else _plain(self.extrapolation),
            **self.seeds_dict(),
        }

    def seeds_dict(self) -> dict[str, Any]:
        """seeds=k: the trainings, how many passed and needed to, the pass probability's interval."""
        if not self.seed_runs:
            return {"seeds": [], "passes": None, "passes_needed": None, "pass_probability": None}
        from .seeds import clopper_pearson

        passes = sum(r["passed"] for r in self.seed_runs)
        low, high = clopper_pearson(passes, len(self.seed_runs))
        return {
            "seeds": [dict(r) for r in self.seed_runs],
            "passes": passes,
            "passes_needed": self.passes_needed,
            "pass_probability": [round(low, 4), round(high, 4)],
        }

    def __repr__(self) -> str:
        if self.error:
            return f"<rnncheck {self.probe} on {self.model}: error: {self.error.splitlines()[0]}>"
        score = "" if self.accuracy is None else f", accuracy {self.accuracy:.3f} (threshold {self.threshold})"
        found = f", findings {', '.join(p.code for p in self.pathologies)}" if self.pathologies else ""
        return f"<rnncheck {self.probe} on {self.model}: {self.verdict}{score}, {self.total_sequences:,} sequences{found}>"

    def _repr_html_(self) -> str:
        """The HTML report's section for this probe, for a notebook's output cell."""
        from .notebook import result_html

        return result_html(self.to_dict())

    def message(self) -> str:
        """The one-screen explanation shown when the probe fails (or errors)."""
        from .report import explain

        return "\n".join(explain(self.to_dict()))


def setup_error_result(nodeid: str, probe: str, seed: int, message: str) -> dict[str, Any]:
    """The row of a probe that could not start (bad marker, no probe named)."""
    result = ProbeResult(model="-", probe=probe, seed=seed, threshold=None, error=message, stopped="error")
    result.nodeid = nodeid
    return result.to_dict()


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Floats rounded as the other numbers are."""
    return {key: _round(value) if isinstance(value, float) else value for key, value in record.items()}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
