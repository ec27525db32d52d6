"""When a failing probe earns a second try, and how the error budget is split."""

import numpy as np
import pytest

from pytest_rnncheck.training import HeldOut, Outcome, plateaued
from pytest_rnncheck.verdict import ALPHA, Z_FIRST, Z_REMEDY, Verdict, one_sided_z

runner = pytest.importorskip("pytest_rnncheck.runner")


def outcome(accuracy, chance=0.01, stopped="plateau", bad_loss=None, threshold=0.9):
    verdict = Verdict(accuracy, accuracy - 0.02, accuracy + 0.02, chance, threshold, 1024)
    empty = np.zeros((1, 1), int)
    return Outcome(verdict, HeldOut(empty, empty, empty.astype(bool)), 10_000, stopped, [], bad_loss)


def test_a_model_well_above_chance_or_out_of_budget_is_still_learning():
    assert runner.still_learning(outcome(0.6))
    assert runner.still_learning(outcome(0.05, stopped="budget"))


def test_a_model_at_chance_on_a_plateau_or_with_a_broken_loss_is_not():
    assert not runner.still_learning(outcome(0.05))
    assert not runner.still_learning(outcome(0.6, bad_loss=float("nan"), stopped="non-finite"))
    assert not runner.still_learning(outcome(0.95))  # passed


def test_the_error_budget_is_split_over_the_attempts():
    assert Z_FIRST == pytest.approx(one_sided_z(ALPHA / 2)) and Z_REMEDY == pytest.approx(one_sided_z(ALPHA / 4))
    assert ALPHA / 2 + len(runner.LEARNING_RATE_FACTORS) * ALPHA / 4 <= ALPHA + 1e-12


def test_plateau_needs_enough_looks_and_budget_then_flat_accuracy_and_loss():
    flat = [(2048 * (i + 1), 0.02, 4.6) for i in range(8)]
    assert plateaued(flat, 16_384, 64_000)
    assert not plateaued(flat[:5], 10_240, 64_000)  # too few looks
    assert not plateaued(flat, 16_384, 100_000)  # not a quarter of the budget yet
    falling = [(s, a, 4.6 - 0.3 * i) for i, (s, a, _) in enumerate(flat)]
    assert not plateaued(falling, 16_384, 64_000)
    rising = [(s, 0.02 + 0.05 * i, l) for i, (s, _, l) in enumerate(flat)]
    assert not plateaued(rising, 16_384, 64_000)
