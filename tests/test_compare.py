"""This run against a saved one: rules, and which changes are regressions beyond the seed's noise."""

import pytest

from pytest_rnncheck.compare import SEQUENCES_NOISE, SEQUENCES_QUANTUM, Rule, compare, parse_rules, summary_lines
from pytest_rnncheck.errors import RnnCheckError
from pytest_rnncheck.result import ProbeResult


def probe(**fields):
    base = {
        "nodeid": "t.py::test_m", "probe": "lag(2)", "verdict": "pass", "passed": True, "stopped": "passed",
        "accuracy": 0.95, "lower_bound": 0.93, "upper_bound": 0.965, "sequences": 20480, "horizon": None, "profile": [],
    }
    return {**base, **fields}


def typed(documents):
    """The hand-made documents as results, read at the edge as a saved run is."""
    return [ProbeResult.from_dict(d) for d in documents]


def one(old, new, rules):
    changes = compare(typed([old]), typed([new]), parse_rules(rules) if rules else [])
    return changes[0] if changes else None


def test_rules_parse_fields_amounts_and_units():
    assert parse_rules("horizon:1,sequences:2x, accuracy:0.05,horizon:50%") == [
        Rule("horizon", 1.0, ""), Rule("sequences", 2.0, "x"), Rule("accuracy", 0.05, ""), Rule("horizon", 50.0, "%"),
    ]
    assert [r.text for r in parse_rules("sequences:1.5x,accuracy:5%")] == ["sequences:1.5x", "accuracy:5%"]


@pytest.mark.parametrize("text", ["horizon", "speed:2", "horizon:x", "horizon:2x", "sequences:1x", "sequences:0.5x",
                                  "accuracy:0", "horizon:-1", ""])
def test_a_bad_rule_names_the_part_and_the_form(text):
    with pytest.raises(RnnCheckError, match="rnncheck-compare-fail"):
        parse_rules(text)


def test_identical_probes_are_not_listed():
    assert compare(typed([probe()]), typed([probe()]), parse_rules("accuracy:0.01,sequences:1.1x")) == []


def test_a_horizon_drop_past_the_rule_is_a_regression_and_a_smaller_one_is_not():
    old = probe(probe="memory(max_lag=16)", horizon=16, stopped="profile")
    change = one(old, probe(probe="memory(max_lag=16)", horizon=8, stopped="profile"), "horizon:1")
    assert change.regressions == ["horizon -8 (horizon:1)"]
    assert "horizon 16 -> 8 (-8)  REGRESSION (horizon:1)" in change.lines
    assert one(old, probe(probe="memory(max_lag=16)", horizon=12, stopped="profile"), "horizon:5").regressions == []
    assert one(old, probe(probe="memory(max_lag=16)", horizon=11, stopped="profile"), "horizon:5").regressions != []
    assert one(old, probe(probe="memory(max_lag=16)", horizon=8, stopped="profile"), "horizon:50%").regressions != []
    assert one(old, probe(probe="memory(max_lag=16)", horizon=9, stopped="profile"), "horizon:50%").regressions == []
    grown = one(old, probe(probe="memory(max_lag=16)", horizon=20, stopped="profile"), "horizon:1")
    assert grown.regressions == [] and grown.lines == ["horizon 16 -> 20 (+4)"]


def test_a_horizon_cut_short_by_the_profile_budget_is_undecided_not_a_regression():
    old = probe(probe="memory(max_lag=16)", horizon=16, stopped="profile")
    profile = [{"lag": 16, "passed": False, "stopped": "budget", "budget": None},
               {"lag": 8, "passed": True}, {"lag": 12, "passed": False, "stopped": "budget", "budget": 30000}]
    change = one(old, probe(probe="memory(max_lag=16)", horizon=8, stopped="profile", profile=profile), "horizon:1")
    assert change.regressions == []
    assert "undecided: lag(12)" in change.lines[0]
    profile[2]["stopped"] = "plateau"  # a real failure within its budget
    assert one(old, probe(probe="memory(max_lag=16)", horizon=8, profile=profile), "horizon:1").regressions != []


def test_a_horizon_left_as_a_bound_by_untrained_lags_is_undecided_unless_even_its_upper_end_regresses():
    old = probe(probe="memory(max_lag=16)", horizon=8, stopped="profile")
    profile = [{"lag": 16, "passed": False, "stopped": "plateau", "budget": None},
               {"lag": 8, "passed": False, "stopped": "plateau", "budget": None}]
    bound = probe(probe="memory(max_lag=16)", horizon=0, horizon_upper=7, stopped="profile", profile=profile)
    change = one(old, bound, "horizon:2")
    assert change.regressions == []
    assert change.lines == [
        "horizon 8 -> 0 (-8)  undecided: the profile's budget ran out with lags up to 7 untrained (horizon 0 to 7)"
    ]
    assert one(old, bound, "horizon:1").regressions == ["horizon -8 (horizon:1)"]  # even 7 is a drop of 1
    settled = dict(bound, horizon_upper=0)
    assert one(old, settled, "horizon:2").regressions == ["horizon -8 (horizon:2)"]


def test_sequences_regress_only_past_the_rule_the_seed_spread_and_two_looks_with_both_passing():
    old = probe(sequences=20480)
    assert one(old, probe(sequences=40960), "sequences:2x").regressions == ["sequences 2.00x (sequences:2x)"]
    assert one(old, probe(sequences=40959), "sequences:2x").regressions == []
    noisy = one(old, probe(sequences=30720), "sequences:1.2x")  # 1.5x: past the rule, inside the seed spread
    assert noisy.regressions == [] and "within noise" in noisy.lines[0]
    assert one(old, probe(sequences=int(20480 * SEQUENCES_NOISE) + 1), "sequences:1.2x").regressions != []
    small = probe(sequences=2048)  # 2.5x, but only one and a half looks more
    assert one(small, probe(sequences=2048 + SEQUENCES_QUANTUM), "sequences:2x").regressions == []
    assert one(small, probe(sequences=2048 + SEQUENCES_QUANTUM + 1), "sequences:2x").regressions != []
    failed = one(old, probe(sequences=64000, stopped="plateau", verdict="fail", passed=False), "sequences:2x")
    assert "not compared" in failed.lines[1] and failed.regressions == ["passed before, now fail"]


def test_a_memory_profile_compares_sequences_only_at_the_same_horizon():
    old = probe(probe="memory(max_lag=16)", stopped="profile", horizon=16, sequences=40960)
    slower = one(
        old, probe(probe="memory(max_lag=16)", stopped="profile", horizon=16, sequences=218112), "sequences:2x"
    )
    assert slower.regressions == ["sequences 5.33x (sequences:2x)"]
    other = one(old, probe(probe="memory(max_lag=16)", stopped="profile", horizon=8, sequences=218112), "sequences:2x")
    assert other.regressions == [] and "not compared" in other.lines[0]


def test_sequences_as_a_share_or_an_absolute_increase():
    old = probe(sequences=20480)
    assert one(old, probe(sequences=40960), "sequences:100%").regressions != []
    assert one(old, probe(sequences=40960), "sequences:20481").regressions == []
    assert one(old, probe(sequences=40960), "sequences:20480").regressions != []


def test_an_accuracy_drop_counts_only_when_the_bounds_no_longer_overlap():
    old = probe(accuracy=0.97, lower_bound=0.955, upper_bound=0.98)
    overlapping = one(old, probe(accuracy=0.95, lower_bound=0.93, upper_bound=0.965), "accuracy:0.01")
    assert overlapping.regressions == [] and "within noise" in overlapping.lines[0]
    apart = one(old, probe(accuracy=0.93, lower_bound=0.91, upper_bound=0.95), "accuracy:0.01")
    assert apart.regressions == ["accuracy -0.040 (accuracy:0.01)"]
    assert one(old, probe(accuracy=0.93, lower_bound=0.91, upper_bound=0.95), "accuracy:0.05").regressions == []
    assert one(old, probe(accuracy=0.93, lower_bound=0.91, upper_bound=0.955), "accuracy:0.01").regressions == []
    better = one(old, probe(accuracy=0.99, lower_bound=0.98, upper_bound=0.995), "accuracy:0.01")
    assert better.regressions == [] and better.lines == ["accuracy 0.970 -> 0.990 (+0.020)"]


def test_changes_are_shown_without_rules_and_a_newly_failing_probe_is_always_a_regression():
    change = one(probe(), probe(verdict="fail", passed=False, stopped="plateau", accuracy=0.5, upper_bound=0.6), "")
    assert change.lines[0] == "verdict pass -> fail"
    assert change.regressions == ["passed before, now fail"]
    fixed = one(probe(verdict="fail", passed=False), probe(), "")
    assert fixed.lines[0] == "verdict fail -> pass" and fixed.regressions == []


def test_probes_in_one_run_only_are_listed_and_matched_by_test_and_probe():
    old = [probe(), probe(probe="echo()")]
    new = [probe(), probe(probe="lag(3)")]
    changes = {c.probe: c.lines for c in compare(typed(old), typed(new), [])}
    assert changes == {"echo()": ["not run this time"], "lag(3)": ["new probe: not in the saved run"]}


def test_the_summary_names_the_baseline_the_seeds_and_the_counts():
    change = one(probe(horizon=4, probe="memory(max_lag=6)"), probe(horizon=1, probe="memory(max_lag=6)"), "horizon:1")
    lines = summary_lines([change], ".rnncheck/0001_base.json", {"at": "2026-11-27T12:00:00+00:00"}, (0, 0), 3)
    assert lines[0] == (
        "compared with .rnncheck/0001_base.json (saved 2026-11-27T12:00:00+00:00, seed 0; this run seed 0)"
    )
    assert lines[1] == "t.py::test_m memory(max_lag=6)"
    assert lines[2] == "    horizon 4 -> 1 (-3)  REGRESSION (horizon:1)"
    assert lines[-1] == "1 probe(s) changed, 3 unchanged, 1 regression(s)"
    differ = summary_lines([], "x.json", {}, (0, 7), 1)
    assert "the seeds differ" in differ[1] and differ[-1] == "0 probe(s) changed, 1 unchanged, 0 regression(s)"


def test_the_lines_read_in_full_and_every_rule_hit_is_named():
    old = probe(accuracy=0.97, lower_bound=0.955, upper_bound=0.98)
    noisy = one(old, probe(accuracy=0.95, lower_bound=0.93, upper_bound=0.965), "accuracy:0.01")
    assert noisy.lines == [
        "accuracy 0.970 -> 0.950 (-0.020)  within noise: new upper bound 0.965 >= old lower bound 0.955"
    ]
    both = one(old, probe(accuracy=0.93, lower_bound=0.91, upper_bound=0.95), "accuracy:0.01,accuracy:1%")
    assert both.regressions == ["accuracy -0.040 (accuracy:0.01, accuracy:1%)"]
    slower = one(probe(sequences=20480), probe(sequences=40960), "sequences:2x,sequences:50%")
    assert slower.regressions == ["sequences 2.00x (sequences:2x, sequences:50%)"]
    assert slower.lines == ["sequences 20,480 -> 40,960 (2.00x)  REGRESSION (sequences:2x, sequences:50%)"]


def test_a_share_rule_is_a_share_of_the_old_value_exactly():
    old = probe(accuracy=1.0, lower_bound=0.99, upper_bound=1.0)
    assert one(old, probe(accuracy=0.9504, lower_bound=0.94, upper_bound=0.96), "accuracy:5%").regressions == []
    assert one(old, probe(accuracy=0.95, lower_bound=0.94, upper_bound=0.96), "accuracy:5%").regressions != []


def test_the_seed_spread_is_reached_at_its_value():
    assert one(probe(sequences=20480), probe(sequences=32768), "sequences:1.2x").regressions != []  # 1.6x exactly


def test_missing_numbers_are_skipped_not_compared():
    assert compare(typed([probe(accuracy=None)]), typed([probe()]), parse_rules("accuracy:0.01")) == []
    none = typed([probe(accuracy=None, upper_bound=None)])
    assert compare(typed([probe()]), none, parse_rules("accuracy:0.01")) == []
    gone = one(probe(probe="memory(max_lag=4)", horizon=4), probe(probe="memory(max_lag=4)", horizon=None), "horizon:1")
    assert gone is None
    nothing = one(probe(sequences=20480), probe(sequences=0, stopped="static", verdict="pass"), "sequences:2x")
    assert nothing.lines == ["sequences 20,480 -> 0 (0.00x)"]


def test_only_a_failing_lag_above_the_new_horizon_can_make_it_undecided():
    old = probe(probe="memory(max_lag=16)", horizon=16, stopped="profile")
    cut = {"passed": False, "stopped": "budget", "budget": 9000}
    below = [{"lag": 4, **cut}, {"lag": 8, "passed": True}, {"lag": 12, "passed": False, "stopped": "plateau"}]
    assert one(old, probe(probe="memory(max_lag=16)", horizon=8, profile=below), "horizon:1").regressions != []
    at = [{"lag": 8, **cut}, {"lag": 12, "passed": False, "stopped": "plateau"}]
    assert one(old, probe(probe="memory(max_lag=16)", horizon=8, profile=at), "horizon:1").regressions != []
    above = [{"lag": 8, "passed": True}, {"lag": 12, **cut}]
    change = one(old, probe(probe="memory(max_lag=16)", horizon=8, profile=above), "horizon:1")
    assert change.lines == [
        "horizon 16 -> 8 (-8)  undecided: lag(12) stopped at the profile's shared budget (horizon at least 8)"
    ]


def test_probes_without_a_test_id_are_matched_by_model():
    old = probe(nodeid="", model="rnncheck::m")
    new = probe(nodeid="", model="rnncheck::m", verdict="fail", passed=False)
    [change] = compare(typed([old]), typed([new]), [])
    assert change.title == "rnncheck::m lag(2)"
    a, b = typed([probe(nodeid="", model="a")]), typed([probe(nodeid="", model="b")])
    assert compare(a, b, [])[0].title == "a lag(2)"


def test_a_bad_rule_lists_the_fields_and_the_seeds_line_reads_in_full():
    with pytest.raises(RnnCheckError, match="FIELD one of horizon, sequences, accuracy"):
        parse_rules("speed:2")
    lines = summary_lines([], "x.json", {}, (0, 7), 1)
    assert lines[0] == "compared with x.json (saved ?, seed 0; this run seed 7)"
    assert lines[1] == (
        "  the seeds differ: differences include the seed's noise (replay with --rnncheck-seed to compare like "
        "for like)"
    )


def test_every_verdict_on_a_change_reads_in_full_in_its_line():
    old = probe(accuracy=0.97, lower_bound=0.955, upper_bound=0.98)
    both = one(old, probe(accuracy=0.93, lower_bound=0.91, upper_bound=0.95), "accuracy:0.01,accuracy:1%")
    assert both.lines == ["accuracy 0.970 -> 0.930 (-0.040)  REGRESSION (accuracy:0.01, accuracy:1%)"]
    failed = probe(sequences=61440, stopped="plateau", verdict="fail", passed=False)
    failing = one(probe(sequences=20480), failed, "sequences:2x")
    assert failing.lines[1] == (
        "sequences 20,480 -> 61,440 (3.00x)  not compared: sequences to pass need a pass (or the same horizon) "
        "in both runs"
    )
    noisy = one(probe(sequences=20480), probe(sequences=30720), "sequences:1.2x")
    assert noisy.lines == ["sequences 20,480 -> 30,720 (1.50x)  within noise: under 1.6x or 4,096 more (seed spread)"]
    assert noisy.regressions == []
    old_memory = probe(probe="memory(max_lag=16)", horizon=16, stopped="profile")
    shorter = one(old_memory, probe(probe="memory(max_lag=16)", horizon=4, stopped="profile"), "horizon:2,horizon:50%")
    assert shorter.regressions == ["horizon -12 (horizon:2, horizon:50%)"]
    assert shorter.lines == ["horizon 16 -> 4 (-12)  REGRESSION (horizon:2, horizon:50%)"]


def test_a_saved_run_without_sequences_compares_none():
    assert compare(typed([probe(sequences=None)]), typed([probe(sequences=50000)]), parse_rules("sequences:2x")) == []
    static = typed([probe(sequences=0, stopped="static")])
    assert compare(static, typed([probe(sequences=50000)]), parse_rules("sequences:2x")) == []


def test_the_comparison_as_a_document_lists_regressions_first_with_both_sides_and_the_judgement():
    from pytest_rnncheck.compare import to_document

    old = [probe(nodeid="t.py::a", probe="memory(max_lag=8)", horizon=8, stopped="profile"),
           probe(nodeid="t.py::b", accuracy=0.97)]
    new = [probe(nodeid="t.py::a", probe="memory(max_lag=8)", horizon=2, stopped="profile"),
           probe(nodeid="t.py::b", accuracy=0.96)]
    rules = parse_rules("horizon:1")
    changes = compare(typed(old), typed(new), rules)
    doc = to_document(changes, ".rnncheck/0001_x.json", {"at": "now"}, (0, 0), 3, rules, ["keras: 1 -> 2"])
    assert (doc["changed"], doc["unchanged"], doc["regressions"], doc["rules"]) == (2, 3, 1, ["horizon:1"])
    first, second = doc["probes"]
    assert first["regression"] and first["probe"] == "memory(max_lag=8)" and not second["regression"]
    assert first["before"]["horizon"] == 8 and first["after"]["horizon"] == 2
    assert first["lines"] == ["horizon 8 -> 2 (-6)  REGRESSION (horizon:1)"]
    assert doc["machine_differences"] == ["keras: 1 -> 2"]
