"""Tests of diagnosis/constant_output.py. ``constant-output``: the spread of held-out predictions, its
thresholds, and the fix the evidence points to."""

import numpy as np
import pytest
from geometries import GRU, HEALTHY, LSTM, LayerInfo, dense, seq

from pytest_rnncheck.diagnosis import (
    diagnose_constant_output,
    measure_spread,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def spread_of(predicted, targets, values=None, target_values=None):
    scored = np.ones_like(targets, dtype=bool)
    acc = float(np.mean(predicted == targets))
    chance = float(np.bincount(targets.ravel()).max() / targets.size)
    return measure_spread(predicted, targets, scored, acc, chance, values, target_values)


def test_constant_output_fires_on_a_constant_classifier_and_a_flat_regressor():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 100, size=(500, 1))
    plan = plan_probe(make_spec("lag", 1), HEALTHY["lstm_onehot"])
    found = diagnose_constant_output(
        make_spec("lag", 1), plan, HEALTHY["lstm_onehot"], spread_of(np.full_like(targets, 7), targets)
    )
    assert found and "predicts 1 distinct symbol of 100" in found[0].message

    spec = make_spec("lag", 2, vocab=100, encoding="raw")
    geometry = seq("regressor", 4, 1, LSTM, dense(1, "linear"))
    values = 49.5 + rng.normal(0, 0.3, size=targets.shape)
    predicted = np.clip(np.rint(values), 0, 99).astype(int)
    found = diagnose_constant_output(
        spec, plan_probe(spec, geometry), geometry, spread_of(predicted, targets, values, targets.astype(float))
    )
    assert found and "prediction spread" in found[0].message and "one-hot" in found[0].fix


def test_constant_output_stays_quiet_on_varied_predictions():
    rng = np.random.default_rng(1)
    targets = rng.integers(0, 100, size=(500, 1))
    predicted = np.where(rng.random(targets.shape) < 0.5, targets, rng.integers(0, 100, size=targets.shape))
    plan = plan_probe(make_spec("lag", 1), HEALTHY["lstm_onehot"])
    assert (
        diagnose_constant_output(make_spec("lag", 1), plan, HEALTHY["lstm_onehot"], spread_of(predicted, targets)) == []
    )


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
    assert (
        found.message == "predicts 3 distinct symbols of 100 (symbol 7 on 95% of steps); accuracy 0.012 vs chance 0.010"
    )
    assert found.fix == (
        "no cause was shown (the configuration and the control runs are clean): more units or a larger budget may help"
    )


@pytest.mark.parametrize(
    "spec, geometry, fix",
    [
        (
            make_spec("lag", 1, vocab=10, encoding="raw"),
            seq("m", 8, 1, LSTM, dense(1, "linear")),
            "feed symbols one-hot (Input((timesteps, 10))) or through Embedding(10, d) instead of one raw number; "
            "predict classes with Dense(10, activation='softmax') instead of one number",
        ),
        (
            make_spec("lag", 1, vocab=3, encoding="scaled"),
            seq("m", 8, 1, LSTM, dense(1, "linear")),
            "feed symbols one-hot (Input((timesteps, 3))) or through Embedding(3, d) instead of one scaled number; "
            "predict classes with Dense(3, activation='softmax') instead of one number",
        ),
        (
            make_spec("lag", 1, vocab=2, encoding="raw"),
            seq("m", 8, 1, LSTM, dense(1, "linear")),
            (
                "no cause was shown (the configuration and the control runs are clean): more units or a larger budget "
                "may help"
            ),
        ),
        (
            make_spec("lag", 1, vocab=3, encoding="raw"),
            seq("m", 8, 1, GRU, dense(3)),
            "feed symbols one-hot (Input((timesteps, 3))) or through Embedding(3, d) instead of one raw number",
        ),
        (
            make_spec("lag", 1),
            seq("m", 8, 16, LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8)),
            "add a read-out layer after Bidirectional(LSTM)",
        ),
    ],
)
def test_the_constant_output_fix_follows_the_evidence(spec, geometry, fix):
    from pytest_rnncheck.diagnosis.constant_output import constant_fix

    assert constant_fix(plan_probe(spec, geometry), geometry) == fix


def test_after_the_short_fit_one_class_or_one_value_for_every_held_out_sample_is_constant():
    from pytest_rnncheck.diagnosis import Evidence, run
    from pytest_rnncheck.diagnosis.constant_output import constant_after_fit
    from pytest_rnncheck.user_data import summarize

    y = np.arange(30) % 3
    summary = summarize(np.zeros((30, 4, 1)) + y[:, None, None], y)
    probabilities = np.tile([0.1, 0.8, 0.1], (6, 1))
    (found,) = constant_after_fit(Evidence(summary=summary, fit_predictions=probabilities, fit_targets=y))
    assert (found.code, found.severity, found.certain) == ("constant-output", "error", False)
    assert found.message == (
        "after a short fit on the data the model predicts class 1 for every held-out sample, while y takes 3 values"
    )
    assert found.fix == (
        "check the output activation against the targets' range, the loss against the targets, and the learning rate; "
        "the other findings name what the configuration shows"
    )
    varied = probabilities.copy()
    varied[0] = [0.8, 0.1, 0.1]
    assert constant_after_fit(Evidence(summary=summary, fit_predictions=varied, fit_targets=y)) == []
    values = np.full((6, 1), 0.5)
    (flat,) = run("dynamic", Evidence(summary=summary, fit_predictions=values, fit_targets=y))
    assert "predicts 0.5 for every held-out sample (spread 0)" in flat.message
    limit = np.std(y) * 1e-3  # a spread up to a thousandth of y's is flat
    under, over = (np.array([[0.5 - k * limit], [0.5 + k * limit]]) for k in (0.5, 2.0))
    assert constant_after_fit(Evidence(summary=summary, fit_predictions=under, fit_targets=y))
    assert constant_after_fit(Evidence(summary=summary, fit_predictions=over, fit_targets=y)) == []
    one_class = summarize(np.zeros((30, 4, 1)), np.zeros(30, int))
    assert constant_after_fit(Evidence(summary=one_class, fit_predictions=values, fit_targets=np.zeros(30))) == []
    assert constant_after_fit(Evidence(summary=summary)) == []  # no short fit ran


def test_constant_output_over_epochs_needs_patience_epochs_in_a_row_up_to_the_last():
    from pytest_rnncheck.diagnosis import Evidence, run
    from pytest_rnncheck.own_training import Targets, look

    def found(epochs, targets):
        return run("epochs", Evidence(epochs=tuple(epochs), targets=targets, patience=3))

    targets = Targets.read(np.array([0, 1, 2, 1]), 3)
    one_class = np.eye(3)[[1, 1, 1, 1]]
    varied = np.eye(3)[[0, 1, 2, 1]]
    epochs = [look(k, 1.0, one_class, targets) for k in (1, 2)]
    assert found(epochs, targets) == []
    epochs.append(look(3, 1.0, one_class, targets))
    [finding] = found(epochs, targets)
    assert finding.code == "constant-output" and "epochs 1-3" in finding.message and "scores 0.500" in finding.message
    epochs.append(look(4, 0.9, varied, targets))  # the stretch ended: nothing to report
    assert found(epochs, targets) == []
    assert found(epochs[:3], Targets.read(np.array([1, 1, 1, 1]), 3)) == []  # one label only
