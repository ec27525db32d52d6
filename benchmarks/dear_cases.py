"""The failing probes issue #23 measured at 10-50x a healthy one, for benchmarks/suite.py --dear.

Each must fail (``broken`` in its name); what the suite reads is what each costs now. Collected
only when named (not a test of the project).
"""

import keras
from keras import layers

from pytest_rnncheck import rnncheck


def linear_recurrence():
    """A SimpleRNN without its tanh: a linear recurrence that keeps climbing slowly on lag(4)."""
    return keras.Sequential([keras.Input((8, 100)), layers.SimpleRNN(32, activation=None),
                             layers.Dense(100, activation="softmax")])


def recall_lstm():
    """An LSTM on recall(pairs=4): it stalls near 0.45 at most seeds (examples/test_modern.py)."""
    return keras.Sequential([keras.Input((None, 12)), layers.LSTM(64, return_sequences=True),
                             layers.Dense(12, activation="softmax")])


def weak_gru():
    return keras.Sequential([keras.Input((24, 100)), layers.GRU(4), layers.Dense(100, activation="softmax")])


def frozen_reservoir():
    return keras.Sequential([keras.Input((24, 100)), layers.GRU(128, trainable=False),
                             layers.Dense(100, activation="softmax")])


@rnncheck.lag(4)
def test_linear_recurrence_lag4_broken(rnncheck):
    rnncheck(linear_recurrence)


@rnncheck.recall(pairs=4)
def test_lstm_recall_broken(rnncheck):
    rnncheck(recall_lstm)


@rnncheck.memory(max_lag=16, min_horizon=16)
def test_weak_gru_memory_broken(rnncheck):
    rnncheck(weak_gru)


@rnncheck.memory(max_lag=16, min_horizon=16)
def test_frozen_reservoir_memory_broken(rnncheck):
    rnncheck(frozen_reservoir)
