"""Corpus cases written in the patterns of public Keras example programs.

Encoder-decoder addition (RepeatVector), a miniature GPT with two outputs, a text
classifier whose Embedding lives inside a custom layer, an IMDB bidirectional LSTM, a
character LSTM, a time-series transformer without positions, a weather forecaster
(continuous features, linear head), a time-series CNN and LSTM classifier. Ground truth:
each healthy model passes its probe in a plain training loop; each broken one holds one
mistake (named by ``expected``). Imported by benchmarks/corpus.py; not a test module.
"""

from __future__ import annotations

from functools import partial

import keras
from keras import layers

from corpus import Case


def addition_seq2seq(units=128):
    """Encoder LSTM -> RepeatVector(4) -> decoder LSTM -> per-step softmax over 12 characters."""
    inp = keras.Input((7, 12))
    x = layers.LSTM(units)(inp)
    x = layers.RepeatVector(4)(x)
    x = layers.LSTM(units, return_sequences=True)(x)
    model = keras.Model(inp, layers.TimeDistributed(layers.Dense(12, activation="softmax"))(x))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model


def mini_gpt(causal=True):
    """Token + position embeddings, one causal transformer block, two outputs (logits, features)."""
    tokens = keras.Input((10,), dtype="int32")
    x = layers.Embedding(20, 32)(tokens) + layers.Embedding(10, 32)(keras.ops.arange(10))
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(2, 16)(x, x, use_causal_mask=causal))
    x = layers.LayerNormalization()(x + layers.Dense(32, activation="relu")(x))
    logits = layers.Dense(20, name="logits")(x)
    model = keras.Model(tokens, [logits, x])
    model.compile("adam", loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), None])
    return model


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, positions=True, **kwargs):
        super().__init__(**kwargs)
        self.positions = positions
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        embedded = self.token_emb(x)
        if not self.positions:
            return embedded
        return embedded + self.pos_emb(keras.ops.arange(0, keras.ops.shape(x)[-1], 1))


def text_transformer(positions=True):
    """Input((maxlen,)) with no dtype, Embedding inside a custom layer, a 2-way softmax."""
    inputs = layers.Input(shape=(20,))
    x = TokenAndPositionEmbedding(20, 2000, 32, positions=positions)(inputs)
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(num_heads=2, key_dim=32)(x, x))
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(20, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(x))


def imdb_bilstm(recurrent_dropout=0.0):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(50, 16)(inputs)
    x = layers.Bidirectional(layers.LSTM(16, return_sequences=True, recurrent_dropout=recurrent_dropout))(x)
    x = layers.Bidirectional(layers.LSTM(16, recurrent_dropout=recurrent_dropout))(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy")
    return model


def char_lstm(activation="softmax", from_logits=False):
    """Character model: one-hot window of 20 characters, next-character softmax."""
    model = keras.Sequential([keras.Input((8, 20)), layers.LSTM(64), layers.Dense(20, activation=activation)])
    model.compile(
        loss=keras.losses.CategoricalCrossentropy(from_logits=from_logits),
        optimizer=keras.optimizers.RMSprop(0.01),
    )
    return model


def timeseries_transformer(positions=False):
    """Attention + kernel-1 Conv1D + global average pooling (the classification example)."""
    inp = keras.Input((10, 6))
    x = layers.Dense(16)(inp)
    if positions:
        x = x + layers.Embedding(10, 16)(keras.ops.arange(10))
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(2, 8)(x, x))
    x = layers.Conv1D(16, 1, activation="relu")(x)
    return keras.Model(inp, layers.Dense(6, activation="softmax")(layers.GlobalAveragePooling1D()(x)))


def weather_forecaster(window=12):
    inputs = keras.Input(shape=(window, 7))
    model = keras.Model(inputs, layers.Dense(1)(layers.LSTM(32)(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
    return model


def timeseries_cnn(kernel=3):
    """Stacked Conv1D + global pooling classifier over 8 one-hot steps."""
    inp = keras.Input((8, 10))
    x = layers.Conv1D(32, kernel, padding="causal", activation="relu")(inp)
    x = layers.Conv1D(32, kernel, padding="causal", activation="relu")(x)
    x = layers.Lambda(lambda t: t[:, -1, :])(x)
    return keras.Model(inp, layers.Dense(10, activation="softmax")(x))


CASES = [
    Case("example_addition_seq2seq", addition_seq2seq, "lag(1)", None),
    Case("example_mini_gpt_two_outputs", mini_gpt, "lag(3)", None),
    Case("example_text_transformer", text_transformer, "lag(5)", None),
    Case("example_imdb_bilstm", imdb_bilstm, "lag(2)", None),
    Case("example_char_lstm", char_lstm, "lag(3)", None),
    Case("example_weather_forecaster", weather_forecaster, "lag(3)", None),
    Case("example_timeseries_cnn", timeseries_cnn, "lag(3)", None),
    Case(
        "example_timeseries_transformer_no_positions",
        timeseries_transformer,
        "lag(2)",
        "position-blind",
        fixed=partial(timeseries_transformer, positions=True),
    ),
    Case(
        "example_text_transformer_positions_dropped",
        partial(text_transformer, positions=False),
        "lag(5)",
        "position-blind",
        fixed=text_transformer,
    ),
    Case(
        "example_char_lstm_logits_mismatch",
        partial(char_lstm, activation="linear"),
        "lag(3)",
        "loss-mismatch",
        fixed=char_lstm,
    ),
    Case(
        "example_weather_one_step_window",
        partial(weather_forecaster, window=1),
        "lag(1)",
        "missing-context",
        fixed=weather_forecaster,
    ),
    Case(
        "example_timeseries_cnn_too_narrow",
        partial(timeseries_cnn, kernel=1),
        "lag(3)",
        "missing-context",
        fixed=timeseries_cnn,
    ),
    Case(
        "example_mini_gpt_unmasked",
        partial(mini_gpt, causal=False),
        "lag(3, causal=True)",
        "future-leak",
        fixed=mini_gpt,
    ),
]
