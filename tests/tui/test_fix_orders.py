"""Pilot tests of the order dialogs: player-facing messages, the cash they move this quarter,
research's real cap, reserved contracts' start and free capacity."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static
from tui_helpers import fill_order, new_app, planning, start_game, submit

from game.engine import BidSpot, Borrow
from game.engine.state import NewsItem
from game.tui.dialogs.action import ActionDialog
from game.tui.screens.main import MainScreen
from game.tui.widgets.chart import LineChart, short_quarter
from game.tui.widgets.news import news_text

SIZE = (100, 32)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def game(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("orders"), "standard", autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        yield pilot


def verdict(dialog: ActionDialog) -> str:
    return str(dialog.query_one("#verdict", Static).render())


def info(dialog: ActionDialog) -> str:
    return str(dialog.query_one("#order-info", Static).render())


async def close(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    await pilot.pause()


@pytest.mark.asyncio(loop_scope="module")
async def test_messages_use_names_money_and_the_fields_units(game: Pilot[Any]) -> None:
    pilot = game
    await planning(pilot, None)
    dialog = await fill_order(pilot, "b", {"provider": "stratus", "max_price": 0.5})
    text = verdict(dialog)
    assert "Stratus Cloud's spot reserve price is $3.50M" in text, text
    assert "below_floor" not in text and "stratus" not in text
    await close(pilot)
    obs = pilot.app.session.view().obs  # type: ignore[union-attr]
    sku = next(c.id for c in obs.chips if c.available and not c.custom)
    dialog = await fill_order(pilot, "c", {"sku": sku, "quantity": 9000})
    text = verdict(dialog)
    assert "insufficient_funds" not in text and "B but only $" in text, text
    assert ",000.0M" not in text
    await close(pilot)
    dialog = await fill_order(pilot, "t", {"share": 81})
    text = verdict(dialog)
    assert "at most 80%" in text and "0.8" not in text, text
    await close(pilot)
    dialog = await fill_order(pilot, "b", {"quantity": "1,5"})
    assert "use a dot for decimals" in verdict(dialog)
    await close(pilot)
    # A spot bid pays the clearing price: its limit is only an upper bound.
    dialog = await fill_order(pilot, "b", {"quantity": 1, "max_price": 9})
    assert "pays at most $9.0M this quarter" in verdict(dialog), verdict(dialog)
    await close(pilot)


@pytest.mark.asyncio(loop_scope="module")
async def test_cash_after_orders_counts_borrowing_repayment_and_builds(game: Pilot[Any]) -> None:
    pilot = game
    session = await planning(pilot, None)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    before = screen.cash_plan().after
    dialog = await fill_order(pilot, "$", {"amount": 100})
    assert "brings in $100M this quarter" in verdict(dialog), verdict(dialog)
    await submit(pilot)
    assert abs(screen.cash_plan().after - (before + 100)) < 1e-6
    await pilot.press("3")
    dialog = await fill_order(pilot, "d", {"megawatts": 20})
    text = verdict(dialog)
    assert "pays $" in text and "nothing to pay" not in text, text
    await submit(pilot)
    paid = screen.cash_plan().orders
    assert paid > 1.0
    assert abs(screen.cash_plan().after - (before + 100 - paid)) < 1e-6
    await pilot.press("7")
    await pilot.pause()
    projected = str(screen.query_one("#projected", Static).render())
    assert "borrowed $100.0M" in projected and "− orders $" in projected, projected
    assert session.pending[0][0] == Borrow(amount=100)
    # With debt to repay, a repayment takes cash this quarter.
    session.end_quarter()
    await planning(pilot, None)
    before = screen.cash_plan().after
    dialog = await fill_order(pilot, "y", {"amount": 50})
    assert "pays $50.0M this quarter" in verdict(dialog), verdict(dialog)
    await submit(pilot)
    assert abs(screen.cash_plan().after - (before - 50)) < 1e-6


@pytest.mark.asyncio(loop_scope="module")
async def test_research_funding_is_capped_at_what_the_programme_spends(game: Pilot[Any]) -> None:
    pilot = game
    session = await planning(pilot, None)
    obs = session.view().obs
    tech = next(t for t in obs.me.research if not t.prerequisites)
    cap = min(tech.cost / tech.min_quarters, tech.cost - tech.spent)
    await pilot.press("4")
    dialog = await fill_order(pilot, "f", {"tech": tech.id, "amount": 5000})
    text = verdict(dialog)
    assert "can spend at most" in text and f"{cap:,.1f} or less" in text, text
    assert dialog.query_one("#submit").disabled
    assert "a quarter" in info(dialog)
    await close(pilot)


@pytest.mark.asyncio(loop_scope="module")
async def test_reserve_dialog_says_when_it_starts_and_warns_above_free(game: Pilot[Any]) -> None:
    pilot = game
    session = await planning(pilot, None)
    world = session.state.world
    obs = session.view().obs
    leads = {pid: int(world.prov_reserved_lead[p]) for p, pid in enumerate(world.provider_ids)}
    later = next(p for p in obs.providers if leads[p.id] == 1 and p.reserved_free > 1)
    now = next(p for p in obs.providers if leads[p.id] == 0 and p.reserved_free > 1)
    await pilot.press("2")
    dialog = await fill_order(pilot, "r", {"provider": later.id, "quantity": 1, "term": 4})
    text = info(dialog)
    assert f"Starts in {world.quarter_label(obs.turn + 1)}" in text, text
    assert "nothing to pay this quarter" in text
    assert "nothing to pay now" in verdict(dialog)
    # The cash figure beside it includes the quarter's other known bills (contracts signed
    # before), so it is the projection the Orders section shows, not "after orders".
    assert "projected cash" in verdict(dialog) and "after orders" not in verdict(dialog)
    await close(pilot)
    dialog = await fill_order(pilot, "r", {"provider": now.id, "quantity": 1, "term": 4})
    assert f"Starts in {world.quarter_label(obs.turn)} (this quarter)" in info(dialog)
    assert f"pays {'$'}{now.reserved_price[4]:.1f}M this quarter" in verdict(dialog)
    await close(pilot)
    asked = round(now.reserved_free + 10)
    dialog = await fill_order(pilot, "r", {"provider": now.id, "quantity": asked, "term": 4})
    assert f"only about {now.reserved_free:,.1f} kGPU is free" in verdict(dialog)
    await close(pilot)
    assert session.pending[0] == [] or isinstance(session.pending[0][0], BidSpot)


@pytest.mark.asyncio(loop_scope="module")
async def test_polish_editing_widths_and_charts(game: Pilot[Any]) -> None:
    pilot = game
    session = await planning(pilot, None)
    screen = pilot.app.screen
    # Editing an order says so.
    session.add_order(BidSpot(provider="nimbus", quantity=1, max_price=9))
    screen.refresh_view()
    await pilot.press("7")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog)
    assert str(dialog.query_one("#submit", Button).label) == "Change order"
    await close(pilot)
    # At 100 columns the rivals' names and industries fit (the right half was empty).
    await pilot.press("5")
    await pilot.pause()
    table = screen.query_one("#rivals-table", DataTable)
    cells = [str(c) for row in range(table.row_count) for c in table.get_row_at(row)[:2]]
    assert not any(c.endswith("…") for c in cells), cells
    # Charts label their x axis with quarters, not fractions.
    await pilot.press("1")
    await pilot.pause()
    chart = screen.query_one("#chart-cash", LineChart)
    text = "\n".join(strip.text for strip in chart._lines())
    first = short_quarter(session.state.world.quarter_label(0))
    assert first in text and "0.25" not in text, text
    session.pending[0].clear()


def test_news_does_not_repeat_its_headline() -> None:
    price = NewsItem(3, "price", "Iron Lattice spot $5.68M (+48%)", "x")
    price = replace(price, text="Iron Lattice spot $5.68M (+48%): capacity -30% → price +40%")
    assert news_text(price) == ("Iron Lattice spot $5.68M (+48%)", "capacity -30% → price +40%")
    deal = NewsItem(3, "provider", "Northwind Motors", "Northwind Motors starts a fleet")
    assert news_text(deal) == ("Northwind Motors starts a fleet", "")
    assert short_quarter("2027 Q3") == "Q3 27"
