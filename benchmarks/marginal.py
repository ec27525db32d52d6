"""The first probe's start-up and the marginal cost of the next ones (issue #28), per backend.

    python benchmarks/marginal.py                         # every installed backend, 3 rounds
    python benchmarks/marginal.py --backends tensorflow --rounds 5 --probes 5

Each round runs, alternately, as whole processes with only this plugin loaded:
- floor:   ``pytest`` on a test that imports Keras and builds the model, no probe: what any
           test of this model pays before the first probe;
- plugin:  ``pytest --rnncheck`` on 1 and on K copies of the LSTM(32) ``lag(2, min_accuracy=0.95)``
           test of benchmarks/bench_cases.py (each copy its own test id, so its own seed);
- untwinned: the K copies again with ``RNNCHECK_TWINS=0``, each copy tracing its own train and
           predict functions (as before the traced twins of keras_adapter.py): the baseline of the
           twins, alternating with them;
- hand:    benchmarks/hand_loop.py building, training and evaluating 1 and K models in turn in
           one process (the tuned loop: Adam 0.01, batches of 128, stop at 0.95).
Prints the medians and the ratios: the first probe against the floor, the first probe against
the hand loop's one model, and the marginal cost per extra probe, (t_K - t_1)/(K - 1), against
the hand loop's. Timings on a shared machine are noisy: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TESTS = """
import pytest
from bench_cases import lstm_lag2
from pytest_rnncheck import rnncheck


@pytest.mark.parametrize("copy", range({count}))
@rnncheck.lag(2, min_accuracy=0.95)
def test_copy(rnncheck, copy):
    rnncheck(lstm_lag2)
"""

FLOOR = """
from bench_cases import lstm_lag2


def test_builds():
    lstm_lag2()
"""


def wall(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return seconds


def measure(backend: str, rounds: int, probes: int) -> dict[str, float]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    names = ("floor", "plugin_1", "plugin_k", "untwinned_k", "hand_1", "hand_k")
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_floor.py").write_text(FLOOR)
        (folder / "test_one.py").write_text(TESTS.format(count=1))
        (folder / "test_many.py").write_text(TESTS.format(count=probes))
        pytest = [sys.executable, "-m", "pytest", "-p", "pytest_rnncheck.plugin", "-q", "-p", "no:cacheprovider"]
        hand = [sys.executable, str(HERE / "hand_loop.py"), "--case", "lstm"]
        for round_ in range(rounds):
            commands = {
                "floor": pytest + ["test_floor.py"],
                "plugin_1": pytest + ["--rnncheck", f"--rnncheck-seed={round_}", "test_one.py"],
                "plugin_k": pytest + ["--rnncheck", f"--rnncheck-seed={round_}", "test_many.py"],
                "untwinned_k": pytest + ["--rnncheck", f"--rnncheck-seed={round_}", "test_many.py"],
                "hand_1": hand + ["--seed", str(round_)],
                "hand_k": hand + ["--seed", str(round_), "--models", str(probes)],
            }
            for name, cmd in commands.items():
                times[name].append(wall(cmd, {**env, "RNNCHECK_TWINS": "0"} if name == "untwinned_k" else env, folder))
            print(
                f"  {backend} round {round_ + 1}: " + ", ".join(f"{n} {v[-1]:.1f} s" for n, v in times.items()),
                flush=True,
            )
    med = {name: statistics.median(values) for name, values in times.items()}
    med["plugin_marginal"] = (med["plugin_k"] - med["plugin_1"]) / (probes - 1)
    med["hand_marginal"] = (med["hand_k"] - med["hand_1"]) / (probes - 1)
    med["untwinned_marginal"] = (med["untwinned_k"] - med["plugin_1"]) / (probes - 1)
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="*", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probes", type=int, default=5, help="K, the probes of the many-probe run (>= 2)")
    args = parser.parse_args()
    if args.probes < 2:
        raise SystemExit("--probes must be 2 or more")
    installed = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    backends = args.backends or [b for b, module in installed.items() if importlib.util.find_spec(module)]
    for backend in backends:
        m = measure(backend, args.rounds, args.probes)
        print(
            f"{backend}: floor {m['floor']:.1f} s; one probe {m['plugin_1']:.1f} s "
            f"({m['plugin_1'] / m['floor']:.2f}x the floor, "
            f"{m['plugin_1'] / m['hand_1']:.2f}x the hand loop's {m['hand_1']:.1f} s); per extra probe "
            f"{m['plugin_marginal']:.2f} s against {m['hand_marginal']:.2f} s for the hand loop "
            f"({m['plugin_marginal'] / m['hand_marginal']:.2f}x; without twins {m['untwinned_marginal']:.2f} s, "
            f"{m['untwinned_marginal'] / m['hand_marginal']:.2f}x), K = {args.probes}, median of {args.rounds}",
            flush=True,
        )


if __name__ == "__main__":
    main()
