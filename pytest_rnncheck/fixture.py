"""The ``rnncheck`` fixture and what it gives a test: ``ProbeFixture``, called with a model or factory.

Each probe runs through the session's executor (a worker process, see isolation.py); its result
is kept on the item (for the report, the table, the JSON) and a failure fails the test with its
cause. Nothing here imports Keras: ``runner`` is imported when a probe runs.
"""

from __future__ import annotations

import warnings
import zlib
from typing import Any

import pytest

from . import report, run_profiles
from .markers import specs_of
from .model_refs import ModelRef
from .progress import LiveProgress
from .session import ITEM_RESULTS, record_error, session_of
from .settings import SETTINGS, Settings
from .spec import ProbeSpec, ProbeSpecError, parse_expression


class RnnCheckWarning(UserWarning):
    """A probe passed, but the diagnosis found something worth fixing."""


class ProbeFixture:
    """What the ``rnncheck`` fixture gives a test: call it with a model or factory."""

    def __init__(self, item: pytest.Item, settings: Settings):
        self.item, self.settings = item, settings

    def specs(self, extra: tuple[str | ProbeSpec, ...]) -> list[ProbeSpec]:
        specs = specs_of(self.item)
        for probe in extra:
            spec = parse_expression(probe) if isinstance(probe, str) else probe
            if spec not in specs:
                specs.append(spec)
        if self.settings.seeds > 1:  # --rnncheck-seeds: every probe that does not choose its own
            specs = [spec.replace(seeds=self.settings.seeds) if spec.seeds is None else spec for spec in specs]
        return specs

    def probe_seed(self, spec: ProbeSpec) -> int:
        if spec.seed is not None:
            return spec.seed
        # seeds=k leaves the name out: its first training is the probe's own
        return (self.settings.seed + zlib.crc32(f"{self.item.nodeid}|{spec.one_seed().name}".encode())) % 2**31

    def reproduce_command(self) -> str:
        """The command that replays this test's probes (a command-line model's item says its own)."""
        settings = self.settings
        return f"pytest --rnncheck --rnncheck-seed={settings.seed}{run_flags(settings)} '{self.item.nodeid}'"

    def __call__(
        self, model: Any, *probes: str | ProbeSpec, label: str | None = None, ref: ModelRef | None = None
    ) -> list:
        if not self.settings.enabled:
            pytest.skip("rnncheck probes are off: run with --rnncheck")
        try:
            specs = self.specs(probes)
        except ProbeSpecError as exc:
            self.fail_setup(", ".join(map(str, probes)) or "-", f"bad rnncheck probe: {exc}")
        if not specs:
            self.fail_setup(
                "-",
                "rnncheck() was called but the test names no probe: mark it, e.g. @rnncheck.lag(2) "
                "(from pytest_rnncheck import rnncheck), or pass one: rnncheck(model, 'lag(2)')",
            )
        from .isolation import ProbeTask
        from .trial import source_label

        results = []
        live = LiveProgress(self.item.config)
        label = label or source_label(model)
        executor = session_of(self.item.config).executor()
        for spec in specs:
            task = ProbeTask(
                spec, self.probe_seed(spec), label, factory=None if ref else model, ref=ref,
                rootdir=str(self.settings.rootdir), profile=self.settings.profile,
            )
            try:
                result = executor.run(task, live.reporter(spec.name, label))
            finally:
                live.close()
            result.nodeid = self.item.nodeid
            result.reproduce = self.reproduce_command()
            self.record(result)
            live.ended(report.outcome_line(result, self.settings.strict))
            results.append(result)
        self.finish(results)
        return results

    def fail_setup(self, probe: str, message: str) -> None:
        record_error(self.item, probe, message)
        pytest.fail(message, pytrace=False)

    def record(self, result: Any) -> None:
        self.item.stash.setdefault(ITEM_RESULTS, []).append(result)
        self.item.user_properties.extend(report.junit_properties(result))

    def finish(self, results: list) -> None:
        for result in results:
            if result.passed and result.pathologies:
                codes = ", ".join(p.code for p in result.pathologies)
                found = RnnCheckWarning(f"{result.probe} passed for {result.model} with findings: {codes}")
                warnings.warn(found, stacklevel=3)
        failed = [r for r in results if r.failed_strictly(self.settings.strict)]
        if failed and all(r.inconclusive for r in failed):  # the quick profile could not settle it
            pytest.skip("\n\n".join(r.message() for r in failed))
        if failed:
            pytest.fail("\n\n".join(r.message() for r in failed), pytrace=False)


def run_flags(settings: Settings) -> str:
    """The run profile (and --rnncheck-seeds) as flags for a reproduce command (empty for the defaults)."""
    flags = "" if settings.profile == run_profiles.DEFAULT else f" --rnncheck-profile={settings.profile}"
    return flags + (f" --rnncheck-seeds={settings.seeds}" if settings.seeds > 1 else "")


@pytest.fixture
def rnncheck(request: pytest.FixtureRequest) -> ProbeFixture:
    """Run memory probes on a Keras model and fail the test with the cause when one does not pass:
    rnncheck(build_model) runs the test's @rnncheck.lag(2)-style markers, each on a fresh copy,
    when pytest runs with --rnncheck (the test is skipped otherwise).

    rnncheck(build_model, "lag(4)") adds probes by expression. Give a zero-argument factory, or
    a model (it is cloned, never trained itself); ini ``rnncheck = true`` turns probes on too.
    Returns the results. Seed: --rnncheck-seed; cost: --rnncheck-profile=quick|ci|thorough;
    docs/probes.md lists the probes.
    """
    return ProbeFixture(request.node, request.config.stash[SETTINGS])
