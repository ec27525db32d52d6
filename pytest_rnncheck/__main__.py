"""``python -m pytest_rnncheck``: saved runs and shard reports outside pytest.

    python -m pytest_rnncheck list                       # the saved runs in .rnncheck/
    python -m pytest_rnncheck compare OLD NEW [--fail horizon:1]
    python -m pytest_rnncheck merge shard1.json shard2.json -o all.json [--html all.html]

OLD and NEW are saved runs ('last', a number, a name) or paths to JSON reports. ``merge``
joins the JSON reports of a sharded suite (pytest-split, a CI matrix) into one document with
the same results an unsharded run writes; the shards must share the base seed and backend,
and no probe may be in two shards. Exit status: 0, 1 on a
regression under ``--fail``, 4 for a usage error (as pytest's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import report, storage
from .compare import compare_runs, parse_rules
from .errors import RnnCheckError
from .result import ProbeResult
from .run_info import differences

USAGE_ERROR = 4


def load_run(which: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    """A saved run by reference, or a JSON report by path."""
    path = Path(which)
    if not (path.suffix == ".json" and path.exists()):
        path = storage.find(folder, which)
    return path, storage.load(path)


def merge(documents: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """One document from shard documents: every result once, in the unsharded run's order. The
    results pass from document to document as they are (dicts), never read."""
    first_path, first = documents[0]
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for path, doc in documents:
        for key in ("seed", "backend"):
            if doc.get(key) != first.get(key):
                raise RnnCheckError(
                    f"merge: {path} has {key} {doc.get(key)!r} but {first_path} has {first.get(key)!r}: shards of one "
                    f"run share the base seed and backend (run every shard with the same --rnncheck-seed)"
                )
        for r in doc["results"]:
            key = (r.get("nodeid", ""), r.get("probe", ""))
            if key in results:
                raise RnnCheckError(
                    f"merge: {key[0]} {key[1]} is in two shards ({path} and an earlier one): each test must run in "
                    f"one shard only (pytest-split's --splits/--group, or disjoint -k selections)"
                )
            results[key] = r
    machines = [doc.get("machine_info") for _, doc in documents if doc.get("machine_info")]
    merged = report.document(first.get("seed"), first.get("backend"), list(results.values()),
                             machines[0] if machines else None, first.get("commit_info"))
    moved = sorted({d for m in machines[1:] for d in differences(machines[0], m)})
    if moved:
        merged["shard_differences"] = moved
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_rnncheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", default=storage.FOLDER, help="the saved runs' folder (default .rnncheck)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the saved runs, oldest first")
    comparing = commands.add_parser("compare", help="what changed between two runs, and the regressions")
    comparing.add_argument("old")
    comparing.add_argument("new")
    comparing.add_argument(
        "--fail", metavar="RULES", help="exit 1 on a regression under these rules, e.g. horizon:1,sequences:2x"
    )
    merging = commands.add_parser("merge", help="join shards' JSON reports into one")
    merging.add_argument("reports", nargs="+", type=Path)
    merging.add_argument("-o", "--output", required=True, type=Path, help="the merged JSON report")
    merging.add_argument("--html", type=Path, help="also write the HTML report of the merged run")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    try:
        if args.command == "list":
            return list_runs(folder)
        if args.command == "compare":
            return compare_command(folder, args.old, args.new, args.fail)
        return merge_reports(args.reports, args.output, args.html)
    except RnnCheckError as exc:
        print(f"rnncheck: {exc}", file=sys.stderr)
        return USAGE_ERROR


def list_runs(folder: Path) -> int:
    runs = storage.saved_runs(folder)
    if not runs:
        print(f"no saved run in {folder} (save one with pytest --rnncheck --rnncheck-save[=NAME])")
        return 0
    for path in runs:
        doc = storage.load(path)
        results = [ProbeResult.from_dict(r) for r in doc["results"]]
        passed = sum(r.passed for r in results)
        commit = (doc.get("commit_info") or {}).get("id")
        saved = doc.get("saved", {})
        print(f"{path.stem}  saved {saved.get('at', '?')}  seed {doc.get('seed')}  {passed}/{len(results)} passed"
              + (f"  commit {commit[:12]}" if commit else ""))
    return 0


def compare_command(folder: Path, old: str, new: str, fail: str | None) -> int:
    rules = parse_rules(fail) if fail else []
    (old_path, before), (_, after) = load_run(old, folder), load_run(new, folder)
    lines, compared = compare_runs(
        before, [ProbeResult.from_dict(r) for r in after["results"]], str(old_path), after.get("seed"), rules,
        after.get("machine_info"),
    )
    print("\n".join(lines))
    return 1 if compared["regressions"] and rules else 0


def merge_reports(paths: list[Path], output: Path, html: Path | None) -> int:
    documents = []
    for path in paths:
        if not path.exists():
            raise RnnCheckError(
                f"merge: {path} does not exist: give the JSON reports the shards wrote with --rnncheck-report"
            )
        documents.append((path, storage.load(path)))
    merged = merge(documents)
    report.write_document(output, merged)
    print(f"merged {len(paths)} report(s), {len(merged['results'])} probe(s): {output}")
    if html is not None:
        from .html_report import write_html

        write_html(html, merged)
        print(f"HTML report: {html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
