"""A resolved quarter is saved by the worker that resolved it, before the screen shows it: a
game stopped while its quarter resolves (its server gone, the page closed) keeps the quarter.
Before, the save was written only once the screen showed the quarter, and the worker's progress
updates raised RuntimeError once the app had stopped, so such a quarter was lost."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_helpers import SIZE, new_app, settle, start_game

from game.arena.saves import read_save
from game.tui.session import GameSession


async def test_the_quarter_is_saved_before_the_screen_shows_it(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        path = screen.session.autosave_path(pilot.app.saves_dir)
        shown: list[int] = []
        after = screen.after_quarter

        def after_quarter(report: Any, **kw: Any) -> None:
            shown.append(len(read_save(path).quarters))
            after(report, **kw)

        screen.after_quarter = after_quarter  # type: ignore[method-assign]
        screen._pass_turn()  # End quarter, orders reviewed
        await settle(pilot)
        assert shown == [1]


def test_a_game_stopped_while_its_quarter_resolves_keeps_the_quarter(tmp_path: Path) -> None:
    """Run as a game process runs it (``App.run``, not the test harness): the app stops as the
    rivals finish (the server's "quit"), then the worker's last progress update comes."""
    app = new_app(tmp_path, "tutorial")
    late: list[str] = []
    played: list[GameSession] = []

    def end_quarter_then_stop(session: GameSession, progress: Any = None) -> Any:
        report = GameSession.end_quarter(session, progress)
        app.call_from_thread(app.exit)
        deadline = time.monotonic() + 30
        while app._loop is not None and time.monotonic() < deadline:  # the app has stopped
            time.sleep(0.02)
        try:
            progress(9, 9, "late")
        except Exception as exc:  # what the test looks for
            late.append(repr(exc))
        return report

    async def play(pilot: Pilot[Any]) -> None:
        screen = await start_game(pilot)
        session = screen.session
        played.append(session)
        session.end_quarter = partial(end_quarter_then_stop, session)  # type: ignore[method-assign]
        screen._pass_turn()  # End quarter, orders reviewed

    app.run(headless=True, size=SIZE, auto_pilot=play)  # returns once the worker is done
    (session,) = played
    path = session.autosave_path(app.saves_dir)
    assert late == []
    assert session.state.turn == 1
    assert len(read_save(path).quarters) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file
