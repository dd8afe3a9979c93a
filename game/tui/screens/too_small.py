"""Shown while the terminal is smaller than the game's 80×24 minimum."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

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
        where = "window" if self.app.is_web else "terminal"
        hint = BROWSER_HINT if self.app.is_web else TERMINAL_HINT
        yield Static(
            f"Capacity Wars needs a {where} of at least 80×24.\n{hint}",
            id="too-small",
        )
