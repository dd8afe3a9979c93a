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
