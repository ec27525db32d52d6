"""Tests of diagnosis/activation_range.py. ``activation-range``: the output activation against the
probe's targets (static) and the values the user's y asks for (data)."""

import numpy as np
import pytest
from geometries import LSTM, LayerInfo, dense, seq
from rule_helpers import RNG, SIMPLE_RNN2, codes, data_findings, data_geometry, static

from pytest_rnncheck.spec import make_spec
from pytest_rnncheck.user_data import describe_as_plan, summarize


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
    assert "activation-range" not in codes(
        make_spec("echo", vocab=10, encoding="scaled"), seq("sig", 4, 1, LSTM, dense(1, "sigmoid"))
    )


def test_a_fix_that_names_a_probe_option_names_one_the_probe_accepts_for_this_model():
    sigmoid = dense(1, "sigmoid")
    embedded = seq("imdb", 8, None, LSTM, sigmoid, integer=True, vocab=50)
    spec = make_spec("lag", 2, vocab=10)
    (found,) = [p for p in static(spec, embedded) if p.code == "activation-range"]
    assert "vocab=2" in found.fix and "encoding='scaled'" not in found.fix  # scaled is refused for an Embedding
    raw = seq("raw", 8, 1, LSTM, dense(1, "tanh"))
    spec = make_spec("lag", 2, vocab=10, encoding="raw")
    (found,) = [p for p in static(spec, raw) if p.code == "activation-range"]
    assert "encoding='scaled'" in found.fix


def test_a_softmax_over_one_unit_explains_why_and_the_widths_to_use():
    found = {
        p.code: p
        for p in static(make_spec("lag", 1, vocab=10, encoding="scaled"), seq("a", 4, 1, LSTM, dense(1, "softmax")))
    }
    assert found["activation-range"].message == "softmax over a single unit always outputs 1.0, whatever the input"
    assert found["activation-range"].fix == (
        "use sigmoid or no activation for a one-unit output, or softmax over 10 units (one per symbol)"
    )
    assert list(found) == ["activation-range"]  # the constant output it implies is not a second cause
    assert all(p.severity == "error" and p.certain for p in found.values())


def range_finding(spec, geometry):
    (found,) = [p for p in static(spec, geometry) if p.code == "activation-range"]
    assert found.severity == "error"
    return found


def test_activation_range_offers_only_probe_options_under_which_the_targets_fit():
    raw = make_spec("lag", 1, vocab=10, encoding="raw")
    found = range_finding(raw, seq("m", 8, 1, LSTM, dense(1, "sigmoid")))
    assert found.message == (
        "sigmoid output spans (0, 1); targets span 0..9 (raw encoding of 10 symbols): only 2 of 10 target values "
        "can be produced, so accuracy can be at most 0.20"
    )
    assert found.fix == (
        "to probe the model as it is, set encoding='scaled' or vocab=2 on the probe; or use a read-out that can reach "
        "the targets: Dense(1) with no activation, or Dense(10, activation='softmax') with one-hot or Embedding inputs"
    )
    two = make_spec("lag", 1, vocab=2, encoding="raw")  # already vocab=2, and scaled bits cannot reach 1 either
    found = range_finding(two, seq("m", 8, 1, LSTM, dense(1, "log_softmax")))
    assert found.fix == (
        "use a read-out that can reach the targets: Dense(1) with no activation, or Dense(2, activation='softmax') "
        "with one-hot or Embedding inputs"
    )
    scaled = make_spec("lag", 1, vocab=10, encoding="scaled")
    found = range_finding(scaled, seq("m", 8, 1, LSTM, dense(1, "log_softmax")))
    assert "targets span 0..1 (scaled encoding of 10 symbols): only 1 of 10 target values" in found.message


def test_a_ceiling_exactly_at_the_threshold_is_not_proven_impossible():
    exact = make_spec("lag", 2, vocab=100, encoding="raw", min_accuracy=0.02)  # tanh reaches 2 of 100 symbols
    assert not range_finding(exact, seq("m", 4, 1, LSTM, dense(1, "tanh"))).certain
    assert range_finding(
        make_spec("lag", 2, vocab=100, encoding="raw", min_accuracy=0.03), seq("m", 4, 1, LSTM, dense(1, "tanh"))
    ).certain


def test_a_bidirectional_state_as_output_is_named_with_its_read_out_fix():
    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    found = range_finding(spec, seq("m", 4, 1, LayerInfo("Bidirectional(LSTM)", "tanh", True, units=1)))
    assert found.message.startswith("tanh output of Bidirectional(LSTM) spans (-1, 1); targets span 0..99")
    assert found.fix.startswith("add a read-out layer after Bidirectional(LSTM) (its tanh state is bounded); ")


def test_bit_outputs_are_not_range_checked_as_scalars():
    bits = seq("m", 8, 3, LSTM, dense(3, "sigmoid"))
    assert static(make_spec("lag", 1, vocab=8, encoding="binary"), bits) == []


@pytest.mark.parametrize(
    "activation, loss, y, shown",
    [
        ("softmax", "mse", np.linspace(-27, 27, 40), "the softmax output of Dense spans (0, 1), but y spans -27..27"),
        ("sigmoid", "mae", np.linspace(0, 3, 40), "the sigmoid output of Dense spans (0, 1), but y spans 0..3"),
        ("tanh", None, np.linspace(-2.5, 0.5, 40), "the tanh output of Dense spans (-1, 1), but y spans -2.5..0.5"),
        ("relu", "mse", np.linspace(-1, 1, 40), "the relu output of Dense spans (0, inf), but y spans -1..1"),
    ],
)
def test_values_to_regress_outside_what_the_output_activation_produces_are_an_activation_range_error(
    activation, loss, y, shown
):
    s = summarize(RNG.normal(size=(40, 16, 1)), y)
    g = data_geometry(
        timesteps=16,
        output_width=2 if activation == "softmax" else 1,
        output_activation=activation,
        output_layer="Dense",
        loss=loss,
        compiled=loss is not None,
    )
    (found,) = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "activation-range"]
    assert found.message.startswith(shown) and found.certain and "activation=None" in found.fix


def test_targets_inside_the_output_range_or_class_ids_for_a_classifier_are_no_range_finding():
    x = RNG.normal(size=(40, 16, 1))
    inside = summarize(x, np.linspace(0.05, 0.95, 40))
    sigmoid = data_geometry(timesteps=16, output_width=1, output_activation="sigmoid", output_layer="Dense")
    assert not [
        p for p in data_findings(inside, sigmoid, describe_as_plan(inside, sigmoid)) if p.code == "activation-range"
    ]
    ids = summarize(x, np.arange(40) % 4)
    classifier = data_geometry(
        timesteps=16,
        output_width=4,
        output_activation="softmax",
        output_layer="Dense",
        loss="sparse_categorical_crossentropy",
    )
    assert not [
        p for p in data_findings(ids, classifier, describe_as_plan(ids, classifier)) if p.code == "activation-range"
    ]
