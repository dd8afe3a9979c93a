"""Found finishing `startup-squeeze` at 80x24: the class export command broke the save's long
name inside the word ("…-93ce.j\\" then "sonl \\"), meant to be pasted as one word, but the
widget's padding put a space before "sonl": copied with the mouse, the shell read two words
and the hand-in failed with "file not found"."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static
from tui_helpers import new_app

from game.rules import load_content
from game.tui.screens.game_over import GameOverScreen, export_args
from game.tui.session import GameSession


@pytest.mark.asyncio
async def test_the_export_command_pastes_as_copied_from_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    while not session.over:
        session.end_quarter()
    monkeypatch.chdir(tmp_path)
    saves = Path("saves")
    long = saves / "autosave-startup-squeeze-seed3-your-start-up-20261128-183710-93ce.jsonl"
    session.autosave(saves).rename(long)
    args = export_args(long, "Bank 1")
    async with new_app(saves, load=str(long)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, GameOverScreen)
        for width in (80, 90, 100):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            widget = screen.query_one("#over-saved", Static)
            assert widget.region.x == 0
            rows = [
                strip.text.rstrip()
                for strip in widget.render_lines(Region(0, 0, widget.size.width, 20))
            ]
            first = next(i for i, row in enumerate(rows) if "capwars class export" in row)
            last = next(i for i, row in enumerate(rows) if "--out" in row)
            copied = "\n".join(rows[first : last + 1])  # whole rows, as a terminal copies
            assert shlex.split(copied.replace("\\\n", "")) == args, (width, copied)
            assert rows[0].startswith(" Saved in"), rows  # the margin is still there
