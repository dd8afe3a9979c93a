"""The teacher's pause from ``capwars serve``: every student's game shows the teacher's message
on a screen the student cannot close, the turn timer stands still, and ``resume`` lifts it.

The server sends the pause as a meta packet on each game's input pipe; the game's driver
(:mod:`game.tui.web`) turns it into a :class:`ClassPause` message for the app. These tests post
that message (or call the driver) as the server's packet would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select, Static
from tui_helpers import SIZE, dismiss_notes, new_app, settle, start_game

from game.arena.saves import read_save
from game.serve import DRIVER as SERVED_DRIVER
from game.serve import PAUSE_META, RESUME_META
from game.tui.dialogs.message import MessageDialog
from game.tui.screens.main import MainScreen
from game.tui.screens.new_game import NewGameScreen
from game.tui.screens.pause import ClassPauseScreen
from game.tui.screens.report import ReportScreen
from game.tui.web import DRIVER, PAUSE, RESUME, CapwarsWebDriver, ClassPause


async def pause(pilot: Pilot[Any], message: str | None) -> None:
    """What the server's packet does: a ClassPause message to the app (None: resume)."""
    app = pilot.app
    app.post_message(ClassPause(message))
    for _ in range(100):  # a busy machine may take a few refreshes
        await pilot.pause()
        covered = isinstance(app.screen, ClassPauseScreen)
        if app.paused_by_teacher == message and covered == (message is not None):
            break
    await pilot.pause()


def message_on(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#pause-message", Static).render())


def test_the_driver_hands_the_servers_pause_and_resume_to_the_app() -> None:
    posted: list[Any] = []

    class App:
        def post_message(self, message: Any) -> bool:
            posted.append(message)
            return True

    driver = CapwarsWebDriver.__new__(CapwarsWebDriver)  # no process pipes needed
    driver._app = App()  # type: ignore[assignment]
    driver.on_meta(PAUSE, {"type": PAUSE, "message": "Look at the board"})
    driver.on_meta(PAUSE, {"type": PAUSE})
    driver.on_meta(RESUME, {"type": RESUME})
    assert [m.message for m in posted] == ["Look at the board", "", None]
    assert all(isinstance(m, ClassPause) for m in posted)
    # The server sends what this driver reads, and runs this driver.
    assert (PAUSE_META, RESUME_META, SERVED_DRIVER) == (PAUSE, RESUME, DRIVER)


async def test_a_paused_game_shows_the_message_ignores_keys_and_resumes(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        await pause(pilot, "Look at the board")
        assert isinstance(pilot.app.screen, ClassPauseScreen)
        assert message_on(pilot) == "Look at the board"
        # Nothing the student types gets out of the pause or reaches the game: not Enter (the
        # facilitator's pause resumes on it), not quit, help, the command palette or orders.
        await pilot.press("enter", "escape", "e", "b", "f1", "ctrl+p", "ctrl+q", "f9")
        await pilot.click("#pause-box")
        assert isinstance(pilot.app.screen, ClassPauseScreen)
        assert pilot.app.is_running and pilot.app.screen_stack[-2] is screen
        assert not screen.session.view().orders
        # A second pause changes the message; there is still one pause screen.
        await pause(pilot, "[b]Q3[/b]: write down your cash")
        assert message_on(pilot) == "[b]Q3[/b]: write down your cash"
        assert sum(isinstance(s, ClassPauseScreen) for s in pilot.app.screen_stack) == 1
        await pause(pilot, None)
        assert pilot.app.screen is screen
        await pilot.press("f1")  # keys work again
        assert not isinstance(pilot.app.screen, (MainScreen, ClassPauseScreen))


async def test_a_pause_without_a_message_says_who_paused(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pause(pilot, "")
        assert "Your teacher has paused the game" in message_on(pilot)


async def test_the_turn_timer_stands_still_while_paused(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await pilot.pause()
        pilot.app.screen.query_one("#turn-timer", Select).value = 90
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await dismiss_notes(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen) and screen.seconds_left is not None
        await pause(pilot, "Eyes up")
        before = screen.seconds_left
        for _ in range(5):
            screen._tick()
        assert screen.seconds_left == before
        # Even with a screen that lets the clock run pushed above (nothing should, but the
        # pause alone keeps the clock still).
        assert screen._clock_runs() is False
        await pause(pilot, None)
        before = screen.seconds_left
        assert before is not None
        screen._tick()
        assert screen.seconds_left == before - 1


async def test_a_quarter_resolving_as_the_pause_comes_waits_under_it(tmp_path: Path) -> None:
    """The team ended its quarter just before the pause: the quarter resolves and is saved, and
    its report opens under the pause, shown once the teacher resumes."""
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        await pause(pilot, "Eyes up")
        screen._pass_turn()  # as End quarter does, once the orders are reviewed
        await settle(pilot)
        await pilot.pause()
        assert screen.session.state.turn == 1
        saved = screen.session.autosave_path(pilot.app.saves_dir)
        assert len(read_save(saved).quarters) == 1
        stack = pilot.app.screen_stack
        assert isinstance(stack[-1], ClassPauseScreen)
        assert isinstance(stack[-2], ReportScreen)
        assert sum(isinstance(s, ClassPauseScreen) for s in stack) == 1
        await pause(pilot, None)
        assert isinstance(pilot.app.screen, ReportScreen)


async def test_a_game_that_opens_while_paused_opens_paused(tmp_path: Path) -> None:
    """A student who joins (or reloads) during the pause: the packet comes as the game starts,
    on the new-game form; what the game opens next opens under the pause."""
    async with new_app(tmp_path, "tutorial", fixed=True).run_test(size=SIZE) as pilot:
        await pause(pilot, "Wait for the class")
        assert isinstance(pilot.app.screen, ClassPauseScreen)
        assert isinstance(pilot.app.screen_stack[-2], NewGameScreen)
        pilot.app.push_screen(MessageDialog("A note", "under the pause"))
        await pilot.pause()
        assert isinstance(pilot.app.screen, ClassPauseScreen)
        await pause(pilot, None)
        assert isinstance(pilot.app.screen, MessageDialog)


async def test_a_screen_switched_during_the_pause_goes_under_it(tmp_path: Path) -> None:
    """The last quarter resolving as the pause comes switches to the game-over screen: it used
    to replace the pause screen itself, lifting the teacher's pause for that team."""
    async with new_app(tmp_path, "tutorial", fixed=True).run_test(size=SIZE) as pilot:
        await pause(pilot, "Eyes up")
        pilot.app.switch_screen(MessageDialog("Game over", "the standings"))
        for _ in range(20):
            await pilot.pause()
        stack = pilot.app.screen_stack
        assert isinstance(stack[-1], ClassPauseScreen), stack
        assert isinstance(stack[-2], MessageDialog), stack
        assert sum(isinstance(s, ClassPauseScreen) for s in stack) == 1
        await pause(pilot, None)
        assert isinstance(pilot.app.screen, MessageDialog)
