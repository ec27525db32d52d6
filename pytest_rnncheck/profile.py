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

from typing import Callable

from .stopping import Stopped


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


class Search:
    """One memory profile's search: the next lag and its budget, what each lag showed, and
    what the user should know about how the search ended. Pure; the runner trains."""

    def __init__(self, max_lag: int, reachable: int | None, own_limit: Callable[[int], int]):
        self.max_lag, self.reachable, self.own_limit = max_lag, reachable, own_limit
        self.tried: dict[int, bool] = {}
        self.capped: dict[int, int] = {}  # lags given less than their own budget
        self.short: list[int] = []  # capped lags that failed at that budget
        self.spent, self.first = 0, None
        self.notes: list[str] = []

    def next(self) -> tuple[int, int | None] | None:
        """(lag, budget or None for its own), or None when the horizon is settled or the
        profile's budget is spent."""
        n = next_lag(self.tried, self.max_lag, self.reachable)
        if n is None:
            return None
        budget = lag_budget(self.spent, self.first, self.own_limit(n))
        if budget == 0:
            self.notes.append(
                f"lag({n}) was not trained: the profile had spent {COST_FACTOR}x the sequences of its first lag"
            )
            return None
        if budget is not None:
            self.capped[n] = budget
        return n, budget

    def record(self, n: int, passed: bool, sequences: int, stopped: str) -> None:
        self.tried[n] = passed
        self.spent += sequences
        self.first = self.spent if self.first is None else self.first
        if n in self.capped and not passed and stopped == Stopped.BUDGET:
            self.short.append(n)

    @property
    def horizon(self) -> int:
        return horizon(self.tried)

    @property
    def upper(self) -> int:
        """The largest lag the search has not shown the model failing: the horizon itself once
        settled. A lag that failed only at a budget the profile cut short shows nothing, and
        lags never trained are not results: while they lie above the horizon, it is a bound."""
        top = self.max_lag if self.reachable is None else min(self.max_lag, self.reachable)
        failed = [n for n, ok in self.tried.items() if not ok and n not in self.short and n > self.horizon]
        return max(self.horizon, min(failed, default=top + 1) - 1)

    def untrained(self) -> list[int]:
        """Lags between the horizon and ``upper`` that no probe trained."""
        return [n for n in range(self.horizon + 1, self.upper + 1) if n not in self.tried]

    def closing_notes(self) -> list[str]:
        notes = list(self.notes)
        if self.upper > self.horizon:
            untrained = self.untrained()
            notes.append(
                f"the horizon is {self.horizon} to {self.upper}, not settled: "
                + (f"{_spans(untrained)} not trained" if untrained else "no lag in between failed on its own budget")
                + " (the profile's budget was spent); a larger budget= settles it"
            )
        if self.short:
            n = min(self.short)
            notes.append(
                f"lag({n}) stopped at the share of the profile's budget left to it ({self.capped[n]:,} sequences; "
                f"the whole profile trains at most {COST_FACTOR}x its first lag): the horizon is at least "
                f"{self.horizon}, and a larger budget may show more"
            )
        return notes


def _spans(lags: list[int]) -> str:
    """[1, 2, 3, 5] -> 'lags 1-3, 5'."""
    spans: list[list[int]] = []
    for n in lags:
        if spans and n == spans[-1][-1] + 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    text = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in spans)
    return ("lag " if len(lags) == 1 else "lags ") + text
