"""Results -> terminal table lines, the JSON document, JUnit properties.

Works on the plain dicts of :meth:`ProbeResult.to_dict`, which is also what
travels from xdist workers to the controller.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Bump when a key changes meaning or goes away; new keys do not bump it.
SCHEMA_VERSION = 1

COLUMNS = ("test", "probe", "accuracy", "threshold", "chance", "verdict", "pathologies", "seconds")


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def verdict_label(result: dict[str, Any], strict: bool = False) -> str:
    if result.get("error"):
        return "ERROR"
    if not result["passed"]:
        return "FAIL"
    if result["pathologies"]:
        return "FAIL (strict)" if strict else "pass (warn)"
    return "pass"


def table_lines(results: list[dict[str, Any]], strict: bool = False) -> list[str]:
    from tabulate import tabulate  # ~14 ms: paid only when there is a table to print

    rows = [
        (
            r["nodeid"],
            r["probe"],
            _num(r["accuracy"]),
            _num(r["threshold"], 2),
            _num(r["chance"]),
            verdict_label(r, strict),
            ", ".join(p["code"] for p in r["pathologies"]) or ("(could not run)" if r.get("error") else "-"),
            _num(r["seconds"], 1),
        )
        for r in sorted(results, key=lambda r: (r["nodeid"], r["probe"]))
    ]
    return tabulate(rows, headers=COLUMNS, tablefmt="simple", disable_numparse=True).splitlines()


def numbers(r: dict[str, Any]) -> str:
    if r["accuracy"] is None:
        acc = "accuracy n/a"
    else:
        acc = f"accuracy {r['accuracy']:.3f} (lower confidence bound {r['lower_bound']:.3f})"
    rel = ">=" if r["passed"] else "<"
    chance = "" if r["chance"] is None else f"; chance {r['chance']:.3f}"
    return f"{acc} {rel} threshold {r['threshold']:.2f}{chance}"


def explain(r: dict[str, Any]) -> list[str]:
    """A probe's result as the lines of its failure message."""
    lines = [f"rnncheck: {r['probe']} {r['verdict'].upper()} for {r['model']}"]
    if r.get("error"):
        lines.append(f"  {r['error']}")
    else:
        lines.append("  " + numbers(r))
        if r["stopped"] == "static":
            lines.append("  not trained: the configuration alone shows the probe cannot pass")
        else:
            lines.append(
                f"  trained on {r['sequences']:,} sequences in {r['seconds']:.1f} s "
                f"({r['stopped']}); seed {r['seed']}"
            )
        if r["pathologies"]:
            lines.append("  findings, most likely cause first:")
            for p in r["pathologies"]:
                lines.append(f"  - [{p['severity']}] {p['code']}: {p['message']}")
                lines.append(f"      fix: {p['fix']}")
        lines.extend(f"  note: {n}" for n in r.get("notes", []))
    if r.get("reproduce"):
        lines.append(f"  reproduce: {r['reproduce']}")
    return lines


def details_lines(results: list[dict[str, Any]]) -> list[str]:
    """Explanations of every probe that did not pass cleanly, for the terminal summary."""
    lines: list[str] = []
    for r in sorted(results, key=lambda r: (r["nodeid"], r["probe"])):
        if r["passed"] and not r["pathologies"]:
            continue
        lines.append("")
        lines.append(r["nodeid"])
        lines.extend(explain(r))
    return lines


def document(seed: int, backend: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: (r["nodeid"], r["probe"]))
    return {"version": SCHEMA_VERSION, "seed": seed, "backend": backend, "results": ordered}


def write_json(path: str | Path, seed: int, backend: str, results: list[dict[str, Any]]) -> None:
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(seed, backend, results), indent=2) + "\n")


def junit_properties(result: dict[str, Any]) -> list[tuple[str, Any]]:
    """Flat ``(name, value)`` pairs for the test case's JUnit <properties>."""
    prefix = f"rnncheck.{result['probe']}"
    return [
        (f"{prefix}.accuracy", _num(result["accuracy"], 4)),
        (f"{prefix}.threshold", result["threshold"]),
        (f"{prefix}.chance", _num(result["chance"], 4)),
        (f"{prefix}.verdict", result["verdict"]),
        (f"{prefix}.pathologies", ",".join(p["code"] for p in result["pathologies"])),
        (f"{prefix}.seed", result["seed"]),
    ]
