"""Where a run was made: the machine, the versions, the device, the commit. Stdlib only.

As pytest-benchmark's ``machine_info`` and ``commit_info``: every JSON report and saved run
carries them, so a comparison across machines or upgrades can say that the two runs differ
in more than the model. Versions are read from the installed distributions
(``importlib.metadata``), so nothing is imported to learn them. The device is what the
probes ran on, reported by the probe process (``ProbeResult.device``), never guessed here.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from .resources import usable_cores

#: The backend's distribution on PyPI, by Keras backend name.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "numpy": "numpy"}
#: What ``compare`` checks between two runs' machine info (nested ``packages`` by name).
COMPARED = ("python", "backend", "device", "cpu_count")
COMPARED_PACKAGES = ("keras", "numpy", "tensorflow", "jax", "torch", "pytest-rnncheck")


def version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def packages(backend: str) -> dict[str, str]:
    """Installed versions of the plugin, Keras, numpy and the backend's own package."""
    names = ["pytest-rnncheck", "keras", "numpy"]
    if backend in BACKEND_PACKAGES and BACKEND_PACKAGES[backend] not in names:
        names.append(BACKEND_PACKAGES[backend])
    return {name: v for name in names if (v := version(name)) is not None}


def devices(results: list[Any]) -> list[str]:
    """The devices the probes (``ProbeResult``) reported running on, each once."""
    return sorted({r.device for r in results if r.device})


def machine_info(backend: str, devices: list[str]) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "cpu_count": usable_cores(),
        "backend": backend,
        "device": ", ".join(sorted(set(devices))) if devices else None,
        "packages": packages(backend),
    }


def commit_info(rootdir: Path) -> dict[str, Any] | None:
    """The git commit of ``rootdir`` and whether the tree has uncommitted changes; None
    outside a git work tree (or without git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=rootdir, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "id": commit,
        "dirty": bool(status) if status is not None else None,
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
    }


def differences(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """What differs between two runs' machine info, as ``name: old -> new`` (missing sides skipped)."""
    if not before or not after:
        return []
    found = []
    for key in COMPARED:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old != new:
            found.append(f"{key}: {old} -> {new}")
    old_packages, new_packages = before.get("packages") or {}, after.get("packages") or {}
    for name in COMPARED_PACKAGES:
        old, new = old_packages.get(name), new_packages.get(name)
        if old is not None and new is not None and old != new:
            found.append(f"{name}: {old} -> {new}")
    return found


def header_versions(backend: str) -> str:
    """``keras 3.15.1, tensorflow 2.21.0, numpy 2.5.5`` for the session header."""
    found = packages(backend)
    return ", ".join(f"{name} {found[name]}" for name in ("keras", BACKEND_PACKAGES.get(backend, backend), "numpy")
                     if name in found)
