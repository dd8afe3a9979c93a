"""The base of every main-screen section: it renders the :class:`SeatView` it is given."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Static

from game.tui.session import SeatView

WIDE = 110
"""Terminal width from which tables show their full columns; narrower gets compact ones."""


def short(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def yours(name: str) -> str:
    """Your company's line in a chart's legend, which shows 14 cells of a name: the name cut
    to leave room for the mark.

    >>> yours("Northwind Compute")
    'Northwi… (you)'
    """
    return short(name, 8) + " (you)"


def key_hints(
    mechanics: tuple[str, ...] | list[str], keys: tuple[tuple[str, str, str], ...], where: str = ""
) -> str:
    """A section's key hint line with only the keys of the mechanics the scenario has on:
    ``keys`` holds ``(mechanic, key, what)``; ``where`` follows when any key is left."""
    shown = [f"[b]{key}[/b] {what}" for mechanic, key, what in keys if mechanic in mechanics]
    if not shown:
        return ""
    return "  ".join(shown) + (f"  {where}" if where else "")


class GameTable(DataTable[object]):
    """The game's data tables. Home and End go to the first and last row: Textual's
    DataTable binds them to the first and last column, which a row cursor (every table here)
    does not move between, so they only scrolled sideways. ctrl+home and ctrl+end still work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]


MORE_BELOW = "  [b]Tab[/b] then ↓: more below"
"""Added to a section's key hint while the part under its table has more than it shows."""


class MoreBelow(VerticalScroll):
    """The part of a section under its table, which scrolls: at 80x24 a few contracts or
    orders pushed its last lines under the footer, where no key reached them. It takes the
    focus (Tab, then the arrow keys) only while it has more than it shows (see
    :meth:`Section.fit_more`)."""

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id, can_focus=False)

    def on_resize(self) -> None:
        """Its size or its content's changed: is there more than it shows now?"""
        section = self.parent
        if isinstance(section, Section):
            self.call_after_refresh(section._fit_more)


class Section(Vertical):
    """A main-screen section; ``show`` is called with the current view after every change."""

    HELP_TEXT = ""
    """Context help shown by the help screen when this section is open."""

    _hint: tuple[str, str] | None = None
    """The key hint line's id and text, for :meth:`fit_more`."""

    def fit_more(self, hint_id: str, hint: str) -> None:
        """After the section changed: the hint line ``hint_id`` shows ``hint``, and says
        :data:`MORE_BELOW` while the section's :class:`MoreBelow` has more than it shows."""
        self._hint = (hint_id, hint)
        self.query_one(f"#{hint_id}", Static).update(hint)
        self.call_after_refresh(self._fit_more)

    def _fit_more(self) -> None:
        if self._hint is None:
            return
        hint_id, hint = self._hint
        more = self.query_one(MoreBelow)
        more.can_focus = more.max_scroll_y > 0
        self.query_one(f"#{hint_id}", Static).update(hint + (MORE_BELOW if more.can_focus else ""))

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_more)

    @property
    def compact(self) -> bool:
        """Whether the terminal is narrow (80 columns): tables use short columns and names."""
        return self.app.size.width < WIDE

    def set_columns(self, table: DataTable[object], columns: tuple[str, ...]) -> None:
        """Give ``table`` these columns (a no-op when they are the ones it has)."""
        current = tuple(str(c.label) for c in table.columns.values())
        if current != columns:
            table.clear(columns=True)
            table.add_columns(*columns)

    def show(self, view: SeatView) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def selected_key(table: DataTable[object]) -> str | None:
    """The row key of the highlighted row, or ``None`` for an empty table."""
    if table.row_count == 0:
        return None
    value = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
    return str(value) if value is not None else None
