"""Found playing with a read-only saves folder: the save dialog and the autosave warning showed
"[Errno 1] Operation not permitted: '/x/.Player-1-2028-Q1.jsonl.eoy60maz.tmp'" (a hidden temporary
file, nothing to act on), and ctrl+q then quit at once, losing the quarters played since the
last save, while Escape's confirmation said "The game is autosaved"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, dismiss_notes, new_app, settle, start_game

from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.screens.main import MainScreen
from game.tui.session import GameSession


def _refuse(self: GameSession, *args: Any) -> Path:
    raise PermissionError(1, "Operation not permitted", "/x/.Player-1.jsonl.tg2u57lj.tmp")


async def test_a_read_only_saves_folder_is_named_and_quitting_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GameSession, "autosave", _refuse)
    monkeypatch.setattr(GameSession, "save", _refuse)
    notes: list[str] = []
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        real_notify = pilot.app.notify

        def notify(message: str, **kw: Any) -> None:
            notes.append(message)
            real_notify(message, **kw)

        pilot.app.notify = notify  # type: ignore[method-assign]
        screen._pass_turn()  # end the quarter, orders reviewed
        await settle(pilot)
        await dismiss_notes(pilot)
        failed = next(n for n in notes if n.startswith("Autosave failed"))
        assert ".tmp" not in failed and "Errno" not in failed, failed
        assert "cannot be written: it is read-only or not yours" in failed, failed
        assert "s saves the game" in failed, failed

        await pilot.press("s")
        assert isinstance(pilot.app.screen, SaveDialog)
        await pilot.press("enter")
        error = str(pilot.app.screen.query_one("#save-error", Static).render())
        assert isinstance(pilot.app.screen, SaveDialog)  # still open: nothing was saved
        assert error.startswith("Not saved: the saves folder"), error
        assert ".tmp" not in error and "Press Save again" not in error, error
        await pilot.press("escape")

        await pilot.press("escape")  # back to the title: not "The game is autosaved"
        assert isinstance(pilot.app.screen, ConfirmDialog)
        body = str(pilot.app.screen.query_one("#confirm-body", Static).render())
        assert "This game is not saved" in body and "is autosaved" not in body, body
        await pilot.press("escape")

        await pilot.press("ctrl+q")  # asks instead of quitting
        assert isinstance(pilot.app.screen, ConfirmDialog), pilot.app.screen
        assert pilot.app.screen.title_text == "Quit without saving?"
        await pilot.press("enter")  # Enter by reflex keeps the game
        assert isinstance(pilot.app.screen, MainScreen)
        assert pilot.app.is_running


async def test_a_save_that_works_again_clears_the_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        with monkeypatch.context() as patched:
            patched.setattr(GameSession, "autosave", _refuse)
            screen._pass_turn()
            await settle(pilot)
        await dismiss_notes(pilot)
        assert pilot.app.autosave_problem is not None  # type: ignore[attr-defined]
        await pilot.press("s")
        pilot.app.screen.query_one(Input).value = "fixed"
        await pilot.press("enter")
        assert (tmp_path / "fixed.jsonl").is_file()
        assert pilot.app.autosave_problem is None  # type: ignore[attr-defined]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ConfirmDialog)


async def test_leaving_for_the_title_unsaved_does_not_ask_for_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found reviewing: after "Title screen (y)" the autosave failed again and its warning said
    "then s saves the game" over the title screen, where s does nothing."""
    from game.tui.screens.title import TitleScreen

    monkeypatch.setattr(GameSession, "autosave", _refuse)
    notes: list[str] = []
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen._pass_turn()
        await settle(pilot)
        await dismiss_notes(pilot)
        real_notify = pilot.app.notify

        def notify(message: str, **kw: Any) -> None:
            notes.append(message)
            real_notify(message, **kw)

        pilot.app.notify = notify  # type: ignore[method-assign]
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen
        assert notes and notes[-1].startswith("Left without saving"), notes
        assert not any("s saves the game" in n for n in notes), notes


async def test_a_game_never_saved_is_not_said_to_have_a_last_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found reviewing: a game whose every autosave failed was "losing the quarters played
    since it was last saved", and its pending orders went unmentioned."""
    from game.engine import SetTrainingShare

    monkeypatch.setattr(GameSession, "autosave", _refuse)
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen._pass_turn()
        await settle(pilot)
        await dismiss_notes(pilot)
        screen.session.add_order(SetTrainingShare(share=0.1))
        await pilot.press("ctrl+q")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        body = " ".join(str(pilot.app.screen.query_one("#confirm-body", Static).render()).split())
        assert "since it was last saved" not in body, body
        assert (
            "loses all the quarters played (no save holds this game) and 1 pending order." in body
        )
        await pilot.press("escape")
        await pilot.press("escape")
        body = " ".join(str(pilot.app.screen.query_one("#confirm-body", Static).render()).split())
        assert "all the quarters played (no save holds this game) are lost" in body, body
