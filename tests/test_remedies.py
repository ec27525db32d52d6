"""When a failing probe earns a second try, and how the error budget is split."""

import pytest

from pytest_rnncheck.stopping import FLAT_PER_LAG, StopPolicy, default_budget, other_rates
from pytest_rnncheck.verdict import ALPHA, Z_FIRST, Z_REMEDY, one_sided_z

trial = pytest.importorskip("pytest_rnncheck.trial")


RISING = [(2048 * (i + 1), 0.1 + 0.05 * i, 4.0 - 0.2 * i) for i in range(8)]
FLAT = [(2048 * (i + 1), 0.6, 1.5) for i in range(8)]


def test_a_smaller_and_a_larger_rate_are_tried_on_a_model_stuck_above_chance():
    assert other_rates(False, 0.6, 0.01, "plateau", FLAT) == (0.3, 3.0)
    assert other_rates(False, 0.6, 0.01, "budget", FLAT) == (0.3, 3.0)  # stuck, then out of budget


def test_a_model_still_climbing_at_the_budget_gets_a_larger_rate_only():
    assert other_rates(False, 0.6, 0.01, "budget", RISING) == (3.0,)


def test_no_other_rates_for_a_model_at_chance_passed_or_broken():
    assert other_rates(False, 0.05, 0.01, "plateau", FLAT) == ()  # nothing learned
    assert other_rates(True, 0.95, 0.01, "passed", RISING) == ()
    assert other_rates(False, 0.6, 0.01, "non-finite", FLAT) == ()


def test_the_error_budget_is_split_over_the_attempts():
    assert Z_FIRST == pytest.approx(one_sided_z(ALPHA / 2)) and Z_REMEDY == pytest.approx(one_sided_z(ALPHA / 4))
    from pytest_rnncheck.stopping import STUCK_FACTORS

    assert ALPHA / 2 + len(STUCK_FACTORS) * ALPHA / 4 <= ALPHA + 1e-12


def test_plateau_needs_enough_looks_and_budget_then_flat_accuracy_and_loss():
    echo = StopPolicy.for_lag(0, 64_000)
    flat = [(2048 * (i + 1), 0.02, 4.6) for i in range(8)]
    assert echo.plateaued(flat, 16_384)
    assert not echo.plateaued(flat[:5], 10_240)  # too few looks
    assert not StopPolicy.for_lag(0, 100_000).plateaued(flat, 16_384)  # not a quarter of the budget yet
    falling = [(s, a, 4.6 - 0.3 * i) for i, (s, a, _) in enumerate(flat)]
    assert not echo.plateaued(falling, 16_384)
    rising = [(s, 0.02 + 0.05 * i, loss) for i, (s, _, loss) in enumerate(flat)]
    assert not echo.plateaued(rising, 16_384)


def test_a_loss_still_falling_beyond_its_noise_is_no_plateau_though_it_falls_under_two_percent_a_look():
    """The slow starter of the issue: accuracy near chance, the loss falling 0.90 -> 0.68 over 24k sequences
    (under 1% a look) before it climbs. A loss that only wobbles around a level still plateaus."""
    import numpy as np

    from pytest_rnncheck.stopping import loss_falling, progressing

    policy = StopPolicy.for_lag(1)
    noise = np.random.default_rng(6).normal(0, 0.006, 10)  # a noisy loss: an early low look hides the fall
    slow = [(2048 * (i + 1), 0.21, float(0.80 * 0.994**i + noise[i])) for i in range(10)]
    assert not progressing(slow)  # the minimum-based rule alone calls this a plateau at 20k
    assert loss_falling(slow) and not policy.plateaued(slow, 20_480)
    wobbling = [(2048 * (i + 1), 0.21, 0.70 + 0.01 * (-1) ** i + noise[i]) for i in range(10)]
    assert not loss_falling(wobbling) and policy.plateaued(wobbling, 20_480)
    creeping = [(2048 * (i + 1), 0.21, 0.70 - 1e-5 * i) for i in range(10)]  # steady, but a drop of 0.01%
    assert not loss_falling(creeping) and policy.plateaued(creeping, 20_480)
    assert not loss_falling(slow[:4]) and not loss_falling([(1, 0.1, float("nan"))] * 6)


def test_a_long_lag_gets_the_flat_phase_healthy_models_of_that_lag_need():
    lag16 = StopPolicy.for_lag(16)
    assert lag16.budget == default_budget(16) == 128_000 and lag16.flat_allowance == 16 * FLAT_PER_LAG
    flat = [(2048 * (i + 1), 0.01, 4.6) for i in range(40)]
    at_chance_for_48k = [point for point in flat if point[0] <= 49_152]
    assert not lag16.plateaued(at_chance_for_48k, 49_152)  # a GRU(128) is still at chance here
    assert lag16.plateaued(flat[:32], 65_536)  # past the allowance: stuck
    assert StopPolicy.for_lag(2).budget == 64_000 and StopPolicy.for_lag(2, budget=5_000).budget == 5_000


def test_a_default_budget_extends_while_the_curve_climbs_and_a_set_budget_never_does():
    default = StopPolicy.for_lag(2)
    rising = [(2048 * (i + 1), 0.1 + 0.02 * i, 4.0 - 0.1 * i) for i in range(40)]
    flat = [(2048 * (i + 1), 0.5, 2.0) for i in range(40)]
    assert default.keep_going(rising[:10], 20_480)  # within the budget
    assert default.keep_going(rising, 70_000)  # past it, climbing
    assert not default.keep_going(flat, 70_000)  # past it, flat
    assert not default.keep_going(rising, 2 * 64_000)  # at most twice the budget
    assert not StopPolicy.for_lag(2, budget=64_000).keep_going(rising, 64_000)


def test_progress_is_judged_on_at_least_three_recent_looks_against_all_before():
    from pytest_rnncheck.stopping import progressing

    flat = [(2048 * (i + 1), 0.3, 2.0) for i in range(8)]
    assert progressing(flat[:3]) and not progressing(flat[:4])  # too few looks to call it flat
    early_jump = [(s, 0.1 if i < 2 else 0.5, 2.0) for i, (s, _, _) in enumerate(flat[:6])]
    assert not progressing(early_jump)  # the jump is older than the last three looks
    before_the_window = [(s, 0.1 if i < 3 else 0.5, 2.0) for i, (s, _, _) in enumerate(flat[:7])]
    assert not progressing(before_the_window)  # the last 3 of 7 are compared with the first 4
    exact = [(s, 0.0 if i < 4 else 0.02, 2.0) for i, (s, _, _) in enumerate(flat)]
    assert progressing(exact)  # a gain of exactly 0.02 counts


def test_a_plateau_needs_exactly_six_looks_and_keeps_the_allowance_with_a_set_budget():
    flat = [(2048 * (i + 1), 0.3, 2.0) for i in range(6)]
    assert StopPolicy.for_lag(0, 64_000).plateaued(flat, 64_000)
    assert StopPolicy.for_lag(16, budget=200_000).flat_allowance == 16 * FLAT_PER_LAG


def test_other_rates_start_at_exactly_a_tenth_above_chance():
    assert other_rates(False, 0.1, 0.0, "plateau", FLAT) == (0.3, 3.0)
    assert other_rates(False, 0.0999, 0.0, "plateau", FLAT) == ()


def test_an_attempt_records_the_learning_rate_as_given_not_as_float32_stored_it():
    import numpy as np

    from pytest_rnncheck.training import Outcome
    from pytest_rnncheck.verdict import Verdict

    outcome = Outcome(Verdict(0.5, 0.4, 0.6, 0.01, 0.9, 1024), None, 4096, "plateau", [])
    assert trial.attempt_record(outcome, float(np.float32(0.02))).learning_rate == 0.02
    assert trial.attempt_record(outcome, None).learning_rate is None
