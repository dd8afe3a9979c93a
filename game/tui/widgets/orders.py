"""Orders: this quarter's pending actions with their verdicts and the projected cash."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine import Action, BidSpot, Reserve, SetTrainingShare, Sublease
from game.engine.actions import MECHANIC_OF
from game.tui.format import BAD, GOOD, kgpu, money
from game.tui.names import Names
from game.tui.order_keys import BY_ACTION, section_keys
from game.tui.session import GameSession, PendingOrder, SeatView
from game.tui.widgets.plan import (
    cash_plan,
    order_cash,
    research_spend,
    shortfall_text,
    standing_capacity,
)
from game.tui.widgets.section import GameTable, MoreBelow, Section, key_hints, selected_key


def describe(action: Action, names: Names | None = None) -> str:
    """A short sentence for an action, in the game's words, naming things by their display
    names (``names``; ids without it)."""
    n = names or Names()
    d = action.model_dump()
    kind = d.pop("type")
    if "provider" in d:
        d["provider"] = n.provider(d["provider"])
    if "region" in d:
        d["region"] = n.region(d["region"])
    if "sku" in d:
        d["sku"] = n.chip(d["sku"])
    if "tech" in d:
        d["tech"] = n.tech(d["tech"])
    text = {
        "bid_spot": "Bid {quantity:g} kGPU spot at {provider}, up to ${max_price:g}M/kGPU",
        "reserve": "Reserve {quantity:g} kGPU at {provider} for {term} quarters",
        "order_chips": "Order {quantity:g}k {sku} chips for {region}",
        "order_network": "Order {quantity:g} fabric units for {region}",
        "build_datacenter": "Build {megawatts:g} MW data centre in {region}",
        "fund_research": "Fund {tech} at ${amount:g}M per quarter",
        "set_service_price": "Set service price to ${price:g}M/kGPU",
        "set_training_share": "Set training share to {share:.0%}",
        "sublease": "Sublease {quantity:g} kGPU of {provider} reserved capacity",
        "borrow": "Borrow ${amount:g}M",
        "repay": "Repay ${amount:g}M",
    }[kind]
    return text.format(**d)


COLUMNS = ("#", "Order", "Pays now", "Status")
ORDER_MIN = 24
"""Order text is cut to make room for the status, but not below this many cells (the line
under the table shows the highlighted order in full)."""


def fit(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` cells, cut with an ellipsis."""
    line = Text(text)
    line.truncate(max(width, 1), overflow="ellipsis")
    return line.plain


ORDER_KEYS = section_keys("orders")


def order_hint(mechanics: tuple[str, ...] | list[str]) -> str:
    """The Orders section's key line, with only the keys of the mechanics that are on."""
    keys = key_hints(mechanics, ORDER_KEYS)
    return f"[b]Enter[/b] edit  [b]x[/b] remove  {keys + '  ' if keys else ''}[b]e[/b] end quarter"


ORDER_HINT = order_hint(tuple(MECHANIC_OF.values()))


def starts_now(session: GameSession | None) -> frozenset[str]:
    """The providers whose reserved contracts signed now run from this quarter (no lead)."""
    if session is None:
        return frozenset()
    world = session.state.world
    return frozenset(
        pid for p, pid in enumerate(world.provider_ids) if int(world.prov_reserved_lead[p]) == 0
    )


@dataclass(frozen=True)
class CapacityPlan:
    """This quarter's capacity as the orders placed so far would give it (:func:`plan_numbers`),
    kGPU."""

    demand: float
    """Last quarter's demand, or before the first quarter a fair share of the opening market."""
    first: bool
    """Before the first quarter (``demand`` is the fair share)."""
    reserved: float
    subleased: float
    reserving: float
    owned: float
    bids: float
    share: float
    """The training share, a pending change counted."""

    @property
    def total(self) -> float:
        return self.reserved - self.subleased + self.owned

    @property
    def serving(self) -> float:
        """What is left for customers after training, every spot bid filled in full."""
        return (self.total + (self.bids + self.reserving)) * (1.0 - self.share)

    @property
    def short(self) -> float:
        return self.demand - self.serving

    def to_bid(self) -> float:
        """The spot kGPU that would close the gap (training takes its share of them too), one
        decimal, rounded up; 0 when nothing is short."""
        if self.short <= 0.05 or self.share >= 1.0:
            return 0.0
        return math.ceil(self.short / (1.0 - self.share) * 10.0 - 1e-9) / 10.0


def plan_numbers(
    view: SeatView, opening: float | None = None, starting: frozenset[str] = frozenset()
) -> CapacityPlan | None:
    """The figures of :func:`capacity_plan`; ``None`` before the first quarter without
    ``opening``."""
    me = view.obs.me
    demand = float(me.last.get("demand", math.nan))
    first = math.isnan(demand)
    if first:
        if opening is None:
            return None
        demand = opening
    reserved, owned = standing_capacity(view.obs)
    subleased = bids = reserving = 0.0
    share = float(me.training_share)
    for order in view.orders:
        action = order.action
        if order.verdict.ok and isinstance(action, Sublease):
            subleased += float(action.quantity)
        elif order.verdict.ok and isinstance(action, Reserve) and action.provider in starting:
            # Runs from this quarter: 6 kGPU reserved at TensorPort counted nothing, and the
            # plan called the quarter 4.4 kGPU short.
            reserving += float(action.quantity)
        elif order.verdict.ok and isinstance(action, BidSpot):
            bids += float(action.quantity)
        elif order.verdict.ok and isinstance(action, SetTrainingShare):
            share = float(action.share)
    return CapacityPlan(demand, first, reserved, subleased, reserving, owned, bids, share)


def capacity_plan(
    view: SeatView, opening: float | None = None, starting: frozenset[str] = frozenset()
) -> str:
    """This quarter's capacity before the auction, against last quarter's demand: the
    reserved kGPU running now less the subleases ordered, the reserved contracts ordered with a
    provider in ``starting`` (they run from this quarter: at most what they ask for, as the
    provider fills them), your own capacity last quarter and
    the spot bids (at most what they ask for); what is left for customers after the training
    share (a pending change counted), red and said in words when it is less than last
    quarter's demand. Before the first quarter it is compared with ``opening``, a fair share
    of the scenario's opening demand (:func:`opening_share`); empty without it."""
    plan = plan_numbers(view, opening, starting)
    if plan is None:
        return ""
    short, share, colour = plan.short, plan.share, BAD if plan.short > 0.05 else GOOD
    when = "installed" if plan.first else "last quarter's"
    text = (
        f"\nCapacity this quarter: reserved {kgpu(plan.reserved)}"
        + (f" − subleased {kgpu(plan.subleased)}" if plan.subleased else "")
        + (f" + reserving now up to {kgpu(plan.reserving)}" if plan.reserving else "")
        + f" + own {kgpu(plan.owned)} ({when})"
        + (f" + spot bids up to {kgpu(plan.bids)}" if plan.bids else "")
        + (
            f" = {kgpu(plan.total + (plan.bids + plan.reserving))} kGPU,"
            f" [{colour}]{kgpu(plan.serving)} kGPU[/] for customers after {share:.0%} training"
            if share > 0
            else f" = [{colour}]{kgpu(plan.serving)} kGPU[/] for customers"
        )
        + (
            f"; demand about {kgpu(plan.demand)} kGPU (a fair share of the opening market)."
            if plan.first
            else f"; demand last quarter {kgpu(plan.demand)} kGPU."
        )
    )
    if short > 0.05:
        bid, train = BY_ACTION["bid"], BY_ACTION["training_share"]
        keys = [
            f"[b]{row.key}[/b] {words}"
            for row, words, useful in (
                (bid, "bids for spot", True),
                (train, "lowers the training share", share > 0),
            )
            if useful and row.mechanic in view.obs.mechanics
        ]
        text += (
            f" [b {BAD}]⚠ {kgpu(short)} kGPU short[/]: customers beyond your capacity are turned"
            " away and reputation falls" + (f" ({'; '.join(keys)})." if keys else ".")
        )
    return text


def opening_share(session: GameSession | None, view: SeatView) -> float | None:
    """A fair share of the scenario's opening demand (the market's, public in the scenario,
    split evenly between the companies): what to plan the first quarter for."""
    if session is None:
        return None
    return float(session.state.world.scenario.market.demand) / max(view.players, 1)


def no_orders_text(view: SeatView) -> str:
    """What ending a quarter without orders keeps, and what it does not: spot capacity is
    rented one quarter at a time, so a quarter without a bid has none."""
    if "spot" not in view.obs.mechanics:
        return "No orders: ending the quarter now keeps your price, training share and contracts."
    return (
        "No orders: your price, training share and contracts stay as they are, but spot"
        " capacity is rented one quarter at a time: without a bid you have none this quarter."
    )


class OrdersSection(Section):
    HELP_TEXT = (
        "Orders: everything you will do this quarter. Enter edits the highlighted order,"
        " [b]x[/b] or Delete removes it. [b]p[/b] sets your service price, [b]t[/b] your training"
        " share, [b]$[/b] borrows and [b]y[/b] repays. Projected cash counts what the legal orders"
        " pay this quarter (spot bids at their limit price, a build's first instalment, a"
        " reserved contract only if it starts now), borrowing and repayment, research and the"
        " reserved payments due; revenue and running costs come when the quarter resolves."
    )

    _view: SeatView | None = None
    _lines: tuple[tuple[str, str], ...] = ()
    """Each order's full sentence and verdict (the table may show them cut)."""

    def compose(self) -> ComposeResult:
        yield GameTable(id="orders-table", cursor_type="row", zebra_stripes=True)
        # The keys under the table, as in the Market and Infrastructure; what is under them
        # scrolls: at 80x24 a dozen orders pushed the end of the projection and the keys under
        # the footer, out of every key's reach.
        yield Static(ORDER_HINT, classes="hint", id="orders-hint")
        with MoreBelow(id="orders-more"):
            yield Static("", id="order-detail")
            yield Static("", id="projected")

    def _room(self, texts: list[str], statuses: list[str], commits: list[str]) -> tuple[int, int]:
        """Cells for the order text and for the status, so that the four columns fit the
        terminal (each column has a cell of padding either side; two more for the scroll bar):
        both whole when they fit, else the order text is cut first (to no less than
        :data:`ORDER_MIN`), then the status."""
        width = self.app.size.width - 4
        # Each column is at least as wide as its heading ('$50.0M' under 'Pays now' took 8
        # cells, not 6, and 'ok' under 'Status' 6, not 2: 'Status' read 'Statu' at 80 columns).
        number = max(len(COLUMNS[0]), len(str(len(texts))))
        pays = max(len(COLUMNS[2]), *map(len, commits)) if commits else len(COLUMNS[2])
        fixed = (number + 2) + (pays + 2) + 2 + 2
        room = width - fixed
        order = max((cell_len(t) for t in texts), default=14)
        status = max([cell_len(COLUMNS[3]), *(cell_len(s) for s in statuses)])
        if order + status <= room:
            return order, status
        status = max(min(status, room - ORDER_MIN), 6)
        return max(room - status, 8), status

    def show(self, view: SeatView) -> None:
        # Only the keys of mechanics this scenario has on.
        self._view = view
        self.fit_more("orders-hint", order_hint(view.obs.mechanics))
        table = self.query_one("#orders-table", DataTable)
        row = table.cursor_row
        names = view.names
        texts = [describe(o.action, names) for o in view.orders]
        statuses = [
            "ok" if o.verdict.ok else f"✗ {names.text(o.verdict.message)}" for o in view.orders
        ]
        session = getattr(self.app, "session", None)
        state = session.state if session is not None else None

        techs = {t.id: t for t in view.obs.me.research}

        def now(order: PendingOrder) -> str:
            if not order.verdict.ok:
                return "—"
            if state is None:
                return money(order.verdict.cost)
            moved = order_cash(state, view.obs.seat, order.action, order.verdict.cost)
            if order.action.type == "fund_research":
                # What the programme spends this quarter at that funding (capped by the engine).
                tech = techs.get(order.action.tech)
                return money(research_spend(view.obs, tech, order.action.amount)) if tech else "—"
            if order.action.type == "reserve" and moved == 0.0:
                return "later"  # the contract starts next quarter
            return f"+{money(-moved)}" if moved < -0.05 else money(moved)

        commits = [now(o) for o in view.orders]
        self._lines = tuple(zip(texts, statuses, strict=True))
        order_room, status_room = self._room(texts, statuses, commits)
        rows = [
            (str(i + 1), fit(text, order_room), cost, fit(status, status_room))
            for i, (text, status, cost) in enumerate(zip(texts, statuses, commits, strict=True))
        ] or [("", fit("No orders yet.", order_room), "", "")]
        # Fixed widths, measured here: auto-sized columns never narrow again once a long order
        # widened them (and are measured only after the first draw).
        table.clear(columns=True)
        for k, label in enumerate(COLUMNS):
            width = max(cell_len(label), *(cell_len(r[k]) for r in rows))
            table.add_column(label, width=width)
        for i, (number, text, cost, status) in enumerate(rows):
            if not view.orders:
                table.add_row(number, escape(text), cost, status)
                break
            # "ok" or "✗ why": the word and the glyph say it; the colours are told apart with
            # red-green colour blindness too.
            colour = GOOD if view.orders[i].verdict.ok else BAD
            table.add_row(number, escape(text), cost, f"[{colour}]{escape(status)}[/]", key=str(i))
        if view.orders and row < len(view.orders):
            table.move_cursor(row=row)
        self._detail(table.cursor_row if view.orders else None)
        me = view.obs.me
        if state is None:
            return
        plan = cash_plan(state, view.obs, view.orders)
        # Pending borrowing uses the line up and repayment frees it, this quarter.
        debt = max(me.debt + plan.borrowed - plan.repaid, 0.0)
        self.query_one("#projected", Static).update(
            f"This quarter: {plan.text()}. Credit line left {money(me.credit_limit - debt)}"
            + (
                f" (after this quarter's orders; {money(me.credit_limit - me.debt)} now)."
                if abs(debt - me.debt) > 0.05
                else "."
            )
            + shortfall_text(plan, float(state.world.scenario.market.penalty_rate))
            + capacity_plan(view, opening_share(session, view), starts_now(session))
        )

    def _detail(self, index: int | None) -> None:
        """The highlighted order in full (the table cuts long ones at 80 columns)."""
        box = self.query_one("#order-detail", Static)
        if index is None or not 0 <= index < len(self._lines):
            view = self._view
            box.update(no_orders_text(view) if index is None and view is not None else "")
            return
        text, status = self._lines[index]
        colour = GOOD if status == "ok" else BAD
        box.update(f"{index + 1}. {escape(text)}  [{colour}]{escape(status)}[/]")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is not None and key.isdigit():
            self._detail(int(key))

    def selected_index(self) -> int | None:
        key = selected_key(self.query_one("#orders-table", DataTable))
        return int(key) if key is not None and key.isdigit() else None
