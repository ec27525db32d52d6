"""False-fail and false-pass rates of the examples over many seeds.

Runs `pytest --rnncheck examples --runxfail` once per base seed (under xdist)
and reads the JSON report: a probe in a test named `*broken*` should fail, every
other probe should pass. Prints one line per seed, then the rates.

    python benchmarks/flake.py                # seeds 1..10
    python benchmarks/flake.py --seeds 20 --workers 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_seed(seed: int, workers: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable, "-m", "pytest", "--rnncheck", "--runxfail", "-q", "-p", "no:cacheprovider",
            f"--rnncheck-seed={seed}", f"--rnncheck-report={report}", str(ROOT / "examples"),
        ]
        if workers > 1:
            cmd += ["-n", str(workers)]
        subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if not report.exists():
            raise SystemExit(f"seed {seed}: pytest wrote no report; run {' '.join(cmd)} to see why")
        return json.loads(report.read_text())["results"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10, help="number of base seeds, 1..N (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (default 2)")
    args = parser.parse_args()
    healthy = broken = false_fails = false_passes = 0
    start = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        results = run_seed(seed, args.workers)
        misses = []
        for r in results:
            expect_fail = "broken" in r["nodeid"]
            if expect_fail:
                broken += 1
                if r["passed"]:
                    false_passes += 1
                    misses.append(f"false pass {r['nodeid']} {r['probe']} acc={r['accuracy']}")
            else:
                healthy += 1
                if not r["passed"] or r["pathologies"]:
                    false_fails += 1
                    misses.append(f"false fail {r['nodeid']} {r['probe']} acc={r['accuracy']} {r['stopped']}")
        print(f"seed {seed:3d}: {len(results)} probes, {len(misses)} wrong" + "".join(f"\n    {m}" for m in misses))
    minutes = (time.perf_counter() - start) / 60
    print(f"\nhealthy probes: {healthy}, false fails: {false_fails} ({false_fails / max(healthy, 1):.1%})")
    print(f"broken probes:  {broken}, false passes: {false_passes} ({false_passes / max(broken, 1):.1%})")
    print(f"{args.seeds} seeds in {minutes:.1f} min")


if __name__ == "__main__":
    main()
