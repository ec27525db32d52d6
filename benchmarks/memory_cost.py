"""Cost of memory(max_lag=16) against lag(16) alone, alternating, in one process.

    python benchmarks/memory_cost.py [--rounds 3] [--short-memory]

LSTM(64), free timesteps, 10 one-hot symbols (the case the memory-profile issue names):
prints each run's seconds and sequences, then the median ratio memory/lag (target <= 3).
``--short-memory`` adds a SimpleRNN(8) whose horizon is below 16, where failing lags near
its horizon dominate the cost and the profile's shared budget (3x its first lag) binds.
A warm-up probe runs first so neither side pays
Keras's first-call tracing.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import layers  # noqa: E402

from pytest_rnncheck.runner import run_probe  # noqa: E402
from pytest_rnncheck.spec import make_spec  # noqa: E402


def lstm64():
    return keras.Sequential([keras.Input((None, 10)), layers.LSTM(64), layers.Dense(10, activation="softmax")])


def simple_rnn8():
    return keras.Sequential([keras.Input((None, 10)), layers.SimpleRNN(8), layers.Dense(10, activation="softmax")])


def timed(factory, expression, seed):
    spec = make_spec(*expression)
    start = time.perf_counter()
    result = run_probe(factory, spec, seed)
    seconds = time.perf_counter() - start
    print(f"  {factory.__name__:<12} {spec.name:<20} {seconds:6.1f} s {result.sequences:>8,} seq "
          f"passed={result.passed}", flush=True)
    return seconds


def compare(factory, rounds):
    ratios = []
    for round_ in range(rounds):
        single = timed(factory, ("lag", 16), round_)
        profile = timed_memory(factory, round_)
        ratios.append(profile / single)
    print(f"{factory.__name__}: memory(max_lag=16) / lag(16) median {statistics.median(ratios):.2f} "
          f"(runs: {', '.join(f'{r:.2f}' for r in ratios)}; target <= 3)", flush=True)


def timed_memory(factory, seed):
    spec = make_spec("memory", max_lag=16)
    start = time.perf_counter()
    result = run_probe(factory, spec, seed)
    seconds = time.perf_counter() - start
    lags = ", ".join(f"{p['lag']}{'+' if p['passed'] else '-'}" for p in result.profile or [])
    print(f"  {factory.__name__:<12} {spec.name:<20} {seconds:6.1f} s {result.sequences:>8,} seq "
          f"horizon {result.horizon} [{lags}]", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--short-memory", action="store_true")
    args = parser.parse_args()
    run_probe(lstm64, make_spec("lag", 1), 0)  # warm-up
    compare(lstm64, args.rounds)
    if args.short_memory:
        compare(simple_rnn8, 1)


if __name__ == "__main__":
    main()
