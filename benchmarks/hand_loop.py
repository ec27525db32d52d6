"""The baseline: a competent engineer's own Keras loop for a healthy lag probe.

    python benchmarks/hand_loop.py                     # tuned, LSTM(32) lag 2 (8 steps), stop at 0.95
    python benchmarks/hand_loop.py --case gru          # tuned, GRU(128) lag 16 (24 steps), stop at 0.90
    python benchmarks/hand_loop.py --defaults          # Keras defaults instead of the tuned loop
    python benchmarks/hand_loop.py --models 5          # five models in turn, in one process (benchmarks/marginal.py)

Both cases learn to output the symbol seen ``lag`` steps back, over 100 one-hot
symbols, on fresh data every round, stopping at the target accuracy on 1,000
held-out sequences (the plugin's own threshold for the matching probe in
benchmarks/bench_cases.py).

- tuned (default): Adam(0.01, clipnorm=1.0) (``--lr`` to change the rate; the plugin
  gives uncompiled models 0.02) and batches of 128 through ``train_on_batch``; rounds of
  2,048 fresh sequences; the held-out set is scored after each round with one
  ``predict_on_batch``.
- ``--defaults``: Keras defaults, ``compile(optimizer="adam")`` (0.001) and
  ``model.fit(batch_size=32)`` on 1,000 fresh sequences per round, ``model.predict``.

Prints ``rounds R sequences S accuracy A`` and, as its last line, the whole-process
seconds (imports included).
"""

import time

START = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

VOCAB = 100
#: case: (cell, units, timesteps, lag, target accuracy)
CASES = {
    "lstm": (layers.LSTM, 32, 8, 2, 0.95),
    "gru": (layers.GRU, 128, 24, 16, 0.90),
}
HELD_OUT = 1000
MAX_SEQUENCES = 400_000


def data(rng, count, timesteps, lag):
    symbols = rng.integers(0, VOCAB, size=(count, timesteps))
    return np.eye(VOCAB, dtype="float32")[symbols], symbols[:, timesteps - 1 - lag]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=sorted(CASES), default="lstm")
    parser.add_argument("--defaults", action="store_true", help="Keras defaults: Adam 0.001, fit(batch_size=32)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=0.01, help="the tuned loop's Adam learning rate (default 0.01)")
    parser.add_argument(
        "--models", type=int, default=1, help="build, train and evaluate this many models in turn (seeds seed..)"
    )
    args = parser.parse_args()
    for k in range(args.models):
        train_one(args, args.seed + k)
    print(f"{time.perf_counter() - START:.3f}")


def train_one(args, seed):
    cell, units, timesteps, lag, target = CASES[args.case]
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((timesteps, VOCAB)), cell(units), layers.Dense(VOCAB, activation="softmax")])
    if args.defaults:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        per_round, batch = 1000, 32
    else:
        model.compile(optimizer=keras.optimizers.Adam(args.lr, clipnorm=1.0), loss="sparse_categorical_crossentropy")
        per_round, batch = 2048, 128
    x_test, y_test = data(rng, HELD_OUT, timesteps, lag)
    seen, rounds, accuracy = 0, 0, 0.0
    while seen < MAX_SEQUENCES:
        x, y = data(rng, per_round, timesteps, lag)
        if args.defaults:
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
            predicted = model.predict(x_test, verbose=0)
        else:
            for start in range(0, per_round, batch):
                model.train_on_batch(x[start : start + batch], y[start : start + batch])
            predicted = model.predict_on_batch(x_test)
        seen, rounds = seen + per_round, rounds + 1
        accuracy = float(np.mean(np.asarray(predicted).argmax(-1) == y_test))
        if accuracy >= target:
            break
    print(f"rounds {rounds} sequences {seen} accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
