"""Saves made with other content (or from a scenario file this game was not started with)
cannot be re-simulated: the Load list marks them, Continue skips them or says why."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Button, OptionList, Static
from tui_helpers import dismiss_notes, new_app

from game.rules import load_content
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.message import MessageDialog
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.main import MainScreen
from game.tui.session import GameSession


def rewrite_header(path: Path, **changes: str) -> None:
    header, *rest = path.read_text().splitlines(keepends=True)
    data = json.loads(header)
    data.update(changes)
    path.write_text(json.dumps(data) + "\n" + "".join(rest))


def touch(path: Path, stamp: int) -> None:
    os.utime(path, ns=(stamp, stamp))


@pytest.mark.asyncio
async def test_saves_from_other_content_are_marked_and_continue_skips_them(
    tmp_path: Path,
) -> None:
    content = load_content()
    good = GameSession.new(content, "tutorial", 4)
    good.end_quarter()
    good_path = good.save(tmp_path / "good.jsonl")
    other = good.save(tmp_path / "edited.jsonl")
    rewrite_header(other, content_hash="0" * 32)
    lesson = good.save(tmp_path / "lesson.jsonl")
    rewrite_header(lesson, content_hash="1" * 32, scenario="my_lesson")
    touch(good_path, 1_000_000_000_000_000_000)
    touch(other, 1_000_000_100_000_000_000)
    touch(lesson, 1_000_000_200_000_000_000)
    app = new_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.pause()
        hint = str(app.screen.query_one("#continue-hint", Static).render())
        assert "Continue: good" in hint and "skips 2 newer saves" in hint, hint
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoadDialog)
        options = dialog.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert "made with other game content: cannot be loaded" in texts[1], texts
        assert "played from a scenario file (my_lesson)" in texts[0], texts
        assert "--scenario FILE" in texts[0] and "cannot be loaded" not in texts[2]
        options.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoadDialog)  # not chosen: the dialog says why
        error = str(dialog.query_one("#load-error", Static).render())
        assert "edited cannot be loaded: made with other game content" in error, error
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen), app.screen
        assert app.session is not None and app.session.source == good_path


@pytest.mark.asyncio
async def test_continue_says_why_when_no_save_can_be_loaded(tmp_path: Path) -> None:
    session = GameSession.new(load_content(), "tutorial", 4)
    path = session.save(tmp_path / "edited.jsonl")
    rewrite_header(path, content_hash="0" * 32)
    app = new_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.pause()
        hint = str(app.screen.query_one("#continue-hint", Static).render())
        assert "Nothing to continue: edited made with other game content" in hint, hint
        app.screen.action_choose("continue")  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog), app.screen


@pytest.mark.asyncio
async def test_loading_a_finished_game_says_so_and_load_fits_80x24(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = load_content()
    finished = GameSession.new(content, "tutorial", 4)
    while not finished.over:
        finished.end_quarter()
    path = finished.save(tmp_path / "finished.jsonl")
    for seed in range(6):  # enough saves to fill the list
        GameSession.new(content, "tutorial", seed).save(tmp_path / f"game{seed}.jsonl")
    touch(path, 2_000_000_000_000_000_000)  # the newest: Continue loads it
    app = new_app(tmp_path)
    toasts: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: toasts.append(str(message)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoadDialog)
        await pilot.pause()
        await pilot.pause()
        cancel = dialog.query_one("#cancel", Button)
        box = dialog.query_one("#load-dialog").content_region
        assert box.contains_region(cancel.region), (box, cancel.region)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, GameOverScreen), app.screen
    label = finished.state.world.quarter_label(finished.state.turn - 1)
    team = finished.state.names[finished.humans[0]]
    assert f"Loaded: {team}, finished in {label}. Here are the final standings." in toasts
