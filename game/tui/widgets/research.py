"""Research: the technology tree with prerequisites, cost, progress, risk and funding."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine.observation import Observation, TechView
from game.rules import models as m
from game.rules.models import TechEffect
from game.tui.format import GOOD, money, pct
from game.tui.order_keys import section_keys
from game.tui.session import SeatView
from game.tui.widgets.plan import (
    research_cap,
    research_cost,
    research_cost_note,
    research_spend,
    standing_funding,
)
from game.tui.widgets.section import GameTable, Section, key_hints, selected_key, short

RESEARCH_KEYS = section_keys("research")
RESEARCH_HINT = key_hints([m for m, _, _ in RESEARCH_KEYS], RESEARCH_KEYS)
RESEARCH_OFF = "Research is off in this scenario: no technology can be funded."

FULL_COLUMNS = (
    "Technology",
    "Needs",
    "Cost",
    "Progress",
    "Min q",
    "Slip risk",
    "Funding/q",
    "Status",
)
ABBREVIATIONS = {"Custom accelerator": "Custom chip", "generation": "gen", " and ": " & "}


def abbreviate(name: str) -> str:
    """A technology name short enough for the 80-column table."""
    for long, brief in ABBREVIATIONS.items():
        name = name.replace(long, brief)
    return name


COMPACT_COLUMNS = ("Technology", "Needs", "Cost", "Progress", "Fund/q", "Status")
"""At 80 columns the minimum quarters and slip risk are in the description below the table."""


def funding(obs: Observation, tech: TechView, amount: float | None = None) -> str:
    """What a programme spends a quarter: its funding (``amount``: as this quarter's orders
    set it, marked ``new`` when they change it), up to what it can spend (``max``)."""
    level = tech.funding if amount is None else amount
    if not level or tech.done:
        return "—" if amount is None or not tech.funding else "[cyan]paused[/]"
    spend = research_spend(obs, tech, level)
    shown = f"{money(spend)} [yellow](max)[/]" if level > spend + 0.05 else money(spend)
    return shown + (" [cyan]new[/]" if abs(level - tech.funding) > 0.05 else "")


def effect_text(effect: TechEffect, chip: str = "") -> str:
    """What a finished technology does, in a player's words (``chip``: the name of the chip
    an ``unlock_sku`` effect opens).

    >>> effect_text(m.EfficiencyEffect(kind="efficiency", multiplier=1.15))
    'serves 15% more demand on the same capacity'
    """
    e = effect
    if isinstance(e, m.EfficiencyEffect):
        return f"serves {pct(e.multiplier - 1)} more demand on the same capacity"
    if isinstance(e, m.PowerEffect):
        return f"{pct(1 - e.multiplier)} less power per accelerator (own data centres)"
    if isinstance(e, m.QualityEffect):
        return f"model quality grows {pct(e.multiplier - 1)} faster from training"
    if isinstance(e, m.OutageHedgeEffect):
        return f"recovers {pct(e.recovered)} of capacity lost to a provider outage"
    if isinstance(e, m.OffloadEffect):
        return (
            f"serves {pct(e.share)} of demand at the edge, at {money(e.cost_per_kgpu)} per"
            " kGPU-quarter"
        )
    if isinstance(e, m.UnlockSkuEffect):
        return f"lets you order {chip or e.sku}"
    if isinstance(e, m.BuildSpeedEffect):
        return f"data centres build {e.quarters} quarter{'s' if e.quarters > 1 else ''} faster"
    if isinstance(e, m.SpotDiscountEffect):
        return f"you pay {pct(1 - e.multiplier)} less for spot capacity"
    return f"each network unit connects {pct(e.multiplier - 1)} more accelerators"


class ResearchSection(Section):
    HELP_TEXT = (
        "Research: fund a technology every quarter ([b]f[/b] on the highlighted row; 0 pauses"
        " it). It completes when its cost is spent and its minimum quarters have passed; it may"
        " slip (more time and money). Prerequisites must be complete first."
    )

    _techs: tuple[TechView, ...] | list[TechView] = ()
    _obs: Observation | None = None

    def compose(self) -> ComposeResult:
        yield GameTable(id="techs", cursor_type="row", zebra_stripes=True)
        yield Static(RESEARCH_HINT, classes="hint", id="research-hint")
        yield Static("", id="tech-description")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted technology in full: name, prerequisites, time and risk."""
        techs = {t.id: t for t in self._techs}
        tech = techs.get(str(event.row_key.value))
        if tech is None or self._obs is None:
            return
        box = self.query_one("#tech-description", Static)
        if tech.done:  # nothing left to fund: what it spent and does ("at most $0.0M")
            # What it does, as a phrase after a colon: 'It 15% less power per accelerator' and
            # 'It you pay 15% less for spot capacity' were not sentences.
            box.update(
                f"[b]{tech.name}[/b]: done ({money(tech.spent)} spent); in force:"
                f" {self._does(tech.id)}."
            )
            return
        needs = ", ".join(techs[p].name if p in techs else p for p in tech.prerequisites)
        # Against what it costs now (an event in force can raise it): "$450M of $400M spent"
        # and still not done read as a bug.
        note = research_cost_note(tech)
        spent = f"{money(tech.spent)} of {money(research_cost(tech))} spent" + (
            f" ({note})" if note else ""
        )
        box.update(
            f"[b]{tech.name}[/b]: {self._does(tech.id)}. Needs {needs or 'nothing'};"
            f" {spent}; at least {tech.min_quarters} quarters, so at most"
            f" {money(research_cap(self._obs, tech))} a quarter; slip risk {pct(tech.slip_risk)}."
        )

    def _does(self, tech_id: str) -> str:
        """What the technology does when done (from the content; its effects in words)."""
        session = getattr(self.app, "session", None)
        if session is None:
            return "see the glossary"
        tech = next((t for t in session.content.technologies if t.id == tech_id), None)
        if tech is None:
            return "see the glossary"
        # Per kGPU, as the chip's own figure: 'an H100 costs $30.0M' read as the price of one
        # accelerator (content prices are per thousand units: one H100 kGPU). At the H100's
        # price now, as Infrastructure's 'Chips on sale' gives it: the content's opening price
        # said $30.0M next to that list's $34.5M/kGPU once vendor prices had risen.
        on_sale = {c.id: c for c in self._obs.chips} if self._obs else {}
        h100 = on_sale.get("h100") or next(
            (c for c in session.content.chips if c.id == "h100"), None
        )
        versus = f" (H100s: {money(h100.price / h100.perf)})" if h100 is not None else ""
        # Its lead time now (the observation's): a chip that arrives after the game is over is
        # worth knowing about before the programme is funded.
        leads = {chip_id: c.lead_quarters for chip_id, c in on_sale.items()}
        chips = {
            c.id: f"your own chip: {c.perf:g}× an H100 each, {money(c.price / c.perf)} per kGPU"
            f" of compute{versus}"
            + (f"; it arrives {leads[c.id]} quarters after it is ordered" if c.id in leads else "")
            for c in (on_sale.get(chip.id, chip) for chip in session.content.chips)
        }
        return "; ".join(effect_text(e, chips.get(getattr(e, "sku", ""), "")) for e in tech.effects)

    def show(self, view: SeatView) -> None:
        self._techs = view.obs.me.research
        self._obs = view.obs
        # Only the keys of mechanics this scenario has on (the tutorial funds no research).
        hint = key_hints(view.obs.mechanics, RESEARCH_KEYS)
        changed = next((note for t in view.obs.me.research if (note := research_cost_note(t))), "")
        if hint and changed:
            # "$400M raised 20% by ..." → "* cost raised 20% by ..."
            hint += "  [yellow]*[/] cost " + changed.split(" ", 1)[1]
        self.query_one("#research-hint", Static).update(hint or RESEARCH_OFF)
        table = self.query_one("#techs", DataTable)
        row = table.cursor_row
        compact = self.compact
        columns = COMPACT_COLUMNS if compact else FULL_COLUMNS
        done = {t.id for t in view.obs.me.research if t.done}
        names = {t.id: t.name for t in view.obs.me.research}
        # Funding as this quarter's orders leave it: a programme funded a moment ago showed
        # '—' and 'open' until the quarter ended.
        levels = standing_funding(view.obs, view.orders)

        def needs(tech: TechView) -> str:
            return ", ".join(abbreviate(names.get(p, p)) for p in tech.prerequisites) or "—"

        def status(t: TechView) -> str:
            if t.done:
                return f"[{GOOD}]done[/]"
            if all(p in done for p in t.prerequisites):
                return (
                    "[yellow]slipped[/]"
                    if t.slipped
                    else ("funded" if levels.get(t.id, t.funding) > 0 else "open")
                )
            return "[dim]locked[/]"

        techs = view.obs.me.research
        rest: list[tuple[str, ...]] = []  # each row's cells after the name and prerequisites
        for t in techs:
            cost = research_cost(t)
            progress = min(t.spent / cost, 1.0) if cost > 0 else 0.0
            # An event in force changed what it costs: the cost is marked (the line under the
            # table says by how much and why).
            shown = money(cost) + ("[yellow]*[/]" if research_cost_note(t) else "")
            bar = "█" * int(progress * 8) + "░" * (8 - int(progress * 8))
            if compact:
                rest.append(
                    (
                        shown,
                        f"{bar[::2]} {pct(progress)}",
                        funding(view.obs, t, levels.get(t.id)),
                        status(t),
                    )
                )
            else:
                rest.append(
                    (
                        shown,
                        f"{bar} {pct(progress)}",
                        str(t.min_quarters),
                        pct(t.slip_risk),
                        funding(view.obs, t, levels.get(t.id)),
                        status(t),
                    )
                )
        # Fixed widths measured from the cells (auto-sized columns never narrow again once a
        # long cell, such as a programme funded at its "(max)", widened them): the name and
        # prerequisite columns share what the others leave, so none is pushed off the screen.
        widths = [
            # A list, not max(label, *cells): content with no technologies has no rows.
            max([cell_len(label), *(Text.from_markup(r[k]).cell_len for r in rest)])
            for k, label in enumerate(columns[2:])
        ]
        # A cell of padding either side of each column, two for the scroll bar and the border.
        room = self.app.size.width - 4 - sum(widths) - 2 * len(columns) - 2
        longest = max((len(abbreviate(t.name)) for t in techs), default=10)
        name_w = min(longest, max(12, room * 3 // 5))
        needs_w = max(8, room - name_w)
        table.clear(columns=True)
        for label, width in zip(columns, (name_w, needs_w, *widths), strict=True):
            table.add_column(label, width=width)
        for t, cells in zip(techs, rest, strict=True):
            table.add_row(
                short(abbreviate(t.name), name_w), short(needs(t), needs_w), *cells, key=t.id
            )
        if view.obs.me.research:
            table.move_cursor(row=min(row, len(view.obs.me.research) - 1))

    def selected_tech(self) -> str | None:
        key = selected_key(self.query_one("#techs", DataTable))
        return key
