"""In-process probe timings for benchmarks/perf.py: prints one JSON line.

static:   seconds from a built model to the verdict of a probe proven impossible by its shape
reach:    seconds from a built model to the verdict of a probe the reach analysis proves
          impossible (a causal TCN whose receptive field is 8 steps, on lag(10))
healthy:  seconds to the passing verdict of lstm_lag2 on lag(2)
nothing:  seconds to the failing verdict of a model that learns nothing (no static clue, no
          reach clue: its inputs are scaled by 0.02 and drowned in unit Gaussian noise while
          it trains, so it stops on a plateau)
stateful: seconds to the failing verdict of the stateful one-step LSTM (seed 002)
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import layers  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_cases import lstm_lag2  # noqa: E402

from pytest_rnncheck.runner import run_probe  # noqa: E402
from pytest_rnncheck.spec import make_spec  # noqa: E402


def one_step():
    return keras.Sequential([keras.Input((1, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])


def tcn():
    """Causal convolutions with dilations 1, 2, 4 (kernel 2): each output sees 8 steps."""
    body = [layers.Conv1D(32, 2, padding="causal", dilation_rate=d, activation="relu") for d in (1, 2, 4)]
    return keras.Sequential([keras.Input((16, 20)), *body, layers.Dense(20, activation="softmax")])


def drowned_in_noise():
    """Trains on inputs drowned in noise: every step reaches the output, nothing is learnt.

    (The earlier case, a Lambda keeping only the last step, is now proven impossible by
    the reach analysis in about 0.05 s, so it no longer shows a plateau.)
    """
    return keras.Sequential(
        [
            keras.Input((8, 100)),
            layers.Rescaling(0.02),
            layers.GaussianNoise(1.0),
            layers.LSTM(32),
            layers.Dense(100, activation="softmax"),
        ]
    )


def stateful_one_step():
    return keras.Sequential(
        [keras.Input((1, 100), batch_size=5), layers.LSTM(50, stateful=True), layers.Dense(100, activation="softmax")]
    )


def timed(source, spec, seed=0):
    start = time.perf_counter()
    result = run_probe(source, spec, seed)
    return time.perf_counter() - start, result


def main():
    lag2 = make_spec("lag", 2, min_accuracy=0.95)
    run_probe(lstm_lag2, make_spec("echo", budget=256), 0)  # warm up imports and tracing
    built = one_step()
    static, r_static = timed(built, make_spec("lag", 1))
    built = tcn()
    reach, r_reach = timed(built, make_spec("lag", 10))
    healthy, r_healthy = timed(lstm_lag2, lag2)
    nothing, r_nothing = timed(drowned_in_noise, lag2)
    stateful, r_stateful = timed(stateful_one_step, make_spec("lag", 1))
    print(
        json.dumps(
            {
                "backend": keras.backend.backend(),
                "static": static,
                "static_stopped": r_static.stopped,
                "reach": reach,
                "reach_stopped": r_reach.stopped,
                "healthy": healthy,
                "healthy_passed": r_healthy.passed,
                "healthy_sequences": r_healthy.sequences,
                "nothing": nothing,
                "nothing_passed": r_nothing.passed,
                "nothing_stopped": r_nothing.stopped,
                "stateful": stateful,
                "stateful_error": r_stateful.error,
                "stateful_passed": r_stateful.passed,
                "peak_memory_mb": r_stateful.peak_memory_mb,
            }
        )
    )


if __name__ == "__main__":
    main()
