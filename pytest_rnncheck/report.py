"""Results -> terminal table lines, the JSON document, JUnit properties.

Works on the plain dicts of :meth:`ProbeResult.to_dict`, which is also what
travels from xdist workers to the controller.
"""

from __future__ import annotations

import json
import platform
import textwrap
from pathlib import Path
from typing import Any

from . import run_profiles
from .run_info import packages

#: Bump when a key changes meaning or goes away; new keys do not bump it.
SCHEMA_VERSION = 1

COLUMNS = ("test", "probe", "acc", "need", "chance", "horizon", "verdict", "findings", "secs")
#: The table fits this many columns (fewer on a narrower terminal); the JSON keeps everything.
TABLE_WIDTH = 120
#: Codes whose proof is the output head and the loss alone (the first finding of a static fail names it).
HEAD_PROOFS = ("output-shape", "activation-range", "loss-mismatch", "constant-output")
#: Narrowest the shrinkable columns may get, in the order they give way: wrapping findings and
#: probe names loses nothing, cutting a test id does.
MIN_WIDTHS = {"findings": 20, "probe": 20, "test": 24}


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def verdict_label(result: dict[str, Any], strict: bool = False) -> str:
    if result.get("error"):
        return "ERROR"
    if result.get("verdict") == "inconclusive":
        return "inconclusive"
    if not result["passed"]:
        return "FAIL"
    if result["pathologies"]:
        return "FAIL (strict)" if strict else "pass (warn)"
    return "pass"


def passes_mark(r: dict[str, Any]) -> str:
    """seeds=k: `` 3/5``, the trainings that passed, beside the verdict; empty otherwise."""
    return f" {r['passes']}/{len(r['seeds'])}" if r.get("seeds") else ""


def unsettled(r: dict[str, Any]) -> bool:
    """memory(): lags above the horizon were neither passed nor shown failing (the budget ran out)."""
    upper = r.get("horizon_upper")
    return r.get("horizon") is not None and upper is not None and upper > r["horizon"]


def horizon_text(r: dict[str, Any]) -> str:
    """``12``, or ``12-17`` when the search could not settle it."""
    return f"{r['horizon']}-{r['horizon_upper']}" if unsettled(r) else f"{r['horizon']}"


def outcome_line(r: dict[str, Any], strict: bool = False) -> str:
    """One probe's outcome on one line, for a log that is not a terminal."""
    what = f"rnncheck: {r['probe']} on {r['model']}: {verdict_label(r, strict)}"
    if r.get("error"):
        return f"{what} ({r['error'].splitlines()[0][:80]}), {_num(r['seconds'], 1)} s"
    numbers = [f"acc {_num(r['accuracy'])}"]
    if r.get("threshold") is not None:
        numbers.append(f"need {_num(r['threshold'], 2)}")
    if r.get("horizon") is not None:
        numbers.append(f"horizon {horizon_text(r)}")
    numbers.append(f"{r.get('total_sequences') or r['sequences']:,} seq")
    if r.get("seeds"):
        numbers.append(f"passed {r['passes']}/{len(r['seeds'])} seeds")
    findings = finding_codes(r)
    return f"{what}, {', '.join(numbers)}, {_num(r['seconds'], 1)} s" + (f" [{findings}]" if findings else "")


def finding_codes(r: dict[str, Any]) -> str:
    """The findings' codes; a verdict a reduced profile (``quick``) could not settle says so."""
    profile = r.get("run_profile", run_profiles.DEFAULT)
    mark = f" ({profile} profile)" if run_profiles.reduced(profile) else ""
    return ", ".join(p["code"] + (mark if p["code"] == "undertrained" else "") for p in r["pathologies"])


def table_row(r: dict[str, Any], strict: bool) -> dict[str, str]:
    findings = finding_codes(r)
    return {
        "test": r["nodeid"],
        "probe": r["probe"],
        "acc": _num(r["accuracy"]),
        "need": _num(r["threshold"], 2),
        "chance": _num(r["chance"]),
        "horizon": "-" if r.get("horizon") is None else f"{horizon_text(r)}/{r.get('receptive_field') or '?'}",
        "verdict": verdict_label(r, strict) + passes_mark(r),
        "findings": findings or ("(could not run)" if r.get("error") else "-"),
        "secs": _num(r["seconds"], 1),
    }


def table_lines(results: list[dict[str, Any]], strict: bool = False, width: int = TABLE_WIDTH) -> list[str]:
    """The summary table in at most ``width`` columns: long test ids keep their end, findings wrap."""
    rows = [table_row(r, strict) for r in sorted(results, key=lambda r: (r["nodeid"], r["probe"]))]
    columns = [c for c in COLUMNS if c != "horizon" or any(row[c] != "-" for row in rows)]  # memory() rows only
    widths = {c: max([len(c)] + [len(row[c]) for row in rows]) for c in columns}
    room = width - 2 * (len(columns) - 1)
    for column, narrowest in MIN_WIDTHS.items():
        excess = sum(widths.values()) - room
        if excess <= 0:
            break
        widths[column] = max(min(narrowest, widths[column]), widths[column] - excess)
    lines = [_join({c: c for c in columns}, widths), _join({c: "-" * widths[c] for c in columns}, widths)]
    for row in rows:
        cells = {c: _cell_lines(c, row[c], widths[c]) for c in columns}
        for k in range(max(len(v) for v in cells.values())):
            lines.append(_join({c: v[k] if k < len(v) else "" for c, v in cells.items()}, widths))
    return lines


def _cell_lines(column: str, text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    if column == "test":  # the end of a node id names the test
        return ["…" + text[-(width - 1):]]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _join(cells: dict[str, str], widths: dict[str, int]) -> str:
    return "  ".join(cells[c].ljust(widths[c]) for c in widths).rstrip()


def numbers(r: dict[str, Any]) -> str:
    acc = f"accuracy {r['accuracy']:.3f} (lower confidence bound {r['lower_bound']:.3f})"
    rel = ">=" if r["passed"] else "<"
    chance = "" if r["chance"] is None else f"; chance {r['chance']:.3f}"
    return f"{acc} {rel} threshold {r['threshold']:.2f}{chance}"


def training_lines(r: dict[str, Any]) -> list[str]:
    """What training was done: one line, or a line per attempt when there were remedies."""
    attempts = r.get("attempts") or []
    if len(attempts) <= 1:
        return [f"  trained on {r['sequences']:,} sequences in {r['seconds']:.1f} s ({r['stopped']}); seed {r['seed']}"]
    lines = [f"  trained {len(attempts)} times, {r['total_sequences']:,} sequences in all, {r['seconds']:.1f} s; seed {r['seed']}:"]
    for k, a in enumerate(attempts, start=1):
        rate = "the model's learning rate" if a["learning_rate"] is None else f"learning rate {a['learning_rate']:.3g}"
        lines.append(
            f"    {k}. {rate}: accuracy {a['accuracy']:.3f} after {a['sequences']:,} sequences "
            f"({a['stopped']}{', passed' if a['passed'] and a['stopped'] != 'passed' else ''})"
        )
    return lines


def extrapolation_lines(r: dict[str, Any]) -> list[str]:
    """extrapolate=m: the window judged against the one trained on, and the accuracy by position."""
    e = r.get("extrapolation")
    if not e:
        return []
    at = "-" if e["accuracy_at_trained"] is None else f"{e['accuracy_at_trained']:.3f}"
    line = f"  extrapolate: trained on {e['trained_timesteps']} steps (accuracy there {at}), judged on {e['judged_timesteps']}"
    if e.get("buckets"):
        line += "; by position: " + ", ".join(f"steps {b['steps'][0]}-{b['steps'][1]} {b['accuracy']:.3f}" for b in e["buckets"])
    return [line]


def seeds_lines(r: dict[str, Any]) -> list[str]:
    """seeds=k: the pass count with its interval, the rule, and a line per training."""
    low, high = r["pass_probability"]
    k = len(r["seeds"])
    rule = "every one" if r["passes_needed"] == k else f"at least {r['passes_needed']}"
    lines = [
        f"  passed {r['passes']} of {k} seeds ({rule} needed); pass probability {low:.2f}-{high:.2f} "
        f"(95% Clopper-Pearson); {r.get('total_sequences') or r['sequences']:,} sequences in {r['seconds']:.1f} s"
    ]
    for run in r["seeds"]:
        acc = "-" if run["accuracy"] is None else f"{run['accuracy']:.3f}"
        horizon = "" if run.get("horizon") is None else f", horizon {run['horizon']}"
        tried = [f"{x:g}" for x in run.get("rates_tried") or [] if x is not None]
        if run["passed"]:
            rate = "" if run.get("learning_rate") is None else f", learning rate {run['learning_rate']:g}"
        else:
            rate = f", learning rate{'s' if len(tried) > 1 else ''} {', '.join(tried)}" if tried else ""
        low = "" if run.get("lower_bound") is None else f" (bound {run['lower_bound']:.3f})"
        lines.append(
            f"    seed {run['seed']}: {run['verdict']}, accuracy {acc}{low}{horizon} after {run['sequences']:,} sequences "
            f"({run['stopped']}, {run['attempts']} attempt(s){rate})"
        )
    return lines


def profile_lines(r: dict[str, Any]) -> list[str]:
    """memory(): the horizon, the receptive field and every lag tried."""
    field = r.get("receptive_field")
    need = "" if "min_horizon=" not in r["probe"] else f" (needed: {r['probe'].split('min_horizon=')[1].rstrip(')')})"
    lines = [
        f"  horizon {horizon_text(r)}{need}: {'the largest lag that passed' if not unsettled(r) else 'the largest lag that passed, up to the largest not shown failing'}; receptive field "
        f"{field if field is not None else 'not measured'}; {r['sequences']:,} sequences in {r['seconds']:.1f} s"
    ]
    for entry in r.get("profile", []):
        acc = "-" if entry["accuracy"] is None else f"{entry['accuracy']:.3f}"
        low = "-" if entry["lower_bound"] is None else f"{entry['lower_bound']:.3f}"
        lines.append(f"    lag({entry['lag']}): {'pass' if entry['passed'] else 'fail'}, accuracy {acc} (bound {low})")
    return lines


def explain(r: dict[str, Any]) -> list[str]:
    """A probe's result as the lines of its failure message."""
    subject = "" if r["probe"] == "-" else f"{r['probe']} "
    model = "" if r["model"] == "-" else f" for {r['model']}"
    lines = [f"rnncheck: {subject}{r['verdict'].upper()}{model}"]
    if r.get("error"):
        lines.append(f"  {r['error']}")
    else:
        if r["stopped"] == "static":
            chance = "" if r["chance"] is None else f"; chance {r['chance']:.3f}"
            by_head = bool(r["pathologies"]) and r["pathologies"][0]["code"] in HEAD_PROOFS
            source = "the configuration" if by_head or r.get("receptive_field") is None else "the configuration and the measured reach"
            lines.append(f"  not trained: proven impossible from {source}{chance}")
        elif r.get("seeds"):
            lines.extend(seeds_lines(r))
        elif r.get("horizon") is not None:
            lines.extend(profile_lines(r))
        else:
            lines.append("  " + numbers(r))
            lines.extend(training_lines(r))
            lines.extend(extrapolation_lines(r))
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


def suite_properties(seed: int, profile: str, backend: str) -> list[tuple[str, Any]]:
    """The JUnit <testsuite> properties of a run: seed, profile, backend and versions."""
    found = packages(backend)
    return [("rnncheck.seed", seed), ("rnncheck.profile", profile), ("rnncheck.backend", backend),
            ("rnncheck.python", platform.python_version())] + [(f"rnncheck.version.{name}", v) for name, v in found.items()]


def document(
    seed: int,
    backend: str,
    results: list[dict[str, Any]],
    machine_info: dict[str, Any] | None = None,
    commit_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: (r["nodeid"], r["probe"]))
    doc: dict[str, Any] = {"version": SCHEMA_VERSION, "seed": seed, "backend": backend}
    if machine_info is not None:  # the plugin's documents always have both; commit_info may be None
        doc.update(machine_info=machine_info, commit_info=commit_info)
    return {**doc, "results": ordered}


def write_json(path: str | Path, seed: int, backend: str, results: list[dict[str, Any]]) -> None:
    write_document(path, document(seed, backend, results))


def write_document(path: str | Path, doc: dict[str, Any]) -> None:
    """``doc`` as indented JSON (numpy scalars as numbers, anything else odd as text), its
    folder made if missing: the JSON report and every saved run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = lambda value: value.item() if hasattr(value, "item") else str(value)  # noqa: E731 - numpy scalars
    path.write_text(json.dumps(doc, indent=2, default=plain) + "\n")


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
        (f"{prefix}.run_profile", result.get("run_profile", run_profiles.DEFAULT)),
    ] + ([(f"{prefix}.passes", f"{result['passes']}/{len(result['seeds'])}")] if result.get("seeds") else []) + (
        [(f"{prefix}.accuracy_at_trained", _num(result["extrapolation"]["accuracy_at_trained"], 4))]
        if result.get("extrapolation") else []
    )
