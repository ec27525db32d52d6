"""Models for the examples: healthy ones, and the broken models of the three
questions pytest-rnncheck grew out of, each beside its fix."""

import keras
from keras import layers


# -- healthy ---------------------------------------------------------------
def lstm_classifier():
    """One-hot symbols in, a softmax over the 100 symbols out."""
    return keras.Sequential(
        [keras.Input((8, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")],
        name="lstm_classifier",
    )


def embedding_gru():
    """Integer symbols through an Embedding; one prediction per step."""
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(20, 16),
            layers.GRU(32, return_sequences=True),
            layers.Dense(20, activation="softmax"),
        ],
        name="embedding_gru",
    )


# -- seed 000: raw integers, a SimpleRNN(2) state as output, one step each ---
def raw_integer_rnn():
    """Integers 0..99 fed raw, one per sample; the 2-unit tanh state is the output."""
    model = keras.Sequential([keras.Input((1, 1)), layers.SimpleRNN(2)], name="raw_integer_rnn")
    model.compile(optimizer="adam", loss="mse")
    return model


def windowed_integer_lstm():
    """The fix: one-hot symbols, a window holding x[t-2], a softmax read-out."""
    return keras.Sequential(
        [keras.Input((4, 100)), layers.LSTM(48), layers.Dense(100, activation="softmax")],
        name="windowed_integer_lstm",
    )


# -- seed 001: stateful GRU fed one bit at a time, its state as the output ----
def stateful_bit_gru():
    model = keras.Sequential(
        [keras.Input((1, 1), batch_size=1), layers.GRU(16, stateful=True, return_sequences=True)],
        name="stateful_bit_gru",
    )
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def windowed_bit_gru():
    """The fix: 32-step windows and a Conv1D(1, 1) read-out per step."""
    model = keras.Sequential(
        [
            keras.Input((32, 1)),
            layers.GRU(8, return_sequences=True),
            layers.Conv1D(1, 1, activation="linear"),
        ],
        name="windowed_bit_gru",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mean_squared_error")
    return model


# -- seed 002: echo, then echo the previous value, one timestep at a time ----
def one_step_lstm():
    """Sees one one-hot symbol per sample: enough to echo the present."""
    return keras.Sequential(
        [keras.Input((1, 100)), layers.LSTM(15), layers.Dense(100, activation="softmax")],
        name="one_step_lstm",
    )


def stateful_one_step_lstm():
    """The beginner's mistake: a stateful LSTM trained one timestep per batch."""
    return keras.Sequential(
        [
            keras.Input((1, 100), batch_size=5),
            layers.LSTM(50, stateful=True),
            layers.Dense(100, activation="softmax"),
        ],
        name="stateful_one_step_lstm",
    )


def five_step_lstm():
    """The fix: five past observations as timesteps in every sample."""
    return keras.Sequential(
        [keras.Input((5, 100)), layers.LSTM(50), layers.Dense(100, activation="softmax")],
        name="five_step_lstm",
    )
