"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from game.tui.app import CapwarsApp, make_app
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.message import MessageDialog
from game.tui.dialogs.prediction import PredictionDialog
from game.tui.screens.main import MainScreen
from game.tui.screens.report import ReportScreen
from game.tui.session import GameSession

SIZE = (120, 40)


def new_app(
    saves: Path, scenario: str | None = None, seed: int | None = 11, **kw: Any
) -> CapwarsApp:
    return make_app(scenario=scenario, seed=seed, saves=saves, **kw)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def dismiss_notes(pilot: Pilot[Any]) -> None:
    """Close lesson dialogs and quarter reports until the main screen (or another) shows."""
    for _ in range(6):
        if isinstance(pilot.app.screen, MessageDialog | ReportScreen):
            await pilot.press("escape")  # press waits until the app is idle
        else:
            return


async def start_game(pilot: Pilot[Any], humans: int = 1) -> MainScreen:
    """Start from the new-game screen that make_app(scenario=...) opens; reach the main screen."""
    await pilot.pause()
    if humans > 1:
        pilot.app.screen.query_one("#humans", Select).value = humans
        await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    await dismiss_notes(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


async def fill_order(pilot: Pilot[Any], key: str, values: dict[str, Any]) -> ActionDialog:
    """Open an order dialog with ``key`` and fill its fields (not submitted)."""
    await pilot.press(key)
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog), dialog
    for name, value in values.items():
        widget = dialog.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = str(value)
    await pilot.pause()
    return dialog


async def submit(pilot: Pilot[Any]) -> None:
    """Submit the open order dialog with Enter in its focused field (as a player types; one key
    costs the Pilot a fraction of a mouse click's waits). Clicks are tested elsewhere."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog), dialog
    assert isinstance(dialog.focused, Input), dialog.focused
    await pilot.press("enter")


async def end_quarter(pilot: Pilot[Any], prediction: str = "flat") -> None:
    """End the quarter for the player at the keyboard; lesson mode's prediction question, if
    this quarter asks one, is answered with ``prediction`` (a button: up, flat or down)."""
    await pilot.press("e", "y")
    if isinstance(pilot.app.screen, PredictionDialog):
        await pilot.click(f"#{prediction}")
    await settle(pilot)


async def planning(pilot: Pilot[Any], section: str | None = "1") -> GameSession:
    """A shared game back at its main screen with no pending orders (on ``section``)."""
    app = pilot.app
    while not isinstance(app.screen, MainScreen):
        app.pop_screen()
        await pilot.pause()
    session = app.session  # type: ignore[attr-defined]
    assert session is not None
    session.pending = {seat: [] for seat in session.humans}
    app.screen.refresh_view()
    if section is not None:
        await pilot.press(section)
    await pilot.pause()
    return session


def one_line(text: str) -> str:
    """A shell command shown over several lines (a backslash ending each) back on one line:
    between words the line break is a space; inside a word too long for a line (a backslash
    right after its last character) it is nothing, as a POSIX shell reads it."""
    return re.sub(r" \\\n\s+", " ", text).replace("\\\n", "")
