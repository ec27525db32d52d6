"""The probe kinds, one entry each: what the spec parser, the markers, their help and the
probe data read. Adding a kind is one entry here, plus its docs and tests. Pure numpy.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

Target = Callable[[np.ndarray, int], np.ndarray]


def _past(stream: np.ndarray, n: int) -> np.ndarray:
    """x[t-n] along the last axis (zeros where t < n; those steps are never scored)."""
    past = np.zeros_like(stream)
    if n:
        past[..., n:] = stream[..., :-n]
    else:
        past[...] = stream
    return past


@dataclasses.dataclass(frozen=True)
class ProbeKind:
    name: str
    #: The lag argument: its default when omitted (None: it must be given) and its least value;
    #: ``takes_lag=False`` for a kind without one.
    takes_lag: bool
    default_n: int | None
    min_n: int
    #: Bits (2 symbols) whatever the model could take.
    binary: bool
    #: Targets along the last axis of a symbol stream, for lag n.
    target: Target
    #: The call as written in docs and errors, and what it asks.
    signature: str
    summary: str
    #: The lag argument's name as a keyword.
    lag_name: str = "n"

    def lag_error(self) -> str:
        if self.lag_name != "n":
            return f"{self.signature} needs {self.lag_name}, the longest lag to try, e.g. {self.name}({self.lag_name}=16)"
        return f"{self.signature} needs n, the number of steps to look back, e.g. {self.name}(2)"


KINDS: dict[str, ProbeKind] = {
    kind.name: kind
    for kind in (
        ProbeKind("echo", False, 0, 0, False, _past, "echo()", "target at step t is the symbol at step t"),
        ProbeKind("lag", True, None, 1, False, _past, "lag(n)", "target at step t is the symbol at step t - n (n >= 1)"),
        ProbeKind(
            "invert", True, 1, 0, True, lambda s, n: 1 - _past(s, n), "invert(n=1)", "bits; target at step t is 1 - x[t - n]"
        ),
        ProbeKind(
            "xor",
            True,
            None,
            1,
            True,
            lambda s, n: s ^ _past(s, n),
            "xor(n)",
            "bits; target at step t is x[t] XOR x[t - n]: memory plus a nonlinearity (a memoryless model is at chance)",
        ),
        ProbeKind(
            "memory",
            True,
            None,
            1,
            False,
            _past,
            "memory(max_lag=K, min_horizon=None)",
            "the horizon: the largest lag n <= K that lag(n) passes, with the profile of every lag tried",
            lag_name="max_lag",
        ),
    )
}


def signatures() -> str:
    """``echo(), lag(n), invert(n=1), xor(n)`` for help texts."""
    return ", ".join(kind.signature for kind in KINDS.values())
