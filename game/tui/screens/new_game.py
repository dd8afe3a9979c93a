"""New game: scenario, your seat (industry) and name, hot-seat humans, rivals, seed."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from game.agents import known_specs
from game.tui.session import GameSession, default_archetype

if TYPE_CHECKING:
    from game.rules.models import Content, Scenario
    from game.tui.app import CapwarsApp

MAX_SEATS = 8
DIFFICULTIES = ("normal",)
"""Only one until the rival roster registers difficulty levels."""


class NewGameScreen(Screen[None]):
    """The new-game form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="new.back"),
        Binding("ctrl+s", "start", "Start", id="new.start", tooltip="Start the game"),
    ]
    section = "new_game"

    def __init__(self, scenario: str | None = None, seed: int | None = None):
        super().__init__()
        self.initial_scenario = scenario
        self.initial_seed = seed if seed is not None else secrets.randbelow(1_000_000)
        self.rival_seats: list[int] = []

    @property
    def content(self) -> Content:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        return app.content

    def compose(self) -> ComposeResult:
        content = self.content
        scenario_ids = [s.id for s in content.scenarios]
        first = (
            self.initial_scenario
            if self.initial_scenario in scenario_ids
            else ("standard" if "standard" in scenario_ids else scenario_ids[0])
        )
        yield Static("New game", classes="screen-title")
        with VerticalScroll(id="new-form"):
            with Horizontal(classes="row"):
                yield Label("Scenario", classes="label")
                yield Select(
                    [(s.name, s.id) for s in content.scenarios],
                    value=first,
                    allow_blank=False,
                    id="scenario",
                    compact=True,
                )
            yield Static("", id="scenario-description")
            with Horizontal(classes="row"):
                yield Label("You play", classes="label")
                yield Select(
                    self._seat_options(first), value=0, allow_blank=False, id="seat", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Company name", classes="label")
                yield Input(placeholder="your company", id="company", max_length=40, compact=True)
            with Horizontal(classes="row"):
                yield Label("Human players", classes="label")
                yield Select(
                    [(str(k), k) for k in range(1, len(content.scenario(first).seats) + 1)],
                    value=1,
                    allow_blank=False,
                    id="humans",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Difficulty", classes="label")
                yield Select(
                    [(d, d) for d in DIFFICULTIES],
                    value=DIFFICULTIES[0],
                    allow_blank=False,
                    id="difficulty",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Seed", classes="label")
                yield Input(str(self.initial_seed), id="seed", max_length=18, compact=True)
            yield Static("", id="rivals-title", classes="subtitle")
            with Vertical(id="rivals"):
                for k in range(MAX_SEATS):
                    with Horizontal(classes="row", id=f"rival-row-{k}"):
                        yield Label("", classes="label", id=f"rival-label-{k}")
                        yield Select(
                            [("balanced", "balanced")],
                            value="balanced",
                            allow_blank=False,
                            id=f"rival-{k}",
                            classes="rival-archetype",
                            compact=True,
                        )
            yield Static("", id="new-error", classes="error")
        with Horizontal(classes="buttons"):
            yield Button("Start game", id="start", variant="primary")
            yield Button("Back", id="back")
        yield Footer()

    def _seat_options(self, scenario_id: str) -> list[tuple[str, int]]:
        industries = {i.id: i.name for i in self.content.industries}
        seats = self.content.scenario(scenario_id).seats
        return [(industries.get(s.industry, s.industry), i) for i, s in enumerate(seats)]

    def on_mount(self) -> None:
        self._describe()
        self._rebuild_rivals()
        self.query_one("#start", Button).focus()

    def _scenario(self) -> Scenario:
        value = self.query_one("#scenario", Select).value
        return self.content.scenario(str(value))

    def _describe(self) -> None:
        scenario = self._scenario()
        self.query_one("#scenario-description", Static).update(
            f"[b]{scenario.summary}[/b]\n{' '.join(scenario.description.split())}\n"
            f"{scenario.quarters} quarters · {len(scenario.seats)} companies"
        )

    def _scenario_changed(self) -> None:
        scenario = self._scenario()
        self._describe()
        seat_select = self.query_one("#seat", Select)
        seat_select.set_options(self._seat_options(scenario.id))
        seat_select.value = 0
        humans = self.query_one("#humans", Select)
        humans.set_options([(str(k), k) for k in range(1, len(scenario.seats) + 1)])
        humans.value = 1
        self._rebuild_rivals()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "scenario":
            self._scenario_changed()
        elif event.select.id in ("humans", "seat"):
            self._rebuild_rivals()

    def _human_seats(self) -> set[int]:
        scenario = self._scenario()
        n = len(scenario.seats)
        humans = int(self.query_one("#humans", Select).value or 1)  # type: ignore[arg-type]
        first = int(self.query_one("#seat", Select).value or 0)  # type: ignore[arg-type]
        return {(first + k) % n for k in range(min(humans, n))}

    def _rebuild_rivals(self) -> None:
        """Show one archetype selector per rival seat (rows are reused, never remounted)."""
        scenario = self._scenario()
        humans = self._human_seats()
        specs = [s for s in known_specs() if s != "idle"] or known_specs()
        rivals = {r.id: r for r in self.content.rivals}
        industries = {i.id: i.name for i in self.content.industries}
        rival_seats = [seat for seat in range(len(scenario.seats)) if seat not in humans]
        self.rival_seats = rival_seats
        for k in range(MAX_SEATS):
            row = self.query_one(f"#rival-row-{k}", Horizontal)
            row.display = k < len(rival_seats)
            if k >= len(rival_seats):
                continue
            spec = scenario.seats[rival_seats[k]]
            default = default_archetype(self.content, spec.rival)
            name = (
                rivals[spec.rival].name
                if spec.rival in rivals
                else (spec.name or industries.get(spec.industry, spec.industry))
            )
            self.query_one(f"#rival-label-{k}", Label).update(name[:19])
            select = self.query_one(f"#rival-{k}", Select)
            select.set_options([(o, o) for o in sorted(set(specs) | {default})])
            select.value = default
        self.query_one("#rivals-title", Static).update(
            f"Rivals: {len(rival_seats)} (the scenario sets the number of companies)"
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        else:
            self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_start(self) -> None:
        error = self.query_one("#new-error", Static)
        text = self.query_one("#seed", Input).value.strip()
        if not text.isdigit() or len(text) > 18:
            error.update("Seed: enter a whole number from 0 to 999999999999999999.")
            return
        scenario = self._scenario()
        first = int(self.query_one("#seat", Select).value or 0)  # type: ignore[arg-type]
        humans = int(self.query_one("#humans", Select).value or 1)  # type: ignore[arg-type]
        rivals = [
            str(self.query_one(f"#rival-{k}", Select).value) for k in range(len(self.rival_seats))
        ]
        names: list[str] = [""] * len(scenario.seats)
        names[first] = self.query_one("#company", Input).value
        session = GameSession.new(
            self.content,
            scenario.id,
            int(text),
            humans=humans,
            names=names,
            rivals=rivals,
            first_seat=first,
        )
        app: CapwarsApp = self.app  # type: ignore[assignment]
        app.start_session(session)
