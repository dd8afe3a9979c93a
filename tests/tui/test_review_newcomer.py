"""Review of the newcomer round (section footers, scrolling lower parts, F1 in dialogs, save and
load notes, quarter report additions): what it still got wrong, found playing it at 80x24."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets._footer import FooterKey
from tui_helpers import dismiss_notes, end_quarter, new_app, planning, start_game

from game.engine import SetServicePrice
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.screens.handover import HandoverScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.main import MainScreen


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("review-std"), "standard", seed=3, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_research_compares_with_the_h100_price_infrastructure_shows(
    standard: Pilot[Any],
) -> None:
    """After a quarter of rising vendor prices the custom chip's description said '(H100s:
    $30.0M)', the content's opening price, while Infrastructure's 'Chips on sale' said
    'Verdant H100: $34.5M/kGPU'."""
    pilot = standard
    session = await planning(pilot, None)
    session.end_quarter()
    await planning(pilot, "3")
    screen = pilot.app.screen
    on_sale = str(screen.query_one("#chips-note", Static).render())
    h100 = next(c for c in session.view().obs.chips if c.id == "h100")
    assert h100.price > 30.5  # the vendors' prices rose: the test means something
    shown = f"Verdant H100: ${h100.price:.1f}M/kGPU"
    assert shown in on_sale, on_sale
    await planning(pilot, "4")
    table = screen.query_one("#techs", DataTable)
    table.move_cursor(row=[str(k.value) for k in table.rows].index("custom_g1"))
    await pilot.pause()
    detail = str(screen.query_one("#tech-description", Static).render())
    assert f"(H100s: ${h100.price:.1f}M)" in detail, detail


@pytest.mark.asyncio(loop_scope="module")
async def test_f1_in_an_order_dialog_gives_the_help_of_the_section_under_it(
    standard: Pilot[Any],
) -> None:
    """F1 in the chips dialog opened the help without its 'This section' part (the dialog has
    no section of its own), while ? on the screen under it gave Infrastructure's."""
    pilot = standard
    await planning(pilot, "3")
    await pilot.press("c")
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog)
    await pilot.press("f1")
    assert isinstance(pilot.app.screen, HelpScreen)
    context = str(pilot.app.screen.query_one("#context-help", Static).render())
    assert context.startswith("Infrastructure: own capacity."), context
    await pilot.press("escape")
    assert pilot.app.screen is dialog
    await pilot.press("escape")


@pytest.mark.asyncio
async def test_hot_seat_save_says_whose_orders_are_left_out_and_when_to_save(
    tmp_path: Path,
) -> None:
    """In a hot-seat game the second player, with no order of their own, read 'the 1 pending
    order is not in the save. To keep it, end the quarter (e) first.': the order was the first
    player's, and e only hands over until every player has ended the quarter."""
    app = new_app(tmp_path, "tutorial", seed=3, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot, humans=2)
        session = app.session
        assert session is not None
        first, second = (session.state.names[seat] for seat in session.humans)
        session.add_order(SetServicePrice(price=14.0))
        app.screen.refresh_view()
        await end_quarter(pilot)
        assert isinstance(app.screen, HandoverScreen)
        await pilot.press("enter")
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen) and session.seat == session.humans[1]
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        note = str(dialog.query_one("#save-pending", Static).render())
        label = session.state.quarter_label
        assert note == (
            f"The game is saved as {label} began: the 1 pending order ({first}'s) is not in the"
            f" save. To keep it, save once {label} is over (every player has ended it with e)."
        ), note
        assert second not in note
        assert dialog.query_one("#save-pending").region.bottom <= 24
        await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_help_keys_list_the_keys_the_round_added(standard: Pilot[Any]) -> None:
    """The help's key list, the one place that lists every key, had none of the round's new
    ones: Tab into what is under a table, g and k in the help, F1 in an order dialog."""
    pilot = standard
    await planning(pilot, None)
    await pilot.press("question_mark", "k")
    keys = pilot.app.screen.query_one("#keys", Static)
    text = str(keys.render())
    assert "Tab then ↓ or End: what is under a table, when it says more below" in text
    assert "In help g glossary, k keys · in order dialogs F1 help, Esc cancel" in text
    assert keys.region.height == len(text.splitlines())  # no line wraps at 80 columns
    await pilot.press("escape")


def footer_keys(screen: Any) -> list[str]:
    keys = sorted(screen.query_one(Footer).query(FooterKey), key=lambda k: k.region.x)
    return [k.key for k in keys if k.key != "ctrl+p"]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_wide_footer_shows_every_order_key_of_the_section(standard: Pilot[Any]) -> None:
    """The footer showed at most three order keys at any width: y (repay), the Orders
    section's fourth, was in no footer even at 120 columns, with half the line empty."""
    pilot = standard
    await planning(pilot, "7")
    narrow = ["e", "s", "question_mark", "p", "t", "dollar_sign", "ctrl+q"]
    assert footer_keys(pilot.app.screen) == narrow
    await pilot.resize_terminal(120, 40)
    await pilot.pause()
    screen = pilot.app.screen
    assert footer_keys(screen) == [
        "e",
        "s",
        "question_mark",
        "p",
        "t",
        "dollar_sign",
        "y",
        "ctrl+q",
    ]
    palette = screen.query_one(Footer).query(FooterKey).last()
    quit_key = next(k for k in screen.query(FooterKey) if k.key == "ctrl+q")
    assert quit_key.region.right <= palette.region.x
    await pilot.resize_terminal(80, 24)
    await pilot.pause()
    assert footer_keys(pilot.app.screen) == narrow


@pytest.mark.asyncio
async def test_a_rent_only_scenario_lists_no_chips_on_sale(tmp_path: Path) -> None:
    """The tutorial (chips, network and data centres switched off) listed 'Chips on sale,
    cheapest compute first' in Infrastructure, with prices and lead times, that no key buys."""
    async with new_app(tmp_path, "tutorial", seed=2, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        screen = await start_game(pilot)
        await pilot.press("3")
        note = str(screen.query_one("#chips-note", Static).render())
        assert "Chips on sale" not in note and "H100" not in note, note
        assert "No chips to buy in this scenario: capacity is rented (2 Market)." in note, note


def test_the_plan_says_what_spot_bid_closes_its_gap() -> None:
    from game.tui.widgets.orders import CapacityPlan

    plan = CapacityPlan(10.0, True, 4.0, 0.0, 0.0, 0.0, 0.0, 0.2)
    assert round(plan.short, 6) == 6.8
    assert plan.to_bid() == 8.5  # 8.5 kGPU less 20% training serves 6.8
    assert CapacityPlan(10.0, False, 4.0, 0.0, 0.0, 0.0, 6.0, 0.0).to_bid() == 0.0
    assert CapacityPlan(10.0, False, 4.0, 0.0, 0.0, 0.0, 5.93, 0.0).to_bid() == 0.1  # up


@pytest.mark.asyncio
async def test_a_new_bid_starts_at_what_closes_the_plans_gap(tmp_path: Path) -> None:
    """The Orders section and the End-quarter dialog said '6.8 kGPU short', while a new spot bid
    started at 2 kGPU and said nothing of it: a newcomer bid 2, ended the quarter and turned
    customers away."""
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await pilot.press("2", "b")
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionDialog), dialog
        assert dialog.query_one("#field-quantity", Input).value == "8.5"
        info = str(dialog.query_one("#order-info", Static).render())
        assert "Your plan is 6.8 kGPU short for customers: 8.5 kGPU bid and filled" in info
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("b")  # the gap is closed: the next bid starts at the usual 2
        dialog = pilot.app.screen
        assert dialog.query_one("#field-quantity", Input).value == "2"
        assert "short" not in str(dialog.query_one("#order-info", Static).render())
