"""Found playing `startup-squeeze`: with its plan short of capacity for customers, a start-up
sublet 5 of its 6 reserved kGPU into the spot market and the form said only "✓ legal": the
customers it turned away cost it reputation the quarter after."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import fill_order, new_app, start_game, submit


def _said(dialog: object) -> str:
    return " ".join(str(dialog.query_one("#verdict", Static).render()).split())  # type: ignore[attr-defined]


async def test_a_sublease_that_leaves_customers_without_capacity_warns(tmp_path: Path) -> None:
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await pilot.press("2")
        dialog = await fill_order(pilot, "u", {"provider": "stratus", "quantity": 2})
        said = _said(dialog)
        assert (
            "Your plan is already 6.8 kGPU short for customers; with this sublease it is 8.4"
            " kGPU short" in said
        ), said
        assert "✓ legal" in said  # a warning, not a refusal
        await pilot.press("escape")
        # Enough spot bid for every customer and more: a small sublease is fine.
        await fill_order(pilot, "b", {"provider": "nimbus", "quantity": 12, "max_price": 20})
        await submit(pilot)
        dialog = await fill_order(pilot, "u", {"provider": "stratus", "quantity": 1})
        assert "short" not in _said(dialog), _said(dialog)


async def test_a_sublease_that_makes_a_plan_short_says_so_in_a_sentence(tmp_path: Path) -> None:
    """Found reviewing: a plan with room to spare that a sublease made short read "Your plan is
    with this sublease it is 0.4 kGPU short"."""
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await pilot.press("2")
        await fill_order(pilot, "b", {"provider": "nimbus", "quantity": 12, "max_price": 20})
        await submit(pilot)
        dialog = await fill_order(pilot, "u", {"provider": "stratus", "quantity": 4})
        said = _said(dialog)
        assert "With this sublease your plan is" in said and "kGPU short for customers:" in said
        assert "Your plan is with" not in said, said


async def test_an_edited_sublease_warns_as_a_new_one_does(tmp_path: Path) -> None:
    """Found reviewing: the warning came only with a new sublease; editing one (Enter on it in
    7 Orders) to sublet 4 kGPU of a plan already short said "✓ legal" alone."""
    from textual.widgets import DataTable, Input

    from game.engine import Sublease

    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        screen = await start_game(pilot)
        screen.session.add_order(Sublease(provider="stratus", quantity=1))
        screen.refresh_view()
        await pilot.press("7")
        table = screen.query_one("#orders-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        dialog = pilot.app.screen
        dialog.query_one("#field-quantity", Input).value = "4"
        await pilot.pause()
        said = _said(dialog)
        # Short 6.8 before the sublease (not 7.6, with the old order counted too).
        assert "Your plan is already 6.8 kGPU short for customers; with this sublease it is" in said
        assert "10.0 kGPU short" in said, said
