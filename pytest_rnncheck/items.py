"""Collection: the items of --rnncheck-model x --rnncheck-probe, and the markers read off every item.

A command-line model is checked with every command-line probe, each pair an item under one
``rnncheck`` collector (``ModelGate``); a bad marker is kept on its item and fails it at setup;
without --rnncheck, marked tests are skipped.
"""

from __future__ import annotations

from typing import Any

import pytest

from .fixture import ProbeFixture, run_flags
from .markers import MARKER, marker_text, specs_of
from .model_refs import ModelRef
from .session import ITEM_ERROR, record_error
from .settings import SETTINGS, Settings
from .spec import ProbeSpec, ProbeSpecError

SKIP_REASON = "rnncheck probes are off: run with --rnncheck (or set rnncheck = true in the ini file)"


class ModelGate(pytest.Collector):
    """Parent of the items made from --rnncheck-model x --rnncheck-probe."""

    def collect(self) -> list[pytest.Item]:
        return []


class ModelProbeItem(pytest.Item):
    """One command-line model checked with one probe."""

    def __init__(self, *, ref: ModelRef, source: Any, spec: ProbeSpec, **kwargs: Any):
        super().__init__(**kwargs)
        self.ref, self.source, self.spec = ref, source, spec
        args, options = spec.call_args()
        self.add_marker(getattr(pytest.mark, MARKER)(spec.kind, *args, **options))

    def runtest(self) -> None:
        GateFixture(self, self.config.stash[SETTINGS])(self.source, label=self.ref.text, ref=self.ref)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"rnncheck {self.ref.text} {self.spec.name}"

    def reproduce(self, seed: int) -> str:
        return (
            f"pytest --rnncheck --rnncheck-seed={seed} --rnncheck-model={self.ref.text} "
            f"--rnncheck-probe=\"{self.spec.name}\" -p no:python"
        )


class GateFixture(ProbeFixture):
    """The fixture object of a command-line model's item: its replay names the model and the probe."""

    item: ModelProbeItem

    def reproduce_command(self) -> str:
        return self.item.reproduce(self.settings.seed) + run_flags(self.settings)


def gate_items(session: pytest.Session, settings: Settings) -> list[pytest.Item]:
    if not settings.gates:
        return []
    gate = ModelGate.from_parent(session, name="rnncheck", nodeid="rnncheck")
    return [
        ModelProbeItem.from_parent(
            gate,
            name=f"{g.ref.text}[{spec.name}]",
            nodeid=f"rnncheck::{g.ref.text}[{spec.name}]",
            ref=g.ref,
            source=g.source,
            spec=spec,
        )
        for g in settings.gates
        for spec in g.specs
    ]


def prepare(session: pytest.Session, settings: Settings, items: list[pytest.Item]) -> None:
    """Add the command-line models' items; keep each bad marker on its item; skip probes when off."""
    items.extend(gate_items(session, settings))
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker(MARKER) is None:
            continue
        try:
            specs_of(item)
        except ProbeSpecError as exc:
            item.stash[ITEM_ERROR] = str(exc)
            continue
        if not settings.enabled:
            item.add_marker(skip)


def fail_bad_marker(item: pytest.Item) -> None:
    """At setup: an item whose marker could not be read fails with a row of its own."""
    error = item.stash.get(ITEM_ERROR, None)
    if error:
        message = f"bad rnncheck marker on {item.nodeid}: {error}"
        probes = [marker_text(mark) for mark in item.iter_markers(MARKER)]
        record_error(item, ", ".join(probes) or "-", message)
        pytest.fail(message, pytrace=False)
