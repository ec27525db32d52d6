"""Probes run in a recycled worker process: a stuck probe is stopped, a crash is
contained, Ctrl-C keeps the finished results. Real pytest subprocesses; the
probes here build models but train none."""

import json
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.integration  # leave out with -m "not integration"

FAULTS = """
import os
import signal
import time

import keras
from keras import layers
from pytest_rnncheck import rnncheck


def one_step():
    return keras.Sequential([keras.Input((1, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


def sleeps_forever():
    time.sleep(10_000)


def segfaults():
    os.kill(os.getpid(), signal.SIGSEGV)


@rnncheck.echo()
def test_hangs(rnncheck):
    rnncheck(sleeps_forever)


@rnncheck.echo()
def test_crashes(rnncheck):
    rnncheck(segfaults)


@rnncheck.lag(1)
def test_after_the_faults(rnncheck):
    rnncheck(lambda: one_step())  # a closure travels to the worker too
"""


def test_a_hung_probe_is_stopped_and_a_crash_is_an_error_row_while_the_run_goes_on(pytester):
    pytester.makepyfile(test_faults=FAULTS)
    result = pytester.runpytest_subprocess(
        "--rnncheck", "--rnncheck-timeout=5", "--rnncheck-report=report.json", "-p", "no:randomly"
    )
    result.assert_outcomes(failed=3)
    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    hung, crashed, after = rows["test_hangs"], rows["test_crashes"], rows["test_after_the_faults"]
    assert hung["verdict"] == "error" and "stopped after 5 s, the per-probe time limit" in hung["error"]
    assert "--rnncheck-timeout" in hung["error"] and 5 <= hung["seconds"] < 30
    assert crashed["verdict"] == "error" and "killed by SIGSEGV (signal 11)" in crashed["error"], crashed["error"]
    assert "peak memory was" in crashed["error"] and crashed["peak_memory_mb"] > 0
    # the run went on: the next probe ran in a fresh worker and got its own verdict
    assert after["verdict"] == "fail" and [p["code"] for p in after["pathologies"]] == ["missing-context"]


INTERRUPTED = """
import time

import keras
from keras import layers
from pytest_rnncheck import rnncheck


def one_step():
    return keras.Sequential([keras.Input((1, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


def sleeps_forever():
    time.sleep(10_000)


@rnncheck.lag(1)
def test_a_finished(rnncheck):
    rnncheck(one_step)


@rnncheck.echo()
def test_b_stuck(rnncheck):
    rnncheck(sleeps_forever)
"""


def test_ctrl_c_stops_the_run_and_keeps_the_finished_results(pytester):
    pytester.makepyfile(test_interrupted=INTERRUPTED)
    cmd = [sys.executable, "-m", "pytest", "--rnncheck", "--rnncheck-report=report.json", "-v", "-p", "no:randomly"]
    # a shell without job control starts background jobs with SIGINT ignored, and a child
    # inherits that: give pytest the default handling a terminal's Ctrl-C meets
    restore = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    proc = subprocess.Popen(
        cmd, cwd=pytester.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=restore
    )
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "test_a_finished FAILED" in line:
                time.sleep(1.0)  # the stuck probe is now running in the worker
                proc.send_signal(signal.SIGINT)
                break
        out, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 2, "".join(lines) + out  # pytest's "interrupted"
    assert "KeyboardInterrupt" in out
    rows = json.loads((pytester.path / "report.json").read_text())["results"]
    assert [r["nodeid"].split("::")[1] for r in rows] == ["test_a_finished"]
    assert rows[0]["pathologies"][0]["code"] == "missing-context"


FROZEN = """
import gc
import pathlib

import keras
from keras import layers
from pytest_rnncheck import rnncheck


def one_step():
    pathlib.Path("worker_frozen").write_text(str(gc.get_freeze_count()))
    return keras.Sequential([keras.Input((1, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


@rnncheck.lag(1)
def test_probe(rnncheck):
    pathlib.Path("main_frozen").write_text(str(gc.get_freeze_count()))
    rnncheck(one_step)


def test_plain():
    pathlib.Path("plain_frozen").write_text(str(gc.get_freeze_count()))
"""


def test_what_is_alive_after_collection_is_frozen_out_of_the_collectors_sight_unless_turned_off(pytester):
    pytester.makepyfile(test_frozen=FROZEN)
    # lag(1) on one step
    pytester.runpytest_subprocess("--rnncheck", "-p", "no:randomly").assert_outcomes(failed=1, passed=1)
    frozen = int((pytester.path / "main_frozen").read_text())
    assert frozen > 10_000, frozen  # Keras, imported by the test module, among them
    assert int((pytester.path / "worker_frozen").read_text()) > 10_000  # the worker freezes Keras too
    pytester.runpytest_subprocess(
        "--rnncheck", "-p", "no:randomly", "-o", "rnncheck_gc_freeze=false"
    ).assert_outcomes(failed=1, passed=1)
    assert int((pytester.path / "main_frozen").read_text()) == 0
    # probes off: nothing frozen
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(skipped=1, passed=1)
    assert int((pytester.path / "plain_frozen").read_text()) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_does_not_outlive_a_killed_pytest(pytester):
    pytester.makepyfile(test_interrupted=INTERRUPTED)
    cmd = [sys.executable, "-m", "pytest", "--rnncheck", "-v", "-p", "no:randomly", "-k", "stuck"]
    proc = subprocess.Popen(cmd, cwd=pytester.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1)
        deadline = time.monotonic() + 120
        workers = []
        while time.monotonic() < deadline and not workers:  # the stuck probe is running in a worker
            time.sleep(0.5)
            workers = [pid for pid in children(proc.pid)]
        assert workers, "no probe worker started"
        time.sleep(2)
        proc.kill()
        proc.wait(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(alive(pid) for pid in workers):
            time.sleep(0.5)
        assert not any(alive(pid) for pid in workers)
    finally:
        proc.kill()


def children(pid):
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and "spawn" in (entry / "cmdline").read_text():
                found.append(int(entry.name))
    return found


def alive(pid):
    from pathlib import Path

    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


HANDED = """
import os

from pytest_rnncheck import rnncheck


def tell():
    worker, device = os.environ.get('PYTEST_XDIST_WORKER'), os.environ.get('CUDA_VISIBLE_DEVICES')
    raise RuntimeError(f"worker {worker} device {device}")


@rnncheck.echo()
def test_a(rnncheck):
    rnncheck(tell)


@rnncheck.echo()
def test_b(rnncheck):
    rnncheck(tell)


@rnncheck.echo()
def test_c(rnncheck):
    rnncheck(tell)
"""


def test_each_xdist_workers_probe_process_is_handed_its_own_device(pytester, monkeypatch):
    pytest.importorskip("xdist")
    import re

    pytester.makepyfile(test_handed=HANDED)
    monkeypatch.setenv("RNNCHECK_DEVICES", "5,6")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    pytester.runpytest_subprocess("--rnncheck", "-n", "2", "--rnncheck-report=report.json", "-p", "no:randomly")
    results = json.loads((pytester.path / "report.json").read_text())["results"]
    handed = [re.search(r"worker gw(\d+) device (\S+)", r["error"]).groups() for r in results]
    assert len(handed) == 3 and {device for _, device in handed} <= {"5", "6"}
    assert all(device == ["5", "6"][int(worker) % 2] for worker, device in handed)
