"""Pilot tests of the second fix round: what a report, dialog or list says matches what the
engine did (partial spot fills, research's serving boost, pending credit) and what a player can
act on (saves from other content, the quit dialog, narrow screens, idle chips)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_helpers import dismiss_notes, end_quarter, fill_order, new_app, planning, start_game

from game.engine import BidSpot, Borrow, BuildDatacenter, FundResearch, Sublease
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.format import money, price
from game.tui.screens.main import MainScreen
from game.tui.screens.report import ReportScreen
from game.tui.widgets.status import StatusLine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tutorial(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("round2"), "tutorial", autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_game(pilot)
        yield pilot


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def verdict(dialog: ActionDialog) -> str:
    return text(dialog, "#verdict")


def info(dialog: ActionDialog) -> str:
    return text(dialog, "#order-info")


@pytest.mark.asyncio(loop_scope="module")
async def test_a_spot_bid_whose_limit_set_the_price_says_how_much_it_won(
    tutorial: Pilot[Any],
) -> None:
    pilot = tutorial
    session = await planning(pilot, None)
    assert session.state.turn == 0
    # Seed 11: Stratus clears at $6.49M with nobody's limit binding; a $6.20M limit sets the
    # price and, bids at it sharing what is left, wins 2.0 of the 5.0 kGPU asked.
    session.add_order(BidSpot(provider="stratus", quantity=5, max_price=6.2))
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
    assert "spot 2.0" in figures, figures
    assert "Stratus Cloud: filled 2.0 of 5.0 kGPU at $6.20M/kGPU (your limit set the price" in (
        figures
    ), figures
    assert "filled at $6.20M" not in figures
    await dismiss_notes(pilot)
    assert isinstance(pilot.app.screen, MainScreen)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("round2s"), "standard", autosave=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_sublease_dialog_and_report_show_the_income(standard: Pilot[Any]) -> None:
    pilot = standard
    session = await planning(pilot, None)
    obs = session.view().obs
    pid, _reserved = next(
        (p, float(q[0])) for p, q in obs.me.reserved_schedule.items() if float(q[0]) > 1.0
    )
    spot = obs.provider(pid).spot_price
    fee = session.state.world.scenario.market.sublease_fee
    dialog = await fill_order(pilot, "u", {"provider": pid, "quantity": 1})
    shown = info(dialog)
    assert f"Brings in about {money(spot * (1 - fee))} when the quarter resolves" in shown, shown
    assert f"at last quarter's spot price {price(spot)}, less the {fee:.0%} fee" in shown, shown
    await pilot.press("escape")
    session.add_order(Sublease(provider=pid, quantity=1))
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
    assert "+ sublease income $" in figures and "other" not in figures, figures
    # and a line of its own, like bids and contracts: where it went, at what price
    cleared = next(s.price for s in session.reports[-1].spot if s.provider == pid)
    assert (
        f"Sublease 1.0 kGPU at {session.names.provider(pid)}: sold into its spot market at"
        f" {price(cleared)}/kGPU, less the {fee:.0%} fee." in figures
    ), figures
    assert "Sublease income $" in figures, figures
    await dismiss_notes(pilot)


@pytest.mark.asyncio(loop_scope="module")
async def test_turned_away_names_the_serving_capacity_research_boosted(
    standard: Pilot[Any],
) -> None:
    pilot = standard
    session = await planning(pilot, None)
    # Continuous batching (x1.15 serving) funded to completion, customers still turned away.
    for _ in range(2):
        session.add_order(FundResearch(tech="continuous_batching", amount=30))
        session.end_quarter()
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
    me = session.reports[-1].players[0]
    assert me.served > me.inference + 0.05 and me.unserved > 0.05
    assert (
        f"because inference capacity was {me.inference:.1f} kGPU × 1.15 from research ="
        f" {me.served:.1f} kGPU of serving capacity"
    ) in figures, figures
    await dismiss_notes(pilot)


@pytest.mark.asyncio(loop_scope="module")
async def test_quit_dialog_says_how_to_play_the_pending_orders(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    session = await planning(pilot, None)
    session.add_order(BidSpot(provider="stratus", quantity=1, max_price=9))
    await pilot.press("ctrl+q")
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog), dialog
    body = text(dialog, "#confirm-body")
    assert "To play it instead, press n (Back), then e to end the quarter." in body, body
    assert "e ends the quarter" not in body
    await pilot.press("n")
    assert isinstance(pilot.app.screen, MainScreen)
    session.pending = {seat: [] for seat in session.humans}


@pytest.mark.asyncio(loop_scope="module")
async def test_orders_credit_left_counts_pending_borrowing_and_research_pays_its_amount(
    standard: Pilot[Any],
) -> None:
    pilot = standard
    session = await planning(pilot, None)
    me = session.view().obs.me
    line = me.credit_limit - me.debt
    tech = next(t for t in me.research if not t.done and not t.prerequisites and not t.funding)
    session.add_order(Borrow(amount=250))
    session.add_order(FundResearch(tech=tech.id, amount=20))
    pilot.app.screen.refresh_view()  # type: ignore[attr-defined]
    await pilot.press("7")
    await pilot.pause()
    projected = text(pilot.app.screen, "#projected")
    assert f"Credit line left {money(line - 250)} (after this quarter's orders" in projected, (
        projected
    )
    table = pilot.app.screen.query_one("#orders-table", DataTable)
    pays = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
    assert "research" not in pays, pays
    spent = min(20.0, tech.cost - tech.spent, tech.cost / tech.min_quarters)
    assert pays[1] == money(spent), pays
    session.pending = {seat: [] for seat in session.humans}


@pytest.mark.asyncio(loop_scope="module")
async def test_header_keeps_the_company_name_at_80_columns(standard: Pilot[Any]) -> None:
    pilot = standard
    session = await planning(pilot, None)
    session.add_order(Borrow(amount=100))  # a debt to show
    session.end_quarter()
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await pilot.resize_terminal(80, 24)
    await pilot.pause()
    screen.refresh_view()
    await pilot.pause()
    status = screen.query_one(StatusLine)
    line = text(screen, "StatusLine")
    assert status.size.height == 1, line
    assert session.state.names[0] in line, line
    assert "Last q served" in line and f"({session.state.turn + 1}/" not in line, line
    await pilot.resize_terminal(100, 32)
    await pilot.pause()


@pytest.mark.asyncio(loop_scope="module")
async def test_chips_and_fabric_for_a_region_without_a_data_centre_are_warned(
    standard: Pilot[Any],
) -> None:
    pilot = standard
    session = await planning(pilot, None)
    obs = session.view().obs
    empty = next(
        h.region
        for h in obs.me.holdings
        if h.datacenter_mw + h.grid_mw + h.queued_mw + sum(h.datacenter_arriving) == 0
    )
    name = next(r.name for r in obs.regions if r.id == empty)
    sku = next(c.id for c in obs.chips if c.available and not c.custom)
    warning = f"No data centre in {name}: the chips will sit idle, paying upkeep, until one is"
    dialog = await fill_order(pilot, "c", {"sku": sku, "region": empty, "quantity": 1})
    assert warning in verdict(dialog), verdict(dialog)
    await pilot.press("escape")
    dialog = await fill_order(pilot, "n", {"region": empty, "quantity": 1})
    assert f"No data centre in {name}: the network fabric will sit idle" in verdict(dialog)
    await pilot.press("escape")
    # A data centre ordered this quarter for that region: nothing to warn about.
    session.add_order(BuildDatacenter(region=empty, megawatts=20))
    pilot.app.screen.refresh_view()  # type: ignore[attr-defined]
    dialog = await fill_order(pilot, "c", {"sku": sku, "region": empty, "quantity": 1})
    assert "No data centre" not in verdict(dialog), verdict(dialog)
    await pilot.press("escape")
    session.pending = {seat: [] for seat in session.humans}


@pytest.mark.asyncio(loop_scope="module")
async def test_chip_of_one_h_equivalent_is_singular(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot, None)
    dialog = await fill_order(pilot, "c", {"sku": "h100"})
    assert "1 H-equivalent and" in info(dialog), info(dialog)
    await pilot.press("escape")
    dialog = await fill_order(pilot, "c", {"sku": "h200"})
    assert "1.4 H-equivalents and" in info(dialog), info(dialog)
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_tutorial_hints_only_offer_mechanics_it_has_on(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    await planning(pilot, "2")
    screen = pilot.app.screen
    market = text(screen, "#market-hint")
    assert "bid spot" in market and "reserve" in market and "sublease" not in market, market
    await pilot.press("3")
    await pilot.pause()
    infra = text(screen, "#infra-hint")
    assert "order chips" not in infra and "build data centre" not in infra, infra
    assert "Owning infrastructure is off in this scenario" in infra, infra
    await pilot.press("4")
    await pilot.pause()
    research = text(screen, "#research-hint")
    assert "fund the" not in research and "Research is off in this scenario" in research, research


@pytest.mark.asyncio(loop_scope="module")
async def test_repaying_more_than_is_owed_says_so(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    session = await planning(pilot, None)
    session.add_order(Borrow(amount=250))
    session.end_quarter()
    pilot.app.screen.refresh_view()  # type: ignore[attr-defined]
    debt = session.view().obs.me.debt
    assert debt > 1
    dialog = await fill_order(pilot, "y", {"amount": round(debt) + 50})
    shown = verdict(dialog)
    assert f"Only {money(debt)} is owed: repays {money(debt)}." in shown, shown
    await pilot.press("escape")
