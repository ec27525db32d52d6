"""Pinned values that every verdict rests on. Each number was computed once from the
formula's definition and is written down here, so a change to the statistics, the seeds,
the decoding or the ranking shows up as a failure, not as a quietly different verdict."""

import dataclasses
import zlib

import numpy as np
import pytest

from pytest_rnncheck.diagnosis import ERROR, WARNING, Pathology, rank
from pytest_rnncheck.diagnosis.constant_output import Spread, is_constant
from pytest_rnncheck.encoding import decode
from pytest_rnncheck.verdict import (
    ALPHA,
    ALPHA_FIRST,
    ALPHA_REMEDY,
    Z_FIRST,
    Z_REMEDY,
    Verdict,
    chance_accuracy,
    judge,
    look_z,
    wilson_bounds,
    would_pass,
)


def test_the_error_budget_and_its_one_sided_quantiles():
    assert ALPHA == 0.01
    assert Z_FIRST == pytest.approx(2.575829, abs=1e-6)  # one-sided 0.5%
    assert Z_REMEDY == pytest.approx(2.807034, abs=1e-6)  # one-sided 0.25%


def test_the_final_looks_of_an_attempt_spend_half_of_what_is_left_each():
    assert [round(look_z(ALPHA_FIRST, k), 6) for k in (1, 2, 3)] == [2.807034, 3.023341, 3.227218]
    assert [round(look_z(ALPHA_REMEDY, k), 6) for k in (1, 2)] == [3.023341, 3.227218]
    with pytest.raises(ValueError, match="looks count from 1, not 0"):
        look_z(ALPHA_FIRST, 0)


def test_a_final_look_opens_when_the_monitors_accuracy_would_pass_on_a_final_set():
    # 1,024 sequences at z 2.807 show 0.95 from 0.96912 up (Wilson), whatever the monitor's size
    assert would_pass(0.9692, 1024, 0.95, look_z(ALPHA_FIRST, 1))
    assert not would_pass(0.9690, 1024, 0.95, look_z(ALPHA_FIRST, 1))
    at_the_bound = wilson_bounds(0.97, 1024, Z_FIRST)[0]
    assert would_pass(0.97, 1024, at_the_bound, Z_FIRST)  # a bound exactly at the threshold passes, as a verdict does


@pytest.mark.parametrize(
    "p, n, z, lower, upper",
    [
        (0.95, 1024, Z_FIRST, 0.929378, 0.964828),  # Wald would give 0.932457
        (0.95, 1024, Z_REMEDY, 0.927211, 0.965916),
        (1.0, 1024, Z_FIRST, 0.993562, 1.0),  # Wald would give 1.0
        (0.5, 100, Z_FIRST, 0.375280, 0.624720),
        (0.9, 256, Z_FIRST, 0.841153, 0.938637),
    ],
)
def test_wilson_bounds_at_the_z_values_the_product_uses(p, n, z, lower, upper):
    assert wilson_bounds(p, n, z) == (pytest.approx(lower, abs=1e-6), pytest.approx(upper, abs=1e-6))


def test_a_lower_bound_exactly_at_the_threshold_passes_and_a_hair_below_fails():
    assert Verdict(0.95, 0.9, 0.97, 0.1, 0.9, 1024).passed
    assert not Verdict(0.95, np.nextafter(0.9, 0), 0.97, 0.1, 0.9, 1024).passed


def test_chance_counts_scored_steps_only():
    targets = np.array([[1, 1, 1, 2, 2]])
    scored = np.array([[False, False, True, True, True]])
    assert chance_accuracy(targets, scored) == pytest.approx(2 / 3)


def test_the_verdict_uses_the_first_attempts_z_by_default():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 10, size=(1024, 1))
    predicted = targets.copy()
    predicted[:51] = (predicted[:51] + 1) % 10  # 0.9502 right
    verdict = judge(predicted, targets, np.ones_like(targets, bool), 0.9, Z_FIRST)
    assert verdict.lower == pytest.approx(wilson_bounds(973 / 1024, 1024, Z_FIRST)[0])


def test_ranking_puts_proven_before_unproven_and_errors_before_warnings():
    def finding(code, severity=ERROR, certain=False):
        return Pathology(code, severity, "m", "f", certain=certain)

    ordered = rank(
        [
            finding("undertrained"),
            finding("future-leak", WARNING),
            finding("constant-output"),
            finding("missing-context", certain=True),
            finding("output-shape"),
        ]
    )
    assert [p.code for p in ordered] == [
        "missing-context", "output-shape", "constant-output", "undertrained", "future-leak"
    ]


BASE = Spread(distinct=1, symbols=100, mode_share=1.0, mode=49, accuracy=0.011, chance=0.013)


def test_constant_output_needs_accuracy_near_chance_and_few_distinct_predictions():
    assert is_constant(BASE)
    assert not is_constant(dataclasses.replace(BASE, accuracy=0.2))  # the accuracy guard
    varied = dataclasses.replace(BASE, distinct=60, mode_share=0.05)
    assert not is_constant(varied)  # the variety check
    assert is_constant(dataclasses.replace(varied, distinct=10))  # a tenth of the symbols is few
    assert is_constant(dataclasses.replace(varied, mode_share=0.9))  # one symbol on 90% of steps


def test_bits_and_scalars_are_split_at_one_half():
    bits = np.array([[0.49, 0.51, 0.0], [0.51, 0.49, 0.9]])
    assert decode("bits", bits, "binary", 8).tolist() == [2, 5]
    assert decode("scalar", np.array([[0.49], [0.51]]), "binary", 2).tolist() == [0, 1]


def test_probe_seeds_depend_on_the_base_seed_the_test_id_and_the_probe():
    from pytest_rnncheck.fixture import ProbeFixture
    from pytest_rnncheck.settings import Settings
    from pytest_rnncheck.spec import make_spec

    class Item:
        nodeid = "t.py::a"

    runner = ProbeFixture(Item(), Settings(True, 0, None, False, None))
    lag2, lag3 = make_spec("lag", 2), make_spec("lag", 3)
    assert runner.probe_seed(lag2) != runner.probe_seed(lag3)
    assert runner.probe_seed(lag2) == zlib.crc32(b"t.py::a|lag(2)") % 2**31


def test_probes_run_in_the_order_they_are_written_top_decorator_first(pytester):
    pytester.makepyfile(
        """
        from pytest_rnncheck import rnncheck
        from pytest_rnncheck.markers import specs_of

        @rnncheck.echo()
        @rnncheck.lag(3)
        @rnncheck.invert(1)
        def test_order(request):
            assert [s.name for s in specs_of(request.node)] == ["echo()", "lag(3)", "invert(1)"]
        """
    )
    pytester.runpytest("--rnncheck").assert_outcomes(passed=1)


def test_a_random_base_seed_is_drawn_afresh(pytester):
    pytester.makepyfile("def test_x(rnncheck):\n    print('SEED', rnncheck.settings.seed)\n")
    seeds = {
        pytester.runpytest("--rnncheck", "--rnncheck-seed=random", "-s", "-p", "no:cacheprovider")
        .stdout.str()
        .split("SEED ")[1]
        .split()[0]
        for _ in range(3)
    }
    assert len(seeds) > 1


# -- boundaries the mutation run showed were not pinned -----------------------------
def test_no_sequences_means_no_evidence():
    assert wilson_bounds(0.5, 0, Z_FIRST) == (0.0, 1.0)
    assert wilson_bounds(1.0, 1, Z_FIRST) == (pytest.approx(0.130978, abs=1e-6), 1.0)
    empty = np.zeros((3, 2), dtype=bool)
    verdict = judge(np.zeros((3, 2), int), np.zeros((3, 2), int), empty, 0.9)
    assert (verdict.accuracy, verdict.lower, verdict.sequences, verdict.passed) == (0.0, 0.0, 0, False)
    assert chance_accuracy(np.zeros((3, 2), int), empty) == 0.0


def test_the_verdict_carries_both_bounds_and_chance_from_scored_steps_only():
    targets = np.array([[7, 1], [7, 1], [7, 2], [7, 2]])
    scored = np.array([[False, True]] * 4)
    verdict = judge(targets, targets, scored, 0.5)
    assert verdict.chance == 0.5  # symbol 7 fills the unscored column and must not count
    assert verdict.upper == 1.0 and verdict.lower == pytest.approx(wilson_bounds(1.0, 4, 2.326348)[0], abs=1e-6)


def test_steps_may_come_in_any_shape_per_sequence():
    from pytest_rnncheck.verdict import sequence_accuracy

    correct = np.ones((2, 2, 3), dtype=bool)
    correct[0, 0, 0] = False
    assert sequence_accuracy(correct, np.ones_like(correct)).tolist() == [pytest.approx(5 / 6), 1.0]


def test_a_regression_band_scales_with_the_targets_spread_and_is_closed():
    from pytest_rnncheck.verdict import judge_values

    targets = np.array([[8.0], [12.0]] * 50)  # mean 10, sd 2: the 0.25 band is +-0.5
    scored = np.ones_like(targets, dtype=bool)
    assert judge_values(targets + 0.4, targets, scored, 0.25, 0.9).accuracy == 1.0
    assert judge_values(targets + 0.6, targets, scored, 0.25, 0.9).accuracy == 0.0
    assert judge_values(targets + 0.5, targets, scored, 0.25, 0.9).accuracy == 1.0  # the edge is inside
    assert judge_values(targets, targets, scored, 1.0, 0.9).chance == 1.0  # |8-10| = |12-10| = 2 sd... = band
    assert judge_values(targets, targets, scored, 0.25, 0.9).chance == 0.0  # the mean 10 is 4 band-widths off
    nothing = judge_values(targets, targets, np.zeros_like(scored), 0.25, 0.9)
    assert (nothing.chance, nothing.accuracy, nothing.passed) == (0.0, 0.0, False)
