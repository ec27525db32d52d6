"""Diagnosis rules, without training: static rules on hand-made geometries,
dynamic rules on synthetic predictions."""

import numpy as np
import pytest
from geometries import GRU, HEALTHY, LSTM, STATEFUL_LSTM, LayerInfo, dense, seq

from pytest_rnncheck.diagnosis import (
    diagnose_constant_output,
    diagnose_control,
    diagnose_non_finite,
    diagnose_static,
    measure_spread,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec

SIMPLE_RNN2 = LayerInfo("SimpleRNN", "tanh", True, units=2)
PROBES = [make_spec("echo"), make_spec("lag", 1), make_spec("lag", 3), make_spec("invert", 1)]


def static(spec, geometry):
    return diagnose_static(spec, plan_probe(spec, geometry), geometry)


def codes(spec, geometry):
    return [p.code for p in static(spec, geometry)]


@pytest.mark.parametrize("name", sorted(HEALTHY))
@pytest.mark.parametrize("spec", PROBES, ids=lambda s: s.name)
def test_no_static_rule_fires_on_a_healthy_model(name, spec):
    assert static(spec, HEALTHY[name]) == []


@pytest.mark.parametrize(
    "spec, geometry, words",
    [
        # seed 001: the GRU's 16-unit state is the output for one bit
        (make_spec("invert", 1), seq("gru_state", 1, 1, GRU, rank=3, batch=1), "width is 16"),
        # seed 000: SimpleRNN(2) for a scalar target
        (make_spec("lag", 2, vocab=100, encoding="raw"), seq("rnn2", 1, 1, SIMPLE_RNN2), "width is 2"),
        (make_spec("lag", 1), seq("conv_shrinks", 8, 100, LSTM, dense(100)).__class__(
            **{**seq("x", 8, 100, LSTM, dense(100), rank=3).__dict__, "output_timesteps": 6}), "6 steps"),
    ],
)
def test_output_shape_fires_and_says_what_width_was_expected(spec, geometry, words):
    found = [p for p in static(spec, geometry) if p.code == "output-shape"]
    assert found and found[0].certain and words in found[0].message
    assert "read-out" in found[0].fix


def test_activation_range_tanh_cannot_reach_raw_integers():
    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    found = [p for p in static(spec, seq("tanh_head", 4, 1, LSTM, dense(1, "tanh"))) if p.code == "activation-range"]
    assert found[0].certain
    assert "tanh output spans (-1, 1); targets span 0..99" in found[0].message
    assert "only 2 of 100" in found[0].message


def test_activation_range_covers_a_recurrent_layer_used_as_output():
    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    found = [p for p in static(spec, seq("rnn2", 4, 1, SIMPLE_RNN2)) if p.code == "activation-range"]
    assert found and "SimpleRNN" in found[0].message and "read-out layer" in found[0].fix


def test_activation_range_sigmoid_and_relu():
    spec = make_spec("echo", vocab=10, encoding="raw")
    assert "activation-range" in codes(spec, seq("sig", 4, 1, LSTM, dense(1, "sigmoid")))
    assert "activation-range" not in codes(spec, seq("relu", 4, 1, LSTM, dense(1, "relu")))
    assert "activation-range" not in codes(make_spec("echo", vocab=10, encoding="scaled"), seq("sig", 4, 1, LSTM, dense(1, "sigmoid")))


def test_softmax_over_one_unit_is_both_range_and_constant():
    for geometry in (seq("a", 4, 1, LSTM, dense(1, "softmax")), seq("b", 8, 1, GRU, dense(1, "softmax"), rank=3)):
        found = static(make_spec("invert", 1), geometry)
        assert {"activation-range", "constant-output"} <= {p.code for p in found}
        assert all(p.certain for p in found)


def test_missing_context_window_shorter_than_the_lag():
    for geometry, spec in [
        (seq("one_step", 1, 100, LSTM, dense(100)), make_spec("lag", 1)),
        (seq("three_steps", 3, 100, LSTM, dense(100), rank=3), make_spec("lag", 3)),
    ]:
        found = [p for p in static(spec, geometry) if p.code == "missing-context"]
        assert found and found[0].certain and "sliding_window_view" in found[0].fix


def test_missing_context_stateful_one_step_is_an_error_but_still_trained():
    geometry = seq("stateful", 1, 100, STATEFUL_LSTM, dense(100), batch=5)
    found = static(make_spec("lag", 1), geometry)
    assert [p.code for p in found] == ["missing-context"]
    assert not found[0].certain and "gradients stop at every batch boundary" in found[0].message


def test_missing_context_when_no_layer_mixes_time():
    for layers in [(dense(32, "relu"), dense(100)), (LayerInfo("Conv1D", "relu", False, units=8), dense(100))]:
        geometry = seq("local", 8, 100, *layers, rank=3)
        found = [p for p in static(make_spec("lag", 2), geometry) if p.code == "missing-context"]
        assert found and "no layer mixes information across time" in found[0].message
    # echo needs no past: no finding
    assert static(make_spec("echo"), seq("local", 8, 100, dense(100), rank=3)) == []


def test_unknown_layers_are_not_accused():
    geometry = seq("custom", 8, 100, LayerInfo("MyMixer", None, None), dense(100), rank=3)
    assert static(make_spec("lag", 2), geometry) == []


def test_all_static_rules_run_and_the_surest_comes_first():
    # seed 000 as asked: SimpleRNN(2), raw integers, one step each, lag 2
    found = static(make_spec("lag", 2, vocab=100, encoding="raw"), seq("rnn2", 1, 1, SIMPLE_RNN2))
    assert [p.code for p in found] == ["output-shape", "activation-range", "missing-context"]


def spread_of(predicted, targets, values=None, target_values=None):
    scored = np.ones_like(targets, dtype=bool)
    acc = float(np.mean(predicted == targets))
    chance = float(np.bincount(targets.ravel()).max() / targets.size)
    return measure_spread(predicted, targets, scored, acc, chance, values, target_values)


def test_constant_output_fires_on_a_constant_classifier_and_a_flat_regressor():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 100, size=(500, 1))
    plan = plan_probe(make_spec("lag", 1), HEALTHY["lstm_onehot"])
    found = diagnose_constant_output(make_spec("lag", 1), plan, HEALTHY["lstm_onehot"], spread_of(np.full_like(targets, 7), targets))
    assert found and "predicts 1 distinct symbol of 100" in found[0].message

    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    geometry = seq("regressor", 4, 1, LSTM, dense(1, "linear"))
    values = 49.5 + rng.normal(0, 0.3, size=targets.shape)
    predicted = np.clip(np.rint(values), 0, 99).astype(int)
    found = diagnose_constant_output(spec, plan_probe(spec, geometry), geometry, spread_of(predicted, targets, values, targets.astype(float)))
    assert found and "prediction spread" in found[0].message and "one-hot" in found[0].fix


def test_constant_output_stays_quiet_on_varied_predictions():
    rng = np.random.default_rng(1)
    targets = rng.integers(0, 100, size=(500, 1))
    predicted = np.where(rng.random(targets.shape) < 0.5, targets, rng.integers(0, 100, size=targets.shape))
    plan = plan_probe(make_spec("lag", 1), HEALTHY["lstm_onehot"])
    assert diagnose_constant_output(make_spec("lag", 1), plan, HEALTHY["lstm_onehot"], spread_of(predicted, targets)) == []


def test_control_run_tells_memory_from_mapping():
    lag = make_spec("lag", 2)
    wide = plan_probe(lag, HEALTHY["lstm_onehot"])
    found = diagnose_control(lag, wide, 0.99, True, 0.05)
    assert found[0].code == "missing-context" and "echo the present but not the past" in found[0].message
    assert "already holds 8 steps" in found[0].fix
    narrow = plan_probe(lag, seq("two_steps", 2, 100, LSTM, dense(100)))
    assert "feed at least 3 timesteps" in diagnose_control(lag, narrow, 0.99, True, 0.05)[0].fix
    assert diagnose_control(lag, wide, 0.02, False, 0.05) == []


def test_non_finite_loss_names_the_point_and_a_fix():
    plan = plan_probe(make_spec("lag", 1, vocab=100, encoding="raw"), seq("m", 4, 1, LSTM, dense(1, "linear")))
    found = diagnose_non_finite(plan, float("nan"), 4096)
    assert "nan after 4096" in found[0].message and "clipnorm" in found[0].fix and "scaled" in found[0].fix
