"""What the user reads: the summary table, the failure message, the JUnit properties."""

from pytest_rnncheck import report
from pytest_rnncheck.diagnosis import ERROR, Pathology
from pytest_rnncheck.result import ProbeResult


def result(**fields):
    base = dict(model="build", probe="lag(2)", seed=7, threshold=0.9)
    r = ProbeResult(**{**base, **fields})
    r.nodeid = fields.get("nodeid", "tests/models/test_memory_of_the_production_forecaster.py::test_remembers_sixteen")
    return r


FINDINGS = [
    Pathology("output-shape", ERROR, "m", "f", certain=True),
    Pathology("activation-range", ERROR, "m", "f"),
    Pathology("missing-context", ERROR, "m", "f"),
    Pathology("constant-output", ERROR, "m", "f"),
]


def test_the_table_fits_120_columns_keeping_the_end_of_long_test_ids():
    rows = [
        result(probe="lag(16, min_accuracy=0.95, encoding='onehot', budget=128000)", pathologies=FINDINGS).to_dict(),
        result(nodeid="t.py::test_short", passed=True, accuracy=0.99, lower=0.98, chance=0.01).to_dict(),
    ]
    lines = report.table_lines(rows)
    assert max(len(line) for line in lines) <= 120
    text = "\n".join(lines)
    assert "test_remembers_sixteen" in text and "…" in text
    for code in ("output-shape", "activation-range", "missing-context", "constant-output"):
        assert code in text  # wrapped, not cut
    assert lines[0].split() == ["test", "probe", "acc", "need", "chance", "verdict", "findings", "secs"]
    with_profile = report.table_lines(rows + [result(nodeid="t.py::m", horizon=8, receptive_field=12).to_dict()])
    assert "horizon" in with_profile[0] and any("8/12" in line for line in with_profile)


def test_a_narrow_terminal_gets_a_narrower_table():
    rows = [result(pathologies=FINDINGS).to_dict()]
    assert max(len(line) for line in report.table_lines(rows, width=106)) <= 106


def test_a_probe_proven_impossible_says_it_was_not_trained_and_prints_no_accuracy():
    r = result(stopped="static", chance=0.01, pathologies=FINDINGS[:1]).to_dict()
    lines = report.explain(r)
    assert lines[1] == "  not trained: proven impossible from the configuration and the measured reach; chance 0.010"
    assert not any("accuracy" in line for line in lines)


def test_remedies_are_reported_as_attempts_with_the_total_of_sequences():
    attempts = [
        {"learning_rate": 0.01, "sequences": 64000, "accuracy": 0.41, "lower_bound": 0.38, "passed": False, "stopped": "budget", "z": 2.58},
        {"learning_rate": 0.003, "sequences": 64000, "accuracy": 0.52, "lower_bound": 0.49, "passed": False, "stopped": "budget", "z": 2.81},
        {"learning_rate": 0.03, "sequences": 20480, "accuracy": 0.97, "lower_bound": 0.95, "passed": True, "stopped": "passed", "z": 2.81},
    ]
    r = result(passed=True, accuracy=0.97, lower=0.95, chance=0.01, sequences=20480, stopped="passed", attempts=attempts)
    doc = r.to_dict()
    assert doc["total_sequences"] == 148480 and len(doc["attempts"]) == 3
    lines = report.explain(doc)
    assert "  trained 3 times, 148,480 sequences in all, 0.0 s; seed 7:" in lines
    assert "    1. learning rate 0.01: accuracy 0.410 after 64,000 sequences (budget)" in lines
    assert "    3. learning rate 0.03: accuracy 0.970 after 20,480 sequences (passed)" in lines


def test_one_attempt_is_one_line():
    attempts = [{"learning_rate": 0.01, "sequences": 6144, "accuracy": 0.97, "lower_bound": 0.95, "passed": True, "stopped": "passed", "z": 2.58}]
    r = result(passed=True, accuracy=0.97, lower=0.95, chance=0.01, sequences=6144, stopped="passed", attempts=attempts)
    assert "  trained on 6,144 sequences in 0.0 s (passed); seed 7" in report.explain(r.to_dict())


def test_junit_properties_carry_the_numbers_and_codes():
    r = result(accuracy=0.5, lower=0.45, chance=0.01, pathologies=FINDINGS[2:]).to_dict()
    props = dict(report.junit_properties(r))
    assert props["rnncheck.lag(2).accuracy"] == "0.5000"
    assert props["rnncheck.lag(2).verdict"] == "fail"
    assert props["rnncheck.lag(2).pathologies"] == "missing-context,constant-output"
    assert props["rnncheck.lag(2).seed"] == 7


def test_the_backends_start_up_chatter_is_dropped_and_everything_else_kept():
    from pytest_rnncheck.backend import without_native_log

    text = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1795741917.736387    3001 port.cc:153] oneDNN custom operations are on.\n"
        "I0000 00:00:1795741917.773565    3001 cpu_feature_guard.cc:227] This TensorFlow binary is optimized.\n"
        "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
        "E0000 00:00:1795741920.140101    3001 cuda_platform.cc:52] failed call to cuInit: UNKNOWN ERROR (303)\n"
        "/site/user.py:3: UserWarning: the user's own warning\n"
        "  warnings.warn('x')\n"
        "a line the user printed\n"
    )
    assert without_native_log(text) == (
        "/site/user.py:3: UserWarning: the user's own warning\n  warnings.warn('x')\na line the user printed\n"
    )


def test_peak_memory_is_the_probes_own_where_the_platform_allows():
    import sys

    import numpy as np

    from pytest_rnncheck.memory import PeakMemory

    big = np.ones(40_000_000)  # 320 MB, freed before the probe starts
    del big
    before = PeakMemory().peak_mb()  # the process's peak so far, the 320 MB included
    memory = PeakMemory()
    memory.start()
    peak = memory.peak_mb()
    assert peak is not None and peak > 0
    if sys.platform.startswith("linux") and memory.scope == "probe":
        assert peak < before - 250  # the earlier allocation does not count


def test_every_json_key_is_documented_and_every_documented_key_exists():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "report.md").read_text()
    table = doc.split("## JSON", 1)[1].split("## JUnit", 1)[0]
    documented = set()
    for row in re.findall(r"^\| (.+?) \|", table, flags=re.M):
        documented |= set(re.findall(r"`(\w+)`", row))
    keys = set(result().to_dict()) | {"version", "seed", "backend"}
    assert keys <= documented, f"undocumented JSON keys: {keys - documented}"
    top_level = {"version", "seed", "backend", "results"}
    assert documented - top_level <= keys, f"documented but never written: {documented - keys - top_level}"
