"""The flight recorder of one training run: what the rules cite as evidence. Pure numpy.

At every look at the monitoring set the trainer hands over the sequences seen, the
monitor accuracy, the mean training loss since the last look, how many distinct
symbols the model predicted, and each layer's weights. The recorder keeps the
curve and, per layer, the relative size of the update since the previous look,
``||W_now - W_before|| / ||W_before||``: zero for a frozen layer, about the
learning rate's order for a healthy one, tiny when the rate is far too small.
Weights are compared as numpy arrays, so it works the same on every backend.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np


@dataclasses.dataclass(frozen=True)
class Look:
    sequences: int
    accuracy: float
    loss: float
    distinct: int  # distinct symbols predicted on the monitoring set
    updates: dict[str, float]  # layer name -> relative update since the previous look


@dataclasses.dataclass
class LayerRecord:
    name: str
    kind: str
    trainable: bool
    weights: int


class FlightRecorder:
    def __init__(self, layers: list[LayerRecord]):
        self.layers = layers
        self.looks: list[Look] = []
        self._last: dict[str, np.ndarray] = {}

    def start(self, weights: dict[str, np.ndarray]) -> None:
        """The weights before the first update."""
        self._last = {name: w.astype("float64") for name, w in weights.items()}

    def look(self, sequences: int, accuracy: float, loss: float, distinct: int, weights: dict[str, np.ndarray]) -> None:
        updates = {}
        for name, now in weights.items():
            before = self._last.get(name)
            now = now.astype("float64")
            if before is not None and before.shape == now.shape:
                scale = float(np.linalg.norm(before))
                change = float(np.linalg.norm(now - before))
                updates[name] = change / scale if scale > 0 else (0.0 if change == 0 else math.inf)
            self._last[name] = now
        self.looks.append(Look(sequences, accuracy, loss, distinct, updates))

    # -- what the rules read ---------------------------------------------------
    @property
    def curve(self) -> list[tuple[int, float, float]]:
        return [(look.sequences, look.accuracy, look.loss) for look in self.looks]

    def median_update(self, name: str) -> float | None:
        values = [look.updates[name] for look in self.looks if name in look.updates]
        return float(np.median(values)) if values else None

    def median_update_of_trainable(self) -> float | None:
        values = [self.median_update(layer.name) for layer in self.layers if layer.trainable and layer.weights]
        values = [v for v in values if v is not None]
        return float(np.median(values)) if values else None

    def loss_trend(self) -> tuple[float, float, float] | None:
        """(first look's loss, lowest loss, last look's loss)."""
        losses = [look.loss for look in self.looks if math.isfinite(look.loss)]
        if len(losses) < 2:
            return None
        return losses[0], min(losses), losses[-1]

    def summary(self) -> dict:
        """JSON-ready: the curve and each layer's median update."""
        return {
            "curve": [
                {
                    "sequences": lk.sequences,
                    "accuracy": round(lk.accuracy, 4),
                    "loss": _finite(lk.loss),
                    "distinct": lk.distinct,
                }
                for lk in self.looks
            ],
            "layers": [
                {
                    "name": layer.name,
                    "kind": layer.kind,
                    "trainable": layer.trainable,
                    "weights": layer.weights,
                    "update_ratio": _finite(self.median_update(layer.name)),
                }
                for layer in self.layers
                if layer.weights
            ],
        }


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.4g}")
