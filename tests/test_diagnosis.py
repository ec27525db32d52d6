"""Diagnosis rules, without training: static rules on hand-made geometries,
dynamic rules on synthetic predictions."""

import numpy as np
import pytest
from geometries import GRU, HEALTHY, LSTM, STATEFUL_LSTM, LayerInfo, dense, seq

from pytest_rnncheck.diagnosis import (
    ERROR,
    Pathology,
    diagnose_undertrained,
    diagnose_constant_output,
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
            **{**seq("x", 8, 100, LSTM, dense(100), rank=3).__dict__, "output_timesteps": 10}), "10 steps"),
    ],
)
def test_output_shape_fires_and_says_what_width_was_expected(spec, geometry, words):
    found = [p for p in static(spec, geometry) if p.code == "output-shape"]
    assert found and found[0].certain and words in found[0].message
    if geometry.output_layer == "Dense":  # the head is there: fix its width, do not add another
        assert "give the last Dense a width" in found[0].fix and "read-out head" not in found[0].fix
    else:
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


def test_softmax_over_one_unit_is_a_range_error_and_its_constant_output_only_its_consequence():
    for geometry in (seq("a", 4, 1, LSTM, dense(1, "softmax")), seq("b", 8, 1, GRU, dense(1, "softmax"), rank=3)):
        found = static(make_spec("invert", 1), geometry)
        assert [p.code for p in found] == ["activation-range"] and found[0].certain


def test_a_reach_measured_through_a_head_that_no_input_changes_is_not_a_missing_context_finding():
    from pytest_rnncheck.reach import ReachMap

    spec = make_spec("lag", 2)
    one_unit = seq("a", 8, 1, LSTM, dense(1, "softmax"))
    constant = ReachMap(np.zeros((1, 8), bool), np.zeros((1, 8)), np.array([7]), 2)  # no step reaches the output
    assert constant.receptive_field() == 0
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, one_unit), one_unit, constant)] == ["activation-range"]
    healthy_head = seq("b", 8, 1, LSTM, dense(1, "sigmoid"))  # the same reach without a head error is a finding
    found = diagnose_static(spec, plan_probe(spec, healthy_head), healthy_head, constant)
    assert "missing-context" in [p.code for p in found]


def test_missing_context_window_shorter_than_the_lag():
    for geometry, spec in [
        (seq("one_step", 1, 100, LSTM, dense(100)), make_spec("lag", 1)),
        (seq("three_steps", 3, 100, LSTM, dense(100), rank=3), make_spec("lag", 3)),
    ]:
        found = [p for p in static(spec, geometry) if p.code == "missing-context"]
        assert found and found[0].certain and "sliding_window_view" in found[0].fix


def test_a_stateful_one_step_model_is_no_static_finding_but_a_suspect_with_a_control_run():
    """The state does carry the past, and some such models learn the lag (a plain train_on_batch loop
    takes a stateful GRU(32) fed one step per batch to 1.000 on lag(1)): only a control shows the cause."""
    from pytest_rnncheck.diagnosis import suspects
    from pytest_rnncheck.diagnosis.missing_context import stateful_suspect

    geometry = seq("stateful", 1, 100, STATEFUL_LSTM, dense(100), batch=5)
    spec = make_spec("lag", 1)
    assert static(spec, geometry) == []  # nothing blocks the learning-rate remedies or the controls
    (suspect,) = suspects(spec, geometry, None, 0.01, plan_probe(spec, geometry))
    assert (suspect.code, suspect.control, suspect.window) == ("missing-context", "stateless-window", 2)
    assert suspect.evidence == (
        "a stateful model trained 1 timestep per batch: Keras carries the state to the next batch but never "
        "back-propagates into it"
    )
    (warning,) = stateful_suspect(spec, plan_probe(spec, geometry))  # diagnose() has no control: a suspect
    assert warning.severity == "warning" and not warning.certain and " may not " in warning.message
    assert suspects(make_spec("echo"), geometry, None, 0.01, plan_probe(make_spec("echo"), geometry)) == []
    long = seq("stateful", 4, 100, STATEFUL_LSTM, dense(100), batch=5)  # the window holds the lag
    assert suspects(spec, long, None, 0.01, plan_probe(spec, long)) == [] == stateful_suspect(spec, plan_probe(spec, long))


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


def test_undertrained_says_what_was_measured_tried_and_what_would_settle_it():
    lag = make_spec("lag", 16)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    found = diagnose_undertrained(lag, plan, 0.011, 0.01, 64_000, "budget", False, 1, True, (0.99, True))
    assert [p.code for p in found] == ["undertrained"]
    text = found[0].message
    assert "after 64,000 sequences" in text and "the budget ran out" in text
    assert "x[t-16] reaches the output" in text and "echo() passes" in text and "no cause was shown" in text
    assert "budget=128000" in found[0].fix and "more units" in found[0].fix
    climbing = diagnose_undertrained(lag, plan, 0.41, 0.01, 128_000, "budget", True, 1, True)
    assert "it was still learning when the budget ran out" in climbing[0].message
    assert "budget=256000" in climbing[0].fix and "units" not in climbing[0].fix
    # the echo control failing too points away from memory, at learning itself
    cannot_map = diagnose_undertrained(lag, plan, 0.011, 0.01, 192_000, "plateau", False, 3, True, (0.02, False))
    assert "echo() fails too" in cannot_map[0].message and "cannot learn even to echo" in cannot_map[0].fix
    assert "3 attempts at different learning rates" in cannot_map[0].message
    # a reach measured to be too short is the cause itself: never undertrained then
    assert diagnose_undertrained(lag, plan, 0.011, 0.01, 64_000, "budget", False, 1, False) == []
    # stalled at every rate tried: more of the same is not the advice
    stalled = diagnose_undertrained(lag, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert "stalled at every learning rate tried" in stalled[0].fix and "budget=286720" in stalled[0].fix
    assert "healthy models of this lag need" in stalled[0].message


def test_undertrained_that_stalled_at_every_rate_reads_its_fix_in_full():
    lag = make_spec("lag", 16)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    [stalled] = diagnose_undertrained(lag, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert stalled.fix == (
        "it stalled at every learning rate tried, so more of the same is unlikely to help: give it more capacity or a "
        "mechanism the probe needs (docs/probes.md says what each probe asks of a model); budget=286720 would settle "
        "whether it is only slow"
    )


def test_undertrained_on_a_structured_probe_claims_no_lag():
    import dataclasses

    copy = make_spec("selective_copy", 3)
    plan = plan_probe(copy, dataclasses.replace(HEALTHY["lstm_onehot"], output_rank=3, output_timesteps=8))
    found = diagnose_undertrained(copy, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert "x[t-" not in found[0].message and "healthy models of this probe need" in found[0].message


def test_non_finite_loss_names_the_point_and_a_fix():
    plan = plan_probe(make_spec("lag", 1, vocab=100, encoding="raw"), seq("m", 4, 1, LSTM, dense(1, "linear")))
    found = diagnose_non_finite(plan, float("nan"), 4096)
    assert "nan after 4096" in found[0].message and "clipnorm" in found[0].fix and "scaled" in found[0].fix


# -- rules that read the measured reach -----------------------------------------
def banded(timesteps, back, ahead=0):
    """A ReachMap where output t depends on x[t-back..t+ahead]."""
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(timesteps)
    depends = (t[None, :] <= t[:, None] + ahead) & (t[None, :] >= t[:, None] - back)
    return ReachMap(depends, depends.astype(float), t, 2)


CONV = LayerInfo("Conv1D", "linear", True, units=16, padding="causal")
PER_STEP = seq("conv", 12, 10, CONV, dense(10), rank=3)


def test_reach_proves_missing_context_with_the_receptive_field_as_evidence():
    spec = make_spec("lag", 4)
    found = diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 2))
    assert [p.code for p in found] == ["missing-context"] and found[0].certain
    assert "depends on x[t-2..t] only" in found[0].message and "lag(4) needs x[t-4]" in found[0].message
    assert "0 of 8 scored outputs" in found[0].message and "at least 5 steps (it sees 3)" in found[0].fix


def test_reach_never_claims_missing_context_when_the_past_reaches_the_output():
    for lag in (1, 2):
        spec = make_spec("lag", lag)
        assert diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 2)) == []


def test_a_partial_reach_fails_only_when_the_ceiling_is_below_the_threshold():
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(12)
    depends = (t[None, :] <= t[:, None]) & (t[None, :] >= t[:, None] - 4)
    depends[11, 7] = False  # one scored output of eight cannot see x[t-4]
    reach = ReachMap(depends, depends.astype(float), t, 2)
    loose, strict = make_spec("lag", 4, min_accuracy=0.85), make_spec("lag", 4, min_accuracy=0.95)
    assert diagnose_static(loose, plan_probe(loose, PER_STEP), PER_STEP, reach) == []
    assert [p.code for p in diagnose_static(strict, plan_probe(strict, PER_STEP), PER_STEP, reach)] == ["missing-context"]


def test_a_measured_reach_replaces_the_layer_name_rule():
    custom = seq("custom", 12, 10, LayerInfo("Dense", "linear", False, units=8), dense(10), rank=3)
    spec = make_spec("lag", 2)
    # the names say nothing mixes time, but the measurement shows the past reaches the output
    assert diagnose_static(spec, plan_probe(spec, custom), custom, banded(12, 3)) == []
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, custom), custom)] == ["missing-context"]


@pytest.mark.parametrize(
    "layer, named",
    [
        (LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8), "Bidirectional(LSTM)"),
        (LayerInfo("Conv1D", "linear", True, units=8, padding="same"), "Conv1D(padding='same')"),
        (LayerInfo("MultiHeadAttention", None, True), "MultiHeadAttention"),
        (LayerInfo("MyLayer", None, None), "a custom layer"),
    ],
)
def test_future_leak_warns_names_the_layer_and_is_an_error_for_causal_probes(layer, named):
    geometry = seq("m", 12, 10, layer, dense(10), rank=3)
    lenient, causal = make_spec("lag", 1), make_spec("lag", 1, causal=True)
    found = diagnose_static(lenient, plan_probe(lenient, geometry), geometry, banded(12, 3, ahead=2))
    assert [(p.code, p.severity, p.certain) for p in found] == [("future-leak", "warning", False)]
    assert named in found[0].message and "up to 2 steps ahead" in found[0].message
    strict = diagnose_static(causal, plan_probe(causal, geometry), geometry, banded(12, 3, ahead=2))
    assert [(p.code, p.severity, p.certain) for p in strict] == [("future-leak", "error", True)]


def test_no_future_leak_for_a_causal_reach_or_a_many_to_one_output():
    spec = make_spec("lag", 1)
    assert diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 3)) == []
    many_to_one = seq("m", 12, 10, LSTM, dense(10))
    assert diagnose_static(spec, plan_probe(spec, many_to_one), many_to_one, banded(12, 3, ahead=1)) == []


# -- causes: loss, masking, and the ones a control run confirms ----------------------
def compiled(geometry, loss, logits=None, rate=0.01):
    import dataclasses

    return dataclasses.replace(geometry, compiled=True, loss=loss, loss_from_logits=logits, learning_rate=rate)


@pytest.mark.parametrize(
    "head, loss, logits, words",
    [
        (dense(100, "linear"), "CategoricalCrossentropy", False, "expects probabilities, but the output activation is linear"),
        (dense(100, "linear"), "sparse_categorical_crossentropy", False, "from_logits=True"),
        (dense(100), "SparseCategoricalCrossentropy", True, "applies it a second time"),
        (dense(100), "binary_crossentropy", False, "one class out of 100"),
    ],
)
def test_a_loss_that_does_not_fit_the_output_is_named(head, loss, logits, words):
    geometry = compiled(seq("m", 8, 100, LSTM, head), loss, logits)
    spec = make_spec("lag", 2)
    found = [p for p in static(spec, geometry) if p.code == "loss-mismatch"]
    assert found and not found[0].certain
    assert words in found[0].message + found[0].fix


def test_ratio_losses_on_targets_that_include_zero():
    spec = make_spec("lag", 1)
    geometry = compiled(seq("m", 8, 1, LSTM, dense(1, "linear")), "mape")
    (found,) = [p for p in static(spec, geometry) if p.code == "loss-mismatch"]
    assert "divides by the target" in found.message and "zero" in found.message and "mse" in found.fix
    assert [p.code for p in static(spec, compiled(seq("m", 8, 1, LSTM, dense(1, "linear")), "mse"))] == []


def test_a_fitting_loss_is_not_blamed():
    for loss, logits, head in (
        ("sparse_categorical_crossentropy", False, dense(100)),
        ("SparseCategoricalCrossentropy", True, dense(100, "linear")),
        ("mse", False, dense(100, "linear")),
    ):
        assert static(make_spec("lag", 2), compiled(seq("m", 8, 100, LSTM, head), loss, logits)) == []


def test_a_masking_value_that_equals_a_real_step_is_named():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    bits = seq("m", 8, 1, masking, LSTM, dense(1, "sigmoid"))
    (found,) = static(make_spec("lag", 1), bits)
    assert found.code == "masking-collision" and "mask_value=0" in found.message and "50%" in found.message
    onehot = seq("m", 8, 10, masking, LSTM, dense(10))
    assert static(make_spec("lag", 1), onehot) == []  # a one-hot step is never all zeros
    other = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=-1.0), LSTM, dense(1, "sigmoid"))
    assert static(make_spec("lag", 1), other) == []


def recorded(updates, losses, trainable=True):
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("lstm", "LSTM", trainable, 100), LayerRecord("dense", "Dense", True, 50)])
    weights = {"lstm": np.ones(100), "dense": np.ones(50)}
    record.start(weights)
    for k, (update, loss) in enumerate(zip(updates, losses)):
        weights = {name: w * (1 + update) for name, w in weights.items()}
        record.look(2048 * (k + 1), 0.01, loss, 3, weights)
    return record


def test_the_recorder_measures_relative_updates_and_the_loss_trend():
    record = recorded([0.01] * 4, [4.6, 4.5, 4.4, 4.3])
    assert record.median_update("lstm") == pytest.approx(0.01)
    assert record.loss_trend() == (4.6, 4.3, 4.3)
    summary = record.summary()
    assert [look["sequences"] for look in summary["curve"]] == [2048, 4096, 6144, 8192]
    assert summary["layers"][0] == {"name": "lstm", "kind": "LSTM", "trainable": True, "weights": 100, "update_ratio": 0.01}


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
    steps = {"slow": [0.01, 0.02, 0.5], "fast": [0.1] * 3, "faster": [0.3] * 3, "frozen": [100.0] * 3, "empty": [50.0] * 3}
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


def test_suspects_come_from_the_configuration_and_the_record():
    from pytest_rnncheck.diagnosis import suspects

    frozen = seq("m", 8, 20, LayerInfo("LSTM", "tanh", True, units=32, name="lstm", trainable=False, weights=6784), dense(20))
    assert [s.code for s in suspects(make_spec("lag", 2), frozen, None, 0.01)] == ["frozen-layer"]
    heavy = seq("m", 8, 20, LayerInfo("Dropout", None, False, name="drop", dropout=0.9), LSTM, dense(20))
    assert [(s.code, s.control) for s in suspects(make_spec("lag", 2), heavy, None, 0.01)] == [("dropout", "no-dropout")]
    light = seq("m", 8, 20, LayerInfo("Dropout", None, False, name="drop", dropout=0.2), LSTM, dense(20))
    assert suspects(make_spec("lag", 2), light, None, 0.01) == []
    healthy = seq("m", 8, 20, LSTM, dense(20))
    small = suspects(make_spec("lag", 2), healthy, recorded([1e-6] * 6, [3.0] * 6), 1e-7)
    assert [(s.code, s.direction, s.rate) for s in small] == [("learning-rate", "too small", 0.01)]
    large = suspects(make_spec("lag", 2), healthy, recorded([0.9] * 6, [3.0, 2.5, 4.0, 6.0, 9.0, 12.0]), 5.0)
    assert [(s.code, s.direction) for s in large] == [("learning-rate", "too large")] and large[0].rate == 0.005
    moving = suspects(make_spec("lag", 2), healthy, recorded([0.01] * 6, [3.0, 2.9, 2.8, 2.8, 2.7, 2.7]), 0.01)
    assert moving == []


def test_a_cause_is_blamed_only_when_its_control_learns():
    from pytest_rnncheck.diagnosis.training_causes import Control, Suspect, confirm, not_confirmed

    spec = make_spec("lag", 2)
    dropout = Suspect("dropout", "no-dropout", "Dropout 'drop' at 0.9")
    (found,) = confirm(spec, dropout, Control(0.99, True, 20480), 0.05, 0.01)
    assert found.code == "dropout" and "every dropout rate set to 0 reached 0.990" in found.message
    assert "Dropout" in found.fix
    assert confirm(spec, dropout, Control(0.08, False, 64000), 0.05, 0.01) == []
    assert confirm(spec, dropout, Control(0.40, False, 64000), 0.05, 0.01)  # a large gain is proof enough
    assert "did not learn either (0.080 after 64,000 sequences)" in not_confirmed(dropout, Control(0.08, False, 64000))
    rate = Suspect("learning-rate", "rate", "learning rate 1e-07: ...", rate=0.01, direction="too small")
    (found,) = confirm(spec, rate, Control(0.97, True, 16384), 0.05, 0.01)
    assert "too small" in found.message and "at learning rate 0.01 reached 0.970" in found.message
    assert "Adam(0.01)" in found.fix


def test_a_control_model_is_the_same_config_with_the_suspected_part_removed():
    from pytest_rnncheck.controls import edited_config

    config = {
        "layers": [
            {"class_name": "Dropout", "config": {"rate": 0.9, "trainable": True}},
            {"class_name": "LSTM", "config": {"units": 8, "dropout": 0.7, "recurrent_dropout": 0.5, "trainable": False}},
            {"class_name": "Dense", "config": {"units": 4, "trainable": True}},
        ]
    }
    no_dropout = edited_config(config, "no-dropout")
    assert no_dropout["layers"][0]["config"]["rate"] == 0.0
    assert no_dropout["layers"][1]["config"]["dropout"] == no_dropout["layers"][1]["config"]["recurrent_dropout"] == 0.0
    assert no_dropout["layers"][1]["config"]["trainable"] is False  # only what was asked changes
    assert edited_config(config, "trainable")["layers"][1]["config"]["trainable"] is True
    assert config["layers"][0]["config"]["rate"] == 0.9  # the original is untouched
    stateful = {
        "build_input_shape": [5, 1, 100],
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [5, 1, 100]}},
            {"class_name": "Bidirectional", "config": {"layer": {"class_name": "GRU", "config": {"stateful": True}}}},
            {"class_name": "LSTM", "config": {"units": 8, "stateful": True}},
            {"class_name": "Dense", "config": {"units": 4}},
        ],
    }
    windowed = edited_config(stateful, "stateless-window", window=2)
    assert windowed["build_input_shape"] == [None, 2, 100] == windowed["layers"][0]["config"]["batch_shape"]
    assert windowed["layers"][1]["config"]["layer"]["config"]["stateful"] is False
    assert windowed["layers"][2]["config"] == {"units": 8, "stateful": False}
    assert stateful["layers"][2]["config"]["stateful"] is True and edited_config(stateful, "trainable") == stateful


def test_an_order_blind_model_is_position_blind_not_short_of_capacity():
    import dataclasses

    spec = make_spec("lag", 2)
    pooled = seq("pooled", 10, 6, LayerInfo("MultiHeadAttention", None, True), dense(6))
    reach = dataclasses.replace(banded(10, 9), output_steps=np.arange(10), order_blind=True)
    (found,) = diagnose_static(spec, plan_probe(spec, pooled), pooled, reach)
    assert found.code == "position-blind" and found.certain
    assert "another order" in found.message and "position embedding" in found.fix
    assert diagnose_static(make_spec("echo"), plan_probe(make_spec("echo"), pooled), pooled, reach) == []


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


@pytest.mark.parametrize(
    "head, loss, words",
    [
        (dense(100, "linear"), "kl_divergence", "takes the log of the prediction"),
        (dense(1, "linear"), "poisson", "takes the log of the prediction"),
        (dense(100, "sigmoid"), "categorical_crossentropy", "independent sigmoid"),
    ],
)
def test_losses_that_need_positive_or_normalised_outputs(head, loss, words):
    geometry = compiled(seq("m", 8, 100, LSTM, head), loss)
    found = [p for p in static(make_spec("lag", 2), geometry) if p.code == "loss-mismatch"]
    assert found and words in found[0].message


def test_an_embedding_that_masks_token_zero_collides_with_a_real_symbol():
    embedding = LayerInfo("Embedding", None, False, name="emb", mask_value=0.0)
    geometry = seq("m", 8, None, embedding, LSTM, dense(5), integer=True, vocab=5)
    (found,) = static(make_spec("lag", 1), geometry)
    assert found.code == "masking-collision" and "mask_zero=True" in found.message and "20%" in found.message


def test_a_masking_collision_is_named_instead_of_the_reach_it_distorts():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    geometry = seq("m", 8, 1, masking, LSTM, dense(1, "sigmoid"))
    spec = make_spec("lag", 1)
    from pytest_rnncheck.reach import ReachMap

    blind = ReachMap(np.eye(1, 8, 7, dtype=bool), np.eye(1, 8, 7), np.array([7]), 2)  # sees x[t] only
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, geometry), geometry, blind)] == ["masking-collision"]


def test_a_first_loss_far_above_a_uniform_guess_suspects_a_rate_too_large():
    from pytest_rnncheck.diagnosis import suspects

    geometry = compiled(seq("m", 8, 12, LSTM, dense(12)), "sparse_categorical_crossentropy", rate=5.0)
    spec = make_spec("lag", 2)
    plan = plan_probe(spec, geometry)
    hot = recorded([0.1] * 6, [23.6, 20.3, 15.6, 13.9, 12.0, 10.4])  # ln 12 = 2.48
    (suspect,) = suspects(spec, geometry, hot, 5.0, plan)
    assert (suspect.code, suspect.direction, suspect.rate) == ("learning-rate", "too large", 0.005)
    assert "guessing uniformly would give 2.48" in suspect.evidence
    calm = recorded([0.01] * 6, [2.5, 2.4, 2.3, 2.2, 2.1, 2.0])
    assert suspects(spec, geometry, calm, 0.01, plan) == []


def test_a_categorical_loss_on_a_single_unit_has_nothing_to_learn():
    geometry = compiled(seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "categorical_crossentropy")
    found = [p for p in static(make_spec("invert", 1), geometry) if p.code == "loss-mismatch"]
    assert found and "single output unit" in found[0].message


def loss_findings(spec, geometry, loss, logits=None):
    found = [p for p in static(spec, compiled(geometry, loss, logits)) if p.code == "loss-mismatch"]
    # a cause, not a proof: training still runs; except one unit under a categorical loss, whose loss is 0
    # whatever the prediction (Keras normalises one unit to 1)
    assert all(p.severity == "error" and p.certain == ("single output unit" in p.message) for p in found)
    return found


def test_a_probability_loss_on_an_unbounded_output_says_keras_clips_and_how_to_fix_it():
    (found,) = loss_findings(make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, None)), "categorical_crossentropy", False)
    assert found.severity == "error" and not found.certain
    assert found.message == (
        "the loss is categorical_crossentropy with from_logits=False, which expects probabilities, but the output "
        "activation is none (unbounded values): Keras clips them into (0, 1) and the gradient through the clipped "
        "values is zero or meaningless"
    )
    assert found.fix == (
        "either end with activation='softmax' ('sigmoid' for one unit), or keep the linear output and compile with "
        "from_logits=True, e.g. keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
    )
    # from_logits not known (a custom loss object): nothing is claimed
    assert loss_findings(make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, "linear")), "categorical_crossentropy") == []


def test_logits_into_a_sigmoid_are_squashed_twice():
    (found,) = loss_findings(make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "BinaryCrossentropy", True)
    assert "with from_logits=True, but the output already applies sigmoid" in found.message
    assert "squeezes the outputs and flattens the gradient" in found.message
    assert found.fix == "drop from_logits=True (or drop the output activation)"


@pytest.mark.parametrize("loss", ["kld", "KLDivergence", "kullback_leibler_divergence", "KullbackLeiblerDivergence", "poisson"])
def test_a_log_loss_needs_a_positive_output(loss):
    spec = make_spec("lag", 2)
    (found,) = loss_findings(spec, seq("m", 8, 100, LSTM, dense(100, "linear")), loss)
    assert found.message.startswith(f"the loss is {loss}, which takes the log of the prediction, but the output activation is linear")
    assert "predictions can be zero or negative, where the loss is undefined or clipped" in found.message
    assert found.fix == (
        "end with activation='softmax' for classes (or 'softplus'/'exponential' for counts), or use "
        "sparse_categorical_crossentropy(from_logits=True) on the linear output"
    )
    for positive in ("softmax", "softplus", "exponential", "relu"):
        assert loss_findings(spec, seq("m", 8, 100, LSTM, dense(100, positive)), loss) == []


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "SparseCategoricalCrossentropy"])
def test_a_distribution_over_one_unit_has_nothing_to_learn(loss):
    (found,) = loss_findings(make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, "sigmoid")), loss)
    assert found.message == (
        f"{loss} on a single output unit: a distribution over one class is always 1, so the loss does not depend "
        "on the prediction and there is nothing to learn"
    )
    assert found.fix == (
        "for two classes use one sigmoid unit with binary_crossentropy, or Dense(2, activation='softmax') with "
        "sparse_categorical_crossentropy"
    )
    assert found.certain  # proven by the loss's arithmetic: the probe fails without training


def test_categorical_crossentropy_over_independent_sigmoids_is_named():
    (found,) = loss_findings(make_spec("lag", 2, vocab=10), seq("m", 8, 10, LSTM, dense(10, "sigmoid")), "categorical_crossentropy")
    assert "one distribution over the 10 outputs, but each is an independent sigmoid: they do not sum to 1" in found.message
    assert found.fix == (
        "use activation='softmax' with categorical_crossentropy (or binary_crossentropy for independent yes/no outputs)"
    )
    (two,) = loss_findings(make_spec("invert", 1), seq("m", 8, 2, LSTM, dense(2, "sigmoid")), "categorical_crossentropy")
    assert "over the 2 outputs" in two.message
    assert loss_findings(make_spec("lag", 2, vocab=10), seq("m", 8, 10, LSTM, dense(10)), "categorical_crossentropy") == []
    # sparse targets on sigmoids are a different mistake, left to the other rules
    assert loss_findings(make_spec("lag", 2, vocab=10), seq("m", 8, 10, LSTM, dense(10, "sigmoid")), "sparse_categorical_crossentropy") == []


def test_binary_crossentropy_fits_two_classes_but_not_more():
    two = seq("m", 8, 2, LSTM, dense(2))
    assert loss_findings(make_spec("lag", 2), two, "binary_crossentropy") == []
    (found,) = loss_findings(make_spec("lag", 2, vocab=3), seq("m", 8, 3, LSTM, dense(3)), "binary_crossentropy")
    assert found.message == (
        "binary_crossentropy treats each of the 3 output units as an independent yes/no, but the output is one class out of 3"
    )
    assert found.fix == (
        "compile with loss='sparse_categorical_crossentropy' (integer targets) or 'categorical_crossentropy' "
        "(one-hot targets)"
    )


@pytest.mark.parametrize("loss", ["mape", "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError"])
def test_a_ratio_loss_on_centred_regression_targets_is_named(loss):
    regressor = seq("r", 8, 4, LSTM, dense(1, "linear"))
    spec = make_spec("lag", 1)
    assert plan_probe(spec, regressor).form == "value"
    (found,) = loss_findings(spec, regressor, loss)
    assert found.message == (
        f"the loss {loss} divides by (or takes the log of) the target, but regression targets here are centred on 0 "
        "and half of them are negative"
    )
    assert found.fix == "use loss='mse' or 'mae' (or huber) for targets that can be 0 or negative"


def test_a_ratio_loss_counts_the_scalar_targets_at_zero():
    raw = seq("m", 8, 1, LSTM, dense(1, "linear"))
    (found,) = loss_findings(make_spec("lag", 1, vocab=5, encoding="raw"), raw, "msle")
    assert found.message == (
        "the loss msle takes the log of the target + 1, but 1 of 5 target values are zero (the raw encoding of "
        "symbol 0): those steps dominate the loss or give it no gradient"
    )
    assert found.fix == "use loss='mse' or 'mae' for targets that can be 0, or shift the targets away from 0"
    (bits,) = loss_findings(make_spec("invert", 1), raw, "mean_absolute_percentage_error")
    assert "divides by the target, but 1 of 2 target values are zero (the binary encoding of symbol 0)" in bits.message
    # an uncompiled model, or one without a loss, is not judged
    assert [p for p in static(make_spec("lag", 1, vocab=5, encoding="raw"), raw) if p.code == "loss-mismatch"] == []


def shape_finding(spec, geometry):
    (found,) = [p for p in static(spec, geometry) if p.code == "output-shape"]
    assert found.severity == "error" and found.certain
    return found


def test_an_output_of_the_wrong_rank_says_which_shapes_are_read():
    import dataclasses

    geometry = dataclasses.replace(seq("m", 8, 100, LSTM, dense(100)), output_rank=4)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.message == (
        "output has rank 4 (width 100); lag(1) reads (batch, width) for one target per sample or "
        "(batch, timesteps, width) for a target per step"
    )


def test_more_output_steps_than_input_steps_cannot_be_scored():
    import dataclasses

    geometry = dataclasses.replace(seq("m", 8, 100, LSTM, dense(100), rank=3), output_timesteps=10)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.message == (
        "output has 10 steps but the input has only 8; per-step targets need at most one output per input step "
        "(fewer are aligned to the end)"
    )
    assert found.fix == "give the last Dense a width W = 100 with softmax for classes, or W = 1 for a scalar"


def test_a_wrong_width_names_the_widths_that_would_fit_and_the_head_to_add():
    bits = seq("m", 8, 3, GRU, rank=3)  # binary inputs of 8 symbols; the GRU's 16-unit state is the output
    found = shape_finding(make_spec("lag", 1, vocab=8, encoding="binary"), bits)
    assert found.message == (
        "output width is 16 (GRU), but lag(1, vocab=8, encoding='binary') needs width 8 (one unit per symbol) or "
        "1 (a scalar) or 3 (one unit per bit); Keras would broadcast the target across the 16 units and train "
        "without complaint"
    )
    assert found.fix == (
        "end the model with a read-out head of width W = 8 with softmax for classes, or W = 1 for a scalar: "
        "Conv1D(W, 1) or TimeDistributed(Dense(W)); the recurrent state of GRU is memory, not a prediction"
    )
    nameless = seq("m", 8, 100, LayerInfo("MyHead", "tanh", None, units=7))
    found = shape_finding(make_spec("lag", 1), nameless)
    assert "output width is 7 (MyHead)" in found.message and found.fix.endswith("or W = 1 for a scalar: Dense(W)")
    import dataclasses

    unnamed = dataclasses.replace(nameless, output_layer=None)
    assert "output width is 7 (the last layer)" in shape_finding(make_spec("lag", 1), unnamed).message


def test_a_softmax_over_one_unit_explains_why_and_the_widths_to_use():
    found = {p.code: p for p in static(make_spec("lag", 1, vocab=10, encoding="scaled"), seq("a", 4, 1, LSTM, dense(1, "softmax")))}
    assert found["activation-range"].message == "softmax over a single unit always outputs 1.0, whatever the input"
    assert found["activation-range"].fix == (
        "use sigmoid or no activation for a one-unit output, or softmax over 10 units (one per symbol)"
    )
    assert list(found) == ["activation-range"]  # the constant output it implies is not a second cause
    assert all(p.severity == "error" and p.certain for p in found.values())


def test_a_masked_embedding_token_zero_is_a_real_symbol():
    embedding = LayerInfo("Embedding", None, False, name="emb", mask_value=0.0)
    geometry = seq("m", None, None, embedding, GRU, dense(20), integer=True, vocab=20)
    (found,) = static(make_spec("lag", 1), geometry)
    assert found.code == "masking-collision" and found.severity == "error"
    assert found.message == (
        "Embedding 'emb' has mask_zero=True, so token 0 is padding, but 0 is one of the 20 real symbols: "
        "about 5% of real steps are skipped"
    )
    assert found.fix == (
        "drop mask_zero=True, or shift the real tokens to start at 1 (Embedding(vocab + 1, d)) and keep 0 for padding"
    )
    plain = seq("m", None, None, LayerInfo("Embedding", None, False, name="emb"), GRU, dense(20), integer=True, vocab=20)
    assert static(make_spec("lag", 1), plain) == []


def test_a_masking_collision_lists_the_symbols_it_hides():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    binary = seq("m", 8, 3, masking, LSTM, dense(8))  # bits of 8 symbols: only symbol 0 is all zeros
    (found,) = static(make_spec("lag", 1, vocab=8, encoding="binary"), binary)
    assert found.message == (
        "Masking(mask_value=0) equals the encoded step of symbol 0 (binary encoding): about 12% of real input "
        "steps are skipped as padding, so the model never sees them"
    )
    assert found.fix == (
        "pick a mask_value no real step takes (e.g. Masking(mask_value=-1.0) and pad with -1.0), or shift or "
        "one-hot encode the data so a real step never equals the padding value"
    )
    two = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=0.0), LayerInfo("Masking", None, False, mask_value=1.0), LSTM, dense(1, "sigmoid"))
    found = static(make_spec("lag", 1), two)
    assert [p.code for p in found] == ["masking-collision", "masking-collision"]
    raw = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=0.0), LSTM, dense(1, "linear"))
    (zero,) = static(make_spec("lag", 1, vocab=8, encoding="raw"), raw)
    assert "symbol 0 (raw" in zero.message
    scaled = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=1.0), LSTM, dense(1, "linear"))
    (top,) = static(make_spec("lag", 1, vocab=8, encoding="scaled"), scaled)
    assert "Masking(mask_value=1) equals the encoded step of symbol 7 (scaled" in top.message
    # a continuous probe's real values never equal the mask exactly
    regressor = seq("r", 8, 4, LayerInfo("Masking", None, False, mask_value=0.0), LSTM, dense(1, "linear"))
    assert static(make_spec("lag", 1), regressor) == []


def test_small_weights_get_a_relative_update_too_and_a_look_before_start_has_nothing_to_compare():
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("w", "Dense", True, 4)])
    record.look(10, 0.1, 1.0, 1, {"w": np.full(4, 0.1)})  # no start(): the first look is the reference
    record.look(20, 0.2, 0.9, 1, {"w": np.full(4, 0.11)})
    assert record.looks[0].updates == {} and record.looks[1].updates["w"] == pytest.approx(0.1)


# -- constant output: the spread, the thresholds and the fix the evidence points to ---------
def test_the_spread_counts_distinct_predictions_the_mode_and_the_squared_errors():
    predicted = np.array([[3, 3, 1, 3, 9, 3]])
    targets = np.array([[0, 2, 4, 0, 2, 4]])
    scored = np.array([[True, True, True, True, True, False]])
    values = np.array([[1.0, 2.0, 3.0, 1.0, 2.0, 99.0]])
    spread = measure_spread(predicted, targets, scored, 0.2, 0.25, values, targets.astype(float))
    assert (spread.distinct, spread.symbols, spread.mode, spread.mode_share) == (3, 3, 3, 0.6)
    assert spread.value_std == pytest.approx(np.std([1, 2, 3, 1, 2]))
    assert spread.error == pytest.approx(np.mean(np.square([1, 0, -1, 1, 0])))  # (v - t) ** 2
    assert spread.mean_error == pytest.approx(np.mean(np.square(np.array([0, 2, 4, 0, 2]) - 1.6)))
    one = measure_spread(np.array([5]), np.array([5]), np.array([True]), 1.0, 0.1)
    assert (one.distinct, one.mode, one.mode_share) == (1, 5, 1.0)
    # values without target values: no regression numbers
    assert measure_spread(predicted, targets, scored, 0.2, 0.25, values).value_std is None


def test_nothing_scored_is_a_spread_of_nothing():
    spread = measure_spread(np.zeros((2, 3), int), np.zeros((2, 3), int), np.zeros((2, 3), bool), 0.0, 0.5)
    assert (spread.distinct, spread.symbols, spread.mode, spread.mode_share) == (0, 0, 0, 0.0)


def spread(**fields):
    from pytest_rnncheck.diagnosis import Spread

    base = dict(distinct=1, symbols=100, mode_share=1.0, mode=7, accuracy=0.01, chance=0.01)
    return Spread(**{**base, **fields})


LAG1 = make_spec("lag", 1)
ONEHOT = plan_probe(LAG1, HEALTHY["lstm_onehot"])


def constant(s, plan=ONEHOT, geometry=HEALTHY["lstm_onehot"]):
    return diagnose_constant_output(LAG1, plan, geometry, s)


def test_near_chance_means_at_most_five_points_above_it():
    assert constant(spread(chance=0.1, accuracy=0.1 + 0.05))  # exactly at the margin
    assert constant(spread(chance=0.1, accuracy=0.152)) == []
    assert constant(spread(chance=0.5, accuracy=0.56, symbols=2, distinct=1)) == []


def test_few_distinct_predictions_means_at_most_a_tenth_of_the_symbols_or_one_mostly():
    assert constant(spread(distinct=10, mode_share=0.5))  # 10 of 100
    assert constant(spread(distinct=11, mode_share=0.5)) == []
    assert constant(spread(distinct=2, symbols=10, mode_share=0.5)) == []  # 2 of 10 is not a tenth
    assert constant(spread(distinct=2, symbols=10, mode_share=0.9))  # but one symbol on 90% of steps is


def test_flat_values_are_constant_even_when_they_decode_to_many_symbols():
    varied = dict(distinct=30, mode_share=0.1, error=800.0, mean_error=784.0)
    assert constant(spread(**varied, value_std=0.5, target_std=28.0))
    assert constant(spread(**varied, value_std=1.0, target_std=10.0)) == []  # exactly a tenth is not flat
    assert constant(spread(**varied, value_std=5.0, target_std=10.0)) == []
    assert constant(spread(**varied)) == []


def test_the_constant_output_message_says_what_was_predicted():
    (found,) = constant(spread(distinct=3, mode_share=0.95, accuracy=0.012))
    assert (found.code, found.severity) == ("constant-output", "error")
    assert found.message == "predicts 3 distinct symbols of 100 (symbol 7 on 95% of steps); accuracy 0.012 vs chance 0.010"
    assert found.fix == (
        "no cause was shown (the configuration and the control runs are clean): more units or a larger budget may help"
    )


@pytest.mark.parametrize(
    "spec, geometry, fix",
    [
        (make_spec("lag", 1, vocab=10, encoding="raw"), seq("m", 8, 1, LSTM, dense(1, "linear")),
         "feed symbols one-hot (Input((timesteps, 10))) or through Embedding(10, d) instead of one raw number; "
         "predict classes with Dense(10, activation='softmax') instead of one number"),
        (make_spec("lag", 1, vocab=3, encoding="scaled"), seq("m", 8, 1, LSTM, dense(1, "linear")),
         "feed symbols one-hot (Input((timesteps, 3))) or through Embedding(3, d) instead of one scaled number; "
         "predict classes with Dense(3, activation='softmax') instead of one number"),
        (make_spec("lag", 1, vocab=2, encoding="raw"), seq("m", 8, 1, LSTM, dense(1, "linear")),
         "no cause was shown (the configuration and the control runs are clean): more units or a larger budget may help"),
        (make_spec("lag", 1, vocab=3, encoding="raw"), seq("m", 8, 1, GRU, dense(3)),
         "feed symbols one-hot (Input((timesteps, 3))) or through Embedding(3, d) instead of one raw number"),
        (make_spec("lag", 1), seq("m", 8, 16, LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8)),
         "add a read-out layer after Bidirectional(LSTM)"),
    ],
)
def test_the_constant_output_fix_follows_the_evidence(spec, geometry, fix):
    from pytest_rnncheck.diagnosis.constant_output import constant_fix

    assert constant_fix(plan_probe(spec, geometry), geometry) == fix


# -- training causes: suspects, their thresholds, and what a control proves -------------------
def looked(updates, losses, layers=None):
    """A flight record with exactly these per-look relative updates of one trainable LSTM."""
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord, Look

    record = FlightRecorder(layers or [LayerRecord("lstm", "LSTM", True, 100)])
    record.looks = [Look(1024 * (k + 1), 0.01, loss, 3, {"lstm": u}) for k, (u, loss) in enumerate(zip(updates, losses))]
    return record


def rate_suspects(record, rate=0.01, geometry=None, plan=None):
    from pytest_rnncheck.diagnosis import suspects

    geometry = geometry or seq("m", 8, 20, LSTM, dense(20))
    return [s for s in suspects(make_spec("lag", 2), geometry, record, rate, plan) if s.code == "learning-rate"]


def test_the_uniform_guess_loss_is_over_the_softmax_units_or_two_for_binary_outputs():
    import dataclasses
    import math

    from pytest_rnncheck.diagnosis.training_causes import chance_loss

    head = compiled(seq("m", 8, 50, LSTM, dense(2)), "sparse_categorical_crossentropy")  # 2 classes, 50 input symbols
    assert chance_loss(plan_probe(make_spec("lag", 1), head), head) == pytest.approx(math.log(2))
    wide = compiled(seq("m", 8, 100, LSTM, dense(100)), "CategoricalCrossentropy")
    assert chance_loss(plan_probe(make_spec("lag", 1), wide), wide) == pytest.approx(math.log(100))
    sigmoid = compiled(seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "BinaryCrossentropy")
    assert chance_loss(plan_probe(make_spec("invert", 1), sigmoid), sigmoid) == pytest.approx(math.log(2))
    bits = compiled(seq("m", 8, 3, LSTM, dense(3, "sigmoid")), "binary_crossentropy")
    bits_plan = plan_probe(make_spec("lag", 1, vocab=8, encoding="binary"), bits)
    assert bits_plan.form == "bits" and chance_loss(bits_plan, bits) == pytest.approx(math.log(2))
    assert chance_loss(plan_probe(make_spec("invert", 1), sigmoid), dataclasses.replace(sigmoid, loss="mse")) is None
    scalar_cce = dataclasses.replace(sigmoid, loss="categorical_crossentropy")
    assert chance_loss(plan_probe(make_spec("invert", 1), sigmoid), scalar_cce) is None
    unreadable = dataclasses.replace(plan_probe(make_spec("invert", 1), sigmoid), form=None)
    assert chance_loss(unreadable, sigmoid) is None
    regression = compiled(seq("r", 8, 4, LSTM, dense(1, "linear")), "binary_crossentropy")
    assert chance_loss(plan_probe(make_spec("lag", 1), regression), regression) is None
    assert chance_loss(None, wide) is None


def test_a_frozen_or_unmoved_layer_is_suspected_with_its_weights():
    from pytest_rnncheck.diagnosis import suspects
    from pytest_rnncheck.recorder import LayerRecord

    trainable = seq("m", 8, 20, LayerInfo("LSTM", "tanh", True, units=32, name="lstm", weights=6784), dense(20))
    assert suspects(make_spec("lag", 2), trainable, None, 0.01) == []
    frozen = seq("m", 8, 20, LayerInfo("LSTM", "tanh", True, units=32, name="lstm", trainable=False, weights=6784), dense(20))
    layers = [LayerRecord("lstm", "LSTM", False, 6784), LayerRecord("dense", "Dense", True, 660), LayerRecord("out", "Dense", True, 21)]
    record = looked([0.01] * 3, [3.0, 2.9, 2.8], layers)
    for look in record.looks:
        look.updates.update({"dense": 0.0, "out": 0.02})
    (found,) = [s for s in suspects(make_spec("lag", 2), frozen, record, 0.01) if s.code == "frozen-layer"]
    assert found.control == "trainable"
    assert found.evidence == (
        "LSTM 'lstm' (trainable=False, 6,784 weights); Dense 'dense' (trainable, but its 660 weights never changed)"
    )


def test_dropout_from_one_half_up_is_suspected():
    from pytest_rnncheck.diagnosis import suspects

    heavy = seq(
        "m", 8, 20, LayerInfo("Dropout", None, False, name="drop", dropout=0.5),
        LayerInfo("LSTM", "tanh", True, units=8, name="lstm", dropout=0.75), LayerInfo("Dropout", None, False, name="light", dropout=0.49),
        dense(20),
    )
    (found,) = suspects(make_spec("lag", 2), heavy, None, 0.01)
    assert (found.code, found.control, found.evidence) == ("dropout", "no-dropout", "Dropout 'drop' at 0.5, LSTM 'lstm' at 0.75")


def test_a_rate_is_too_small_when_the_weights_barely_move_and_the_loss_is_flat():
    (small,) = rate_suspects(looked([1e-5] * 4, [50.0, 49.5, 49.2, 49.0]), rate=1e-7)  # flat: 2% exactly
    assert (small.control, small.direction, small.rate) == ("rate", "too small", 0.01)
    assert small.evidence == "learning rate 1e-07: the weights moved 1.0e-05 of their size per look and the loss went from 50 to 49"
    assert rate_suspects(looked([1e-5] * 4, [3.0, 2.0, 1.5, 1.0]), rate=1e-7) == []  # the loss falls: it learns
    assert rate_suspects(looked([1e-4] * 4, [3.0] * 4)) == []  # exactly the tiny update is moving enough


def test_a_rate_is_too_large_when_each_look_rewrites_the_weights_or_the_loss_climbs_back():
    (huge,) = rate_suspects(looked([0.9] * 4, [3.0, 2.0, 1.5, 1.0]), rate=5.0)
    assert (huge.control, huge.direction, huge.rate) == ("rate", "too large", 0.005)
    assert huge.evidence == (
        "learning rate 5: the weights changed by 0.9 of their size per look and the loss went from 3 "
        "(guessing uniformly would give n/a) to 1 at best and 1 at the end"
    )
    assert rate_suspects(looked([0.5] * 4, [3.0, 2.0, 1.5, 1.0])) == []  # exactly one half is not huge
    assert rate_suspects(looked([0.01] * 3, [0.6, 0.5, 0.6]))  # back above 110% of its best and not below its start
    assert rate_suspects(looked([0.01] * 3, [3.0, 1.0, 2.0])) == []  # above its best, but below its start
    assert rate_suspects(looked([0.01] * 3, [1.1, 1.0, 1.1])) == []  # exactly 110% of its best


def test_a_first_loss_far_above_the_uniform_guess_is_overshooting():
    import math

    geometry = compiled(seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "binary_crossentropy")
    plan = plan_probe(make_spec("invert", 1), geometry)
    guess = math.log(2)
    (found,) = rate_suspects(looked([0.01] * 3, [4 * guess, 1.0, 0.9]), 0.1, geometry, plan)
    assert "(guessing uniformly would give 0.693)" in found.evidence and found.direction == "too large"
    assert rate_suspects(looked([0.01] * 3, [3 * guess, 1.0, 0.9]), 0.1, geometry, plan) == []  # exactly 3x is not


def test_no_rate_is_judged_without_a_trainable_layer_that_moved():
    from pytest_rnncheck.recorder import LayerRecord

    frozen_only = looked([0.9] * 3, [3.0, 9.0, 12.0], [LayerRecord("lstm", "LSTM", False, 100)])
    assert rate_suspects(frozen_only) == []


def test_a_control_learned_when_it_passed_or_gained_a_quarter_of_the_room_above_chance():
    from pytest_rnncheck.diagnosis.training_causes import Control, learned

    assert learned(Control(0.5, False, 1000), 0.25, 0.0)  # exactly a quarter
    assert not learned(Control(0.2, False, 1000), 0.1, 0.01)
    assert learned(Control(0.4, False, 1000), 0.2, 0.5)  # 0.2 >= 0.25 * 0.5
    assert not learned(Control(0.3, False, 1000), 0.2, 0.5)


def test_each_confirmed_cause_says_what_the_control_reached_and_how_to_fix_it():
    from pytest_rnncheck.diagnosis.training_causes import Control, Suspect, confirm, not_confirmed

    spec = make_spec("lag", 2)
    frozen = Suspect("frozen-layer", "trainable", "LSTM 'lstm' (trainable=False, 6,784 weights)")
    (found,) = confirm(spec, frozen, Control(0.99, True, 8192), 0.05, 0.01)
    assert (found.code, found.severity) == ("frozen-layer", "error")
    assert found.message == (
        "a layer on the path from input to output does not learn: LSTM 'lstm' (trainable=False, 6,784 weights); the "
        "same model with every layer trainable reached 0.990 on lag(2) and passed (this model: 0.050, chance 0.010)"
    )
    assert found.fix == (
        "make the layer trainable (layer.trainable = True, or drop trainable=False) before compile(): Keras reads "
        "trainable when the model is compiled"
    )
    (gained,) = confirm(spec, frozen, Control(0.60, False, 64000), 0.05, 0.01)
    assert "reached 0.600 on lag(2) (this model: 0.050, chance 0.010)" in gained.message
    dropout = Suspect("dropout", "no-dropout", "Dropout 'drop' at 0.9")
    (found,) = confirm(spec, dropout, Control(0.99, True, 8192), 0.05, 0.01)
    assert found.fix == (
        "lower the Dropout rate (0.1-0.3 is usual for sequence models), or drop dropout=/recurrent_dropout= on the "
        "recurrent layers"
    )
    large = Suspect("learning-rate", "rate", "learning rate 5: ...", rate=0.005, direction="too large")
    (found,) = confirm(spec, large, Control(0.97, True, 8192), 0.05, 0.01)
    assert found.message.startswith("the learning rate is too large: learning rate 5: ...; the same model at learning rate 0.005")
    assert found.fix == "lower the learning rate (the control used 0.005) or clip gradients (clipnorm=1.0)"
    assert not_confirmed(large, Control(0.02, False, 64000)) == (
        "checked learning-rate (learning rate 5: ...): the same model at learning rate 0.005 did not learn either "
        "(0.020 after 64,000 sequences), so it is not blamed"
    )


# -- undertrained, non-finite, ranges, ranking ------------------------------------------------
def undertrained(spec, *args, **kwargs):
    return diagnose_undertrained(spec, plan_probe(spec, HEALTHY["lstm_onehot"]), *args, **kwargs)


def test_undertrained_reads_in_full_with_one_attempt_and_nothing_measured():
    echo = make_spec("echo")
    (found,) = undertrained(echo, 0.05, 0.01, 100_000, "plateau", False, 1, False)  # echo needs no past
    assert (found.code, found.severity) == ("undertrained", "error")
    assert found.message == (
        "echo() reached 0.050 (chance 0.010) after 100,000 sequences (1 attempt), and learning had stalled, for "
        "longer than healthy models of this lag need; no cause was shown"
    )
    assert found.fix == "give it more training to settle it: budget=200000; or more units, or another learning rate"


def test_undertrained_names_an_unmeasured_reach_the_echo_control_and_the_attempts():
    lag = make_spec("lag", 1)
    assert undertrained(lag, 0.05, 0.01, 64_000, "budget", False, 1, False) == []  # lag(1): the reach rule's case
    (found,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", False, 3, None, (0.02, False))
    assert found.message == (
        "lag(1) reached 0.050 (chance 0.010) after 100,000 sequences (3 attempts at different learning rates), and the "
        "budget ran out; whether x[t-n] reaches the output could not be measured (a stateful model); the control "
        "echo() fails too (0.020); no cause was shown"
    )
    assert found.fix == (
        "the model cannot learn even to echo the current input: check what stands between input and output (frozen "
        "layers, heavy Dropout, the loss and the output activation, the learning rate)"
    )
    (two,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", True, 2, True)
    assert "(2 attempts at different learning rates), and it was still learning when the budget ran out;" in two.message
    assert two.fix == "give it more training to settle it: budget=100000"
    (three,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", True, 3, True)
    assert three.fix == "give it more training to settle it: budget=66666"


def test_a_non_finite_loss_says_when_and_blames_raw_inputs_only_when_they_are_large():
    plan = lambda spec, geometry: plan_probe(spec, geometry)  # noqa: E731
    scalar = seq("m", 4, 1, LSTM, dense(1, "linear"))
    (found,) = diagnose_non_finite(plan(make_spec("lag", 1, vocab=10, encoding="raw"), scalar), float("inf"), 512)
    assert (found.code, found.severity) == ("non-finite-loss", "error")
    assert found.message == "the loss became inf after 512 training sequences; training stopped there"
    clip = "lower the learning rate or clip gradients (optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))"
    assert found.fix == clip + "; raw inputs up to 9 make large activations: use encoding 'scaled' or one-hot"
    (three,) = diagnose_non_finite(plan(make_spec("lag", 1, vocab=3, encoding="raw"), scalar), float("nan"), 1)
    assert three.fix.endswith("; raw inputs up to 2 make large activations: use encoding 'scaled' or one-hot")
    for spec in (make_spec("lag", 1, vocab=2, encoding="raw"), make_spec("lag", 1, vocab=10, encoding="scaled")):
        assert diagnose_non_finite(plan(spec, scalar), float("nan"), 1)[0].fix == clip


def test_activation_ranges_are_described_with_their_infinite_ends():
    from pytest_rnncheck.diagnosis.ranges import activation_range, describe

    assert describe(activation_range("ReLU")) == "(0, inf)"
    assert describe(activation_range("log_softmax")) == "(-inf, 0)"
    assert describe(activation_range("selu")) == "(-1.7581, inf)"
    assert activation_range(None) is None and activation_range("my_act") is None


def test_findings_rank_proven_first_then_errors_then_by_code_and_unknown_codes_last():
    from pytest_rnncheck.diagnosis import WARNING, rank

    leak = Pathology("future-leak", WARNING, "m", "f")
    mine = Pathology("my-rule", ERROR, "m", "f")
    shape = Pathology("output-shape", ERROR, "m", "f")
    proven = Pathology("undertrained", ERROR, "m", "f", certain=True)
    assert rank([leak, mine, shape, proven]) == [proven, shape, mine, leak]
    warned = shape.as_warning()
    assert warned == Pathology("output-shape", WARNING, "m", "f") and shape.severity == ERROR
    assert shape.to_dict() == {"code": "output-shape", "severity": "error", "message": "m", "fix": "f"}


def test_no_loss_is_judged_on_an_uncompiled_model_or_an_output_that_cannot_be_read():
    import dataclasses

    raw = seq("m", 8, 1, LSTM, dense(1, "linear"))
    uncompiled = dataclasses.replace(raw, loss="msle")
    assert [p for p in static(make_spec("lag", 1, vocab=5, encoding="raw"), uncompiled) if p.code == "loss-mismatch"] == []
    unreadable = compiled(seq("m", 8, 100, LSTM, dense(7, "tanh")), "categorical_crossentropy", False)
    assert [p.code for p in static(make_spec("lag", 1), unreadable)] == ["output-shape"]
    huber = compiled(seq("m", 8, 100, LSTM, dense(100, "linear")), "huber")  # a loss no rule knows
    assert static(make_spec("lag", 1), huber) == []


def context_finding(spec, geometry, reach=None):
    found = [p for p in diagnose_static(spec, plan_probe(spec, geometry), geometry, reach) if p.code == "missing-context"]
    assert all(p.severity == "error" for p in found)
    return found


def test_no_time_mixing_layer_names_the_layers_and_what_would_carry_the_past():
    geometry = seq("local", 8, 100, LayerInfo("Conv1D", "relu", False, units=8), dense(32, "relu"), dense(100), rank=3)
    (found,) = context_finding(make_spec("lag", 2), geometry)
    assert found.certain
    assert found.message == (
        "no layer mixes information across time (Conv1D, Dense each act on one step alone), so the output at step t "
        "sees only x[t]; lag(2) needs x[t-2]"
    )
    assert found.fix == (
        "put a layer that carries the past before the read-out: LSTM/GRU/SimpleRNN, Conv1D(kernel_size >= 3, "
        "padding='causal'), or attention"
    )


def test_a_window_shorter_than_the_lag_says_how_many_steps_to_feed():
    (found,) = context_finding(make_spec("lag", 3), seq("three", 3, 100, LSTM, dense(100), rank=3))
    assert found.certain
    assert found.message == (
        "each sample holds 3 timesteps, but lag(3) needs x[t-3]: 4 steps in one sample; the target is never inside the window"
    )
    assert found.fix == (
        "feed at least 4 timesteps per sample so x[t-3] is inside the window the gradient flows through, e.g. windows = "
        "numpy.lib.stride_tricks.sliding_window_view(series, 4, axis=0) with keras.Input((4, features)) or "
        "keras.Input((None, features))"
    )
    (one,) = context_finding(make_spec("lag", 1), seq("one", 1, 100, LSTM, dense(100)))
    assert one.message.startswith("each sample holds 1 timestep, but lag(1) needs x[t-1]: 2 steps in one sample")
    (two,) = context_finding(make_spec("lag", 2), seq("two", 2, 100, LSTM, dense(100)))
    assert two.message.startswith("each sample holds 2 timesteps, but")


def test_a_stateful_model_trained_step_by_step_is_blamed_only_when_the_stateless_control_learns():
    from pytest_rnncheck.diagnosis.training_causes import Control, Suspect, confirm, not_confirmed

    spec = make_spec("lag", 1)
    evidence = "a stateful model trained 1 timestep per batch: Keras carries the state to the next batch but never back-propagates into it"
    suspect = Suspect("missing-context", "stateless-window", evidence, window=2)
    (found,) = confirm(spec, suspect, Control(0.994, True, 6144), 0.012, 0.01)
    assert not found.certain and found.severity == "error"
    assert found.message == (
        "training one step at a time is what fails: " + evidence + ", so nothing teaches it to keep x[t-1] for "
        "lag(1); the same model made stateless and fed 2-step windows reached 0.994 on lag(1) and passed "
        "(this model: 0.012, chance 0.010)"
    )
    assert found.fix.endswith("keras.Input((None, features)); keep stateful=True for step-by-step inference only")
    assert confirm(spec, suspect, Control(0.02, False, 64000), 0.012, 0.01) == []  # the control did not learn either
    assert not_confirmed(suspect, Control(0.02, False, 64000)).endswith(
        "the same model made stateless and fed 2-step windows did not learn either (0.020 after 64,000 sequences), "
        "so it is not blamed"
    )


def test_a_measured_reach_that_is_too_short_proves_the_probe_impossible():
    spec = make_spec("lag", 4)
    (found,) = context_finding(spec, PER_STEP, banded(12, 2))
    assert found.message == (
        "the output at t depends on x[t-2..t] only (measured by changing one input step at a time on 2 fresh "
        "initialisation(s)); lag(4) needs x[t-4]: 0 of 8 scored outputs can see it, so accuracy can be at most 0.10"
    )
    assert found.fix == (
        "let the output see at least 5 steps (it sees 3): stack or dilate the Conv1D layers (padding='causal') until "
        "kernel sizes x dilations cover 5 steps; or add a recurrent layer (LSTM, GRU) or attention over the window "
        "before the read-out"
    )
    assert context_finding(make_spec("lag", 1), PER_STEP, banded(12, 0))  # lag(1) too
    from pytest_rnncheck.reach import ReachMap

    last_only = ReachMap(np.eye(8, dtype=bool)[-1:], np.eye(8)[-1:], np.array([7]), 2)
    many_to_one = seq("m", 8, 10, LSTM, dense(10))
    (one,) = context_finding(make_spec("lag", 2), many_to_one, last_only)
    assert "0 of 1 scored outputs can see it" in one.message


def test_a_ceiling_exactly_at_the_threshold_is_not_a_proof():
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(12)
    depends = (t[None, :] <= t[:, None]) & (t[None, :] >= t[:, None] - 4)
    depends[11, 7] = False  # 7 of 8 scored outputs see x[t-4]
    reach = ReachMap(depends, depends.astype(float), t, 2)
    exact = make_spec("lag", 4, min_accuracy=(7 + 0.1) / 8)
    assert context_finding(exact, PER_STEP, reach) == []


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


@pytest.mark.parametrize(
    "layer, rank, fix_end",
    [
        (LayerInfo("TimeDistributed(Dense)", "tanh", False, units=5), 3,
         "give the last TimeDistributed(Dense) a width W = 100 with softmax for classes, or W = 1 for a scalar"),
        (LayerInfo("EinsumDense", "tanh", False, units=5), 2,
         "give the last EinsumDense a width W = 100 with softmax for classes, or W = 1 for a scalar"),
        (LayerInfo("Conv1D", "tanh", False, units=5), 3,
         "give the last Conv1D a width W = 100 with softmax for classes, or W = 1 for a scalar"),
        (LayerInfo("LSTM", "tanh", True, units=5), 2, "Dense(W); the recurrent state of LSTM is memory, not a prediction"),
        (LayerInfo("SimpleRNN", "tanh", True, units=5), 3,
         "TimeDistributed(Dense(W)); the recurrent state of SimpleRNN is memory, not a prediction"),
        (LayerInfo("RNN(GRUCell)", "tanh", True, units=5), 2,
         "Dense(W); the recurrent state of RNN(GRUCell) is memory, not a prediction"),
    ],
)
def test_the_output_shape_fix_fits_the_last_layer(layer, rank, fix_end):
    geometry = seq("m", 8, 100, LSTM, layer, rank=rank)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.fix.endswith(fix_end)
    assert found.message == (
        f"output width is 5 ({layer.kind}), but lag(1) needs width 100 (one unit per symbol) or 1 (a scalar); "
        "Keras would broadcast the target across the 5 units and train without complaint"
    )
    assert [p.code for p in static(make_spec("lag", 1), geometry)] == ["output-shape"]  # no range check on classes


def test_bits_are_a_width_only_for_binary_inputs_of_more_than_two_symbols():
    state = seq("m", 8, 1, GRU, rank=3)
    assert "needs width 2 (one unit per symbol) or 1 (a scalar);" in shape_finding(make_spec("invert", 1), state).message
    three = seq("m", 8, 2, GRU, rank=3)
    assert "needs width 3 (one unit per symbol) or 1 (a scalar) or 2 (one unit per bit);" in shape_finding(
        make_spec("lag", 1, vocab=3, encoding="binary"), three
    ).message


def range_finding(spec, geometry):
    (found,) = [p for p in static(spec, geometry) if p.code == "activation-range"]
    assert found.severity == "error"
    return found


def test_activation_range_offers_only_probe_options_under_which_the_targets_fit():
    raw = make_spec("lag", 1, vocab=10, encoding="raw")
    found = range_finding(raw, seq("m", 8, 1, LSTM, dense(1, "sigmoid")))
    assert found.message == (
        "sigmoid output spans (0, 1); targets span 0..9 (raw encoding of 10 symbols): only 2 of 10 target values can be "
        "produced, so accuracy can be at most 0.20"
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
    assert range_finding(make_spec("lag", 2, vocab=100, encoding="raw", min_accuracy=0.03), seq("m", 4, 1, LSTM, dense(1, "tanh"))).certain


def test_a_bidirectional_state_as_output_is_named_with_its_read_out_fix():
    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    found = range_finding(spec, seq("m", 4, 1, LayerInfo("Bidirectional(LSTM)", "tanh", True, units=1)))
    assert found.message.startswith("tanh output of Bidirectional(LSTM) spans (-1, 1); targets span 0..99")
    assert found.fix.startswith("add a read-out layer after Bidirectional(LSTM) (its tanh state is bounded); ")


def test_bit_outputs_are_not_range_checked_as_scalars():
    bits = seq("m", 8, 3, LSTM, dense(3, "sigmoid"))
    assert static(make_spec("lag", 1, vocab=8, encoding="binary"), bits) == []


def test_a_masking_layer_that_misses_does_not_hide_one_that_hits():
    layers = (LayerInfo("Masking", None, False, mask_value=-1.0), LayerInfo("Masking", None, False, mask_value=0.0))
    geometry = seq("m", 8, 1, *layers, LSTM, dense(1, "sigmoid"))
    (found,) = static(make_spec("invert", 1), geometry)
    assert found.severity == "error" and found.message.startswith(
        "Masking(mask_value=0) equals the encoded step of symbol 0 (binary encoding): about 50% of real input steps"
    )


def leak(spec, geometry, reach):
    (found,) = diagnose_static(spec, plan_probe(spec, geometry), geometry, reach)
    assert found.code == "future-leak"
    return found


def test_future_leak_message_and_fix_for_named_layers():
    geometry = seq("m", 12, 10, LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8), LayerInfo("Conv1D", "linear", True, units=8, padding="same"), dense(10), rank=3)
    found = leak(make_spec("lag", 1), geometry, banded(12, 3, ahead=2))
    assert found.message == (
        "the output at step t depends on inputs after t: 11 of 12 output steps move when a later input changes (the "
        "output at 0 moves when x[1] changes; up to 2 steps ahead), measured by changing one input step at a time on 2 "
        "fresh initialisation(s); the configuration points at Bidirectional(LSTM), Conv1D(padding='same'). A forecaster "
        "or streaming model will not have those inputs at inference time"
    )
    assert found.fix == (
        "drop the backward half: use the LSTM alone; use Conv1D(..., padding='causal') (or, if looking ahead is intended, "
        "ignore this warning; causal=True on the probe makes it an error)"
    )
    strict = leak(make_spec("lag", 1, causal=True), geometry, banded(12, 3, ahead=2))
    assert strict.fix == "drop the backward half: use the LSTM alone; use Conv1D(..., padding='causal')"


def test_future_leak_from_no_named_layer_one_step_ahead():
    geometry = seq("m", 12, 10, LayerInfo("Conv1D", "linear", True, units=8, padding="causal"), LayerInfo("MaxPooling1D", None, True, padding="same"), dense(10), rank=3)
    found = leak(make_spec("lag", 1, causal=True), geometry, banded(12, 3, ahead=1))
    assert "(the output at 0 moves when x[1] changes; up to 1 step ahead)" in found.message
    assert "; no layer's configuration shows which (a custom layer or a Lambda?). A forecaster" in found.message
    assert found.fix == "make every layer causal: each output step may read only steps up to its own"


def test_a_log_loss_on_an_output_without_activation_and_a_ratio_loss_on_scaled_targets():
    (log,) = loss_findings(make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, None)), "poisson")
    assert "but the output activation is none: predictions can be zero or negative" in log.message
    scaled = make_spec("lag", 1, vocab=10, encoding="scaled")
    (ratio,) = loss_findings(scaled, seq("m", 8, 1, LSTM, dense(1, "linear")), "mape")
    assert "divides by the target, but 1 of 10 target values are zero (the scaled encoding of symbol 0)" in ratio.message


#: Every finding a rule may call certain ("proven impossible", no training), and the proof it rests on.
#: A configuration alone is never enough: each is arithmetic on the head and targets, the window
#: against the lag, or a measured reach. Causes that need training come from a control run instead.
CERTAIN_EVIDENCE = {
    "output-shape": "the output's width or rank against what the targets need (Keras would broadcast)",
    "activation-range": "the activation's range against the target values (softmax over one unit is 1.0)",
    "constant-output": "softmax over one unit is 1.0 for every input",
    "missing-context": "a stateless window shorter than the lag, the measured reach, or only per-step layers",
    "position-blind": "the measured reach: reordering the steps leaves every output unchanged",
    "future-leak": "the measured reach: outputs depend on later steps, under causal=True",
    "loss-mismatch": "the loss's arithmetic: targets it cannot read, or a categorical loss on one unit (0 for any output)",
}


def certain_codes(path):
    """Codes of the Pathology(...) calls in a module that pass certain= something other than False."""
    import ast

    codes = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Pathology":
            certain = [k.value for k in node.keywords if k.arg == "certain"]
            if certain and not (isinstance(certain[0], ast.Constant) and certain[0].value is False):
                code = node.args[0]
                codes.add(code.value if isinstance(code, ast.Constant) else ast.unparse(code))
    return codes


def test_every_rule_that_can_claim_certainty_has_a_proof_listed_and_training_causes_never_do():
    from pathlib import Path

    import pytest_rnncheck

    package = Path(pytest_rnncheck.__file__).parent
    claimed = {}
    for path in sorted([*(package / "diagnosis").glob("*.py"), package / "user_data.py"]):
        for code in certain_codes(path):
            claimed.setdefault(code, []).append(path.name)
    assert set(claimed) == set(CERTAIN_EVIDENCE), claimed
    assert not certain_codes(package / "diagnosis" / "training_causes.py")  # control-run causes: shown, not proven
    assert "stateful_suspect" in (package / "diagnosis" / "missing_context.py").read_text()
    # the one rule that reads the configuration of a stateful model only raises a suspect
    from pytest_rnncheck.diagnosis.missing_context import stateful_suspect

    geometry = seq("stateful", 1, 100, STATEFUL_LSTM, dense(100), batch=5)
    (suspect,) = stateful_suspect(make_spec("lag", 1), plan_probe(make_spec("lag", 1), geometry))
    assert not suspect.certain and suspect.severity == "warning"


def test_one_unit_under_a_categorical_loss_is_the_only_loss_finding_whatever_its_activation():
    for act, logits in ((None, False), ("linear", None), ("sigmoid", True)):
        found = loss_findings(make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, act)), "categorical_crossentropy", logits)
        assert [p.message.split(":")[0] for p in found] == ["categorical_crossentropy on a single output unit"]
