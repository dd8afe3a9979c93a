"""SVG snapshots of the title and main screens at 80×24 and 120×40 (fixed seed, no clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import new_app, start_game

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_title_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(new_app(tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_main_screen_market(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def play(pilot: Pilot[Any]) -> None:
        await start_game(pilot)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(new_app(tmp_path, "standard", seed=7), terminal_size=size, run_before=play)


def test_main_screen_overview_light_theme(snap_compare: Any, tmp_path: Path) -> None:
    """The light theme reads well too: charts and status line after one quarter (the rent-only
    tutorial has no infrastructure, so no waterfall)."""

    async def play(pilot: Pilot[Any]) -> None:
        await start_game(pilot)
        pilot.app.theme = "textual-light"
        session = pilot.app.session
        assert session is not None
        screen = pilot.app.screen
        screen.after_quarter(session.end_quarter(), show_report=False)  # type: ignore[attr-defined]
        await pilot.pause()

    app = new_app(tmp_path, "tutorial", seed=7, autosave=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=play)


def test_main_screen_opening_overview(snap_compare: Any, tmp_path: Path) -> None:
    """Before the first quarter the charts show the opening figures, at 80×24."""

    async def play(pilot: Pilot[Any]) -> None:
        await start_game(pilot)

    app = new_app(tmp_path, "standard", seed=7, autosave=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=play)
