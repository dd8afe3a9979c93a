"""Found playing `startup-squeeze`: after ordering a 60 MW data centre, the Orders section said
"Cash $0.0M − orders $0.0M − reserved due $0.0M = $0.0M projected" each quarter while the
quarter report billed $114M of building instalments (met by emergency credit): the plan, the
End-quarter dialog and the order dialogs' projected cash left earlier data centres' instalments
out."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static
from tui_helpers import SIZE, dismiss_notes, new_app, settle, start_game

from game.engine import BuildDatacenter
from game.rules import load_content
from game.tui.session import GameSession
from game.tui.widgets.plan import cash_plan


def test_the_cash_plan_counts_the_instalments_the_quarter_bills() -> None:
    session = GameSession.new(load_content(), "standard", 11)
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.end_quarter()
    view = session.view()
    plan = cash_plan(session.state, view.obs, view.orders)
    report = session.end_quarter()  # no order placed: the capex billed is the instalment
    billed = report.players[session.seat].costs["capex"]
    assert billed > 1.0
    assert abs(plan.building_due - billed) < 1e-6, (plan.building_due, billed)
    assert "− building due $38.0M" in plan.text(), plan.text()
    assert plan.after == plan.cash - plan.reserved_due - billed


async def test_the_orders_section_shows_the_instalment(tmp_path: Path) -> None:
    async with new_app(tmp_path, "standard", seed=11).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen.session.add_order(BuildDatacenter(region="us-central", megawatts=20))
        screen._pass_turn()
        await settle(pilot)
        await dismiss_notes(pilot)
        await pilot.press("7")
        shown = " ".join(
            " ".join(Text.from_markup(str(w.render())).plain.split())
            for w in screen.query(Static)
            if "projected" in str(w.render())
        )
        assert "− building due $38.0M =" in shown, shown


async def test_a_projection_below_zero_says_what_follows(tmp_path: Path) -> None:
    """The same start-up: the plan now read "= -$114M projected" and said nothing of the
    emergency credit and its fee, nor of bankruptcy once the line is used up."""
    async with new_app(tmp_path, "startup-squeeze", seed=3).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen.session.add_order(BuildDatacenter(region="us-central", megawatts=60))
        screen._pass_turn()
        await settle(pilot)
        await dismiss_notes(pilot)
        await pilot.press("7")
        shown = " ".join(
            " ".join(Text.from_markup(str(w.render())).plain.split())
            for w in screen.query(Static)
            if "projected" in str(w.render())
        )
        assert "− building due $114.0M" in shown, shown
        assert (
            "⚠ Below zero: whatever revenue does not cover is drawn from the credit line" in shown
        )
        assert "with a 4% fee on top" in shown and "goes bankrupt" in shown, shown
        await pilot.press("e")  # the End-quarter dialog says so too
        body = " ".join(str(pilot.app.screen.query_one("#confirm-body", Static).render()).split())
        assert "⚠ Below zero" in body, body


def test_the_shortfall_note_doctest() -> None:
    import doctest

    from game.tui.widgets import plan

    assert doctest.testmod(plan).failed == 0
