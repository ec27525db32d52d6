"""Saved runs in the project's ``.rnncheck/`` folder: one JSON file per run, numbered.

``0001_NAME.json``, ``0002_NAME.json``, ...: the same document as ``--rnncheck-report``
plus when it was saved and under which name. No server: the folder can be committed, or
kept as a CI cache, like pytest-benchmark's ``.benchmarks``.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

from .errors import RnnCheckError
from .report import write_document

FOLDER = ".rnncheck"
_NUMBERED = re.compile(r"^(\d{4,})_(.+)\.json$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_name(name: str) -> str:
    """A run name usable in a file name; raise RnnCheckError naming the rule otherwise."""
    if not _NAME.fullmatch(name) or len(name) > 100:
        raise RnnCheckError(
            f"{name!r} is not a run name: use letters, digits, '.', '_' or '-' (starting with a "
            "letter or digit, at most 100 characters); a path right after --rnncheck-save is read as its "
            "name: write --rnncheck-save=NAME, or put the flag after the paths"
        )
    return name


def saved_runs(folder: Path) -> list[Path]:
    """Saved run files, oldest first (by number)."""
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), path) for path in folder.iterdir() if (m := _NUMBERED.match(path.name))]
    return [path for _, path in sorted(found)]


def save(folder: Path, name: str | None, document: dict[str, Any], now: datetime.datetime | None = None) -> Path:
    """Write ``document`` as the next numbered run; return its path."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    name = check_name(name) if name else now.strftime("%Y%m%dT%H%M%SZ")
    runs = saved_runs(folder)
    number = int(_NUMBERED.match(runs[-1].name).group(1)) + 1 if runs else 1
    path = folder / f"{number:04d}_{name}.json"
    write_document(
        path, dict(document, saved={"name": name, "number": number, "at": now.isoformat(timespec="seconds")})
    )
    return path


def find(folder: Path, which: str) -> Path:
    """The saved run ``which`` names: 'last', a number ('3' or '0003'), a name, or a file name."""
    runs = saved_runs(folder)
    if not runs:
        raise RnnCheckError(
            f"--rnncheck-compare: no saved run in {folder}: save one first with --rnncheck-save[=NAME] "
            "(or commit/restore that folder in CI)"
        )
    if which == "last":
        return runs[-1]
    for path in reversed(runs):
        number, name = _NUMBERED.match(path.name).groups()
        if which in (path.name, path.stem, name) or (which.isdigit() and int(which) == int(number)):
            return path
    listed = ", ".join(path.stem for path in runs[-5:])
    raise RnnCheckError(
        f"--rnncheck-compare: no saved run named {which!r} in {folder} (latest: {listed}); "
        "give 'last', a run number or a name given to --rnncheck-save (a path right after "
        "--rnncheck-compare is read as the name: write --rnncheck-compare=NAME)"
    )


def load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RnnCheckError(
            f"--rnncheck-compare: {path} is not a readable rnncheck run ({exc}); delete or replace it"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise RnnCheckError(f"--rnncheck-compare: {path} has no 'results' list: it is not an rnncheck run file")
    return document
