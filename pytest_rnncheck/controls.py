"""Control experiments: the same model with one suspected part removed, trained on
the same probe. A cause is blamed only when its control learns where the model
did not (see diagnosis/training_causes.py for the rules that read the results).
"""

from __future__ import annotations

import copy
from typing import Any

from .diagnosis.training_causes import Control, Suspect, confirm, not_confirmed
from .geometry import DROPOUT_LAYERS
from .keras_adapter import prepare, rebuilt
from .records import RescueControl, SeedRun
from .spec import ProbeSpec
from .training import Outcome, train


def edited_config(config: Any, control: str, window: int | None = None) -> Any:
    """A model config with every layer trainable (``trainable``), every dropout rate 0
    (``no-dropout``), or every layer stateless and fed ``window`` steps a sample with any batch
    size (``stateless-window``)."""
    config = copy.deepcopy(config)

    def windowed(shape: Any) -> Any:
        return [None, window, *list(shape)[2:]] if isinstance(shape, (list, tuple)) and len(shape) >= 3 else shape

    if control == "stateless-window" and "build_input_shape" in config:
        config["build_input_shape"] = windowed(config["build_input_shape"])

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            inner = node.get("config")
            if isinstance(inner, dict):
                if control == "trainable" and "trainable" in inner:
                    inner["trainable"] = True
                if control == "stateless-window":
                    if inner.get("stateful") is True:
                        inner["stateful"] = False
                    for key in ("batch_shape", "batch_input_shape"):
                        if key in inner:
                            inner[key] = windowed(inner[key])
                if control == "no-dropout":
                    if node.get("class_name") in DROPOUT_LAYERS and "rate" in inner:
                        inner["rate"] = 0.0
                    for key in ("dropout", "recurrent_dropout"):
                        if key in inner:
                            inner[key] = 0.0
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return config


def ablated(source: Any, label: str, control: str, window: int | None = None) -> Any:
    """A factory of the model with the suspected part removed; None if it cannot be rebuilt."""

    def build() -> Any:
        return rebuilt(source, label, lambda config: edited_config(config, control, window))

    try:
        build()
    except Exception:  # subclassed models without a usable config
        return None
    return build


def run_control(source: Any, spec: ProbeSpec, seed: int, label: str, suspect: Suspect) -> Control | None:
    window = spec.n + 1 if suspect.control == "stateless-window" else None
    factory = source if suspect.control == "rate" else ablated(source, label, suspect.control, window)
    if factory is None:
        return None
    model, geometry, plan = prepare(factory, spec, seed, label)
    outcome, _ = train(model, geometry, plan, spec, seed, label, learning_rate=suspect.rate)
    return Control(outcome.verdict.accuracy, outcome.verdict.passed, outcome.sequences)


def not_checked(suspect: Suspect, profile: str) -> str:
    """The note on a suspect that a run profile without control runs leaves untested."""
    return (
        f"suspected {suspect.code} ({suspect.evidence}), not checked: the {profile} profile runs no "
        f"control (--rnncheck-profile=ci checks it)"
    )


def check_suspects(
    source: Any, spec: ProbeSpec, seed: int, label: str, suspects: list[Suspect], outcome: Outcome
) -> tuple[list, list[str]]:
    """Run each suspect's control; return the confirmed findings and notes on the rest."""
    found, notes = [], []
    accuracy, chance = outcome.verdict.accuracy, outcome.verdict.chance
    for suspect in suspects:
        control = run_control(source, spec, seed + 7, label, suspect)
        if control is None:
            notes.append(
                f"suspected {suspect.code} ({suspect.evidence}), but the model could not be rebuilt to test it"
            )
            continue
        confirmed = confirm(spec, suspect, control, accuracy, chance)
        if confirmed:
            found += confirmed
            break  # the most specific proven cause; the rest would only repeat the cost
        notes.append(not_confirmed(suspect, control))
    return found, notes


def rescue(source: Any, spec: ProbeSpec, label: str, failed: list[SeedRun], rate: float) -> RescueControl:
    """The failing seeds retrained at ``rate``, a learning rate with which other seeds passed."""
    passed, accuracy = [], []
    for run in failed:
        outcome = run_control(source, spec, run.seed, label, Suspect("fragile", "rate", "", rate=rate))
        passed.append(bool(outcome and outcome.passed))
        accuracy.append(None if outcome is None else outcome.accuracy)
    return RescueControl(rate, tuple(passed), tuple(accuracy))
