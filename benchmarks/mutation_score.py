"""Killed share of mutants per pure room, from the last `mutmut run`.

    mutmut run                          # configured in pyproject.toml [tool.mutmut]
    python benchmarks/mutation_score.py

Reads mutmut's per-file records under mutants/ (exit code of the test run per mutant):
1 or 3 killed, 0 survived, 33 or 5 no test reached it, 36 or a CPU-limit code timed out
(counted as killed: the mutant made the code hang), anything else not checked. The goal
is at least 90% killed in every room.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
UNTESTED = {5, 33}


def main() -> int:
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results: run `mutmut run` first (configured in pyproject.toml)")
        return 1
    print(f"{'room':<46}{'mutants':>9}{'killed':>8}{'survived':>10}{'untested':>10}{'share':>8}")
    shortfall = False
    for meta in metas:
        codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        counts = Counter(
            "killed" if c in KILLED else "survived" if c in SURVIVED else "untested" if c in UNTESTED else "unchecked"
            for c in codes.values()
        )
        judged = counts["killed"] + counts["survived"] + counts["untested"]
        share = counts["killed"] / judged if judged else float("nan")
        shortfall |= share < 0.9
        room = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        print(f"{room:<46}{len(codes):>9}{counts['killed']:>8}{counts['survived']:>10}{counts['untested']:>10}{share:>8.0%}")
    return 1 if shortfall else 0


if __name__ == "__main__":
    sys.exit(main())
