"""Game over: final standings, the verdict titles, charts of the whole game."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from game.tui.format import money, pct, price
from game.tui.session import GameSession
from game.tui.widgets.chart import LineChart


class GameOverScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "title", "Title screen", id="over.title"),
    ]
    section = "game_over"

    def __init__(self, session: GameSession):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        state = self.session.state
        standings = self.session.standings()
        winner = standings[0]
        human_best = min(
            (s for s in standings if s.seat in self.session.humans), key=lambda s: s.rank
        )
        yield Static(
            f"Game over after {state.turn} quarters · {winner.name} wins · "
            f"{human_best.name} finished #{human_best.rank}: [b]{human_best.title}[/b]"
            f" ({human_best.verdict})",
            classes="screen-title",
            id="over-title",
        )
        with VerticalScroll():
            yield DataTable(id="standings", cursor_type="none", zebra_stripes=True)
            with Horizontal(classes="charts"):
                yield LineChart(id="over-ev")
                yield LineChart(id="over-share")
                yield LineChart(id="over-spot")
        yield Footer()

    def on_mount(self) -> None:
        state = self.session.state
        table = self.query_one("#standings", DataTable)
        table.add_columns(
            "#", "Company", "Enterprise value", "Served", "Cost/kGPU", "Title", "Verdict"
        )
        for s in self.session.standings():
            who = " (you)" if s.seat in self.session.humans else ""
            table.add_row(
                str(s.rank),
                s.name + who,
                money(s.score),
                pct(s.served_share),
                price(s.cost_per_kgpu),
                s.title,
                s.verdict,
            )
        t = state.turn
        names = state.names
        h = state.history
        self.query_one("#over-ev", LineChart).show(
            "Enterprise value $M",
            {n: tuple(h["enterprise_value"][:t, i]) for i, n in enumerate(names)},
        )
        self.query_one("#over-share", LineChart).show(
            "Market share",
            {n: tuple(h["share"][:t, i]) for i, n in enumerate(names)},
        )
        ids = state.world.provider_ids
        short = {p: self.session.names.provider(p).split()[0] for p in ids}
        self.query_one("#over-spot", LineChart).show(
            "Spot prices",
            {short[p]: tuple(h["spot_price"][:t, k]) for k, p in enumerate(ids)},
        )

    def action_title(self) -> None:
        from game.tui.screens.title import TitleScreen

        app = self.app
        while len(app.screen_stack) > 1 and not isinstance(app.screen, TitleScreen):
            app.pop_screen()
