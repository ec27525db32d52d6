"""The memory profile's search: doubling, then bisection, never past the receptive field."""

import pytest

from pytest_rnncheck.profile import horizon, next_lag


def search(remembers, max_lag, reachable=None):
    tried = {}
    while (n := next_lag(tried, max_lag, reachable)) is not None:
        tried[n] = n <= remembers
    return tried


@pytest.mark.parametrize("remembers", range(0, 17))
def test_the_search_finds_the_horizon_exactly(remembers):
    tried = search(remembers, 16)
    assert horizon(tried) == min(remembers, 16)
    assert len(tried) <= 9  # 1, 2, 4, 8, 16 then at most four bisections


def test_doubling_then_bisection_in_order():
    assert list(search(10, 16)) == [1, 2, 4, 8, 16, 12, 10, 11]
    assert list(search(16, 16)) == [1, 2, 4, 8, 16]
    assert list(search(0, 16)) == [1]


def test_lags_beyond_the_receptive_field_are_never_trained():
    assert max(search(16, 16, reachable=2)) == 2
    assert search(16, 16, reachable=0) == {}


def test_a_gap_in_the_profile_ends_the_horizon_at_the_gap():
    assert horizon({1: True, 2: False, 4: True}) == 1


def test_a_receptive_field_of_two_still_tries_lag_one_and_lags_are_whole_numbers():
    assert search(16, 16, reachable=1) == {1: True}
    assert search(0, 16, reachable=1) == {1: False}
    assert all(isinstance(n, int) for n in search(10, 16))


def test_doubling_stops_at_max_lag_and_never_repeats_a_lag():
    assert list(search(3, 3)) == [1, 2, 3]  # 2 * 2 = 4 is capped at the top, 3
    assert next_lag({1: True, 2: True, 3: True}, 3) is None
    assert next_lag({1: True, 2: True}, 2) is None
