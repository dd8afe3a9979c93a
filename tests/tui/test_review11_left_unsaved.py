"""Found playing with a read-only saves folder: after leaving a game whose autosave failed, the
title screen's Continue offered that game's older autosave ("after 2027 Q2") without a word
that the game just left had gone further and was lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from tui_helpers import SIZE, dismiss_notes, new_app, settle, start_game

from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.screens.title import TitleScreen
from game.tui.session import GameSession


def _refuse(self: GameSession, *args: Any) -> Path:
    raise PermissionError(1, "Operation not permitted", "/x/.Player-1.jsonl.tg2u57lj.tmp")


def _hint(pilot: Any) -> str:
    return " ".join(str(pilot.app.screen.query_one("#continue-hint", Static).render()).split())


async def test_continue_says_its_save_is_older_than_the_game_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen._pass_turn()  # saved: the autosave holds the game after its first quarter
        await settle(pilot)
        await dismiss_notes(pilot)
        saved_after = screen.session.state.world.quarter_label(0)
        monkeypatch.setattr(GameSession, "autosave", _refuse)
        for _ in range(2):  # two quarters more, neither saved
            screen._pass_turn()
            await settle(pilot)
            await dismiss_notes(pilot)
        reached = screen.session.state.quarter_label
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen
        hint = _hint(pilot)
        assert f"after {saved_after}" in hint, hint
        assert f"(older than the game you left: it reached {reached} and was not saved)" in hint, (
            hint
        )

        # For the rest of the app's run: after the help screen and back, still said.
        await pilot.press("question_mark")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen)
        assert "older than the game you left" in _hint(pilot), _hint(pilot)


async def test_a_game_left_saved_is_not_called_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Continuing the older save and playing a quarter that saves overwrites the file: the
    note goes (the file holds the game played last)."""
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen._pass_turn()
        await settle(pilot)
        await dismiss_notes(pilot)
        with monkeypatch.context() as patched:
            patched.setattr(GameSession, "autosave", _refuse)
            screen._pass_turn()
            await settle(pilot)
            await dismiss_notes(pilot)
            await pilot.press("escape", "y")
            await pilot.pause()
        assert "older than the game you left" in _hint(pilot)
        await pilot.press("c")
        await settle(pilot)
        await dismiss_notes(pilot)
        main = pilot.app.screen
        main._pass_turn()  # type: ignore[attr-defined]
        await settle(pilot)
        await dismiss_notes(pilot)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen
        assert "older" not in _hint(pilot), _hint(pilot)


async def test_a_finished_game_left_unsaved_is_said_to_have_reached_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for a finished game whose last autosave failed: Continue offers the file it
    was loaded from, a quarter short."""
    from game.rules import load_content
    from game.tui.screens.game_over import GameOverScreen

    session = GameSession.new(load_content(), "tutorial", 7)
    while session.state.turn < session.state.world.scenario.quarters - 1:
        session.end_quarter()
    loaded = session.save(tmp_path / "before-the-end.jsonl")
    before = session.state.world.quarter_label(session.state.turn - 1)
    last = session.state.quarter_label
    monkeypatch.setattr(GameSession, "autosave", _refuse)
    async with new_app(tmp_path, load=str(loaded)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await dismiss_notes(pilot)
        pilot.app.screen._pass_turn()  # type: ignore[attr-defined]
        await settle(pilot)
        await dismiss_notes(pilot)
        assert isinstance(pilot.app.screen, GameOverScreen), pilot.app.screen
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ConfirmDialog), pilot.app.screen
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen
        hint = _hint(pilot)
        assert f"after {before} (older" in hint, hint  # before-the-end.jsonl
        assert (
            f"(older than the game you left: it reached its end ({last}) and was not saved)" in hint
        ), hint
