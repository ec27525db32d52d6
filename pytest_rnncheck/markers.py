"""The probe decorators: ``@rnncheck.lag(2)``, ``@rnncheck.echo()``, ``@rnncheck.invert(1)``.

Each is ``pytest.mark.rnncheck(kind, *args, **options)`` underneath, so
``-m rnncheck``, ``--strict-markers`` and ``pytest --markers`` see them. Bad
options are reported when the test runs (that test errors, the others go on).
"""

from __future__ import annotations

from typing import Any

import pytest

from .spec import ProbeSpec, make_spec

MARKER = "rnncheck"
MARKER_HELP = (
    "rnncheck(kind, *args, **options): run a memory probe on the model the test hands to the "
    "rnncheck fixture. Write it as @rnncheck.echo(), @rnncheck.lag(n) or @rnncheck.invert(n=1) "
    "(from pytest_rnncheck import rnncheck). Options: vocab, encoding (onehot|index|raw|scaled|binary), "
    "timesteps, min_accuracy, seed, budget, causal, output. Runs only with --rnncheck."
)


class ProbeMarkers:
    """Namespace of probe decorators (imported as ``rnncheck``)."""

    def echo(self, **options: Any) -> pytest.MarkDecorator:
        """Target at step t is the symbol at step t."""
        return getattr(pytest.mark, MARKER)("echo", **options)

    def lag(self, n: int, **options: Any) -> pytest.MarkDecorator:
        """Target at step t is the symbol at step t - n (n >= 1)."""
        return getattr(pytest.mark, MARKER)("lag", n, **options)

    def invert(self, n: int = 1, **options: Any) -> pytest.MarkDecorator:
        """Binary symbols; target at step t is 1 - x[t - n]."""
        return getattr(pytest.mark, MARKER)("invert", n, **options)

    def __repr__(self) -> str:
        return "<rnncheck probes: echo(), lag(n), invert(n=1)>"


def marker_text(mark: pytest.Mark) -> str:
    """The marker as written, ``lag(2, min_acuracy=0.9)``, even when it is not a valid probe."""
    kind, *args = mark.args or ("?",)
    words = [repr(a) for a in args] + [f"{key}={value!r}" for key, value in mark.kwargs.items()]
    return f"{kind}({', '.join(words)})"


def spec_from_marker(mark: pytest.Mark) -> ProbeSpec:
    kind, *args = mark.args or ("",)
    return make_spec(kind, *args, **mark.kwargs)


def specs_of(item: pytest.Item) -> list[ProbeSpec]:
    """The item's probes in the order they are written, top decorator first."""
    specs: list[ProbeSpec] = []
    for node in reversed(item.listchain()):  # the test first, then its class and module
        marks = [mark for mark in node.own_markers if mark.name == MARKER]
        for mark in reversed(marks):  # decorators apply bottom-up
            spec = spec_from_marker(mark)
            if spec not in specs:
                specs.append(spec)
    return specs
