"""Probe cases the performance benchmark runs (collected only when named)."""

import keras
from keras import layers

from pytest_rnncheck import rnncheck


def lstm_lag2():
    return keras.Sequential([keras.Input((8, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])


@rnncheck.lag(2, min_accuracy=0.95)
def test_healthy_lag2(rnncheck):
    rnncheck(lstm_lag2)


def gru_lag16():
    return keras.Sequential([keras.Input((24, 100)), layers.GRU(128), layers.Dense(100, activation="softmax")])


@rnncheck.lag(16)
def test_healthy_gru_lag16(rnncheck):
    rnncheck(gru_lag16)
