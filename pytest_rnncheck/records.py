"""The typed parts of a probe's result: one training run, one lag of a memory profile, one
training of ``seeds=k``, the extrapolation, the rescue control. Pure.

Each ``to_dict()`` gives exactly the keys (and order) of the JSON document; ``from_dict()``
reads them back (a JSON report, a saved run, a result from an xdist worker).
"""

from __future__ import annotations

import dataclasses
from typing import Any


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _text(value: Any) -> str | None:
    """A plain ``str`` for the document: an enum member (``Stopped``, ``Code``) as its value, since
    xdist's serializer (execnet) takes the built-in types only."""
    return None if value is None else str(value)


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One training run: the first, or a learning-rate remedy (numbers rounded as reported)."""

    learning_rate: float | None
    sequences: int
    accuracy: float
    lower_bound: float
    passed: bool
    stopped: str
    #: Of the final look the verdict rests on.
    z: float | None = None
    #: seeds=k: the seed of the training this attempt belongs to; None otherwise.
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "learning_rate": self.learning_rate, "sequences": self.sequences, "accuracy": self.accuracy,
            "lower_bound": self.lower_bound, "passed": self.passed, "stopped": _text(self.stopped), "z": self.z,
        }
        return out if self.seed is None else {**out, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attempt:
        return cls(
            data.get("learning_rate"), data.get("sequences", 0), data.get("accuracy"), data.get("lower_bound"),
            bool(data.get("passed")), data.get("stopped", ""), data.get("z"), data.get("seed"),
        )


@dataclasses.dataclass(frozen=True)
class LagResult:
    """memory(): one lag the search trained."""

    lag: int
    accuracy: float | None
    lower_bound: float | None
    upper_bound: float | None
    passed: bool
    sequences: int
    stopped: str
    #: The codes of the lag's findings.
    pathologies: tuple[str, ...] = ()
    #: The share of the profile's budget it was given; None when it had its own.
    budget: int | None = None
    #: Its learning curve (the flight recorder's points).
    curve: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "lag": self.lag, "accuracy": self.accuracy, "lower_bound": self.lower_bound,
            "upper_bound": self.upper_bound,
            "passed": self.passed, "sequences": self.sequences, "stopped": _text(self.stopped),
            "pathologies": [_text(code) for code in self.pathologies], "budget": self.budget,
            "curve": [dict(p) for p in self.curve],
        }

    @classmethod
    def of(cls, lag: int, result: Any, budget: int | None) -> LagResult:
        """What the profile keeps of the lag(n) probe's result (a ``ProbeResult``)."""
        return cls(
            lag=lag, accuracy=result.accuracy, lower_bound=result.lower, upper_bound=result.upper, passed=result.passed,
            sequences=result.sequences, stopped=result.stopped, pathologies=tuple(p.code for p in result.pathologies),
            budget=budget, curve=tuple(result.curve),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LagResult:
        return cls(
            data["lag"], data.get("accuracy"), data.get("lower_bound"), data.get("upper_bound"),
            bool(data.get("passed")),
            data.get("sequences", 0), data.get("stopped", ""), tuple(data.get("pathologies") or ()), data.get("budget"),
            tuple(data.get("curve") or ()),
        )


@dataclasses.dataclass(frozen=True)
class SeedRun:
    """seeds=k: one training of the probe as the report shows it (seeds.run_summary)."""

    index: int
    seed: int
    passed: bool
    verdict: str
    accuracy: float | None
    lower_bound: float | None
    sequences: int
    stopped: str | None
    #: How many attempts the training made.
    attempts: int
    #: The decisive attempt's rate (the passing one, else the last).
    learning_rate: float | None
    rates_tried: tuple[float | None, ...] = ()
    #: Which attempt passed (0: the first); None when none did.
    passing_attempt: int | None = None
    horizon: int | None = None
    seconds: float = 0.0
    findings: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "seed": self.seed, "passed": self.passed, "verdict": _text(self.verdict),
            "accuracy": self.accuracy, "lower_bound": self.lower_bound, "sequences": self.sequences,
            "stopped": _text(self.stopped), "attempts": self.attempts, "learning_rate": self.learning_rate,
            "rates_tried": list(self.rates_tried), "passing_attempt": self.passing_attempt, "horizon": self.horizon,
            "seconds": self.seconds, "findings": [_text(code) for code in self.findings], "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SeedRun:
        return cls(
            data.get("index", 0), data.get("seed"), bool(data.get("passed")), data.get("verdict", ""),
            data.get("accuracy"),
            data.get("lower_bound"), data.get("sequences", 0), data.get("stopped"), data.get("attempts", 0),
            data.get("learning_rate"), tuple(data.get("rates_tried") or ()), data.get("passing_attempt"),
            data.get("horizon"), data.get("seconds", 0.0), tuple(data.get("findings") or ()), data.get("error"),
        )


@dataclasses.dataclass(frozen=True)
class Extrapolation:
    """extrapolate=m: the final set at m x T steps beside the window trained on."""

    timesteps: int | None
    trained_timesteps: int | None
    #: The window the verdict rests on: ``trained_timesteps`` when the longer one could not run.
    judged_timesteps: int | None
    passed: bool | None
    accuracy: float | None
    lower_bound: float | None
    accuracy_at_trained: float | None
    lower_bound_at_trained: float | None
    passed_at_trained: bool | None
    #: Accuracy by block of T steps: ``{"steps": [first, last], "accuracy": a, ...}``.
    buckets: tuple[dict[str, Any], ...] = ()
    #: The first block below the threshold, ``[first, last]``; None when none is.
    breaks_at: list[int] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Floats rounded as the other numbers are."""
        out = {
            "timesteps": self.timesteps, "trained_timesteps": self.trained_timesteps,
            "judged_timesteps": self.judged_timesteps, "passed": self.passed, "accuracy": self.accuracy,
            "lower_bound": self.lower_bound, "accuracy_at_trained": self.accuracy_at_trained,
            "lower_bound_at_trained": self.lower_bound_at_trained, "passed_at_trained": self.passed_at_trained,
            "buckets": list(self.buckets), "breaks_at": self.breaks_at, "error": self.error,
        }
        return {key: _round(value) if isinstance(value, float) else value for key, value in out.items()}

    def rounded(self) -> Extrapolation:
        """Its numbers as the document holds them."""
        return dataclasses.replace(
            self, accuracy=_round(self.accuracy), lower_bound=_round(self.lower_bound),
            accuracy_at_trained=_round(self.accuracy_at_trained),
            lower_bound_at_trained=_round(self.lower_bound_at_trained),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extrapolation:
        return cls(
            data.get("timesteps"), data.get("trained_timesteps"), data.get("judged_timesteps"), data.get("passed"),
            data.get("accuracy"),
            data.get("lower_bound"), data.get("accuracy_at_trained"), data.get("lower_bound_at_trained"),
            data.get("passed_at_trained"), tuple(data.get("buckets") or ()), data.get("breaks_at"), data.get("error"),
        )


@dataclasses.dataclass(frozen=True)
class RescueControl:
    """seeds=k: the failing seeds retrained at a learning rate with which other seeds passed."""

    rate: float
    #: Per failing seed, in order: passed at ``rate``, and its accuracy (None: the run failed to start).
    passed: tuple[bool, ...]
    accuracy: tuple[float | None, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rate": self.rate, "passed": list(self.passed), "accuracy": list(self.accuracy)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RescueControl:
        return cls(data["rate"], tuple(data.get("passed") or ()), tuple(data.get("accuracy") or ()))
