"""Found reviewing the unwritable saves folder's guards: when the last quarter's autosave
failed (a read-only folder, a full disk), the game-over screen said "Saved in <the save the
game was loaded from, a quarter short>" and offered its class export command to hand in (or,
with no earlier file, "Autosave is off"), the warning was cleared as the final report opened,
and ctrl+q quit at once: the finished game was lost without a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from tui_helpers import SIZE, dismiss_notes, new_app, settle

from game.rules import load_content
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.main import MainScreen
from game.tui.session import GameSession


def _refuse(self: GameSession, *args: Any) -> Path:
    raise PermissionError(13, "Permission denied", "/x/.autosave-x.jsonl.tg2u57lj.tmp")


async def test_a_finished_game_whose_autosave_failed_is_not_called_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    while session.state.turn < session.state.world.scenario.quarters - 1:
        session.end_quarter()
    loaded = session.save(tmp_path / "before-the-end.jsonl")
    real_autosave = GameSession.autosave
    monkeypatch.setattr(GameSession, "autosave", _refuse)
    async with new_app(tmp_path, load=str(loaded)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await dismiss_notes(pilot)
        main = pilot.app.screen
        assert isinstance(main, MainScreen), main
        main._pass_turn()  # the last quarter
        await settle(pilot)
        await dismiss_notes(pilot)
        over = pilot.app.screen
        assert isinstance(over, GameOverScreen), over
        saved = str(over.query_one("#over-saved", Static).render())
        assert "before-the-end" not in saved and "class export" not in saved, saved
        assert "This game is not saved" in saved and "read-only or not yours" in saved, saved
        assert "press s" in saved, saved

        await pilot.press("ctrl+q")  # asks first
        assert isinstance(pilot.app.screen, ConfirmDialog), pilot.app.screen
        await pilot.press("enter")  # Enter by reflex stays
        assert pilot.app.screen is over and pilot.app.is_running
        await pilot.press("escape")  # so does leaving for the title
        assert isinstance(pilot.app.screen, ConfirmDialog), pilot.app.screen
        await pilot.press("n")

        monkeypatch.setattr(GameSession, "autosave", real_autosave)  # the folder is fixed
        await pilot.press("s")
        await pilot.pause()
        saved = str(over.query_one("#over-saved", Static).render())
        assert "Saved in" in saved and "autosave-" in saved and "class export" in saved, saved
        await pilot.press("ctrl+q")  # saved now: quits at once
        await pilot.pause()
        assert not pilot.app.is_running
