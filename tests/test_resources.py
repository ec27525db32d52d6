"""Thread pools under xdist and the worker count of ``-n auto``: N workers on N cores must not
run N times as many threads as there are cores, and must fit the memory."""

import pytest

from pytest_rnncheck import plugin, resources


def test_each_xdist_worker_gets_its_share_of_the_cores_at_least_one():
    assert resources.threads_per_worker(8, 2) == 4
    assert resources.threads_per_worker(2, 2) == 1
    assert resources.threads_per_worker(2, 4) == 1


def test_serial_runs_keep_the_backends_own_sizing():
    assert resources.worker_environment({}, cores=2) == {}
    assert resources.worker_environment({"PYTEST_XDIST_WORKER_COUNT": "1"}, cores=2) == {}


def test_two_xdist_workers_on_two_cores_run_one_thread_each():
    env = resources.worker_environment({"PYTEST_XDIST_WORKER_COUNT": "2"}, cores=2)
    assert env["TF_NUM_INTRAOP_THREADS"] == env["TF_NUM_INTEROP_THREADS"] == env["OMP_NUM_THREADS"] == "1"
    assert env["XLA_FLAGS"] == "--xla_cpu_multi_thread_eigen=false"
    wider = resources.worker_environment({"PYTEST_XDIST_WORKER_COUNT": "2"}, cores=16)
    assert wider["TF_NUM_INTRAOP_THREADS"] == "8" and wider["TF_NUM_INTEROP_THREADS"] == "2"
    assert "XLA_FLAGS" not in wider  # XLA's pool has no size to set; it is left alone above one thread


def test_what_the_user_set_is_never_overridden():
    user = {"PYTEST_XDIST_WORKER_COUNT": "2", "OMP_NUM_THREADS": "3", "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=true"}
    env = resources.worker_environment(user, cores=2)
    assert "OMP_NUM_THREADS" not in env and "XLA_FLAGS" not in env
    assert env["TF_NUM_INTRAOP_THREADS"] == "1"
    other = resources.thread_environment(1, {"XLA_FLAGS": "--xla_dump_to=/tmp/x"})
    assert other["XLA_FLAGS"] == "--xla_dump_to=/tmp/x --xla_cpu_multi_thread_eigen=false"


def test_a_broken_worker_count_reads_as_serial():
    assert resources.xdist_workers({"PYTEST_XDIST_WORKER_COUNT": "many"}) == 1


def test_auto_workers_fit_the_cores_and_the_memory():
    assert resources.auto_workers(8, None) == 8
    assert resources.auto_workers(8, 3 * resources.WORKER_MB + 10) == 3
    assert resources.auto_workers(2, 100.0) == 1  # never zero


def test_cgroup_quota_and_meminfo_are_read(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert resources.cgroup_quota(tmp_path / "cpu.max") == 1
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert resources.cgroup_quota(tmp_path / "cpu.max") is None
    assert resources.cgroup_quota(tmp_path / "missing") is None
    (tmp_path / "meminfo").write_text("MemTotal: 100 kB\nMemAvailable:    2097152 kB\n")
    assert resources.available_mb(tmp_path / "meminfo") == 2048
    assert resources.usable_cores() >= 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--rnncheck"], 3), ([], None)],
)
def test_n_auto_with_probes_on_asks_the_cores_and_the_memory(pytester, monkeypatch, args, expected):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr(resources, "usable_cores", lambda: 4)
    monkeypatch.setattr(resources, "available_mb", lambda: 3 * resources.WORKER_MB + 1)
    config = pytester.parseconfig(*args)
    assert plugin.pytest_xdist_auto_num_workers(config) == expected
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert plugin.pytest_xdist_auto_num_workers(config) is None  # xdist reads it itself


def test_rnncheck_devices_hands_each_xdist_worker_its_own_gpu():
    env = {"PYTEST_XDIST_WORKER_COUNT": "4", "RNNCHECK_DEVICES": "0, 1"}
    handed = [
        resources.worker_environment({**env, "PYTEST_XDIST_WORKER": f"gw{k}"}, cores=8).get("CUDA_VISIBLE_DEVICES")
        for k in range(4)
    ]
    assert handed == ["0", "1", "0", "1"]
    # the user's
    assert resources.worker_device({**env, "PYTEST_XDIST_WORKER": "gw0", "CUDA_VISIBLE_DEVICES": "3"}) is None
    assert resources.worker_device({"PYTEST_XDIST_WORKER": "gw0"}) is None  # not asked for
