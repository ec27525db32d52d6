"""The memory profile's search: the top lag first, then bisection, never past the receptive field."""

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
    assert len(tried) <= 6  # 16, then at most five bisections of 0..15


def test_the_top_lag_first_then_bisection_in_order():
    assert list(search(10, 16)) == [16, 8, 12, 10, 11]
    assert list(search(16, 16)) == [16]  # a model that passes the top lag costs one probe
    assert list(search(0, 16)) == [16, 8, 4, 2, 1]
    assert list(search(15, 16)) == [16, 8, 12, 14, 15]


def test_lags_beyond_the_receptive_field_are_never_trained():
    assert max(search(16, 16, reachable=2)) == 2
    assert search(16, 16, reachable=0) == {}


def test_a_gap_in_the_profile_ends_the_horizon_at_the_gap():
    assert horizon({1: True, 2: False, 4: True}) == 1


def test_a_receptive_field_of_two_still_tries_lag_one_and_lags_are_whole_numbers():
    assert search(16, 16, reachable=1) == {1: True}
    assert list(search(16, 16, reachable=5)) == [5]
    assert search(0, 16, reachable=1) == {1: False}
    assert all(isinstance(n, int) for n in search(10, 16))


def test_the_search_never_repeats_a_lag_and_ends_when_settled():
    assert list(search(1, 3)) == [3, 1, 2]
    assert next_lag({3: True}, 3) is None
    assert next_lag({1: True, 2: False}, 3) is None
    assert next_lag({2: False}, 2) == 1
    for remembers in range(0, 33):
        tried = search(remembers, 32)
        assert len(tried) == len(set(tried))


def test_the_first_lag_keeps_its_own_budget_and_the_rest_share_three_times_its_cost():
    from pytest_rnncheck.profile import COST_FACTOR, MIN_LAG_BUDGET, lag_budget

    assert COST_FACTOR == 3
    assert lag_budget(0, None, 128000) is None  # the top lag runs as lag(K) alone would
    assert lag_budget(40000, 40000, 64000) is None  # 80,000 left: its own limit is lower
    assert lag_budget(40000, 40000, 80000) is None  # exactly its own limit left
    assert lag_budget(40000, 40000, 80001) == 80000  # capped to what is left
    assert lag_budget(100000, 40000, 128000) == 20000
    assert lag_budget(120000 - MIN_LAG_BUDGET, 40000, 128000) == MIN_LAG_BUDGET
    assert lag_budget(120000 - MIN_LAG_BUDGET + 1, 40000, 128000) == 0  # too little to start
    assert lag_budget(130000, 40000, 128000) == 0


def test_the_search_shares_the_budget_and_says_when_it_cut_a_lag_short():
    from pytest_rnncheck.profile import Search

    search = Search(16, None, lambda n: 2 * max(64000, 8000 * n))
    assert search.next() == (16, None)  # the top lag: its own budget
    search.record(16, False, 100_000, "plateau")
    assert search.next() == (8, None)  # 200,000 left >= lag 8's own 128,000
    search.record(8, True, 60_000, "passed")
    assert search.next() == (12, 140_000)  # 140,000 left < lag 12's own 192,000
    search.record(12, False, 140_000, "budget")
    assert search.next() is None  # nothing left to start lag 10
    assert search.horizon == 8 and search.capped == {12: 140_000}
    assert search.upper == 15  # lag 12 failed only at its cut budget: only lag 16 was shown failing
    notes = search.closing_notes()
    assert notes[0] == "lag(10) was not trained: the profile had spent 3x the sequences of its first lag"
    assert notes[1] == (
        "the horizon is 8 to 15, not settled: lags 9-11, 13-15 not trained (the profile's budget was spent); "
        "a larger budget= settles it"
    )
    assert "lag(12) stopped at the share of the profile's budget left to it (140,000 sequences" in notes[2]
    assert "the horizon is at least 8" in notes[2]


def test_a_profile_that_ran_out_before_the_short_lags_reports_a_bound_not_a_horizon_of_0():
    from pytest_rnncheck.profile import Search

    search = Search(16, None, lambda n: 64_000)
    assert search.next() == (16, None)
    search.record(16, False, 64_000, "plateau")
    assert search.next() == (8, None)
    search.record(8, False, 100_000, "plateau")
    assert search.next() == (4, 28_000)
    search.record(4, False, 28_000, "budget")  # cut at the profile's last 28,000: not shown failing
    assert search.next() is None
    assert (search.horizon, search.upper, search.untrained()) == (0, 7, [1, 2, 3, 5, 6, 7])
    assert "the horizon is 0 to 7, not settled: lags 1-3, 5-7 not trained" in search.closing_notes()[1]


def test_a_settled_search_has_its_horizon_as_the_upper_bound_and_no_bound_note():
    from pytest_rnncheck.profile import Search

    search = Search(4, None, lambda n: 64_000)
    for lag, passed in ((4, False), (2, True), (3, False)):
        assert search.next()[0] == lag
        search.record(lag, passed, 10_000, "passed" if passed else "plateau")
    assert search.next() is None and search.horizon == search.upper == 2 and search.untrained() == []
    assert not any("not settled" in note for note in search.closing_notes())
    everything = Search(4, None, lambda n: 64_000)
    everything.record(*everything.next()[:1], True, 10_000, "passed")
    assert everything.horizon == everything.upper == 4


def test_a_capped_lag_that_fails_for_another_reason_is_not_cut_short():
    from pytest_rnncheck.profile import Search

    search = Search(16, None, lambda n: 200_000)
    assert search.next() == (16, None)
    search.record(16, False, 100_000, "plateau")
    assert search.next() == (8, None)  # exactly its own 200,000 left
    search.record(8, False, 150_000, "plateau")
    assert search.next() == (4, 50_000)
    search.record(4, False, 30_000, "plateau")  # failed within the budget it had: a real failure
    assert search.next() == (2, 20_000)
    search.record(2, True, 8_000, "passed")
    assert search.horizon == 2
    assert not any("stopped at the share" in note for note in search.closing_notes())


def test_the_search_starts_at_the_farthest_lag_the_receptive_field_allows():
    from pytest_rnncheck.profile import Search

    search = Search(16, 5, lambda n: 64_000)  # the model sees 5 steps back: lags 6..16 cannot pass
    assert search.next() == (5, None)
    search.record(5, False, 64_000, "plateau")
    assert search.next() == (2, None)
    search.record(2, True, 10_000, "passed")
    assert search.next() == (3, None)
    search.record(3, True, 12_000, "passed")
    assert search.next() == (4, None)
    search.record(4, True, 20_000, "passed")
    assert search.next() is None and search.horizon == 4
    assert sorted(search.tried) == [2, 3, 4, 5]
    assert Search(16, 0, lambda n: 64_000).next() is None  # nothing reachable: nothing to train
