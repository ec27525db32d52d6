"""pytest's entry point: hooks that hand off, in the order pytest calls them.

- settings.py: the option table and ``Settings``, read once at configure;
- session.py: ``RnnCheckSession``, a plugin object (results, table, JSON, compare, saved runs, HTML)
  owning the probe executor;
- fixture.py: the ``rnncheck`` fixture (``ProbeFixture``); items.py: the command-line models' items;
- xdist's hooks in ``XdistHooks``, registered only where xdist is installed.

Nothing here imports Keras; the probe engine (``runner``) is imported when a probe runs.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from . import items as _items
from . import settings as _settings
from .fixture import RnnCheckWarning, rnncheck
from .markers import MARKER_HELP
from .session import SESSION, attach_results, json_metadata, session_of, start_session
from .settings import SETTINGS, Settings

__all__ = ["RnnCheckWarning", "rnncheck"]  # the fixture is found here; the warning is filtered by this name too


# -- options and configure -------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    _settings.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    config.stash[SETTINGS] = settings = Settings.from_config(config)
    start_session(config, settings).configured()
    if config.pluginmanager.hasplugin("xdist"):  # its hooks are unknown to pytest without it
        config.pluginmanager.register(XdistHooks(), "rnncheck-xdist")


class XdistHooks:
    """Hooks of pytest-xdist, registered only where it is installed."""

    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: hand every worker the same base seed."""
        node.workerinput[_settings.WORKER_SEED] = node.config.stash[SETTINGS].seed


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` with probes on: one worker per usable core, as many as the memory holds (each
    runs its own probe worker, see resources.py). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still wins, and
    runs without probes keep xdist's own count. xdist asks before ``pytest_configure``."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    if not _settings.probes_enabled(config) and not config.getoption("rnncheck_model"):
        return None
    from .resources import auto_workers, available_mb, usable_cores

    return auto_workers(usable_cores(), available_mb())


def pytest_report_header(config: pytest.Config) -> str:
    return session_of(config).header()


# -- collection ------------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so they apply to these items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    _items.prepare(session, config.stash[SETTINGS], items)


def pytest_sessionstart(session: pytest.Session) -> None:
    session_of(session.config).add_junit_properties()


def pytest_collection_finish(session: pytest.Session) -> None:
    session_of(session.config).collection_finished(session.items)


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION in config.stash:  # absent when configure stopped on a usage error
        config.stash[SESSION].close()


# -- running and reporting -------------------------------------------------------------------------
def pytest_runtest_setup(item: pytest.Item) -> None:
    _items.fail_bad_marker(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    rep = yield
    attach_results(item, call, rep)
    return rep


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item: pytest.Item, call: pytest.CallInfo) -> dict[str, Any]:
    """pytest-json-report: each probe's verdict, numbers and findings in the test's metadata."""
    return json_metadata(item, call)
