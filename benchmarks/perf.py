"""Performance figures for docs/performance.md, per Keras backend.

    python benchmarks/perf.py                      # every installed backend, 3 runs each
    python benchmarks/perf.py --backends tensorflow --runs 5

For each backend:
- healthy verdict, whole process: `pytest --rnncheck` on one lag(2) probe
  (LSTM(32), 100 one-hot symbols, min_accuracy=0.95) against benchmarks/hand_loop.py
  (the same model and task with Keras defaults, stopping at 95% held-out accuracy);
  the two run alternately, medians compared: target ratio <= 1.0;
- static failure: seconds from a built model to the verdict of a probe proven
  impossible (target <= 0.5 s);
- plateau failure: a model that learns nothing, against the healthy verdict in the
  same process (target <= 3x); the stateful one-step LSTM of seed 002 beside it;
- peak memory (max RSS) of the probe process.
Then, once: the cost of loading the plugin, `pytest` on a plain test file with and
without `-p no:rnncheck`, alternating (target <= 1.15).
Timings on a shared machine are noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def wall(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def environment(backend: str) -> dict[str, str]:
    return {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}


def healthy_ratio(backend: str, runs: int) -> dict:
    env = environment(backend)
    hand, plugin, memory = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        plugin_cmd = [
            sys.executable, "-m", "pytest", "--rnncheck", "-q", "-p", "no:cacheprovider",
            f"--rnncheck-report={report}", str(HERE / "bench_cases.py"),
        ]
        for _ in range(runs):
            seconds, done = wall([sys.executable, str(HERE / "hand_loop.py")], env)
            if done.returncode:
                raise SystemExit(f"hand loop failed on {backend}:\n{done.stderr[-2000:]}")
            hand.append(seconds)
            seconds, done = wall(plugin_cmd, env)
            if done.returncode:
                raise SystemExit(f"plugin run failed on {backend}:\n{done.stdout[-3000:]}")
            plugin.append(seconds)
            memory.append(json.loads(report.read_text())["results"][0]["peak_memory_mb"])
    return {
        "hand_s": statistics.median(hand),
        "plugin_s": statistics.median(plugin),
        "ratio": statistics.median(plugin) / statistics.median(hand),
        "peak_mb": max(memory),
    }


def probe_times(backend: str) -> dict:
    _, done = wall([sys.executable, str(HERE / "probe_times.py")], environment(backend))
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"probe_times failed on {backend}:\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def load_cost(runs: int) -> dict:
    env = environment("tensorflow")
    with tempfile.TemporaryDirectory() as tmp:
        test = Path(tmp) / "test_plain.py"
        test.write_text("def test_one():\n    assert 1 + 1 == 2\n")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)]
        on, off = [], []
        for _ in range(runs):
            off.append(wall(base + ["-p", "no:rnncheck"], env)[0])
            on.append(wall(base, env)[0])
    return {"with_s": statistics.median(on), "without_s": statistics.median(off), "ratio": statistics.median(on) / statistics.median(off)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per whole-process timing (default 3)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated (default: all installed)")
    args = parser.parse_args()
    rows = []
    for backend in args.backends.split(","):
        if importlib.util.find_spec(BACKENDS[backend]) is None:
            print(f"{backend}: not installed, skipped")
            continue
        ratio = healthy_ratio(backend, args.runs)
        times = probe_times(backend)
        stateful = "error (Keras)" if times["stateful_error"] else f"{times['stateful']:.1f} s"
        rows.append(
            (
                backend,
                f"{ratio['plugin_s']:.1f} s / {ratio['hand_s']:.1f} s = {ratio['ratio']:.2f}",
                f"{times['static']:.3f} s",
                f"{times['nothing']:.1f} s = {times['nothing'] / times['healthy']:.1f}x of {times['healthy']:.1f} s",
                stateful,
                f"{ratio['peak_mb']:.0f} MB",
            )
        )
        print(f"{backend}: {json.dumps({**ratio, **times})}", flush=True)
    load = load_cost(max(args.runs, 5))
    print()
    header = ("backend", "healthy: plugin / hand loop", "static failure", "learns nothing", "stateful seed 002", "peak memory")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))
    print(
        f"\nplugin load cost: pytest on a plain file {load['with_s']:.2f} s with the plugin, "
        f"{load['without_s']:.2f} s with -p no:rnncheck: ratio {load['ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
