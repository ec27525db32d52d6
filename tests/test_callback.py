"""pytest_rnncheck.callback() on the source questions' own training code (issue #27): it names
the cause each question's answer gives, with the numbers, and nothing on healthy training."""

import os

import numpy as np
import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("RNNCHECK_NO_KERAS") == "1" or "MUTANT_UNDER_TEST" in os.environ, reason="Keras tests turned off"
    ),
]


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    keras = pytest.importorskip("keras")
    return keras


@pytest.fixture(autouse=True)
def seeded(keras):
    keras.utils.set_random_seed(0)


def series_windows(series, steps=12):
    """The tutorial's get_XY: non-overlapping windows of ``steps``, the value after each as y."""
    n = len(series) // steps * steps
    y = series[steps:n:steps]
    return series[: len(y) * steps].reshape(-1, steps, 1), y


SUNSPOTS = (
    80 + 70 * np.sin(2 * np.pi * np.arange(3000) / 132) + 20 * np.random.default_rng(3).standard_normal(3000)
).clip(0)


def test_question_000_raw_integers_are_named_with_what_the_outputs_did(keras, capsys):
    from pytest_rnncheck import callback

    x = np.random.default_rng(0).integers(0, 100, 2000)
    xs, y = x[2:].reshape(-1, 1, 1).astype("float32"), x[:-2].astype("float32").reshape(-1, 1)  # y[t] = x[t-2]
    model = keras.Sequential([keras.Input((None, 1)), keras.layers.SimpleRNN(2)])
    model.compile(optimizer="adam", loss="mse")
    watch = callback(data=(xs[-400:], y[-400:]), lag=2)
    history = model.fit(xs[:-400], y[:-400], epochs=2, batch_size=5, verbose=0, callbacks=[watch])
    assert history.rnncheck is watch.findings
    assert set(watch.findings.codes) == {"output-shape", "activation-range", "missing-context", "raw-integer"}
    by_code = {p.code: p for p in watch.findings}
    assert "measured at epoch 2: the outputs on the held-out slice span" in by_code["activation-range"].message
    printed = capsys.readouterr().out
    assert printed.count("rnncheck: 4 error(s)") == 1 and "raw-integer" in printed


def test_question_001_the_online_stateful_loop_names_the_missing_read_out_once(keras, capsys):
    from pytest_rnncheck import callback

    bits = (np.random.default_rng(1).integers(0, 4, 200) == 2).astype("float32")
    # invert the previous bit
    x, y = bits[1:].reshape(-1, 1, 1), np.repeat((1 - bits[:-1]).reshape(-1, 1, 1), 16, axis=-1)
    model = keras.Sequential(
        [keras.Input((1, 1), batch_size=1), keras.layers.GRU(16, stateful=True, return_sequences=True)]
    )
    model.compile(optimizer="adam", loss="mean_squared_error")
    watch = callback(data=(x[-32:], y[-32:]), lag=1)
    for i in range(12):  # the question's loop: fit once per step, the state carried between calls
        model.fit(x[i: i + 1], y[i: i + 1], epochs=1, batch_size=1, shuffle=False, verbose=0, callbacks=[watch])
    codes = watch.findings.codes
    assert codes[0] == "output-shape" and "missing-context" in codes
    assert "the recurrent state of GRU is memory, not a prediction" in watch.findings[0].fix
    assert watch.findings.notes[-1] == "watched 12 epoch(s) over 12 fit call(s)"
    assert capsys.readouterr().out.count("rnncheck: ") == 1  # printed once, not once per fit


def test_question_003_an_unscaled_series_against_a_tanh_output_and_the_scaled_one_is_healthy(keras, capsys):
    from pytest_rnncheck import callback

    def tutorial_model():  # the tutorial's create_RNN(hidden_units=3, dense_units=1, activation tanh, tanh)
        model = keras.Sequential([keras.Input((12, 1)), keras.layers.SimpleRNN(3, activation="tanh"),
                                  keras.layers.Dense(1, activation="tanh")])
        model.compile(optimizer="adam", loss="mean_squared_error")
        return model

    x, y = series_windows(SUNSPOTS)
    watch = callback(data=(x[-50:], y[-50:]))
    tutorial_model().fit(x[:-50], y[:-50], epochs=4, batch_size=1, verbose=0, callbacks=[watch])
    [found] = watch.findings
    assert found.code == "activation-range" and "but y spans 0.." in found.message
    assert "of its targets lie beyond them" in found.message
    assert any(n.startswith("symptom: its outputs on the held-out slice stayed flat") for n in watch.findings.notes)

    scaled = (SUNSPOTS - SUNSPOTS.min()) / (SUNSPOTS.max() - SUNSPOTS.min())  # the tutorial's MinMaxScaler
    x, y = series_windows(scaled)
    healthy = callback(data=(x[-50:], y[-50:]))
    tutorial_model().fit(x[:-50], y[:-50], epochs=8, batch_size=1, verbose=0, callbacks=[healthy])
    assert healthy.findings.codes == [], healthy.findings.message()
    assert "no findings" in healthy.findings._repr_html_()


def test_the_answers_fix_for_001_trains_with_no_finding(keras):
    from pytest_rnncheck import callback

    x = (np.random.default_rng(2).random((2000, 32, 1)) > 0.5).astype("float32")
    y = 1 - x
    model = keras.Sequential([keras.Input((32, 1)), keras.layers.GRU(2, return_sequences=True),
                              keras.layers.Conv1D(1, 1, activation="linear")])
    model.compile(optimizer="adam", loss="mean_squared_error")
    watch = callback(data=(x[-200:], y[-200:]))
    model.fit(x[:-200], y[:-200], batch_size=64, epochs=6, verbose=0, callbacks=[watch])
    assert watch.findings.codes == [], watch.findings.message()
    assert len(watch.epochs) == 6 and watch.epochs[-1].error < watch.epochs[0].error


def test_stop_on_collapse_stops_a_constant_classifier_and_leaves_the_weights_to_the_user(keras):
    from pytest_rnncheck import callback

    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(600, 4, 3)), rng.integers(0, 3, 600)
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.LSTM(4), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")  # cannot move
    model.layers[-1].set_weights([np.zeros((4, 3)), np.array([0.0, 5.0, 0.0])])  # always class 1
    watch = callback(data=(x[:200], y[:200]), stop_on="collapse", patience=2, verbose=False)
    model.fit(x[200:], y[200:], epochs=20, verbose=0, callbacks=[watch])
    assert len(watch.epochs) == 2  # stopped once the constant output had lasted 2 epochs
    [found] = watch.findings
    assert (
        found.code == "constant-output"
        and "predicts one class for every held-out sample at each of epochs 1-2" in found.message
    )

    unwatched = callback(data=(x[:200], y[:200]), patience=2, verbose=False)  # no stop_on: training runs on
    model.fit(x[200:], y[200:], epochs=3, verbose=0, callbacks=[unwatched])
    assert len(unwatched.epochs) == 3


def test_a_non_finite_loss_is_caught_in_its_epoch(keras):
    from pytest_rnncheck import callback

    x = np.random.default_rng(5).normal(size=(256, 5, 2)).astype("float32")
    y = np.full((256, 1), 1e30, dtype="float32")  # squared errors overflow
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    watch = callback(stop_on="collapse", verbose=False)
    model.fit(x, y, epochs=5, batch_size=32, verbose=0, callbacks=[watch])
    assert watch.findings.codes[0] == "non-finite-loss" and "in epoch 1" in watch.findings[0].message
    assert len(watch.epochs) == 1 and any("no held-out slice" in n for n in watch.findings.notes)


def test_looking_at_a_stateful_model_puts_its_state_back(keras):
    from pytest_rnncheck import callback

    model = keras.Sequential(
        [keras.Input((1, 1), batch_size=4), keras.layers.GRU(3, stateful=True), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(6).normal(size=(8, 1, 1)).astype("float32")
    watch = callback(data=(x, x[:, 0]), verbose=False)
    watch.set_model(model)
    watch.on_train_begin()
    model.predict_on_batch(x[:4])  # some state to keep
    before = [np.asarray(v).copy() for v in model.layers[0].states]
    assert before and any(b.any() for b in before)
    watch._predict()
    assert all(np.array_equal(b, np.asarray(v)) for b, v in zip(before, model.layers[0].states))
    model.predict_on_batch(x[4:])  # a plain prediction does move it: the callback has to put it back
    assert not all(np.array_equal(b, np.asarray(v)) for b, v in zip(before, model.layers[0].states))


def test_options_that_cannot_work_are_one_clear_error(keras):
    from pytest_rnncheck import callback
    from pytest_rnncheck.watch import CallbackError

    with pytest.raises(
        CallbackError, match=r"stop_on='nans': 'nans' is neither 'collapse' nor 'error' nor a finding code"
    ):
        callback(stop_on="nans")
    with pytest.raises(CallbackError, match="each must be 1 or more"):
        callback(patience=0)
    model = keras.Sequential(
        [keras.Input((1, 1), batch_size=8), keras.layers.GRU(2, stateful=True), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    watch = callback(data=(np.zeros((5, 1, 1)), np.zeros(5)))
    watch.set_model(model)
    with pytest.raises(CallbackError, match="holds 5 samples but the model's fixed batch size is 8"):
        watch.on_train_begin()


def test_it_watches_a_fit_fed_by_a_generator(keras):
    from pytest_rnncheck import callback

    rng = np.random.default_rng(7)

    def batches():  # one-hot windows of 4 symbols, y = the oldest: a healthy lag(3) classifier's data
        while True:
            s = rng.integers(0, 10, (32, 4))
            yield np.eye(10, dtype="float32")[s], s[:, 0]

    held = next(batches())
    model = keras.Sequential(
        [keras.Input((4, 10)), keras.layers.LSTM(16), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    watch = callback(data=held, lag=3, verbose=False)
    model.fit(batches(), steps_per_epoch=20, epochs=3, shuffle=False, verbose=0, callbacks=[watch])
    assert len(watch.epochs) == 3 and all(e.accuracy is not None for e in watch.epochs)
    assert (
        "constant-output" not in watch.findings.codes
        and watch.findings.notes[-1] == "watched 3 epoch(s) over 1 fit call(s)"
    )
    if keras.backend.backend() == "tensorflow":  # and a tf.data pipeline, the same to the callback
        import tensorflow as tf

        x, y = next(batches())
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
        model.fit(dataset, epochs=2, shuffle=False, verbose=0, callbacks=[watch])
        assert len(watch.epochs) == 5 and watch.findings.notes[-1] == "watched 5 epoch(s) over 2 fit call(s)"


def test_stop_on_error_stops_at_the_first_batch_on_what_the_configuration_proves(keras):
    from pytest_rnncheck import callback

    x = np.random.default_rng(8).normal(size=(640, 6, 1)).astype("float32")
    y = 50 + 40 * x[:, -1]  # values far outside a sigmoid's (0, 1)
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    watch = callback(data=(x[:64], y[:64]), stop_on="error", verbose=False)
    model.fit(x, y, epochs=5, batch_size=64, verbose=0, callbacks=[watch])
    assert watch.findings.codes == ["activation-range"] and len(watch.epochs) == 1
    moved = sum(not np.array_equal(b, a) for b, a in zip(before, model.get_weights()))
    assert moved > 0  # one batch trained: Keras checks stop_training after each batch


def test_a_rate_too_small_is_a_suspect_it_does_not_blame(keras):
    from pytest_rnncheck import callback

    rng = np.random.default_rng(9)
    s = rng.integers(0, 10, (800, 4))
    x, y = np.eye(10, dtype="float32")[s], s[:, 0]
    model = keras.Sequential([keras.Input((4, 10)), keras.layers.LSTM(8), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(1e-7), loss="sparse_categorical_crossentropy")
    watch = callback(data=(x[:200], y[:200]), lag=3, verbose=False)
    model.fit(x[200:], y[200:], epochs=3, verbose=0, callbacks=[watch])
    assert "learning-rate" not in watch.findings.codes  # no control run: never a finding
    [note] = [n for n in watch.findings.notes if n.startswith("suspected learning-rate (learning rate 1e-07")]
    assert "not checked: the callback runs no control experiment" in note


def test_models_of_other_shapes_are_read_right_or_refused_clearly(keras):
    from pytest_rnncheck import callback
    from pytest_rnncheck.user_data import DataError

    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(256, 6, 3)).astype("float32"), rng.normal(size=(256, 1)).astype("float32")

    class Subclassed(keras.Model):  # no declared input: built by its first epoch, read after it
        def __init__(self):
            super().__init__()
            self.rnn, self.head = keras.layers.GRU(8), keras.layers.Dense(1)

        def call(self, inputs):
            return self.head(self.rnn(inputs))

    sub = Subclassed()
    sub.compile(optimizer="adam", loss="mse")
    watch = callback(data=(x[:64], y[:64]), verbose=False)
    sub.fit(x, y, epochs=2, verbose=0, callbacks=[watch])
    assert watch.findings.codes == [] and len(watch.epochs) == 2  # no head error made up for an unread model
    assert any("built by its first epoch" in n for n in watch.findings.notes)

    inputs = keras.Input((6, 3), name="seq")
    hidden = keras.layers.LSTM(8)(inputs)
    two = keras.Model({"seq": inputs}, [keras.layers.Dense(1, name="value")(hidden),
                                       keras.layers.Dense(3, activation="softmax", name="label")(hidden)])
    two.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
    labels = rng.integers(0, 3, 256)
    with pytest.raises(DataError, match=r"has 2 outputs \(0: value, 1: label\) and y is for one of them: pass output="):
        two.fit({"seq": x}, [y, labels], epochs=1, verbose=0, callbacks=[callback(data=({"seq": x[:64]}, y[:64]))])
    named = callback(data=({"seq": x[:64]}, y[:64]), output="value", verbose=False)
    two.fit({"seq": x}, [y, labels], epochs=2, verbose=0, callbacks=[named])
    assert named.findings.codes == [] and all(e.spread is not None for e in named.epochs)  # the value head's outputs


def test_a_fault_of_the_callback_itself_never_stops_the_training(keras, monkeypatch):
    from pytest_rnncheck import callback, watch

    def broken(*args, **kwargs):
        raise ValueError("a bug in the callback")

    monkeypatch.setattr(watch, "look", broken)
    x = np.random.default_rng(11).normal(size=(128, 5, 2)).astype("float32")
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    faulty = callback(data=(x[:32], x[:32, -1, :1]), verbose=False)
    history = model.fit(x, x[:, -1, :1], epochs=3, verbose=0, callbacks=[faulty])
    assert len(history.history["loss"]) == 3  # every epoch trained
    assert any(n.startswith("the callback stopped watching at epoch 1: ValueError: a bug in the callback")
               for n in faulty.findings.notes)
