"""The quarter report: what happened to you and why, and what moved each spot price."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.engine import QuarterReport
from game.tui.format import kgpu, money, pct
from game.tui.session import GameSession, PredictionResult


def figure_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Each key figure with its change and the reason the engine's numbers give for it."""
    me = report.players[seat]
    history = session.state.history
    t = report.turn
    prev = {
        k: float(history[k][t - 1, seat]) if t > 0 else math.nan
        for k in ("cash", "capacity", "demand", "served", "revenue", "reputation", "share")
    }
    costs = sorted(((v, k) for k, v in me.costs.items() if abs(v) > 0.05), reverse=True)
    cost_text = ", ".join(f"{k.replace('_', ' ')} {money(v)}" for v, k in costs[:5]) or "none"
    unserved = me.unserved

    def was(key: str, show: Callable[[float], str]) -> str:
        # The first quarter has no earlier figure to compare with: say nothing rather than "—".
        return "" if math.isnan(prev[key]) else f" (was {show(prev[key])})"

    lines = [
        f"[b]Capacity[/b] {kgpu(me.capacity)} kGPU{was('capacity', kgpu)}:"
        f" reserved {kgpu(me.reserved)} + spot {kgpu(me.spot)} + owned {kgpu(me.owned)};"
        f" {kgpu(me.training)} went to training.",
        f"[b]Demand[/b] {kgpu(me.demand)} kGPU{was('demand', kgpu)}; market"
        f" {kgpu(report.market_demand)} kGPU, your share {pct(me.market_share, 1)}.",
        f"[b]Served[/b] {kgpu(me.served)} kGPU"
        + (
            f": [red]{kgpu(unserved)} kGPU turned away[/] because inference capacity was"
            f" {kgpu(me.inference)} kGPU"
            if unserved > 0.05
            else ": every customer served."
        ),
        f"[b]Revenue[/b] {money(me.revenue)}; costs: {cost_text}.",
        f"[b]Cash[/b] {money(me.cash)}{was('cash', money)}, debt {money(me.debt)}.",
        f"[b]Reputation[/b] {pct(me.reputation)}{was('reputation', pct)}"
        + (
            ": down because customers were turned away"
            if unserved > 0.05 and me.reputation < prev["reputation"]
            else ""
        )
        + f"; quality {me.quality:.2f}.",
    ]
    names = session.names
    for fill in report.reserved:
        if fill.seat == seat:
            lines.append(
                f"[b]Reserved[/b] {names.provider(fill.provider)}: asked"
                f" {kgpu(fill.requested)}, got {kgpu(fill.filled)} kGPU for {fill.term} quarters"
                f" at ${fill.price:.2f}M"
                + (
                    " (partly filled: high-value customers first)"
                    if fill.filled < fill.requested - 1e-6
                    else ""
                )
            )
    for kind, _code, message in report.rejected[seat]:
        lines.append(
            f"[red]Rejected[/red] {names.action_kind(kind)}: {escape(names.text(message))}"
        )
    return lines


def prediction_lines(result: PredictionResult) -> str:
    """The question, the team's answer and what happened, with a short verdict."""
    answer = result.answer
    if answer is None:
        said = "You skipped this question."
    else:
        said = f"You said: [b]{escape(str(answer))}[/b]" + (
            f" ({result.unit})" if not isinstance(answer, str) else ""
        )
    verdict = result.verdict()
    colour = "green" if verdict in ("right", "spot on") else "yellow"
    return (
        f"{escape(result.prediction.question)}\n{said}\n"
        f"What happened: {escape(result.happened())}"
        + (f"  [{colour}]{escape(verdict)}[/]" if verdict and answer is not None else "")
    )


class ReportScreen(Screen[None]):
    """What happened in the quarter just played."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,space", "close", "Continue", id="report.close")
    ]
    section = "report"
    stops_clock = True

    def __init__(self, session: GameSession, seat: int, report: QuarterReport):
        super().__init__()
        self.session = session
        self.seat = seat
        self.report = report

    def compose(self) -> ComposeResult:
        report, seat = self.report, self.seat
        yield Static(
            f"Quarter report: {report.label} · {self.session.state.names[seat]}",
            classes="screen-title",
        )
        with VerticalScroll(id="report-body"):
            yield Static("Your figures", classes="subtitle")
            yield Static("\n".join(figure_lines(self.session, seat, report)), id="report-figures")
            predicted = self.session.prediction_result(seat, report.turn)
            if predicted is not None:
                yield Static("Your prediction", classes="subtitle")
                yield Static(prediction_lines(predicted), id="report-prediction")
            yield Static("Spot prices and why they moved", classes="subtitle")
            yield Static(
                "\n".join(s.explanation(seat) for s in report.spot) or "no spot market",
                id="report-spot",
            )
            yield Static("News", classes="subtitle")
            news = report.news_for(seat)
            yield Static(
                "\n".join(f"• [b]{n.headline}[/b] — {n.explain}" for n in news)
                or "A quiet quarter.",
                id="report-news",
            )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
