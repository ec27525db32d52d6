"""Live progress of the running probe, at the end of the test's line on a terminal.

``[lag(16): 24,576 seq, acc 0.41, 9 s]`` is written after what pytest has
printed for the test and erased again (backspaces, straight to the terminal, so
pytest's own line accounting is untouched) when the probe ends. Nothing is shown
when the output is not a terminal, under ``-q``, or on an xdist worker.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable

#: Seconds between two redraws.
REDRAW_EVERY = 0.25


class LiveProgress:
    def __init__(self, config: Any):
        self.terminal = config.pluginmanager.get_plugin("terminalreporter")
        self.capture = config.pluginmanager.get_plugin("capturemanager")
        self.enabled = bool(
            self.terminal is not None
            and self.terminal.isatty()
            and config.get_verbosity() >= 0
            and not hasattr(config, "workerinput")
        )
        self.shown = 0
        self.drawn_at = 0.0

    def reporter(self, probe: str) -> Callable[[int, float | None], None]:
        """The callback for one probe's trainer: (sequences, monitor accuracy)."""
        start = time.monotonic()
        return lambda sequences, accuracy: self(probe, sequences, accuracy, time.monotonic() - start)

    def __call__(self, probe: str, sequences: int, accuracy: float | None, elapsed: float) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.drawn_at < REDRAW_EVERY:
            return
        self.drawn_at = now
        acc = "" if accuracy is None else f", acc {accuracy:.2f}"
        self.draw(f" [{probe}: {sequences:,} seq{acc}, {elapsed:.0f} s]")

    def close(self) -> None:
        if self.enabled and self.shown:
            self.draw("")
        self.drawn_at = 0.0

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
