"""The run's state and outputs: the probe executor, every probe's result, and what is written at the end.

``RnnCheckSession`` is made at configure and registered as a plugin object (as pytest's junitxml
registers its ``LogXML``): it gathers the results that reports carry (on the controller, xdist
ships reports with their attributes), prints the table, writes the JSON document, compares with a
saved run, saves this one in ``.rnncheck/`` and writes the HTML report.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import pytest

from . import report
from .backend import backend_name
from .markers import MARKER
from .progress import is_terminal
from .result import ProbeResult, setup_error_result
from .settings import SETTINGS, Settings

if TYPE_CHECKING:  # the worker's machinery loads on first use, never with the plugin
    from .isolation import ProbeExecutor

#: The name the session is registered under in pytest's plugin manager.
PLUGIN_NAME = "rnncheck-results"
#: An item's probe results (``ProbeResult``); its reports carry them as dicts (``to_dict``), which xdist ships.
ITEM_RESULTS = pytest.StashKey[list]()
#: An item's bad rnncheck marker, found at collection, failed at setup.
ITEM_ERROR = pytest.StashKey[str]()


def session_of(config: pytest.Config) -> RnnCheckSession:
    """The run's session, made at configure."""
    return config.stash[SESSION]


def start_session(config: pytest.Config, settings: Settings) -> RnnCheckSession:
    """Make the run's session, keep it in the config's stash and register it as a plugin."""
    config.stash[SESSION] = session = RnnCheckSession(config, settings)
    config.pluginmanager.register(session, PLUGIN_NAME)
    return session


def record_error(item: pytest.Item, probe: str, message: str) -> None:
    """A probe that could not even start still gets a row (verdict ``error``) in the table and JSON."""
    seed = item.config.stash[SETTINGS].seed
    row = setup_error_result(item.nodeid, probe, seed, message)
    item.stash.setdefault(ITEM_RESULTS, []).append(row)


def attach_results(item: pytest.Item, call: pytest.CallInfo, rep: pytest.TestReport) -> None:
    """The item's probe results on its report (``rep.rnncheck``), and pytest-html's extras for them."""
    results = item.stash.get(ITEM_RESULTS, None)
    if results and (call.when == "call" or (call.when == "setup" and rep.failed)):
        rep.rnncheck = [r.to_dict() for r in results]  # type: ignore[attr-defined]
        if item.config.pluginmanager.hasplugin("html"):  # pytest-html shows extras under the test
            from .integrations import html_extras

            rep.extras = [*getattr(rep, "extras", []), *html_extras(results)]  # type: ignore[attr-defined]


def json_metadata(item: pytest.Item, call: pytest.CallInfo) -> dict[str, Any]:
    """pytest-json-report's metadata for the item's call: its probes, or nothing."""
    results = item.stash.get(ITEM_RESULTS, None)
    if not results or call.when != "call":
        return {}
    from .integrations import json_metadata as metadata

    return metadata(results)


class RnnCheckSession:
    """Gathers every probe result on the controller, prints the table, writes the JSON, the
    saved run, the comparison and the HTML report; owns the probe executor."""

    def __init__(self, config: pytest.Config, settings: Settings):
        self.config, self.settings = config, settings
        self.results: list[ProbeResult] = []  # read once from the reports' dicts
        self.written: list[str] = []  # "what: path" lines for the summary
        self.compared: list[str] = []
        self._executor: ProbeExecutor | None = None

    # -- the probe executor ------------------------------------------------------------------------
    def executor(self) -> ProbeExecutor:
        """The session's probe executor (and its worker process), made on first use."""
        if self._executor is None:
            from .isolation import ProbeExecutor

            self._executor = ProbeExecutor(self.settings.isolate, self.settings.timeout)
        return self._executor

    def configured(self) -> None:
        """At configure: start the worker now unless xdist's workers will run the probes."""
        config = self.config
        distributing = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
        if self.settings.enabled and self.settings.isolate and not distributing:
            # the worker imports Keras while collection imports the test modules (and Keras) here:
            # on two cores the two start-ups overlap instead of adding up
            self.executor().prestart()

    def collection_finished(self, items: list[pytest.Item]) -> None:
        """Keep the probes' worker process (started at configure) only if some probe will run."""
        if self.settings.enabled and any(item.get_closest_marker(MARKER) for item in items):
            self.executor().prestart()
            if self.settings.gc_freeze:
                # what is alive now (test modules, Keras) lives until exit; objects the tests create
                # later are still collected, and pytest's unraisable-exception check still sees them
                gc.freeze()
        elif self._executor is not None:
            self._executor.close()  # nothing to probe: free its memory and CPU now

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()

    # -- the header and JUnit ----------------------------------------------------------------------
    def header(self) -> str:
        from . import __version__

        settings = self.settings
        if not settings.enabled:
            return f"rnncheck {__version__}: probes off (run with --rnncheck to run them)"
        from .run_info import header_versions

        return (
            f"rnncheck {__version__}: probes on, --rnncheck-seed={settings.seed}, "
            f"--rnncheck-profile={settings.profile}, "
            + (f"--rnncheck-seeds={settings.seeds}, " if settings.seeds > 1 else "")
            + f"backend {backend_name()} ({header_versions(backend_name())})"
        )

    def add_junit_properties(self) -> None:
        """With --junitxml and probes on: the run's seed, profile, backend and versions as properties
        of the test suite (each test case has its probe's own, see report.junit_properties)."""
        settings = self.settings
        if not settings.enabled:
            return
        try:
            from _pytest.junitxml import xml_key  # pytest's LogXML; present since pytest 6.2
        except ImportError:
            return
        xml = self.config.stash.get(xml_key, None)
        if xml is None:
            return
        for name, value in report.suite_properties(settings.seed, settings.profile, backend_name()):
            xml.add_global_property(name, value)

    # -- hooks -------------------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        results = getattr(report, "rnncheck", None)
        if results and report.when in ("setup", "call"):
            self.results.extend(ProbeResult.from_dict(r) for r in results)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results and not self.compared:
            return
        terminalreporter.write_sep("=", "rnncheck")
        tty = is_terminal(terminalreporter)
        width = min(report.TABLE_WIDTH, terminalreporter._tw.fullwidth) if tty else report.TABLE_WIDTH
        if self.results:
            for line in report.table_lines(self.results, self.settings.strict, width):
                terminalreporter.write_line(line)
            for line in report.details_lines(self.results):
                terminalreporter.write_line(line)
            from .run_info import devices

            ran_on = devices(self.results)
            where = f"; probes ran on {', '.join(ran_on)}" if ran_on else ""
            seed = self.settings.seed
            terminalreporter.write_line(f"seed {seed}: replay with --rnncheck-seed={seed}{where}")
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
            settings.seed, backend_name(), [r.to_dict() for r in self.results],
            machine_info(backend_name(), devices(self.results)), commit_info(settings.rootdir),
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

        settings = self.settings
        path, saved, rules = settings.compare_path, settings.compare_run, list(settings.compare_rules)
        assert path is not None
        source = str(path.relative_to(settings.rootdir)) if path.is_relative_to(settings.rootdir) else str(path)
        self.compared, document["compare"] = compare_runs(
            saved, self.results, source, settings.seed, rules, document.get("machine_info")
        )
        regressions = document["compare"]["regressions"]
        if regressions and rules:
            text = ",".join(r.text for r in rules)
            line = f"rnncheck: {regressions} regression(s) under --rnncheck-compare-fail={text}: the run fails"
            self.compared.append(line)
        return regressions


#: Where ``start_session`` keeps the run's session.
SESSION = pytest.StashKey[RnnCheckSession]()
