"""Shared helpers of the rule tests: the static rules on a hand-made geometry, reach maps, compiled
geometries, flight records, and the data rules on the user's arrays."""

import numpy as np
from geometries import LayerInfo, dense, seq

from pytest_rnncheck.diagnosis import (
    Evidence,
    diagnose_static,
    run,
)
from pytest_rnncheck.geometry import Geometry
from pytest_rnncheck.plan import plan_probe

SIMPLE_RNN2 = LayerInfo("SimpleRNN", "tanh", True, units=2)


def static(spec, geometry):
    return diagnose_static(spec, plan_probe(spec, geometry), geometry)


def codes(spec, geometry):
    return [p.code for p in static(spec, geometry)]


def banded(timesteps, back, ahead=0):
    """A ReachMap where output t depends on x[t-back..t+ahead]."""
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(timesteps)
    depends = (t[None, :] <= t[:, None] + ahead) & (t[None, :] >= t[:, None] - back)
    return ReachMap(depends, depends.astype(float), t, 2)


CONV = LayerInfo("Conv1D", "linear", True, units=16, padding="causal")


PER_STEP = seq("conv", 12, 10, CONV, dense(10), rank=3)


def compiled(geometry, loss, logits=None, rate=0.01):
    import dataclasses

    return dataclasses.replace(geometry, compiled=True, loss=loss, loss_from_logits=logits, learning_rate=rate)


RNG = np.random.default_rng(0)


SERIES = RNG.integers(0, 100, 2000)


QUESTION_X, QUESTION_Y = SERIES[2:].reshape(-1, 1, 1), SERIES[:-2]  # y_t = x_{t-2}, one step per sample


def data_geometry(**fields):
    base = dict(
        name="m",
        input_rank=3,
        timesteps=1,
        features=1,
        output_rank=2,
        output_width=2,
        output_activation="tanh",
        output_layer="SimpleRNN",
        loss="mse",
        compiled=True,
    )
    return Geometry(**{**base, **fields})


def data_findings(summary, geometry, plan):
    """The rules of phase ``data`` on the user's arrays (what user_data.data_findings returned)."""
    from pytest_rnncheck.data_diagnosis import DataSpec

    return run("data", Evidence(spec=DataSpec(kind="echo", n=0), plan=plan, geometry=geometry, summary=summary))
