"""The header line: quarter, cash, debt, capacity against demand, reputation, rank."""

from __future__ import annotations

import math

from textual.widgets import Static

from game.tui.format import kgpu, money, pct
from game.tui.session import SeatView


class StatusLine(Static):
    """One or two lines of the figures a player checks every quarter."""

    def show(self, view: SeatView, flags: str = "") -> None:
        """Show ``view``'s figures; ``flags`` (turn timer, catch-up, queued events) follow."""
        obs, me = view.obs, view.obs.me
        capacity = me.last.get("capacity", math.nan)
        demand = me.last.get("demand", math.nan)
        short = not math.isnan(capacity) and not math.isnan(demand) and capacity < demand
        cap_style = "red" if short else "green"
        rank = f"{view.rank}/{view.players}" if view.rank else f"–/{view.players}"
        self.update(
            f"[b]{obs.label}[/b] ({obs.turn + 1}/{obs.quarters})  [b]{me.name}[/b]"
            f"  Cash [b]{money(me.cash)}[/b]  Debt {money(me.debt)}"
            f"  Capacity [{cap_style}]{kgpu(capacity)}[/] / demand {kgpu(demand)} kGPU"
            f"  Rep {pct(me.reputation)}  Rank {rank}" + (f"  {flags}" if flags else "")
        )
