"""Models for the modern probes: an LSTM and a small causal Transformer that pass
selective_copy, flipflop and xor (recall: the Transformer), and a time-invariant
convolution that passes lag(n) but cannot copy selectively."""

import keras
from keras import layers

WINDOW = 16  # selective_copy(4) and recall(pairs=4) use 16 and 12 steps; attention models fix theirs


@keras.saving.register_keras_serializable(package="rnncheck_examples")
class AddPositions(layers.Layer):
    """Adds a learned embedding of each step's position (attention alone is order-blind)."""

    def __init__(self, length, width, **kwargs):
        super().__init__(**kwargs)
        self.length, self.width = length, width
        self.table = layers.Embedding(length, width)

    def call(self, x):
        return x + self.table(keras.ops.arange(keras.ops.shape(x)[1]))

    def get_config(self):
        return {**super().get_config(), "length": self.length, "width": self.width}


def causal_transformer(symbols, timesteps, width=64, blocks=2, heads=4):
    """One-hot symbols in, a softmax per step out; every step attends to itself and the past only."""
    inputs = keras.Input((timesteps, symbols))
    x = AddPositions(timesteps, width)(layers.Dense(width)(inputs))
    for _ in range(blocks):
        attended = layers.MultiHeadAttention(heads, width // heads)(x, x, use_causal_mask=True)
        x = layers.LayerNormalization()(x + attended)
        x = layers.LayerNormalization()(x + layers.Dense(width)(layers.Dense(2 * width, activation="relu")(x)))
    outputs = layers.Dense(symbols, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="causal_transformer")
    # Transformers want a smaller step than the plugin's default for uncompiled models (0.02):
    # at 0.01 already this one predicts a constant on flipflop()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


def per_step_lstm(symbols, units=64):
    return keras.Sequential(
        [
            keras.Input((None, symbols)),
            layers.LSTM(units, return_sequences=True),
            layers.Dense(symbols, activation="softmax"),
        ],
        name="per_step_lstm",
    )


def copy_lstm():
    return per_step_lstm(12)


def copy_transformer():
    return causal_transformer(12, 16)


def recall_transformer():
    return causal_transformer(12, 12)


def flipflop_lstm():
    return per_step_lstm(5, units=32)


def flipflop_transformer():
    return causal_transformer(5, 32)


def xor_lstm():
    """Bits in, one sigmoid per step out."""
    return keras.Sequential(
        [keras.Input((None, 1)), layers.LSTM(32, return_sequences=True), layers.Dense(1, activation="sigmoid")],
        name="xor_lstm",
    )


def time_invariant_conv():
    """One linear causal Conv1D spanning the whole window, then a softmax per step: a fixed
    delay line. It learns lag(n); where a symbol sits varies in selective_copy, so it cannot."""
    return keras.Sequential(
        [keras.Input((WINDOW, 12)), layers.Conv1D(12, WINDOW, padding="causal"), layers.Softmax()],
        name="time_invariant_conv",
    )
