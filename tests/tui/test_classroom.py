"""Pilot tests of class play: lesson notes, prediction questions, and the facilitator's controls
(live events, pause, PIN, turn timer, catch-up rule, bots in the empty seats)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from tui_helpers import SIZE, dismiss_notes, end_quarter, new_app, settle

from game.arena.saves import latest_save, read_save
from game.rules import load_content
from game.tui.dialogs.facilitator import EventPicker, FacilitatorMenu, PinDialog
from game.tui.dialogs.message import MessageDialog
from game.tui.dialogs.prediction import PredictionDialog, parse_number
from game.tui.screens.handover import HandoverScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.lessons import LessonsScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.pause import PauseScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.title import TitleScreen
from game.tui.session import HUMAN, Facilitation, GameSession


async def start(pilot: Pilot[Any], **form: Any) -> MainScreen:
    """Fill the new-game form (``humans``, ``rivals``, ``lesson-mode``, ``catch-up``,
    ``turn-timer`` selects; ``pin``) and start; lesson notes are left open."""
    await pilot.pause()
    screen = pilot.app.screen
    for key in ("humans", "rivals", "lesson-mode", "catch-up", "turn-timer"):
        if key in form:
            screen.query_one(f"#{key}", Select).value = form[key]
            await pilot.pause()
    if "pin" in form:
        screen.query_one("#pin", Input).value = form["pin"]
    await pilot.press("ctrl+s")
    await pilot.pause()
    return main_screen(pilot)


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    return screen


def session_of(pilot: Pilot[Any]) -> GameSession:
    session = pilot.app.session
    assert session is not None
    return session


async def skip_to(pilot: Pilot[Any], turn: int) -> None:
    """Play quarters without orders straight through the session, up to ``turn``."""
    session = session_of(pilot)
    while session.state.turn < turn:
        session.end_quarter()
    main_screen(pilot).refresh_view()
    await pilot.pause()


def text(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def test_lesson_notes_show_once_per_quarter_and_can_be_read_again(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        session = session_of(pilot)
        assert not session.catch_up and session.lines[0]["catch_up"] is False  # off by default
        first = session.state.world.scenario.lessons[0]
        assert isinstance(pilot.app.screen, MessageDialog)
        assert pilot.app.screen.title_text == first.title
        await dismiss_notes(pilot)
        assert pilot.app.screen is screen
        screen._show_lesson()  # a second look at the same quarter shows nothing new
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("i")
        assert isinstance(pilot.app.screen, LessonsScreen)
        assert first.title in text(pilot, "#lessons-text")
        later = [lesson for lesson in session.state.world.scenario.lessons if lesson.turn > 0]
        assert all(lesson.title not in text(pilot, "#lessons-text") for lesson in later)
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        assert first.title in text(pilot, "#help-lessons")


async def test_prediction_is_asked_recorded_and_compared_in_the_report(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start(pilot)
        await dismiss_notes(pilot)
        session = session_of(pilot)
        question = next(p for p in session.state.world.scenario.predictions)
        await skip_to(pilot, question.turn)
        await dismiss_notes(pilot)
        await pilot.press("e", "y")
        dialog = pilot.app.screen
        assert isinstance(dialog, PredictionDialog)
        assert question.question in text(pilot, "#prediction-question")
        assert "spot price" in text(pilot, "#prediction-now")
        await pilot.click("#up")
        await settle(pilot)
        assert session.state.turn == question.turn + 1
        report = pilot.app.screen
        assert isinstance(report, ReportScreen)
        shown = text(pilot, "#report-prediction")
        assert "You said: up" in shown and "What happened" in shown and "→" in shown
        save = latest_save(tmp_path)
        assert save is not None
        line = read_save(save.path).quarters[question.turn]
        assert line.predictions[0]["answer"] == "up"
        assert line.predictions[0]["question"] == question.question
        assert line.predictions[0]["metric"] == "spot_price"


async def test_hot_seat_teams_each_answer_behind_the_hand_over(tmp_path: Path) -> None:
    async with new_app(tmp_path, "packaging-fire").run_test(size=SIZE) as pilot:
        await start(pilot, humans=2, **{"turn-timer": 60})
        await dismiss_notes(pilot)
        session = session_of(pilot)
        turn = session.state.world.scenario.predictions[0].turn
        await skip_to(pilot, turn)
        await dismiss_notes(pilot)
        await pilot.press("e", "y")
        assert isinstance(pilot.app.screen, PredictionDialog)
        assert session.state.names[0] in text(pilot, ".dialog-title")
        # A lead-time question: the team types the number it expects.
        await pilot.press("5", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HandoverScreen)
        rules = text(pilot, "#handover-rules")
        assert "prediction" in rules
        assert "1:00" in rules and "orders placed so far" in rules  # the turn timer
        await pilot.press("enter")
        await dismiss_notes(pilot)
        await pilot.press("e", "y")
        assert isinstance(pilot.app.screen, PredictionDialog)
        assert session.state.names[1] in text(pilot, ".dialog-title")
        await pilot.press("x", "enter")  # not a number: an inline message, nothing recorded
        assert "Type a number" in text(pilot, "#prediction-error")
        await pilot.press("backspace", "6", ".", "5", "enter")
        await settle(pilot)
        lines = session.lines[1 + turn]
        assert lines["predictions"]["0"]["answer"] == 5
        assert lines["predictions"]["1"]["answer"] == 6.5
        assert lines["predictions"]["0"]["vendor"] == "verdant"
        assert set(session.predicted[turn]) == {0, 1}


async def test_facilitator_starts_an_event_live(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start(pilot)
        await dismiss_notes(pilot)
        session = session_of(pilot)
        await pilot.press("f9")
        assert isinstance(pilot.app.screen, FacilitatorMenu)
        menu = pilot.app.screen.query_one(OptionList)
        menu.highlighted = 0  # Start an event live
        await pilot.press("enter")
        picker = pilot.app.screen
        assert isinstance(picker, EventPicker)
        events = picker.query_one(OptionList)
        index = next(i for i, e in enumerate(picker.events) if e.id == "nimbus_outage")
        events.highlighted = index
        await pilot.pause()
        assert "Nimbus" in text(pilot, "#event-explain")
        await pilot.press("enter")
        assert session.injected == ["nimbus_outage"]
        assert "Nimbus" not in text(pilot, "#status")  # a surprise until the quarter resolves
        await pilot.press("f9")
        assert "Nimbus" in text(pilot, "#facilitator-queued")
        await pilot.press("escape")
        await end_quarter(pilot)
        assert session.last_report is not None
        assert session.last_report.injected == ("nimbus_outage",)
        assert session.lines[1]["injected"] == ["nimbus_outage"]
        assert session.injected == []


async def test_pin_guards_the_menu_and_the_pause_blocks_input(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start(pilot, pin="4321")
        await dismiss_notes(pilot)
        await pilot.press("f9")
        assert isinstance(pilot.app.screen, PinDialog)
        await pilot.press("1", "2", "enter")
        assert "not the facilitator PIN" in text(pilot, "#pin-error")
        await pilot.press("4", "3", "2", "1", "enter")
        assert isinstance(pilot.app.screen, FacilitatorMenu)
        pilot.app.screen.query_one(OptionList).highlighted = 1  # Pause
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, PauseScreen)
        await pilot.press("e", "b", "2", "escape")  # nothing reaches the game
        assert isinstance(pilot.app.screen, PauseScreen)
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, PinDialog)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PauseScreen)
        await pilot.press("enter", "4", "3", "2", "1", "enter")
        assert pilot.app.screen is screen


async def test_turn_timer_counts_down_and_ends_the_quarter(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start(pilot, **{"turn-timer": 90})
        session = session_of(pilot)
        assert session.facilitation.turn_seconds == 90
        assert isinstance(pilot.app.screen, MessageDialog)
        screen._tick()  # a lesson note is open: the clock stands still
        assert screen.seconds_left == 90
        await dismiss_notes(pilot)
        # The real one-second timer runs too: on a busy machine it may already have ticked,
        # so the manual tick is checked against the clock just before it (no await between).
        before = screen.seconds_left
        assert before is not None and 85 <= before <= 90
        screen._tick()
        assert screen.seconds_left == before - 1
        minutes, seconds = divmod(before - 1, 60)
        assert f"⏱ {minutes}:{seconds:02d}" in text(pilot, "#status")
        await pilot.press("p")  # an order dialog is open when the time runs out
        screen.seconds_left = 1
        screen._tick()
        await settle(pilot)
        assert session.state.turn == 1
        assert isinstance(pilot.app.screen, ReportScreen)
        await dismiss_notes(pilot)
        assert screen.seconds_left is not None and 85 <= screen.seconds_left <= 90


async def test_catch_up_on_and_lesson_mode_off_are_chosen_at_new_game(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start(pilot, **{"catch-up": True, "lesson-mode": False})
        assert pilot.app.screen is screen  # lesson mode off: no lesson note
        session = session_of(pilot)
        assert session.catch_up
        assert session.lines[0]["catch_up"] is True
        assert "catch-up on" in text(pilot, "#status")
        await pilot.press("f1")
        assert "Catch-up rule on" in text(pilot, "#game-rules")
        await pilot.press("escape")
        # ... and no prediction question either.
        await skip_to(pilot, session.state.world.scenario.predictions[0].turn)
        await end_quarter(pilot)
        assert "predictions" not in session.lines[-1]


async def test_a_class_sets_human_teams_and_bots_fill_the_rest(tmp_path: Path) -> None:
    async with new_app(tmp_path, "packaging-fire").run_test(size=SIZE) as pilot:
        await start(pilot, humans=3, rivals=2)
        session = session_of(pilot)
        assert session.humans == (0, 1, 2)
        assert sorted(session.bots) == [3, 4]
        assert session.seats[3] != "human" and session.seats[4] != "human"


def test_prediction_numbers_are_parsed_leniently() -> None:
    assert parse_number(" 5 ") == 5 and isinstance(parse_number("5"), int)
    assert parse_number("6.5") == 6.5
    assert parse_number("1,200") == 1200
    assert parse_number("up") is None
    assert parse_number("nan") is None and parse_number("1e99") is None


async def test_a_loaded_game_keeps_its_room_settings(tmp_path: Path) -> None:
    """``capwars play --load SAVE`` and Continue restore lesson mode, the timer and the PIN."""
    content = load_content()
    room = Facilitation.create(lesson_mode=False, turn_seconds=90, pin="4321")
    table = content.scenario("tutorial").seats
    saved = GameSession.create(
        content, "tutorial", 4, table, [HUMAN, "balanced"], facilitation=room
    )
    saved.end_quarter()
    path = saved.save(tmp_path / "class.jsonl")
    async with new_app(tmp_path, load=str(path)).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = main_screen(pilot)
        assert pilot.app.screen is screen  # lesson mode off: no lesson note
        assert session_of(pilot).facilitation == room
        # 90 s restored; the real one-second timer may have ticked on a busy machine
        assert re.search(r"⏱ 1:(30|2[5-9])\b", text(pilot, "#status"))
        await pilot.press("f9")
        assert isinstance(pilot.app.screen, PinDialog)
        await pilot.press("4", "3", "2", "1", "enter")
        assert isinstance(pilot.app.screen, FacilitatorMenu)
        await pilot.press("escape", "escape", "y")  # back to the title (autosaved)
        assert isinstance(pilot.app.screen, TitleScreen)
        pilot.app.session = None  # Continue reads the room from the autosave alone
        await pilot.press("c")
        await pilot.pause()
        assert session_of(pilot).facilitation == room
        assert session_of(pilot).state.turn == 1
