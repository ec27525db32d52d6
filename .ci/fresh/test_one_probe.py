"""One probe that must fail with its cause: a model fed one timestep cannot look back."""

import keras
from keras import layers

from pytest_rnncheck import rnncheck


def one_step():
    return keras.Sequential([keras.Input((1, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])


@rnncheck.lag(1)
def test_one_timestep(rnncheck):
    rnncheck(one_step)
