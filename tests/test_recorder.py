"""The flight recorder (recorder.py): relative weight updates per look, the loss trend, its summary."""

import numpy as np
import pytest
from flight_records import recorded


def test_the_recorder_measures_relative_updates_and_the_loss_trend():
    record = recorded([0.01] * 4, [4.6, 4.5, 4.4, 4.3])
    assert record.median_update("lstm") == pytest.approx(0.01)
    assert record.loss_trend() == (4.6, 4.3, 4.3)
    summary = record.summary()
    assert [look["sequences"] for look in summary["curve"]] == [2048, 4096, 6144, 8192]
    assert summary["layers"][0] == {
        "name": "lstm",
        "kind": "LSTM",
        "trainable": True,
        "weights": 100,
        "update_ratio": 0.01,
    }


def test_the_recorder_compares_each_layer_with_its_previous_look():
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("a", "Dense", True, 4), LayerRecord("b", "Dense", True, 2)])
    record.start({"a": np.full(4, 2.0, dtype="float32"), "b": np.zeros(2)})
    record.look(10, 0.5, 1.0, 2, {"a": np.full(4, 2.2, dtype="float32"), "b": np.zeros(2)})
    # relative to the weights at the previous look, not at the start
    record.look(20, 0.6, 0.9, 2, {"a": np.full(4, 2.2, dtype="float32"), "b": np.ones(2)})
    record.look(30, 0.7, 0.8, 2, {"a": np.full(6, 1.0), "b": np.ones(2)})  # a's shape changed: no ratio
    first, second, third = (look.updates for look in record.looks)
    assert first["a"] == pytest.approx(0.1, rel=1e-6) and first["b"] == 0.0  # zero weights that stay zero
    assert second["a"] == 0.0 and second["b"] == float("inf")  # zero weights that move
    assert "a" not in third and third["b"] == 0.0
    assert record.curve == [(10, 0.5, 1.0), (20, 0.6, 0.9), (30, 0.7, 0.8)]
    assert record.looks[0].distinct == 2


def test_the_median_update_of_trainable_layers_leaves_frozen_and_weightless_ones_out():
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    layers = [
        LayerRecord("slow", "LSTM", True, 4),
        LayerRecord("fast", "Dense", True, 4),
        LayerRecord("faster", "Dense", True, 4),
        LayerRecord("frozen", "Dense", False, 4),
        LayerRecord("empty", "Dropout", True, 0),
        LayerRecord("unseen", "Dense", True, 4),  # never handed over: no ratio to count
    ]
    record = FlightRecorder(layers)
    assert record.median_update("slow") is None and record.median_update_of_trainable() is None
    names = ["slow", "fast", "faster", "frozen", "empty"]
    record.start({name: np.ones(4) for name in names})
    steps = {
        "slow": [0.01, 0.02, 0.5],
        "fast": [0.1] * 3,
        "faster": [0.3] * 3,
        "frozen": [100.0] * 3,
        "empty": [50.0] * 3,
    }
    weights = {name: np.ones(4) for name in names}
    for k in range(3):
        weights = {name: w * (1 + steps[name][k]) for name, w in weights.items()}
        record.look(k + 1, 0.1, 1.0, 1, weights)
    assert record.median_update("slow") == pytest.approx(0.02)
    assert record.median_update_of_trainable() == pytest.approx(0.1)  # of 0.02, 0.1 and 0.3


def test_the_loss_trend_skips_non_finite_losses_and_needs_two_looks():
    assert recorded([0.01] * 3, [float("nan"), 2.0, float("inf")]).loss_trend() is None
    assert recorded([0.01], [2.0]).loss_trend() is None
    assert recorded([0.01] * 2, [2.0, 1.5]).loss_trend() == (2.0, 1.5, 1.5)  # two looks make a trend
    assert recorded([0.01] * 4, [float("nan"), 3.0, 1.0, 2.0]).loss_trend() == (3.0, 1.0, 2.0)


def test_the_recorder_summary_rounds_and_drops_what_json_cannot_hold():
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("w", "Dense", True, 3), LayerRecord("none", "Flatten", True, 0)])
    record.start({"w": np.zeros(3)})
    record.look(64, 0.123456, float("nan"), 4, {"w": np.ones(3)})
    record.look(128, 0.5, 1.23456789, 5, {"w": np.full(3, 1.0123456)})
    summary = record.summary()
    assert summary["curve"] == [
        {"sequences": 64, "accuracy": 0.1235, "loss": None, "distinct": 4},
        {"sequences": 128, "accuracy": 0.5, "loss": 1.235, "distinct": 5},
    ]
    # the median of an infinite and a finite ratio is infinite: no number to report
    assert summary["layers"] == [{"name": "w", "kind": "Dense", "trainable": True, "weights": 3, "update_ratio": None}]
    record.look(192, 0.5, 1.0, 5, {"w": np.full(3, 1.0123456)})
    assert summary_ratio(record) == pytest.approx(0.01235)


def summary_ratio(record):
    return record.summary()["layers"][0]["update_ratio"]


def test_small_weights_get_a_relative_update_too_and_a_look_before_start_has_nothing_to_compare():
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("w", "Dense", True, 4)])
    record.look(10, 0.1, 1.0, 1, {"w": np.full(4, 0.1)})  # no start(): the first look is the reference
    record.look(20, 0.2, 0.9, 1, {"w": np.full(4, 0.11)})
    assert record.looks[0].updates == {} and record.looks[1].updates["w"] == pytest.approx(0.1)
