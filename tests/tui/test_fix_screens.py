"""Pilot tests of the main screen: a one-line header, the contract book and its endings, the
match's news by quarter, the prediction's number field, quitting with pending orders."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import dismiss_notes, end_quarter, new_app, start_game

from game.engine import BidSpot, Borrow, Repay, Reserve
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.prediction import PredictionDialog
from game.tui.screens.main import MainScreen
from game.tui.screens.report import ReportScreen
from game.tui.session import GameSession
from game.tui.widgets.status import StatusLine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tutorial(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("screens"), "tutorial", autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_game(pilot)
        yield pilot


async def main_screen(pilot: Pilot[Any]) -> tuple[MainScreen, GameSession]:
    app = pilot.app
    while not isinstance(app.screen, MainScreen):
        app.pop_screen()
        await pilot.pause()
    assert app.session is not None
    return app.screen, app.session


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.asyncio(loop_scope="module")
async def test_header_is_one_line_at_100_and_80_columns(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    screen, session = await main_screen(pilot)
    session.end_quarter()
    screen.refresh_view()
    await pilot.pause()
    status = screen.query_one(StatusLine)
    assert status.size.height == 1, text(screen, StatusLine)
    assert "Last q: served" in text(screen, StatusLine)
    await pilot.resize_terminal(80, 24)
    await pilot.pause()
    assert status.size.height == 1, text(screen, StatusLine)
    assert "Last q served" in text(screen, StatusLine)
    await pilot.resize_terminal(100, 32)
    await pilot.pause()


@pytest.mark.asyncio(loop_scope="module")
async def test_contract_book_and_its_end_are_shown(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    screen, session = await main_screen(pilot)
    world = session.state.world
    # The tutorial's opening Stratus contract runs four quarters: play to its third.
    while session.state.turn < 2:
        session.end_quarter()
    screen.refresh_view()
    await pilot.press("2")
    await pilot.pause()
    book = text(screen, "#contracts")
    assert f"Stratus Cloud 3.3 kGPU at $5.95M: running, ends after {world.quarter_label(3)}" in (
        book
    ), book
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
    assert "Contract ending" in figures and "Stratus Cloud 3.3 kGPU" in figures, figures
    # The report is of the quarter just played: "now" read as that one.
    assert (
        f"runs its last quarter in {world.quarter_label(3)}, the quarter you plan next" in figures
    ), figures
    await dismiss_notes(pilot)
    screen, session = await main_screen(pilot)
    await pilot.press("2")
    await pilot.pause()
    assert "⚠ ends this quarter" in text(screen, "#contracts")
    await pilot.press("6")
    await pilot.pause()
    news = text(screen, "#news-items")
    assert "Your Stratus Cloud contract (3.3 kGPU) runs its last quarter now" in news, news


@pytest.mark.asyncio(loop_scope="module")
async def test_news_keeps_every_quarter_newest_first(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    screen, session = await main_screen(pilot)
    screen.refresh_view()
    await pilot.press("6")
    await pilot.pause()
    news = text(screen, "#news-items")
    labels = [r.label for r in session.reports]
    assert len(labels) >= 3
    positions = [news.index(label) for label in reversed(labels)]
    assert positions == sorted(positions), news  # newest first
    assert "No news yet" not in news
    for report in session.reports:
        if not report.news_for(0):
            assert "A quiet quarter" in news
    headline = next(n.headline for r in session.reports for n in r.news_for(0))
    assert headline in news


@pytest.mark.asyncio(loop_scope="module")
async def test_prediction_takes_a_typed_number(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    await main_screen(pilot)
    answers: list[object] = []
    dialog = PredictionDialog("Bank 1", "Where will the spot price go?", "price 6", False)
    pilot.app.push_screen(dialog, answers.append)
    await pilot.pause()
    await pilot.press("a", "b", "c", "enter")
    assert pilot.app.screen is dialog
    assert "'abc' is not a number" in text(dialog, "#prediction-error")
    await pilot.press("backspace", "backspace", "backspace", "6", ".", "5", "enter")
    await pilot.pause()
    assert answers == [6.5]


@pytest.mark.asyncio(loop_scope="module")
async def test_quitting_with_pending_orders_asks_first(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    screen, session = await main_screen(pilot)
    session.add_order(BidSpot(provider="nimbus", quantity=1, max_price=9))
    screen.refresh_view()
    await pilot.press("ctrl+q")  # the app's own binding, not only the screen's method
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    assert "Quit with 1 pending order?" in text(dialog, ".dialog-title")
    await pilot.press("n")
    await pilot.pause()
    assert pilot.app.screen is screen and pilot.app.is_running
    session.pending[0].clear()


def money_value(text: str) -> float:
    number = float(text.strip("$BM").replace(",", ""))
    return number * 1000 if text.endswith("B") else number


@pytest.mark.asyncio(loop_scope="module")
async def test_cash_bridge_adds_up_and_unfilled_bids_are_explained(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    screen, session = await main_screen(pilot)
    session.add_order(Borrow(amount=150))
    session.end_quarter()
    screen.refresh_view()
    session.add_order(Repay(amount=100))
    session.add_order(BidSpot(provider="nimbus", quantity=2, max_price=3.01))
    session.add_order(Reserve(provider="stratus", quantity=1, term=4))  # starts next quarter
    label = session.state.world.quarter_label
    turn = session.state.turn
    locked = session.view().obs.provider("stratus").reserved_price[4]
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
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
    signed = (
        f"got 1.0 kGPU for 4 quarters at ${locked:.2f}M, {label(turn + 1)} to {label(turn + 4)}"
    )
    assert signed in figures, figures
    await dismiss_notes(pilot)
