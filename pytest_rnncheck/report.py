"""Results -> terminal table lines, explanations, the JSON document, JUnit properties.

Reads :class:`ProbeResult` attributes, with the numbers rounded as the document holds them
(``ProbeResult.rounded``), so every report shows the same digits whether the result was made in
this process or read back from a document (``ProbeResult.from_dict``, at the edges: xdist's
reports, a saved run). The JSON document is built from the results' dicts.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import run_profiles
from .records import Extrapolation
from .result import ProbeResult
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


def verdict_label(result: ProbeResult, strict: bool = False) -> str:
    r = result.rounded()
    if r.error:
        return "ERROR"
    if r.verdict == "inconclusive":
        return "inconclusive"
    if not r.passed:
        return "FAIL"
    if r.pathologies:
        return "FAIL (strict)" if strict else "pass (warn)"
    return "pass"


def passes_mark(result: ProbeResult) -> str:
    """seeds=k: `` 3/5``, the trainings that passed, beside the verdict; empty otherwise."""
    r = result.rounded()
    return f" {r.passes}/{len(r.seed_runs)}" if r.seed_runs else ""


def unsettled(result: ProbeResult) -> bool:
    """memory(): lags above the horizon were neither passed nor shown failing (the budget ran out)."""
    r = result.rounded()
    return r.horizon is not None and r.horizon_upper is not None and r.horizon_upper > r.horizon


def horizon_text(result: ProbeResult) -> str:
    """``12``, or ``12-17`` when the search could not settle it."""
    r = result.rounded()
    return f"{r.horizon}-{r.horizon_upper}" if unsettled(r) else f"{r.horizon}"


def outcome_line(result: ProbeResult, strict: bool = False) -> str:
    """One probe's outcome on one line, for a log that is not a terminal."""
    r = result.rounded()
    what = f"rnncheck: {r.probe} on {r.model}: {verdict_label(r, strict)}"
    if r.error:
        return f"{what} ({r.error.splitlines()[0][:80]}), {_num(r.seconds, 1)} s"
    numbers = [f"acc {_num(r.accuracy)}"]
    if r.threshold is not None:
        numbers.append(f"need {_num(r.threshold, 2)}")
    if r.horizon is not None:
        numbers.append(f"horizon {horizon_text(r)}")
    numbers.append(f"{r.total_sequences or r.sequences:,} seq")
    if r.seed_runs:
        numbers.append(f"passed {r.passes}/{len(r.seed_runs)} seeds")
    findings = finding_codes(r)
    return f"{what}, {', '.join(numbers)}, {_num(r.seconds, 1)} s" + (f" [{findings}]" if findings else "")


def finding_codes(result: ProbeResult) -> str:
    """The findings' codes; a verdict a reduced profile (``quick``) could not settle says so."""
    r = result.rounded()
    mark = f" ({r.run_profile} profile)" if run_profiles.reduced(r.run_profile) else ""
    return ", ".join(p.code + (mark if p.code == "undertrained" else "") for p in r.pathologies)


def table_row(result: ProbeResult, strict: bool) -> dict[str, str]:
    r = result.rounded()
    findings = finding_codes(r)
    return {
        "test": r.nodeid,
        "probe": r.probe,
        "acc": _num(r.accuracy),
        "need": _num(r.threshold, 2),
        "chance": _num(r.chance),
        "horizon": "-" if r.horizon is None else f"{horizon_text(r)}/{r.receptive_field or '?'}",
        "verdict": verdict_label(r, strict) + passes_mark(r),
        "findings": findings or ("(could not run)" if r.error else "-"),
        "secs": _num(r.seconds, 1),
    }


def _ordered(results: Iterable[ProbeResult]) -> list[ProbeResult]:
    return sorted((r.rounded() for r in results), key=lambda r: (r.nodeid, r.probe))


def table_lines(results: Iterable[ProbeResult], strict: bool = False, width: int = TABLE_WIDTH) -> list[str]:
    """The summary table in at most ``width`` columns: long test ids keep their end, findings wrap.

    tabulate lays it out (``plain``: two spaces between columns) and wraps the cells
    (``maxcolwidths``, never at a hyphen); the widths are chosen here. The header and its rule
    go in as rows: the rule holds each column at its chosen width, and tabulate's padding of
    header cells stays out of it."""
    rows = [table_row(r, strict) for r in _ordered(results)]
    columns = [c for c in COLUMNS if c != "horizon" or any(row[c] != "-" for row in rows)]  # memory() rows only
    widths = {c: max([len(c)] + [len(row[c]) for row in rows]) for c in columns}
    room = width - 2 * (len(columns) - 1)
    for column, narrowest in MIN_WIDTHS.items():
        excess = sum(widths.values()) - room
        if excess <= 0:
            break
        widths[column] = max(min(narrowest, widths[column]), widths[column] - excess)
    from tabulate import tabulate  # on the controller, when the table is printed

    cells = [list(columns), ["-" * widths[c] for c in columns]]
    cells += [[_cut(row[c], widths[c]) if c == "test" else row[c] for c in columns] for row in rows]
    text = tabulate(cells, tablefmt="plain", disable_numparse=True, maxcolwidths=[widths[c] for c in columns],
                    break_on_hyphens=False)
    return [line.rstrip() for line in text.split("\n")]


def _cut(text: str, width: int) -> str:
    """A node id too long for its column keeps its end, which names the test."""
    return text if len(text) <= width else "…" + text[-(width - 1):]


def numbers(result: ProbeResult) -> str:
    r = result.rounded()
    acc = f"accuracy {r.accuracy:.3f} (lower confidence bound {r.lower:.3f})"
    rel = ">=" if r.passed else "<"
    chance = "" if r.chance is None else f"; chance {r.chance:.3f}"
    return f"{acc} {rel} threshold {r.threshold:.2f}{chance}"


def training_lines(result: ProbeResult) -> list[str]:
    """What training was done: one line, or a line per attempt when there were remedies."""
    r = result.rounded()
    attempts = r.attempts
    if len(attempts) <= 1:
        return [f"  trained on {r.sequences:,} sequences in {r.seconds:.1f} s ({r.stopped}); seed {r.seed}"]
    lines = [
        f"  trained {len(attempts)} times, {r.total_sequences:,} sequences in all, {r.seconds:.1f} s; seed {r.seed}:"
    ]
    for k, a in enumerate(attempts, start=1):
        rate = "the model's learning rate" if a.learning_rate is None else f"learning rate {a.learning_rate:.3g}"
        lines.append(
            f"    {k}. {rate}: accuracy {a.accuracy:.3f} after {a.sequences:,} sequences "
            f"({a.stopped}{', passed' if a.passed and a.stopped != 'passed' else ''})"
        )
    return lines


def extrapolation_lines(result: ProbeResult) -> list[str]:
    """extrapolate=m: the window judged against the one trained on, and the accuracy by position."""
    e: Extrapolation | None = result.rounded().extrapolation
    if not e:
        return []
    at = "-" if e.accuracy_at_trained is None else f"{e.accuracy_at_trained:.3f}"
    line = (f"  extrapolate: trained on {e.trained_timesteps} steps (accuracy there {at}), "
            f"judged on {e.judged_timesteps}")
    if e.buckets:
        blocks = (f"steps {b['steps'][0]}-{b['steps'][1]} {b['accuracy']:.3f}" for b in e.buckets)
        line += "; by position: " + ", ".join(blocks)
    return [line]


def seeds_lines(result: ProbeResult) -> list[str]:
    """seeds=k: the pass count with its interval, the rule, and a line per training."""
    r = result.rounded()
    low, high = r.pass_probability
    k = len(r.seed_runs)
    rule = "every one" if r.passes_needed == k else f"at least {r.passes_needed}"
    lines = [
        f"  passed {r.passes} of {k} seeds ({rule} needed); pass probability {low:.2f}-{high:.2f} "
        f"(95% Clopper-Pearson); {r.total_sequences or r.sequences:,} sequences in {r.seconds:.1f} s"
    ]
    for run in r.seed_runs:
        acc = "-" if run.accuracy is None else f"{run.accuracy:.3f}"
        horizon = "" if run.horizon is None else f", horizon {run.horizon}"
        tried = [f"{x:g}" for x in run.rates_tried if x is not None]
        if run.passed:
            rate = "" if run.learning_rate is None else f", learning rate {run.learning_rate:g}"
        else:
            rate = f", learning rate{'s' if len(tried) > 1 else ''} {', '.join(tried)}" if tried else ""
        low = "" if run.lower_bound is None else f" (bound {run.lower_bound:.3f})"
        lines.append(
            f"    seed {run.seed}: {run.verdict}, accuracy {acc}{low}{horizon} after {run.sequences:,} sequences "
            f"({run.stopped}, {run.attempts} attempt(s){rate})"
        )
    return lines


def profile_lines(result: ProbeResult) -> list[str]:
    """memory(): the horizon, the receptive field and every lag tried."""
    r = result.rounded()
    field = r.receptive_field
    need = "" if "min_horizon=" not in r.probe else f" (needed: {r.probe.split('min_horizon=')[1].rstrip(')')})"
    found = "the largest lag that passed" + (", up to the largest not shown failing" if unsettled(r) else "")
    lines = [
        f"  horizon {horizon_text(r)}{need}: {found}; receptive field "
        f"{field if field is not None else 'not measured'}; {r.sequences:,} sequences in {r.seconds:.1f} s"
    ]
    for entry in r.profile:
        acc = "-" if entry.accuracy is None else f"{entry.accuracy:.3f}"
        low = "-" if entry.lower_bound is None else f"{entry.lower_bound:.3f}"
        lines.append(f"    lag({entry.lag}): {'pass' if entry.passed else 'fail'}, accuracy {acc} (bound {low})")
    return lines


def explain(result: ProbeResult) -> list[str]:
    """A probe's result as the lines of its failure message."""
    r = result.rounded()
    subject = "" if r.probe == "-" else f"{r.probe} "
    model = "" if r.model == "-" else f" for {r.model}"
    lines = [f"rnncheck: {subject}{r.verdict.upper()}{model}"]
    if r.error:
        lines.append(f"  {r.error}")
    else:
        if r.stopped == "static":
            chance = "" if r.chance is None else f"; chance {r.chance:.3f}"
            by_head = bool(r.pathologies) and r.pathologies[0].code in HEAD_PROOFS
            measured = not by_head and r.receptive_field is not None
            source = "the configuration and the measured reach" if measured else "the configuration"
            lines.append(f"  not trained: proven impossible from {source}{chance}")
        elif r.seed_runs:
            lines.extend(seeds_lines(r))
        elif r.horizon is not None:
            lines.extend(profile_lines(r))
        else:
            lines.append("  " + numbers(r))
            lines.extend(training_lines(r))
            lines.extend(extrapolation_lines(r))
        if r.pathologies:
            lines.append("  findings, most likely cause first:")
            for p in r.pathologies:
                lines.append(f"  - [{p.severity}] {p.code}: {p.message}")
                lines.append(f"      fix: {p.fix}")
        lines.extend(f"  note: {n}" for n in r.notes)
    if r.reproduce:
        lines.append(f"  reproduce: {r.reproduce}")
    return lines


def details_lines(results: Iterable[ProbeResult]) -> list[str]:
    """Explanations of every probe that did not pass cleanly, for the terminal summary."""
    lines: list[str] = []
    for r in _ordered(results):
        if r.passed and not r.pathologies:
            continue
        lines.append("")
        lines.append(r.nodeid)
        lines.extend(explain(r))
    return lines


def suite_properties(seed: int, profile: str, backend: str) -> list[tuple[str, Any]]:
    """The JUnit <testsuite> properties of a run: seed, profile, backend and versions."""
    found = packages(backend)
    return ([("rnncheck.seed", seed), ("rnncheck.profile", profile), ("rnncheck.backend", backend),
             ("rnncheck.python", platform.python_version())]
            + [(f"rnncheck.version.{name}", v) for name, v in found.items()])


def document(
    seed: int,
    backend: str,
    results: Iterable[dict[str, Any]],
    machine_info: dict[str, Any] | None = None,
    commit_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON document of a run from its results as dicts (``ProbeResult.to_dict``), in table order."""
    ordered = sorted(results, key=lambda r: (r["nodeid"], r["probe"]))
    doc: dict[str, Any] = {"version": SCHEMA_VERSION, "seed": seed, "backend": backend}
    if machine_info is not None:  # the plugin's documents always have both; commit_info may be None
        doc.update(machine_info=machine_info, commit_info=commit_info)
    return {**doc, "results": ordered}


def write_json(path: str | Path, seed: int, backend: str, results: Iterable[dict[str, Any]]) -> None:
    write_document(path, document(seed, backend, results))


def write_document(path: str | Path, doc: dict[str, Any]) -> None:
    """``doc`` as indented JSON (numpy scalars as numbers, anything else odd as text), its
    folder made if missing: the JSON report and every saved run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = lambda value: value.item() if hasattr(value, "item") else str(value)  # noqa: E731 - numpy scalars
    path.write_text(json.dumps(doc, indent=2, default=plain) + "\n")


def junit_properties(result: ProbeResult) -> list[tuple[str, Any]]:
    """Flat ``(name, value)`` pairs for the test case's JUnit <properties>."""
    r = result.rounded()
    prefix = f"rnncheck.{r.probe}"
    return [
        (f"{prefix}.accuracy", _num(r.accuracy, 4)),
        (f"{prefix}.threshold", r.threshold),
        (f"{prefix}.chance", _num(r.chance, 4)),
        (f"{prefix}.verdict", r.verdict),
        (f"{prefix}.pathologies", ",".join(p.code for p in r.pathologies)),
        (f"{prefix}.seed", r.seed),
        (f"{prefix}.run_profile", r.run_profile),
    ] + ([(f"{prefix}.passes", f"{r.passes}/{len(r.seed_runs)}")] if r.seed_runs else []) + (
        [(f"{prefix}.accuracy_at_trained", _num(r.extrapolation.accuracy_at_trained, 4))] if r.extrapolation else []
    )
