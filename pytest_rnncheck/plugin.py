"""pytest glue: options, markers, the ``rnncheck`` fixture, reports, xdist.

Read top to bottom in the order pytest calls it. Nothing here imports Keras;
the probe engine (``runner``) is imported when a probe runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import warnings
import zlib
from pathlib import Path
from typing import Any

import pytest

from . import report, run_profiles
from .backend import backend_name, quiet_native_stderr
from .markers import MARKER, MARKER_HELP, marker_text, specs_of
from .model_refs import ModelRef, ModelRefError, load_model_ref, parse_model_ref
from .progress import LiveProgress, is_terminal
from .result import setup_error_result
from .spec import ProbeSpec, ProbeSpecError, parse_expression

HELP_ENABLE = "run the rnncheck memory probes (marked tests are skipped without it)"
HELP_SEED = "base seed for the probes: an integer, 'last' to replay the previous run's, or 'random' (default 0)"
HELP_REPORT = "write every probe's result to this JSON file"
HELP_STRICT = "fail probes that pass but have warning findings"
HELP_MODEL = (
    "probe a model with no test file: MODULE:FACTORY (an importable module or a path to a .py "
    "file, and a zero-argument function building the model); repeatable"
)
HELP_TIMEOUT = (
    "stop a probe that runs longer than this many seconds and report it as an error (default 900; 0: no limit; "
    "needs the worker process, so not with --rnncheck-in-process)"
)
HELP_SEEDS = (
    "train each probe K times, each with its own initialization and data, and pass it when every training passes "
    "(or a probe's min_pass_rate of them); a probe's own seeds= wins (default 1)"
)
HELP_PROFILE = (
    "how much each probe may cost: quick (a quarter of the budget, no remedies, no control runs; a failure it "
    "cannot explain is skipped as inconclusive), ci (the default) or thorough (twice the budget, a larger final "
    "set); docs/performance.md says what each costs"
)
HELP_GC_FREEZE = (
    "after collection, move the objects then alive (Keras's modules among them) out of the garbage "
    "collector's sight with gc.freeze(), so its full collections, pytest's five at exit included, "
    "stop rescanning them (about 1-2 s a run with Keras loaded); false keeps the collector as it comes"
)
HELP_IN_PROCESS = "run probes in the test's own process instead of a recycled worker process (memory then grows with every probe)"
DEFAULT_TIMEOUT = 900.0
HELP_PROBE = "probe to run on every --rnncheck-model, as a marker call: 'lag(2)', 'echo()', 'invert(1, min_accuracy=0.9)'; repeatable"
HELP_SAVE = "keep this run's results in .rnncheck/ as the next numbered file, under NAME if given (default: the time)"
HELP_COMPARE = "show what changed per probe against a saved run: 'last' (default), its number or its name"
HELP_COMPARE_FAIL = (
    "fail the run on a regression against the compared run (implies --rnncheck-compare=last): "
    "comma-separated FIELD:AMOUNT, e.g. 'horizon:1,sequences:2x,accuracy:0.05'"
)
HELP_HTML = "write a self-contained HTML report (learning curves, memory profiles, findings) to PATH; needs matplotlib"
DEFAULT_SEED = 0
CACHE_SEED = "rnncheck/seed"

SETTINGS = pytest.StashKey["Settings"]()
EXECUTOR = pytest.StashKey["ProbeExecutor"]()
ITEM_RESULTS = pytest.StashKey[list]()
ITEM_ERROR = pytest.StashKey[str]()


class RnnCheckWarning(UserWarning):
    """A probe passed, but the diagnosis found something worth fixing."""


class Settings:
    def __init__(
        self,
        enabled: bool,
        seed: int,
        report_path: str | None,
        strict: bool,
        rootdir: Path,
        timeout: float | None = DEFAULT_TIMEOUT,
        isolate: bool = True,
    ):
        self.enabled, self.seed, self.report_path, self.strict = enabled, seed, report_path, strict
        self.rootdir, self.timeout, self.isolate = rootdir, timeout, isolate
        self.save_name: str | None = None  # --rnncheck-save: "" for the default name
        self.compare_path: Path | None = None
        self.compare_run: dict[str, Any] = {}  # the saved run at compare_path, read once at configure
        self.compare_rules: list[Any] = []
        self.html_path: str | None = None
        self.gc_freeze = True  # ini rnncheck_gc_freeze
        self.profile = run_profiles.DEFAULT  # --rnncheck-profile, ini rnncheck_profile
        self.seeds = 1  # --rnncheck-seeds, ini rnncheck_seeds
        self.gates: list[tuple[ModelRef, Any, list[ProbeSpec]]] = []  # --rnncheck-model x --rnncheck-probe


# -- options ---------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rnncheck", "memory probes for Keras sequence models")
    group.addoption("--rnncheck", action="store_true", default=None, dest="rnncheck_enabled", help=HELP_ENABLE)
    group.addoption("--rnncheck-seed", default=None, type=seed_option, metavar="N|last|random", help=HELP_SEED)
    group.addoption("--rnncheck-report", default=None, metavar="PATH", help=HELP_REPORT)
    group.addoption("--rnncheck-strict", action="store_true", default=None, help=HELP_STRICT)
    group.addoption("--rnncheck-timeout", default=None, type=timeout_option, metavar="SECONDS", help=HELP_TIMEOUT)
    group.addoption("--rnncheck-in-process", action="store_true", default=None, help=HELP_IN_PROCESS)
    group.addoption("--rnncheck-model", action="append", default=None, metavar="MODULE:FACTORY", help=HELP_MODEL)
    group.addoption("--rnncheck-probe", action="append", default=None, metavar="EXPR", help=HELP_PROBE)
    group.addoption("--rnncheck-save", nargs="?", const="", default=None, metavar="NAME", help=HELP_SAVE)
    group.addoption("--rnncheck-compare", nargs="?", const="last", default=None, metavar="NAME|last", help=HELP_COMPARE)
    group.addoption("--rnncheck-compare-fail", default=None, type=compare_rules_option, metavar="EXPR", help=HELP_COMPARE_FAIL)
    group.addoption("--rnncheck-html", default=None, metavar="PATH", help=HELP_HTML)
    group.addoption("--rnncheck-profile", default=None, type=profile_option, metavar="quick|ci|thorough", help=HELP_PROFILE)
    group.addoption("--rnncheck-seeds", default=None, type=seeds_option, metavar="K", help=HELP_SEEDS)
    parser.addini("rnncheck", HELP_ENABLE, type="bool", default=False)
    parser.addini("rnncheck_seed", HELP_SEED, default="")
    parser.addini("rnncheck_strict", HELP_STRICT, type="bool", default=False)
    parser.addini("rnncheck_timeout", HELP_TIMEOUT, default="")
    parser.addini("rnncheck_in_process", HELP_IN_PROCESS, type="bool", default=False)
    parser.addini("rnncheck_profile", HELP_PROFILE, default="")
    parser.addini("rnncheck_seeds", HELP_SEEDS, default="")
    parser.addini("rnncheck_gc_freeze", HELP_GC_FREEZE, type="bool", default=True)
    parser.addini("rnncheck_models", HELP_MODEL, type="linelist", default=[])
    parser.addini("rnncheck_probes", HELP_PROBE, type="linelist", default=[])


def seed_option(value: str) -> str | int:
    if value in ("last", "random"):
        return value
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'")
    return seed


def compare_rules_option(value: str) -> list[Any]:
    from .compare import parse_rules
    from .errors import RnnCheckError

    try:
        return parse_rules(value)
    except RnnCheckError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--rnncheck-compare-fail: ")) from None


def profile_option(value: str) -> str:
    try:
        return run_profiles.get(value.strip()).name
    except run_profiles.UnknownProfile as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def seeds_option(value: str) -> int:
    try:
        seeds = int(str(value).strip())
    except ValueError:
        seeds = 0
    if seeds < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of trainings: give an integer >= 1")
    return seeds


def timeout_option(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time limit: give seconds >= 0 (0: no limit)")
    return seconds or None


# -- configure -------------------------------------------------------------
def probes_enabled(config: pytest.Config) -> bool:
    """--rnncheck, else ini ``rnncheck``: whether probes run."""
    enabled = config.getoption("rnncheck_enabled")
    return bool(ini_value(config, "rnncheck") if enabled is None else enabled)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    strict = config.getoption("rnncheck_strict")
    in_process = config.getoption("rnncheck_in_process")
    config.stash[SETTINGS] = Settings(
        enabled=probes_enabled(config),
        seed=resolve_seed(config),
        report_path=config.getoption("rnncheck_report"),
        strict=bool(ini_value(config, "rnncheck_strict") if strict is None else strict),
        rootdir=Path(str(config.rootpath)),
        timeout=resolve_timeout(config),
        isolate=not (ini_value(config, "rnncheck_in_process") if in_process is None else in_process),
    )
    config.stash[SETTINGS].gc_freeze = bool(ini_value(config, "rnncheck_gc_freeze"))  # checked now, used later
    config.stash[SETTINGS].profile = option_or_ini(config, "rnncheck_profile", profile_option, run_profiles.DEFAULT)
    config.stash[SETTINGS].seeds = option_or_ini(config, "rnncheck_seeds", seeds_option, 1)
    config.stash[SETTINGS].gates = resolve_gates(config)
    resolve_outputs(config, config.stash[SETTINGS])
    config.pluginmanager.register(ResultCollector(config), "rnncheck-results")
    settings = config.stash[SETTINGS]
    distributing = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
    if settings.enabled and settings.isolate and not distributing:
        # the worker imports Keras while collection imports the test modules (and Keras) here:
        # on two cores the two start-ups overlap instead of adding up
        executor(config).prestart()
    if config.pluginmanager.hasplugin("xdist"):  # its hooks are unknown to pytest without it
        config.pluginmanager.register(XdistHooks(), "rnncheck-xdist")


def resolve_outputs(config: pytest.Config, settings: Settings) -> None:
    """--rnncheck-save/-compare/-compare-fail/-html, checked now so a typo stops the run at once."""
    from . import storage
    from .errors import RnnCheckError

    save, which = config.getoption("rnncheck_save"), config.getoption("rnncheck_compare")
    settings.compare_rules = config.getoption("rnncheck_compare_fail") or []
    settings.html_path = config.getoption("rnncheck_html")
    if settings.compare_rules and which is None:
        which = "last"
    try:
        if save is not None:
            settings.save_name = storage.check_name(save) if save else ""
        if which is not None and not hasattr(config, "workerinput"):
            settings.compare_path = storage.find(settings.rootdir / storage.FOLDER, which)
            settings.compare_run = storage.load(settings.compare_path)
    except RnnCheckError as exc:
        raise pytest.UsageError(f"rnncheck: {exc}") from None
    if settings.html_path and settings.enabled:
        from .html_report import check_matplotlib

        try:
            check_matplotlib()
        except RnnCheckError as exc:
            raise pytest.UsageError(f"rnncheck: {exc}") from None


def resolve_timeout(config: pytest.Config) -> float | None:
    return option_or_ini(config, "rnncheck_timeout", timeout_option, DEFAULT_TIMEOUT)


def option_or_ini(config: pytest.Config, name: str, parse: Any, default: Any) -> Any:
    """CLI > ini > default; the ini text is validated by the flag's own parser, and a bad value
    is a one-line usage error."""
    value = config.getoption(name)
    if value is not None:
        return value
    text = str(ini_value(config, name)).strip()
    if not text:
        return default
    try:
        return parse(text)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"rnncheck: ini setting {name}: {exc}") from None


def executor(config: pytest.Config) -> Any:
    """The session's probe executor (and its worker process), made on first use."""
    if EXECUTOR not in config.stash:
        from .isolation import ProbeExecutor

        settings = config.stash[SETTINGS]
        config.stash[EXECUTOR] = ProbeExecutor(settings.isolate, settings.timeout)
    return config.stash[EXECUTOR]


#: The ini settings pytest reads as booleans, and how to write the other typed ones.
INI_BOOLS = ("rnncheck", "rnncheck_strict", "rnncheck_in_process", "rnncheck_gc_freeze")
INI_HOW = {"rnncheck_models": "give one MODULE:FACTORY per line", "rnncheck_probes": "give one probe per line"}


def ini_value(config: pytest.Config, name: str) -> Any:
    """An ini setting; a value pytest cannot read is a one-line usage error naming the setting.

    pytest up to 9.1 raises ValueError (TypeError for a TOML value of the wrong type) from
    ``getini``; 9.2 raises its own UsageError, which would print without the setting's name.
    """
    try:
        return config.getini(name)
    except (ValueError, TypeError, pytest.UsageError) as exc:
        how = "use true or false" if name in INI_BOOLS else INI_HOW.get(name, "give it as text")
        reason = str(exc).removeprefix("ERROR: ")
        raise pytest.UsageError(f"rnncheck: ini setting {name}: {reason}; {how}") from None


def resolve_gates(config: pytest.Config) -> list[tuple[ModelRef, Any, list[ProbeSpec]]]:
    """Models and probes named on the command line (or ini); usage errors stop the run."""
    models = config.getoption("rnncheck_model") or ini_value(config, "rnncheck_models")
    probes = config.getoption("rnncheck_probe") or ini_value(config, "rnncheck_probes")
    if not models and not probes:
        return []
    if not models or not probes:
        missing = "--rnncheck-probe (e.g. --rnncheck-probe='lag(2)')" if models else "--rnncheck-model=MODULE:FACTORY"
        raise pytest.UsageError(f"rnncheck: {missing} is needed too: every model is checked with every probe")
    try:
        specs = [parse_expression(text) for text in probes]
        refs = [parse_model_ref(text) for text in models]
    except (ProbeSpecError, ModelRefError) as exc:
        raise pytest.UsageError(f"rnncheck: {exc}") from None
    settings = config.stash[SETTINGS]
    gates = []
    for ref in refs:
        source = None
        if settings.enabled:  # import the user's module (and so Keras) only when probes run
            try:
                with quiet_native_stderr():  # the module imports Keras: keep its runtime's chatter out
                    source = load_model_ref(ref, settings.rootdir)
            except ModelRefError as exc:
                raise pytest.UsageError(f"rnncheck: {exc}") from None
        gates.append((ref, source, specs))
    return gates


def resolve_seed(config: pytest.Config) -> int:
    """CLI > ini > default; 'last' reads the cache, 'random' draws one."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "rnncheck_seed" in workerinput:  # xdist: the controller decided
        return int(workerinput["rnncheck_seed"])
    value = option_or_ini(config, "rnncheck_seed", seed_option, DEFAULT_SEED)
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if value == "last":
        cached = cache.get(CACHE_SEED, None) if cache else None
        value = cached if isinstance(cached, int) else DEFAULT_SEED
    elif value == "random":
        value = random.Random().randrange(2**31)
    if cache is not None and not workerinput:
        cache.set(CACHE_SEED, value)
    return int(value)


class XdistHooks:
    """Hooks of pytest-xdist, registered only where it is installed."""

    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: hand every worker the same base seed."""
        node.workerinput["rnncheck_seed"] = node.config.stash[SETTINGS].seed


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` with probes on: one worker per usable core, as many as the memory holds (each
    runs its own probe worker, see resources.py). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still wins, and
    runs without probes keep xdist's own count."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    if not probes_enabled(config) and not config.getoption("rnncheck_model"):
        return None
    from .resources import auto_workers, available_mb, usable_cores

    return auto_workers(usable_cores(), available_mb())


def pytest_report_header(config: pytest.Config) -> str:
    from . import __version__

    settings = config.stash[SETTINGS]
    if not settings.enabled:
        return f"rnncheck {__version__}: probes off (run with --rnncheck to run them)"
    from .run_info import header_versions

    return (
        f"rnncheck {__version__}: probes on, --rnncheck-seed={settings.seed}, --rnncheck-profile={settings.profile}, "
        + (f"--rnncheck-seeds={settings.seeds}, " if settings.seeds > 1 else "")
        + f"backend {backend_name()} ({header_versions(backend_name())})"
    )


# -- collection ------------------------------------------------------------
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
        ProbeRunner(self, self.config.stash[SETTINGS])(self.source, label=self.ref.text, ref=self.ref)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"rnncheck {self.ref.text} {self.spec.name}"

    def reproduce(self, seed: int) -> str:
        return (
            f"pytest --rnncheck --rnncheck-seed={seed} --rnncheck-model={self.ref.text} "
            f"--rnncheck-probe=\"{self.spec.name}\" -p no:python"
        )


def gate_items(session: pytest.Session, settings: Settings) -> list[pytest.Item]:
    if not settings.gates:
        return []
    gate = ModelGate.from_parent(session, name="rnncheck", nodeid="rnncheck")
    return [
        ModelProbeItem.from_parent(
            gate,
            name=f"{ref.text}[{spec.name}]",
            nodeid=f"rnncheck::{ref.text}[{spec.name}]",
            ref=ref,
            source=source,
            spec=spec,
        )
        for ref, source, specs in settings.gates
        for spec in specs
    ]


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so they apply to these items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[SETTINGS]
    items.extend(gate_items(session, settings))
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


def pytest_sessionstart(session: pytest.Session) -> None:
    """With --junitxml and probes on: the run's seed, profile, backend and versions as properties
    of the test suite (each test case has its probe's own, see report.junit_properties)."""
    settings = session.config.stash[SETTINGS]
    if not settings.enabled:
        return
    try:
        from _pytest.junitxml import xml_key  # pytest's LogXML; present since pytest 6.2
    except ImportError:
        return
    xml = session.config.stash.get(xml_key, None)
    if xml is None:
        return
    for name, value in report.suite_properties(settings.seed, settings.profile, backend_name()):
        xml.add_global_property(name, value)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the probes' worker process (started at configure) only if some probe will run."""
    settings = session.config.stash[SETTINGS]
    if settings.enabled and any(item.get_closest_marker(MARKER) for item in session.items):
        executor(session.config).prestart()
        if settings.gc_freeze:
            # what is alive now (test modules, Keras) lives until exit; objects the tests create
            # later are still collected, and pytest's unraisable-exception check still sees them
            gc.freeze()
    elif EXECUTOR in session.config.stash:
        session.config.stash[EXECUTOR].close()  # nothing to probe: free its memory and CPU now


def pytest_unconfigure(config: pytest.Config) -> None:
    if EXECUTOR in config.stash:
        config.stash[EXECUTOR].close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    error = item.stash.get(ITEM_ERROR, None)
    if error:
        message = f"bad rnncheck marker on {item.nodeid}: {error}"
        probes = [marker_text(mark) for mark in item.iter_markers(MARKER)]
        record_error(item, ", ".join(probes) or "-", message)
        pytest.fail(message, pytrace=False)


def record_error(item: pytest.Item, probe: str, message: str) -> None:
    """A probe that could not even start still gets a row (verdict ``error``) in the table and JSON."""
    seed = item.config.stash[SETTINGS].seed
    row = setup_error_result(item.nodeid, probe, seed, message)
    item.stash.setdefault(ITEM_RESULTS, []).append(row)


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
        if self.settings.seeds > 1:  # --rnncheck-seeds: every probe that does not choose its own
            specs = [spec.replace(seeds=self.settings.seeds) if spec.seeds is None else spec for spec in specs]
        return specs

    def probe_seed(self, spec: ProbeSpec) -> int:
        if spec.seed is not None:
            return spec.seed
        # seeds=k leaves the name out: its first training is the probe's own
        return (self.settings.seed + zlib.crc32(f"{self.item.nodeid}|{spec.one_seed().name}".encode())) % 2**31

    def __call__(self, model: Any, *probes: str | ProbeSpec, label: str | None = None, ref: ModelRef | None = None) -> list:
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
        from .runner import source_label

        results = []
        live = LiveProgress(self.item.config)
        label = label or source_label(model)
        for spec in specs:
            task = ProbeTask(
                spec, self.probe_seed(spec), label, factory=None if ref else model, ref=ref,
                rootdir=str(self.settings.rootdir), profile=self.settings.profile,
            )
            try:
                result = executor(self.item.config).run(task, live.reporter(spec.name, label))
            finally:
                live.close()
            result.nodeid = self.item.nodeid
            result.reproduce = reproduce_command(self.settings, self.item)
            self.record(result)
            live.ended(report.outcome_line(result.to_dict(), self.settings.strict))
            results.append(result)
        self.finish(results)
        return results

    def fail_setup(self, probe: str, message: str) -> None:
        record_error(self.item, probe, message)
        pytest.fail(message, pytrace=False)

    def record(self, result: Any) -> None:
        self.item.stash.setdefault(ITEM_RESULTS, []).append(result.to_dict())
        self.item.user_properties.extend(report.junit_properties(result.to_dict()))

    def finish(self, results: list) -> None:
        for result in results:
            if result.passed and result.pathologies:
                codes = ", ".join(p.code for p in result.pathologies)
                warnings.warn(RnnCheckWarning(f"{result.probe} passed for {result.model} with findings: {codes}"), stacklevel=3)
        failed = [r for r in results if r.failed_strictly(self.settings.strict)]
        if failed and all(r.inconclusive for r in failed):  # the quick profile could not settle it
            pytest.skip("\n\n".join(r.message() for r in failed))
        if failed:
            pytest.fail("\n\n".join(r.message() for r in failed), pytrace=False)


def reproduce_command(settings: Settings, item: pytest.Item) -> str:
    if isinstance(item, ModelProbeItem):
        return item.reproduce(settings.seed) + run_flags(settings)
    return f"pytest --rnncheck --rnncheck-seed={settings.seed}{run_flags(settings)} '{item.nodeid}'"


def run_flags(settings: Settings) -> str:
    """The run profile (and --rnncheck-seeds) as flags for a reproduce command (empty for the defaults)."""
    flags = "" if settings.profile == run_profiles.DEFAULT else f" --rnncheck-profile={settings.profile}"
    return flags + (f" --rnncheck-seeds={settings.seeds}" if settings.seeds > 1 else "")


@pytest.fixture
def rnncheck(request: pytest.FixtureRequest) -> ProbeRunner:
    """Run memory probes on a Keras model and fail the test with the cause when one does not pass:
    rnncheck(build_model) runs the test's @rnncheck.lag(2)-style markers, each on a fresh copy,
    when pytest runs with --rnncheck (the test is skipped otherwise).

    rnncheck(build_model, "lag(4)") adds probes by expression. Give a zero-argument factory, or
    a model (it is cloned, never trained itself); ini ``rnncheck = true`` turns probes on too.
    Returns the results. Seed: --rnncheck-seed; cost: --rnncheck-profile=quick|ci|thorough;
    docs/probes.md lists the probes.
    """
    return ProbeRunner(request.node, request.config.stash[SETTINGS])


# -- reporting (controller side; xdist ships reports with their attributes) --
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    rep = yield
    results = item.stash.get(ITEM_RESULTS, None)
    if results and (call.when == "call" or (call.when == "setup" and rep.failed)):
        rep.rnncheck = results
        if item.config.pluginmanager.hasplugin("html"):  # pytest-html shows extras under the test
            from .integrations import html_extras

            rep.extras = [*getattr(rep, "extras", []), *html_extras(results)]
    return rep


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item: pytest.Item, call: pytest.CallInfo) -> dict[str, Any]:
    """pytest-json-report: each probe's verdict, numbers and findings in the test's metadata."""
    results = item.stash.get(ITEM_RESULTS, None)
    if not results or call.when != "call":
        return {}
    from .integrations import json_metadata

    return json_metadata(results)


class ResultCollector:
    """Gathers every probe result on the controller, prints the table, writes the JSON, the
    saved run, the comparison and the HTML report."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.settings: Settings = config.stash[SETTINGS]
        self.results: list[dict] = []
        self.written: list[str] = []  # "what: path" lines for the summary
        self.compared: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        results = getattr(report, "rnncheck", None)
        if results and report.when in ("setup", "call"):
            self.results.extend(results)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results and not self.compared:
            return
        terminalreporter.write_sep("=", "rnncheck")
        width = min(report.TABLE_WIDTH, terminalreporter._tw.fullwidth) if is_terminal(terminalreporter) else report.TABLE_WIDTH
        if self.results:
            for line in report.table_lines(self.results, self.settings.strict, width):
                terminalreporter.write_line(line)
            for line in report.details_lines(self.results):
                terminalreporter.write_line(line)
            from .run_info import devices

            ran_on = devices(self.results)
            where = f"; probes ran on {', '.join(ran_on)}" if ran_on else ""
            terminalreporter.write_line(f"seed {self.settings.seed}: replay with --rnncheck-seed={self.settings.seed}{where}")
        for line in self.compared:
            terminalreporter.write_line(line, red="REGRESSION" in line)
        for line in self.written:
            terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return
        settings = self.settings
        from .run_info import commit_info, devices, machine_info

        document = report.document(
            settings.seed, backend_name(), self.results, machine_info(backend_name(), devices(self.results)),
            commit_info(settings.rootdir),
        )
        saved_document = dict(document)  # a saved run is the run itself, without this comparison
        if settings.compare_path is not None:
            regressions = self.compare(document)
            if regressions and settings.compare_rules and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if settings.report_path:
            report.write_document(settings.report_path, document)
            self.written.append(f"rnncheck JSON report: {settings.report_path}")
        if settings.save_name is not None:
            from . import storage

            path = storage.save(settings.rootdir / storage.FOLDER, settings.save_name or None, saved_document)
            self.written.append(f"rnncheck run saved: {path.relative_to(settings.rootdir)}")
        if settings.html_path and self.results:
            from .html_report import write_html

            write_html(settings.html_path, document)
            self.written.append(f"rnncheck HTML report: {settings.html_path}")

    def compare(self, document: dict[str, Any]) -> int:
        """Fill ``self.compared``; return how many probes regressed under the rules."""
        from .compare import compare_runs

        path, saved = self.settings.compare_path, self.settings.compare_run
        source = str(path.relative_to(self.settings.rootdir)) if path.is_relative_to(self.settings.rootdir) else str(path)
        self.compared, document["compare"] = compare_runs(
            saved, self.results, source, self.settings.seed, self.settings.compare_rules, document.get("machine_info")
        )
        regressions = document["compare"]["regressions"]
        if regressions and self.settings.compare_rules:
            rules = ",".join(r.text for r in self.settings.compare_rules)
            self.compared.append(f"rnncheck: {regressions} regression(s) under --rnncheck-compare-fail={rules}: the run fails")
        return regressions
