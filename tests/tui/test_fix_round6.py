"""Fix round 6, found playing the game in a terminal: a bankrupt player, money that rounds to
zero, ..."""

from __future__ import annotations

import shlex
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static
from tui_helpers import dismiss_notes, end_quarter, new_app, settle, start_game

from game.engine import (
    BidSpot,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reserve,
    SetServicePrice,
)
from game.rules import load_content
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.facilitator import EventPicker
from game.tui.dialogs.forms import chips_form, reserve_form
from game.tui.dialogs.save import SaveDialog
from game.tui.format import exact_money, kgpu, money
from game.tui.screens.game_over import GameOverScreen, command_lines, export_args
from game.tui.screens.handover import HandoverScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.too_small import TooSmallScreen
from game.tui.session import GameSession
from game.tui.widgets.status import StatusLine

SIZE = (80, 24)
CONTENT = load_content()


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_a_bankrupt_player_is_told_and_can_see_the_final_standings(tmp_path: Path) -> None:
    """Start-up squeeze: a 16 kGPU take-or-pay contract and a price nobody pays bankrupt the
    start-up in its fourth quarter. The report said so only in its last news item, then the
    game went on as if nothing happened: 'Opening' in the header, 'every customer served'
    each quarter, and twenty quarters of e to reach the standings."""
    async with new_app(tmp_path, "startup-squeeze", seed=7).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(Reserve(provider="stratus", quantity=16, term=8))
        session.add_order(SetServicePrice(price=100))
        for _ in range(3):
            session.end_quarter()
        screen.refresh_view()
        await end_quarter(pilot)
        assert session.state.status[0] != 0, "the start-up should be bankrupt by now"
        report = pilot.app.screen
        assert isinstance(report, ReportScreen), report
        first = text_of(report, "#report-figures").splitlines()[0]
        assert first.startswith("Bankrupt: cash -$"), first
        assert "out of the game" in first
        await pilot.press("escape")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog), dialog
        body = text_of(dialog, "#confirm-body")
        assert "The rivals play on to 2031 Q4 (16 quarters more)" in body, body
        await pilot.press("n")  # look around first: the header says it
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        header = str(pilot.app.screen.query_one(StatusLine).render())
        assert "Bankrupt" in header and "Opening" not in header, header
        await pilot.press("e")  # e offers the play-out again
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause()
        assert session.over
        assert isinstance(pilot.app.screen, GameOverScreen), pilot.app.screen
        assert "Bankrupt" in text_of(pilot.app.screen, "#over-title")


def test_money_that_rounds_to_zero_has_no_minus_sign() -> None:
    """The header showed 'Cash -$0.0M' for a cash of -4e-15 (a bridge's rounding crumb)."""
    assert money(-3.6e-15) == "$0.0M"
    assert money(-0.04) == "$0.0M"
    assert money(-0.06) == "-$0.1M"
    assert money(-250) == "-$250M"
    assert exact_money(-1e-12) == "$0.0M"
    assert exact_money(-1500) == "-$1.500B"


async def test_chip_and_network_dialogs_count_this_quarters_other_orders(tmp_path: Path) -> None:
    """Found ordering 10k H100s and 10 fabric units for a new US Central data centre: the chip
    dialog (and its edit) still said to order network fabric for the rest, as it left out the
    fabric ordered this quarter; the network dialog left out the fabric ordered before it."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(BuildDatacenter(region="us-central", megawatts=40))
        session.add_order(OrderNetwork(region="us-central", quantity=10))
        session.add_order(OrderChips(sku="h100", region="us-central", quantity=6))
        screen.refresh_view()
        await pilot.press("3")
        table = screen.query_one("#regions", DataTable)
        table.move_cursor(row=table.get_row_index("us-central"))
        await pilot.pause()
        await pilot.press("c")  # 1k more: 7 kGPU of chips, 10 kGPU of ports
        info = text_of(pilot.app.screen, "#order-info")
        assert "order network fabric" not in info, info
        dialog = pilot.app.screen
        dialog.query_one("#field-sku", Select).value = "h100"
        dialog.query_one("#field-quantity", Input).value = "5"  # 11 kGPU: 1 short
        await pilot.pause()
        info = text_of(dialog, "#order-info")
        assert "connect 10.0 kGPU of your 11.0 kGPU" in info, info
        await pilot.press("escape")
        await pilot.press("n")  # 6 kGPU of chips, 10 of ports already: enough
        info = text_of(pilot.app.screen, "#order-info")
        assert "ports 10.0 kGPU: enough for them" in info, info
        await pilot.press("escape", "7")
        orders = screen.query_one("#orders-table", DataTable)
        orders.move_cursor(row=2)  # edit the chips: counted once, with the fabric
        await pilot.pause()
        await pilot.press("enter")
        dialog = pilot.app.screen
        assert "order network fabric" not in text_of(dialog, "#order-info")
        dialog.query_one("#field-quantity", Input).value = "12"
        await pilot.pause()
        info = text_of(dialog, "#order-info")
        assert "connect 10.0 kGPU of your 12.0 kGPU" in info, info


async def test_ending_a_quarter_without_a_bid_says_the_spot_capacity_is_gone(
    tmp_path: Path,
) -> None:
    """Found in the tutorial: a quarter after a 7 kGPU spot bid, End quarter with no orders
    said 'you hold everything as it is'; capacity fell from 10.3 to 3.3 kGPU against 11 of
    demand and reputation from 73% to 47%. The Orders line compared capacity before training
    with demand, green while customers were turned away."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(BidSpot(provider="stratus", quantity=7, max_price=9))
        session.end_quarter()
        screen.refresh_view()
        await pilot.press("7")
        detail = text_of(screen, "#order-detail")
        assert "without a bid you have none this quarter" in detail, detail
        plan = text_of(screen, "#projected")
        assert "for customers after 20% training" in plan, plan
        assert "kGPU short: customers beyond your capacity are turned away" in plan, plan
        assert "b bids for spot; t lowers the training share" in plan, plan
        await pilot.press("e")
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog), dialog
        body = text_of(dialog, "#confirm-body")
        assert "spot capacity is rented one quarter at a time" in body, body
        assert "kGPU short" in body, body
        await pilot.press("n")
        session.add_order(BidSpot(provider="stratus", quantity=12, max_price=9))
        screen.refresh_view()
        await pilot.pause()
        assert "short" not in text_of(screen, "#projected")


def test_header_compares_what_was_served_with_demand() -> None:
    """Found in a standard game: 'Last quarter: capacity 11.0 / demand 9.8 kGPU' in green
    while 20% training left 8.8 kGPU for customers and 1.0 kGPU was turned away (reputation
    fell every quarter with a green header)."""
    session = GameSession.new(CONTENT, "tutorial", 5)
    session.add_order(BidSpot(provider="stratus", quantity=5, max_price=9))
    session.end_quarter()
    view = session.view()
    last = view.obs.me.last
    assert last["capacity"] >= last["demand"] > last["served"] + 0.05, last
    line = StatusLine.line(view, "", 120)
    served, demand = kgpu(last["served"]), kgpu(last["demand"])
    assert f"Last quarter: served [red]{served}[/] of {demand} kGPU demand" in line, line
    assert "Last q served [red]" in StatusLine.line(view, "", 78)


async def test_saving_over_an_existing_save_asks_first(tmp_path: Path) -> None:
    """Found saving twice under one name: the second game replaced the first one's file
    without a word (any save, or another game's autosave, typed by name)."""
    other = GameSession.new(CONTENT, "tutorial", 9)
    other.end_quarter()
    kept = other.save(tmp_path / "mine.jsonl").read_bytes()
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("s")
        dialog = pilot.app.screen
        assert isinstance(dialog, SaveDialog), dialog
        dialog.query_one(Input).value = "mine"
        await pilot.press("enter")
        assert pilot.app.screen is dialog
        note = text_of(dialog, "#save-error")
        assert "mine.jsonl is already there (Bank 1 · tutorial · after 2027 Q1)" in note, note
        assert "Press Save (or Enter) again to replace it" in note, note
        assert (tmp_path / "mine.jsonl").read_bytes() == kept
        dialog.query_one(Input).value = "mine2"  # another name: saved at once
        dialog.query_one(Input).value = "mine"  # back: asked again
        await pilot.press("enter")
        assert pilot.app.screen is dialog
        await pilot.press("enter")  # again: replaced
        await pilot.pause()
        assert pilot.app.screen is not dialog
        assert (tmp_path / "mine.jsonl").read_bytes() != kept
        assert '"seed":5' in (tmp_path / "mine.jsonl").read_text()


async def test_export_command_with_a_long_path_pastes_as_one_command(tmp_path: Path) -> None:
    """Found at 80x24 with saves in a deeper folder: the save's path was longer than a line,
    and the screen wrapped it mid-word ('...b019.js' / 'onl \\'): pasted, the shell read two
    words. Now a word longer than a line breaks with a backslash right after it and goes on
    at the line's first column, which a POSIX shell reads as one word."""
    session = GameSession.new(CONTENT, "tutorial", 7)
    while not session.over:
        session.end_quarter()
    saves = tmp_path / "class-of-2026" / "capacity-wars" / "saves"
    path = session.autosave(saves)
    async with new_app(saves, load=str(path)).run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, GameOverScreen), screen
        for width, height in ((80, 24), (100, 32)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            saved = text_of(screen, "#over-saved")
            lines = saved.split("(c copies it):\n")[1]
            # The widget has no padding (so a broken word's rest starts in the first column):
            # the left margin is a space of each indented row.
            assert all(len(row) <= width - 1 for row in lines.splitlines()), lines
            # What a POSIX shell does with a backslash before a newline: joins the lines.
            words = shlex.split(lines.replace("\\\n", ""))
            assert words == export_args(path, "Bank 1"), (lines, words)
            # At 80 columns the Title column was cut to 'St'/'Bi' (the titles are listed in
            # full under the table): it is left out below 100 columns.
            table = screen.query_one("#standings", DataTable)
            labels = [str(c.label) for c in table.columns.values()]
            assert ("Title" in labels) == (width >= 100), labels
            assert table.region.width <= width


async def test_chip_dialog_starts_on_the_cheapest_compute_and_infra_lists_your_own_chip(
    tmp_path: Path,
) -> None:
    """Found in a standard game: the chip dialog opened on the Verdant H100 ($30M per kGPU,
    the catalogue's first and dearest) while Infra listed chips at half that; and once the
    custom-chip research was done, the chip it unlocks ($7.8M per kGPU) was not in Infra's
    list of chips on sale at all."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        await pilot.press("3", "c")
        dialog = pilot.app.screen
        assert dialog.query_one("#field-sku", Select).value == "c300"
        await pilot.press("escape")
        session.add_order(FundResearch(tech="custom_g1", amount=50))
        k = session.state.world.tech_ids.index("custom_g1")
        while not 0 <= session.state.research_done[0, k] < session.state.turn:
            session.end_quarter()
        screen.refresh_view()
        await dismiss_notes(pilot)
        await pilot.press("3")
        listed = text_of(screen, "#chips-note").splitlines()
        assert listed[1].startswith("  Custom accelerator, generation 1: $7.8M/kGPU"), listed
        assert not any("generation 2" in line for line in listed), listed
        await pilot.press("c")
        assert pilot.app.screen.query_one("#field-sku", Select).value == "asic-g1"
        await pilot.press("escape", "4")
        techs = screen.query_one("#techs", DataTable)
        techs.move_cursor(row=techs.get_row_index("custom_g2"))
        await pilot.pause()
        techs.move_cursor(row=techs.get_row_index("custom_g1"))
        await pilot.pause()
        done = text_of(screen, "#tech-description")
        # It said '$400M of $400M spent; at least 8 quarters, so at most $0.0M a quarter'.
        assert "Custom accelerator, generation 1: done ($4" in done, done
        assert "at most" not in done, done
        lead = next(c.lead_quarters for c in session.view().obs.chips if c.id == "asic-g1")
        assert f"it arrives {lead} quarters after it is ordered" in done, done


async def test_overview_says_what_the_verdict_title_means(tmp_path: Path) -> None:
    """Found playing: the Overview ended in '→ Stranded' or ': Big Spender', titles explained
    nowhere before the game-over screen."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.end_quarter()
        mine = next(s for s in session.standings() if s.seat == 0)
        for size in ((80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            screen.refresh_view()
            await pilot.pause()
            score = text_of(screen, "#score").replace("\n", " ")
            assert f"{mine.title}: {mine.verdict}" in score or (
                f"{mine.title} ({mine.verdict})" in score
            ), score


async def test_repay_without_debt_and_a_share_typed_as_a_fraction(tmp_path: Path) -> None:
    """Found in the tutorial: y with no debt opened a form on '0.0' that said 'Amount: must
    be greater than 0'; a training share of 0.2 (meant as 20%) was accepted as 0.2%."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        await pilot.press("7", "y")
        await pilot.pause()
        assert pilot.app.screen is screen
        said = [n.message for n in pilot.app._notifications]
        assert any("You owe nothing: there is no debt to repay ($ borrows" in m for m in said)
        await pilot.press("t")
        dialog = pilot.app.screen
        dialog.query_one("#field-share", Input).value = "0.2"
        await pilot.pause()
        verdict = text_of(dialog, "#verdict")
        assert "0.2 means 0.2% of capacity. For 20% type 20." in verdict, verdict
        dialog.query_one("#field-share", Input).value = "20"
        await pilot.pause()
        assert "percent" not in text_of(dialog, "#verdict")


async def test_end_quarter_dialog_keeps_its_buttons_on_screen_with_many_orders(
    tmp_path: Path,
) -> None:
    """Found at 80x24 with a dozen orders: the End-quarter dialog grew past the screen and its
    buttons were cut off (its text now scrolls instead)."""
    async with new_app(tmp_path, "standard", seed=7).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        for i in range(12):
            session.add_order(BidSpot(provider="stratus", quantity=1 + i, max_price=9))
        screen.refresh_view()
        await pilot.press("e")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog), dialog
        box = dialog.query_one(".dialog").region
        for button in ("#yes", "#no"):
            region = dialog.query_one(button).region
            assert region.bottom <= box.bottom - 1, (button, region, box)  # inside the border
        assert "12. Bid 12 kGPU" in text_of(dialog, "#confirm-body")


async def test_order_dialog_keeps_its_verdict_and_buttons_on_screen_at_80x24(
    tmp_path: Path,
) -> None:
    """Found at 80x24: chips for a region without a data centre (a warning under the cost,
    the ports line above it) made the dialog taller than the screen: its buttons, and with a
    longer warning the verdict itself, were cut off. The explanation scrolls instead."""
    async with new_app(tmp_path, "standard", seed=7).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(OrderChips(sku="h100", region="us-east", quantity=3))
        screen.refresh_view()
        await pilot.press("3", "c")
        await pilot.pause()
        await pilot.pause()
        dialog = pilot.app.screen
        box = dialog.query_one(".dialog").region
        for part in ("#verdict", "#submit", "#cancel"):
            region = dialog.query_one(part).region
            assert region.bottom <= box.bottom - 1, (part, region, box)
        assert "✓ legal" in text_of(dialog, "#verdict")
        await pilot.resize_terminal(120, 40)  # room again: nothing scrolls
        await pilot.pause()
        await pilot.pause()
        scroll = dialog.query_one("#order-info-scroll")
        assert scroll.styles.max_height is None
        assert scroll.region.height == dialog.query_one("#order-info").region.height
        await pilot.resize_terminal(*SIZE)


async def test_event_picker_shows_the_explanation_and_cancel_at_80x24(tmp_path: Path) -> None:
    """Found at 80x24: the facilitator's event list took twelve rows and the highlighted
    event's explanation ran off the dialog, its Cancel button with it."""
    async with new_app(tmp_path, "standard", seed=7).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("enter")  # Start an event live…
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, EventPicker), picker
        box = picker.query_one(".dialog").region
        for part in ("#event-explain", "#cancel"):
            region = picker.query_one(part).region
            assert region.bottom <= box.bottom - 1, (part, region, box)


async def test_first_quarter_capacity_is_compared_with_a_fair_share_of_demand(
    tmp_path: Path,
) -> None:
    """The capacity line (Orders, End quarter) appeared only from the second quarter: the
    first decision, where a newcomer most needs it, had nothing to compare the 3.3 kGPU of
    the opening contract with."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        await pilot.press("7")
        plan = text_of(screen, "#projected")
        assert "+ own 0.0 (installed) = 3.3 kGPU, 2.7 kGPU for customers after 20%" in plan, plan
        assert "demand about 10.0 kGPU (a fair share of the opening market)" in plan, plan
        assert "7.3 kGPU short" in plan, plan
        await pilot.press("e")
        assert "a fair share of the opening market" in text_of(pilot.app.screen, "#confirm-body")


async def test_bid_and_reserve_warn_when_capacity_costs_more_than_it_earns(
    tmp_path: Path,
) -> None:
    """Found playing the history scenario (2023): Stratus spot cleared at $25.50M per kGPU
    while a hospital network's service price earns $12.50M, and the bid form said only
    '✓ legal': every kGPU rented there lost money."""
    async with new_app(tmp_path, "history", seed=11).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        await pilot.press("2")
        table = screen.query_one("#providers", DataTable)
        table.move_cursor(row=table.get_row_index("stratus"))
        await pilot.pause()
        await pilot.press("b")
        verdict = text_of(pilot.app.screen, "#verdict")
        assert "spot here costs $23.25M per kGPU, more than the $12.50M" in verdict, verdict
        assert "unless you raise your price (p)" in verdict, verdict
        assert "✓ legal" in verdict
        pilot.app.screen.query_one("#field-max_price", Input).value = "12"  # capped below
        await pilot.pause()
        assert "loses money" not in text_of(pilot.app.screen, "#verdict")
        await pilot.press("escape", "r")  # reserved at $5.10M: earns its keep
        assert "loses money" not in text_of(pilot.app.screen, "#verdict")
    cheap = GameSession.new(CONTENT, "history", 11)
    cheap.add_order(SetServicePrice(price=4))
    cheap.end_quarter()
    obs = cheap.view().obs
    form = reserve_form(obs, "stratus", None, {"stratus": 1}, cheap.state.world.quarter_label)
    assert form.warn is not None
    warning = form.warn({"provider": "stratus", "quantity": 1, "term": 8})
    assert warning.startswith("This contract costs $5.10M per kGPU, more than the $4.00M"), warning


async def test_out_of_range_numbers_are_refused_with_their_unit(tmp_path: Path) -> None:
    """Found typing into the forms: 'Quantity: must be less than or equal to 100000' (no
    unit, no thousands separator), 'Size: must be greater than or equal to 5'."""
    async with new_app(tmp_path, "standard", seed=7).run_test(size=(120, 40)) as pilot:
        await start_game(pilot)
        await pilot.press("2", "b")
        dialog = pilot.app.screen
        field = dialog.query_one("#field-quantity", Input)
        for typed, said in (
            ("1e9", "Quantity: must be at most 100,000 kGPU"),
            ("0", "Quantity: must be more than 0 kGPU"),
        ):
            field.value = typed
            await pilot.pause()
            assert said in text_of(dialog, "#verdict"), text_of(dialog, "#verdict")
        await pilot.press("escape", "3", "d")
        dialog = pilot.app.screen
        dialog.query_one("#field-megawatts", Input).value = "3"
        await pilot.pause()
        assert "Size: must be at least 5 MW" in text_of(dialog, "#verdict")


def test_export_command_lines_at_every_width() -> None:
    """Found loading a finished game at 80x24: a path that just filled its line left the
    continuation backslash alone on the next line (' \\'). Every width: lines fit, none is a
    lone backslash, and the shell reads the words back."""
    args = export_args(
        Path("/tmp/tui6b/autosave-tutorial-seed777914-bank-1-20261128-080753-b019.jsonl"),
        "Bank 1",
    )
    for width in range(34, 120):
        lines = command_lines(args, width, indent="  ")
        assert all(len(line) <= width for line in lines), (width, lines)
        assert all(line.strip() not in ("\\", "") for line in lines), (width, lines)
        assert shlex.split("\n".join(lines).replace("\\\n", "")) == args, (width, lines)


async def test_orders_say_per_kgpu_for_prices(tmp_path: Path) -> None:
    """Found in the Orders list and the End-quarter dialog: 'Bid 7 kGPU spot at Stratus
    Cloud, up to $7.2M' reads as a cap on the whole bid (it is per kGPU: $50.4M in all), and
    'Set service price to $11M' as a total."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(BidSpot(provider="stratus", quantity=7, max_price=7.2))
        session.add_order(SetServicePrice(price=11))
        screen.refresh_view()
        await pilot.press("7")
        table = screen.query_one("#orders-table", DataTable)
        rows = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert rows == [
            "Bid 7 kGPU spot at Stratus Cloud, up to $7.2M/kGPU",
            "Set service price to $11M/kGPU",
        ], rows


async def test_report_says_per_kgpu_for_a_filled_bid(tmp_path: Path) -> None:
    """The quarter report's 'Spot bid 7.0 kGPU at Stratus Cloud: filled at $6.87M.' read as
    the bid's cost (it is the price per kGPU: $48.1M in the cash line above)."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(BidSpot(provider="stratus", quantity=7, max_price=20))
        screen.refresh_view()
        await end_quarter(pilot)
        figures = text_of(pilot.app.screen, "#report-figures")
        price = session.last_report.spot[0].price  # type: ignore[union-attr]
        assert f"Spot bid 7.0 kGPU at Stratus Cloud: filled at ${price:.2f}M/kGPU." in figures


async def test_network_dialog_starts_on_the_units_the_chips_need(tmp_path: Path) -> None:
    """Found ordering 10k H100s: the network dialog said '10 more units connect them all'
    with 1 in its quantity field."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(OrderChips(sku="h100", region="us-central", quantity=10))
        screen.refresh_view()
        await pilot.press("3")
        table = screen.query_one("#regions", DataTable)
        table.move_cursor(row=table.get_row_index("us-central"))
        await pilot.pause()
        await pilot.press("n")
        dialog = pilot.app.screen
        assert "10 more units connect them all" in text_of(dialog, "#order-info")
        assert dialog.query_one("#field-quantity", Input).value == "10"
        await pilot.press("escape")
        table.move_cursor(row=table.get_row_index("gulf"))  # no chips there: 1
        await pilot.pause()
        await pilot.press("n")
        assert pilot.app.screen.query_one("#field-quantity", Input).value == "1"


async def test_hot_seat_team_that_goes_bankrupt_sees_its_report(tmp_path: Path) -> None:
    """Hot-seat: the first team went bankrupt and the keyboard went straight to the second;
    the bankrupt team never saw the report that said so (its turns are skipped after)."""
    async with new_app(tmp_path, "startup-squeeze", seed=7).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot, humans=2)
        session = pilot.app.session
        assert session is not None
        session.add_order(Reserve(provider="stratus", quantity=16, term=8), seat=0)
        session.add_order(SetServicePrice(price=100), seat=0)
        for _ in range(3):
            session.end_quarter()
        screen.refresh_view()
        await pilot.press("e", "y")  # the first team
        await pilot.pause()
        assert isinstance(pilot.app.screen, HandoverScreen)
        await pilot.press("enter")  # the second team ends the quarter
        await dismiss_notes(pilot)
        await pilot.press("e", "y")
        await settle(pilot)
        assert session.state.status[0] != 0 and session.state.status[1] == 0
        handover = pilot.app.screen
        assert isinstance(handover, HandoverScreen), handover
        assert handover.player == session.state.names[0]
        assert "went bankrupt this quarter" in text_of(handover, "#handover-rules")
        await pilot.press("enter")
        report = pilot.app.screen
        assert isinstance(report, ReportScreen) and report.seat == 0, report
        assert text_of(report, "#report-figures").startswith("Bankrupt: cash")
        await pilot.press("escape")
        await pilot.pause()
        handover = pilot.app.screen  # then the team still playing
        assert isinstance(handover, HandoverScreen), handover
        assert handover.player == session.state.names[1]


def test_chips_that_arrive_after_the_game_ends_are_flagged() -> None:
    """Found in a standard game: the custom chip (13 quarters' lead by then) could be ordered
    in 2029 Q3 with no word that it arrives in the game's last quarter at best; ordered a
    quarter later it never arrives at all."""
    session = GameSession.new(CONTENT, "standard", 7)
    while session.state.turn < 21:
        session.end_quarter()
    obs, label = session.view().obs, session.state.world.quarter_label
    form = chips_form(obs, "us-central", None, frozenset(), label)
    assert form.warn is not None
    on_sale = [c for c in obs.chips if c.available and not c.custom]
    late = next(c for c in on_sale if obs.turn + c.lead_quarters >= obs.quarters)
    warning = form.warn({"sku": late.id, "region": "us-central", "quantity": 1})
    assert warning == (
        f"The chips would arrive in {label(obs.turn + late.lead_quarters)}, after the game's"
        " last quarter (2032 Q4): they would never serve a customer."
    ), warning
    for chip in on_sale:
        if obs.turn + chip.lead_quarters < obs.quarters:
            assert "after the game's last quarter" not in form.warn(
                {"sku": chip.id, "region": "us-central", "quantity": 1}
            )


async def test_too_small_notice_says_how_much_room_is_missing(tmp_path: Path) -> None:
    """Resizing a window toward 80x24 gave no sign of progress: the notice said only 'at
    least 80×24'. It says the size now and the rows or columns still missing."""
    app = new_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = text_of(app.screen, "#too-small")
        assert "This one is 60×20: 20 more columns and 4 more rows." in text, text
        await pilot.resize_terminal(80, 23)
        await pilot.pause()
        await pilot.pause()
        text = text_of(app.screen, "#too-small")
        assert "This one is 80×23: 1 more row." in text, text


async def test_price_far_from_the_rivals_warns(tmp_path: Path) -> None:
    """Found playing: a service price of 100 (meant 10.0) went through as '✓ legal' beside
    rivals at $12M; customers went elsewhere for the rest of the game."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("7", "p")
        dialog = pilot.app.screen
        field = dialog.query_one("#field-price", Input)
        field.value = "100"
        await pilot.pause()
        verdict = text_of(dialog, "#verdict")
        assert "$100.00M is 8.3× the rivals' average ($12.00M)" in verdict, verdict
        assert "✓ legal" in verdict
        field.value = "4"
        await pilot.pause()
        assert "under half the rivals' average" in text_of(dialog, "#verdict")
        field.value = "12.5"
        await pilot.pause()
        assert "rivals' average" not in text_of(dialog, "#verdict")


async def test_build_beyond_cash_and_credit_warns(tmp_path: Path) -> None:
    """Found building in a standard game: 300 MW in US Central ($3.42B over six quarters)
    was '✓ legal' for a bank with $1.5B of cash and a $1.2B line: only the first instalment
    is checked when it is ordered."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        await pilot.press("3")
        table = screen.query_one("#regions", DataTable)
        table.move_cursor(row=table.get_row_index("us-central"))
        await pilot.pause()
        await pilot.press("d")
        dialog = pilot.app.screen
        field = dialog.query_one("#field-megawatts", Input)
        field.value = "300"
        await pilot.pause()
        verdict = text_of(dialog, "#verdict")
        assert "In all it costs $3.42B, more than your cash and unused credit today ($2.70B)" in (
            verdict
        ), verdict
        assert "✓ legal" in verdict
        field.value = "40"
        await pilot.pause()
        assert "In all it costs" not in text_of(dialog, "#verdict")
