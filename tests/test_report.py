"""What the user reads: the summary table, the failure message, the JUnit properties."""

import dataclasses

from pytest_rnncheck import report
from pytest_rnncheck.diagnosis import ERROR, Pathology
from pytest_rnncheck.records import Attempt, LagResult
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
        result(probe="lag(16, min_accuracy=0.95, encoding='onehot', budget=128000)", pathologies=FINDINGS),
        result(nodeid="t.py::test_short", passed=True, accuracy=0.99, lower=0.98, chance=0.01),
    ]
    lines = report.table_lines(rows)
    assert max(len(line) for line in lines) <= 120
    text = "\n".join(lines)
    assert "test_remembers_sixteen" in text and "…" in text
    for code in ("output-shape", "activation-range", "missing-context", "constant-output"):
        assert code in text  # wrapped, not cut
    assert lines[0].split() == ["test", "probe", "acc", "need", "chance", "verdict", "findings", "secs"]
    with_profile = report.table_lines(rows + [result(nodeid="t.py::m", horizon=8, receptive_field=12)])
    assert "horizon" in with_profile[0] and any("8/12" in line for line in with_profile)


def test_a_narrow_terminal_gets_a_narrower_table():
    rows = [result(pathologies=FINDINGS)]
    assert max(len(line) for line in report.table_lines(rows, width=106)) <= 106


def test_a_probe_proven_impossible_says_it_was_not_trained_and_prints_no_accuracy():
    r = result(stopped="static", chance=0.01, pathologies=FINDINGS[2:3], receptive_field=1)
    lines = report.explain(r)
    assert lines[1] == "  not trained: proven impossible from the configuration and the measured reach; chance 0.010"
    assert not any("accuracy" in line for line in lines)
    # a stateful model: no reach was measured, so none is claimed
    unmeasured = dataclasses.replace(r, receptive_field=None)
    assert report.explain(unmeasured)[1] == "  not trained: proven impossible from the configuration; chance 0.010"
    head = result(stopped="static", chance=0.01, pathologies=FINDINGS[:1], receptive_field=1)
    # the head alone
    assert report.explain(head)[1] == "  not trained: proven impossible from the configuration; chance 0.010"


def test_remedies_are_reported_as_attempts_with_the_total_of_sequences():
    attempts = [
        Attempt(learning_rate=0.01, sequences=64000, accuracy=0.41, lower_bound=0.38,
            passed=False, stopped="budget", z=2.58),
        Attempt(learning_rate=0.003, sequences=64000, accuracy=0.52, lower_bound=0.49,
            passed=False, stopped="budget", z=2.81),
        Attempt(learning_rate=0.03, sequences=20480, accuracy=0.97, lower_bound=0.95,
            passed=True, stopped="passed", z=2.81),
    ]
    r = result(
        passed=True, accuracy=0.97, lower=0.95, chance=0.01, sequences=20480, stopped="passed", attempts=attempts
    )
    doc = r.to_dict()
    assert doc["total_sequences"] == 148480 and len(doc["attempts"]) == 3
    lines = report.explain(r)
    assert "  trained 3 times, 148,480 sequences in all, 0.0 s; seed 7:" in lines
    assert "    1. learning rate 0.01: accuracy 0.410 after 64,000 sequences (budget)" in lines
    assert "    3. learning rate 0.03: accuracy 0.970 after 20,480 sequences (passed)" in lines


def test_one_attempt_is_one_line():
    attempts = [Attempt(learning_rate=0.01, sequences=6144, accuracy=0.97, lower_bound=0.95, passed=True,
                        stopped="passed", z=2.58)]
    r = result(passed=True, accuracy=0.97, lower=0.95, chance=0.01, sequences=6144, stopped="passed", attempts=attempts)
    assert "  trained on 6,144 sequences in 0.0 s (passed); seed 7" in report.explain(r)


def test_junit_properties_carry_the_numbers_and_codes():
    r = result(accuracy=0.5, lower=0.45, chance=0.01, pathologies=FINDINGS[2:])
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
    from pytest_rnncheck.run_info import machine_info

    # on compare
    top_level = set(report.document(0, "tensorflow", [], machine_info("tensorflow", []), None)) | {"compare"}
    keys = set(result().to_dict()) | top_level - {"results"}
    assert keys <= documented, f"undocumented JSON keys: {keys - documented}"
    assert documented - top_level <= keys, f"documented but never written: {documented - keys - top_level}"


def test_verdict_labels_from_error_to_clean_pass():
    assert report.verdict_label(result(error="boom")) == "ERROR"
    assert report.verdict_label(result(passed=False)) == "FAIL"
    warned = result(passed=True, pathologies=FINDINGS[:1])
    assert (
        report.verdict_label(warned) == "pass (warn)" and report.verdict_label(warned, strict=True) == "FAIL (strict)"
    )
    assert report.verdict_label(result(passed=True), strict=True) == "pass"


def test_a_table_row_shows_rounded_numbers_and_what_could_not_run():
    row = report.table_row(
        result(passed=True, accuracy=0.97, lower=0.95, chance=0.01, seconds=12.34, pathologies=FINDINGS[3:]), False
    )
    assert row == {
        "test": "tests/models/test_memory_of_the_production_forecaster.py::test_remembers_sixteen",
        "probe": "lag(2)", "acc": "0.970", "need": "0.90", "chance": "0.010", "horizon": "-",
        "verdict": "pass (warn)", "findings": "constant-output", "secs": "12.3",
    }
    broken = report.table_row(result(error="no model", threshold=None), True)
    assert (broken["acc"], broken["need"], broken["verdict"], broken["findings"]) == (
        "-", "-", "ERROR", "(could not run)",
    )
    assert report.table_row(result(), False)["findings"] == "-"
    assert report.table_row(result(horizon=8), False)["horizon"] == "8/?"


def test_a_small_table_is_aligned_in_columns_two_spaces_apart():
    rows = [result(nodeid="t.py::b", passed=True, accuracy=0.99, lower=0.98, chance=0.5, seconds=1.0),
            result(nodeid="t.py::a", accuracy=0.5, lower=0.45, chance=0.5, seconds=2.5, pathologies=FINDINGS[2:])]
    assert report.table_lines(rows) == [
        "test     probe   acc    need  chance  verdict  findings                          secs",
        "-------  ------  -----  ----  ------  -------  --------------------------------  ----",
        "t.py::a  lag(2)  0.500  0.90  0.500   FAIL     missing-context, constant-output  2.5",
        "t.py::b  lag(2)  0.990  0.90  0.500   pass     -                                 1.0",
    ]


def test_a_narrow_table_wraps_findings_and_cuts_test_ids_from_the_front():
    rows = [result(nodeid="tests/" + "x" * 40 + "::test_end", pathologies=FINDINGS)]
    lines = report.table_lines(rows, width=106)
    assert max(len(line) for line in lines) <= 106
    assert lines[2].startswith("…") and lines[2].split()[0].endswith("::test_end") and len(lines) > 3
    assert "".join(lines[2:]).count("output-shape,") == 1 and "constant-output" in "".join(lines[2:])


def test_the_numbers_line_compares_the_bound_with_the_threshold():
    failed = result(accuracy=0.5, lower=0.45, chance=0.01)
    assert report.numbers(failed) == "accuracy 0.500 (lower confidence bound 0.450) < threshold 0.90; chance 0.010"
    passed = result(passed=True, accuracy=0.99, lower=0.98)
    assert report.numbers(passed) == "accuracy 0.990 (lower confidence bound 0.980) >= threshold 0.90"


def test_attempts_at_the_model_s_own_rate_and_a_pass_found_at_the_budget():
    attempts = [
        Attempt(learning_rate=None, sequences=64000, accuracy=0.41, lower_bound=0.38,
            passed=False, stopped="budget", z=2.58),
        Attempt(learning_rate=0.003, sequences=64000, accuracy=0.93, lower_bound=0.91,
            passed=True, stopped="budget", z=2.81),
    ]
    lines = report.training_lines(result(passed=True, accuracy=0.93, lower=0.91, seconds=3.21, attempts=attempts))
    assert lines == [
        "  trained 2 times, 128,000 sequences in all, 3.2 s; seed 7:",
        "    1. the model's learning rate: accuracy 0.410 after 64,000 sequences (budget)",
        "    2. learning rate 0.003: accuracy 0.930 after 64,000 sequences (budget, passed)",
    ]


def memory_result(**fields):
    profile = [
        LagResult(lag=1,
            passed=True, accuracy=0.991, lower_bound=0.972, upper_bound=None, sequences=16000, stopped="passed"),
        LagResult(lag=4,
            passed=True, accuracy=0.95, lower_bound=0.931, upper_bound=None, sequences=16000, stopped="passed"),
        LagResult(lag=8,
            passed=False, accuracy=None, lower_bound=None, upper_bound=None, sequences=16000, stopped="budget"),
    ]
    base = dict(probe="memory(max_lag=8, min_horizon=4)", passed=True, horizon=4, receptive_field=12, sequences=48000,
                seconds=61.25, profile=profile, stopped="passed", chance=0.01)
    return result(**{**base, **fields})


def test_a_memory_profile_lists_every_lag_tried():
    assert report.profile_lines(memory_result()) == [
        "  horizon 4 (needed: 4): the largest lag that passed; receptive field 12; 48,000 sequences in 61.2 s",
        "    lag(1): pass, accuracy 0.991 (bound 0.972)",
        "    lag(4): pass, accuracy 0.950 (bound 0.931)",
        "    lag(8): fail, accuracy - (bound -)",
    ]
    plain = report.profile_lines(memory_result(probe="memory(max_lag=8)", receptive_field=None, profile=[]))
    assert plain == [
        "  horizon 4: the largest lag that passed; receptive field not measured; 48,000 sequences in 61.2 s"
    ]


def test_a_failure_message_in_full():
    r = result(model="build_model", accuracy=0.5, lower=0.45, chance=0.01, sequences=64000, seconds=9.87,
               stopped="budget", pathologies=FINDINGS[2:3], notes=["fitted to the output head"],
               reproduce="pytest t.py --rnncheck-seed=7")
    assert report.explain(r) == [
        "rnncheck: lag(2) FAIL for build_model",
        "  accuracy 0.500 (lower confidence bound 0.450) < threshold 0.90; chance 0.010",
        "  trained on 64,000 sequences in 9.9 s (budget); seed 7",
        "  findings, most likely cause first:",
        "  - [error] missing-context: m",
        "      fix: f",
        "  note: fitted to the output head",
        "  reproduce: pytest t.py --rnncheck-seed=7",
    ]


def test_an_error_message_names_only_what_is_known():
    r = result(model="-", probe="-", error="no probe named", notes=["not shown"], reproduce="pytest t.py")
    assert report.explain(r) == ["rnncheck: ERROR", "  no probe named", "  reproduce: pytest t.py"]
    static = result(stopped="static", pathologies=FINDINGS[2:3], receptive_field=8)
    assert report.explain(static)[1] == "  not trained: proven impossible from the configuration and the measured reach"


def test_a_memory_probe_explains_its_profile_instead_of_one_accuracy():
    lines = report.explain(memory_result())
    assert lines[0] == "rnncheck: memory(max_lag=8, min_horizon=4) PASS for build"
    assert lines[1].startswith("  horizon 4 (needed: 4)") and len(lines) == 5


def test_details_list_every_probe_that_did_not_pass_cleanly_in_order():
    clean = result(nodeid="t.py::a", passed=True)
    warned = result(nodeid="t.py::c", passed=True, accuracy=0.99, lower=0.98, pathologies=FINDINGS[3:])
    failed = result(nodeid="t.py::b", accuracy=0.5, lower=0.4, chance=0.1)
    lines = report.details_lines([warned, clean, failed])
    assert lines[:3] == ["", "t.py::b", "rnncheck: lag(2) FAIL for build"]
    assert lines.count("") == 2 and "t.py::c" in lines and "t.py::a" not in lines
    assert lines[lines.index("t.py::c") + 1] == "rnncheck: lag(2) PASS for build"
    assert report.details_lines([clean]) == []


def test_the_json_document_is_versioned_sorted_and_written_where_asked(tmp_path):
    import json

    import numpy as np

    a = result(nodeid="t.py::b", probe="lag(1)").to_dict()
    b = result(nodeid="t.py::a", probe="lag(2)").to_dict()
    c = result(nodeid="t.py::a", probe="echo()").to_dict()
    doc = report.document(3, "tensorflow", [a, b, c])
    assert doc == {"version": 1, "seed": 3, "backend": "tensorflow", "results": [c, b, a]}
    path = tmp_path / "deep" / "er" / "report.json"
    a["accuracy"] = np.float32(0.5)  # numpy scalars become plain numbers
    a["reproduce"] = tmp_path  # anything else becomes its text
    report.write_json(str(path), 3, "jax", [a])
    text = path.read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "version": 1,')
    written = json.loads(text)
    assert written["backend"] == "jax" and written["seed"] == 3
    assert written["results"][0]["accuracy"] == 0.5 and written["results"][0]["reproduce"] == str(tmp_path)
    report.write_json(tmp_path / "flat.json", 1, "torch", [])
    assert json.loads((tmp_path / "flat.json").read_text())["results"] == []


def test_junit_properties_in_full():
    r = result(accuracy=0.98765, lower=0.9, chance=None, passed=True)
    assert report.junit_properties(r) == [
        ("rnncheck.lag(2).accuracy", "0.9877"),
        ("rnncheck.lag(2).threshold", 0.9),
        ("rnncheck.lag(2).chance", "-"),
        ("rnncheck.lag(2).verdict", "pass"),
        ("rnncheck.lag(2).pathologies", ""),
        ("rnncheck.lag(2).seed", 7),
        ("rnncheck.lag(2).run_profile", "ci"),
    ]


def test_the_table_is_strict_only_when_asked():
    rows = [result(passed=True, accuracy=0.99, lower=0.98, pathologies=FINDINGS[3:])]
    assert "pass (warn)" in report.table_lines(rows)[2]
    assert "FAIL (strict)" in report.table_lines(rows, strict=True)[2]


def test_a_table_one_column_too_wide_gives_way_by_exactly_one_column():
    rows = [result(pathologies=FINDINGS)]
    natural = len(report.table_lines(rows, width=1000)[1])
    for width in (natural - 1, natural - 7):
        lines = report.table_lines(rows, width=width)
        assert len(lines[1]) == width  # the dashes fill the width exactly
    cut = report.table_lines([result(nodeid="tests/" + "x" * 60 + "::test_end")], width=106)
    assert len(cut[2].split("  ")[0]) == len(cut[1].split("  ")[0])  # the cut id fills its column


def test_findings_wrap_between_codes_never_inside_one():
    from pytest_rnncheck.diagnosis import WARNING

    findings = [Pathology("dropout", ERROR, "m", "f"), Pathology("masking-collision", WARNING, "m", "f")]
    lines = report.table_lines([result(nodeid="t" * 60, probe="p" * 60, pathologies=findings)], width=106)
    assert any("masking-collision" in line for line in lines)


def test_results_read_back_without_optional_keys_still_explain():
    document = memory_result().to_dict()
    del document["profile"], document["notes"]
    r = ProbeResult.from_dict(document)
    assert len(report.profile_lines(r)) == 1
    assert report.explain(r)[-1].startswith("  horizon 4")


def test_junit_chance_has_four_decimals():
    props = dict(report.junit_properties(result(accuracy=0.5, lower=0.4, chance=0.012345)))
    assert props["rnncheck.lag(2).chance"] == "0.0123"


def full_document_result():
    """A result as the JSON document holds it, with every field filled: seeds, a profile, an extrapolation."""
    curve = [{"sequences": 2048, "accuracy": 0.5, "loss": 1.2}, {"sequences": 4096, "accuracy": 0.97, "loss": 0.1}]
    return {
        "nodeid": "t.py::test_m", "model": "build", "probe": "lag(2, seeds=2, extrapolate=2)", "passed": False,
        "verdict": "fail", "accuracy": 0.4512, "lower_bound": 0.4301, "upper_bound": 0.4733, "threshold": 0.9,
        "chance": 0.0123, "sequences": 12288, "total_sequences": 12288,
        "attempts": [
            {"learning_rate": 0.02, "sequences": 4096, "accuracy": 0.97, "lower_bound": 0.95, "passed": True,
             "stopped": "passed", "z": 2.5758, "seed": 7},
            {"learning_rate": None, "sequences": 8192, "accuracy": 0.4512, "lower_bound": 0.4301, "passed": False,
             "stopped": "plateau", "z": 2.8070, "seed": 104736},
        ],
        "seconds": 12.345, "peak_memory_mb": 812.5, "peak_memory_scope": "probe", "seed": 7, "run_profile": "thorough",
        "device": "cpu:0", "stopped": "seeds", "receptive_field": 9, "horizon": 2, "horizon_upper": 4,
        "profile": [{"lag": 2, "accuracy": 0.97, "lower_bound": 0.95, "upper_bound": 0.99, "passed": True,
                     "sequences": 4096, "stopped": "passed", "pathologies": [], "budget": None, "curve": curve},
                    {"lag": 4, "accuracy": 0.3, "lower_bound": 0.28, "upper_bound": 0.32, "passed": False,
                     "sequences": 8192, "stopped": "budget", "pathologies": ["undertrained"], "budget": 9000,
                     "curve": []}],
        "curve": curve,
        "layers": [{"name": "lstm", "kind": "LSTM", "trainable": True, "weights": 1234, "update_ratio": 0.01}],
        "pathologies": [
            {"code": "fragile", "severity": "error", "message": "passed 1/2 seeds", "fix": "a larger model"},
        ],
        "notes": ["seed 104736: a note"], "error": None, "reproduce": "pytest --rnncheck 't.py::test_m'",
        "extrapolation": {"timesteps": 16, "trained_timesteps": 8, "judged_timesteps": 16, "passed": False,
                          "accuracy": 0.4512, "lower_bound": 0.4301, "accuracy_at_trained": 0.97,
                          "lower_bound_at_trained": 0.95, "passed_at_trained": True,
                          "buckets": [{"steps": [1, 8], "accuracy": 0.97}, {"steps": [9, 16], "accuracy": 0.2}],
                          "breaks_at": [9, 16], "error": None},
        "seeds": [
            {"index": 0, "seed": 7, "passed": True, "verdict": "pass", "accuracy": 0.97, "lower_bound": 0.95,
             "sequences": 4096, "stopped": "passed", "attempts": 1, "learning_rate": 0.02, "rates_tried": [0.02],
             "passing_attempt": 0, "horizon": None, "seconds": 4.1, "findings": [], "error": None},
            {"index": 1, "seed": 104736, "passed": False, "verdict": "fail", "accuracy": 0.4512, "lower_bound": 0.4301,
             "sequences": 8192, "stopped": "plateau", "attempts": 1, "learning_rate": None, "rates_tried": [None],
             "passing_attempt": None, "horizon": None, "seconds": 8.2, "findings": ["undertrained"], "error": None},
        ],
        "passes": 1, "passes_needed": 2, "pass_probability": [0.0126, 0.9874],
    }


def test_a_result_reads_back_from_its_document_exactly():
    import json

    from pytest_rnncheck.records import Extrapolation, SeedRun

    document = full_document_result()
    r = ProbeResult.from_dict(document)
    assert json.dumps(r.to_dict()) == json.dumps(document)  # the same keys, in the same order, the same values
    assert isinstance(r.attempts[1], Attempt) and r.attempts[1].seed == 104736 and r.attempts[1].learning_rate is None
    assert isinstance(r.profile[1], LagResult) and r.profile[1].pathologies == ("undertrained",)
    assert r.profile[1].budget == 9000
    assert isinstance(r.seed_runs[1], SeedRun) and r.passes == 1 and r.pass_probability == (0.0126, 0.9874)
    assert isinstance(r.extrapolation, Extrapolation) and r.extrapolation.breaks_at == [9, 16]
    assert r.pathologies[0] == Pathology("fragile", "error", "passed 1/2 seeds", "a larger model")
    assert r.verdict == "fail" and r.total_sequences == 12288 and r.curve[1]["accuracy"] == 0.97
    # a dict from the edge reads as its result
    assert report.explain(r) == report.explain(ProbeResult.from_dict(document))
    empty = ProbeResult("m", "lag(2)", 0, 0.9).to_dict()
    assert ProbeResult.from_dict(empty).to_dict() == empty


def test_a_document_holds_built_in_types_only_so_xdist_can_ship_it():
    """execnet (xdist's serializer) refuses anything but the built-in types: an enum member such as
    ``Stopped.PLATEAU`` or ``Code.UNDERTRAINED`` left in a report's dict broke every ``-n 2`` run."""
    from pytest_rnncheck.diagnosis import Code, Severity
    from pytest_rnncheck.stopping import Stopped

    r = ProbeResult.from_dict(full_document_result())
    typed = dataclasses.replace(
        r,
        stopped=Stopped.SEEDS,
        attempts=[dataclasses.replace(a, stopped=Stopped.PLATEAU) for a in r.attempts],
        profile=[dataclasses.replace(p, stopped=Stopped.BUDGET, pathologies=(Code.UNDERTRAINED,)) for p in r.profile],
        seed_runs=[dataclasses.replace(s, stopped=Stopped.PASSED, findings=(Code.FRAGILE,)) for s in r.seed_runs],
        pathologies=[Pathology(Code.FRAGILE, Severity.ERROR, "passed 1/2 seeds", "a larger model")],
    )

    def kinds(value):
        if isinstance(value, dict):
            return {type(k) for k in value} | {t for v in value.values() for t in kinds(v)}
        if isinstance(value, list):
            return {list} | {t for v in value for t in kinds(v)}
        return {type(value)}

    assert kinds(typed.to_dict()) <= {dict, list, str, int, float, bool, type(None)}
    assert typed.to_dict()["stopped"] == "seeds" and typed.to_dict()["profile"][0]["pathologies"] == ["undertrained"]


def test_the_reports_show_a_result_with_its_numbers_rounded_as_the_document_holds_them():
    raw = result(passed=True, accuracy=0.99949999, lower=0.98765432, chance=0.01, sequences=4096, stopped="passed",
                 seconds=1.04999)
    read_back = ProbeResult.from_dict(raw.to_dict())
    assert report.explain(raw) == report.explain(read_back)
    assert raw.message() == "\n".join(report.explain(read_back))
    assert report.table_lines([raw]) == report.table_lines([read_back])
