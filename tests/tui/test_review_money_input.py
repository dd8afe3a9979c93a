"""Found playing: the borrow form (Amount in $M) refused "1.5B" as "not a number" while the
header and the form itself write money as "$1.20B"; a training share typed as "25%" was
refused too."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import SIZE, fill_order, new_app, start_game

from game.tui.dialogs import action as action_module
from game.tui.dialogs.action import parse_number


def test_money_and_percent_as_the_screens_write_them() -> None:
    assert parse_number("Amount", "1.5B", "$M") == 1500
    assert parse_number("Amount", "$1.20b", "$M") == 1200
    assert parse_number("Amount", "$300M", "$M") == 300
    assert parse_number("Limit price", "4.5M", "$M/kGPU") == 4.5
    assert parse_number("Training", "25 %", "%, 0-80") == 25
    with pytest.raises(ValueError, match=r"'1\.5B' is not a number"):
        parse_number("Quantity", "1.5B", "kGPU")  # no money there
    assert doctest.testmod(action_module).failed == 0


async def test_borrow_form_takes_billions(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start_game(pilot)
        dialog = await fill_order(pilot, "$", {"amount": "1.1B"})
        verdict = str(dialog.query_one("#verdict", Static).render())
        assert "brings in $1.10B this quarter" in verdict, verdict
