"""Output ranges of activation functions, for the activation-range rule."""

from __future__ import annotations

import math

INF = math.inf

#: name -> (low, high); both ends open unless the function reaches them.
RANGES: dict[str, tuple[float, float]] = {
    "linear": (-INF, INF),
    "identity": (-INF, INF),
    "none": (-INF, INF),
    "leaky_relu": (-INF, INF),
    "tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
    "hard_tanh": (-1.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "hard_silu": (-0.375, INF),
    "softmax": (0.0, 1.0),
    "relu": (0.0, INF),
    "relu6": (0.0, 6.0),
    "softplus": (0.0, INF),
    "exponential": (0.0, INF),
    "elu": (-1.0, INF),
    "selu": (-1.7581, INF),
    "gelu": (-0.17, INF),
    "silu": (-0.279, INF),
    "swish": (-0.279, INF),
    "mish": (-0.309, INF),
    "log_softmax": (-INF, 0.0),
}


def activation_range(name: str | None) -> tuple[float, float] | None:
    if name is None:
        return None
    return RANGES.get(name.lower())


def describe(span: tuple[float, float]) -> str:
    def show(v: float) -> str:
        return "inf" if v == INF else "-inf" if v == -INF else f"{v:g}"

    return f"({show(span[0])}, {show(span[1])})"
