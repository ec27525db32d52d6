"""False-fail and false-pass rates over many seeds.

Runs `pytest --rnncheck --runxfail` on a suite once per base seed (under xdist)
and reads the JSON report: a probe in a test named `*broken*`, or marked
`pytest.mark.xfail`, should fail; every other probe should pass with no finding.
Prints one line per seed, then the rates.

    python benchmarks/flake.py                 # the examples, seeds 1..10
    python benchmarks/flake.py --suite hard    # long lags, TCN, attention (benchmarks/hard_cases.py)
    python benchmarks/flake.py --seeds 20 --workers 2
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = {"examples": ROOT / "examples", "hard": ROOT / "benchmarks" / "hard_cases.py"}


def expected_to_fail(nodeid: str) -> bool:
    """``*broken*`` in the name, or an ``xfail`` mark on the test function (read from its source)."""
    if "broken" in nodeid:
        return True
    path, _, name = nodeid.partition("::")
    name = name.split("[", 1)[0]
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return any("xfail" in ast.unparse(d) for d in node.decorator_list)
    return False


def run_seed(seed: int, workers: int, suite: Path) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable, "-m", "pytest", "--rnncheck", "--runxfail", "-q", "-p", "no:cacheprovider",
            f"--rnncheck-seed={seed}", f"--rnncheck-report={report}", str(suite),
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
    parser.add_argument("--suite", choices=sorted(SUITES), default="examples", help="which cases (default examples)")
    args = parser.parse_args()
    healthy = broken = false_fails = false_passes = 0
    start = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        results = run_seed(seed, args.workers, SUITES[args.suite])
        misses = []
        for r in results:
            expect_fail = expected_to_fail(r["nodeid"])
            if expect_fail:
                broken += 1
                if r["passed"]:
                    false_passes += 1
                    misses.append(f"false pass {r['nodeid']} {r['probe']} acc={r['accuracy']}")
            else:
                healthy += 1
                if not r["passed"] or r["pathologies"]:
                    false_fails += 1
                    codes = ",".join(p["code"] for p in r["pathologies"])
                    misses.append(f"false fail {r['nodeid']} {r['probe']} acc={r['accuracy']} {r['stopped']} {codes}")
        seconds = sum(r["seconds"] for r in results)
        print(
            f"seed {seed:3d}: {len(results)} probes, {len(misses)} wrong, {seconds:.0f} s of probes"
            + "".join(f"\n    {m}" for m in misses),
            flush=True,
        )
    minutes = (time.perf_counter() - start) / 60
    print(f"\nhealthy probes: {healthy}, false fails: {false_fails} ({false_fails / max(healthy, 1):.1%})")
    print(f"broken probes:  {broken}, false passes: {false_passes} ({false_passes / max(broken, 1):.1%})")
    print(f"{args.seeds} seeds in {minutes:.1f} min")


if __name__ == "__main__":
    main()
