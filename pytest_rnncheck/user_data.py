"""The user's own training arrays: checked, summarised and described as a probe plan. Pure
numpy; no Keras here (``data_diagnosis.py`` is the glue).

The data are described in the probes' own terms (an encoding, a vocabulary, a window, an
output form), so the same static rules that explain a failed probe read the user's data
too, with the same codes and wording. The findings only the data can show are the rules of
the ``data`` phase in ``diagnosis/`` (``diagnosis.run("data", evidence)``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .errors import RnnCheckError
from .geometry import Geometry
from .plan import ProbePlan, read_output


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
        raise DataError(
            f"y has shape {y.shape}: give one target per sample (samples,) / (samples, width) "
            f"or per step (samples, timesteps, width)"
        )
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
            f"{name} holds {int(bad.sum())} NaN or infinite value(s) "
            f"(first at index {tuple(int(i) for i in np.argwhere(bad)[0])}): "
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

