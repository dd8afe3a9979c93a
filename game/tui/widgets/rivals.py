"""Rivals: public standings, market share history and announced moves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.tui.format import pct, price, sparkline
from game.tui.session import SeatView
from game.tui.widgets.chart import LineChart
from game.tui.widgets.section import Section, short


class RivalsSection(Section):
    HELP_TEXT = (
        "Rivals: what everyone can see of the other companies: market share, reputation, a"
        " quality tier (1-5), their service price and their public announcements."
    )

    def compose(self) -> ComposeResult:
        yield DataTable(id="rivals-table", cursor_type="row", zebra_stripes=True)
        yield LineChart(id="chart-share")
        yield Static("", id="announcements")

    def on_mount(self) -> None:
        self.query_one("#rivals-table", DataTable).add_columns(
            "Company",
            "Industry",
            "Status",
            "Share",
            "Trend",
            "Rep",
            "Quality",
            "Price",
        )

    def show(self, view: SeatView) -> None:
        table = self.query_one("#rivals-table", DataTable)
        compact = self.compact
        table.clear()
        lines = []
        for r in view.obs.rivals:
            table.add_row(
                short(r.name, 18) if compact else r.name,
                short(view.names.industry(r.industry), 10)
                if compact
                else view.names.industry(r.industry),
                r.status,
                pct(r.market_share, 1),
                sparkline(view.shares.get(r.name, ()), 6 if compact else 8),
                pct(r.reputation),
                "★" * r.quality_tier,
                price(r.service_price),
            )
            lines += [f"[b]{r.name}[/b]: {a}" for a in r.announcements[-2:]]
        self.query_one("#chart-share", LineChart).show("Market share", view.shares)
        self.query_one("#announcements", Static).update(
            "Announcements\n" + ("\n".join(lines) if lines else "none yet")
        )
