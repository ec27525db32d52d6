"""``raw-integer``: the user's integers fed, or regressed, as magnitudes (data). A probe chooses
its own encoding, so only ``diagnose()`` on the user's arrays raises it."""

from __future__ import annotations

from .codes import Code, Severity
from .evidence import Evidence, proven
from .loss_fit import REGRESSION_LOSSES, canonical
from .pathology import Pathology


def integers_as_magnitudes(evidence: Evidence) -> list[Pathology]:
    """Data: integers in one input feature, or integer targets regressed; an error when the targets are
    values taken from the inputs (symbols), a warning otherwise."""
    summary, geometry, plan = evidence.summary, evidence.geometry, evidence.plan
    if summary is None or Code.RAW_INTEGER in proven(evidence):
        return []
    inputs = plan.encoding == "raw"
    loss = canonical(geometry.loss)
    regression = loss.replace("_", "") in REGRESSION_LOSSES or (
        not loss and geometry.output_activation in ("linear", None, "tanh", "relu")
    )
    targets = summary.y_integer and summary.y_distinct > 2 and not summary.y_onehot and regression
    if not inputs and not targets:
        return []
    low, high = (int(v) for v in summary.x_range)
    parts = []
    if inputs:
        parts.append(f"x holds the integers {low}..{high} ({summary.x_distinct} distinct) as magnitudes in one feature")
    if targets:
        t_low, t_high = (int(v) for v in summary.y_range)
        how = f"a {geometry.loss} loss" if loss else f"a {geometry.output_activation or 'linear'} output"
        parts.append(
            f"y holds the integers {t_low}..{t_high} ({summary.y_distinct} distinct) as values to regress, with {how}"
        )
    symbols = summary.y_copies_x and summary.x_integer
    why = (
        "the targets are values taken from the inputs, so these are symbols: symbols next to each other "
        "become nearly the same input and the same output, and a regression lands between symbols"
        if symbols
        else "if these integers name things (ids, categories, symbols) rather than count them, their "
        "order and distance mean nothing to the task but everything to the model"
    )
    vocab = max(plan.vocab, high + 1)
    fix = (
        f"one-hot the inputs (keras.utils.to_categorical(x, {vocab}) with keras.Input((timesteps, {vocab}))) or "
        f"feed the integer ids to an Embedding({vocab}, 16); predict classes with Dense({vocab}, activation='softmax') "
        f"and sparse_categorical_crossentropy"
    )
    severity = Severity.ERROR if symbols else Severity.WARNING
    return [Pathology(Code.RAW_INTEGER, severity, "; ".join(parts) + f": {why}", fix)]
