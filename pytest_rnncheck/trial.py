"""One probe on one model at one seed: the fresh copy it reads, each training attempt, each control.

A ``Trial`` holds what every step of a probe shares (source, spec, seed, label, progress) so
the runner's stages pass one object instead of the bundle; Keras is reached through
``keras_adapter`` only.
"""

from __future__ import annotations

import gc
from typing import Any

from .controls import check_suspects
from .diagnosis.training_causes import Suspect
from .geometry import Geometry
from .keras_adapter import clone, measure_reach, prepare
from .plan import ProbePlan
from .reach import ReachMap
from .records import Attempt
from .spec import ProbeSpec
from .training import Outcome, Progress, train
from .verdict import ALPHA_FIRST, ALPHA_REMEDY


def source_label(source: Any) -> str:
    """What a model is called in the report: a factory's name, or the model's own."""
    if isinstance(source, type) or (callable(source) and not hasattr(source, "layers")):
        name = getattr(source, "__qualname__", None) or getattr(source, "__name__", None) or repr(source)
        return name.rsplit("<locals>.", 1)[-1]
    return getattr(source, "name", None) or type(source).__name__


class Trial:
    def __init__(self, source: Any, spec: ProbeSpec, seed: int, label: str, progress: Progress | None = None):
        self.source, self.spec, self.seed, self.label, self.progress = source, spec, seed, label, progress
        self.model: Any = None
        self.geometry: Geometry | None = None
        self.plan: ProbePlan | None = None
        #: (outcome, learning rate) of every training run, the first then each remedy.
        self.runs: list[tuple[Outcome, float | None]] = []
        #: What the result keeps of each run (``attempt_record``).
        self.attempts: list[Attempt] = []

    def prepare(self) -> tuple[Geometry, ProbePlan]:
        """A fresh, seeded model (a built one is read as it is), what it looks like, the probe fitted to it."""
        self.model, self.geometry, self.plan = prepare(self.source, self.spec, self.seed, self.label, reuse=True)
        return self.geometry, self.plan

    def reach(self) -> ReachMap | None:
        """Which input steps reach each output, measured on the prepared model (None where it cannot be)."""
        return measure_reach(self.model, self.plan, self.seed)

    def train(self, rate: float | None = None, alpha: float = ALPHA_FIRST) -> tuple[Outcome, float | None]:
        """Train and judge once: the prepared model the first time (never the user's own instance),
        a fresh copy at seed + n for the n-th remedy. Returns the outcome and the rate used."""
        attempt = len(self.runs)
        if attempt == 0:
            model, geometry, plan = self.model, self.geometry, self.plan
            if model is self.source:
                model = clone(self.source, self.label)
            self.model = None  # the trained copy is freed below
        else:
            model, geometry, plan = prepare(self.source, self.spec, self.seed + attempt, self.label)
        outcome, used = train(
            model, geometry, plan, self.spec, self.seed + attempt, self.label, rate, alpha, self.progress
        )
        if attempt == 0:
            del model
            gc.collect()  # free the trained model's memory before the next probe
        self.runs.append((outcome, rate if attempt else used))
        self.attempts.append(attempt_record(*self.runs[-1]))
        return outcome, used

    def remedy(self, rate: float, factors: tuple[float, ...]) -> Outcome:
        """Fresh copies at other learning rates before failing a model that learned something:
        the first that passes, else the most accurate run."""
        best = self.runs[-1][0]
        for factor in factors:
            outcome, _ = self.train(rate * factor, ALPHA_REMEDY)
            if outcome.verdict.passed:
                return outcome
            if outcome.verdict.accuracy > best.verdict.accuracy:
                best = outcome
        return best

    def check(self, suspects: list[Suspect], outcome: Outcome) -> tuple[list, list[str]]:
        """Each suspect's control in turn; the confirmed findings and notes on the rest."""
        return check_suspects(self.source, self.spec, self.seed, self.label, suspects, outcome)


def attempt_record(outcome: Outcome, rate: float | None) -> Attempt:
    verdict = outcome.verdict
    return Attempt(
        learning_rate=None if rate is None else float(f"{rate:.6g}"),  # 0.02, not float32's 0.0199999995
        sequences=outcome.sequences,
        accuracy=round(verdict.accuracy, 4),
        lower_bound=round(verdict.lower, 4),
        passed=verdict.passed,
        stopped=outcome.stopped,
        z=round(verdict.z, 4),  # of the final look the verdict rests on
    )
