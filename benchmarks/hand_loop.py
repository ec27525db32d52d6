"""The baseline: a competent engineer's own Keras loop for the healthy probe.

LSTM(32) learning lag-2 echo of 100 one-hot symbols: fresh data every round,
Keras defaults (Adam, batch 32, model.fit), stop at 95% held-out accuracy.
Prints the whole-process seconds (imports included) as its last line.
"""

import time

START = time.perf_counter()

import os  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

VOCAB, TIMESTEPS, LAG, TARGET = 100, 8, 2, 0.95


def data(rng, count):
    symbols = rng.integers(0, VOCAB, size=(count, TIMESTEPS))
    return np.eye(VOCAB, dtype="float32")[symbols], symbols[:, TIMESTEPS - 1 - LAG]


def main():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.Input((TIMESTEPS, VOCAB)), layers.LSTM(32), layers.Dense(VOCAB, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x_test, y_test = data(rng, 1000)
    for round_ in range(1, 400):
        x, y = data(rng, 1000)
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(-1) == y_test))
        if accuracy >= TARGET:
            break
    print(f"rounds {round_} accuracy {accuracy:.3f}")
    print(f"{time.perf_counter() - START:.3f}")


if __name__ == "__main__":
    main()
