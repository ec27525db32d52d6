"""``python -m pytest_rnncheck``: list saved runs, compare two, merge shards' reports."""

import json
import subprocess
import sys

import pytest

from pytest_rnncheck import storage
from pytest_rnncheck.__main__ import main


def row(nodeid, probe="lag(2)", **fields):
    return {"nodeid": nodeid, "probe": probe, "model": "m", "verdict": "pass", "passed": True, "accuracy": 0.95,
            "lower_bound": 0.93, "upper_bound": 0.97, "sequences": 8192, "stopped": "passed", "horizon": None,
            "profile": [], "pathologies": [], **fields}


def doc(*results, seed=0, backend="tensorflow", keras="3.15.1"):
    machine = {"python": "3.13.0", "backend": backend, "device": "cpu:0", "cpu_count": 2, "packages": {"keras": keras}}
    return {
        "version": 1,
        "seed": seed,
        "backend": backend,
        "machine_info": machine,
        "commit_info": None,
        "results": list(results),
    }


def write(path, document):
    path.write_text(json.dumps(document))
    return path


def test_merge_joins_shards_in_the_unsharded_order_and_names_a_version_that_differs(tmp_path, capsys):
    one = write(tmp_path / "1.json", doc(row("t.py::b"), row("t.py::d")))
    two = write(tmp_path / "2.json", doc(row("t.py::a"), row("t.py::c"), keras="3.16.0"))
    assert main(["merge", str(one), str(two), "-o", str(tmp_path / "all.json")]) == 0
    merged = json.loads((tmp_path / "all.json").read_text())
    assert [r["nodeid"] for r in merged["results"]] == ["t.py::a", "t.py::b", "t.py::c", "t.py::d"]
    assert merged["seed"] == 0 and merged["shard_differences"] == ["keras: 3.15.1 -> 3.16.0"]
    assert "merged 2 report(s), 4 probe(s)" in capsys.readouterr().out


@pytest.mark.parametrize(("second", "words"), [
    (doc(row("t.py::b"), seed=1), "has seed 1 but"),
    (doc(row("t.py::a")), "t.py::a lag(2) is in two shards"),
])
def test_merge_refuses_shards_of_different_runs_or_a_test_in_two_shards(tmp_path, capsys, second, words):
    one = write(tmp_path / "1.json", doc(row("t.py::a")))
    two = write(tmp_path / "2.json", second)
    assert main(["merge", str(one), str(two), "-o", str(tmp_path / "all.json")]) == 4
    assert words in capsys.readouterr().err and not (tmp_path / "all.json").exists()


def test_list_and_compare_saved_runs_and_fail_on_a_regression_under_rules(tmp_path, capsys):
    folder = tmp_path / ".rnncheck"
    storage.save(folder, "big", doc(row("t.py::m", "memory(max_lag=8)", horizon=8, stopped="profile")))
    storage.save(folder, "small", doc(row("t.py::m", "memory(max_lag=8)", horizon=2, stopped="profile")))
    assert main(["--folder", str(folder), "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == ["0001_big", "0002_small"] and "1/1 passed" in listed[0]
    assert main(["--folder", str(folder), "compare", "big", "last"]) == 0  # no rules: shown, not failed
    assert "horizon 8 -> 2 (-6)" in capsys.readouterr().out
    assert main(["--folder", str(folder), "compare", "1", "2", "--fail", "horizon:1"]) == 1
    assert "REGRESSION (horizon:1)" in capsys.readouterr().out
    assert main(["--folder", str(folder), "compare", "big", "nope"]) == 4
    assert "no saved run named 'nope'" in capsys.readouterr().err


def test_it_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "pytest_rnncheck", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "merge" in done.stdout and "compare" in done.stdout


SHARDED = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def one_step():
    return keras.Sequential([keras.Input((1, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


@rnncheck.lag(1)
def test_first(rnncheck):
    rnncheck(one_step)


@rnncheck.lag(2)
def test_second(rnncheck):
    rnncheck(one_step)
"""
TIMING = ("seconds", "peak_memory_mb", "peak_memory_scope")


@pytest.mark.integration  # three pytest runs, each with a worker process (nothing is trained)
def test_two_shards_merge_into_the_report_of_the_unsharded_run(pytester):
    pytester.makepyfile(test_sharded=SHARDED)
    for name, selection in (("all", []), ("a", ["-k", "first"]), ("b", ["-k", "second"])):
        pytester.runpytest_subprocess("--rnncheck", "--rnncheck-seed=3", f"--rnncheck-report={name}.json", *selection)
    assert main(["merge", str(pytester.path / "a.json"), str(pytester.path / "b.json"),
                 "-o", str(pytester.path / "m.json"), "--html", str(pytester.path / "m.html")]) == 0
    untimed = lambda path: [{k: v for k, v in r.items() if k not in TIMING}  # noqa: E731
                            for r in json.loads((pytester.path / path).read_text())["results"]]
    assert untimed("m.json") == untimed("all.json") and len(untimed("all.json")) == 2
    assert "test_second" in (pytester.path / "m.html").read_text()
