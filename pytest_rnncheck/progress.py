"""What a running probe shows: live on a terminal, a line at a time in a log.

On a terminal, ``[lag(16): 24,576 seq, acc 0.41, 9 s]`` is written after what pytest
has printed for the test and erased again (backspaces, straight to the terminal, so
pytest's own line accounting is untouched) when the probe ends.

When the output is not a terminal (a CI log), a line is written when each probe ends,
and a ``still training`` line every ``LOG_EVERY`` seconds while a long one runs, so a log
never sits silent for minutes; under ``-q`` only those heartbeats are written. Nothing is
shown on an xdist worker (its output is not read).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable

#: Seconds between two redraws on a terminal.
REDRAW_EVERY = 0.25
#: Seconds between two ``still training`` lines in a log.
LOG_EVERY = 30.0


def is_terminal(reporter: Any) -> bool:
    """Whether pytest's terminal reporter writes to a terminal.

    ``TerminalReporter.isatty`` is a bool attribute up to pytest 8.0 and a method since.
    """
    value = getattr(reporter, "isatty", False)
    return bool(value() if callable(value) else value)


def verbosity(config: Any) -> int:
    """``-v`` counts up, ``-q`` down; ``Config.get_verbosity`` is pytest 8's, ``option.verbose`` older."""
    if hasattr(config, "get_verbosity"):
        return int(config.get_verbosity())
    return int(getattr(config.option, "verbose", 0))


class LiveProgress:
    def __init__(self, config: Any):
        self.terminal = config.pluginmanager.get_plugin("terminalreporter")
        self.capture = config.pluginmanager.get_plugin("capturemanager")
        shown = self.terminal is not None and not hasattr(config, "workerinput")
        tty = shown and is_terminal(self.terminal)
        quiet = verbosity(config) < 0
        self.enabled = tty and not quiet  # drawn live at the line's end
        self.heartbeat = shown and not tty  # a line every LOG_EVERY seconds in a log
        self.log_ends = self.heartbeat and not quiet  # and a line per probe
        self.shown = 0
        self.drawn_at = 0.0
        self.logged_at = 0.0

    def reporter(self, probe: str, label: str = "") -> Callable[[int, float | None], None]:
        """The callback for one probe's trainer: (sequences, monitor accuracy)."""
        start = self.logged_at = time.monotonic()
        return lambda sequences, accuracy: self(probe, sequences, accuracy, time.monotonic() - start, label)

    def __call__(self, probe: str, sequences: int, accuracy: float | None, elapsed: float, label: str = "") -> None:
        now = time.monotonic()
        acc = "" if accuracy is None else f", acc {accuracy:.2f}"
        if self.heartbeat and now - self.logged_at >= LOG_EVERY:
            self.logged_at = now
            name = f"{probe} on {label}" if label else probe
            self.log(f"rnncheck: {name}: still training, {sequences:,} seq{acc}, {elapsed:.0f} s")
        if not self.enabled or now - self.drawn_at < REDRAW_EVERY:
            return
        self.drawn_at = now
        self.draw(f" [{probe}: {sequences:,} seq{acc}, {elapsed:.0f} s]")

    def ended(self, line: str) -> None:
        """A probe's one-line outcome, in a log (not on a terminal, where the table follows)."""
        if self.log_ends:
            self.log(line)

    def close(self) -> None:
        if self.enabled and self.shown:
            self.draw("")
        self.drawn_at = 0.0

    def log(self, text: str) -> None:
        with self._uncaptured():
            self.terminal.write_line(text)  # on a line of its own
            self.terminal.flush()

    def draw(self, text: str) -> None:
        writer = self.terminal._tw
        room = writer.fullwidth - writer.width_of_current_line - 1
        text = text[: max(room, 0)]
        out = getattr(writer, "_file", None)
        if out is None:
            return
        erase = "\b" * self.shown + " " * self.shown + "\b" * self.shown
        with self._uncaptured():
            out.write(erase + text)
            out.flush()
        self.shown = len(text)

    def _uncaptured(self) -> Any:
        if self.capture is None:
            return contextlib.nullcontext()
        return self.capture.global_and_fixture_disabled()
