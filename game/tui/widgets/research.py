"""Research: the technology tree with prerequisites, cost, progress, risk and funding."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.tui.format import money, pct
from game.tui.session import SeatView
from game.tui.widgets.section import Section, selected_key


class ResearchSection(Section):
    HELP_TEXT = (
        "Research: fund a technology every quarter ([b]f[/b] on the highlighted row; 0 pauses"
        " it). It completes when its cost is spent and its minimum quarters have passed; it may"
        " slip (more time and money). Prerequisites must be complete first."
    )

    def compose(self) -> ComposeResult:
        yield DataTable(id="techs", cursor_type="row", zebra_stripes=True)
        yield Static("[b]f[/b] fund the highlighted technology", classes="hint")
        yield Static("", id="tech-description")

    def on_mount(self) -> None:
        self.query_one("#techs", DataTable).add_columns(
            "Technology",
            "Needs",
            "Cost",
            "Progress",
            "Min q",
            "Slip risk",
            "Funding/q",
            "Status",
        )

    def show(self, view: SeatView) -> None:
        table = self.query_one("#techs", DataTable)
        row = table.cursor_row
        table.clear()
        done = {t.id for t in view.obs.me.research if t.done}
        for t in view.obs.me.research:
            if t.done:
                status = "[green]done[/]"
            elif all(p in done for p in t.prerequisites):
                status = (
                    "[yellow]slipped[/]" if t.slipped else ("funded" if t.funding > 0 else "open")
                )
            else:
                status = "[dim]locked[/]"
            progress = min(t.spent / t.cost, 1.0) if t.cost > 0 else 0.0
            bar = "█" * int(progress * 8) + "░" * (8 - int(progress * 8))
            table.add_row(
                t.name,
                ", ".join(t.prerequisites) or "—",
                money(t.cost),
                f"{bar} {pct(progress)}",
                str(t.min_quarters),
                pct(t.slip_risk),
                money(t.funding) if t.funding else "—",
                status,
                key=t.id,
            )
        if view.obs.me.research:
            table.move_cursor(row=min(row, len(view.obs.me.research) - 1))

    def selected_tech(self) -> str | None:
        key = selected_key(self.query_one("#techs", DataTable))
        return key
