"""Tests of diagnosis/position_blind.py. ``position-blind``: outputs that do not move when the input
steps are reordered (measured)."""

import numpy as np
from geometries import LayerInfo, dense, seq
from rule_helpers import banded

from pytest_rnncheck.diagnosis import (
    diagnose_static,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def test_an_order_blind_model_is_position_blind_not_short_of_capacity():
    import dataclasses

    spec = make_spec("lag", 2)
    pooled = seq("pooled", 10, 6, LayerInfo("MultiHeadAttention", None, True), dense(6))
    reach = dataclasses.replace(banded(10, 9), output_steps=np.arange(10), order_blind=True)
    (found,) = diagnose_static(spec, plan_probe(spec, pooled), pooled, reach)
    assert found.code == "position-blind" and found.certain
    assert "another order" in found.message and "position embedding" in found.fix
    assert diagnose_static(make_spec("echo"), plan_probe(make_spec("echo"), pooled), pooled, reach) == []


def test_position_blind_says_what_an_unordered_bag_allows_and_how_to_add_positions():
    import dataclasses

    from pytest_rnncheck.reach import order_blind_ceiling

    pooled = seq("pooled", 10, 6, LayerInfo("MultiHeadAttention", None, True), dense(6))
    blind = dataclasses.replace(banded(10, 9), order_blind=True)
    spec = make_spec("lag", 2)
    ceiling = order_blind_ceiling(2, 6, 10, np.random.default_rng(0))
    (found,) = diagnose_static(spec, plan_probe(spec, pooled), pooled, blind)
    assert (found.code, found.severity, found.certain) == ("position-blind", "error", True)
    assert found.message == (
        "the outputs do not change when the 10 input steps are put in another order (measured on 2 fresh "
        "initialisation(s)): the model sees the window as an unordered bag of symbols, so it cannot tell which one "
        f"was x[t-2]; the best it can do is name the most frequent symbol, about {ceiling:.2f} accuracy"
    )
    assert found.fix == (
        "give it positional information: add a position embedding to the inputs (x + Embedding(timesteps, d)"
        "(keras.ops.arange(timesteps))), or put a recurrent layer or a causal Conv1D (kernel_size > 1) before the "
        "attention or pooling"
    )
    at_ceiling = make_spec("lag", 2, min_accuracy=ceiling)
    (found,) = diagnose_static(at_ceiling, plan_probe(at_ceiling, pooled), pooled, blind)
    assert not found.certain  # a ceiling equal to the threshold could still pass
    bits = seq("bits", 10, 1, LayerInfo("MultiHeadAttention", None, True), dense(1, "sigmoid"))
    invert = make_spec("invert", 2)
    (found,) = diagnose_static(invert, plan_probe(invert, bits), bits, blind)
    assert f"about {order_blind_ceiling(2, 2, 10, np.random.default_rng(0)):.2f} accuracy" in found.message
    # a field no longer than the lag is missing-context's case, not this rule's
    short = dataclasses.replace(banded(10, 1), order_blind=True)
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, pooled), pooled, short)] == ["missing-context"]
