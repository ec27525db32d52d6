"""Score rnncheck's diagnosis on the labelled corpus in benchmarks/corpus.py.

Every case's probe runs in the plugin's worker process (as under pytest), one after
another. The predicted cause of a case is the code of its first finding with severity
``error``, or None when the probe passes with no error finding. Prints one line per
case and seed, then per-cause precision and recall, a confusion table (expected rows,
predicted columns) and how many healthy models were accused (failed, or got an error
finding).

    python benchmarks/diagnosis_score.py                       # every case, seed 0
    python benchmarks/diagnosis_score.py --seeds 0,1 --only lstm_adam_1e-6,one_step_lstm
    python benchmarks/diagnosis_score.py --healthy             # healthy cases only
    python benchmarks/diagnosis_score.py --broken --fixed      # each broken case's fix (must pass)
    python benchmarks/diagnosis_score.py --json scores.json    # also write every row
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quiet TensorFlow start-up in the worker too

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the worker gets this sys.path, so it imports `corpus` by name

import corpus  # noqa: E402

NONE = "-"  # a predicted or expected "no cause" in the tables


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (default 0)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--healthy", action="store_true", help="healthy cases only")
    group.add_argument("--broken", action="store_true", help="broken cases only")
    parser.add_argument(
        "--fixed",
        action="store_true",
        help="run each broken case's fixed model instead (expected: a pass with no error finding)",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="per-probe time limit in seconds (default 600)")
    parser.add_argument("--json", default="", help="write every row to this JSON file")
    return parser.parse_args(argv)


def select(args: argparse.Namespace) -> list[corpus.Case]:
    cases = list(corpus.CASES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in corpus.BY_NAME]
        if unknown:
            sys.exit(f"unknown case(s): {', '.join(unknown)}")
        cases = [corpus.BY_NAME[n] for n in names]
    if args.healthy:
        cases = [c for c in cases if c.expected is None]
    if args.broken:
        cases = [c for c in cases if c.expected is not None]
    if args.fixed:
        cases = [
            corpus.Case(c.name + "~fixed", c.fixed, c.probe, None) if c.fixed is not None else c
            for c in cases
        ]
    return cases


def predicted_cause(result) -> str | None:
    for finding in result.pathologies:
        if finding.severity == "error":
            return finding.code
    return None


def judge(expected: str | None, predicted: str | None, passed: bool, error: str | None) -> str:
    """ok: right cause (a healthy model passed clean); wrong-cause; missed (broken model passed);
    accused (healthy model failed or got an error finding); error (the probe could not run)."""
    if error:
        return "error"
    if expected is None:
        return "ok" if passed and predicted is None else "accused"
    if passed and predicted is None:
        return "missed"
    return "ok" if predicted == expected else "wrong-cause"


def run(cases: list[corpus.Case], seeds: list[int], timeout: float) -> list[dict]:
    from pytest_rnncheck.isolation import ProbeExecutor, ProbeTask
    from pytest_rnncheck.result import ProbeResult
    from pytest_rnncheck.spec import parse_expression

    executor = ProbeExecutor(isolate=True, timeout=timeout)
    rows = []
    try:
        for case in cases:
            try:
                spec = parse_expression(case.probe)
            except ValueError as exc:  # ProbeSpecError: a typo in the corpus, reported as that case's error
                spec, bad = None, str(exc)
            for seed in seeds:
                start = time.monotonic()
                if spec is None:
                    result = ProbeResult(model=case.name, probe=case.probe, seed=seed, threshold=None, error=bad)
                else:
                    task = ProbeTask(spec, seed, case.name, factory=case.factory)
                    result = executor.run(task, progress=lambda s, a: None)
                predicted = predicted_cause(result)
                row = {
                    "name": case.name,
                    "probe": case.probe,
                    "seed": seed,
                    "expected": case.expected,
                    "predicted": predicted,
                    "passed": bool(result.passed),
                    "accuracy": result.accuracy,
                    "findings": [f"{p.severity}:{p.code}" for p in result.pathologies],
                    "error": result.error,
                    "seconds": round(result.seconds or (time.monotonic() - start), 2),
                    "stopped": result.stopped,
                }
                row["verdict"] = "error" if result.error else ("pass" if result.passed else "fail")
                row["judged"] = judge(case.expected, predicted, row["passed"], result.error)
                rows.append(row)
                print_row(row)
    finally:
        executor.close()
    return rows


def print_row(row: dict) -> None:
    acc = "n/a" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
    line = (
        f"{row['name']:<36} s={row['seed']:<2} {row['probe']:<34} expected={row['expected'] or NONE:<18} "
        f"predicted={row['predicted'] or NONE:<18} {row['verdict']:<5} acc={acc:<6} {row['seconds']:7.1f}s  "
        f"{row['judged']}"
    )
    if row["error"]:
        line += f"\n    error: {row['error'][:300]}"
    elif row["findings"] and row["judged"] != "ok":
        line += f"\n    findings: {', '.join(row['findings'])}"
    print(line, flush=True)


def summarise(rows: list[dict]) -> None:
    if not rows:
        print("no cases ran")
        return
    expected = [r["expected"] or NONE for r in rows]
    predicted = [r["predicted"] or NONE for r in rows]
    causes = [c for c in dict.fromkeys(
        [e for e in expected if e != NONE] + [p for p in predicted if p != NONE]
    )]

    print("\nper-cause precision and recall (rows x seeds)")
    print(f"{'cause':<20} {'expected':>8} {'predicted':>9} {'correct':>7} {'precision':>9} {'recall':>7}")
    for cause in causes:
        n_exp = sum(e == cause for e in expected)
        n_pred = sum(p == cause for p in predicted)
        hits = sum(e == cause and p == cause for e, p in zip(expected, predicted))
        precision = f"{hits / n_pred:.2f}" if n_pred else "n/a"
        recall = f"{hits / n_exp:.2f}" if n_exp else "n/a"
        print(f"{cause:<20} {n_exp:>8} {n_pred:>9} {hits:>7} {precision:>9} {recall:>7}")
    broken = [r for r in rows if r["expected"]]
    if broken:
        right = sum(r["judged"] == "ok" for r in broken)
        failed = sum(r["verdict"] != "pass" for r in broken)
        print(f"broken: {right}/{len(broken)} named right; {failed}/{len(broken)} failed their probe")

    columns = causes + [NONE]
    short = {c: c[:10] for c in columns}
    print("\nconfusion (rows: expected, columns: predicted; '-' = no error finding)")
    print(f"{'':<20}" + "".join(f"{short[c]:>11}" for c in columns))
    counts = Counter(zip(expected, predicted))
    for row_cause in [c for c in columns if c in expected]:
        print(f"{row_cause:<20}" + "".join(f"{counts[(row_cause, c)] or '.':>11}" for c in columns))

    healthy = [r for r in rows if r["expected"] is None]
    if healthy:
        accused = [r for r in healthy if r["judged"] != "ok"]
        print(f"\nhealthy models accused: {len(accused)} of {len(healthy)} (failed or given an error finding)")
        for r in accused:
            why = r["error"][:120] if r["error"] else f"{r['verdict']}, {', '.join(r['findings']) or 'no finding'}"
            print(f"  {r['name']} seed {r['seed']}: {why}")
    verdicts = Counter(r["judged"] for r in rows)
    print("\njudged: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    print(f"total probe time {sum(r['seconds'] for r in rows):.0f} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    cases = select(args)
    print(f"{len(cases)} case(s) x {len(seeds)} seed(s)", flush=True)
    rows = run(cases, seeds, args.timeout)
    summarise(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
