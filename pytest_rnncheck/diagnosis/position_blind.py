"""``position-blind``: the model cannot tell which step came when (measured).

Reordering the input steps of a fresh copy leaves its outputs exactly as they
were (a per-step output reordered alike): global pooling, attention without
positional information, kernel-1 convolutions. Such a model sees a bag of
symbols, so it cannot pick out x[t-n]; no capacity or training helps.
"""

from __future__ import annotations

import numpy as np

from ..reach import order_blind_ceiling
from .codes import Code, Severity
from .consequences import reach_silenced
from .evidence import Evidence
from .pathology import Pathology


def order_blind(evidence: Evidence) -> list[Pathology]:
    """Reach: the outputs do not move when the input steps are put in another order."""
    spec, plan, reach = evidence.spec, evidence.plan, evidence.reach
    if reach_silenced(evidence):
        return []
    if reach is None or not reach.order_blind or spec.lag == 0 or plan.timesteps <= spec.n:
        return []
    if reach.receptive_field() <= spec.n:
        return []  # each output sees too few steps at all: missing-context says so
    symbols = 2 if spec.binary else plan.vocab
    ceiling = order_blind_ceiling(spec.n, symbols, plan.timesteps, np.random.default_rng(0))
    return [
        Pathology(
            Code.POSITION_BLIND,
            Severity.ERROR,
            f"the outputs do not change when the {plan.timesteps} input steps are put in another order (measured "
            f"on {reach.initialisations} fresh initialisation(s)): the model sees the window as an unordered bag "
            f"of symbols, so it cannot tell which one was x[t-{spec.n}]; the best it can do is name the most "
            f"frequent symbol, about {ceiling:.2f} accuracy",
            "give it positional information: add a position embedding to the inputs "
            "(x + Embedding(timesteps, d)(keras.ops.arange(timesteps))), or put a recurrent layer or a causal "
            "Conv1D (kernel_size > 1) before the attention or pooling",
            certain=ceiling < spec.min_accuracy,
        )
    ]
