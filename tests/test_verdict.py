"""Chance, confidence bounds and the pass rule."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_rnncheck.verdict import chance_accuracy, judge, sequence_accuracy, wilson_bounds


@given(st.lists(st.integers(0, 5), min_size=1, max_size=200))
def test_chance_is_the_best_constant_guess(values):
    targets = np.array(values)[None, :]
    scored = np.ones_like(targets, dtype=bool)
    best = max(np.mean(targets == guess) for guess in range(6))
    assert chance_accuracy(targets, scored) == pytest.approx(best)


@given(st.floats(0, 1), st.integers(1, 5000))
def test_wilson_bounds_surround_the_estimate(p, n):
    low, high = wilson_bounds(p, n)
    assert 0 <= low <= p + 1e-12 and p - 1e-12 <= high <= 1


def test_bounds_tighten_with_more_sequences():
    assert wilson_bounds(0.95, 100)[0] < wilson_bounds(0.95, 1000)[0] < 0.95


def test_unscored_steps_do_not_count():
    correct = np.array([[True, False, True], [False, False, True]])
    scored = np.array([[False, True, True], [False, False, False]])
    assert sequence_accuracy(correct, scored).tolist() == [0.5]


def test_pass_needs_the_lower_bound_not_just_the_point_estimate():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 10, size=(40, 1))
    predicted = targets.copy()
    predicted[:3] = (predicted[:3] + 1) % 10  # 92.5% right, but on only 40 sequences
    verdict = judge(predicted, targets, np.ones_like(targets, bool), 0.9)
    assert verdict.accuracy > 0.9 and not verdict.passed
    many = np.repeat(targets, 25, axis=0), np.repeat(predicted, 25, axis=0)
    verdict = judge(many[1], many[0], np.ones_like(many[0], bool), 0.9)
    assert verdict.accuracy > 0.9 and verdict.passed


def test_a_regression_is_right_within_the_tolerance_and_chance_is_the_mean_guess():
    from pytest_rnncheck.verdict import judge_values

    rng = np.random.default_rng(0)
    targets = rng.standard_normal((2000, 4))
    scored = np.ones_like(targets, dtype=bool)
    close = judge_values(targets + 0.1, targets, scored, 0.25, 0.9)  # 0.1 sd off: inside 0.25 sd
    assert close.accuracy == 1.0 and close.passed
    assert close.chance == pytest.approx(0.197, abs=0.02)
    mean_guess = judge_values(np.zeros_like(targets), targets, scored, 0.25, 0.9)
    assert mean_guess.accuracy == pytest.approx(mean_guess.chance, abs=0.01) and not mean_guess.passed
