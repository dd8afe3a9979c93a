"""Class play in a browser (``capwars serve --fixed``): what a student sees and may do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import SIZE, new_app, start_game

from game.tui.app import CapwarsApp
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.save import SaveDialog


def _in_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CapwarsApp, "is_web", property(lambda self: True))


@pytest.mark.asyncio
async def test_the_save_dialog_shows_the_folder_in_a_terminal_but_not_in_a_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SaveDialog)
        assert f"in {app.saves_dir}" in str(app.screen.query_one("#save-where", Static).render())
    # In a browser the folder is on the server, named after the session: no use to a student.
    _in_a_browser(monkeypatch)
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SaveDialog)
        where = str(app.screen.query_one("#save-where", Static).render())
        assert str(tmp_path) not in where and "/" not in where
        assert "class server" in where and "Load lists it" in where
        await pilot.press("escape", "l")  # nothing saved yet: Load says so, without the path
        assert isinstance(app.screen, LoadDialog)
        empty = str(app.screen.query_one("#no-saves", Static).render())
        assert empty == "No saves on the class server yet."
