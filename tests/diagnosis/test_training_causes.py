"""Tests of diagnosis/training_causes.py. Causes a control run confirms (frozen-layer, dropout,
learning-rate, a stateful model's short windows): the suspects, their thresholds, and what a control
proves."""

import pytest
from geometries import LSTM, LayerInfo, dense, seq
from flight_records import recorded
from rule_helpers import compiled

from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def test_suspects_come_from_the_configuration_and_the_record():
    from pytest_rnncheck.diagnosis import suspects

    frozen = seq(
        "m", 8, 20, LayerInfo("LSTM", "tanh", True, units=32, name="lstm", trainable=False, weights=6784), dense(20)
    )
    assert [s.code for s in suspects(make_spec("lag", 2), frozen, None, 0.01)] == ["frozen-layer"]
    heavy = seq("m", 8, 20, LayerInfo("Dropout", None, False, name="drop", dropout=0.9), LSTM, dense(20))
    assert [(s.code, s.control) for s in suspects(make_spec("lag", 2), heavy, None, 0.01)] == [
        ("dropout", "no-dropout")
    ]
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
            {
                "class_name": "LSTM",
                "config": {"units": 8, "dropout": 0.7, "recurrent_dropout": 0.5, "trainable": False},
            },
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


def looked(updates, losses, layers=None):
    """A flight record with exactly these per-look relative updates of one trainable LSTM."""
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord, Look

    record = FlightRecorder(layers or [LayerRecord("lstm", "LSTM", True, 100)])
    record.looks = [
        Look(1024 * (k + 1), 0.01, loss, 3, {"lstm": u}) for k, (u, loss) in enumerate(zip(updates, losses))
    ]
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
    frozen = seq(
        "m", 8, 20, LayerInfo("LSTM", "tanh", True, units=32, name="lstm", trainable=False, weights=6784), dense(20)
    )
    layers = [
        LayerRecord("lstm", "LSTM", False, 6784),
        LayerRecord("dense", "Dense", True, 660),
        LayerRecord("out", "Dense", True, 21),
    ]
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
        "m",
        8,
        20,
        LayerInfo("Dropout", None, False, name="drop", dropout=0.5),
        LayerInfo("LSTM", "tanh", True, units=8, name="lstm", dropout=0.75),
        LayerInfo("Dropout", None, False, name="light", dropout=0.49),
        dense(20),
    )
    (found,) = suspects(make_spec("lag", 2), heavy, None, 0.01)
    assert (found.code, found.control, found.evidence) == (
        "dropout",
        "no-dropout",
        "Dropout 'drop' at 0.5, LSTM 'lstm' at 0.75",
    )


def test_a_rate_is_too_small_when_the_weights_barely_move_and_the_loss_is_flat():
    (small,) = rate_suspects(looked([1e-5] * 4, [50.0, 49.5, 49.2, 49.0]), rate=1e-7)  # flat: 2% exactly
    assert (small.control, small.direction, small.rate) == ("rate", "too small", 0.01)
    assert (
        small.evidence
        == "learning rate 1e-07: the weights moved 1.0e-05 of their size per look and the loss went from 50 to 49"
    )
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
    assert found.message.startswith(
        "the learning rate is too large: learning rate 5: ...; the same model at learning rate 0.005"
    )
    assert found.fix == "lower the learning rate (the control used 0.005) or clip gradients (clipnorm=1.0)"
    assert not_confirmed(large, Control(0.02, False, 64000)) == (
        "checked learning-rate (learning rate 5: ...): the same model at learning rate 0.005 did not learn either "
        "(0.020 after 64,000 sequences), so it is not blamed"
    )


def test_a_stateful_model_trained_step_by_step_is_blamed_only_when_the_stateless_control_learns():
    from pytest_rnncheck.diagnosis.training_causes import Control, Suspect, confirm, not_confirmed

    spec = make_spec("lag", 1)
    evidence = (
        "a stateful model trained 1 timestep per batch: Keras carries the state to the next batch but never "
        "back-propagates into it"
    )
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
