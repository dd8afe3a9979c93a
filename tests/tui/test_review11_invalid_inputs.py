"""Found playing: an order form kept the explanation of the last valid input while a field was
invalid (the sublease form still said "Brings in $36.5M" for a quantity of "-5"), and "-$5M"
in a money field was "not a number" where "-5" is answered "must not be negative"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, new_app, start_game

from game.tui.dialogs.action import ActionDialog, parse_number
from game.tui.dialogs.forms import repay_form


def _text(dialog: ActionDialog, box: str) -> str:
    return " ".join(str(dialog.query_one(box, Static).render()).split())


FORMS = [
    # (section, key, field, a bad value, the problem)
    ("2", "b", "quantity", "-5", "Quantity: must not be negative"),
    ("2", "b", "max_price", "abc", "Limit price: 'abc' is not a number"),
    ("2", "r", "quantity", "1,5", "Quantity: '1,5' is ambiguous"),
    ("2", "u", "quantity", "-5", "Quantity: must not be negative"),
    ("3", "d", "megawatts", "x", "Size: 'x' is not a number"),
    ("3", "c", "quantity", "-1", "Quantity: must not be negative"),
    ("3", "n", "quantity", "nan", "Quantity: enter a finite number"),
    ("4", "f", "amount", "-$5M", "Funding: must not be negative"),
    ("1", "$", "amount", "-$5M", "Amount: must not be negative"),
    ("1", "y", "amount", "", "Amount: enter a number"),
    ("1", "p", "price", "1e400", "Price: enter a finite number"),
    ("1", "t", "share", "-5%", "Share: must not be negative"),
]


async def test_an_invalid_field_replaces_the_figures_of_the_last_valid_input(
    tmp_path: Path,
) -> None:
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        for section, key, field, bad, problem in FORMS:
            await pilot.press(section)
            if key == "y":  # no debt yet: y says so; the form as it opens once there is
                assert screen.view is not None
                screen.open_form(repay_form(screen.view.obs))
                await pilot.pause()
            else:
                await pilot.press(key)
            dialog = pilot.app.screen
            assert isinstance(dialog, ActionDialog), (key, dialog)
            before = _text(dialog, "#order-info")
            verdict = _text(dialog, "#verdict")
            assert "projected cash" in verdict or "✗" in verdict, (key, verdict)
            dialog.query_one(f"#field-{field}", Input).value = bad
            await pilot.pause()
            info, verdict = _text(dialog, "#order-info"), _text(dialog, "#verdict")
            assert "show once the ✗ below is fixed" in info, (key, info)
            assert problem in verdict and "projected cash" not in verdict, (key, verdict)
            # No money figure, nor any other sentence of the last valid input's explanation.
            assert not re.search(r"\$\d", info), (key, info)
            if before:
                assert before not in info, (key, info)
            await pilot.press("escape")


async def test_the_sublease_form_forgets_what_it_brought_in(tmp_path: Path) -> None:
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await pilot.press("2", "u")
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionDialog)
        field = dialog.query_one("#field-quantity", Input)
        field.value = "2"
        await pilot.pause()
        assert "brings in" in _text(dialog, "#order-info").lower(), _text(dialog, "#order-info")
        field.value = "-5"
        await pilot.pause()
        info = _text(dialog, "#order-info")
        assert "brings in" not in info.lower(), info
        assert info == "The figures for this order show once the ✗ below is fixed.", info
        assert _text(dialog, "#verdict") == "✗ Quantity: must not be negative", info
        field.value = "3"  # valid again: the figures come back
        await pilot.pause()
        assert "brings in" in _text(dialog, "#order-info").lower()
        assert "projected cash" in _text(dialog, "#verdict")


@pytest.mark.parametrize("typed", ["-$5M", "-5M", "$-5M", "-$5", "-$1.5B", "-$1,500"])
def test_a_negative_amount_is_called_negative(typed: str) -> None:
    with pytest.raises(ValueError, match="Amount: must not be negative"):
        parse_number("Amount", typed, "$M")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1e400", "enter a finite number"),
        ("nan", "enter a finite number"),
        ("1,5", "'1,5' is ambiguous"),
        ("-$", "'-\\$' is not a number"),
        ("-$-5", "is not a number"),
    ],
)
def test_other_slips_keep_their_reasons(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_number("Amount", typed, "$M")
