"""Class play in a browser (``capwars serve --fixed``): what a student sees and may do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, new_app, start_game

from game.tui.app import CapwarsApp
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.screens.new_game import NewGameScreen


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


@pytest.mark.asyncio
async def test_class_play_starts_only_with_a_name_the_team_typed_trimmed(tmp_path: Path) -> None:
    # An empty name became the industry's "Bank 1" (or the scenario's seat name) for every
    # team, so the class results had many identical rows.
    app = new_app(tmp_path, "tutorial", 7, autosave=False, fixed=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert "Required: type your team's name" in str(
            form.query_one("#company-required").render()
        )
        company = form.query_one("#company", Input)
        assert form.focused is company and "required" in company.placeholder
        company.value = "   "
        await pilot.press("ctrl+s")
        assert app.screen is form and app.session is None
        assert "type your team's name first" in str(form.query_one("#new-error").render())
        company.value = "  Team   Red  "
        await start_game(pilot)
        assert app.session is not None and app.session.state.names[0] == "Team Red"


@pytest.mark.asyncio
async def test_outside_class_play_an_empty_name_still_takes_the_default(tmp_path: Path) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query("#company-required")
        await start_game(pilot)
        assert app.session is not None and app.session.state.names[0]
