"""Fix round 8, found by a player deep in a 24-quarter standard game: research costs that an
event had raised, reserved capacity the orders' plan left out, a focus stop nobody could see,
the quarter report silent on the standings and the rivals, and the power a chip order needs."""

from __future__ import annotations

import re
import shlex
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static
from tui_helpers import (
    dismiss_notes,
    end_quarter,
    fill_order,
    new_app,
    planning,
    start_game,
    submit,
)

from game.cli import main as cli_main
from game.engine import BuildDatacenter, FundResearch, OrderChips, Reserve
from game.engine.report import RegionCapacity
from game.rules import load_content
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.format import money, pct
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.title import TitleScreen
from game.tui.session import GameSession
from game.tui.widgets.chart import LineChart
from game.tui.widgets.overview import waterfall_cells
from game.tui.widgets.plan import research_cost


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("round8"), "standard", seed=5, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_research_shows_what_a_programme_costs_while_an_event_raises_it(
    standard: Pilot[Any],
) -> None:
    """A talent war (+20% on research) left the table at '$400M · 100% · funded' and the line
    under it at '$450M of $400M spent' while the chip programme still needed $480M; the fund
    dialog said '$120M to go' for liquid cooling that cost $144M."""
    pilot = standard
    session = await planning(pilot, None)
    session.inject("research_talent_war")
    await end_quarter(pilot)
    await dismiss_notes(pilot)
    session = await planning(pilot, "4")
    obs = session.view().obs
    tech = next(t for t in obs.me.research if t.id == "custom_g1")
    # The observation says what the programme costs now, and what it cost before the event
    # (it gave $400M as the cost, and every bot read that too).
    assert (tech.cost, tech.base_cost) == pytest.approx((480.0, 400.0))
    assert research_cost(tech) == pytest.approx(480.0)
    screen = pilot.app.screen
    table = screen.query_one("#techs", DataTable)
    ids = [str(key.value) for key in table.rows]
    table.move_cursor(row=ids.index("custom_g1"))
    await pilot.pause()
    row = [str(cell) for cell in table.get_row("custom_g1")]
    assert any("$480M" in cell for cell in row), row
    detail = text(screen, "#tech-description")
    assert "$0.0M of $480M spent ($400M raised 20% by an event in force" in detail, detail
    assert "cost raised 20% by an event in force" in text(screen, "#research-hint")
    dialog = await fill_order(pilot, "f", {"tech": "liquid_cooling"})
    info = text(dialog, "#order-info")
    assert "(cost $144M: $120M raised 20% by an event in force" in info, info
    assert "$144M to go" in info, info
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_the_capacity_plan_counts_a_reserved_contract_that_starts_now(
    standard: Pilot[Any],
) -> None:
    """6 kGPU reserved at TensorPort run from the quarter they are signed in (and were filled
    in full), but the Orders plan and the end-quarter dialog counted only the contracts already
    running and called the quarter '4.4 kGPU short', asking for spot bids."""
    pilot = standard
    session = await planning(pilot, "2")
    running = sum(float(q[0]) for q in session.view().obs.me.reserved_schedule.values() if len(q))
    await fill_order(pilot, "r", {"provider": "tensorport", "quantity": 6, "term": 12})
    await submit(pilot)
    await fill_order(pilot, "r", {"provider": "nordhall", "quantity": 3, "term": 4})
    await submit(pilot)  # starts next quarter: not this quarter's capacity
    await pilot.press("7")
    await pilot.pause()
    plan = text(pilot.app.screen, "#projected")
    assert f"reserved {running:.1f} + reserving now up to 6.0 + own" in plan, plan
    await pilot.press("e")
    await pilot.pause()
    confirm = str(pilot.app.screen.query_one("#confirm-body", Static).render())
    assert "reserving now up to 6.0" in confirm, confirm
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_tab_from_the_last_field_reaches_the_add_button(standard: Pilot[Any]) -> None:
    """After picking a 12-quarter term, Tab went to the explanation under the fields (a focus
    stop with nothing to show that it had the focus) and Enter did nothing; a second Tab was
    needed to reach 'Add order'."""
    pilot = standard
    await planning(pilot, "2")
    dialog = await fill_order(pilot, "r", {"provider": "tensorport", "quantity": 2})
    await pilot.press("tab")  # quantity -> term
    assert dialog.focused is dialog.query_one("#field-term")
    await pilot.press("tab")
    assert dialog.focused is dialog.query_one("#submit"), dialog.focused
    await pilot.press("enter")
    await pilot.pause()
    assert pilot.app.screen is not dialog
    assert len(pilot.app.session.view().orders) == 1  # type: ignore[attr-defined]


@pytest.mark.asyncio(loop_scope="module")
async def test_the_quarter_report_says_where_you_stand_and_what_rivals_did(
    standard: Pilot[Any],
) -> None:
    """Rank 1 became rank 3 between two quarter reports without a word, and the rivals' new
    data centres were only in the Rivals section: the report now has your score and rank with
    their change, and each rival's share, price and announcements of the quarter."""
    pilot = standard
    session = await planning(pilot, None)
    await end_quarter(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen), screen
    state = session.state
    t = screen.report.turn
    body = text(screen, "#report-standings")
    mine = next(s for s in session.standings() if s.seat == 0)
    assert f"You: value created +{money(mine.score)}" in body, body
    assert f"rank {mine.rank} of 4" in body, body
    for i, name in enumerate(state.names[1:], start=1):
        share = pct(float(state.history["share"][t, i]), 1)
        assert f"{name}: share {share}" in " ".join(body.split()), body
    said = [text for turn, who, text in state.announcements if turn == t and who != 0]
    assert said, "seed 5 has a rival build in 2027 Q2"
    flat = " ".join(body.split())
    for who, announced in ((w, a) for turn, w, a in state.announcements if turn == t and w != 0):
        name = state.names[who]
        move = announced[len(name) :].strip()  # "starts a 9 MW data centre in ..."
        assert move in flat.split(f"{name}: ", 1)[1], (announced, body)
    await dismiss_notes(pilot)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_chip_order_says_when_the_data_centres_cannot_power_it(
    standard: Pilot[Any],
) -> None:
    """The chip dialog said '24.0 MW of powered data centre' and what the network ports
    connect, but not that the 20 MW data centre being built there holds only part of it."""
    pilot = standard
    await planning(pilot, "3")
    await fill_order(pilot, "d", {"region": "gulf", "megawatts": 20})
    await submit(pilot)
    dialog = await fill_order(pilot, "c", {"sku": "h100", "region": "gulf", "quantity": 10})
    assert "no power" not in text(dialog, "#order-info")  # 13 MW: the 20 MW hold them
    dialog.query_one("#field-quantity", Input).value = "20"
    await pilot.pause()
    info = " ".join(text(dialog, "#order-info").split())
    assert (
        "Your data centres here (built, being built, ordered now) hold 20.0 MW; your chips here"
        " with these draw 26.0 MW: 6.0 MW of them would have no power (d builds more)." in info
    ), info
    await submit(pilot)
    # Editing that order counts the chips once (not with themselves), and a second order the
    # chips of the first.
    dialog = await fill_order(pilot, "c", {"sku": "h100", "region": "gulf", "quantity": 1})
    info = " ".join(text(dialog, "#order-info").split())
    assert "draw 27.3 MW: 7.3 MW of them would have no power" in info, info
    await pilot.press("escape")
    await pilot.press("7")
    table = pilot.app.screen.query_one("#orders-table", DataTable)
    table.focus()
    table.move_cursor(row=1)
    await pilot.press("enter")
    dialog = pilot.app.screen
    info = " ".join(text(dialog, "#order-info").split())
    assert "draw 26.0 MW: 6.0 MW of them would have no power" in info, info
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_the_research_table_shows_funding_ordered_this_quarter(
    standard: Pilot[Any],
) -> None:
    """Funding a programme left its row at 'Fund/q —' and 'open' until the quarter ended, so
    it looked as if the order had not been taken."""
    pilot = standard
    await planning(pilot, "4")
    await fill_order(pilot, "f", {"tech": "training_recipes", "amount": 20})
    await submit(pilot)
    await pilot.pause()
    table = pilot.app.screen.query_one("#techs", DataTable)
    row = [str(cell) for cell in table.get_row("training_recipes")]
    assert "$20.0M [cyan]new[/]" in row, row
    assert row[-1] == "funded", row


async def test_the_orders_table_fits_80_columns_with_a_research_order(tmp_path: Path) -> None:
    """At 80x24 with 'Fund Custom accelerator, generation 1 at $50M per quarter' the orders
    table was two cells too wide: 'Status' read 'Statu' and the table scrolled sideways."""
    app = new_app(tmp_path, "standard", seed=7, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        session = pilot.app.session  # type: ignore[attr-defined]
        session.add_order(Reserve(provider="tensorport", quantity=6, term=8))
        session.add_order(BuildDatacenter(region="gulf", megawatts=20))
        session.add_order(FundResearch(tech="custom_g1", amount=50))
        pilot.app.screen.refresh_view()
        await pilot.press("7")
        await pilot.pause()
        table = pilot.app.screen.query_one("#orders-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width, (
            table.virtual_size,
            table.scrollable_content_region,
        )
        assert table.max_scroll_x == 0


async def test_order_dialog_stays_fitted_at_80x24_while_typing(tmp_path: Path) -> None:
    """At 80x24 a chip order with a warning fitted when it opened, but every other keystroke
    in its quantity left the dialog taller than the screen: the verdict and the buttons were
    cut off (the fit measured the layout from before the text changed)."""
    app = new_app(tmp_path, "standard", seed=7, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session  # type: ignore[attr-defined]
        session.add_order(OrderChips(sku="h100", region="us-east", quantity=3))
        screen.refresh_view()
        await pilot.press("3", "c")
        await pilot.pause(0.3)
        dialog = pilot.app.screen
        for typed in ("1", "15", "9", "2", "27"):
            dialog.query_one("#field-quantity", Input).value = typed
            await pilot.pause(0.3)
            box = dialog.query_one(".dialog").region
            for part in ("#verdict", "#submit", "#cancel"):
                region = dialog.query_one(part).region
                assert region.bottom <= box.bottom - 1, (typed, part, region, box)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_finished_technology_says_what_it_does_in_a_sentence(
    standard: Pilot[Any],
) -> None:
    """Done, liquid cooling read 'done ($120M spent). It 15% less power per accelerator (own
    data centres).'"""
    pilot = standard
    session = await planning(pilot, None)
    for _ in range(8):
        tech = next(t for t in session.view().obs.me.research if t.id == "liquid_cooling")
        if tech.done:
            break
        session.add_order(FundResearch(tech="liquid_cooling", amount=60))
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        session = await planning(pilot, None)
    assert tech.done
    spent = money(tech.spent)
    await planning(pilot, "4")
    table = pilot.app.screen.query_one("#techs", DataTable)
    table.move_cursor(row=table.get_row_index("liquid_cooling"))
    await pilot.pause()
    detail = " ".join(text(pilot.app.screen, "#tech-description").split())
    assert (
        f"Direct-to-chip liquid cooling: done ({spent} spent); in force: 15% less power per"
        " accelerator (own data centres)." in detail
    ), detail


async def test_game_over_offers_the_debrief_page_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The game over named only 'capwars class export'; the debrief page of the whole game
    ('capwars report', charts and every decision) was not offered. Its command is shown and
    works as printed."""
    session = GameSession.new(load_content(), "tutorial", 7)
    while not session.over:
        session.end_quarter()
    monkeypatch.chdir(tmp_path)
    saves = Path("saves")
    path = session.autosave(saves)
    app = new_app(saves, load=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GameOverScreen)
        shown = str(screen.query_one("#over-debrief", Static).render())
    rows = shown.split("(charts, every decision, CSV files):\n")[1].splitlines()
    assert rows[-1] == "then open bank-1-debrief/report.html in a browser.", rows
    command = " ".join(row.removesuffix(" \\").strip() for row in rows[:-1])
    assert command == f"capwars report {path} --out bank-1-debrief", command
    assert all(len(row) <= 78 for row in rows), rows
    assert cli_main(shlex.split(command)[1:]) == 0
    assert (tmp_path / "bank-1-debrief" / "report.html").is_file()


async def test_sublease_starts_on_a_provider_you_hold_capacity_with(tmp_path: Path) -> None:
    """u on the Market's highlighted provider opened the sublease dialog on a provider the
    player held nothing with, refused at once ('You have no reserved capacity with Nimbus');
    it starts on the provider with the most reserved capacity to sublet."""
    app = new_app(tmp_path, "standard", seed=7, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_game(pilot)
        await pilot.press("2")
        table = pilot.app.screen.query_one("#providers", DataTable)
        table.move_cursor(row=table.get_row_index("nimbus"))
        await pilot.pause()
        await pilot.press("u")
        dialog = pilot.app.screen
        assert dialog.query_one("#field-provider", Select).value == "stratus"
        assert "✓ legal" in text(dialog, "#verdict"), text(dialog, "#verdict")


def test_the_waterfall_calls_unused_capacity_idle_not_chips_short() -> None:
    """Gulf read 'Installed 20.7 · Networked 20.7 · Powered 20.7 · Used 13.7 · chips' with the
    chips in red, which the help reads as 'buy more chips', while 7 kGPU stood idle."""
    idle = RegionCapacity("gulf", 20.7, 20.7, 20.7, 13.7, "chips")
    cells = waterfall_cells(idle)
    assert cells == ("20.7", "20.7", "20.7", "13.7", "none, 7.0 idle"), cells
    short = RegionCapacity("gulf", 20.7, 20.7, 11.0, 11.0, "power")
    cells = waterfall_cells(short)
    assert cells == ("20.7", "20.7", "[reverse red]11.0[/]", "11.0", "power"), cells
    # Short of power and partly idle (reserved capacity served first): both are said.
    both = RegionCapacity("gulf", 20.7, 20.7, 11.0, 6.1, "power")
    cells = waterfall_cells(both)
    assert cells == ("20.7", "20.7", "[reverse red]11.0[/]", "6.1", "power, 4.9 idle"), cells


async def test_rival_announcements_say_when(tmp_path: Path) -> None:
    """'Northwind Motors starts a 10 MW data centre in US Central' did not say whether it was
    last quarter's news or two years old: each announcement starts with its quarter."""
    app = new_app(tmp_path, "standard", seed=5, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_game(pilot)
        for _ in range(2):
            await end_quarter(pilot)
            await dismiss_notes(pilot)
        session = await planning(pilot, "5")
        shown = text(pilot.app.screen, "#announcements").splitlines()[1:]
        label = session.state.world.quarter_label
        expected = {
            f"{label(turn)}  {session.names.text(said)}"
            for turn, _, said in session.state.announcements
        }
        assert shown and all(line in expected for line in shown), (shown, expected)


async def test_enter_after_a_stray_escape_keeps_the_game_and_its_orders(tmp_path: Path) -> None:
    """Escape (pressed to close a dialog that had already closed) asked 'Back to the title
    screen?' with 'Title screen' focused: the next Enter left the game and threw the
    quarter's orders away. With orders to lose, Enter now means Back; y still leaves."""
    app = new_app(tmp_path, "standard", seed=5, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session  # type: ignore[attr-defined]
        session.add_order(Reserve(provider="tensorport", quantity=6, term=12))
        screen.refresh_view()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert len(session.view().orders) == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen


async def test_chart_axes_read_as_money_and_stay_within_the_data(tmp_path: Path) -> None:
    """The cash chart's axis read '1585.5', '1538.2'; the game-over value chart's top label was
    '8051.8' over lines that never passed 4,129 (the room left for the legend had labels too)."""
    app = new_app(tmp_path, "standard", seed=3, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_game(pilot)
        for _ in range(3):
            await end_quarter(pilot)
            await dismiss_notes(pilot)
        session = await planning(pilot, "1")
        chart = pilot.app.screen.query_one("#chart-cash", LineChart)
        shown = "\n".join(strip.text for strip in chart._lines())
        labels = re.findall(r"([\d,.]+)┤", shown)
        # Thousands separated ('1,522.2', not '1522.2'), as precise as the steps need.
        money_like = r"\d{1,3}(,\d{3})*(\.\d)?"
        assert labels and all(re.fullmatch(money_like, label) for label in labels), labels
        cash = [float(v) for v in session.state.history["cash"][: session.state.turn, 0]]
        values = [float(label.replace(",", "")) for label in labels]
        assert min(cash) - 1 <= min(values) and max(values) <= max(cash) + 1, (values, cash)
