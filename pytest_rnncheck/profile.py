"""The memory profile: which lags to train, and the horizon they show. Pure.

The horizon is the largest lag n <= K that ``lag(n)`` passes. Lags beyond the measured
receptive field cannot pass and are not trained. The search trains the top lag first (K, or
the farthest lag the receptive field allows): a model that passes it has shown its horizon
with one probe, the common case of a gate in CI. When it fails, the search bisects between
the last pass (0 at first) and the first failure. This assumes a model that remembers n
steps also remembers fewer, which holds for the models the probes are built for; every lag
tried is in the profile, so a gap would show there. Each lag is an ordinary probe with the
same statistics. docs/probes.md gives the measured cost against doubling up from lag 1.
"""

from __future__ import annotations


def next_lag(tried: dict[int, bool], max_lag: int, reachable: int | None = None) -> int | None:
    """The next lag to train, or None when the horizon is settled.

    ``tried`` maps lags to passed/failed; ``reachable`` is the farthest lag the measured
    receptive field allows (None when unknown).
    """
    top = max_lag if reachable is None else min(max_lag, reachable)
    if top < 1:
        return None
    if not tried:
        return top
    low = max((n for n, ok in tried.items() if ok), default=0)
    high = min((n for n, ok in tried.items() if not ok and n > low), default=top + 1)
    if high - low <= 1:
        return None
    return (low + high) // 2


def horizon(tried: dict[int, bool]) -> int:
    """The largest lag that passed with every shorter tried lag passing too (0 if none)."""
    best = 0
    for n in sorted(tried):
        if not tried[n]:
            break
        best = n
    return best


#: The whole profile may train at most this many times the sequences the first (top) lag took.
COST_FACTOR = 3
#: A lag is not started with fewer sequences left than this.
MIN_LAG_BUDGET = 4096


def lag_budget(spent: int, first: int | None, own_limit: int) -> int | None:
    """Sequences the next lag may train, after ``spent`` in the profile so far.

    ``first`` is what the first lag tried took (None while it runs: it gets its own budget);
    ``own_limit`` the most that lag could take on its own budget. Returns None when the lag
    keeps its own budget, 0 when too little is left to start it, else the capped budget.
    """
    if first is None:
        return None
    left = COST_FACTOR * first - spent
    if left >= own_limit:
        return None
    return left if left >= MIN_LAG_BUDGET else 0
