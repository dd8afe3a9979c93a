"""Orders: this quarter's pending actions with their verdicts and the projected cash."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from game.engine import Action
from game.tui.format import money
from game.tui.session import SeatView
from game.tui.widgets.section import Section, selected_key


def describe(action: Action) -> str:
    """A short sentence for an action, in the game's words."""
    d = action.model_dump()
    kind = d.pop("type")
    text = {
        "bid_spot": "Bid {quantity:g} kGPU spot at {provider}, up to ${max_price:g}M",
        "reserve": "Reserve {quantity:g} kGPU at {provider} for {term} quarters",
        "order_chips": "Order {quantity:g}k {sku} chips for {region}",
        "order_network": "Order {quantity:g} fabric units for {region}",
        "build_datacenter": "Build {megawatts:g} MW data centre in {region}",
        "fund_research": "Fund {tech} at ${amount:g}M per quarter",
        "set_service_price": "Set service price to ${price:g}M",
        "set_training_share": "Set training share to {share:.0%}",
        "sublease": "Sublease {quantity:g} kGPU of {provider} reserved capacity",
        "borrow": "Borrow ${amount:g}M",
        "repay": "Repay ${amount:g}M",
    }[kind]
    return text.format(**d)


class OrdersSection(Section):
    HELP_TEXT = (
        "Orders: everything you will do this quarter. Enter edits the highlighted order,"
        " [b]x[/b] or Delete removes it. [b]p[/b] sets your service price, [b]t[/b] your training"
        " share, [b]$[/b] borrows and [b]y[/b] repays. Projected cash counts what the legal orders"
        " commit now; spot bids are counted at their limit price."
    )

    def compose(self) -> ComposeResult:
        yield DataTable(id="orders-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="projected")
        yield Static(
            "[b]Enter[/b] edit  [b]x[/b] remove  [b]p[/b] price  [b]t[/b] training  "
            "[b]$[/b] borrow  [b]y[/b] repay  [b]e[/b] end quarter",
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one("#orders-table", DataTable).add_columns("#", "Order", "Commits", "Status")

    def show(self, view: SeatView) -> None:
        table = self.query_one("#orders-table", DataTable)
        row = table.cursor_row
        table.clear()
        for i, order in enumerate(view.orders):
            verdict = order.verdict
            status = "[green]ok[/]" if verdict.ok else f"[red]✗ {verdict.message}[/]"
            table.add_row(
                str(i + 1), describe(order.action), money(verdict.cost), status, key=str(i)
            )
        if not view.orders:
            table.add_row(
                "", "No orders: ending the quarter now holds everything as it is.", "", ""
            )
        elif row < len(view.orders):
            table.move_cursor(row=row)
        me = view.obs.me
        self.query_one("#projected", Static).update(
            f"Cash {money(me.cash)} − committed {money(view.committed)} = projected"
            f" [b]{money(view.projected_cash)}[/b]   (credit line left"
            f" {money(me.credit_limit - me.debt)}; reserved payments due now"
            f" {money(float(me.reserved_payments[0]) if len(me.reserved_payments) else 0.0)})"
        )

    def selected_index(self) -> int | None:
        key = selected_key(self.query_one("#orders-table", DataTable))
        return int(key) if key is not None and key.isdigit() else None
