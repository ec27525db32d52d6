"""Live progress on a terminal, drawn and erased without touching pytest's own line; in a
log (output not a terminal), a line per probe and a heartbeat on long ones."""

import io

from pytest_rnncheck import progress
from pytest_rnncheck.progress import LiveProgress
from pytest_rnncheck.report import outcome_line
from pytest_rnncheck.result import ProbeResult


class Writer:
    fullwidth = 80
    width_of_current_line = 20

    def __init__(self):
        self._file = io.StringIO()


class Terminal:
    def __init__(self, tty=True):
        self._tw = Writer()
        self.tty = tty
        self.lines = []
        self.flushed = 0

    def isatty(self):
        return self.tty

    def write_line(self, line):
        self.lines.append(line)

    def flush(self):
        self.flushed += 1


class OldConfig:
    """pytest 7: no ``get_verbosity``; ``option.verbose`` holds -v/-q."""

    def __init__(self, terminal, verbosity=0):
        self.terminal, self.pluginmanager = terminal, self
        self.option = type("Option", (), {"verbose": verbosity})()

    def get_plugin(self, name):
        return self.terminal if name == "terminalreporter" else None


class OldTerminal(Terminal):
    """pytest < 8.1: ``isatty`` is a bool attribute, not a method."""

    def __init__(self, tty=True):
        super().__init__(tty)
        self.isatty = tty


class Config:
    def __init__(self, terminal, verbosity=0, worker=False):
        self.terminal, self.verbosity = terminal, verbosity
        if worker:
            self.workerinput = {}
        self.pluginmanager = self

    def get_plugin(self, name):
        return self.terminal if name == "terminalreporter" else None

    def get_verbosity(self):
        return self.verbosity


def test_progress_is_drawn_then_erased_leaving_the_line_as_it_was():
    terminal = Terminal()
    live = LiveProgress(Config(terminal))
    live("lag(16)", 24576, 0.41, 9.2)
    shown = terminal._tw._file.getvalue()
    assert shown == " [lag(16): 24,576 seq, acc 0.41, 9 s]"
    live.close()
    out = terminal._tw._file.getvalue()[len(shown):]
    n = len(shown)
    assert out == "\b" * n + " " * n + "\b" * n


def test_progress_is_cut_to_the_room_left_on_the_line():
    terminal = Terminal()
    terminal._tw.width_of_current_line = 70
    LiveProgress(Config(terminal))("lag(16)", 24576, None, 1.0)
    assert len(terminal._tw._file.getvalue()) == 9


def test_nothing_is_drawn_off_a_terminal_under_q_or_on_an_xdist_worker():
    for config in (Config(Terminal(tty=False)), Config(Terminal(), verbosity=-1), Config(Terminal(), worker=True)):
        live = LiveProgress(config)
        live("echo()", 128, None, 0.1)
        live.ended("rnncheck: echo() on m: pass")
        live.close()
        assert config.terminal._tw._file.getvalue() == ""
    assert [c.terminal.lines for c in (Config(Terminal(), verbosity=-1), Config(Terminal(), worker=True))] == [[], []]


def test_pytest_7_with_isatty_a_bool_and_no_get_verbosity_is_read_too():
    live = LiveProgress(OldConfig(OldTerminal()))
    live("lag(2)", 256, None, 1.0)
    assert live.enabled and terminal_text(live) == " [lag(2): 256 seq, 1 s]"
    assert not LiveProgress(OldConfig(OldTerminal(), verbosity=-1)).enabled
    in_a_log = LiveProgress(OldConfig(OldTerminal(tty=False)))
    assert not in_a_log.enabled and in_a_log.heartbeat and in_a_log.log_ends


def terminal_text(live):
    return live.terminal._tw._file.getvalue()


def test_in_a_log_each_probe_ends_with_a_line_and_a_long_one_says_it_is_alive(monkeypatch):
    terminal = Terminal(tty=False)
    live = LiveProgress(Config(terminal))
    report = live.reporter("lag(16)", "build_gru")
    report(128, None)
    assert terminal.lines == []  # not yet LOG_EVERY seconds: no heartbeat
    live.logged_at -= progress.LOG_EVERY
    report(24576, 0.41)
    report(25000, 0.42)  # just written: the next waits another LOG_EVERY seconds
    assert len(terminal.lines) == 1
    assert terminal.lines[0].startswith("rnncheck: lag(16) on build_gru: still training, 24,576 seq, acc 0.41, ")
    live.ended("rnncheck: lag(16) on build_gru: pass")
    assert terminal.lines[-1] == "rnncheck: lag(16) on build_gru: pass" and terminal.flushed == 2
    assert terminal._tw._file.getvalue() == ""  # nothing drawn with backspaces in a log


def test_under_q_a_log_gets_the_heartbeat_only():
    terminal = Terminal(tty=False)
    live = LiveProgress(Config(terminal, verbosity=-1))
    report = live.reporter("memory(max_lag=16)", "m")
    live.logged_at -= progress.LOG_EVERY
    report(1024, 0.5)
    live.ended("rnncheck: memory(max_lag=16) on m: FAIL")
    assert len(terminal.lines) == 1 and "still training" in terminal.lines[0]


def test_the_outcome_line_holds_the_verdict_the_numbers_and_the_findings():
    row = {"probe": "lag(2)", "model": "build_model", "passed": False, "error": None, "accuracy": 0.4213,
           "threshold": 0.9, "horizon": None, "sequences": 4096, "total_sequences": 12288, "seconds": 7.25,
           "pathologies": [{"code": "undertrained"}]}
    assert outcome_line(ProbeResult.from_dict(row)) == (
        "rnncheck: lag(2) on build_model: FAIL, acc 0.421, need 0.90, 12,288 seq, 7.2 s [undertrained]"
    )
    passed = dict(row, passed=True, pathologies=[], horizon=4, threshold=None, total_sequences=0)
    assert outcome_line(ProbeResult.from_dict(passed)) == (
        "rnncheck: lag(2) on build_model: pass, acc 0.421, horizon 4, 4,096 seq, 7.2 s"
    )
    broken = dict(row, error="worker crashed\ntraceback", accuracy=None)
    assert outcome_line(ProbeResult.from_dict(broken)) == (
        "rnncheck: lag(2) on build_model: ERROR (worker crashed), 7.2 s"
    )
