"""``constant-output``: the model predicts (nearly) the same for every input: by construction
(static), on the held-out predictions after training (dynamic), or after ``diagnose()``'s short fit
on the user's data (dynamic)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..geometry import RECURRENT, Geometry
from ..plan import ProbePlan
from ..spec import ProbeSpec
from .codes import Code, Severity
from .consequences import head_proven
from .evidence import Evidence
from .pathology import Pathology

#: Accuracy within this of chance counts as near chance.
NEAR_CHANCE = 0.05
#: After the short fit, scalar predictions whose spread is at most this share of y's spread are constant.
FIT_FLAT = 1e-3


def constant_by_construction(evidence: Evidence) -> list[Pathology]:
    """Static: softmax over one unit, unless a proven head error already names it (its consequence)."""
    geometry = evidence.geometry
    if head_proven(evidence.found):
        return []
    if geometry.output_activation == "softmax" and geometry.output_width == 1:
        return [
            Pathology(
                Code.CONSTANT_OUTPUT,
                Severity.ERROR,
                "the output is softmax over one unit: it is 1.0 for every input, so the model "
                "predicts the same symbol always",
                "give softmax one unit per symbol, or use sigmoid/linear for a scalar output",
                certain=True,
            )
        ]
    return []


@dataclasses.dataclass(frozen=True)
class Spread:
    """How varied held-out predictions are, beside the targets."""

    distinct: int  # distinct predicted symbols
    symbols: int  # distinct target symbols
    mode_share: float  # share of steps given the most common prediction
    mode: int
    accuracy: float
    chance: float
    value_std: float | None = None  # scalar outputs: spread of raw predictions
    target_std: float | None = None
    error: float | None = None  # mean squared error of the raw predictions
    mean_error: float | None = None  # ... of predicting the targets' mean


def measure_spread(
    predicted: np.ndarray,
    targets: np.ndarray,
    scored: np.ndarray,
    accuracy: float,
    chance: float,
    values: np.ndarray | None = None,
    target_values: np.ndarray | None = None,
) -> Spread:
    """Summarise predictions on scored steps (pure numpy)."""
    p = predicted[scored]
    counts = np.bincount(p.ravel()) if p.size else np.zeros(1, int)
    fields: dict = {}
    if values is not None and target_values is not None:
        v, t = values[scored], target_values[scored]
        fields = dict(
            value_std=float(v.std()),
            target_std=float(t.std()),
            error=float(np.mean((v - t) ** 2)),
            mean_error=float(np.mean((t - t.mean()) ** 2)),
        )
    return Spread(
        distinct=int((counts > 0).sum()),
        symbols=int(np.unique(targets[scored]).size),
        mode_share=float(counts.max() / max(p.size, 1)),
        mode=int(counts.argmax()),
        accuracy=accuracy,
        chance=chance,
        **fields,
    )


def is_constant(s: Spread) -> bool:
    near_chance = s.accuracy <= s.chance + NEAR_CHANCE
    few = s.distinct <= max(1, s.symbols // 10) or s.mode_share >= 0.9
    flat = s.value_std is not None and s.target_std and s.value_std < 0.1 * s.target_std
    return near_chance and (few or bool(flat))


def diagnose_constant_output(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, spread: Spread) -> list[Pathology]:
    """The dynamic rule on one training's held-out spread."""
    return constant_predictions(Evidence(spec=spec, plan=plan, geometry=geometry, spread=spread))


def constant_predictions(evidence: Evidence) -> list[Pathology]:
    """Dynamic: the held-out predictions' spread (``evidence.spread``) is constant near chance."""
    spread, plan, geometry = evidence.spread, evidence.plan, evidence.geometry
    if spread is None or not is_constant(spread):
        return []
    parts = [
        f"predicts {spread.distinct} distinct symbol{'s' if spread.distinct != 1 else ''} of "
        f"{spread.symbols} (symbol {spread.mode} on {spread.mode_share:.0%} of steps)",
        f"accuracy {spread.accuracy:.3f} vs chance {spread.chance:.3f}",
    ]
    if spread.value_std is not None:
        parts.append(
            f"prediction spread {spread.value_std:.3g} vs target spread {spread.target_std:.3g}; "
            f"squared error {spread.error:.3g} vs {spread.mean_error:.3g} for always predicting the mean"
        )
    return [Pathology(Code.CONSTANT_OUTPUT, Severity.ERROR, "; ".join(parts), constant_fix(plan, geometry))]


def constant_fix(plan: ProbePlan, geometry: Geometry) -> str:
    """Pick the fix the evidence points to."""
    fixes = []
    if plan.encoding in ("raw", "scaled") and plan.vocab > 2:
        fixes.append(
            f"feed symbols one-hot (Input((timesteps, {plan.vocab}))) or through "
            f"Embedding({plan.vocab}, d) instead of one {plan.encoding} number"
        )
    if plan.form == "scalar" and plan.vocab > 2:
        fixes.append(f"predict classes with Dense({plan.vocab}, activation='softmax') instead of one number")
    if (geometry.output_layer or "").split("(")[0] in RECURRENT:
        fixes.append(f"add a read-out layer after {geometry.output_layer}")
    if not fixes:
        fixes.append(
            "no cause was shown (the configuration and the control runs are clean): "
            "more units or a larger budget may help"
        )
    return "; ".join(fixes)


def constant_after_fit(evidence: Evidence) -> list[Pathology]:
    """Dynamic, on the user's data: after ``diagnose()``'s short fit the model predicts one class, or
    one value (a spread at most ``FIT_FLAT`` of y's), for every held-out sample."""
    predicted, y, summary = evidence.fit_predictions, evidence.fit_targets, evidence.summary
    if predicted is None or y is None or summary is None:
        return []
    if predicted.ndim >= 2 and predicted.shape[-1] > 1:
        guesses = predicted.argmax(-1)
        varied = np.unique(guesses).size > 1
        shown = f"class {int(np.bincount(guesses.ravel()).argmax())} for every held-out sample"
    else:
        spread = float(np.std(predicted))
        varied = spread > FIT_FLAT * max(float(np.std(y)), 1e-12)
        shown = f"{float(np.mean(predicted)):.4g} for every held-out sample (spread {spread:.2g})"
    if varied or summary.y_distinct < 2:
        return []
    return [
        Pathology(
            Code.CONSTANT_OUTPUT,
            Severity.ERROR,
            f"after a short fit on the data the model predicts {shown}, while y takes {summary.y_distinct} values",
            "check the output activation against the targets' range, the loss against the targets, and the "
            "learning rate; the other findings name what the configuration shows",
        )
    ]


def constant_stretch(epochs: Sequence[Any]) -> int:
    """How many of the last epochs in a row had a constant output (``own_training.Epoch``s)."""
    count = 0
    for e in reversed(epochs):
        if not e.constant:
            break
        count += 1
    return count


def constant_over_epochs(evidence: Evidence) -> list[Pathology]:
    """Epochs (the callback on the user's fit): ``constant-output`` once the output stayed constant
    ``evidence.patience`` epochs in a row, to the last (``evidence.epochs``, read against ``evidence.targets``)."""
    epochs, targets, patience = evidence.epochs, evidence.targets, evidence.patience
    if not epochs or targets is None or patience is None:
        return []
    stretch = constant_stretch(epochs)
    if stretch < patience or targets.distinct < 2:
        return []
    last = epochs[-1]
    since = epochs[-stretch].epoch
    if targets.classes:
        shown = (
            f"predicts one class for every held-out sample at each of epochs {since}-{last.epoch} "
            f"(accuracy {'n/a' if last.accuracy is None else format(last.accuracy, '.3f')}; "
            f"always predicting the most common label scores {targets.majority:.3f}), "
            f"while the targets take {targets.distinct} classes"
        )
    else:
        shown = (
            f"its outputs on the held-out slice stayed flat at each of epochs {since}-{last.epoch}: spread "
            f"{last.spread:.3g} against the targets' {last.target_spread:.3g}, squared error {last.error:.4g} against "
            f"{last.mean_error:.4g} for always predicting the targets' mean"
        )
    fix = (
        "check the output activation against the targets' range and the loss against the targets; feed symbols "
        "one-hot or through an Embedding rather than as numbers; try another learning rate"
    )
    return [Pathology(Code.CONSTANT_OUTPUT, Severity.ERROR, shown, fix)]
