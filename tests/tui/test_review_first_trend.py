"""Found playing `startup-squeeze`: after the first quarter the Market's Trend column showed the
same lone "▄" for every provider and no change, while TensorPort's spot price had gone from
$3.59M to $12.67M (the quarter report said +253%): the history held one price only."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable
from tui_helpers import dismiss_notes, new_app, settle, start_game

from game.tui.format import change


def _cells(table: DataTable, key: str) -> list[str]:
    row = table.get_row(key)
    return [Text.from_markup(c).plain if isinstance(c, str) else c.plain for c in row]


async def test_the_first_quarter_shows_each_price_move(tmp_path: Path) -> None:
    for size in ((80, 24), (120, 40)):
        async with new_app(tmp_path, "tutorial").run_test(size=size) as pilot:
            screen = await start_game(pilot)
            screen._pass_turn()
            await settle(pilot)
            await dismiss_notes(pilot)
            await pilot.press("2")
            report = screen.session.last_report
            assert report is not None
            table = screen.query_one("#providers", DataTable)
            for spot in report.spot:
                moved = change(spot.price, spot.previous)
                assert moved, spot
                row = " ".join(_cells(table, spot.provider))
                assert moved in row, (size, row)
                assert "▄ " not in row.replace("▄▄", ""), row  # a line of two points
