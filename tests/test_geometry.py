"""Reading real Keras models (built, never trained)."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")
layers = keras.layers

from pytest_rnncheck.geometry import declared_io, read_geometry  # noqa: E402


def test_sequential_lstm_classifier():
    model = keras.Sequential([keras.Input((8, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])
    g = read_geometry(model, "m")
    assert (g.input_rank, g.timesteps, g.features, g.output_rank, g.output_width) == (3, 8, 100, 2, 100)
    assert (g.output_activation, g.output_layer, g.mixes_time, g.stateful, g.compiled) == (
        "softmax", "Dense", True, False, False,
    )


def test_stateful_recurrent_output_with_fixed_batch():
    model = keras.Sequential([keras.Input((1, 1), batch_size=1), layers.GRU(16, stateful=True, return_sequences=True)])
    model.compile(optimizer="adam", loss="mse")
    g = read_geometry(model, "m")
    assert (g.batch_size, g.stateful, g.output_rank, g.output_width, g.output_timesteps) == (1, True, 3, 16, 1)
    assert (g.output_activation, g.output_layer, g.loss, g.compiled) == ("tanh", "GRU", "mse", True)


def test_embedding_wrappers_and_time_local_models():
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(30, 8),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(30, activation="softmax")),
        ]
    )
    g = read_geometry(model, "m")
    assert (g.integer_input, g.embedding_vocab, g.timesteps, g.output_activation) == (True, 30, None, "softmax")
    local = keras.Sequential([keras.Input((8, 5)), layers.Conv1D(4, 1), layers.Dense(5)])
    assert read_geometry(local, "m").mixes_time is False
    wide = keras.Sequential([keras.Input((8, 5)), layers.Conv1D(4, 3, padding="causal"), layers.Dense(5)])
    assert read_geometry(wide, "m").mixes_time is True


def test_functional_with_two_inputs_is_counted_and_subclassed_declares_nothing():
    a, b = keras.Input((4, 3)), keras.Input((4, 3))
    model = keras.Model([a, b], layers.Dense(2)(layers.Concatenate()([a, b])))
    assert [len(x) for x in declared_io(model)] == [2, 1]

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn = layers.GRU(4)

        def call(self, x):
            return self.rnn(x)

    assert declared_io(Sub()) is None
    assert read_geometry(Sub(), "sub").declared is False


def test_what_the_cause_rules_need_is_read_off_the_model():
    model = keras.Sequential(
        [
            keras.Input((4, 1)),
            layers.Masking(0.0),
            layers.Dropout(0.9),
            layers.LSTM(8, trainable=False, recurrent_dropout=0.5),
            layers.Dense(10),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-7), keras.losses.SparseCategoricalCrossentropy())
    g = read_geometry(model)
    masking, dropout, lstm, dense = g.layers
    assert masking.mask_value == 0.0 and dropout.dropout == 0.9
    assert (lstm.trainable, lstm.weights, lstm.dropout) == (False, 4 * 8 * (1 + 8 + 1), 0.5)
    assert dense.trainable and dense.weights == 90
    assert (g.loss, g.loss_from_logits, g.optimizer) == ("sparse_categorical_crossentropy", False, "Adam")
    assert g.learning_rate == pytest.approx(1e-7)


def test_a_model_with_two_outputs_is_probed_on_the_one_with_a_loss_or_the_one_named():
    from pytest_rnncheck.errors import ModelError
    from pytest_rnncheck.keras_adapter import prepare
    from pytest_rnncheck.spec import make_spec

    def build(compiled=True):
        tokens = keras.Input((6,), dtype="int32")
        features = layers.GRU(8, return_sequences=True)(layers.Embedding(12, 8)(tokens))
        logits = layers.Dense(12, name="logits")(features)
        model = keras.Model(tokens, [logits, features])
        if compiled:
            model.compile("adam", loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), None])
        return model

    model, geometry, plan = prepare(build, make_spec("lag", 2), 0, "gpt")
    assert (geometry.output_width, geometry.loss_from_logits, plan.vocab, plan.form) == (12, True, 12, "classes")
    assert type(model.optimizer).__name__ == "Adam"  # the compile is kept
    with pytest.raises(ModelError, match="name the one to probe with output="):
        prepare(lambda: build(compiled=False), make_spec("lag", 2), 0, "gpt")
    _, named, _ = prepare(lambda: build(compiled=False), make_spec("lag", 2, output="logits"), 0, "gpt")
    assert named.output_width == 12


def test_the_optimizer_is_built_before_the_first_step_for_built_models_only():
    from pytest_rnncheck.keras_adapter import build_optimizer

    model = keras.Sequential([keras.Input((4, 10)), layers.GRU(4), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    assert not model.optimizer.built
    build_optimizer(model)
    assert model.optimizer.built
    x, y = keras.ops.convert_to_numpy(keras.random.uniform((8, 4, 10))), keras.ops.convert_to_numpy(keras.ops.arange(8))
    first = model.train_on_batch(x, y)
    assert first == first  # trains as before (finite loss)
    unbuilt = keras.Sequential([layers.GRU(4), layers.Dense(10)])  # no input: weights come at the first call
    unbuilt.compile(optimizer="adam", loss="mse")
    build_optimizer(unbuilt)
    assert not unbuilt.optimizer.built
    build_optimizer(keras.Sequential([keras.Input((4, 10)), layers.Dense(2)]))  # uncompiled: nothing to build


def test_a_positional_table_wider_than_the_vocabulary_is_told_apart_from_the_token_table():
    """Token Embedding(10) on the input, positional Embedding(12) on arange(T) inside one custom layer:
    the widest table is the positions', and two forward passes show which one the tokens reach."""
    from pytest_rnncheck.keras_adapter import prepare
    from pytest_rnncheck.spec import make_spec

    class TokenAndPosition(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.tokens, self.positions = layers.Embedding(10, 8), layers.Embedding(12, 8)

        def call(self, x):
            return self.tokens(x) + self.positions(keras.ops.arange(0, keras.ops.shape(x)[-1]))

    def build(head):
        x = keras.Input((12,), dtype="int32")
        h = TokenAndPosition()(x)
        h = layers.MultiHeadAttention(2, 4)(h, h, use_causal_mask=True)
        return keras.Model(x, layers.Dense(head, activation="softmax" if head > 1 else "sigmoid")(h))

    for head, vocab in ((10, 10), (1, 2), (4, 4)):  # one sigmoid unit reads as bits
        model, geometry, plan = prepare(lambda: build(head), make_spec("lag", 2), 0, "transformer")
        assert geometry.embedding_vocab == 10 and plan.vocab == vocab and plan.model_vocab == 10
        assert not any("the input takes 12" in note for note in plan.notes)
        tables = (model.layers[1].tokens, model.layers[1].positions)
        assert all("call" not in vars(table) for table in tables)  # the measurement left no trace
