"""What the training callback saw of the user's own ``fit``. Pure numpy: the callback (watch.py)
hands each epoch's loss and held-out predictions here; the findings only that shows are the
``epochs`` phase's rules (diagnosis/non_finite.py, diagnosis/constant_output.py).

Per epoch, on the held-out slice the user gave: for class targets (one-hot rows, or integer
labels read by a softmax wider than one unit) the accuracy and how many distinct classes the
model predicts; for values, the spread of the predictions against the targets' spread, their
squared error against always predicting the targets' mean, and the range they cover.

A collapse is *certain* when it is measured, never guessed: a loss that is not finite, or an
output that stayed constant (one class, or a spread under a tenth of the targets' with no gain
over the mean) for ``patience`` epochs in a row. A constant stretch that later ends is not a
finding; the finding reports the epochs it lasted, and the numbers of the last look.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .diagnosis.pathology import Pathology
from .diagnosis.ranges import activation_range, describe

#: A value output is flat when its spread is under this share of the targets' spread ...
FLAT_SPREAD = 0.1
#: ... and its squared error is at least this share of always predicting the targets' mean.
NO_GAIN = 0.9
#: Epochs in a row an output must stay constant before it is a finding.
PATIENCE = 3


@dataclasses.dataclass(frozen=True)
class Targets:
    """The held-out slice's targets, read once: class labels, or values."""

    labels: np.ndarray | None  # int labels (classes), else None
    values: np.ndarray | None  # float targets (values), else None

    @classmethod
    def read(cls, y: np.ndarray, output_width: int | None, output_rank: int | None = None) -> Targets:
        """Class labels from one-hot rows, or from integer ids a softmax wider than one unit reads
        (one id per sample, or per step of a per-step output); values otherwise."""
        y = np.asarray(y)
        onehot = y.ndim >= 2 and y.shape[-1] > 1 and np.isin(y, (0, 1)).all() and np.all(y.sum(-1) == 1)
        if onehot:
            return cls(labels=y.argmax(-1).astype(int), values=None)
        integral = np.issubdtype(y.dtype, np.integer) or bool(np.all(np.mod(y, 1) == 0))
        squeezed = y[..., 0] if y.ndim >= 2 and y.shape[-1] == 1 else y
        ids = squeezed.ndim == 1 or (squeezed.ndim == 2 and output_rank == 3)  # no axis of units left
        if (
            integral
            and ids
            and (output_width or 0) > 1
            and squeezed.min() >= 0
            and squeezed.max() < (output_width or 0)
        ):
            return cls(labels=squeezed.astype(int), values=None)
        return cls(labels=None, values=y.astype("float64"))

    @property
    def classes(self) -> bool:
        return self.labels is not None

    @property
    def distinct(self) -> int:
        return int(np.unique(self.labels if self.classes else self.values).size)

    @property
    def majority(self) -> float:
        """Share of the most common label (always predicting it scores this)."""
        if not self.classes:
            return 0.0
        return float(np.bincount(self.labels.ravel()).max() / self.labels.size)


@dataclasses.dataclass(frozen=True)
class Epoch:
    """One epoch as the callback saw it (numbers measured on the held-out slice)."""

    epoch: int  # 1-based, counted across fit calls
    loss: float | None
    accuracy: float | None = None  # classes
    distinct: int | None = None  # classes predicted
    spread: float | None = None  # values: std of the predictions
    target_spread: float | None = None
    error: float | None = None  # values: mean squared error
    mean_error: float | None = None  # ... of predicting the targets' mean
    low: float | None = None  # values: the range the predictions cover
    high: float | None = None

    @property
    def constant(self) -> bool:
        if self.distinct is not None:
            return self.distinct <= 1
        if self.spread is None or not self.target_spread:
            return False
        return self.spread < FLAT_SPREAD * self.target_spread and (self.error or 0) >= NO_GAIN * (self.mean_error or 0)

    def to_dict(self) -> dict:
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in dataclasses.asdict(self).items()
        }


def look(epoch: int, loss: float | None, raw: np.ndarray | None, targets: Targets | None) -> Epoch:
    """Measure one epoch: ``raw`` is the model's output on the held-out inputs."""
    if raw is None or targets is None:
        return Epoch(epoch, loss)
    raw = np.asarray(raw, dtype="float64")
    if targets.classes:
        predicted = raw.argmax(-1) if raw.shape[-1] > 1 else np.rint(raw[..., 0]).astype(int)
        predicted = predicted.reshape(targets.labels.shape) if predicted.size == targets.labels.size else predicted
        accuracy = float(np.mean(predicted == targets.labels)) if predicted.shape == targets.labels.shape else None
        return Epoch(epoch, loss, accuracy=accuracy, distinct=int(np.unique(predicted).size))
    values = targets.values
    out = raw.reshape(values.shape) if raw.size == values.size else raw
    if out.shape != values.shape:  # Keras broadcasts; the static rules name the shape error
        return Epoch(epoch, loss, spread=float(out.std()), low=float(out.min()), high=float(out.max()))
    return Epoch(
        epoch,
        loss,
        spread=float(out.std()),
        target_spread=float(values.std()),
        error=float(np.mean((out - values) ** 2)),
        mean_error=float(np.mean((values - values.mean()) ** 2)),
        low=float(out.min()),
        high=float(out.max()),
    )


def range_evidence(
    finding: Pathology, last: Epoch | None, targets: Targets | None, activation: str | None
) -> Pathology:
    """An ``activation-range`` finding with what training showed: the outputs pinned inside the
    activation's span while the targets lie beyond it."""
    span = activation_range(activation)
    if finding.code != "activation-range" or last is None or last.low is None or targets is None or targets.classes:
        return finding
    if span is None or (math.isinf(span[0]) and math.isinf(span[1])):
        return finding
    values = targets.values
    beyond = float(np.mean((values > max(last.high, span[1])) | (values < min(last.low, span[0]))))
    measured = (
        f"; measured at epoch {last.epoch}: the outputs on the held-out slice span {last.low:.3g}..{last.high:.3g} "
        f"(the activation allows {describe(span)}) and {beyond:.0%} of its targets lie beyond them"
    )
    return dataclasses.replace(finding, message=finding.message + measured)
