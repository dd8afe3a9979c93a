"""Pilot tests of the quarter report: the last quarter's report, a cash bridge that adds up,
spot bids that did not fill."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Static
from tui_helpers import dismiss_notes, new_app, settle, start_game

from game.engine import BidSpot, Borrow, Repay
from game.tui.dialogs.prediction import PredictionDialog
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
        await pilot.press("e", "y")
        if isinstance(pilot.app.screen, PredictionDialog):
            await pilot.click("#flat")
        await settle(pilot)
        report = pilot.app.screen
        assert isinstance(report, ReportScreen), report
        assert report.final
        assert "Enter shows the final standings" in text_of(report, "#report-final")
        assert "Cash" in text_of(report, "#report-figures")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GameOverScreen), pilot.app.screen


def money_value(text: str) -> float:
    number = float(text.strip("$BM").replace(",", ""))
    return number * 1000 if text.endswith("B") else number


async def test_cash_bridge_adds_up_and_unfilled_bids_are_explained(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial", autosave=False).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(Borrow(amount=150))
        session.end_quarter()
        screen.refresh_view()
        session.add_order(Repay(amount=100))
        session.add_order(BidSpot(provider="nimbus", quantity=2, max_price=3.01))
        await pilot.press("e", "y")
        if isinstance(pilot.app.screen, PredictionDialog):
            await pilot.click("#flat")
        await settle(pilot)
        report = pilot.app.screen
        assert isinstance(report, ReportScreen), report
        figures = text_of(report, "#report-figures")
        cash_line = next(line for line in figures.splitlines() if line.startswith("Cash"))
        assert "repaid $100.0M" in cash_line, cash_line
        # The bridge adds up: start + inflows − outflows = end (to the rounding shown).
        start = money_value(re.search(r": (\S+) at the start", cash_line).group(1))  # type: ignore[union-attr]
        flows = re.findall(r"([+−]) [a-z ,]+ (\$[\d.,]+[MB])", cash_line)
        end = money_value(re.search(r" = (\$[\d.,]+[MB])", cash_line).group(1))  # type: ignore[union-attr]
        total = start + sum(money_value(v) * (1 if s == "+" else -1) for s, v in flows)
        assert abs(total - end) < 1.5, (cash_line, total, end)
        spot = session.last_report.spot  # type: ignore[union-attr]
        clearing = next(s.price for s in spot if s.provider == "nimbus")
        assert clearing > 3.01
        assert "not filled" in figures and "your limit $3.01M < clearing price" in figures
        await dismiss_notes(pilot)
