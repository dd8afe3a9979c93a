"""Review of the day's TUI merges (session 9)."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import new_app

from game.rules import load_content
from game.rules.models import Seat
from game.tui.screens.game_over import GameOverScreen
from game.tui.session import HUMAN, GameSession
from game.tui.widgets.chart import LineChart

CONTENT = load_content()


async def test_game_over_charts_keep_every_hot_seat_team_s_line(tmp_path: Path) -> None:
    """Two teams whose names begin alike ("Table 1 Anna", "Table 1 Ben") were both cut to
    "Table 1… (you)" in the final charts: one name for two lines, and one line was lost."""
    table = [
        Seat(industry="bank", name="Table 1 Anna"),
        Seat(industry="bank", name="Table 1 Ben"),
        Seat(industry="manufacturer", rival="forgeline"),
    ]
    session = GameSession.create(CONTENT, "tutorial", 7, table, [HUMAN, HUMAN, "balanced"])
    while not session.over:
        session.end_quarter()
    path = session.autosave(tmp_path)
    async with new_app(tmp_path, load=str(path)).run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, GameOverScreen)
        for chart_id in ("#over-ev", "#over-share"):
            spec = screen.query_one(chart_id, LineChart)._spec
            assert spec is not None
            names = list(spec[1])
            assert len(names) == 3, names
            assert any("Anna" in n for n in names) and any("Ben" in n for n in names), names
