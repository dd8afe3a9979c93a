"""Pilot test of the last quarter: its report comes before the final standings (the cash
bridge and unfilled bids are tested in test_fix_screens)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import end_quarter, new_app, start_game

from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.report import ReportScreen

SIZE = (100, 32)


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_last_quarter_report_comes_before_game_over(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial", autosave=False).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        while session.state.turn < session.state.world.scenario.quarters - 1:
            session.end_quarter()
        screen.refresh_view()
        await end_quarter(pilot)
        report = pilot.app.screen
        assert isinstance(report, ReportScreen), report
        assert report.final
        assert "Enter shows the final standings" in text_of(report, "#report-final")
        assert "Cash" in text_of(report, "#report-figures")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GameOverScreen), pilot.app.screen
