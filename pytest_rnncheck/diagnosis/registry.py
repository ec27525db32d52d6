"""Every rule, registered by phase in the order it runs, and ``run``. Pure.

A rule is ``rule(evidence) -> list[Pathology]``; adding one is a module and a line here. Each
rule reads what it needs of the ``Evidence`` and stays silent where that is absent, and sees
in ``evidence.found`` the findings before it (the caller's and the phase's earlier rules'), so
a rule whose finding only follows from another's (``consequences.py``) stays silent itself.

Phases and the ``Evidence`` each needs:

- ``static``: before training. spec, plan, geometry; reach where measured (None otherwise).
- ``reach``: what the perturbation and reordering passes measured. spec, plan, geometry, reach
  (silent without it), and in ``found`` the static findings.
- ``dynamic``: after training, each rule silent until its own fields are set, so the caller may
  run the phase once per step: bad_loss, sequences (``non-finite-loss``); spread
  (``constant-output``); accuracy, chance, total_sequences, stopped, still_learning, attempts,
  reach_shown, echo, profile (``undertrained``, silent under an error in ``found``); on the
  user's data, summary, fit_predictions, fit_targets (``constant-output`` after the short fit).
- ``epochs``: the callback on the user's own fit, each epoch: bad_loss and epoch (``non-finite-loss``);
  epochs (``own_training.Epoch``s so far), targets (``own_training.Targets``) and patience (``constant-output``).
- ``data``: the user's arrays (``diagnose()``, the callback). spec (a ``DataSpec``), plan (the
  data described as one), geometry, summary, and in ``found`` the static findings: a code they
  prove is not repeated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from . import (
    activation_range,
    constant_output,
    future_leak,
    label_imbalance,
    loss_fit,
    masking,
    missing_context,
    non_finite,
    output_shape,
    position_blind,
    raw_integer,
    undertrained,
)
from .evidence import Evidence
from .pathology import Pathology

Rule = Callable[[Evidence], list[Pathology]]

RULES: dict[str, tuple[Rule, ...]] = {
    "static": (
        output_shape.wrong_head,
        activation_range.unreachable_targets,
        loss_fit.loss_against_output,
        masking.mask_hits_real_steps,
        missing_context.window_or_mixing,
        future_leak.reads_ahead,
        constant_output.constant_by_construction,
    ),
    "reach": (
        missing_context.reach_too_short,
        position_blind.order_blind,
    ),
    "dynamic": (
        non_finite.non_finite_loss,
        constant_output.constant_predictions,
        constant_output.constant_after_fit,
        undertrained.no_cause_shown,
    ),
    "epochs": (
        non_finite.non_finite_epoch,
        constant_output.constant_over_epochs,
    ),
    "data": (
        output_shape.per_step_mismatch,
        activation_range.targets_out_of_range,
        raw_integer.integers_as_magnitudes,
        loss_fit.loss_against_targets,
        label_imbalance.majority_label,
        missing_context.stateful_window,
    ),
}
PHASES = tuple(RULES)


def run(phase: str, evidence: Evidence) -> list[Pathology]:
    """The phase's rules in their order, each seeing the findings before it; not ranked."""
    if phase not in RULES:
        raise ValueError(f"no diagnosis phase {phase!r}: one of {', '.join(PHASES)}")
    found: list[Pathology] = []
    for rule in RULES[phase]:
        seen = evidence if not found else dataclasses.replace(evidence, found=(*evidence.found, *found))
        found.extend(rule(seen))
    return found

