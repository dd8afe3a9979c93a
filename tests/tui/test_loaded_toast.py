"""At 80x24 the "Loaded" notification names the game by its team, not by its autosave file:
the file's name (some 60 characters) made a toast of four lines that covered the lesson note's
OK button for seconds, each time a student in class play came back to their game."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast
from tui_helpers import new_app

from game.rules import load_content
from game.tui.session import GameSession


def _saved_game(folder: Path) -> Path:
    game = GameSession.new(load_content(), "tutorial", 7)
    game.end_quarter()
    return game.autosave(folder)


async def test_the_loaded_toast_is_one_line_at_80x24(tmp_path: Path) -> None:
    path = _saved_game(tmp_path)
    assert len(path.name) > 40
    app = new_app(tmp_path, load=str(path), fixed=True, scenario="tutorial", seed=7)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        session = app.session
        assert session is not None
        team = session.state.names[session.humans[0]]
        messages = [n.message for n in app._notifications]
        assert messages == [f"Loaded: {team}, 2027 Q2"]
        toasts: list[Toast] = []
        for _ in range(20):  # the toast is mounted a refresh or two after the notification
            await pilot.pause(0.05)
            toasts = list(app.screen.query(Toast))
            if toasts and toasts[0].region.height:
                break
        assert len(toasts) == 1
        assert toasts[0].region.height == 3, toasts[0].region  # one line and its padding
