"""The probe decorators: ``@rnncheck.lag(2)``, ``@rnncheck.echo()``, ``@rnncheck.xor(2)`` ...,
one per entry of the kinds table (kinds.py).

Each is ``pytest.mark.rnncheck(kind, *args, **options)`` underneath, so
``-m rnncheck``, ``--strict-markers`` and ``pytest --markers`` see them. Bad
options are reported when the test runs (that test errors, the others go on).
"""

from __future__ import annotations

from typing import Any

import pytest

from .kinds import KINDS, signatures
from .spec import DEFAULTS, ENCODINGS, ProbeSpec, make_spec

MARKER = "rnncheck"
MARKER_HELP = (
    "rnncheck(kind, *args, **options): run a memory probe on the model the test hands to the "
    f"rnncheck fixture. Write it as @rnncheck.<probe>: {signatures()} "
    "(from pytest_rnncheck import rnncheck). Options: "
    + ", ".join(f"{key} ({'|'.join(ENCODINGS)})" if key == "encoding" else key for key in DEFAULTS)
    + ". Runs only with --rnncheck."
)


class ProbeMarkers:
    """Namespace of probe decorators (imported as ``rnncheck``): one per probe kind."""

    def __getattr__(self, kind: str) -> Any:
        if kind not in KINDS:
            raise AttributeError(f"rnncheck has no probe {kind!r}; it knows {signatures()}")
        entry = KINDS[kind]

        def decorator(*args: Any, **options: Any) -> pytest.MarkDecorator:
            return getattr(pytest.mark, MARKER)(kind, *args, **options)

        decorator.__name__ = kind
        decorator.__doc__ = f"{entry.signature}: {entry.summary}."
        return decorator

    @staticmethod
    def assert_healthy(model: Any, x: Any, y: Any, **hints: Any) -> Any:
        """Diagnose ``model`` on the arrays ``x`` -> ``y`` and raise AssertionError with the
        findings when one is an error (``strict=True``: any finding); see ``diagnose``."""
        from .data_diagnosis import assert_healthy

        return assert_healthy(model, x, y, **hints)

    def __dir__(self) -> list[str]:
        return sorted(KINDS) + ["assert_healthy"]

    def __repr__(self) -> str:
        return f"<rnncheck probes: {signatures()}>"


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
