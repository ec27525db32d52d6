"""seeds=k (issue #26): the seeds, the rule, the interval, the fragile finding and how the
reports show k trainings. Pure: no training."""

import math

import pytest

from pytest_rnncheck import report
from pytest_rnncheck.diagnosis.fragile import diagnose_fragile, rescue_rates
from pytest_rnncheck.records import Attempt, RescueControl, SeedRun
from pytest_rnncheck.result import ProbeResult
from pytest_rnncheck.seeds import clopper_pearson, false_pass_bound, required, run_summary, seed_of, weakest
from pytest_rnncheck.spec import ProbeSpecError, make_spec, parse_expression


def run(index, passed, accuracy, sequences, rates=(0.02,), passing_attempt=None, stopped=None):
    return SeedRun(
        index=index, seed=100 + index, passed=passed, verdict="pass" if passed else "fail",
        accuracy=accuracy, lower_bound=accuracy - 0.03, sequences=sequences,
        stopped=stopped or ("passed" if passed else "plateau"), attempts=len(rates),
        learning_rate=rates[passing_attempt or 0] if passed else rates[-1], rates_tried=tuple(rates),
        passing_attempt=(passing_attempt or 0) if passed else None, horizon=None, seconds=1.0,
        findings=(), error=None,
    )


def test_the_first_seed_is_the_probes_own_and_the_rest_are_distinct():
    assert seed_of(12345, 0) == 12345
    assert len({seed_of(12345, i) for i in range(100)}) == 100
    assert all(0 <= seed_of(2**31 - 1, i) < 2**31 for i in range(10))


def test_the_rule_needs_every_seed_by_default_and_rounds_a_rate_up():
    assert required(5, 1.0) == 5 and required(5, 0.8) == 4 and required(5, 0.7) == 4 and required(3, 0.01) == 1


def test_clopper_pearson_matches_the_exact_values():
    low, high = clopper_pearson(5, 5)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / 5), abs=1e-6)  # 0.478
    assert clopper_pearson(0, 5) == (0.0, pytest.approx(1 - 0.025 ** (1 / 5), abs=1e-6))
    low, high = clopper_pearson(2, 8)
    assert low == pytest.approx(0.0319, abs=2e-4) and high == pytest.approx(0.6509, abs=2e-4)


def test_the_false_pass_bound_of_a_rule_and_the_rules_it_refuses():
    assert false_pass_bound(5, 1.0) == pytest.approx(0.01**5)
    assert false_pass_bound(5, 0.8) == pytest.approx(5 * 0.01**4)
    assert false_pass_bound(2, 0.5) == pytest.approx(0.02) and false_pass_bound(2, 0.5) > 0.01  # 1 of 2: refused
    assert false_pass_bound(14, 2 / 14) < 0.01 < false_pass_bound(15, 2 / 15)


def test_seeds_and_min_pass_rate_are_probe_options_that_keep_the_probes_name_for_one_seed():
    spec = parse_expression("lag(2, seeds=5, min_pass_rate=0.8)")
    assert spec.trainings == 5 and spec.name == "lag(2, seeds=5, min_pass_rate=0.8)"
    assert spec.one_seed() == make_spec("lag", 2) and make_spec("lag", 2).trainings == 1
    assert (
        make_spec("echo", seeds=3).one_seed() == make_spec("echo") and make_spec("flipflop").replace(seeds=2).seeds == 2
    )
    for bad in (
        "lag(2, seeds=0)", "lag(2, seeds=2.5)", "lag(2, seeds=3, min_pass_rate=0)", "lag(2, min_pass_rate=1.5)"
    ):
        with pytest.raises(ProbeSpecError):
            parse_expression(bad)


def test_the_weakest_training_is_the_failing_one_with_the_lowest_accuracy():
    runs = [run(0, True, 0.99, 8192), run(1, False, 0.45, 49152), run(2, False, 0.30, 40960)]
    assert weakest(runs) == 2
    assert weakest([run(0, True, 0.99, 1), run(1, True, 0.95, 1)]) == 1


def test_a_run_summary_reads_the_decisive_attempt():
    r = ProbeResult(model="m", probe="lag(2)", seed=77, threshold=0.9, passed=True, accuracy=0.97, lower=0.95,
                    sequences=12288, stopped="passed", seconds=2.0)
    r.attempts = [Attempt(0.02, 8192, 0.5, 0.45, False, "plateau"), Attempt(0.06, 12288, 0.97, 0.95, True, "passed")]
    summary = run_summary(1, 77, r)
    assert (summary.seed, summary.learning_rate, summary.passing_attempt, summary.sequences) == (77, 0.06, 1, 20480)
    assert summary.rates_tried == (0.02, 0.06) and summary.to_dict()["rates_tried"] == [0.02, 0.06]


def test_fragile_names_the_seeds_how_they_differ_and_no_fix_without_a_control():
    runs = [run(0, True, 0.97, 12288), run(1, False, 0.45, 49152, rates=(0.02, 0.006, 0.06)), run(2, True, 0.96, 24576)]
    [found] = diagnose_fragile(runs, passed=False)
    assert found.code == "fragile" and found.severity == "error"
    assert "passed 2/3 seeds (pass probability 0.09-0.99" in found.message
    assert "seed(s) 100, 102 passed after 12,288-24,576 sequences at learning rate 0.02" in found.message
    assert ("seed 101: accuracy 0.450 (lower bound 0.420) (stalled after 49,152 sequences, "
            "rates tried 0.02, 0.006, 0.06)"
            in found.message)
    assert found.fix.startswith("no control run showed a fix")
    assert diagnose_fragile(runs, passed=True)[0].severity == "warning"  # passed under a min_pass_rate
    assert diagnose_fragile([run(0, True, 0.97, 1)] * 2, passed=True) == []
    assert diagnose_fragile([run(0, False, 0.4, 1)] * 2, passed=False) == []


def test_a_rate_that_rescued_some_seeds_is_the_fix_only_when_its_control_passes_the_rest():
    runs = [run(0, True, 0.97, 30000, rates=(0.02, 0.06), passing_attempt=1), run(1, False, 0.45, 49152, rates=(0.02,))]
    assert rescue_rates(runs) == [0.06]
    [fixed] = diagnose_fragile(runs, False, RescueControl(0.06, (True,), (0.95,)))
    assert fixed.fix.startswith("compile with learning rate 0.06") and "passed 1 of 1" in fixed.message
    [unfixed] = diagnose_fragile(runs, False, RescueControl(0.06, (False,), (0.4,)))
    assert unfixed.fix.startswith("no control run showed a fix") and "passed 0 of 1" in unfixed.message
    assert rescue_rates([run(0, True, 0.97, 1), run(1, False, 0.4, 1)]) == []  # passed at its first rate


def test_a_rescuing_rate_every_failing_seed_already_tried_runs_no_control_and_says_so():
    from pytest_rnncheck.diagnosis.fragile import untried_rescue

    rescued = run(0, True, 0.97, 30000, rates=(0.02, 0.06), passing_attempt=1)
    untried = [rescued, run(1, False, 0.45, 49152, rates=(0.02,))]
    assert untried_rescue(untried) == 0.06
    tried = [rescued, run(1, False, 0.45, 49152, rates=(0.02, 0.006, 0.06))]
    assert untried_rescue(tried) is None
    [found] = diagnose_fragile(tried, passed=False)
    assert "learning rate 0.06 rescued other seeds but not seed(s) 101, which tried it as a remedy" in found.message
    assert found.fix.startswith("no control run showed a fix")


def seeded_result(passes, k=3):
    r = ProbeResult(model="m", probe="lag(2, seeds=3)", seed=100, threshold=0.9, accuracy=0.45, lower=0.42, chance=0.01,
                    passed=passes == k, sequences=90000, stopped="seeds")
    r.seed_runs = [run(i, i < passes, 0.97 if i < passes else 0.45, 30000) for i in range(k)]
    r.passes_needed = k
    return r


def test_the_reports_show_the_passes_and_each_seed():
    r = seeded_result(2)
    d = r.to_dict()
    assert d["passes"] == 2 and d["passes_needed"] == 3 and len(d["seeds"]) == 3
    assert d["pass_probability"] == [round(x, 4) for x in clopper_pearson(2, 3)]
    assert report.table_row(r, False)["verdict"] == "FAIL 2/3"
    text = "\n".join(report.explain(r))
    assert "passed 2 of 3 seeds (every one needed); pass probability 0.09-0.99" in text
    assert (
        "    seed 102: fail, accuracy 0.450 (bound 0.420) after 30,000 sequences (plateau, 1 attempt(s), "
        "learning rate 0.02)"
    ) in text
    assert ("rnncheck.lag(2, seeds=3).passes", "2/3") in report.junit_properties(r)
    assert "passed 2/3 seeds" in report.outcome_line(r)
    plain = ProbeResult(model="m", probe="lag(2)", seed=0, threshold=0.9)
    single = plain.to_dict()
    assert single["seeds"] == [] and single["passes"] is None and report.passes_mark(plain) == ""
    assert math.isclose(d["pass_probability"][1], 0.9916, abs_tol=1e-4)


def test_the_html_report_has_a_row_per_seed():
    pytest.importorskip("matplotlib")
    from pytest_rnncheck import html_report

    d = dict(seeded_result(2).to_dict(), nodeid="t.py::test", curve=[])
    page = html_report.page({"version": 1, "seed": 0, "backend": "tensorflow", "results": [d]})
    assert (
        "FAIL</span> 2/3" in page
        and "passed 2 of 3 seeds (3 needed)" in page
        and page.count('<td class="num">10') >= 3
    )


def test_the_html_curve_names_the_seed_the_numbers_come_from_even_when_accuracies_tie():
    """Two trainings at 0.412 to three digits: the curve is the weakest one's (seeds.weakest), the
    failing seed, not the first seed that happens to print the same accuracy."""
    from pytest_rnncheck.html_report import decisive_attempt

    runs = [
        SeedRun(0, 11, True, "pass", 0.4121, 0.40, 4096, "passed", 1, 0.02),
        SeedRun(1, 22, False, "fail", 0.4124, 0.39, 8192, "plateau", 1, 0.02),
    ]
    r = ProbeResult("m", "lag(2, seeds=2)", 0, 0.4, accuracy=0.4124, lower=0.39, seed_runs=runs, passes_needed=2)
    assert weakest(runs) == 1
    assert decisive_attempt(r) == " (seed 22, the weakest of 2)"
