"""The memory profile: which lags to train, and the horizon they show. Pure.

The horizon is the largest lag n <= K that ``lag(n)`` passes. Lags beyond the measured
receptive field cannot pass and are not trained. Among the rest the search doubles from
lag 1 (1, 2, 4, 8, ...; short lags are cheap to learn) until a lag fails or K is passed,
then bisects between the last pass and the first failure. This assumes a model that
remembers n steps also remembers fewer, which holds for the models the probes are built
for; every lag tried is in the profile, so a gap would show there. Each lag is an
ordinary probe with the same statistics.
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
    passed = [n for n, ok in tried.items() if ok]
    failed = [n for n, ok in tried.items() if not ok]
    low = max(passed, default=0)
    high = min([n for n in failed if n > low], default=top + 1)
    if high - low <= 1:
        return None
    if not failed:  # still doubling
        step = 1 if low == 0 else min(2 * low, top)
        return step if step not in tried else None
    return (low + high) // 2


def horizon(tried: dict[int, bool]) -> int:
    """The largest lag that passed with every shorter tried lag passing too (0 if none)."""
    best = 0
    for n in sorted(tried):
        if not tried[n]:
            break
        best = n
    return best
