"""pytest-html and pytest-json-report get each probe's findings through their own documented
extension points when they are installed, and nothing changes when they are not."""

import json

import pytest

from pytest_rnncheck import integrations
from pytest_rnncheck.result import ProbeResult

ROW = {
    "nodeid": "t.py::test_m", "model": "m", "probe": "lag(1)", "verdict": "fail", "passed": False, "accuracy": None,
    "lower_bound": None, "upper_bound": None, "threshold": 0.9, "chance": 0.01, "sequences": 0, "total_sequences": 0,
    "attempts": [], "seconds": 0.1, "seed": 3, "stopped": "static", "receptive_field": 1, "horizon": None,
    "profile": [], "curve": [], "layers": [], "notes": [], "error": None, "reproduce": "pytest t.py",
    "run_profile": "ci", "device": "cpu:0",
    "pathologies": [{"code": "missing-context", "severity": "error", "message": "sees x[t] only", "fix": "more steps"}],
}


def test_json_report_metadata_holds_the_verdict_numbers_and_findings_without_curves():
    (entry,) = integrations.json_metadata([ProbeResult.from_dict(ROW)])["rnncheck"]
    assert entry["probe"] == "lag(1)" and entry["verdict"] == "fail" and entry["seed"] == 3
    assert entry["pathologies"] == ROW["pathologies"] and "curve" not in entry
    json.dumps(entry)  # pytest-json-report drops metadata it cannot serialise


def test_html_extras_are_the_explanation_and_the_curve_when_there_is_one():
    pytest.importorskip("pytest_html")
    (text,) = integrations.html_extras([ProbeResult.from_dict(ROW)])  # no curve: no image
    assert text["format_type"] == "text" and text["name"] == "rnncheck lag(1)"
    assert "missing-context: sees x[t] only" in text["content"]
    pytest.importorskip("matplotlib")
    curve = [{"sequences": 2048 * i, "accuracy": 0.1 * i, "loss": 1.0, "distinct": 5} for i in range(1, 5)]
    extras = integrations.html_extras([ProbeResult.from_dict(dict(ROW, curve=curve))])
    assert [e["format_type"] for e in extras] == ["text", "image"] and extras[1]["mime_type"] == "image/png"


ONE_STEP = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def one_step():
    return keras.Sequential([keras.Input((1, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


@rnncheck.lag(1)
def test_one_step(rnncheck):
    rnncheck(one_step)
"""


@pytest.mark.integration  # a worker process builds the model (nothing is trained)
@pytest.mark.smoke  # and at the lowest versions: pytest-html 4.0, pytest-json-report 1.5
def test_pytest_html_and_json_report_carry_the_probe_and_nothing_breaks_without_them(pytester):
    pytest.importorskip("pytest_html")
    pytest.importorskip("pytest_jsonreport")
    pytester.makepyfile(test_one=ONE_STEP)
    with_them = pytester.runpytest_subprocess(
        "--rnncheck", "--html=page.html", "--self-contained-html", "--json-report", "--json-report-file=j.json",
    )
    with_them.assert_outcomes(failed=1)
    (test,) = json.loads((pytester.path / "j.json").read_text())["tests"]
    (entry,) = test["metadata"]["rnncheck"]
    assert entry["probe"] == "lag(1)" and [p["code"] for p in entry["pathologies"]] == ["missing-context"]
    page = (pytester.path / "page.html").read_text()
    assert "rnncheck lag(1)" in page and "missing-context" in page
    without = pytester.runpytest_subprocess("--rnncheck", "-p", "no:html", "-p", "no:pytest_jsonreport")
    without.assert_outcomes(failed=1)  # the same verdict with neither plugin loaded
    without.stdout.fnmatch_lines(["*test_one_step*FAIL*missing-context*"])
