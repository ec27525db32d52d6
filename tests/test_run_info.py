"""Where a run was made (machine, versions, device, commit): what a saved run records and what
a comparison warns about. Nothing here trains a model."""

import subprocess

import pytest

from pytest_rnncheck import report, run_info


def test_machine_info_names_python_the_versions_and_the_devices_the_probes_saw():
    info = run_info.machine_info("tensorflow", ["cpu:0", "cpu:0"])
    assert info["backend"] == "tensorflow" and info["device"] == "cpu:0" and info["cpu_count"] >= 1
    assert {"pytest-rnncheck", "numpy"} <= set(info["packages"])
    assert "node" not in info  # no host name in a file that may be committed
    assert run_info.machine_info("jax", [])["device"] is None  # no probe ran: nothing is guessed


def test_commit_info_reads_the_commit_and_the_dirty_flag(tmp_path):
    assert run_info.commit_info(tmp_path) is None  # not a git work tree
    try:
        git = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
        git("init", "-q")
        (tmp_path / "f.txt").write_text("a")
        git("add", "f.txt")
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not usable here")
    clean = run_info.commit_info(tmp_path)
    assert len(clean["id"]) == 40 and clean["dirty"] is False
    (tmp_path / "f.txt").write_text("b")
    assert run_info.commit_info(tmp_path)["dirty"] is True


def test_a_comparison_names_what_differs_between_two_machines():
    before = {"python": "3.11.7", "backend": "tensorflow", "device": "cpu:0", "cpu_count": 2,
              "packages": {"keras": "3.7.0", "numpy": "1.24.0"}}
    after = dict(before, device="gpu:0", packages={"keras": "3.15.1", "numpy": "1.24.0", "jax": "0.4"})
    assert run_info.differences(before, after) == ["device: cpu:0 -> gpu:0", "keras: 3.7.0 -> 3.15.1"]
    assert run_info.differences(before, before) == []
    assert run_info.differences(None, after) == []  # a run saved before machine info existed


def test_the_junit_suite_gets_the_seed_the_profile_and_the_versions():
    props = dict(report.suite_properties(7, "quick", "tensorflow"))
    assert props["rnncheck.seed"] == 7 and props["rnncheck.profile"] == "quick"
    assert props["rnncheck.backend"] == "tensorflow" and "rnncheck.version.numpy" in props


def test_junit_xml_carries_the_suite_properties(pytester):
    pytester.makepyfile("def test_plain():\n    pass\n")
    pytester.runpytest("--rnncheck", "--junitxml=out.xml", "--rnncheck-seed=5").assert_outcomes(passed=1)
    xml = (pytester.path / "out.xml").read_text()
    assert '<property name="rnncheck.seed" value="5"' in xml and 'name="rnncheck.profile" value="ci"' in xml
    pytester.runpytest("--junitxml=off.xml").assert_outcomes(passed=1)
    assert "rnncheck.seed" not in (pytester.path / "off.xml").read_text()  # probes off: nothing added


def test_a_saved_run_records_machine_and_commit_and_a_compare_across_versions_warns(pytester):
    import json

    pytester.makepyfile("def test_plain():\n    pass\n")
    pytester.runpytest("--rnncheck", "--rnncheck-save=first").assert_outcomes(passed=1)
    (saved,) = (pytester.path / ".rnncheck").glob("0001_first.json")
    doc = json.loads(saved.read_text())
    assert doc["machine_info"]["packages"]["pytest-rnncheck"] and "commit_info" in doc
    doc["machine_info"]["packages"]["numpy"] = "0.0.1"  # as if saved before an upgrade
    saved.write_text(json.dumps(doc))
    result = pytester.runpytest(
        "--rnncheck", "--rnncheck-compare=first", "--rnncheck-report=now.json", "--rnncheck-save"
    )
    result.stdout.fnmatch_lines(
        ["*warning: the saved run was made elsewhere or with other versions (numpy: 0.0.1 -> *"]
    )
    compared = json.loads((pytester.path / "now.json").read_text())["compare"]  # the JSON report holds the comparison
    assert (
        compared["against"] == ".rnncheck/0001_first.json"
        and compared["machine_differences"][0].startswith("numpy: 0.0.1 ->")
    )
    (second,) = (pytester.path / ".rnncheck").glob("0002_*.json")
    assert "compare" not in json.loads(second.read_text())  # a saved run is the run, not its comparison
