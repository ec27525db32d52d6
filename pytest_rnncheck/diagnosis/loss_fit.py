"""``loss-mismatch``: the compiled loss does not fit the output or the probe's targets (static),
or the user's y (data)."""

from __future__ import annotations

import numpy as np

from ..encoding import scalar_value
from .codes import Code, Severity
from .evidence import Evidence, proven
from .pathology import Pathology

PROBABILITY_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy")
RATIO_LOSSES = {
    "mape": "mean_absolute_percentage_error",
    "mean_absolute_percentage_error": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "mean_squared_logarithmic_error": "mean_squared_logarithmic_error",
}
BOUNDED = ("softmax", "sigmoid")
#: Losses that take the log of the prediction: it must be positive.
LOG_LOSSES = ("kl_divergence", "kld", "kullback_leibler_divergence", "poisson")
POSITIVE = ("softmax", "sigmoid", "softplus", "exponential", "relu")
#: Regression losses, written without underscores (``mse``, ``MeanSquaredError`` ...).
REGRESSION_LOSSES = ("mse", "meansquarederror", "mae", "meanabsoluteerror", "huber", "logcosh")


def canonical(loss: str | None) -> str:
    name = (loss or "").lower()
    aliases = {
        "categoricalcrossentropy": "categorical_crossentropy",
        "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
        "binarycrossentropy": "binary_crossentropy",
        "meanabsolutepercentageerror": "mean_absolute_percentage_error",
        "meansquaredlogarithmicerror": "mean_squared_logarithmic_error",
        "kldivergence": "kl_divergence",
        "kullbackleiblerdivergence": "kl_divergence",
        "kld": "kl_divergence",
    }
    return RATIO_LOSSES.get(name, aliases.get(name.replace("_", ""), name))


def loss_against_output(evidence: Evidence) -> list[Pathology]:
    """Static: the compiled loss against the output activation and the probe's targets."""
    spec, plan, geometry = evidence.spec, evidence.plan, evidence.geometry
    if not geometry.compiled or not geometry.loss or plan.form is None:
        return []
    loss, act, logits = canonical(geometry.loss), geometry.output_activation, geometry.loss_from_logits
    found = []
    # one unit under a categorical loss: nothing else about that loss matters (no activation or
    # from_logits makes a distribution over one class depend on the prediction)
    one_unit = loss in ("categorical_crossentropy", "sparse_categorical_crossentropy") and geometry.output_width == 1
    probability = loss in PROBABILITY_LOSSES and not one_unit
    if probability and logits is False and act not in BOUNDED:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"the loss is {geometry.loss} with from_logits=False, which expects probabilities, but the output "
                f"activation is {act or 'none'} (unbounded values): Keras clips them into (0, 1) and the gradient "
                f"through the clipped values is zero or meaningless",
                "either end with activation='softmax' ('sigmoid' for one unit), or keep the linear output and "
                "compile with from_logits=True, e.g. keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
            )
        )
    elif probability and logits is True and act in BOUNDED:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"the loss is {geometry.loss} with from_logits=True, but the output already applies {act}: the "
                f"loss applies it a second time, which squeezes the outputs and flattens the gradient",
                "drop from_logits=True (or drop the output activation)",
            )
        )
    if loss in LOG_LOSSES and act not in POSITIVE:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"the loss is {geometry.loss}, which takes the log of the prediction, but the output activation is "
                f"{act or 'none'}: predictions can be zero or negative, where the loss is undefined or clipped",
                "end with activation='softmax' for classes (or 'softplus'/'exponential' for counts), or use "
                "sparse_categorical_crossentropy(from_logits=True) on the linear output",
            )
        )
    if one_unit:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"{geometry.loss} on a single output unit: a distribution over one class is always 1, so the loss "
                f"does not depend on the prediction and there is nothing to learn",
                "for two classes use one sigmoid unit with binary_crossentropy, or Dense(2, activation='softmax') "
                "with sparse_categorical_crossentropy",
                # proven by the arithmetic: Keras normalises one unit to 1 (or softmaxes one logit to 1), so the
                # loss is 0 for every prediction; a plain train_on_batch loop read 0.0 at each of 300 batches
                # for linear, sigmoid and relu heads and from_logits=True (sparse targets >= 1 are out of range)
                certain=True,
            )
        )
    elif loss == "categorical_crossentropy" and act == "sigmoid" and (geometry.output_width or 0) > 1:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"categorical_crossentropy expects one distribution over the {geometry.output_width} outputs, but "
                f"each is an independent sigmoid: they do not sum to 1",
                "use activation='softmax' with categorical_crossentropy "
                "(or binary_crossentropy for independent yes/no outputs)",
            )
        )
    if loss == "binary_crossentropy" and plan.form == "classes" and plan.model_vocab > 2:
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"binary_crossentropy treats each of the {geometry.output_width} output units as an independent "
                f"yes/no, but the output is one class out of {plan.model_vocab}",
                "compile with loss='sparse_categorical_crossentropy' (integer targets) or "
                "'categorical_crossentropy' (one-hot targets)",
            )
        )
    if loss in RATIO_LOSSES.values() and plan.form == "value":
        found.append(
            Pathology(
                Code.LOSS_MISMATCH,
                Severity.ERROR,
                f"the loss {geometry.loss} divides by (or takes the log of) the target, but regression targets "
                f"here are centred on 0 and half of them are negative",
                "use loss='mse' or 'mae' (or huber) for targets that can be 0 or negative",
            )
        )
    if loss in RATIO_LOSSES.values() and plan.form == "scalar":
        symbols = range(2 if spec.binary else plan.vocab)
        values = scalar_value(plan.encoding, np.asarray(list(symbols)), plan.vocab)
        bad = [float(v) for v in values if v <= 0]
        if bad:
            what = "divides by the target" if "percentage" in loss else "takes the log of the target + 1"
            found.append(
                Pathology(
                    Code.LOSS_MISMATCH,
                    Severity.ERROR,
                    f"the loss {geometry.loss} {what}, but {len(bad)} of {len(values)} target values are "
                    f"{'zero' if max(bad) == 0 else 'zero or negative'} (the {plan.encoding} encoding of symbol "
                    f"{int(values.argmin())}): those steps dominate the loss or give it no gradient",
                    "use loss='mse' or 'mae' for targets that can be 0, or shift the targets away from 0",
                )
            )
    return found


def loss_against_targets(evidence: Evidence) -> list[Pathology]:
    """Data: targets the compiled loss cannot read (one-hot rows under a sparse loss, class ids past
    the output's units, values outside 0..1 under binary cross-entropy ...)."""
    summary, geometry = evidence.summary, evidence.geometry
    if summary is None or Code.LOSS_MISMATCH in proven(evidence):
        return []
    loss = canonical(geometry.loss)
    width = geometry.output_width or 0
    low, high = summary.y_range
    message = fix = None
    if loss == "sparse_categorical_crossentropy":
        if summary.y_onehot:
            message = (
                f"y is one-hot ({summary.y_width} columns) but the loss is sparse_categorical_crossentropy, "
                "which reads class ids"
            )
            fix = "use categorical_crossentropy, or pass y.argmax(-1)"
        elif not summary.y_integer or low < 0:
            ids = f"class ids 0..{width - 1}" if width else "class ids"  # the output's width may be unknown
            message = (
                f"y holds {'negative ' if low < 0 else 'non-integer '}values ({low:g}..{high:g}) but "
                f"sparse_categorical_crossentropy reads {ids}"
            )
            fix = "map the targets to class ids 0..K-1, or use a regression loss for values"
        elif width > 1 and high >= width:
            message = f"y holds class ids up to {int(high)} but the output has {width} units (ids 0..{width - 1})"
            fix = f"give the last layer {int(high) + 1} units"
    elif loss == "categorical_crossentropy" and not summary.y_onehot:
        message = "the loss is categorical_crossentropy, which reads one-hot targets, but y holds " + (
            f"class ids {low:g}..{high:g}" if summary.y_integer else f"values {low:g}..{high:g}"
        )
        fix = "use sparse_categorical_crossentropy for class ids, or one-hot y with keras.utils.to_categorical"
    elif loss == "binary_crossentropy" and (low < 0 or high > 1):
        message = f"binary_crossentropy reads targets in 0..1, but y spans {low:g}..{high:g}"
        fix = "scale the targets into 0..1, or use a loss that fits them"
    if message is None:
        return []
    return [Pathology(Code.LOSS_MISMATCH, Severity.ERROR, message, fix, certain=True)]
