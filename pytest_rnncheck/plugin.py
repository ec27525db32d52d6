"""pytest glue: options, markers, the ``rnncheck`` fixture, reports, xdist.

Read top to bottom in the order pytest calls it. Nothing here imports Keras;
the probe engine (``runner``) is imported when a probe runs.
"""

from __future__ import annotations

import random
import warnings
import zlib
from pathlib import Path
from typing import Any

import pytest

from . import report
from .markers import MARKER, MARKER_HELP, specs_of
from .spec import ProbeSpec, ProbeSpecError, parse_expression

HELP_ENABLE = "run the rnncheck memory probes (marked tests are skipped without it)"
HELP_SEED = "base seed for the probes: an integer, 'last' to replay the previous run's, or 'random' (default 0)"
HELP_REPORT = "write every probe's result to this JSON file"
HELP_STRICT = "fail probes that pass but have warning findings"
DEFAULT_SEED = 0
CACHE_SEED = "rnncheck/seed"

SETTINGS = pytest.StashKey["Settings"]()
ITEM_RESULTS = pytest.StashKey[list]()
ITEM_ERROR = pytest.StashKey[str]()


class RnnCheckWarning(UserWarning):
    """A probe passed, but the diagnosis found something worth fixing."""


class Settings:
    def __init__(self, enabled: bool, seed: int, report_path: str | None, strict: bool, rootdir: Path):
        self.enabled, self.seed, self.report_path, self.strict = enabled, seed, report_path, strict
        self.rootdir = rootdir


# -- options ---------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rnncheck", "memory probes for Keras sequence models")
    group.addoption("--rnncheck", action="store_true", default=None, dest="rnncheck_enabled", help=HELP_ENABLE)
    group.addoption("--rnncheck-seed", default=None, type=seed_option, metavar="N|last|random", help=HELP_SEED)
    group.addoption("--rnncheck-report", default=None, metavar="PATH", help=HELP_REPORT)
    group.addoption("--rnncheck-strict", action="store_true", default=None, help=HELP_STRICT)
    parser.addini("rnncheck", HELP_ENABLE, type="bool", default=False)
    parser.addini("rnncheck_seed", HELP_SEED, default="")
    parser.addini("rnncheck_strict", HELP_STRICT, type="bool", default=False)


def seed_option(value: str) -> str | int:
    import argparse

    if value in ("last", "random"):
        return value
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'")
    return seed


# -- configure -------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    enabled = config.getoption("rnncheck_enabled")
    strict = config.getoption("rnncheck_strict")
    config.stash[SETTINGS] = Settings(
        enabled=bool(config.getini("rnncheck") if enabled is None else enabled),
        seed=resolve_seed(config),
        report_path=config.getoption("rnncheck_report"),
        strict=bool(config.getini("rnncheck_strict") if strict is None else strict),
        rootdir=Path(str(config.rootpath)),
    )
    config.pluginmanager.register(ResultCollector(config), "rnncheck-results")


def resolve_seed(config: pytest.Config) -> int:
    """CLI > ini > default; 'last' reads the cache, 'random' draws one."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "rnncheck_seed" in workerinput:  # xdist: the controller decided
        return int(workerinput["rnncheck_seed"])
    value = config.getoption("rnncheck_seed")
    if value is None:
        ini = config.getini("rnncheck_seed").strip()
        value = seed_option(ini) if ini else DEFAULT_SEED
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if value == "last":
        cached = cache.get(CACHE_SEED, None) if cache else None
        value = cached if isinstance(cached, int) else DEFAULT_SEED
    elif value == "random":
        value = random.Random().randrange(2**31)
    if cache is not None and not workerinput:
        cache.set(CACHE_SEED, value)
    return int(value)


def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand every worker the same base seed."""
    node.workerinput["rnncheck_seed"] = node.config.stash[SETTINGS].seed


def pytest_report_header(config: pytest.Config) -> str:
    settings = config.stash[SETTINGS]
    from .runner import backend_name

    if not settings.enabled:
        return "rnncheck: probes off (run with --rnncheck to run them)"
    return f"rnncheck: probes on, --rnncheck-seed={settings.seed}, backend {backend_name()}"


# -- collection ------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[SETTINGS]
    skip = pytest.mark.skip(reason="rnncheck probes are off: run with --rnncheck (or set rnncheck = true in the ini file)")
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


def pytest_runtest_setup(item: pytest.Item) -> None:
    error = item.stash.get(ITEM_ERROR, None)
    if error:
        pytest.fail(f"bad rnncheck marker on {item.nodeid}: {error}", pytrace=False)


# -- the fixture -----------------------------------------------------------
class ProbeRunner:
    """What the ``rnncheck`` fixture gives a test: call it with a model or factory."""

    def __init__(self, item: pytest.Item, settings: Settings):
        self.item, self.settings = item, settings

    def specs(self, extra: tuple[str | ProbeSpec, ...]) -> list[ProbeSpec]:
        specs = specs_of(self.item)
        for probe in extra:
            spec = parse_expression(probe) if isinstance(probe, str) else probe
            if spec not in specs:
                specs.append(spec)
        return specs

    def probe_seed(self, spec: ProbeSpec) -> int:
        if spec.seed is not None:
            return spec.seed
        return (self.settings.seed + zlib.crc32(f"{self.item.nodeid}|{spec.name}".encode())) % 2**31

    def __call__(self, model: Any, *probes: str | ProbeSpec, label: str | None = None) -> list:
        if not self.settings.enabled:
            pytest.skip("rnncheck probes are off: run with --rnncheck")
        try:
            specs = self.specs(probes)
        except ProbeSpecError as exc:
            pytest.fail(f"bad rnncheck probe: {exc}", pytrace=False)
        if not specs:
            pytest.fail(
                "rnncheck() was called but the test names no probe: mark it, e.g. @rnncheck.lag(2) "
                "(from pytest_rnncheck import rnncheck), or pass one: rnncheck(model, 'lag(2)')",
                pytrace=False,
            )
        from .runner import run_probe

        results = []
        for spec in specs:
            result = run_probe(model, spec, self.probe_seed(spec), label)
            result.nodeid = self.item.nodeid
            result.reproduce = reproduce_command(self.settings, self.item.nodeid)
            self.record(result)
            results.append(result)
        self.finish(results)
        return results

    def record(self, result: Any) -> None:
        self.item.stash.setdefault(ITEM_RESULTS, []).append(result.to_dict())
        self.item.user_properties.extend(report.junit_properties(result.to_dict()))

    def finish(self, results: list) -> None:
        for result in results:
            if result.passed and result.pathologies:
                codes = ", ".join(p.code for p in result.pathologies)
                warnings.warn(RnnCheckWarning(f"{result.probe} passed for {result.model} with findings: {codes}"), stacklevel=3)
        failed = [r for r in results if r.failed_strictly(self.settings.strict)]
        if failed:
            pytest.fail("\n\n".join(r.message() for r in failed), pytrace=False)


def reproduce_command(settings: Settings, nodeid: str) -> str:
    return f"pytest --rnncheck --rnncheck-seed={settings.seed} '{nodeid}'"


@pytest.fixture
def rnncheck(request: pytest.FixtureRequest) -> ProbeRunner:
    """Run the test's probe markers on a model: ``rnncheck(build_model)``."""
    return ProbeRunner(request.node, request.config.stash[SETTINGS])


# -- reporting (controller side; xdist ships reports with their attributes) --
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    rep = yield
    if call.when == "call" and item.stash.get(ITEM_RESULTS, None):
        rep.rnncheck = item.stash[ITEM_RESULTS]
    return rep


class ResultCollector:
    """Gathers every probe result on the controller, prints the table, writes the JSON."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.settings: Settings = config.stash[SETTINGS]
        self.results: list[dict] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        results = getattr(report, "rnncheck", None)
        if results and report.when == "call":
            self.results.extend(results)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results:
            return
        terminalreporter.write_sep("=", "rnncheck")
        for line in report.table_lines(self.results, self.settings.strict):
            terminalreporter.write_line(line)
        for line in report.details_lines(self.results):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"seed {self.settings.seed}: replay with --rnncheck-seed={self.settings.seed}")
        if self.settings.report_path and not hasattr(self.config, "workerinput"):
            terminalreporter.write_line(f"rnncheck JSON report: {self.settings.report_path}")

    def pytest_sessionfinish(self) -> None:
        if self.settings.report_path and not hasattr(self.config, "workerinput"):
            from .runner import backend_name

            report.write_json(self.settings.report_path, self.settings.seed, backend_name(), self.results)
