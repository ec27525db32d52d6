"""Causes that only training shows, each confirmed by a control experiment.

A rule here first *suspects* a cause from the configuration and the flight
recorder, and names the control run that would prove it: the same model with
the suspected part removed (every layer trainable; every dropout rate 0) or
trained at another learning rate. The runner performs the control; the rule
then blames the cause only if the control learns where the model did not.
Pure: rules read Geometry, the recorder and the control's numbers.
"""

from __future__ import annotations

import dataclasses
import math

from ..geometry import Geometry
from ..plan import ProbePlan
from ..recorder import FlightRecorder
from ..spec import ProbeSpec
from .missing_context import stateful_short_window, window_fix
from .pathology import ERROR, Pathology

#: Dropout at or above this rate is heavy enough to suspect.
HEAVY_DROPOUT = 0.5
#: A relative weight update per look below this is "barely moving" (Adam 0.01 moves ~1e-2).
TINY_UPDATE = 1e-4
#: ... above this, every look rewrites the weights: the rate is far too large.
HUGE_UPDATE = 0.5
#: A control "learns where the model did not" when it passes, or gains this share of the room above chance.
CONTROL_GAIN = 0.25
#: A first loss this many times the loss of a uniform guess: the steps overshoot.
OVERSHOOT = 3.0
#: Learning rate of the control for a rate that is too small: one every probe kind trains at (uncompiled
#: models get keras_model.DEFAULT_LEARNING_RATE, 0.02; this control keeps the more conservative 0.01).
SANE_RATE = 0.01


@dataclasses.dataclass(frozen=True)
class Suspect:
    """A cause to test: which control to run (``trainable``, ``no-dropout``, ``stateless-window``
    or ``rate``) and why."""

    code: str
    control: str
    evidence: str
    rate: float | None = None  # the control's learning rate, for ``rate``
    direction: str = ""  # too small | too large
    window: int | None = None  # the control's steps per sample, for ``stateless-window``


@dataclasses.dataclass(frozen=True)
class Control:
    """What the control run reached."""

    accuracy: float
    passed: bool
    sequences: int


def chance_loss(plan: ProbePlan | None, geometry: Geometry) -> float | None:
    """The cross-entropy of guessing uniformly: a healthy start is near it, never far above."""
    loss = (geometry.loss or "").lower().replace("_", "")
    if plan is None or "crossentropy" not in loss:
        return None
    if plan.form == "classes":  # a uniform guess over the softmax's units: the head may be narrower than the input
        return math.log(geometry.output_width or plan.model_vocab or plan.vocab)
    if plan.form in ("bits", "scalar") and "binary" in loss:
        return math.log(2)
    return None


def suspects(
    spec: ProbeSpec, geometry: Geometry, record: FlightRecorder | None, rate: float | None,
    plan: ProbePlan | None = None,
) -> list[Suspect]:
    """Causes worth a control run, most specific first."""
    found = []
    frozen = [layer for layer in geometry.layers if layer.weights and not layer.trainable]
    unmoved = []
    if record is not None:
        unmoved = [
            layer
            for layer in record.layers
            if layer.trainable and layer.weights and record.median_update(layer.name) == 0.0
        ]
    if frozen or unmoved:
        names = [f"{layer.kind} '{layer.name}' (trainable=False, {layer.weights:,} weights)" for layer in frozen]
        names += [
            f"{layer.kind} '{layer.name}' (trainable, but its {layer.weights:,} weights never changed)"
            for layer in unmoved
        ]
        found.append(Suspect("frozen-layer", "trainable", "; ".join(names)))
    heavy = [layer for layer in geometry.layers if layer.dropout >= HEAVY_DROPOUT]
    if heavy:
        found.append(
            Suspect(
                "dropout",
                "no-dropout",
                ", ".join(f"{layer.kind} '{layer.name}' at {layer.dropout:g}" for layer in heavy),
            )
        )
    if plan is not None and stateful_short_window(spec, plan):
        found.append(
            Suspect(
                "missing-context",
                "stateless-window",
                f"a stateful model trained {plan.timesteps} timestep{'s' if plan.timesteps > 1 else ''} per batch: "
                f"Keras carries the state to the "
                f"next batch but never back-propagates into it",
                window=spec.n + 1,
            )
        )
    if record is not None and rate:
        moved = record.median_update_of_trainable()
        trend = record.loss_trend()
        if moved is not None and trend is not None:
            first, lowest, last = trend
            flat = abs(first - last) <= 0.02 * abs(first)
            diverging = last > 1.1 * lowest and last >= first
            guess = chance_loss(plan, geometry)
            overshooting = guess is not None and first > OVERSHOOT * guess
            if moved < TINY_UPDATE and flat:
                found.append(
                    Suspect(
                        "learning-rate",
                        "rate",
                        f"learning rate {rate:.3g}: the weights moved {moved:.1e} of their size per look and the loss "
                        f"went from {first:.4g} to {last:.4g}",
                        rate=SANE_RATE,
                        direction="too small",
                    )
                )
            elif moved > HUGE_UPDATE or diverging or overshooting:
                found.append(
                    Suspect(
                        "learning-rate",
                        "rate",
                        f"learning rate {rate:.3g}: the weights changed by {moved:.2g} of their size per look and the "
                        f"loss went from {first:.4g} (guessing uniformly would give "
                        f"{'n/a' if guess is None else f'{guess:.3g}'}) to {lowest:.4g} at best "
                        f"and {last:.4g} at the end",
                        rate=min(rate / 1000, SANE_RATE),
                        direction="too large",
                    )
                )
    return found


def learned(control: Control, accuracy: float, chance: float) -> bool:
    return control.passed or control.accuracy - accuracy >= CONTROL_GAIN * (1 - chance)


def confirm(spec: ProbeSpec, suspect: Suspect, control: Control, accuracy: float, chance: float) -> list[Pathology]:
    """The finding, if the control learned where the model did not."""
    if not learned(control, accuracy, chance):
        return []
    outcome = (
        f"the same model {control_words(suspect)} reached {control.accuracy:.3f} "
        f"on {spec.name}{' and passed' if control.passed else ''} (this model: {accuracy:.3f}, chance {chance:.3f})"
    )
    if suspect.code == "frozen-layer":
        message = f"a layer on the path from input to output does not learn: {suspect.evidence}; {outcome}"
        fix = (
            "make the layer trainable (layer.trainable = True, or drop trainable=False) before compile(): Keras "
            "reads trainable when the model is compiled"
        )
    elif suspect.code == "missing-context":
        message = (
            f"training one step at a time is what fails: {suspect.evidence}, so nothing teaches it to keep "
            f"x[t-{spec.n}] for {spec.name}; {outcome}"
        )
        fix = window_fix(spec) + "; keep stateful=True for step-by-step inference only"
    elif suspect.code == "dropout":
        message = f"dropout is heavy enough to stop learning: {suspect.evidence}; {outcome}"
        fix = (
            "lower the Dropout rate (0.1-0.3 is usual for sequence models), "
            "or drop dropout=/recurrent_dropout= on the recurrent layers"
        )
    else:
        message = f"the learning rate is {suspect.direction}: {suspect.evidence}; {outcome}"
        fix = (
            f"compile with a learning rate near {suspect.rate:.3g}, "
            f"e.g. optimizer=keras.optimizers.Adam({suspect.rate:.3g})"
            if suspect.direction == "too small"
            else f"lower the learning rate (the control used {suspect.rate:.3g}) or clip gradients (clipnorm=1.0)"
        )
    return [Pathology(suspect.code, ERROR, message, fix)]


def not_confirmed(suspect: Suspect, control: Control) -> str:
    """A note for a suspect the control did not bear out."""
    return (
        f"checked {suspect.code} ({suspect.evidence}): the same model "
        f"{control_words(suspect)} did not learn either "
        f"({control.accuracy:.3f} after {control.sequences:,} sequences), so it is not blamed"
    )


CONTROL_WORDS = {
    "trainable": "with every layer trainable",
    "no-dropout": "with every dropout rate set to 0",
    "stateless-window": "made stateless and fed {window}-step windows",
    "rate": "at learning rate {rate:.3g}",
}


def control_words(suspect: Suspect) -> str:
    return CONTROL_WORDS[suspect.control].format(rate=suspect.rate, window=suspect.window)
