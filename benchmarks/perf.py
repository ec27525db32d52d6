"""Performance figures for docs/performance.md, per Keras backend.

    python benchmarks/perf.py                      # every installed backend, 3 runs each
    python benchmarks/perf.py --backends tensorflow --runs 5
    python benchmarks/perf.py --cases lstm --no-defaults    # a quick look

For each backend and case:
- healthy verdict, whole process: `pytest --rnncheck` (with only this plugin loaded:
  PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 -p pytest_rnncheck.plugin) on one test of
  benchmarks/bench_cases.py against benchmarks/hand_loop.py on the same model and
  task, both the tuned loop (Adam 0.01, batch 128, rounds of 2,048 fresh sequences,
  stop at the threshold on 1,000 held out), the same loop at the plugin's own rate
  for uncompiled models (`--lr`, read from keras_adapter.DEFAULT_LEARNING_RATE) and the
  Keras-defaults loop (`--defaults`). Run i uses seed i on every side
  (`--rnncheck-seed=i`, `--seed i`); the commands run alternately and their medians are
  compared. Targets: plugin / tuned <= 1.0, then <= 0.7.
    lstm: LSTM(32), 8 steps of 100 one-hot symbols, lag(2, min_accuracy=0.95)
    gru:  GRU(128), 24 steps of 100 one-hot symbols, lag(16) (min_accuracy 0.9)
Then, in one process per backend (benchmarks/probe_times.py):
- static and reach-proven failure: seconds from a built model to the verdict of a
  probe proven impossible (target <= 0.5 s);
- plateau failure: a model that learns nothing, against the healthy verdict in the
  same process (target <= 3x); the stateful one-step LSTM of seed 002 beside it;
- peak memory (max RSS) of the probe processes.
Then, once: the cost of loading the plugin, `pytest` on a plain test file with and
without `-p no:rnncheck`, alternating (target <= 1.15).
Timings on a shared machine are noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: case: the bench_cases.py test the plugin runs
CASES = {"lstm": "test_healthy_lag2", "gru": "test_healthy_gru_lag16"}
TARGETS = (1.0, 0.7)
#: the rate the plugin gives uncompiled models (keras_adapter.DEFAULT_LEARNING_RATE, read
#: without importing the package's Keras side)
PLUGIN_RATE = float(
    re.search(
        r"^DEFAULT_LEARNING_RATE = ([0-9.]+)", (ROOT / "pytest_rnncheck" / "keras_adapter.py").read_text(), re.M
    ).group(1)
)


def wall(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def environment(backend: str) -> dict[str, str]:
    return {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}


def hand_sequences(stdout: str) -> int:
    found = re.search(r"sequences (\d+)", stdout)
    return int(found.group(1)) if found else -1


def healthy_ratios(backend: str, case: str, runs: int, defaults: bool) -> dict:
    """Alternate the tuned hand loop, the plugin and (optionally) the defaults loop, seed i on run i."""
    env = environment(backend)
    names = ("tuned", "same_rate", "plugin", "defaults")
    times: dict[str, list[float]] = {name: [] for name in names}
    sequences: dict[str, list[int]] = {name: [] for name in names}
    memory = []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        for seed in range(runs):
            hand = [sys.executable, str(HERE / "hand_loop.py"), "--case", case, "--seed", str(seed)]
            # only this plugin loaded: other installed plugins' costs are theirs (hypothesis's
            # terminal summary alone took 1.0 s of a run here)
            plugin = [
                sys.executable, "-m", "pytest", "-p", "pytest_rnncheck.plugin", "--rnncheck", "-q",
                "-p", "no:cacheprovider",
                f"--rnncheck-seed={seed}", f"--rnncheck-report={report}", f"{HERE / 'bench_cases.py'}::{CASES[case]}",
            ]
            # the baseline is tuned at Adam 0.01; the same loop at the plugin's own rate
            # says how much of the gap is the rate and how much the rest
            commands = {"tuned": hand, "same_rate": hand + ["--lr", str(PLUGIN_RATE)], "plugin": plugin}
            if defaults:
                commands["defaults"] = hand + ["--defaults"]
            for name, cmd in commands.items():
                seconds, done = wall(cmd, {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"} if name == "plugin" else env)
                if done.returncode:
                    raise SystemExit(
                        f"{name} run of {case} failed on {backend}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
                    )
                times[name].append(seconds)
                if name == "plugin":
                    result = json.loads(report.read_text())["results"][0]
                    memory.append(result["peak_memory_mb"])
                    sequences[name].append(result["total_sequences"])
                else:
                    sequences[name].append(hand_sequences(done.stdout))
            print(
                f"  {backend} {case} seed {seed}: "
                + ", ".join(f"{n} {times[n][-1]:.1f} s ({sequences[n][-1]:,} seq)" for n in commands),
                flush=True,
            )
    out = {"case": case, "peak_mb": max(memory)}
    for name, values in times.items():
        if values:
            out[f"{name}_s"] = statistics.median(values)
            out[f"{name}_sequences"] = statistics.median(sequences[name])
    out["ratio_tuned"] = out["plugin_s"] / out["tuned_s"]
    out["ratio_same_rate"] = out["plugin_s"] / out["same_rate_s"]
    if defaults:
        out["ratio_defaults"] = out["plugin_s"] / out["defaults_s"]
    return out


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
    return {
        "with_s": statistics.median(on),
        "without_s": statistics.median(off),
        "ratio": statistics.median(on) / statistics.median(off),
    }


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per whole-process timing (default 3)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated (default: all installed)")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated of lstm, gru (default both)")
    parser.add_argument("--no-defaults", action="store_true", help="skip the Keras-defaults hand loop")
    args = parser.parse_args()
    healthy_rows, probe_rows = [], []
    for backend in args.backends.split(","):
        if importlib.util.find_spec(BACKENDS[backend]) is None:
            print(f"{backend}: not installed, skipped")
            continue
        peak = 0.0
        for case in args.cases.split(","):
            r = healthy_ratios(backend, case, args.runs, not args.no_defaults)
            print(f"{backend}: {json.dumps(r)}", flush=True)
            peak = max(peak, r["peak_mb"])
            defaults = (
                f"{r['plugin_s']:.1f} / {r['defaults_s']:.1f} s = {r['ratio_defaults']:.2f}"
                if "ratio_defaults" in r
                else "-"
            )
            healthy_rows.append(
                (
                    backend,
                    case,
                    f"{r['plugin_s']:.1f} / {r['tuned_s']:.1f} s = {r['ratio_tuned']:.2f}",
                    f"{r['ratio_tuned'] - TARGETS[1]:+.2f}",
                    f"{r['plugin_s']:.1f} / {r['same_rate_s']:.1f} s = {r['ratio_same_rate']:.2f}",
                    defaults,
                    f"{r['plugin_sequences']:,.0f} / {r['tuned_sequences']:,.0f}",
                )
            )
        times = probe_times(backend)
        print(f"{backend}: {json.dumps(times)}", flush=True)
        stateful = "error (Keras)" if times["stateful_error"] else f"{times['stateful']:.1f} s"
        probe_rows.append(
            (
                backend,
                f"{times['static']:.3f} s",
                f"{times['reach']:.3f} s",
                f"{times['nothing']:.1f} s = {times['nothing'] / times['healthy']:.1f}x of {times['healthy']:.1f} s",
                stateful,
                f"{max(peak, times['peak_memory_mb'] or 0):.0f} MB",
            )
        )
    load = load_cost(max(args.runs, 5))
    print()
    table(
        (
            "backend",
            "case",
            "plugin / tuned loop (0.01)",
            "vs 0.7",
            f"plugin / loop at {PLUGIN_RATE:g}",
            "plugin / defaults loop",
            "sequences plugin / tuned",
        ),
        healthy_rows,
    )
    print()
    table(
        ("backend", "static failure", "reach-proven failure", "learns nothing", "stateful seed 002", "peak memory"),
        probe_rows,
    )
    print(
        f"\nplugin load cost: pytest on a plain file {load['with_s']:.2f} s with the plugin, "
        f"{load['without_s']:.2f} s with -p no:rnncheck: ratio {load['ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
