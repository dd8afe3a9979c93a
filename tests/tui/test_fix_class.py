"""Class play in a browser (``capwars serve --fixed``): what a student sees and may do."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static
from tui_helpers import SIZE, dismiss_notes, new_app, start_game

from game.arena.saves import new_game_id, read_save, slug
from game.rules import load_content
from game.tui.app import CapwarsApp
from game.tui.commands import CapwarsCommands
from game.tui.dialogs.facilitator import FacilitatorMenu
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.format import folder
from game.tui.screens.help import HelpScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.new_game import NewGameScreen
from game.tui.screens.too_small import TooSmallScreen
from game.tui.session import GameSession

CONTENT = load_content()


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
        where = str(app.screen.query_one("#save-where", Static).render())
        assert f"in {folder(app.saves_dir)}" in where
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
    async with app.run_test(size=(100, 30)) as pilot:
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
        # Said next to the field (the form's error line is below the window at 100×30).
        note = form.query_one("#company-required")
        assert "type your team's name first" in str(note.render()) and note.has_class("error")
        assert form.focused is company
        assert form.query_one("#new-form").region.contains_region(note.region)  # in view
        company.value = "  Team   Red  "
        await pilot.pause()
        assert str(note.render()).startswith("Required") and not note.has_class("error")
        await pilot.press("enter")  # the one field: Enter in it starts the game
        await pilot.pause()
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen), app.screen
        assert app.session is not None and app.session.state.names[0] == "Team Red"


@pytest.mark.asyncio
async def test_outside_class_play_an_empty_name_still_takes_the_default(tmp_path: Path) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query("#company-required")
        await start_game(pilot)
        assert app.session is not None and app.session.state.names[0]


@pytest.mark.asyncio
async def test_a_class_game_autosaves_and_downloads_under_the_teams_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30 handed-in files were all "autosave-tutorial-seed7-<time>-<hash>.jsonl".
    _in_a_browser(monkeypatch)
    app = new_app(tmp_path, "tutorial", 7, fixed=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#company", Input).value = "Équipe Rouge / 3b"
        await start_game(pilot)
        session = app.session
        assert session is not None
        path = session.autosave_path(app.saves_dir)
        assert path.name.startswith("autosave-tutorial-seed7-equipe-rouge-3b-")
        assert path.name.endswith(".jsonl") and path.parent == app.saves_dir
    # A game saved under an id from before (no team in it) goes on in its own file.
    old_id = new_game_id("tutorial", 7, tag="a3f9")
    old = GameSession.new(CONTENT, "tutorial", 7)
    old.game_id = old_id
    old.lines[0]["settings"]["game"] = old_id
    old.end_quarter()
    own = old.autosave(tmp_path)
    assert own.name.startswith("autosave-tutorial-seed7-2")
    loaded = GameSession.from_save(CONTENT, read_save(own))
    assert loaded.game_id == old_id and loaded.autosave_path(tmp_path) == own


def test_team_names_become_safe_file_name_words() -> None:
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("Team\tRed\n") == "team-red"
    assert slug("x" * 80) == "x" * 30
    assert slug("团队") == ""  # then the id has no team part
    when = datetime(2026, 11, 28, 1, 35, 12)
    assert new_game_id("t", 1, when, "ab12", ["团队"]) == "t-seed1-20261128-013512-ab12"
    assert new_game_id("t", 1, when, "ab12", ["A", "B b"]) == "t-seed1-a-b-b-20261128-013512-ab12"


async def _palette_commands(app: CapwarsApp) -> list[str]:
    provider = CapwarsCommands(app.screen)
    return [c[0] for c in provider._actions()]


@pytest.mark.asyncio
@pytest.mark.parametrize("fixed", [False, True])
async def test_class_play_offers_no_facilitator_menu_to_the_students(
    tmp_path: Path, fixed: bool
) -> None:
    # A team that opened F9 and started an event in its own game had its result refused by
    # `capwars class results`, without knowing why.
    app = new_app(tmp_path, "tutorial", 7, autosave=False, fixed=fixed)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert bool(app.screen.query("#pin")) is not fixed  # no PIN field on the form
        app.screen.query_one("#company", Input).value = "Team Red"
        main = await start_game(pilot)
        for action in ("facilitator", "pause"):
            assert main.check_action(action, ()) is (not fixed), action
        offered = await _palette_commands(app)
        assert ("Facilitator menu" in offered) is not fixed
        assert ("Pause the game" in offered) is not fixed
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorMenu) is not fixed, app.screen
        if not fixed:
            await pilot.press("escape")
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert (app.screen is main) is fixed
        if not fixed:
            await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#keys", Static).render())
        assert ("facilitator menu" in keys) is not fixed and "lesson notes" in keys


@pytest.mark.asyncio
@pytest.mark.parametrize("web", [False, True])
async def test_too_small_says_how_to_make_room_in_a_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web: bool
) -> None:
    if web:
        _in_a_browser(monkeypatch)
    app = new_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = str(app.screen.query_one("#too-small", Static).render())
        assert "at least 80×24" in text
        assert ("Ctrl+minus" in text and "?fontsize=12" in text) is web
        assert ("the font smaller" in text) is not web


@pytest.mark.asyncio
async def test_home_and_end_go_to_the_first_and_last_row_of_a_table(tmp_path: Path) -> None:
    # Textual's DataTable binds Home/End to the first/last column: a row cursor stayed put.
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        main = await start_game(pilot)
        for section, table_id in (("2", "#providers"), ("5", "#rivals-table")):
            await pilot.press(section)
            table = main.query_one(table_id, DataTable)
            assert app.focused is table and table.row_count > 1, table_id
            await pilot.press("end")
            assert table.cursor_row == table.row_count - 1, table_id
            await pilot.press("home")
            assert table.cursor_row == 0, table_id
            await pilot.press("ctrl+end")  # Textual's own keys still work
            assert table.cursor_row == table.row_count - 1, table_id
        # The app's DataTable style still applies to the game's tables.
        assert table.styles.max_height is not None and table.styles.max_height.value == 16


@pytest.mark.asyncio
async def test_a_form_error_scrolls_into_view_on_a_small_window(tmp_path: Path) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        form = app.screen
        form.query_one("#seed", Input).value = "seven"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#new-error")
        assert "Seed: enter a whole number" in str(error.render())
        assert form.query_one("#new-form").region.contains_region(error.region)  # in view


@pytest.mark.asyncio
async def test_the_save_dialog_names_the_folder_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found playing: with the default folder the dialog said "in saves", a folder relative to
    # wherever the game was started, which the player could not find again later.
    monkeypatch.chdir(tmp_path)
    app = new_app(Path("saves"), "tutorial", 7, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SaveDialog)
        where = str(app.screen.query_one("#save-where", Static).render())
        assert where == f"in {folder(tmp_path / 'saves')}", where
        assert folder(tmp_path / "saves").endswith(str(Path(tmp_path.name) / "saves"))
