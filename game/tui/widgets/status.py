"""The header line: quarter, cash, debt, last quarter's served against demand, reputation, rank.

It stays on one line: at narrow widths the less important parts are shortened or dropped
(the debt when there is none, the units, the quarter's count, the reputation); the company
name stays (cut if long), since in hot-seat it says whose turn it is."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Static

from game.tui.format import GOOD, kgpu, money, pct
from game.tui.session import SeatView


def cells(markup: str) -> int:
    return Text.from_markup(markup).cell_len


class StatusLine(Static):
    """One line of the figures a player checks every quarter."""

    def show(self, view: SeatView, flags: str = "") -> None:
        """Show ``view``'s figures; ``flags`` (turn timer, catch-up, queued events) follow."""
        self._last = (view, flags)
        self.update(self.line(view, flags, max(self.app.size.width - 2, 20)))

    def redraw(self) -> None:
        """Fit the line to the terminal again (after a resize)."""
        last = getattr(self, "_last", None)
        if last is not None:
            self.show(*last)

    @staticmethod
    def line(view: SeatView, flags: str, width: int) -> str:
        """The fullest header that fits ``width`` cells."""
        obs, me = view.obs, view.obs.me
        # Served against demand: customers turned away show red, and a ⚠ says so without
        # colour (NO_COLOR, red-green colour blindness). (Capacity against demand was green
        # while training took the difference and customers were turned away.)
        served = me.last.get("served", math.nan)
        demand = me.last.get("demand", math.nan)
        short = not math.isnan(served) and not math.isnan(demand) and served < demand - 0.05
        served_style = "red" if short else GOOD
        warn = " [b]⚠[/b]" if short else ""
        rank = f"{view.rank}/{view.players}" if view.rank else f"–/{view.players}"
        quarter = f"[b]{obs.label}[/b] ({obs.turn + 1}/{obs.quarters})"
        name = f"[b]{me.name}[/b]"
        cash = f"Cash [b]{money(me.cash)}[/b]"
        debt = f"Debt {money(me.debt)}"
        shown = f"[{served_style}]{kgpu(served)}[/]"
        opening = math.isnan(served)
        tail = f"  {flags}" if flags else ""
        served_long = (
            "Opening: no quarter played yet"
            if opening
            else f"Last quarter: served {shown} of {kgpu(demand)} kGPU demand{warn}"
        )
        served_mid = (
            "Opening" if opening else f"Last q: served {shown} / demand {kgpu(demand)}{warn}"
        )
        served_short = "Opening" if opening else f"Last q served {shown}/{kgpu(demand)}{warn}"
        if me.status != "active":  # its figures are frozen: it no longer serves anyone
            served_long = served_mid = served_short = "[b red]Bankrupt[/]"
        debt_if_any = debt if me.debt > 0.05 else ""
        rep, ranked = f"Rep {pct(me.reputation)}", f"Rank {rank}"
        # The company name stays longest: in hot-seat it says whose turn it is. The quarter's
        # count (3/24) and the word "Rank" go first, then the reputation; a long name is cut.
        bare = f"[b]{obs.label}[/b]"
        cut = f"[b]{me.name[:11]}…[/b]" if len(me.name) > 12 else name
        variants = [
            [quarter, name, cash, debt, served_long, rep, ranked],
            [quarter, name, cash, debt, served_mid, rep, ranked],
            [quarter, name, cash, debt_if_any, served_mid, rep, ranked],
            [quarter, name, cash, debt_if_any, served_short, rep, ranked],
            [bare, name, cash, debt_if_any, served_short, rep, ranked],
            [bare, name, cash, debt_if_any, served_short, rep, f"#{rank}"],
            [bare, name, cash, debt_if_any, served_short, f"#{rank}"],
            [bare, cut, cash, debt_if_any, served_short, f"#{rank}"],
            [bare, cut, cash, served_short],
        ]
        text = ""
        for parts in variants:
            text = "  ".join(p for p in parts if p) + tail
            if cells(text) <= width:
                return text
        return text
