"""Infrastructure: your data centres, grid queue, chips and network on order by arrival."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine import Observation
from game.engine.supply import RELEASED_MW
from game.tui.format import kgpu, money
from game.tui.order_keys import section_keys
from game.tui.session import SeatView
from game.tui.widgets.plan import locked_chips
from game.tui.widgets.section import (
    GameTable,
    MoreBelow,
    Section,
    key_hints,
    selected_key,
    short,
)

FULL_COLUMNS = (
    "Region",
    "Power $/MWh",
    "Grid wait",
    "Build $M/MW",
    "Build q",
    "DC MW",
    "Grid MW",
    "Queued MW",
    "Chips kGPU",
    "Fabric",
)
COMPACT_COLUMNS = (
    "Region",
    "$/MWh",
    "Wait q",
    "$M/MW",
    "Bld q",
    "DC",
    "Grid",
    "Queue",
    "Chips",
    "Fab",
)
LEGEND = (
    "[dim]Wait q: grid queue in quarters. $M/MW, Bld q: build cost and time. DC, Grid, Queue:"
    " your MW built, powered, queued. Chips kGPU, Fab: network fabric units. S sovereign,"
    " ✗ export ban.[/]"
)


def arrivals(values: tuple[float, ...], label: str) -> str:
    """``Q+2 3.0, Q+5 1.5`` for the quarters in which something arrives."""
    parts = [f"+{k}q {v:,.1f}" for k, v in enumerate(values) if v > 1e-6]
    return ", ".join(parts[:3]) + (" …" if len(parts) > 3 else "") if parts else "—"


def grid_ready_text(obs: Observation, region: str, label: Callable[[int], str]) -> str:
    """When your MW waiting in ``region``'s grid queue is powered at the normal release rate
    (``me.grid_ready_quarters``); ``""`` when you have none queued there. ``label``: the
    world's quarter labels (``World.quarter_label``)."""
    me = obs.me
    if region not in me.region_ids:
        return ""
    r = me.region_ids.index(region)
    mw = float(me.queued_mw[r])
    k = int(me.grid_ready_quarters[r])
    if k <= 0 or mw <= RELEASED_MW:
        return ""
    if k == 1:
        when = f"powered when this quarter resolves ({obs.label})"
    else:
        when = f"powered in about {k} quarters (by {label(obs.turn + k - 1)})"
    return f"your {mw:,.0f} MW: {when} at the normal rate"


GRID_NOTE = (
    "[dim]The grid queue is first come, first served: later requests (yours, rivals', the"
    " rest of the world's) queue behind yours. Grid events can change the rate.[/]"
)


def grid_ready_note(obs: Observation, label: Callable[[int], str], width: int = 78) -> str:
    """One line (wrapped to ``width`` columns) per region where you have MW in the grid
    queue."""
    names = {r.id: r.name.split(" (")[0] for r in obs.regions}
    lines = []
    for region in obs.me.region_ids:
        text = grid_ready_text(obs, region, label)
        if text:
            lines.extend(
                textwrap.wrap(
                    f"{names.get(region, region)}: {text}", width, subsequent_indent="    "
                )
            )
    return "\n".join([*lines, GRID_NOTE]) if lines else ""


INFRA_KEYS = section_keys("infrastructure")


class InfrastructureSection(Section):
    HELP_TEXT = (
        "Infrastructure: own capacity. A data centre ([b]d[/b]) takes several quarters to build"
        " and must also wait in the region's grid queue for power. Chips ([b]c[/b]) and network"
        " fabric ([b]n[/b]) arrive after their lead time; capacity is the smallest of chips,"
        " network ports and power."
    )

    def compose(self) -> ComposeResult:
        yield GameTable(id="regions", cursor_type="row", zebra_stripes=True)
        yield Static(
            "[b]c[/b] order chips  [b]n[/b] order network  [b]d[/b] build data centre"
            "  (in the highlighted region)",
            classes="hint",
            id="infra-hint",
        )
        # At 80x24 a data centre in the grid queue and an order or two pushed the chips on
        # sale under the footer, where no key reached them.
        with MoreBelow(id="infra-more"):
            yield Static("", id="grid-ready")
            yield Static("On order, by quarters until arrival", classes="subtitle")
            # No cursor: nothing to pick, so no focus stop either.
            pipeline = GameTable(id="pipeline", cursor_type="none", zebra_stripes=True)
            pipeline.can_focus = False
            yield pipeline
            yield Static("", id="chips-note")

    def on_mount(self) -> None:
        self.query_one("#pipeline", DataTable).add_columns(
            "Region",
            "Chips (kGPU)",
            "Network (units)",
            "Data centre (MW)",
        )

    def show(self, view: SeatView) -> None:
        obs = view.obs
        # Only the keys of mechanics this scenario has on (the tutorial builds nothing).
        hint = key_hints(obs.mechanics, INFRA_KEYS, "(in the highlighted region)")
        self.fit_more(
            "infra-hint",
            hint or "Owning infrastructure is off in this scenario: rent from the Market.",
        )
        holdings = {h.region: h for h in obs.me.holdings}
        table = self.query_one("#regions", DataTable)
        row = table.cursor_row
        compact = self.compact
        self.set_columns(table, COMPACT_COLUMNS if compact else FULL_COLUMNS)
        table.clear()
        pipeline = self.query_one("#pipeline", DataTable)
        pipeline.clear()
        for r in obs.regions:
            h = holdings[r.id]
            if compact:
                flags = " [red]✗[/]" if r.export_banned else ""
                flags += " [cyan]S[/]" if r.sovereign else ""
                name = short(r.name.split(" (")[0], 15) + flags
            else:
                # The place in brackets goes first when the table would not fit 120 columns.
                flags = " [red]export ban[/]" if r.export_banned else ""
                flags += " [cyan]sovereign[/]" if r.sovereign else ""
                name = (r.name if self.app.size.width >= 130 else r.name.split(" (")[0]) + flags
            table.add_row(
                name,
                f"{r.power_price:,.0f}",
                f"{r.grid_wait_quarters}" if compact else f"{r.grid_wait_quarters} q",
                f"{r.build_cost_per_mw:,.1f}",
                str(r.build_quarters),
                f"{h.datacenter_mw:,.0f}",
                f"{h.grid_mw:,.0f}",
                f"{h.queued_mw:,.0f}",
                kgpu(h.chips_perf),
                f"{h.fabric_units:,.1f}",
                key=r.id,
            )
            if sum(h.chips_arriving) + sum(h.fabric_arriving) + sum(h.datacenter_arriving) > 0:
                pipeline.add_row(
                    r.name,
                    arrivals(h.chips_arriving, "chips"),
                    arrivals(h.fabric_arriving, "fabric"),
                    arrivals(h.datacenter_arriving, "mw"),
                )
        if pipeline.row_count == 0:
            pipeline.add_row("Nothing on order", "", "", "")
        # Wrapped to the screen (at 120 columns a 78-column wrap left a lone "rate" below),
        # less the scroll bar of the part it is in.
        note = grid_ready_note(obs, view.quarter_label, max(self.app.size.width - 4, 40))
        grid = self.query_one("#grid-ready", Static)
        grid.update(note)
        grid.display = bool(note)
        if obs.regions:
            table.move_cursor(row=min(row, len(obs.regions) - 1))
        # Your own chips once research unlocks them (the cheapest compute: what the research
        # was for) are on sale too.
        session = getattr(self.app, "session", None)
        locked = (
            locked_chips(session.state, obs)
            if session is not None
            else {c.id: "" for c in obs.chips if c.custom}
        )
        chips = [
            c
            for c in obs.chips
            if (c.custom and c.id not in locked) or (c.available and not c.custom)
        ]
        # Every chip on sale, one a line, with what a kGPU of its compute costs (the figure to
        # compare), cheapest compute first.
        chips.sort(key=lambda c: c.price / c.perf)
        text = "\n".join(
            f"  {c.name}: {money(c.price / c.perf)}/kGPU · {c.perf:g}× H100 ·"
            f" {money(c.price)}/k units · {c.power_kw:g} kW · lead {c.lead_quarters} q"
            for c in chips
        )
        note = f"Chips on sale, cheapest compute first:\n{text}" if text else ""
        if "chips" not in obs.mechanics:  # a rent-only scenario: nothing here is for sale
            note = "No chips to buy in this scenario: capacity is rented (2 Market)."
        self.query_one("#chips-note", Static).update(f"{LEGEND}\n{note}" if compact else note)

    def selected_region(self) -> str | None:
        key = selected_key(self.query_one("#regions", DataTable))
        return key
