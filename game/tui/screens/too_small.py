"""Shown while the terminal is smaller than the game's 80×24 minimum."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24
"""The smallest terminal the game lays out in (the app's ``MIN_SIZE``)."""
TERMINAL_HINT = "Please make this window larger (or the font smaller)."
BROWSER_HINT = (
    "Please make this window larger,\n"
    "zoom out with Ctrl+minus (⌘− on a Mac),\n"
    "or add ?fontsize=12 to the address and reload the page."
)
"""In a browser (``capwars serve``) the page's font size sets how many cells fit."""


class TooSmallScreen(Screen[None]):
    """A polite request for more room; it goes away by itself when the terminal grows."""

    stops_clock = True

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small")

    def _text(self) -> str:
        """The request, with how far the window is from it now (so that a player resizing it
        sees the rows or columns still missing)."""
        where = "window" if self.app.is_web else "terminal"
        hint = BROWSER_HINT if self.app.is_web else TERMINAL_HINT
        width, height = self.app.size
        missing = [
            f"{n} more {what}{'s' if n != 1 else ''}"
            for n, what in ((MIN_WIDTH - width, "column"), (MIN_HEIGHT - height, "row"))
            if n > 0
        ]
        now = f"This one is {width}×{height}: {' and '.join(missing)}.\n" if missing else ""
        return f"Capacity Wars needs a {where} of at least {MIN_WIDTH}×{MIN_HEIGHT}.\n{now}{hint}"

    def on_resize(self) -> None:
        self.query_one("#too-small", Static).update(self._text())
