"""The base of every main-screen section: it renders the :class:`SeatView` it is given."""

from __future__ import annotations

from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from game.tui.session import SeatView


class Section(Vertical):
    """A main-screen section; ``show`` is called with the current view after every change."""

    HELP_TEXT = ""
    """Context help shown by the help screen when this section is open."""

    def show(self, view: SeatView) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def selected_key(table: DataTable[object]) -> str | None:
    """The row key of the highlighted row, or ``None`` for an empty table."""
    if table.row_count == 0:
        return None
    value = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
    return str(value) if value is not None else None
