"""Tests of diagnosis/raw_integer.py. ``raw-integer``: the user's integers fed or regressed as magnitudes (data)."""

import numpy as np
from rule_helpers import QUESTION_X, QUESTION_Y, RNG, data_findings, data_geometry

from pytest_rnncheck.user_data import describe_as_plan, summarize


def test_integers_copied_from_the_inputs_fed_as_values_are_raw_integer_errors():
    s = summarize(QUESTION_X, QUESTION_Y)
    g = data_geometry()
    plan = describe_as_plan(s, g)
    assert (plan.encoding, plan.vocab, plan.timesteps, plan.form) == ("raw", 100, 1, None)
    [raw] = [p for p in data_findings(s, g, plan) if p.code == "raw-integer"]
    assert raw.severity == "error" and "x holds the integers 0..99 (100 distinct)" in raw.message
    assert "y holds the integers 0..99" in raw.message and "symbols" in raw.message
    assert "Embedding(100, 16)" in raw.fix and "to_categorical(x, 100)" in raw.fix


def test_integers_that_may_be_counts_are_only_a_warning_said_conditionally():
    x = RNG.normal(size=(200, 4, 1))
    y = RNG.integers(0, 30, 200)  # counts regressed from real values: nothing says they are symbols
    s = summarize(x, y)
    g = data_geometry(timesteps=4, output_width=1, output_activation="linear", output_layer="Dense")
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.code == "raw-integer" and raw.severity == "warning" and "if these integers name things" in raw.message
    classes = data_geometry(
        timesteps=4, output_width=30, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    assert [p.code for p in data_findings(s, classes, describe_as_plan(s, classes))] == []


def test_the_messages_of_the_data_rules_read_in_full():
    s = summarize(QUESTION_X, QUESTION_Y)
    g = data_geometry(loss=None, output_activation=None)
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.message == (
        "x holds the integers 0..99 (100 distinct) as magnitudes in one feature; y holds the integers 0..99 "
        "(100 distinct) as values to regress, with a linear output: the targets are values taken from the inputs, "
        "so these are symbols: symbols next to each other become nearly the same input and the same output, and a "
        "regression lands between symbols"
    )
    assert raw.fix == (
        "one-hot the inputs (keras.utils.to_categorical(x, 100) with keras.Input((timesteps, 100))) or feed the "
        "integer ids to an Embedding(100, 16); predict classes with Dense(100, activation='softmax') and "
        "sparse_categorical_crossentropy"
    )
    counts = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 30)
    lin = data_geometry(timesteps=4, output_width=1, output_activation="linear", loss="MeanSquaredError")
    [maybe] = data_findings(counts, lin, describe_as_plan(counts, lin))
    assert maybe.severity == "warning" and maybe.message == (
        "y holds the integers 0..29 (30 distinct) as values to regress, with a MeanSquaredError loss: if these "
        "integers name things (ids, categories, symbols) rather than count them, their order and distance mean "
        "nothing to the task but everything to the model"
    )


def test_which_outputs_count_as_regressing_integers_without_a_loss():
    ints = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 30)
    for activation, expected in (
        ("linear", ["raw-integer"]),
        ("relu", ["raw-integer"]),
        ("tanh", ["raw-integer"]),
        (None, ["raw-integer"]),
        ("softmax", []),
    ):
        g = data_geometry(timesteps=4, output_width=1, output_activation=activation, loss=None)
        assert [p.code for p in data_findings(ints, g, describe_as_plan(ints, g))] == expected, activation
    g = data_geometry(timesteps=4, output_width=1, output_activation="linear", loss="huber")
    assert [p.code for p in data_findings(ints, g, describe_as_plan(ints, g))] == ["raw-integer"]
    three = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 3)  # three values are enough to be symbols
    assert [p.code for p in data_findings(three, g, describe_as_plan(three, g))] == ["raw-integer"]
    two = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 2)
    assert data_findings(two, g, describe_as_plan(two, g)) == []


def test_integer_inputs_with_targets_not_taken_from_them_are_a_warning_and_the_fix_covers_every_input():
    x = RNG.integers(0, 100, (60, 4, 1))
    x[:, 0, 0], x[0, 1, 0] = np.arange(60), 99  # inputs 0..99, every one of 0..59 among them
    y = np.arange(60) % 10  # ten classes taken from the inputs' values; shifted by 200 they are not
    s = summarize(x, 200 + y)
    g = data_geometry(timesteps=4, output_width=1, output_activation="linear", loss="mean_squared_error")
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.severity == "warning" and "with a mean_squared_error loss: if these integers name things" in raw.message
    s = summarize(x, y)
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.severity == "error" and describe_as_plan(s, g).vocab == 10
    assert raw.fix.startswith(
        "one-hot the inputs (keras.utils.to_categorical(x, 100) with keras.Input((timesteps, 100))) or feed the "
        "integer ids to an Embedding(100, 16)"
    )
