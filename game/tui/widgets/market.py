"""Market: providers with spot price and trend, reserved prices by term, availability."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine.state import MatchState
from game.tui.format import change, kgpu, price, sparkline
from game.tui.names import Names
from game.tui.order_keys import section_keys
from game.tui.session import SeatView
from game.tui.widgets.plan import contracts
from game.tui.widgets.section import (
    GameTable,
    MoreBelow,
    Section,
    key_hints,
    selected_key,
    short,
)

FULL_COLUMNS = (
    "Provider",
    "Kind",
    "Spot",
    "Trend",
    "",
    "Floor",
    "Res 4q",
    "Res 8q",
    "Res 12q",
    "Free kGPU",
    "Yours now",
)
COMPACT_COLUMNS = ("Provider", "K", "Spot", "Trend", "Floor", "Res 4/8/12q", "Free", "Mine")
LEGEND = (
    "[dim]$M per kGPU-quarter. K: H hyperscaler, N neocloud, S sovereign. Res: reserved price"
    " for a 4-, 8- or 12-quarter term. Free: kGPU free to reserve. Mine: your reserved kGPU.[/]"
)
GENERIC = {"cloud", "compute", "gpu", "sovereign"}


def short_name(name: str) -> str:
    """``Nordhall Sovereign Cloud`` → ``Nordhall``: the words that tell providers apart."""
    words = [w for w in name.split() if w.lower() not in GENERIC] or name.split()[:1]
    return short(" ".join(words), 13)


def number(value: float) -> str:
    return "—" if value != value else f"{value:,.2f}"


def contract_lines(state: MatchState, seat: int, names: Names) -> str:
    """Your reserved contracts: provider, kGPU, price, start and end, soonest end first."""
    book = contracts(state, seat)
    if not book:
        return "[b]Your reserved contracts[/b]: none."
    label = state.world.quarter_label
    lines = ["[b]Your reserved contracts[/b] (take-or-pay, paid every quarter they run)"]
    for c in book:
        when = (
            f"running, ends after {label(c.end)}"
            if c.running
            else f"starts {label(c.start)}, ends after {label(c.end)}"
        )
        warning = "  [yellow]⚠ ends this quarter[/]" if c.end == state.turn else ""
        lines.append(
            f"• {names.provider(c.provider)} {kgpu(c.kgpu)} kGPU at {price(c.price)}: {when}"
            + warning
        )
    return "\n".join(lines)


MARKET_KEYS = section_keys("market")


class MarketSection(Section):
    HELP_TEXT = (
        "Market: rent compute. [b]b[/b] bids in this quarter's spot auction (everyone pays the"
        " clearing price; bid your true limit). [b]r[/b] asks for a reserved contract: cheaper,"
        " but you pay every quarter of the term whether you use it or not. [b]u[/b] subleases"
        " reserved capacity you do not need back into the spot market."
    )

    def compose(self) -> ComposeResult:
        yield GameTable(id="providers", cursor_type="row", zebra_stripes=True)
        yield Static(
            "[b]b[/b] bid spot  [b]r[/b] reserve  [b]u[/b] sublease  (on the highlighted provider)",
            classes="hint",
            id="market-hint",
        )
        # A standard game's contracts soon ran under the footer at 80x24.
        with MoreBelow(id="market-more"):
            yield Static("", id="market-notes")
            yield Static("", id="contracts")

    def show(self, view: SeatView) -> None:
        obs = view.obs
        # Only the keys of mechanics this scenario has on (the tutorial has no sublease).
        hint = key_hints(obs.mechanics, MARKET_KEYS, "(on the highlighted provider)")
        self.fit_more("market-hint", hint)
        self.query_one("#market-hint", Static).display = bool(hint)
        table = self.query_one("#providers", DataTable)
        row = table.cursor_row
        compact = self.compact
        self.set_columns(table, COMPACT_COLUMNS if compact else FULL_COLUMNS)
        table.clear()
        # After the first quarter the history holds one price: every provider's trend was the
        # same lone "▄" with no change, even where the price had tripled. The first report
        # knows the opening price each auction started from.
        opening_spot = {s.provider: s.previous for s in view.report.spot} if view.report else {}
        for p in obs.providers:
            history = tuple(obs.spot_history.get(p.id, ()))
            if len(history) == 1 and p.id in opening_spot:
                history = (opening_spot[p.id], *history)
            previous = history[-2] if len(history) >= 2 else float("nan")
            mine = float(obs.me.reserved_schedule.get(p.id, (0.0,))[0])
            eligible = p.sovereign or not obs.me.sovereign_only
            if compact:
                name = short_name(p.name)
                table.add_row(
                    name if eligible else f"[dim]{name} ✗[/]",
                    p.kind[:1].upper(),
                    number(p.spot_price),
                    f"{sparkline(history, 5)} {change(p.spot_price, previous)}".strip(),
                    number(p.spot_floor),
                    " ".join(f"{p.reserved_price[t]:.2f}" for t in (4, 8, 12)),
                    kgpu(p.reserved_free),
                    kgpu(mine),
                    key=p.id,
                )
                continue
            table.add_row(
                p.name if eligible else f"[dim]{p.name} (not allowed)[/]",
                p.kind,
                price(p.spot_price),
                sparkline(history),
                change(p.spot_price, previous),
                price(p.spot_floor),
                price(p.reserved_price[4]),
                price(p.reserved_price[8]),
                price(p.reserved_price[12]),
                kgpu(p.reserved_free),
                kgpu(mine),
                key=p.id,
            )
        if obs.providers:
            table.move_cursor(row=min(row, len(obs.providers) - 1))
        demand = obs.market_demand
        session = getattr(self.app, "session", None)
        if math.isnan(demand) and session is not None:
            # Before the first quarter nothing is measured yet: the scenario's opening figure.
            opening = float(session.state.world.scenario.market.demand)
            measured = f"Whole-market demand at the start: about {kgpu(opening)} kGPU a quarter."
        else:
            measured = f"Whole-market demand last quarter: {kgpu(demand)} kGPU."
        notes = f"{measured} Reserved prices are per kGPU-quarter, locked at signing."
        self.query_one("#market-notes", Static).update(f"{LEGEND}\n{notes}" if compact else notes)
        session = getattr(self.app, "session", None)
        if session is not None:
            self.query_one("#contracts", Static).update(
                contract_lines(session.state, obs.seat, view.names)
            )

    def selected_provider(self) -> str | None:
        key = selected_key(self.query_one("#providers", DataTable))
        return key
