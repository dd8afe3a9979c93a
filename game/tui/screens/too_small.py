"""Shown while the terminal is smaller than the game's 80×24 minimum."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """A polite request for more room; it goes away by itself when the terminal grows."""

    stops_clock = True

    def compose(self) -> ComposeResult:
        yield Static(
            "Capacity Wars needs a terminal of at least 80×24.\n"
            "Please make this window larger (or the font smaller).",
            id="too-small",
        )
