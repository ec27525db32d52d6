"""Peak memory of one probe, measured the most precise way the platform allows.

Linux: the kernel's high-water mark (``VmHWM``) is reset when the probe starts
(writing 5 to ``/proc/self/clear_refs``), so the figure is the probe's own peak
resident memory. Other Unix systems: ``resource``'s lifetime maximum of the
process (``scope = "process"``). Windows: psutil's peak working set when psutil
is installed. Where nothing can measure it, the figure is ``None`` and the scope
says why. Stdlib only.
"""

from __future__ import annotations

import sys
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


class PeakMemory:
    """Start with :meth:`start` before the probe; read :meth:`peak_mb` after it."""

    def __init__(self) -> None:
        self.scope: str | None = None

    def start(self) -> None:
        self.scope = "probe" if _reset_high_water_mark() else None

    def peak_mb(self) -> float | None:
        if self.scope == "probe":
            value = _high_water_mark_mb()
            if value is not None:
                return value
        value = _lifetime_peak_mb()
        self.scope = "process" if value is not None else "unavailable"
        return value


def _reset_high_water_mark() -> bool:
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return _high_water_mark_mb() is not None


def _high_water_mark_mb() -> float | None:
    return proc_field_mb(STATUS, "VmHWM")


def proc_field_mb(path: Path, key: str) -> float | None:
    """A ``key:  N kB`` line of a /proc file (``status``, ``meminfo``) in MB, where it exists."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _lifetime_peak_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return _windows_peak_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def _windows_peak_mb() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", None)
    return None if peak is None else peak / 2**20
