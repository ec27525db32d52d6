"""diagnose() on the user's own arrays: bad arrays get clear errors, the summary and the data read
as a probe plan (pure numpy), and, through real Keras models (built; one tiny short fit), the same
codes and wording as the probes. The data's own rules are tested per rule in tests/diagnosis/."""

import os

import numpy as np
import pytest

from pytest_rnncheck.geometry import Geometry
from pytest_rnncheck.user_data import DataError, describe_as_plan, summarize

RNG = np.random.default_rng(0)
SERIES = RNG.integers(0, 100, 2000)
QUESTION_X, QUESTION_Y = SERIES[2:].reshape(-1, 1, 1), SERIES[:-2]  # y_t = x_{t-2}, one step per sample


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros(10), np.zeros(10), r"x has shape \(10,\): give samples of sequences.*sliding_window_view"),
        (np.zeros((10, 3, 1)), np.zeros(9), "x has 10 samples but y has 9"),
        (
            np.array([[[1.0], [np.nan]]] * 3),
            np.zeros(3),
            r"x holds 3 NaN or infinite value\(s\) \(first at index \(0, 1, 0\)\)",
        ),
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
    assert (s.samples, s.timesteps, s.features, s.x_integer, s.x_distinct, s.x_range) == (
        1998, 1, 1, True, 100, (0, 99),
    )
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

    with pytest.raises(
        AssertionError, match=r"not healthy \(output-shape, activation-range, missing-context, raw-integer\)"
    ):
        rnncheck.assert_healthy(question_model(keras), QUESTION_X, QUESTION_Y, lag=2)
    windows = np.lib.stride_tricks.sliding_window_view(SERIES, 3)[:, :, None]
    x, y = np.eye(100)[windows[..., 0]], windows[:, 0, 0]  # one-hot windows of 3, y = the oldest
    healthy = keras.Sequential(
        [keras.Input((3, 100)), keras.layers.LSTM(8), keras.layers.Dense(100, activation="softmax")]
    )
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
    m = keras.Sequential(
        [
            keras.Input((1, 1), batch_size=7),
            keras.layers.GRU(8, stateful=True),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
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
    (RNG.integers(0, 2, (60, 5, 1)), RNG.integers(0, 2, 60),
     dict(timesteps=5, output_width=1, output_activation="sigmoid"),
     ("binary", 2, 2, 5, False, "scalar")),
    # real values in, classes out
    (RNG.normal(size=(60, 5, 3)), np.arange(60) % 3,
     dict(timesteps=5, features=3, output_width=3, output_activation="softmax"),
     ("continuous", 3, 3, 5, False, "classes")),
    # real values in, a value out
    (RNG.normal(size=(60, 5, 3)), RNG.normal(size=60),
     dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
     ("continuous", 3, 3, 5, False, "value")),
    # negative integers are values, not class ids
    (RNG.normal(size=(60, 5, 3)), np.arange(60) % 7 - 3,
     dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
     ("continuous", 3, 3, 5, False, "value")),
    # one-hot labels over 6 classes, of which only 0..3 occur
    (ONEHOT_X, np.eye(6)[np.arange(60) % 4],
     dict(timesteps=5, features=12, output_width=6, output_activation="softmax"),
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
    two = keras.Model(
        inputs,
        [keras.layers.Dense(1, name="value")(hidden), keras.layers.Dense(2, activation="softmax", name="cls")(hidden)],
    )
    with pytest.raises(DataError, match=r"has 2 outputs \(0: value, 1: cls\) and y is for one of them: pass output="):
        diagnose(two, x, y)
    found = diagnose(two, x, y, output="value", fit=False)
    assert found.codes == [] and "an output read as value" in found.notes[0] and "3 feature(s)" in found.notes[0]

def test_the_shapes_of_y_say_per_step_or_per_sample_and_the_label_width():
    tokens = RNG.integers(0, 9, (20, 6))
    per_sequence = summarize(tokens, np.eye(3)[np.arange(20) % 3])  # one one-hot label per token sequence
    assert (per_sequence.y_per_step, per_sequence.y_width, per_sequence.y_onehot, per_sequence.y_distinct) == (
        False, 3, True, 3,
    )
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
    assert (bits.x_onehot, bits.x_distinct, bits.x_range, bits.y_onehot, bits.y_distinct) == (
        True, 2, (0.0, 1.0), True, 2,
    )
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
         dict(input_rank=2, features=None, timesteps=5, integer_input=False, output_width=10,
              output_activation="softmax"),
         ("index", 10, 10, 5, False, "classes")),
        # one-hot features of a model with an integer input layer: fed as ids
        (ONEHOT_X, RNG.integers(0, 12, 60),
         dict(timesteps=5, features=12, integer_input=True, output_width=12, output_activation="softmax"),
         ("index", 12, 12, 5, False, "classes")),
        # three integers in one feature are magnitudes (raw), two are bits
        (np.arange(60).reshape(60, 1, 1) % 3 + np.zeros((60, 5, 1), int), np.arange(60) % 3,
         dict(timesteps=5, output_width=3, output_activation="softmax"), ("raw", 3, 3, 5, False, "classes")),
        # integer counts on several features are values, not bits
        (RNG.integers(0, 2, (60, 5, 3)), RNG.normal(size=60),
         dict(timesteps=5, features=3, output_width=1, output_activation="linear"),
         ("continuous", 3, 3, 5, False, "value")),
        # bits in, four classes read from two sigmoid bits
        (RNG.integers(0, 2, (60, 5, 1)), np.arange(60) % 4,
         dict(timesteps=5, output_width=2, output_activation="sigmoid"),
         ("binary", 4, 4, 5, False, "bits")),
        # one-hot over 12 symbols in, labels 0..4 out of a 12-unit softmax: still classes
        (ONEHOT_X, np.arange(60) % 5, dict(timesteps=5, features=12, output_width=12, output_activation="softmax"),
         ("onehot", 5, 12, 5, False, "classes")),
        # a y of one class still reads as two symbols
        (RNG.normal(size=(60, 5, 3)), np.zeros(60, int),
         dict(timesteps=5, features=3, output_width=2, output_activation="softmax"),
         ("continuous", 2, 2, 5, False, "classes")),
    ],
)
def test_the_data_read_as_a_plan(x, y, fields, expected):
    g = geometry(**{"output_layer": "Dense", "loss": None, "compiled": False, **fields})
    plan = describe_as_plan(summarize(x, y), g)
    assert (plan.encoding, plan.vocab, plan.model_vocab, plan.timesteps, plan.many_to_many, plan.form) == expected


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
