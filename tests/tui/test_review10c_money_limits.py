"""Found reviewing the money parser: a field in $M took "1e308B" (a finite number of billions)
as infinitely many $M, past its own check that refuses "1e400" and "inf" (the order model
then refused it: "must be a finite number"); the other slips a player may type are refused
with a reason."""

from __future__ import annotations

import pytest

from game.tui.dialogs.action import parse_number


@pytest.mark.parametrize(
    ("typed", "unit", "reason"),
    [
        ("1e308B", "$M", "enter a finite number"),
        ("1e400", "$M", "enter a finite number"),
        ("nan", "$M", "enter a finite number"),
        ("$-5M", "$M", "must not be negative"),
        ("1,5", "$M", "is ambiguous"),
        ("1.5B", "kGPU", "is not a number"),
        ("B", "$M", "enter a number"),
    ],
)
def test_money_slips_are_refused(typed: str, unit: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_number("Amount", typed, unit)
