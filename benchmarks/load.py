"""Memory and time under load: hundreds of probes in one pytest run.

    python benchmarks/load.py                    # 200 probes: isolated and in-process, plain and -n 2
    python benchmarks/load.py --probes 60 --modes isolated,in-process

Each run is one `pytest --rnncheck` over a generated file of N tests, each an echo()
probe on a fresh LSTM(16) (a small budget, so the run is mostly build-train-free
cycles, the case where leaks show). While it runs, the memory of the whole process
tree (pytest, its xdist workers and the probes' worker processes) is sampled every
0.2 s; the table prints the largest total resident memory seen up to the moment the
20th, 100th and 200th probe finished, and the time per probe. Isolation is meant to
keep the 200-probe peak within 1.15x of the early one.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TEST_FILE = '''
import keras
import pytest
from keras import layers
from pytest_rnncheck import rnncheck


def build():
    return keras.Sequential([keras.Input((8, 10)), layers.LSTM(16), layers.Dense(10, activation="softmax")])


@pytest.mark.parametrize("k", range({n}))
@rnncheck.echo(min_accuracy=0.5, budget=1024)
def test_probe(rnncheck, k):
    rnncheck(build)
'''

MODES = {
    "isolated": [],
    "in-process": ["--rnncheck-in-process"],
    "isolated -n 2": ["-n", "2"],
    "in-process -n 2": ["--rnncheck-in-process", "-n", "2"],
}


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024 if "VmRSS" in fields else 0.0
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def run(n: int, args: list[str], marks: tuple[int, ...]) -> tuple[dict[int, float], float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_load.py").write_text(TEST_FILE.format(n=n))
        cmd = [sys.executable, "-m", "pytest", "--rnncheck", "-p", "no:cacheprovider", "-v", "test_load.py", *args]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        done = [0]

        def count() -> None:
            for line in proc.stdout:
                done[0] += bool(re.search(r"\b(PASSED|FAILED|ERROR)\b", line))

        reader = threading.Thread(target=count, daemon=True)
        reader.start()
        peak, at = 0.0, {}
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            for mark in marks:
                if done[0] >= mark and mark not in at:
                    at[mark] = peak
            time.sleep(0.2)
        reader.join(5)
        for mark in marks:
            at.setdefault(mark, peak)
        return at, time.perf_counter() - start, done[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    args = parser.parse_args()
    marks = tuple(m for m in (20, 30, 100, 150, 200) if m <= args.probes)
    print(f"{args.probes} echo() probes on LSTM(16), budget 1024; peak total RSS of the process tree (MB)")
    header = (
        f"{'mode':<18}" + "".join(f"{'@' + str(m):>9}" for m in marks) + f"{'last/first':>12}{'s/probe':>9}{'done':>6}"
    )
    print(header)
    for mode in args.modes.split(","):
        at, seconds, done = run(args.probes, MODES[mode.strip()], marks)
        ratio = at[marks[-1]] / at[marks[0]] if at.get(marks[0]) else float("nan")
        row = f"{mode:<18}" + "".join(f"{at[m]:>9.0f}" for m in marks)
        print(row + f"{ratio:>12.2f}{seconds / max(done, 1):>9.2f}{done:>6}", flush=True)


if __name__ == "__main__":
    main()
