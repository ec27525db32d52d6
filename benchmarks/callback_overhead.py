"""What pytest_rnncheck.callback() adds to an epoch of the user's own fit (issue #27: <= 10%).

For each of the examples' healthy models (examples/models.py), on data of their shape
(10,000 training samples, 512 held out, batch 32, Keras's default), fit one epoch with and
one without the callback, alternately, for ``--rounds`` rounds after one warm-up epoch of
each, and print the median ratio of the epoch times; and, less exposed to a shared machine's
noise, the time spent inside the callback's own hooks as a share of the watched epoch. One
process, the same model object.

    python benchmarks/callback_overhead.py
    python benchmarks/callback_overhead.py --rounds 9 --samples 20000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def data(name: str, samples: int, rng: np.random.Generator):
    if name == "lstm_classifier":  # lag(2) on one-hot symbols
        s = rng.integers(0, 100, (samples, 8))
        return np.eye(100, dtype="float32")[s], s[:, -3], "sparse_categorical_crossentropy"
    if name == "embedding_gru":  # per-step lag(1) over 20 tokens
        s = rng.integers(0, 20, (samples, 12))
        return s.astype("int32"), np.roll(s, 1, axis=1), "sparse_categorical_crossentropy"
    if name == "windowed_bit_gru":  # invert the bit, per step
        x = (rng.random((samples, 32, 1)) > 0.5).astype("float32")
        return x, 1 - x, "mean_squared_error"
    if name == "five_step_lstm":  # lag(1) on one-hot symbols (examples/models.py)
        s = rng.integers(0, 100, (samples, 5))
        return np.eye(100, dtype="float32")[s], s[:, -2], "sparse_categorical_crossentropy"
    raise KeyError(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    import keras
    import models

    from pytest_rnncheck import callback

    rng = np.random.default_rng(0)
    ratios = {}
    for name in ("lstm_classifier", "embedding_gru", "windowed_bit_gru", "five_step_lstm"):
        keras.utils.set_random_seed(0)
        model = getattr(models, name)()
        x, y, loss = data(name, args.samples + 512, rng)
        if not model.compiled:
            model.compile(optimizer="adam", loss=loss)
        train, held = (x[:-512], y[:-512]), (x[-512:], y[-512:])
        watch = callback(data=held, verbose=False)
        inside = [0.0]
        for hook in ("on_train_begin", "on_epoch_end", "on_train_end"):
            def timed(*a, _real=getattr(watch, hook), **k):
                start = time.perf_counter()
                try:
                    return _real(*a, **k)
                finally:
                    inside[0] += time.perf_counter() - start
            setattr(watch, hook, timed)

        def epoch(watched: bool) -> float:
            start = time.perf_counter()
            model.fit(*train, epochs=1, batch_size=32, verbose=0, callbacks=[watch] if watched else [])
            return time.perf_counter() - start

        epoch(True), epoch(False)  # warm-up: tracing, the callback's first look
        plain, watched, hooks = [], [], []
        for _ in range(args.rounds):
            inside[0] = 0.0
            watched.append(epoch(True))
            hooks.append(inside[0] / watched[-1])
            plain.append(epoch(False))
        ratio = statistics.median(w / p for w, p in zip(watched, plain))
        ratios[name] = statistics.median(hooks)
        print(f"{name}: epoch {statistics.median(plain):.2f} s plain, {statistics.median(watched):.2f} s watched; "
              f"median ratio {ratio:.3f} ({(ratio - 1) * 100:+.1f}%); inside the callback {ratios[name]:.2%} of the "
              f"watched epoch; {args.rounds} rounds", flush=True)
    print(f"largest share inside the callback: {max(ratios.values()):.2%} ({max(ratios, key=ratios.get)})")


if __name__ == "__main__":
    main()
