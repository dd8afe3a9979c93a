"""Overview: charts of spot prices, capacity against demand and cash; the capacity waterfall."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from game.engine.report import RegionCapacity
from game.engine.scoring import value_parts as value_parts_of
from game.tui.format import judged, kgpu, money, pct, price
from game.tui.order_keys import BY_ACTION
from game.tui.session import GameSession, SeatView
from game.tui.widgets.chart import LineChart
from game.tui.widgets.section import GameTable, Section

OPENING_NOTE = "Opening figures: the charts draw lines once the first quarter is played."
"""Under the charts before the first quarter (fits 80 columns)."""


def opening_demand(
    demand: float, growth: float, players: int, capacity: float, mechanics: tuple[str, ...] = ()
) -> str:
    """Before the first quarter, what to plan for: the scenario's opening market demand (public
    in its file), shared by the companies at the table, against the capacity you start with;
    when that is short, what to do about it with the keys of the scenario's ``mechanics`` (a
    newcomer read the figures and did not know what came next).

    >>> opening_demand(40.0, 0.07, 4, 4.0).splitlines()[1][:47]
    'Customers want about 40.0 kGPU a quarter in all'
    >>> opening_demand(40.0, 0.07, 4, 4.0, ("spot", "reserved")).split(". ")[-1][:44]
    'Next: [b]2[/b] Market, [b]b[/b] bid spot or '
    """
    share = demand / max(players, 1)
    text = (
        f"\nCustomers want about {kgpu(demand)} kGPU a quarter in all, growing about"
        f" {growth:.0%} a quarter, shared by {players} companies: roughly {kgpu(share)} kGPU"
        f" each at equal appeal. You start with {kgpu(capacity)} kGPU."
    )
    ways = [
        f"[b]{row.key}[/b] {row.hint}"
        for row in (BY_ACTION["bid"], BY_ACTION["reserve"])
        if row.mechanic in mechanics
    ]
    if share - capacity > 0.05 and ways:
        text += f" Next: [b]2[/b] Market, {' or '.join(ways)}; [b]e[/b] ends the quarter."
    return text


def value_parts(session: GameSession, seat: int, value: float) -> str:
    """Enterprise value in its published parts (game.engine.scoring), so a player sees what
    moved it: cash − debt + equipment at book value + earnings (the earnings multiple × the
    average operating profit of the last four quarters × a reputation factor). Empty for a
    bankrupt seat or before any quarter."""
    state = session.state
    if state.turn == 0 or math.isnan(value) or state.status[seat] != 0:
        return ""
    parts = value_parts_of(state)[seat]  # the engine's own parts: they add up to ``value``
    why = (
        f"average quarterly operating profit {money(parts.mean_profit)}, a loss: no earnings"
        if parts.mean_profit < 0
        else f"{parts.multiple:g} × average quarterly operating profit"
        f" {money(parts.mean_profit)} × {parts.reputation_factor:.2f} for reputation"
    )
    return (
        f"Enterprise value = cash {money(parts.cash)} − debt {money(parts.debt)} + equipment"
        f" {money(parts.equipment)} + earnings {money(parts.earnings)} ({why})\n"
    )


def waterfall_cells(row: RegionCapacity) -> tuple[str, ...]:
    """A waterfall row's Installed, Networked, Powered, Used and Binding input cells, the
    binding input marked. Powered capacity the quarter did not use is idle: no input limited
    what was used, so the row says so instead of naming one ('chips' in red beside 20.7 kGPU
    powered and 13.7 used read as 'buy more chips'); chips short of network or power keep
    that input marked, with what stood idle beside it."""
    idle = row.powered - row.used
    cells = {"chips": kgpu(row.installed), "network": kgpu(row.networked)}
    cells["power"] = kgpu(row.powered)
    # Chips that cannot run for want of network or power: that input stays marked.
    short = row.binding in ("network", "power") and row.powered < row.installed - 0.05
    if idle > 0.05 and not short:
        return (*cells.values(), kgpu(row.used), f"none, {kgpu(idle)} idle")
    styled = [f"[reverse red]{v}[/]" if key == row.binding else v for key, v in cells.items()]
    binding = row.binding if row.binding != "none" else "—"
    if idle > 0.05:
        binding += f", {kgpu(idle)} idle"
    return (*styled, kgpu(row.used), binding)


class OverviewSection(Section):
    HELP_TEXT = (
        "Overview: the market and your company at a glance. The waterfall shows, per region,"
        " how many of your own accelerators are installed, networked, powered and used; the"
        " binding input (chips, network or power) is the one to buy more of. 'idle' is"
        " powered capacity your customers did not use: more of it would stand idle too."
    )

    def compose(self) -> ComposeResult:
        with Horizontal(classes="charts"):
            yield LineChart(id="chart-spot")
            yield LineChart(id="chart-capacity")
            yield LineChart(id="chart-cash")
        yield Static(OPENING_NOTE, id="chart-note", classes="hint")
        yield Static("", id="score")
        yield Static(
            "Capacity waterfall of your own infrastructure (kGPU)",
            id="waterfall-title",
            classes="subtitle",
        )
        yield GameTable(id="waterfall", cursor_type="none", zebra_stripes=True)

    def _show_opening(self, view: SeatView, names: dict[str, str]) -> None:
        """Before the first quarter: the opening spot prices, the capacity you start with
        (reserved contracts running now, your own accelerators) and your cash."""
        obs, me = view.obs, view.obs.me
        self.query_one("#chart-spot", LineChart).show_bars(
            "Spot $M now",
            {f"{names[p.id]} {p.spot_price:.2f}": p.spot_price for p in obs.providers},
        )
        capacity = {
            f"{names.get(pid, pid)} {float(q[0]):.1f}": float(q[0])
            for pid, q in me.reserved_schedule.items()
            if len(q) and q[0] > 0.05
        }
        owned = float(me.chips_perf.sum())
        if owned > 0.05 or not capacity:
            capacity[f"Own {owned:.1f}"] = owned
        session = getattr(self.app, "session", None)
        if session is not None:
            market = session.state.world.scenario.market
            self.query_one("#chart-note", Static).update(
                OPENING_NOTE
                + opening_demand(
                    float(market.demand),
                    float(market.demand_growth),
                    view.players,
                    float(sum(capacity.values())),
                    tuple(obs.mechanics),
                )
            )
        self.query_one("#chart-capacity", LineChart).show_bars("Capacity now kGPU", capacity)
        self.query_one("#chart-cash", LineChart).show_bars(
            "Cash $M now",
            {
                f"Cash {me.cash:,.0f}": me.cash,
                f"Credit {me.credit_limit - me.debt:,.0f}": me.credit_limit - me.debt,
            },
        )

    def _score(self, view: SeatView) -> str:
        """How the game is won and where you stand: your score (value created, or enterprise
        value), rank, and the verdict's two axes so far against the scenario's marks."""
        session = getattr(self.app, "session", None)
        if session is None or view.report is None:
            return ""
        seat = view.obs.seat
        mine = next((s for s in session.standings() if s.seat == seat), None)
        if mine is None:
            return ""
        victory = session.state.world.scenario.victory
        value = view.obs.me.last.get("enterprise_value", float("nan"))
        opening = float(session.state.world.industries[seat].starting_cash)
        sign = "+" if mine.score >= 0 else "−"
        if victory.rule == "value_created":
            score = (
                f"[b]Score[/b] {sign}{money(abs(mine.score))} value created (enterprise value"
                f" {money(value)} − opening cash {money(opening)})"
            )
        else:
            score = f"[b]Score[/b] enterprise value {money(mine.score)}"
        served_ok = mine.served_share >= victory.served_share_good
        cost_ok = mine.cost_per_kgpu <= victory.cost_per_kgpu_good
        cost = price(mine.cost_per_kgpu) if mine.cost_per_kgpu < float("inf") else "—"
        # On target or not by a glyph as well as a colour (red against green alone said
        # nothing with red-green colour blindness or NO_COLOR).
        served = judged(pct(mine.served_share), served_ok)
        spent = judged(cost, cost_ok)
        if self.compact:  # two lines at 80 columns
            return (
                f"[b]Score[/b] {sign}{money(abs(mine.score))} · rank {mine.rank} of"
                f" {view.players}\nServed {served} (aim {pct(victory.served_share_good)}) ·"
                f" compute/kGPU {spent} (aim {price(victory.cost_per_kgpu_good)}) →"
                f" {mine.title}: {mine.verdict}"
            )
        return (
            f"{score} · rank {mine.rank} of {view.players}\n"
            + value_parts(session, seat, value)
            + f"So far: served {served} of your demand (aim ≥ {pct(victory.served_share_good)}),"
            f" compute {spent} per kGPU served (aim ≤ {price(victory.cost_per_kgpu_good)}):"
            f" {mine.title} ({mine.verdict})"
        )

    def on_mount(self) -> None:
        table = self.query_one("#waterfall", DataTable)
        table.add_columns("Region", "Installed", "Networked", "Powered", "Used", "Binding input")

    def show(self, view: SeatView) -> None:
        obs = view.obs
        names = {p.id: p.name.split()[0] for p in obs.providers}
        opening = not view.history["cash"]
        self.query_one("#chart-note", Static).display = opening
        score = self._score(view)
        self.query_one("#score", Static).update(score)
        self.query_one("#score", Static).display = bool(score)
        if opening:
            self._show_opening(view, names)
        else:
            h = view.history
            quarters = view.quarters_played(len(h["cash"]))
            spot = {names[k]: v for k, v in obs.spot_history.items()}
            spot_quarters = view.quarters_played(max((len(v) for v in spot.values()), default=0))
            self.query_one("#chart-spot", LineChart).show(
                "Spot $M/kGPU-q", spot, quarters=spot_quarters
            )
            self.query_one("#chart-capacity", LineChart).show(
                "Capacity vs demand kGPU",
                {"capacity": h["capacity"], "demand": h["demand"]},
                quarters=quarters,
            )
            self.query_one("#chart-cash", LineChart).show(
                "Cash $M", {"cash": h["cash"]}, quarters=quarters
            )
        table = self.query_one("#waterfall", DataTable)
        # A scenario without chips (the rent-only tutorial) has no infrastructure to show.
        owns = "chips" in obs.mechanics
        table.display = owns
        self.query_one("#waterfall-title", Static).display = owns
        table.clear()
        report = view.report
        rows = report.players[obs.seat].waterfall if report else ()
        regions = {r.id: r.name for r in obs.regions}
        for row in rows:
            table.add_row(regions.get(row.region, row.region), *waterfall_cells(row))
        if not rows:
            table.add_row("No owned capacity yet", "", "", "", "", "")
