"""Fix session 9 (TUI): a scenario's seats that name no rival are at the TUI's table as at
``capwars match``'s, an unnamed company is its player's ("Player 1"), the load dialog says
what loading loses before the first quarter too, and ``?`` opens help where F1 is the
browser's (under ``capwars serve``) while an input still types it."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Select, Static
from textual.widgets._footer import FooterKey
from tui_helpers import dismiss_notes, end_quarter, new_app, planning, start_game

from game.arena.saves import read_save
from game.cli import main as cli_main
from game.engine import SetServicePrice, SetTrainingShare
from game.tui.app import CapwarsApp
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.prediction import PredictionDialog
from game.tui.screens.help import HelpScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.new_game import NewGameScreen
from game.tui.session import HUMAN

CONTENT = Path(__file__).parents[2] / "content"

FOUR_TEAMS = """
id = "four-teams"
name = "Four teams"
summary = "A teacher's table: two named teams, one rival, one seat of no one's."
description = "Two teams, a rival and an unnamed start-up."
start_year = 2027
start_quarter = 1
quarters = 4
mechanics = ["spot", "reserved", "service_price", "training", "borrowing"]
providers = ["stratus", "nimbus", "ironlattice"]

[[seats]]
industry = "bank"
name = "Team Red"

[[seats]]
industry = "manufacturer"
rival = "forgeline"

[[seats]]
industry = "hospital"
name = "Team Blue"

[[seats]]
industry = "startup"

[market]
demand = 20.0
demand_growth = 0.06
demand_saturation = 4.0
demand_noise = 0.01
"""


def four_teams(tmp_path: Path) -> Path:
    """A copy of the game's content with the four-seat scenario added."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "scenarios" / "four-teams.toml").write_text(FOUR_TEAMS)
    return content


def headless_table(content: Path) -> list[tuple[str, str]]:
    """(name, bot) per seat, in seat order, as ``capwars match --rivals`` seats the scenario."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(
            ["match", "--content", str(content), "--scenario", "four-teams", "--rivals", "--json"]
        )
    assert code == 0, out.getvalue()
    players = sorted(json.loads(out.getvalue())["players"], key=lambda p: p["seat"])
    return [(p["name"], p["bot"]) for p in players]


async def test_the_tui_seats_the_scenario_seats_that_name_no_rival(tmp_path: Path) -> None:
    # The form dropped "Team Blue" and the unnamed start-up: the teacher's four-seat scenario
    # was a game of two in the TUI, and of four under capwars match.
    content = four_teams(tmp_path)
    headless = headless_table(content)
    assert [name for name, _ in headless] == [
        "Team Red",
        "Forgeline Robotics",
        "Team Blue",
        "AI start-up 4",
    ]
    app = new_app(tmp_path / "saves", "four-teams", content_dir=str(content), autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        seats, players = form.table()
        assert [s.name for s in seats] == [name for name, _ in headless]
        assert [s.industry for s in seats] == ["bank", "manufacturer", "hospital", "startup"]
        # The same bot at every seat but the player's (a bot plays it headless).
        assert players[0] == HUMAN and players[1:] == [bot for _, bot in headless][1:]
        note = str(form.query_one("#scenario-seats", Static).render())
        assert "Team Blue (Hospital network)" in note and "AI start-up 4 (AI start-up)" in note, (
            note
        )
        assert "balanced bot" in note
        # A second human player takes the scenario's second team; the start-up stays a bot's.
        form.query_one("#humans", Select).value = 2
        await pilot.pause()
        seats, players = form.table()
        assert [s.name for s in seats] == [
            "Team Red",
            "Team Blue",
            "Forgeline Robotics",
            "AI start-up 4",
        ]
        assert players == [HUMAN, HUMAN, headless[1][1], headless[3][1]]
        assert "Team Blue" not in str(form.query_one("#scenario-seats", Static).render())
        form.query_one("#humans", Select).value = 1
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session is not None
        assert list(app.session.state.names) == [name for name, _ in headless]


async def test_a_scenario_of_teams_only_adds_no_rival_of_its_own(tmp_path: Path) -> None:
    # With no rival in the scenario, the form used to add one (its rival count started at 1).
    content = four_teams(tmp_path)
    scenario = content / "scenarios" / "four-teams.toml"
    scenario.write_text(FOUR_TEAMS.replace('rival = "forgeline"\n', 'name = "Team Green"\n'))
    app = new_app(tmp_path / "saves", "four-teams", content_dir=str(content), autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert form.query_one("#rivals", Select).value == 0
        seats, players = form.table()
        assert [s.name for s in seats] == ["Team Red", "Team Green", "Team Blue", "AI start-up 4"]
        assert players == [HUMAN, "balanced", "balanced", "balanced"]


async def test_an_unnamed_company_is_its_players_everywhere(tmp_path: Path) -> None:
    # A company left unnamed was "Bank 1" (its industry and seat number: a second bank, or a
    # rank?); the form's row says "Player 2", so the company is Player 2's.
    app = new_app(tmp_path, "standard", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert "Player 1" in str(form.query_one("#company", Input).placeholder)
        form.query_one("#humans", Select).value = 2
        await pilot.pause()
        assert "Player 2" in str(form.query_one("#player-name-1", Input).placeholder)
        seats, _ = form.table()
        assert [s.name for s in seats[:2]] == ["Player 1", "Player 2"]
        form.query_one("#player-name-1", Input).value = "  Halden   Labs "
        seats, _ = form.table()
        assert [s.name for s in seats[:2]] == ["Player 1", "Halden Labs"]
        form.query_one("#player-name-1", Input).value = "player 1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(form.query_one("#new-error", Static).render())
        assert "Two companies are called 'player 1'" in error, error
        form.query_one("#player-name-1", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        await dismiss_notes(pilot)
        session = app.session
        assert session is not None and isinstance(app.screen, MainScreen)
        assert session.state.names[:2] == ("Player 1", "Player 2")
        # The save (and so the standings, the reports, Load's list) names them so.
        path = session.save(tmp_path / "mine.jsonl")
        header = read_save(path).header
        assert [p.name for p in header.players if p.bot == HUMAN] == ["Player 1", "Player 2"]


async def test_load_before_the_first_quarter_says_the_game_is_not_autosaved_yet(
    tmp_path: Path,
) -> None:
    # Before the first quarter Load said "The game you are playing stays as this quarter
    # began: its pending order is lost", yet no autosave of it existed (the first is written
    # when a quarter ends): loading left the whole game, not only its order.
    app = new_app(tmp_path, "tutorial", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        session = app.session
        assert session is not None
        session.save(tmp_path / "other.jsonl")  # something to load
        await pilot.press("l")
        note = str(app.screen.query_one("#load-note", Static).render())
        assert note.endswith(
            "The game you are playing is autosaved from its first quarter on: loading now"
            " leaves it (Esc, s saves it first)."
        ), note
        assert "stays as this quarter began" not in note
        assert app.screen.query_one("#load-note").region.bottom <= 24
        await pilot.press("escape")
        session.add_order(SetServicePrice(price=14.0))
        await pilot.press("l")
        note = str(app.screen.query_one("#load-note", Static).render())
        assert note.endswith("loading now leaves it and its pending order (Esc, s saves it first).")
        assert app.screen.query_one("#load-note").region.bottom <= 24
        await pilot.press("escape")
        await planning(pilot)
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        assert session.turns == 1 and (tmp_path / session.autosave_path(tmp_path).name).exists()
        await pilot.press("l")
        note = str(app.screen.query_one("#load-note", Static).render())
        assert "autosaved from its first quarter" not in note  # it is autosaved now
        await pilot.press("escape")
        session.add_order(SetServicePrice(price=14.0))
        session.add_order(SetTrainingShare(share=0.1))
        await pilot.press("l")
        note = str(app.screen.query_one("#load-note", Static).render())
        assert note.endswith(
            "The game you are playing stays as this quarter began: its 2 pending orders are lost."
        ), note


def footer_keys(screen: Any) -> dict[str, str]:
    """The footer's keys as shown, by action."""
    return {key.action: key.key_display for key in screen.query(FooterKey)}


async def test_question_mark_opens_help_where_only_f1_did_and_a_field_still_types_it(
    tmp_path: Path,
) -> None:
    # The new-game form, the reports and the order dialogs opened help with F1 only, which a
    # browser may keep for its own help under capwars serve.
    app = new_app(tmp_path, "tutorial", seed=3, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert footer_keys(form)["help"] == "f1"  # in a terminal F1 stays the key shown
        company = form.query_one("#company", Input)
        company.focus()
        await pilot.press("a", "question_mark")
        assert company.value == "a?" and app.screen is form  # a field types ?
        form.query_one("#start").focus()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#keys", Static).render())
        assert "? help too, but not in a text field (it types ?)" in keys
        await pilot.press("question_mark")  # ? closes help as it opened it
        assert app.screen is form
        company.value = ""
        await pilot.press("ctrl+s")
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("b")  # an order dialog: ? types in its fields, opens help elsewhere
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert isinstance(dialog.focused, Input)
        await pilot.press("question_mark")
        assert app.screen is dialog
        dialog.query_one(Select).focus()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is dialog


async def test_in_a_browser_the_footer_shows_question_mark_for_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CapwarsApp, "is_web", property(lambda self: True))
    app = new_app(tmp_path, "tutorial", seed=3, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert footer_keys(form)["help"] == "?"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")  # F1 still works where the browser passes it on
        assert isinstance(app.screen, HelpScreen)


async def test_question_mark_opens_help_from_a_prediction_question(tmp_path: Path) -> None:
    # Typed while a button had the focus, ? went into the number field (no number has one).
    app = new_app(tmp_path, None, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = PredictionDialog("Player 1", "Where will the spot price go?", "price 6", False)
        app.push_screen(dialog)
        await pilot.pause()
        assert isinstance(dialog.focused, Button)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is dialog
        await pilot.press("5")  # other keys still go into the number field
        field = dialog.query_one("#prediction-number", Input)
        assert field.value == "5" and dialog.focused is field
        await pilot.press("question_mark")  # in the field, ? is typed (and never a number)
        assert app.screen is dialog and field.value == "5?"


async def test_back_to_the_title_says_what_holds_the_game(tmp_path: Path) -> None:
    """Before the first quarter the confirmation said "nothing is saved" even just after the
    player saved with s; with autosave off it said "The game is autosaved"."""
    from game.tui.dialogs.confirm import ConfirmDialog
    from game.tui.dialogs.save import SaveDialog

    def body(pilot: Any) -> str:
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog), dialog
        return str(dialog.query_one("#confirm-body", Static).render()).replace("\n", " ")

    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        await dismiss_notes(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SaveDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen), pilot.app.screen
        saved = [p for p in tmp_path.iterdir() if not p.name.startswith("autosave")]
        assert len(saved) == 1, saved
        await pilot.press("escape")
        await pilot.pause()
        text = body(pilot)
        assert f"Your save {saved[0].name} holds the game as it is" in text, text
        assert "nothing is saved" not in text
        await pilot.press("escape")  # Back
        await pilot.pause()
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert "The game is autosaved" in body(pilot)
    async with new_app(tmp_path / "off", "tutorial", seed=3, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        await pilot.press("escape")
        await pilot.pause()
        text = body(pilot)
        assert "Autosave is off: save (s) first" in text, text
        assert "autosaved" not in text
