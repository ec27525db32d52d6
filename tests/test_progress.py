"""Live progress on a terminal, drawn and erased without touching pytest's own line."""

import io

from pytest_rnncheck.progress import LiveProgress


class Writer:
    fullwidth = 80
    width_of_current_line = 20

    def __init__(self):
        self._file = io.StringIO()


class Terminal:
    def __init__(self, tty=True):
        self._tw = Writer()
        self.tty = tty

    def isatty(self):
        return self.tty


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


def test_no_progress_off_a_terminal_under_q_or_on_an_xdist_worker():
    for config in (Config(Terminal(tty=False)), Config(Terminal(), verbosity=-1), Config(Terminal(), worker=True)):
        live = LiveProgress(config)
        live("echo()", 128, None, 0.1)
        live.close()
        assert config.terminal._tw._file.getvalue() == ""
