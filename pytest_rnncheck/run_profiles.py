"""Run profiles: how much a probe may cost, chosen once per run (``--rnncheck-profile``). Pure.

A profile sets together what a probe's cost is made of: the default training budget, its
extension while the curve still climbs, the learning-rate remedies, the control runs that
show a cause, and the size of the final held-out set. As Hypothesis's settings profiles,
one run has one profile, read where those knobs are used (``active()``), set around each
probe by the runner.

- ``ci`` (the default) is the plugin as documented in docs/probes.md.
- ``quick`` trains a quarter of the default budget with no extension, tries no other
  learning rate and runs no control: a healthy model that learns fast passes as under
  ``ci``; a model that has not passed by then fails with what was seen, and a verdict that
  the smaller budget could not settle says so (``undertrained (quick profile)``).
- ``thorough`` trains twice the default budget, extended up to twice, with a final set
  twice as large (a tighter bound).

A budget set on the probe (``budget=``) is the probe's own and no profile changes it.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from typing import Iterator


@dataclasses.dataclass(frozen=True)
class RunProfile:
    name: str
    #: Multiplies the default budget (and so its floor and per-lag share).
    budget_scale: float
    #: Budgets past the default one an attempt may train while its curve still climbs.
    extensions: int
    #: Learning-rate remedies after a failing first attempt.
    remedies: bool
    #: Control runs that show a suspected cause (stateless window, ablations, echo beside a lag).
    controls: bool
    #: Multiplies the final held-out set.
    final_scale: int = 1
    #: What the profile spends, for --help, the docs and the messages.
    summary: str = ""

    @property
    def reduced(self) -> bool:
        """Spends less than ``ci`` (a smaller budget, or no remedies): a failure it cannot explain
        settles nothing."""
        return self.budget_scale < 1 or not self.remedies


PROFILES = {
    "quick": RunProfile(
        "quick", budget_scale=0.25, extensions=0, remedies=False, controls=False,
        summary="a quarter of the default budget, no other learning rate, no control run",
    ),
    "ci": RunProfile(
        "ci", budget_scale=1.0, extensions=1, remedies=True, controls=True,
        summary="the default budget, learning-rate remedies and control runs of docs/probes.md",
    ),
    "thorough": RunProfile(
        "thorough", budget_scale=2.0, extensions=2, remedies=True, controls=True, final_scale=2,
        summary="twice the default budget, extended up to twice, a final set twice as large",
    ),
}
DEFAULT = "ci"

_ACTIVE: contextvars.ContextVar[RunProfile] = contextvars.ContextVar("rnncheck_profile", default=PROFILES[DEFAULT])


class UnknownProfile(ValueError):
    pass


def get(name: str) -> RunProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownProfile(
            f"unknown rnncheck profile {name!r}: choose one of {', '.join(PROFILES)} "
            f"(--rnncheck-profile=NAME or ini rnncheck_profile)"
        ) from None


def reduced(name: str) -> bool:
    """Whether the profile ``name`` (as a result records it) spends less than ``ci``."""
    return name in PROFILES and PROFILES[name].reduced


def active() -> RunProfile:
    return _ACTIVE.get()


@contextlib.contextmanager
def using(profile: RunProfile) -> Iterator[RunProfile]:
    token = _ACTIVE.set(profile)
    try:
        yield profile
    finally:
        _ACTIVE.reset(token)


def help_text() -> str:
    return "; ".join(f"{p.name}: {p.summary}" for p in PROFILES.values())
