"""What a CI run of healthy and broken models costs, serial and under pytest-xdist.

The suite: the examples (healthy models, and broken ones marked ``xfail``) and the broken
half of the hard cases plus two healthy ones (benchmarks/hard_cases.py). Each round runs it
serially and with ``-n 2``, alternately in the same script, at one base seed, and reads the
JSON report. Prints per round the wall time of each run and their ratio, then over all rounds:

- the ``-n 2`` / serial ratio of the wall times (median over rounds), and whether both runs
  reached the same verdicts;
- the median cost of a failing probe against the median healthy one, in seconds and in
  sequences trained (from the serial runs), and the sequences per verdict.

    python benchmarks/suite.py                        # 2 rounds, --dist load
    python benchmarks/suite.py --rounds 3 --dist worksteal
    python benchmarks/suite.py --serial-only          # the cost ratios alone, one run
    python benchmarks/suite.py --baseline-threads     # also -n 2 with every pool on all cores
    RNNCHECK_EXTRA="--rnncheck-profile=quick" python benchmarks/suite.py --serial-only
    python benchmarks/suite.py --serial-only --dear   # also issue #23's dear failing cases (benchmarks/dear_cases.py)
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The hard cases that stay in the suite: the broken half (past reachable, must fail) and two
#: healthy ones of moderate length (the long-lag cases belong to benchmarks/flake.py).
HARD = "broken or tcn_within or causal_attention_with or lstm256"
TARGETS = ["examples", "benchmarks/hard_cases.py"]


#: The backends' own pool sizes on every core, set by hand: the oversubscribed baseline that
#: ran before each probe worker got its share of the cores (the plugin leaves set variables alone).
def all_cores_environment() -> dict[str, str]:
    cores = str(os.cpu_count() or 1)
    return {"TF_NUM_INTRAOP_THREADS": cores, "TF_NUM_INTEROP_THREADS": cores, "OMP_NUM_THREADS": cores,
            "MKL_NUM_THREADS": cores, "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=true"}


def run(workers: int, dist: str, seed: int, extra: list[str], env: dict[str, str] | None = None,
        targets: list[str] = TARGETS) -> tuple[float, list[dict]]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable, "-m", "pytest", "--rnncheck", "--runxfail", "-q", "-p", "no:cacheprovider",
            f"--rnncheck-seed={seed}", f"--rnncheck-report={report}", "-k", f"not hard_cases or ({HARD})",
            *targets, *extra,
        ]
        if workers > 1:
            cmd += ["-n", str(workers), f"--dist={dist}"]
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
        wall = time.perf_counter() - start
        if not report.exists():
            raise SystemExit(f"pytest wrote no report; run {shlex.join(cmd)} to see why")
        return wall, json.loads(report.read_text())["results"]


def verdicts(results: list[dict]) -> dict[tuple[str, str], bool]:
    return {(r["nodeid"], r["probe"]): bool(r["passed"]) for r in results}


def costs(results: list[dict]) -> str:
    healthy = [r for r in results if r["passed"]]
    failing = [r for r in results if not r["passed"]]
    if not healthy or not failing:
        return f"{len(healthy)} passing and {len(failing)} failing probes: no ratio"
    med = statistics.median
    hs, fs = med(r["seconds"] for r in healthy), med(r["seconds"] for r in failing)
    hq, fq = med(r["sequences"] for r in healthy), med(r["sequences"] for r in failing)
    total = sum(r["sequences"] for r in results)
    dearest = sorted(failing, key=lambda r: -r["seconds"])[:3]
    tail = "; ".join(f"{r['nodeid'].split('::')[-1]} {r['probe']} {r['seconds']:.0f} s {r['sequences']:,} seq"
                     for r in dearest)
    return (
        f"{len(healthy)} passing, {len(failing)} failing probes; median seconds failing/healthy "
        f"{fs:.1f}/{hs:.1f} = {fs / hs:.1f}x; median sequences {fq:,.0f}/{hq:,.0f} = {fq / max(hq, 1):.1f}x; "
        f"{total / len(results):,.0f} sequences per verdict; {sum(r['seconds'] for r in results):.0f} s of probes\n"
        f"dearest failing probes: {tail}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dist", default="load", choices=["load", "worksteal", "loadfile", "loadscope"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serial-only", action="store_true")
    parser.add_argument("--examples-only", action="store_true", help="the examples alone (for profile comparisons)")
    parser.add_argument("--dear", action="store_true",
                        help="add benchmarks/dear_cases.py: the failing probes issue #23 measured at 10-50x a "
                             "healthy one")
    parser.add_argument("--baseline-threads", action="store_true",
                        help="each round also runs -n 2 with every backend pool sized to all cores (the old behaviour)")
    args = parser.parse_args()
    extra = shlex.split(os.environ.get("RNNCHECK_EXTRA", ""))
    targets = ["examples"] if args.examples_only else list(TARGETS)
    if args.dear:
        targets.append("benchmarks/dear_cases.py")
    ratios, baseline, same, serial_results = [], [], True, None
    for i in range(args.rounds if not args.serial_only else 1):
        serial, serial_results = run(1, args.dist, args.seed, extra, targets=targets)
        if args.serial_only:
            print(f"serial {serial:.0f} s")
            break
        parallel, parallel_results = run(2, args.dist, args.seed, extra, targets=targets)
        same = same and verdicts(serial_results) == verdicts(parallel_results)
        ratios.append(parallel / serial)
        line = (
            f"round {i + 1}: serial {serial:.0f} s, -n 2 --dist={args.dist} {parallel:.0f} s ({parallel / serial:.2f})"
        )
        if args.baseline_threads:
            old, old_results = run(2, args.dist, args.seed, extra, all_cores_environment(), targets)
            same = same and verdicts(serial_results) == verdicts(old_results)
            baseline.append(old / serial)
            line += f", -n 2 with pools on all cores {old:.0f} s ({old / serial:.2f})"
        print(line, flush=True)
    if ratios:
        print(f"-n 2 / serial: median {statistics.median(ratios):.2f} over {len(ratios)} rounds"
              + (f"; with pools on all cores {statistics.median(baseline):.2f}" if baseline else "")
              + f"; same verdicts: {'yes' if same else 'NO'}")
    print(costs(serial_results or []))


if __name__ == "__main__":
    main()
