"""A dependency-free progress bar for long CLI runs, drawn on stderr when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``[#####.....] 12/40  k=12  3.1 s``, redrawn in place; plain lines pass above it.

    On a stream that is not a terminal (a log file, a pipe) the bar is not drawn and
    :meth:`line` just writes the line, so logs stay readable. ``enabled=False`` draws nothing.
    """

    def __init__(
        self,
        total: int,
        label: str = "",
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        width: int = 30,
    ) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.draw = bool(enabled and isatty is not None and isatty())
        self.width = width
        self.done = 0
        self.note = ""
        self.start = time.perf_counter()

    def text(self) -> str:
        """The bar as it is drawn now (without the carriage return)."""
        filled = round(self.width * self.done / self.total)
        elapsed = time.perf_counter() - self.start
        bar = "#" * filled + "." * (self.width - filled)
        label = f"{self.label} " if self.label else ""
        return f"{label}[{bar}] {self.done}/{self.total}  {self.note}  {elapsed:.1f} s"

    def _redraw(self) -> None:
        if self.draw:
            self.stream.write("\r\033[K" + self.text())
            self.stream.flush()

    def update(self, done: int, note: str = "") -> None:
        """Set the number of steps done (of ``total``) and a short note, and redraw."""
        self.done = min(max(int(done), 0), self.total)
        self.note = note
        self._redraw()

    def clear(self) -> None:
        """Erase the bar (it comes back on the next :meth:`update`), e.g. before printing."""
        if self.draw:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def line(self, text: str) -> None:
        """Write ``text`` as a line of its own (above the bar)."""
        if self.draw:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self._redraw()

    def close(self) -> None:
        """Remove the bar (the lines written stay)."""
        if self.draw:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.draw = False
