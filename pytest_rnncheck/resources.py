"""What each probe worker gets: threads, a GPU; and how many xdist workers fit. No Keras, no pytest.

Each backend sizes its thread pools to every core of the machine (TensorFlow's intra- and
inter-op pools, XLA's Eigen pool, torch's OpenMP pool). Under ``pytest -n N`` each of the N
xdist workers has its own probe worker, so N workers on N cores run N times as many
threads as there are cores, and spend the difference switching between them. The probe
worker is therefore given ``cores // N`` threads (at least one) before it imports Keras:
environment variables read by the backends at start-up, set only where the user has not set
them. Serial runs keep the backend's own sizing.

With several GPUs, ``RNNCHECK_DEVICES=0,1`` hands xdist worker gwK the device
``K mod 2`` as ``CUDA_VISIBLE_DEVICES`` (read by TensorFlow, JAX and torch alike), so each
worker's probes run on their own GPU; a ``CUDA_VISIBLE_DEVICES`` set by the user wins.

``pytest -n auto`` asks ``pytest_xdist_auto_num_workers``: as many workers as there are
usable cores, and no more than the memory holds at ``WORKER_MB`` each (an xdist worker with
Keras loaded plus its probe worker, which is replaced once it has grown 400 MB).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .memory import proc_field_mb

#: Memory one xdist worker and its probe worker take at their peak (MB): 1,750 measured for
#: pytest and one isolated probe worker together (docs/performance.md), plus the probe
#: worker's 400 MB growth allowance.
WORKER_MB = 2_200


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity, capped by a cgroup CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = cgroup_quota(Path("/sys/fs/cgroup/cpu.max"))
    return max(1, min(cores, quota) if quota else cores)


def cgroup_quota(path: Path) -> int | None:
    """Whole cores granted by a cgroup v2 ``cpu.max`` (``"200000 100000"`` is 2), if limited."""
    try:
        quota, period = path.read_text().split()[:2]
        if quota == "max":
            return None
        return max(1, int(int(quota) // int(period)))
    except (OSError, ValueError):
        return None


def available_mb(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """MemAvailable, in MB, where the system reports it."""
    return proc_field_mb(meminfo, "MemAvailable")


def threads_per_worker(cores: int, workers: int) -> int:
    """Threads each of ``workers`` processes may run so that together they fill ``cores``."""
    return max(1, cores // max(1, workers))


def auto_workers(cores: int, memory_mb: float | None) -> int:
    """Workers for ``-n auto``: one per core, as many as the memory holds, at least one."""
    fit = cores if memory_mb is None else int(memory_mb // WORKER_MB)
    return max(1, min(cores, fit))


def thread_environment(threads: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables that size the backends' pools to ``threads``, minus those the user set.

    TensorFlow reads ``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS``; oneDNN, MKL and
    torch's pool read ``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS``. XLA (JAX) has no reliable
    size for its pool (an ``intra_op_parallelism_threads`` flag crashes some versions), only
    ``--xla_cpu_multi_thread_eigen=false``, added at one thread unless ``XLA_FLAGS`` names it.
    """
    wanted = {
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": str(min(threads, 2)),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    out = {name: value for name, value in wanted.items() if name not in environ}
    flags = environ.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        out["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
    return out


def worker_environment(environ: Mapping[str, str], cores: int | None = None) -> dict[str, str]:
    """What a probe worker's environment gains: thread sizes and a device under xdist, nothing
    when serial."""
    workers = xdist_workers(environ)
    if workers <= 1:
        return {}
    out = thread_environment(threads_per_worker(usable_cores() if cores is None else cores, workers), environ)
    device = worker_device(environ)
    if device is not None:
        out["CUDA_VISIBLE_DEVICES"] = device
    return out


def worker_device(environ: Mapping[str, str]) -> str | None:
    """This xdist worker's GPU from ``RNNCHECK_DEVICES`` (``gw3`` of ``0,1`` gets ``1``), unless the
    user set ``CUDA_VISIBLE_DEVICES`` themselves."""
    devices = [d.strip() for d in environ.get("RNNCHECK_DEVICES", "").split(",") if d.strip()]
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not devices or "CUDA_VISIBLE_DEVICES" in environ or not worker[2:].isdigit():
        return None
    return devices[int(worker[2:]) % len(devices)]


def xdist_workers(environ: Mapping[str, str]) -> int:
    """The number of xdist workers this run has (1 outside xdist)."""
    try:
        return max(1, int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    except ValueError:
        return 1
