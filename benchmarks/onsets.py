"""Where healthy models leave chance, across model families, and whether the stop rule waits.

For each healthy (family, probe, seed) the probe's first attempt is trained with the plateau
rule switched off, up to a hard budget, so the whole learning curve is recorded: the looks
at chance, the climb, the pass. Then the real stop rule (``StopPolicy.plateaued``: the flat
allowance of 4,000 x n, a quarter of the default budget, the no-progress test and the
falling-loss test) is replayed on every prefix of that curve. A healthy curve that the rule
would have stopped before it passed is a false fail the allowance let through.

Prints per run: the sequences at onset (the first look 0.1 above chance), at the pass, the
wait the no-progress test needs on this curve (the last look before the pass at which it
would stop with no allowance at all), the same without the falling-loss test, the wait the
rule gives it, and where the replayed rule
stops (``-``: never before the pass). Then, per family, the largest needed wait as a share of
the wait given: below 1 everywhere means the allowance holds for that family.

    python benchmarks/onsets.py                     # every family, seeds 0 and 1
    python benchmarks/onsets.py --family lstm16 --seeds 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
from keras import layers  # noqa: E402

from pytest_rnncheck import parse_expression, stopping  # noqa: E402
from pytest_rnncheck.runner import run_probe  # noqa: E402

#: Hard budget of the recorded run: far beyond every allowance, so the curve reaches its pass.
RECORD_BUDGET = 200_000


def one_hot(cell, units, timesteps, vocab=100, depth=1, bidirectional=False):
    def build():
        body = []
        for i in range(depth):
            layer = cell(units, return_sequences=i < depth - 1)
            body.append(layers.Bidirectional(layer) if bidirectional else layer)
        return keras.Sequential([keras.Input((timesteps, vocab)), *body, layers.Dense(vocab, activation="softmax")])

    return build


def regressor(cell, units, timesteps, depth=1, bidirectional=False):
    """A linear head under mse on one continuous input, compiled at Keras's default Adam."""

    def build():
        body = []
        for i in range(depth):
            layer = cell(units, return_sequences=i < depth - 1)
            body.append(layers.Bidirectional(layer) if bidirectional else layer)
        model = keras.Sequential([keras.Input((timesteps, 1)), *body, layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        return model

    return build


def embedded(cell, units, timesteps, vocab=20):
    def build():
        return keras.Sequential([
            keras.Input((timesteps,), dtype="int32"), layers.Embedding(vocab, 32), cell(units),
            layers.Dense(vocab, activation="softmax"),
        ])

    return build


def tcn():
    body = [layers.Conv1D(32, 2, padding="causal", dilation_rate=d, activation="relu") for d in (1, 2, 4)]
    return lambda: keras.Sequential([keras.Input((16, 20)), *body, layers.Dense(20, activation="softmax")])


CONTINUOUS = "causal=True, encoding='continuous'"
#: family: (builder, probes). Small and large, stacked, bidirectional, continuous regressors.
FAMILIES = {
    "simplernn32": (one_hot(layers.SimpleRNN, 32, 12), ["lag(1)", "lag(2)", "lag(4)"]),
    "lstm16": (one_hot(layers.LSTM, 16, 12), ["lag(1)", "lag(2)", "lag(4)"]),
    "lstm128": (one_hot(layers.LSTM, 128, 16), ["lag(4)", "lag(8)"]),
    "gru32x2": (one_hot(layers.GRU, 32, 16, depth=2), ["lag(2)", "lag(4)", "lag(8)"]),
    "bilstm32x2": (one_hot(layers.LSTM, 32, 12, depth=2, bidirectional=True), ["lag(2)", "lag(4)"]),
    "embed_lstm32": (embedded(layers.LSTM, 32, 12), ["lag(2)", "lag(4)"]),
    "tcn": (tcn(), ["lag(4)"]),
    "lstm32_regressor": (regressor(layers.LSTM, 32, 30), [f"lag(1, {CONTINUOUS})", f"lag(2, {CONTINUOUS})",
                                                          f"lag(4, {CONTINUOUS})"]),
    "gru64x2_regressor": (regressor(layers.GRU, 64, 30, depth=2), [f"lag(1, {CONTINUOUS})",
                                                                   f"lag(2, {CONTINUOUS})"]),
    "bilstm100x3_regressor": (regressor(layers.LSTM, 100, 60, depth=3, bidirectional=True),
                              [f"lag(1, {CONTINUOUS})"]),
}


def with_budget(expression: str) -> str:
    return expression[:-1] + f", budget={RECORD_BUDGET})"


def replay(policy: stopping.StopPolicy, curve: stopping.Curve, passed_at: int | None) -> int | None:
    """The sequences at which the real rule would stop this curve before its pass, else None."""
    for i in range(1, len(curve) + 1):
        seen = curve[i - 1][0]
        if passed_at is not None and seen >= passed_at:
            return None
        if policy.plateaued(curve[:i], seen):
            return seen
    return None


def needed_wait(curve: stopping.Curve, passed_at: int | None, slope_test: bool = True) -> int:
    """The wait the no-progress test needs on this curve: the last look before the pass at which
    it (with no allowance and no share of the budget) would have stopped; 0 when none.
    ``slope_test=False``: the same without the falling-loss test (the rule before it)."""
    bare = stopping.StopPolicy(budget=0, flat_allowance=0)
    real = stopping.loss_falling
    if not slope_test:
        stopping.loss_falling = lambda curve: False
    try:
        stops = [curve[i - 1][0] for i in range(1, len(curve) + 1)
                 if (passed_at is None or curve[i - 1][0] < passed_at) and bare.plateaued(curve[:i], curve[i - 1][0])]
    finally:
        stopping.loss_falling = real
    return max(stops, default=0)


def record(build, expression: str, seed: int) -> dict:
    spec = parse_expression(with_budget(expression))
    real = stopping.StopPolicy.plateaued
    stopping.StopPolicy.plateaued = lambda self, curve, seen: False  # record the whole curve
    try:
        result = run_probe(build, spec, seed)
    finally:
        stopping.StopPolicy.plateaued = real
    looks = result.record.get("curve", [])
    curve = [(look["sequences"], look["accuracy"], look["loss"]) for look in looks]
    chance = result.chance or 0.0
    onset = next((s for s, acc, _ in curve if acc >= chance + 0.1), None)
    first = result.attempts[0] if result.attempts else {}
    passed_at = first.get("sequences") if first.get("passed") else None
    policy = stopping.StopPolicy.for_lag(spec.n)  # the default policy the probe would run under
    return {"curve": curve, "onset": onset, "passed_at": passed_at, "stop": replay(policy, curve, passed_at),
            "n": spec.n, "needs": needed_wait(curve, passed_at), "needs_no_slope": needed_wait(curve, passed_at, False),
            "accuracy": result.accuracy, "allowance": policy.flat_allowance,
            "floor": int(stopping.PLATEAU_MIN_SHARE * policy.budget)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES))
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--curves", action="store_true", help="also print each curve: sequences, accuracy, loss")
    args = parser.parse_args()
    worst: dict[str, float] = {}
    false_stops = 0
    print(
        f"{'family':22} {'probe':36} seed {'onset':>7} {'pass':>7} {'needs':>7} {'no slope':>8} "
        f"{'waits':>7} {'stops':>7}  s"
    )
    for family in args.family or FAMILIES:
        build, probes = FAMILIES[family]
        for expression in probes:
            for seed in range(args.seeds):
                start = time.perf_counter()
                row = record(build, expression, seed)
                waits = max(row["floor"], row["allowance"])
                worst[family] = max(worst.get(family, 0.0), row["needs"] / waits)
                false_stops += row["stop"] is not None
                print(f"{family:22} {expression:36} {seed:4} {row['onset'] or '-':>7} {row['passed_at'] or '-':>7} "
                      f"{row['needs']:7} {row['needs_no_slope']:8} {waits:7} {row['stop'] or '-':>7}  "
                      f"{time.perf_counter() - start:.0f}",
                      flush=True)
                if args.curves:
                    print(
                        "    " + "  ".join(f"{seen // 1024}k {acc:.2f}/{loss:.3g}" for seen, acc, loss in row["curve"])
                    )
    print("\nper family, the largest wait the no-progress test needed as a share of the wait it gets")
    print(f"(max(a quarter of the default budget, FLAT_PER_LAG = {stopping.FLAT_PER_LAG} x n)):")
    for family, value in worst.items():
        print(f"  {family:24} {value:5.2f}")
    print(f"healthy curves the stop rule would have cut before their pass: {false_stops}")


if __name__ == "__main__":
    main()
