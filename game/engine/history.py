"""The per-quarter metrics record: a read-only mapping of series that shares its past rows.

Each quarter appends one row (per series, one float per player, provider or the market) to a
tuple of earlier rows, so a step never copies the past. ``history[key]`` stacks a series into a
``(Q, width)`` array, NaN for quarters not played yet, on first use; the array is read-only and
cached on that history object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from game.engine.tables import FloatArray

Row = dict[str, tuple[float, ...]]
"""One quarter of every series (treated as immutable once recorded)."""


class History(Mapping[str, FloatArray]):
    """Per-quarter metrics: ``history[key]`` is ``(Q, N)``, ``(Q, P)`` or ``(Q, 1)``."""

    __slots__ = ("_quarters", "_rows", "_stacked", "_widths")

    def __init__(self, quarters: int, widths: dict[str, int], rows: tuple[Row, ...] = ()) -> None:
        self._quarters = quarters
        self._widths = widths
        self._rows = rows
        self._stacked: dict[str, FloatArray] = {}

    def appended(self, row: Row) -> History:
        """A new history with ``row`` recorded as the next quarter (this one is unchanged)."""
        return History(self._quarters, self._widths, (*self._rows, row))

    @property
    def played(self) -> int:
        """Number of quarters recorded."""
        return len(self._rows)

    def row(self, turn: int) -> Row:
        """Every series for one recorded quarter, as tuples of floats."""
        return self._rows[turn]

    def rows(self) -> tuple[Row, ...]:
        return self._rows

    def __getitem__(self, key: str) -> FloatArray:
        array = self._stacked.get(key)
        if array is None:
            width = self._widths[key]  # KeyError for an unknown series, like a dict
            array = np.full((self._quarters, width), np.nan)
            if self._rows:
                array[: len(self._rows)] = [row[key] for row in self._rows]
            array.flags.writeable = False
            self._stacked[key] = array
        return array

    def __iter__(self) -> Iterator[str]:
        return iter(self._widths)

    def __len__(self) -> int:
        return len(self._widths)

    def __contains__(self, key: object) -> bool:
        return key in self._widths

    def __repr__(self) -> str:
        return f"History({self.played}/{self._quarters} quarters, {list(self._widths)})"
