"""Rivals: public standings, market share history and announced moves."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine.observation import quality_tiers
from game.tui.format import pct, price, sparkline
from game.tui.session import SeatView
from game.tui.widgets.chart import LineChart
from game.tui.widgets.section import GameTable, Section, short, yours


class RivalsSection(Section):
    HELP_TEXT = (
        "Rivals: what everyone can see of the other companies: market share, reputation, a"
        " quality tier (1-5), their service price and their public announcements."
    )

    def compose(self) -> ComposeResult:
        yield GameTable(id="rivals-table", cursor_type="row", zebra_stripes=True)
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
        rivals = view.obs.rivals
        # The two name columns share what the fixed columns leave (about 60 cells).
        room = self.app.size.width - 58
        longest_name = max((len(r.name) for r in rivals), default=8)
        longest_industry = max((len(view.names.industry(r.industry)) for r in rivals), default=8)
        name_w = min(longest_name, max(18 if compact else 24, room * 11 // 20))
        industry_w = min(longest_industry, max(10, room - name_w))
        me = view.obs.me
        mine = view.shares.get(me.name, ())
        session = getattr(self.app, "session", None)
        qualities = session.state.quality.tolist() if session is not None else []
        table.add_row(
            f"[b]{escape(short(me.name + ' (you)', name_w))}[/b]",
            short(view.names.industry(me.industry), industry_w),
            me.status,
            pct(mine[-1], 1) if mine else "—",
            sparkline(mine, 6 if compact else 8),
            pct(me.reputation),
            "★" * quality_tiers(qualities)[me.seat] if qualities else "—",
            price(me.service_price),
        )
        # Announcements with their quarter, from the match (the public view has only the text).
        dated: dict[int, list[tuple[int, str]]] = {}
        if session is not None:
            for turn, seat, text in session.state.announcements:
                dated.setdefault(seat, []).append((turn, text))
            label = session.state.world.quarter_label
        for r in rivals:
            table.add_row(
                short(r.name, name_w),
                short(view.names.industry(r.industry), industry_w),
                r.status,
                pct(r.market_share, 1),
                sparkline(view.shares.get(r.name, ()), 6 if compact else 8),
                pct(r.reputation),
                "★" * r.quality_tier,
                price(r.service_price),
            )
            # Each with the quarter it was made in: 'starts a 10 MW data centre' did not say
            # whether it was last quarter's news or two years old.
            when = dated.get(r.seat, [])
            texts = r.announcements[-2:]
            recent = when[-len(texts) :] if texts else []
            if [text for _, text in recent] == list(texts):
                labels = [f"{label(t)}  " for t, _ in recent]
            else:
                labels = [""] * len(texts)
            lines += [
                f"{quarter}[b]{escape(r.name)}[/b]{'' if a.startswith(r.name) else ':'}"
                f" {escape(a[len(r.name) :].lstrip() if a.startswith(r.name) else a)}"
                for quarter, a in zip(labels, map(view.names.text, texts), strict=True)
            ]
        played = max((len(v) for v in view.shares.values()), default=0)
        # Your line is named as yours (the legend shows 14 cells of a name), not told apart
        # by a colour alone.
        you = yours(me.name)
        self.query_one("#chart-share", LineChart).show(
            "Market share %",
            {
                you if name == me.name else name: tuple(v * 100 for v in values)
                for name, values in view.shares.items()
            },
            quarters=view.quarters_played(played),
        )
        self.query_one("#announcements", Static).update(
            "Announcements\n" + ("\n".join(lines) if lines else "none yet")
        )
