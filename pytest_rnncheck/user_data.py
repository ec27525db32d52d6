"""The user's own training arrays: checked, summarised, described as a probe plan, and the
findings only the data can show. Pure numpy; no Keras here (``diagnose.py`` is the glue).

The data are described in the probes' own terms (an encoding, a vocabulary, a window, an
output form), so the same static rules that explain a failed probe read the user's data
too, with the same codes and wording.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .diagnosis.loss_fit import canonical
from .diagnosis.pathology import ERROR, WARNING, Pathology
from .diagnosis.ranges import activation_range, describe
from .errors import RnnCheckError
from .geometry import Geometry
from .plan import ProbePlan, read_output

#: Share of the most common label from which accuracy says little on its own: at least this,
#: and this many times the share of a label when all are equally common.
IMBALANCED = 0.5
IMBALANCE_FACTOR = 1.5
#: Regression losses, written without underscores (``mse``, ``MeanSquaredError`` ...).
REGRESSION_LOSSES = ("mse", "meansquarederror", "mae", "meanabsoluteerror", "huber", "logcosh")


class DataError(RnnCheckError):
    """The arrays handed to ``diagnose`` cannot be read; the message says what to change."""


@dataclasses.dataclass(frozen=True)
class DataSummary:
    samples: int
    timesteps: int
    features: int | None  # None: integer tokens shaped (samples, timesteps)
    x_integer: bool
    x_distinct: int
    x_range: tuple[float, float]
    y_integer: bool
    y_distinct: int
    y_range: tuple[float, float]
    y_per_step: bool  # one target per step (y shaped like the window)
    y_width: int  # last axis of y (1 for labels)
    x_onehot: bool
    y_onehot: bool
    majority: float  # share of the most common label (integer targets), else 0
    y_copies_x: bool  # every target value is one of the input values (symbols, not magnitudes)


def summarize(x: Any, y: Any) -> DataSummary:
    """Check and summarise the arrays; raise DataError naming what is wrong and what to do."""
    x, y = _array("x", x), _array("y", y)
    if x.ndim not in (2, 3):
        raise DataError(
            f"x has shape {x.shape}: give samples of sequences, (samples, timesteps, features), or integer tokens "
            f"(samples, timesteps); a single series of shape (N,) is x.reshape(N, 1, 1) (one step per sample) "
            f"or, better, windows from numpy.lib.stride_tricks.sliding_window_view"
        )
    if len(x) != len(y):
        raise DataError(f"x has {len(x)} samples but y has {len(y)}: they must pair up one to one")
    if len(x) < 2:
        raise DataError(f"x has {len(x)} sample(s): diagnose needs at least 2 to say anything")
    if y.ndim > 3:
        raise DataError(f"y has shape {y.shape}: give one target per sample (samples,) / (samples, width) or per step (samples, timesteps, width)")
    timesteps = x.shape[1]
    features = x.shape[2] if x.ndim == 3 else None
    # per step: (samples, timesteps, width), or token ids shaped like token inputs
    y_per_step = y.ndim == 3 or (y.ndim == 2 and x.ndim == 2 and y.shape == x.shape and timesteps > 1)
    y_width = y.shape[-1] if y.ndim == 3 or (y.ndim == 2 and not y_per_step) else 1
    x_onehot = features is not None and features > 1 and _onehot(x)
    y_onehot = y_width > 1 and _onehot(y)
    labels = y.argmax(-1) if y_onehot else y
    y_integer = _integral(labels)
    majority = 0.0
    if y_integer and labels.size:
        _, counts = np.unique(labels, return_counts=True)
        majority = float(counts.max() / labels.size)
    x_values = x.argmax(-1) if x_onehot else x
    return DataSummary(
        samples=len(x),
        timesteps=timesteps,
        features=features,
        x_integer=_integral(x_values),
        x_distinct=int(np.unique(x_values).size),
        x_range=(float(x_values.min()), float(x_values.max())),
        y_integer=y_integer,
        y_distinct=int(np.unique(labels).size),
        y_range=(float(labels.min()), float(labels.max())),
        y_per_step=y_per_step,
        y_width=y_width,
        x_onehot=x_onehot,
        y_onehot=y_onehot,
        majority=majority,
        y_copies_x=bool(_integral(labels) and np.isin(np.unique(labels), np.unique(x_values)).all()),
    )


def _array(name: str, value: Any) -> np.ndarray:
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise DataError(f"{name} cannot be read as an array ({exc}); give a numpy array of numbers") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise DataError(f"{name} holds {array.dtype} values: give numbers (pad ragged sequences to one length)")
    if array.ndim == 0 or array.size == 0:
        raise DataError(f"{name} is empty or a single number (shape {array.shape}): give one entry per sample")
    array = array.astype(np.float64) if array.dtype == bool else array
    bad = ~np.isfinite(array)
    if bad.any():
        raise DataError(
            f"{name} holds {int(bad.sum())} NaN or infinite value(s) (first at index {tuple(int(i) for i in np.argwhere(bad)[0])}): "
            "drop or fill them before training; every loss turns NaN from the first one"
        )
    return array


def _integral(a: np.ndarray) -> bool:
    return bool(np.issubdtype(a.dtype, np.integer) or np.all(np.mod(a, 1) == 0))


def _onehot(a: np.ndarray) -> bool:
    return bool(np.isin(a, (0, 1)).all() and np.all(a.sum(-1) == 1))


def describe_as_plan(summary: DataSummary, geometry: Geometry) -> ProbePlan:
    """The data in a probe's terms: encoding, symbols, window and how the output reads them."""
    if summary.features is None or geometry.integer_input:
        encoding = "index"
    elif summary.x_onehot:
        encoding = "onehot"
    elif summary.features == 1 and summary.x_integer and summary.x_distinct > 2:
        encoding = "raw"
    elif summary.features == 1 and summary.x_integer:
        encoding = "binary"
    else:
        encoding = "continuous"
    if summary.y_integer and summary.y_range[0] >= 0:
        vocab = max(int(summary.y_range[1]) + 1, summary.y_width if summary.y_onehot else 2)
    else:
        vocab = summary.features or summary.y_distinct
    model_vocab = summary.features if encoding == "onehot" else vocab
    # the output is read for the targets: class ids (whatever the inputs are) or values
    classes = summary.y_integer and summary.y_range[0] >= 0
    read_as = ("index" if encoding == "continuous" else encoding) if classes else "continuous"
    many_to_many, form = read_output(geometry, read_as, vocab, model_vocab or vocab, summary.timesteps)
    return ProbePlan(
        encoding=encoding,
        vocab=vocab,
        timesteps=summary.timesteps,
        many_to_many=many_to_many,
        form=form,
        batch_size=geometry.batch_size,
        stateful=geometry.stateful,
        model_vocab=model_vocab or vocab,
    )


def data_findings(summary: DataSummary, geometry: Geometry, plan: ProbePlan) -> list[Pathology]:
    """What only the arrays show: integers fed as magnitudes, labels that make accuracy say
    little, targets the compiled loss cannot read."""
    return (
        _per_step(summary, geometry) + _output_range(summary, geometry) + _raw_integers(summary, geometry, plan)
        + _loss_targets(summary, geometry) + _imbalance(summary)
    )


def _output_range(summary: DataSummary, geometry: Geometry) -> list[Pathology]:
    """Values to regress outside what the output activation can produce (a softmax or sigmoid
    asked for audio samples, a tanh for prices): no weights reach them."""
    loss = canonical(geometry.loss).replace("_", "")
    regression = loss in REGRESSION_LOSSES or (not loss and not summary.y_integer)
    span = activation_range(geometry.output_activation)
    if not regression or span is None or summary.y_onehot:
        return []
    low, high = summary.y_range
    if span[0] <= low and high <= span[1]:
        return []
    name, layer = geometry.output_activation, geometry.output_layer or "the output layer"
    return [
        Pathology(
            "activation-range",
            ERROR,
            f"the {name} output of {layer} spans {describe(span)}, but y spans {low:g}..{high:g}: "
            f"the targets outside that range cannot be produced by any weights",
            f"use a linear output (activation=None) for values, or scale y into {describe(span)} and back",
            certain=True,
        )
    ]


def _raw_integers(summary: DataSummary, geometry: Geometry, plan: ProbePlan) -> list[Pathology]:
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
        parts.append(f"y holds the integers {t_low}..{t_high} ({summary.y_distinct} distinct) as values to regress, with {how}")
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
    return [Pathology("raw-integer", ERROR if symbols else WARNING, "; ".join(parts) + f": {why}", fix)]


def _loss_targets(summary: DataSummary, geometry: Geometry) -> list[Pathology]:
    loss = canonical(geometry.loss)
    width = geometry.output_width or 0
    low, high = summary.y_range
    message = fix = None
    if loss == "sparse_categorical_crossentropy":
        if summary.y_onehot:
            message = f"y is one-hot ({summary.y_width} columns) but the loss is sparse_categorical_crossentropy, which reads class ids"
            fix = "use categorical_crossentropy, or pass y.argmax(-1)"
        elif not summary.y_integer or low < 0:
            ids = f"class ids 0..{width - 1}" if width else "class ids"  # the output's width may be unknown
            message = f"y holds {'negative ' if low < 0 else 'non-integer '}values ({low:g}..{high:g}) but sparse_categorical_crossentropy reads {ids}"
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
    return [Pathology("loss-mismatch", ERROR, message, fix, certain=True)]


def _imbalance(summary: DataSummary) -> list[Pathology]:
    if not summary.y_integer or summary.y_distinct < 2:
        return []
    if summary.majority < max(IMBALANCED, IMBALANCE_FACTOR / summary.y_distinct):
        return []
    share = summary.majority
    return [
        Pathology(
            "label-imbalance",
            WARNING,
            f"the most common label is {share:.0%} of y ({summary.y_distinct} labels): always predicting it "
            f"scores {share:.2f} accuracy, so an accuracy near {share:.2f} shows nothing learned",
            "judge the model against that baseline (or by balanced accuracy / per-class recall), and consider "
            "class_weight= in fit or resampling",
        )
    ]


def _per_step(summary: DataSummary, geometry: Geometry) -> list[Pathology]:
    """y per step against one output per sequence, or the other way round: Keras broadcasts
    the one onto the other and trains without complaint."""
    if summary.y_per_step and geometry.output_rank == 2:
        message = (
            f"y has a target for each of the {summary.timesteps} steps but the model gives one output per "
            "sequence: Keras broadcasts that one output against every step's target and trains without complaint"
        )
        fix = "return_sequences=True on the last recurrent layer and a per-step head, or keep one target per sequence (y[:, -1])"
    elif not summary.y_per_step and geometry.output_rank == 3 and summary.timesteps > 1:
        message = (
            f"the model gives an output at each of its steps but y has one target per sequence: Keras broadcasts the "
            "target across the steps, so every step is trained to predict what only the last one can know"
        )
        fix = "return_sequences=False on the last recurrent layer (one output per sequence), or give y a target per step"
    else:
        return []
    return [Pathology("output-shape", ERROR, message, fix, certain=True)]
