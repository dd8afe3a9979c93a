"""A one-line progress bar on stderr for long headless runs (no Rich: arena stays headless).

It draws only on a terminal and never when asked to be quiet, so logs and pipes stay clean::

    [##########..........]  52/104 matches  18.3/s  eta 3s
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1


class Progress:
    """Counts finished items out of ``total`` and redraws at most ten times a second."""

    def __init__(
        self,
        total: int,
        unit: str = "matches",
        stream: TextIO | None = None,
        quiet: bool = False,
        done: int = 0,
    ):
        """``done``: items already finished before this run (a resumed tournament): the bar
        shows them, the rate and the eta count only what this run finishes."""
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(self.stream)
        self.done = done
        self.before = done
        self._start = time.perf_counter()
        self._drawn = 0.0
        if self.enabled:
            # At once, not at the first finished match: connecting to a cluster or a first round
            # of slow bots takes a while, and a blank terminal looks like a hang.
            self._draw(self._start)

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._drawn >= REDRAW_SECONDS or self.done >= self.total):
            self._drawn = now
            self._draw(now)

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The text of the bar as it would be drawn now."""
        now = time.perf_counter() if now is None else now
        elapsed = max(now - self._start, 1e-9)
        rate = (self.done - self.before) / elapsed
        share = self.done / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        width = len(str(self.total))
        text = f"[{bar}] {self.done:>{width}}/{self.total} {self.unit}"
        if self.done > self.before:  # no pace to show before this run finishes anything
            text += f"  {rate:.1f}/s"
        if 0 < self.done < self.total and rate > 0:
            text += f"  eta {_duration((self.total - self.done) / rate)}"
        return text

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now).ljust(72))
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
