"""One probe's outcome, and the failure message a user reads."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from . import run_profiles
from .records import Attempt, Extrapolation, LagResult, SeedRun, _round, _text

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
    profile: list[LagResult] = dataclasses.field(default_factory=list)
    #: The flight recorder of the decisive training run: {"curve": [...], "layers": [...]}.
    record: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: One record per training run: the first, then each learning-rate remedy.
    attempts: list[Attempt] = dataclasses.field(default_factory=list)
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
    seed_runs: list[SeedRun] = dataclasses.field(default_factory=list)
    passes_needed: int | None = None
    #: extrapolate=m: the final set at m x T steps (runner.extrapolation_record); None otherwise.
    extrapolation: Extrapolation | None = None
    #: ``total_sequences`` as a document gave it (from_dict), kept as read even where a hand-made
    #: document's attempts do not add up to it; None: the sum of the attempts.
    recorded_total: int | None = dataclasses.field(default=None, compare=False)

    @property
    def total_sequences(self) -> int:
        """Training sequences of every attempt together (as the document said, for a result read from one)."""
        if self.recorded_total is not None:
            return self.recorded_total
        return sum(a.sequences for a in self.attempts)

    @property
    def curve(self) -> list[dict[str, Any]]:
        """The decisive training run's learning curve (the flight recorder's looks)."""
        return list(self.record.get("curve", []))

    @property
    def layers(self) -> list[dict[str, Any]]:
        """The decisive training run's layers with their update ratios (the flight recorder's)."""
        return list(self.record.get("layers", []))

    @property
    def passes(self) -> int | None:
        """seeds=k: the trainings that passed; None otherwise."""
        return sum(r.passed for r in self.seed_runs) if self.seed_runs else None

    @property
    def pass_probability(self) -> tuple[float, float] | None:
        """seeds=k: the pass probability's Clopper-Pearson interval, rounded as reported; None otherwise."""
        if not self.seed_runs:
            return None
        from .seeds import clopper_pearson

        low, high = clopper_pearson(self.passes, len(self.seed_runs))
        return round(low, 4), round(high, 4)

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
            "attempts": [a.to_dict() for a in self.attempts],
            "seconds": round(self.seconds, 3),
            "peak_memory_mb": _round(self.peak_memory_mb, 1),
            "peak_memory_scope": self.peak_memory_scope,
            "seed": self.seed,
            "run_profile": self.run_profile,
            "device": self.device,
            "stopped": _text(self.stopped),
            "receptive_field": self.receptive_field,
            "horizon": self.horizon,
            "horizon_upper": self.horizon_upper,
            "profile": [entry.to_dict() for entry in self.profile],
            "curve": self.curve,
            "layers": self.layers,
            "pathologies": [p.to_dict() for p in self.pathologies],
            "notes": list(self.notes),
            "error": self.error,
            "reproduce": self.reproduce,
            "extrapolation": None if self.extrapolation is None else self.extrapolation.to_dict(),
            **self.seeds_dict(),
        }

    def seeds_dict(self) -> dict[str, Any]:
        """seeds=k: the trainings, how many passed and needed to, the pass probability's interval."""
        if not self.seed_runs:
            return {"seeds": [], "passes": None, "passes_needed": None, "pass_probability": None}
        return {
            "seeds": [r.to_dict() for r in self.seed_runs],
            "passes": self.passes,
            "passes_needed": self.passes_needed,
            "pass_probability": list(self.pass_probability),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProbeResult:
        """A result read back from the document (a JSON report, a saved run, an xdist worker's
        report): ``from_dict(d).to_dict() == d``. Derived keys (verdict, totals, passes) are recomputed;
        a key left out (an older document, a hand-made one) reads as its default."""
        from .diagnosis.pathology import Pathology

        extrapolation = data.get("extrapolation")
        return cls(
            model=data.get("model", ""), probe=data.get("probe", ""), seed=data.get("seed"),
            threshold=data.get("threshold"), passed=bool(data.get("passed")), accuracy=data.get("accuracy"),
            lower=data.get("lower_bound"),
            upper=data.get("upper_bound"), chance=data.get("chance"), sequences=data.get("sequences", 0),
            seconds=data.get("seconds", 0.0), peak_memory_mb=data.get("peak_memory_mb"),
            peak_memory_scope=data.get("peak_memory_scope"), stopped=data.get("stopped", ""),
            receptive_field=data.get("receptive_field"), horizon=data.get("horizon"),
            horizon_upper=data.get("horizon_upper"),
            profile=[LagResult.from_dict(entry) for entry in data.get("profile") or []],
            record={"curve": list(data.get("curve") or []), "layers": list(data.get("layers") or [])},
            attempts=[Attempt.from_dict(a) for a in data.get("attempts") or []],
            pathologies=[Pathology.from_dict({**_NO_FINDING, **p}) for p in data.get("pathologies") or []],
            notes=list(data.get("notes") or []), error=data.get("error"), nodeid=data.get("nodeid", ""),
            reproduce=data.get("reproduce", ""), run_profile=data.get("run_profile", run_profiles.DEFAULT),
            device=data.get("device"), seed_runs=[SeedRun.from_dict(r) for r in data.get("seeds") or []],
            passes_needed=data.get("passes_needed"),
            extrapolation=None if extrapolation is None else Extrapolation.from_dict(extrapolation),
            recorded_total=data.get("total_sequences"),
        )

    def rounded(self) -> ProbeResult:
        """This result with its numbers as the document holds them: what the reports show."""
        return dataclasses.replace(
            self, accuracy=_round(self.accuracy), lower=_round(self.lower), upper=_round(self.upper),
            chance=_round(self.chance), seconds=round(self.seconds, 3), peak_memory_mb=_round(self.peak_memory_mb, 1),
            attempts=list(self.attempts),
            extrapolation=None if self.extrapolation is None else self.extrapolation.rounded(),
        )

    def __repr__(self) -> str:
        if self.error:
            return f"<rnncheck {self.probe} on {self.model}: error: {self.error.splitlines()[0]}>"
        score = "" if self.accuracy is None else f", accuracy {self.accuracy:.3f} (threshold {self.threshold})"
        found = f", findings {', '.join(p.code for p in self.pathologies)}" if self.pathologies else ""
        return (
            f"<rnncheck {self.probe} on {self.model}: {self.verdict}{score}, "
            f"{self.total_sequences:,} sequences{found}>"
        )

    def _repr_html_(self) -> str:
        """The HTML report's section for this probe, for a notebook's output cell."""
        from .notebook import result_html

        return result_html(self)

    def message(self) -> str:
        """The one-screen explanation shown when the probe fails (or errors)."""
        from .report import explain

        return "\n".join(explain(self))


#: A finding's keys a hand-made document may leave out.
_NO_FINDING = {"severity": "", "message": "", "fix": ""}

def setup_error_result(nodeid: str, probe: str, seed: int, message: str) -> ProbeResult:
    """The row of a probe that could not start (bad marker, no probe named)."""
    return ProbeResult(model="-", probe=probe, seed=seed, threshold=None, error=message, stopped="error", nodeid=nodeid)

