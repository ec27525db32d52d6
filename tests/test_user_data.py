"""diagnose() on the user's own arrays: bad arrays get clear errors; the data's own findings
(pure numpy) and, through real Keras models (built; one tiny short fit), the same codes and
wording as the probes."""

import os

import numpy as np
import pytest

from pytest_rnncheck.diagnosis.pathology import CODES
from pytest_rnncheck.geometry import Geometry
from pytest_rnncheck.user_data import DataError, data_findings, describe_as_plan, summarize

RNG = np.random.default_rng(0)
SERIES = RNG.integers(0, 100, 2000)
QUESTION_X, QUESTION_Y = SERIES[2:].reshape(-1, 1, 1), SERIES[:-2]  # y_t = x_{t-2}, one step per sample


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros(10), np.zeros(10), r"x has shape \(10,\): give samples of sequences.*sliding_window_view"),
        (np.zeros((10, 3, 1)), np.zeros(9), "x has 10 samples but y has 9"),
        (np.array([[[1.0], [np.nan]]] * 3), np.zeros(3), r"x holds 3 NaN or infinite value\(s\) \(first at index \(0, 1, 0\)\)"),
        (np.zeros((3, 2, 1)), np.array([0, np.inf, 1]), r"y holds 1 NaN or infinite"),
        (np.array([["a"], ["b"]]), np.zeros(2), "x holds <U1 values: give numbers"),
        (np.zeros((4, 2, 1)), np.zeros((4, 2, 1, 1)), r"y has shape \(4, 2, 1, 1\)"),
        (np.zeros((1, 2, 1)), np.zeros(1), "needs at least 2"),
        (np.zeros((0, 2, 1)), np.zeros(0), "empty"),
    ],
)
def test_bad_arrays_get_one_clear_error(x, y, message):
    with pytest.raises(DataError, match=message):
        summarize(x, y)


def test_ragged_sequences_are_a_clear_error_not_a_traceback():
    with pytest.raises(DataError, match="cannot be read as an array|give numbers"):
        summarize([[1, 2], [3]], [0, 1])


def test_the_summary_reads_integers_one_hot_labels_and_the_majority():
    s = summarize(QUESTION_X, QUESTION_Y)
    assert (s.samples, s.timesteps, s.features, s.x_integer, s.x_distinct, s.x_range) == (1998, 1, 1, True, 100, (0, 99))
    assert (s.y_integer, s.y_distinct, s.y_per_step, s.y_width, s.y_copies_x) == (True, 100, False, 1, True)
    onehot = np.eye(5)[RNG.integers(0, 5, (50, 4))]
    labels = np.eye(5)[np.r_[np.zeros(40, int), np.arange(10) % 5]]
    t = summarize(onehot, labels)
    assert (t.x_onehot, t.y_onehot, t.y_width, t.y_distinct) == (True, True, 5, 5)
    assert t.majority == pytest.approx(42 / 50)
    tokens = summarize(RNG.integers(0, 9, (20, 6)), RNG.integers(0, 9, (20, 6)))
    assert (tokens.features, tokens.y_per_step, tokens.y_width) == (None, True, 1)


def geometry(**fields):
    base = dict(name="m", input_rank=3, timesteps=1, features=1, output_rank=2, output_width=2,
                output_activation="tanh", output_layer="SimpleRNN", loss="mse", compiled=True)
    return Geometry(**{**base, **fields})


def test_integers_copied_from_the_inputs_fed_as_values_are_raw_integer_errors():
    s = summarize(QUESTION_X, QUESTION_Y)
    g = geometry()
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
    g = geometry(timesteps=4, output_width=1, output_activation="linear", output_layer="Dense")
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.code == "raw-integer" and raw.severity == "warning" and "if these integers name things" in raw.message
    classes = geometry(timesteps=4, output_width=30, output_activation="softmax", loss="sparse_categorical_crossentropy")
    assert [p.code for p in data_findings(s, classes, describe_as_plan(s, classes))] == []


@pytest.mark.parametrize(
    "loss, y, width, message",
    [
        ("sparse_categorical_crossentropy", np.eye(3)[np.arange(30) % 3], 3, "y is one-hot"),
        ("sparse_categorical_crossentropy", np.arange(30) % 5, 3, "class ids up to 4 but the output has 3 units"),
        ("sparse_categorical_crossentropy", np.linspace(0, 1, 30), 3, "non-integer values"),
        ("categorical_crossentropy", np.arange(30) % 3, 3, "categorical_crossentropy, which reads one-hot targets, but y holds class ids"),
        ("binary_crossentropy", np.arange(30) % 3, 1, "binary_crossentropy reads targets in 0..1, but y spans 0..2"),
    ],
)
def test_a_loss_that_cannot_read_the_targets_is_a_loss_mismatch(loss, y, width, message):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = geometry(timesteps=4, features=2, output_width=width, output_activation="softmax", loss=loss)
    found = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    assert len(found) == 1 and message in found[0].message and found[0].certain


@pytest.mark.parametrize(
    "activation, loss, y, shown",
    [
        ("softmax", "mse", np.linspace(-27, 27, 40), "the softmax output of Dense spans (0, 1), but y spans -27..27"),
        ("sigmoid", "mae", np.linspace(0, 3, 40), "the sigmoid output of Dense spans (0, 1), but y spans 0..3"),
        ("tanh", None, np.linspace(-2.5, 0.5, 40), "the tanh output of Dense spans (-1, 1), but y spans -2.5..0.5"),
        ("relu", "mse", np.linspace(-1, 1, 40), "the relu output of Dense spans (0, inf), but y spans -1..1"),
    ],
)
def test_values_to_regress_outside_what_the_output_activation_produces_are_an_activation_range_error(activation, loss, y, shown):
    s = summarize(RNG.normal(size=(40, 16, 1)), y)
    g = geometry(timesteps=16, output_width=2 if activation == "softmax" else 1, output_activation=activation,
                 output_layer="Dense", loss=loss, compiled=loss is not None)
    (found,) = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "activation-range"]
    assert found.message.startswith(shown) and found.certain and "activation=None" in found.fix


def test_targets_inside_the_output_range_or_class_ids_for_a_classifier_are_no_range_finding():
    x = RNG.normal(size=(40, 16, 1))
    inside = summarize(x, np.linspace(0.05, 0.95, 40))
    sigmoid = geometry(timesteps=16, output_width=1, output_activation="sigmoid", output_layer="Dense")
    assert not [p for p in data_findings(inside, sigmoid, describe_as_plan(inside, sigmoid)) if p.code == "activation-range"]
    ids = summarize(x, np.arange(40) % 4)
    classifier = geometry(timesteps=16, output_width=4, output_activation="softmax", output_layer="Dense",
                          loss="sparse_categorical_crossentropy")
    assert not [p for p in data_findings(ids, classifier, describe_as_plan(ids, classifier)) if p.code == "activation-range"]


def test_real_valued_targets_against_a_wide_head_ask_for_one_value_not_symbols():
    from pytest_rnncheck.diagnosis import diagnose_static
    from pytest_rnncheck.data_diagnosis import DataSpec

    s = summarize(RNG.normal(size=(40, 16, 1)), np.linspace(-27, 27, 40))
    g = geometry(timesteps=16, output_width=2, output_activation="softmax", output_layer="Dense")
    plan = describe_as_plan(s, g)
    (shape,) = [p for p in diagnose_static(DataSpec(kind="echo", n=0), plan, g) if p.code == "output-shape"]
    assert "needs width 1 (one value per target);" in shape.message and "symbol" not in shape.message
    assert shape.fix == "end the model with one linear unit for the value: Dense(1) with no activation"


def test_a_majority_label_makes_accuracy_say_little():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    s = summarize(RNG.normal(size=(100, 4, 2)), y)
    g = geometry(timesteps=4, features=2, output_width=2, output_activation="softmax", loss="sparse_categorical_crossentropy")
    [found] = data_findings(s, g, describe_as_plan(s, g))
    assert found.code == "label-imbalance" and "90% of y" in found.message and "0.90 accuracy" in found.message
    balanced = summarize(RNG.normal(size=(100, 4, 2)), np.arange(100) % 2)
    assert data_findings(balanced, g, describe_as_plan(balanced, g)) == []
    two_to_one = summarize(RNG.normal(size=(99, 4, 2)), np.arange(99) % 3 == 0)  # 67% of 2 labels: under 0.75
    assert data_findings(two_to_one, g, describe_as_plan(two_to_one, g)) == []
    three = summarize(RNG.normal(size=(100, 4, 2)), np.r_[np.zeros(50, int), np.arange(50) % 2 + 1])
    g3 = geometry(timesteps=4, features=2, output_width=3, output_activation="softmax", loss="sparse_categorical_crossentropy")
    assert [p.code for p in data_findings(three, g3, describe_as_plan(three, g3))] == ["label-imbalance"]


def test_the_new_codes_rank_with_the_others():
    assert CODES.index("raw-integer") < CODES.index("missing-context") and "label-imbalance" in CODES


# -- through Keras ------------------------------------------------------------
# the pure rules are measured by mutation testing without Keras (a forked mutant run is no place
# to build models); RNNCHECK_NO_KERAS=1 turns these off by hand too
keras_marks = pytest.mark.skipif(
    os.environ.get("RNNCHECK_NO_KERAS") == "1" or "MUTANT_UNDER_TEST" in os.environ, reason="Keras tests turned off"
)


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("keras")


def question_model(keras):
    """The first question's model: a SimpleRNN(2) fed one step per sample, fitted by squared error."""

    def build():
        m = keras.Sequential([keras.Input((1, 1)), keras.layers.SimpleRNN(2)])
        m.compile(optimizer="adam", loss="mse")
        return m

    return build


@keras_marks
def test_the_first_question_comes_back_with_its_four_findings(keras):
    from pytest_rnncheck import diagnose

    found = diagnose(question_model(keras), QUESTION_X, QUESTION_Y, lag=2)
    assert sorted(found.codes) == ["activation-range", "missing-context", "output-shape", "raw-integer"]  # once each
    text = found.message()
    assert "the data (y from x[t-2]) needs x[t-2]: 3 steps in one sample" in text
    assert "tanh output of SimpleRNN spans (-1, 1); targets span 0..99" in text
    assert "on the probe" not in text  # no probe options offered for the user's own data
    assert all(p.severity == "error" for p in found)


@keras_marks
@pytest.mark.integration
@pytest.mark.smoke
def test_assert_healthy_raises_with_the_findings_and_passes_a_healthy_setup(keras):
    from pytest_rnncheck import rnncheck

    with pytest.raises(AssertionError, match=r"not healthy \(output-shape, activation-range, missing-context, raw-integer\)"):
        rnncheck.assert_healthy(question_model(keras), QUESTION_X, QUESTION_Y, lag=2)
    windows = np.lib.stride_tricks.sliding_window_view(SERIES, 3)[:, :, None]
    x, y = np.eye(100)[windows[..., 0]], windows[:, 0, 0]  # one-hot windows of 3, y = the oldest
    healthy = keras.Sequential([keras.Input((3, 100)), keras.layers.LSTM(8), keras.layers.Dense(100, activation="softmax")])
    healthy.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    found = rnncheck.assert_healthy(healthy, x[:400], y[:400], lag=2)
    assert found.codes == [] and any("short fit on a copy" in n for n in found.notes)


@keras_marks
@pytest.mark.integration
def test_a_model_that_collapses_to_one_class_on_the_data_is_caught_by_a_short_fit(keras):
    from pytest_rnncheck import diagnose

    x = RNG.normal(size=(300, 4, 3))
    y = RNG.integers(0, 3, 300)
    m = keras.Sequential([keras.Input((4, 3)), keras.layers.LSTM(4), keras.layers.Dense(3, activation="softmax")])
    m.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")  # cannot move
    m.layers[-1].set_weights([np.zeros((4, 3)), np.array([0.0, 5.0, 0.0])])  # always class 1
    found = diagnose(m, x, y, seed=1)
    assert found.codes == ["constant-output"] and "predicts class 1 for every held-out sample" in found[0].message


@keras_marks
def test_arrays_that_do_not_fit_the_model_say_so(keras):
    from pytest_rnncheck import diagnose
    from pytest_rnncheck.user_data import DataError

    m = keras.Sequential([keras.Input((3, 100)), keras.layers.LSTM(8), keras.layers.Dense(100, activation="softmax")])
    with pytest.raises(DataError, match="x has 1 step\\(s\\) per sample but .* takes 3"):
        diagnose(m, QUESTION_X, QUESTION_Y)
    with pytest.raises(DataError, match="lag='2'"):
        diagnose(m, QUESTION_X, QUESTION_Y, lag="2")


@keras_marks
def test_one_step_per_sample_on_a_stateful_model_is_a_missing_context_suspect_not_a_proof(keras):
    from pytest_rnncheck import diagnose

    bits = RNG.integers(0, 2, 400)
    x, y = bits[1:].reshape(-1, 1, 1).astype("float32"), bits[:-1]  # y_t = x_{t-1}, fed one step at a time
    m = keras.Sequential([keras.Input((1, 1), batch_size=7), keras.layers.GRU(8, stateful=True), keras.layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy")
    found = diagnose(m, x, y, lag=1, fit=False)
    (suspect,) = [p for p in found if p.code == "missing-context"]
    assert suspect.severity == "warning" and "gradients stop at every batch boundary" in suspect.message
    assert "may not teach" in suspect.message and "rnncheck.lag(1)" in suspect.message


# -- the data described as a probe plan, case by case ----------------------------
ONEHOT_X = np.eye(12)[RNG.integers(0, 12, (60, 5))]


#: How the data read as a plan, case by case: x, y, the geometry fields, what the plan says.
PLANS = [
    # token ids in, a class per step out
    (RNG.integers(0, 10, (60, 5)), RNG.integers(0, 10, (60, 5)),
     dict(input_rank=2, features=None, timesteps=5, integer_input=True, embedding_vocab=10, output_rank=3,
          output_timesteps=5, output_width=10, output_activation="softmax"),
     ("index", 10, 10, 5, True, "classes")),
    # one-hot in, one label per sequence out
    (ONEHOT_X, RNG.integers(0, 12, 60), dict(timesteps=5, features=12, output_width=12, output_activation="softmax"),
     ("onehot", 12, 12, 5, False, "classes")),
    # one-hot in over 12 symbols, 5 labels out
    (ONEHOT_X, np.arange(60) % 5, dict(timesteps=5, features=12, output_width=5, output_activation="softmax"),
     ("onehot", 5, 12, 5, False, "classes")),
    # bits in, a bit out through one sigmoid
    (RNG.integers(0, 2, (60, 5, 1)), RNG.integers(0, 2, 60), dict(timesteps=5, output_width=1, output_activation="sigmoid"),
     ("binary", 2, 2, 5, False, "scalar")),
    # real values in, classes out
    (RNG.normal(size=(60, 5, 3)), np.arange(60) % 3, dict(timesteps=5, features=3, output_width=3, output_activation="softmax"),
     ("continuous", 3, 3, 5, False, "classes")),
    # real values in, a value out
    (RNG.normal(size=(60, 5, 3)), RNG.normal(size=60), dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
     ("continuous", 3, 3, 5, False, "value")),
    # negative integers are values, not class ids
    (RNG.normal(size=(60, 5, 3)), np.arange(60) % 7 - 3, dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
     ("continuous", 3, 3, 5, False, "value")),
    # one-hot labels over 6 classes, of which only 0..3 occur
    (ONEHOT_X, np.eye(6)[np.arange(60) % 4], dict(timesteps=5, features=12, output_width=6, output_activation="softmax"),
     ("onehot", 6, 12, 5, False, "classes")),
]


def test_a_stateful_fixed_batch_model_keeps_its_batch_in_the_plan():
    layers = (__import__("pytest_rnncheck.geometry", fromlist=["LayerInfo"]).LayerInfo(kind="GRU", stateful=True),)
    g = geometry(batch_size=7, layers=layers, output_width=1, output_activation="sigmoid")
    plan = describe_as_plan(summarize(RNG.integers(0, 2, (70, 1, 1)), RNG.integers(0, 2, 70)), g)
    assert (plan.stateful, plan.batch_size) == (True, 7)


def test_the_summary_of_one_hot_inputs_reads_the_symbols_not_the_bits():
    s = summarize(ONEHOT_X, np.arange(60) % 5)
    assert (s.x_onehot, s.x_integer, s.x_range) == (True, True, (0.0, 11.0)) and s.x_distinct == 12
    single = summarize(np.ones((10, 4, 1)), np.zeros(10))  # one feature of ones is not one-hot
    assert single.x_onehot is False and single.x_distinct == 1
    column = summarize(RNG.normal(size=(10, 4, 2)), np.ones((10, 1)))  # a width-1 y of ones is not one-hot
    assert (column.y_onehot, column.y_width) == (False, 1)
    assert summarize(np.zeros((2, 3, 1)), np.zeros((2, 3, 1))).y_per_step is True  # rank-3 y, two samples suffice
    bools = summarize(np.zeros((4, 2, 1), dtype=bool), np.array([True, False, True, True]))
    assert (bools.y_integer, bools.y_range, bools.majority) == (True, (0.0, 1.0), 0.75)


def test_labels_are_read_from_one_hot_rows_and_copies_need_integers_both_ways():
    s = summarize(ONEHOT_X, np.eye(12)[np.arange(60) % 12])
    assert (s.y_onehot, s.y_distinct, s.y_range, s.y_copies_x) == (True, 12, (0.0, 11.0), True)
    floats = summarize(RNG.normal(size=(60, 5, 1)), RNG.normal(size=60))
    assert (floats.x_integer, floats.y_integer, floats.y_copies_x, floats.majority) == (False, False, False, 0.0)
    fresh = summarize(RNG.integers(0, 5, (60, 5, 1)), RNG.integers(50, 55, 60))  # integers, none of them inputs
    assert fresh.y_copies_x is False


def test_the_messages_of_the_data_rules_read_in_full():
    s = summarize(QUESTION_X, QUESTION_Y)
    g = geometry(loss=None, output_activation=None)
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
    lin = geometry(timesteps=4, output_width=1, output_activation="linear", loss="MeanSquaredError")
    [maybe] = data_findings(counts, lin, describe_as_plan(counts, lin))
    assert maybe.severity == "warning" and maybe.message == (
        "y holds the integers 0..29 (30 distinct) as values to regress, with a MeanSquaredError loss: if these "
        "integers name things (ids, categories, symbols) rather than count them, their order and distance mean "
        "nothing to the task but everything to the model"
    )
    y = np.r_[np.zeros(80, int), np.arange(20) % 3 + 1]
    im = summarize(RNG.normal(size=(100, 4, 2)), y)
    g4 = geometry(timesteps=4, features=2, output_width=4, output_activation="softmax", loss="sparse_categorical_crossentropy")
    [imbalance] = data_findings(im, g4, describe_as_plan(im, g4))
    assert imbalance.severity == "warning" and imbalance.message == (
        "the most common label is 80% of y (4 labels): always predicting it scores 0.80 accuracy, so an accuracy "
        "near 0.80 shows nothing learned"
    )
    assert imbalance.fix == (
        "judge the model against that baseline (or by balanced accuracy / per-class recall), and consider "
        "class_weight= in fit or resampling"
    )


@pytest.mark.parametrize(
    "loss, y, width, message, fix",
    [
        ("SparseCategoricalCrossentropy", np.eye(3)[np.arange(30) % 3], 3,
         "y is one-hot (3 columns) but the loss is sparse_categorical_crossentropy, which reads class ids",
         "use categorical_crossentropy, or pass y.argmax(-1)"),
        ("sparse_categorical_crossentropy", np.arange(30) % 5, 3,
         "y holds class ids up to 4 but the output has 3 units (ids 0..2)", "give the last layer 5 units"),
        ("sparse_categorical_crossentropy", np.arange(30) % 3, 3, None, None),  # ids 0..2 on 3 units: fine
        ("sparse_categorical_crossentropy", np.arange(30) % 5 - 1, 3,
         "y holds negative values (-1..3) but sparse_categorical_crossentropy reads class ids 0..2",
         "map the targets to class ids 0..K-1, or use a regression loss for values"),
        ("sparse_categorical_crossentropy", np.linspace(0, 1, 30), 3,
         "y holds non-integer values (0..1) but sparse_categorical_crossentropy reads class ids 0..2",
         "map the targets to class ids 0..K-1, or use a regression loss for values"),
        ("CategoricalCrossentropy", np.linspace(0, 1, 30), 3,
         "the loss is categorical_crossentropy, which reads one-hot targets, but y holds values 0..1",
         "use sparse_categorical_crossentropy for class ids, or one-hot y with keras.utils.to_categorical"),
        ("BinaryCrossentropy", np.arange(30) % 3 - 1, 1, "binary_crossentropy reads targets in 0..1, but y spans -1..1",
         "scale the targets into 0..1, or use a loss that fits them"),
        ("binary_crossentropy", np.arange(30) % 2, 1, None, None),  # 0 and 1: fine
        ("binary_crossentropy", np.linspace(0, 1, 30), 1, None, None),
    ],
)
def test_each_loss_that_cannot_read_the_targets_says_what_and_how_to_fix(loss, y, width, message, fix):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = geometry(timesteps=4, features=2, output_width=width, output_activation="softmax", loss=loss)
    found = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    if message is None:
        assert found == []
    else:
        assert [(p.severity, p.message, p.fix, p.certain) for p in found] == [("error", message, fix, True)]


def test_a_one_unit_softmax_output_has_no_class_ids_to_check():
    s = summarize(RNG.normal(size=(30, 4, 2)), np.arange(30) % 3)
    g = geometry(timesteps=4, features=2, output_width=1, output_activation="softmax", loss="sparse_categorical_crossentropy")
    assert [p.code for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"] == []


def test_which_outputs_count_as_regressing_integers_without_a_loss():
    ints = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 30)
    for activation, expected in (("linear", ["raw-integer"]), ("relu", ["raw-integer"]), ("tanh", ["raw-integer"]), (None, ["raw-integer"]), ("softmax", [])):
        g = geometry(timesteps=4, output_width=1, output_activation=activation, loss=None)
        assert [p.code for p in data_findings(ints, g, describe_as_plan(ints, g))] == expected, activation
    g = geometry(timesteps=4, output_width=1, output_activation="linear", loss="huber")
    assert [p.code for p in data_findings(ints, g, describe_as_plan(ints, g))] == ["raw-integer"]
    three = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 3)  # three values are enough to be symbols
    assert [p.code for p in data_findings(three, g, describe_as_plan(three, g))] == ["raw-integer"]
    two = summarize(RNG.normal(size=(60, 4, 1)), np.arange(60) % 2)
    assert data_findings(two, g, describe_as_plan(two, g)) == []


def test_targets_per_step_against_one_output_per_sequence_and_back_are_output_shape_errors():
    per_step = summarize(RNG.normal(size=(40, 5, 2)), RNG.normal(size=(40, 5, 1)))
    one_out = geometry(timesteps=5, features=2, output_width=1, output_activation="linear", loss="mse")
    [found] = data_findings(per_step, one_out, describe_as_plan(per_step, one_out))
    assert (found.code, found.severity, found.certain) == ("output-shape", "error", True)
    assert found.message == (
        "y has a target for each of the 5 steps but the model gives one output per sequence: Keras broadcasts that "
        "one output against every step's target and trains without complaint"
    )
    assert found.fix == (
        "return_sequences=True on the last recurrent layer and a per-step head, or keep one target per sequence (y[:, -1])"
    )
    per_sample = summarize(RNG.normal(size=(40, 5, 2)), RNG.normal(size=40))
    seq_out = geometry(timesteps=5, features=2, output_rank=3, output_timesteps=5, output_width=1,
                       output_activation="linear", loss="mse")
    [back] = data_findings(per_sample, seq_out, describe_as_plan(per_sample, seq_out))
    assert (back.code, back.severity) == ("output-shape", "error") and back.message == (
        "the model gives an output at each of its steps but y has one target per sequence: Keras broadcasts the "
        "target across the steps, so every step is trained to predict what only the last one can know"
    )
    assert back.fix == "return_sequences=False on the last recurrent layer (one output per sequence), or give y a target per step"
    two_steps = summarize(RNG.normal(size=(40, 2, 2)), RNG.normal(size=40))  # two steps: still a broadcast
    two_out = geometry(timesteps=2, features=2, output_rank=3, output_timesteps=2, output_width=1,
                       output_activation="linear", loss="mse")
    assert [p.code for p in data_findings(two_steps, two_out, describe_as_plan(two_steps, two_out))] == ["output-shape"]
    one_step = summarize(RNG.normal(size=(40, 1, 2)), RNG.normal(size=40))  # one step: per step is per sequence
    one_out_seq = geometry(timesteps=1, features=2, output_rank=3, output_timesteps=1, output_width=1,
                           output_activation="linear", loss="mse")
    assert data_findings(one_step, one_out_seq, describe_as_plan(one_step, one_out_seq)) == []
    assert data_findings(per_step, seq_out, describe_as_plan(per_step, seq_out)) == []


@keras_marks
def test_a_factory_that_raises_and_a_model_with_two_outputs_get_clear_errors(keras):
    from pytest_rnncheck import diagnose

    def raises():
        raise ValueError("units must be positive")

    x, y = RNG.normal(size=(40, 5, 3)), RNG.normal(size=40)
    with pytest.raises(DataError, match=r"model factory raises\(\) raised ValueError: units must be positive"):
        diagnose(raises, x, y)
    inputs = keras.Input((5, 3))
    hidden = keras.layers.LSTM(4)(inputs)
    two = keras.Model(inputs, [keras.layers.Dense(1, name="value")(hidden), keras.layers.Dense(2, activation="softmax", name="cls")(hidden)])
    with pytest.raises(DataError, match=r"has 2 outputs \(0: value, 1: cls\) and y is for one of them: pass output="):
        diagnose(two, x, y)
    found = diagnose(two, x, y, output="value", fit=False)
    assert found.codes == [] and "an output read as value" in found.notes[0] and "3 feature(s)" in found.notes[0]

def test_the_shapes_of_y_say_per_step_or_per_sample_and_the_label_width():
    tokens = RNG.integers(0, 9, (20, 6))
    per_sequence = summarize(tokens, np.eye(3)[np.arange(20) % 3])  # one one-hot label per token sequence
    assert (per_sequence.y_per_step, per_sequence.y_width, per_sequence.y_onehot, per_sequence.y_distinct) == (False, 3, True, 3)
    one_step = summarize(RNG.integers(0, 9, (20, 1)), RNG.integers(0, 9, (20, 1)))  # one token, one label
    assert (one_step.y_per_step, one_step.y_width) == (False, 1)
    two_steps = summarize(RNG.integers(0, 9, (20, 2)), RNG.integers(0, 9, (20, 2)))
    assert (two_steps.y_per_step, two_steps.y_width) == (True, 1)
    per_step = np.eye(4)[np.r_[np.zeros((10, 6), int), np.tile([0, 1, 2, 3, 3, 3], (10, 1))]]  # (20, 6, 4) one-hot
    s = summarize(RNG.normal(size=(20, 6, 2)), per_step)
    assert (s.y_per_step, s.y_width, s.y_onehot, s.y_distinct, s.y_range) == (True, 4, True, 4, (0.0, 3.0))
    assert s.majority == pytest.approx((60 + 10) / 120)


def test_two_symbols_one_hot_are_one_hot_and_multi_hot_or_soft_rows_are_not():
    bits = summarize(np.eye(2)[RNG.integers(0, 2, (30, 5))], np.eye(2)[np.arange(30) % 2])
    assert (bits.x_onehot, bits.x_distinct, bits.x_range, bits.y_onehot, bits.y_distinct) == (True, 2, (0.0, 1.0), True, 2)
    multi = summarize(np.ones((30, 5, 3)), np.arange(30) % 2)  # every feature on: not one-hot
    assert (multi.x_onehot, multi.x_distinct) == (False, 1)
    soft = summarize(RNG.normal(size=(30, 5, 2)), np.full((30, 4), 0.25))  # probabilities, not labels
    assert (soft.y_onehot, soft.y_integer, soft.y_width) == (False, False, 4)


def test_a_nan_in_the_arrays_is_refused_with_the_whole_reason():
    with pytest.raises(DataError) as error:
        summarize(np.zeros((3, 2, 1)), np.array([0.0, np.nan, 1.0]))
    assert str(error.value) == (
        "y holds 1 NaN or infinite value(s) (first at index (1,)): drop or fill them before training; every loss "
        "turns NaN from the first one"
    )


@pytest.mark.parametrize(
    "x, y, fields, expected",
    PLANS + [
        # token ids, though the model's input is not declared integer: still fed as ids
        (RNG.integers(0, 10, (60, 5)), RNG.integers(0, 10, 60),
         dict(input_rank=2, features=None, timesteps=5, integer_input=False, output_width=10, output_activation="softmax"),
         ("index", 10, 10, 5, False, "classes")),
        # one-hot features of a model with an integer input layer: fed as ids
        (ONEHOT_X, RNG.integers(0, 12, 60), dict(timesteps=5, features=12, integer_input=True, output_width=12, output_activation="softmax"),
         ("index", 12, 12, 5, False, "classes")),
        # three integers in one feature are magnitudes (raw), two are bits
        (np.arange(60).reshape(60, 1, 1) % 3 + np.zeros((60, 5, 1), int), np.arange(60) % 3,
         dict(timesteps=5, output_width=3, output_activation="softmax"), ("raw", 3, 3, 5, False, "classes")),
        # integer counts on several features are values, not bits
        (RNG.integers(0, 2, (60, 5, 3)), RNG.normal(size=60), dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
         ("continuous", 3, 3, 5, False, "value")),
        # bits in, four classes read from two sigmoid bits
        (RNG.integers(0, 2, (60, 5, 1)), np.arange(60) % 4, dict(timesteps=5, output_width=2, output_activation="sigmoid"),
         ("binary", 4, 4, 5, False, "bits")),
        # one-hot over 12 symbols in, labels 0..4 out of a 12-unit softmax: still classes
        (ONEHOT_X, np.arange(60) % 5, dict(timesteps=5, features=12, output_width=12, output_activation="softmax"),
         ("onehot", 5, 12, 5, False, "classes")),
        # a y of one class still reads as two symbols
        (RNG.normal(size=(60, 5, 3)), np.zeros(60, int), dict(timesteps=5, features=3, output_width=2, output_activation="softmax"),
         ("continuous", 2, 2, 5, False, "classes")),
    ],
)
def test_the_data_read_as_a_plan(x, y, fields, expected):
    g = geometry(**{"output_layer": "Dense", "loss": None, "compiled": False, **fields})
    plan = describe_as_plan(summarize(x, y), g)
    assert (plan.encoding, plan.vocab, plan.model_vocab, plan.timesteps, plan.many_to_many, plan.form) == expected


def test_integer_inputs_with_targets_not_taken_from_them_are_a_warning_and_the_fix_covers_every_input():
    x = RNG.integers(0, 100, (60, 4, 1))
    x[:, 0, 0], x[0, 1, 0] = np.arange(60), 99  # inputs 0..99, every one of 0..59 among them
    y = np.arange(60) % 10  # ten classes taken from the inputs' values; shifted by 200 they are not
    s = summarize(x, 200 + y)
    g = geometry(timesteps=4, output_width=1, output_activation="linear", loss="mean_squared_error")
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.severity == "warning" and "with a mean_squared_error loss: if these integers name things" in raw.message
    s = summarize(x, y)
    [raw] = data_findings(s, g, describe_as_plan(s, g))
    assert raw.severity == "error" and describe_as_plan(s, g).vocab == 10
    assert raw.fix.startswith("one-hot the inputs (keras.utils.to_categorical(x, 100) with keras.Input((timesteps, 100))) or feed the integer ids to an Embedding(100, 16)")


@pytest.mark.parametrize(
    "y, width, message",
    [
        (np.arange(30) % 3, 2, "y holds class ids up to 2 but the output has 2 units (ids 0..1)"),
        (np.arange(30) % 4, 3, "y holds class ids up to 3 but the output has 3 units (ids 0..2)"),
        (np.linspace(0, 1, 30), None, "y holds non-integer values (0..1) but sparse_categorical_crossentropy reads class ids"),
    ],
)
def test_class_ids_one_past_the_output_units_are_a_loss_mismatch(y, width, message):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = geometry(timesteps=4, features=2, output_width=width, output_activation="softmax", loss="sparse_categorical_crossentropy")
    found = [p.message for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    assert found == [message]


@keras_marks
def test_a_subclassed_model_not_yet_built_is_read_from_a_forward_pass_not_a_traceback(keras):
    from pytest_rnncheck import diagnose

    class Forecaster(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn, self.head = keras.layers.GRU(4), keras.layers.Dense(1, activation="sigmoid")

        def call(self, inputs):
            return self.head(self.rnn(inputs))

    model = Forecaster()
    model.compile(optimizer="adam", loss="mse")
    x = RNG.normal(size=(50, 5, 2))
    found = diagnose(model, x, 10 + RNG.normal(size=(50, 1)), fit=False)  # values far above a sigmoid's (0, 1)
    assert found.codes == ["activation-range"] and "the sigmoid output of Dense spans (0, 1)" in found[0].message
