"""New game: scenario, your industry and company, hot-seat players, the rivals at the table, seed.

The table is built here and passed to the engine as seats (``new_match(seats=...)``), so saves
record each seat's industry, rival and player. Rows for extra players and rivals are composed
once and shown or hidden, never remounted, so changing a count is instant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from game.agents import known_specs
from game.agents.registry import rival_spec, spec_levels
from game.rules.models import Seat
from game.tui.format import money
from game.tui.session import HUMAN, MAX_SEATS, Facilitation, GameSession

if TYPE_CHECKING:
    from game.rules.models import Content, Rival, Scenario
    from game.tui.app import CapwarsApp

MAX_SEED = 2**63 - 1
REQUIRED_NAME = "Required: type your team's name (the class results list every team by it)."
"""Class play: the note under the company name."""
NO_NAME = "Company name: type your team's name first (the class results list every team by it)."
"""Class play: Start with the company name left empty (shown under the field)."""


def player_name(k: int) -> str:
    """The company of player ``k`` (from 0) who types no name and whose seat has none."""
    return f"Player {k + 1}"


class NameMissing(ValueError):
    """Class play: the team has not typed its company name."""


TIMERS = (60, 90, 120, 180, 300)
"""Turn timer choices, seconds per team turn."""


def archetype_label(archetype: str) -> str:
    """A bot archetype as a player reads it: ``spot_trader`` → ``spot trader``."""
    return archetype.replace("_", " ")


@dataclass(frozen=True)
class Roster:
    """The bot archetypes a rival can play and the difficulty levels each one has."""

    archetypes: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]

    @classmethod
    def from_specs(cls, specs: list[str]) -> Roster:
        levels = spec_levels(specs)
        # Rival archetypes (with levels) first, then the plain bots; idle last (it never acts).
        names = sorted(levels, key=lambda n: (not levels[n], n == "idle", n))
        return cls(tuple(names), levels)

    def spec(self, archetype: str, level: str | None) -> str:
        levels = self.levels.get(archetype, ())
        return f"{archetype}:{level}" if level and level in levels else archetype

    def split(self, spec: str) -> tuple[str, str | None]:
        name, _, level = spec.partition(":")
        levels = self.levels.get(name, ())
        return name, (level or ("normal" if "normal" in levels else None)) if levels else None


class NewGameScreen(Screen[None]):
    """The new-game form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="new.back"),
        Binding("ctrl+s", "start", "Start", id="new.start", tooltip="Start the game"),
    ]
    section = "new_game"

    def __init__(
        self, scenario: str | None = None, seed: int | None = None, *, fixed: bool = False
    ):
        super().__init__()
        self.fixed = fixed
        """Class play: the scenario, seed and table are the teacher's, shown but not editable
        (the teams' results then merge: ``capwars class results`` refuses other tables)."""
        self.initial_scenario = scenario
        self.initial_seed = seed if seed is not None else secrets.randbelow(1_000_000)
        self.roster = Roster.from_specs(known_specs())
        self._rival_range = (0, MAX_SEATS - 1)
        """The rival counts the rivals selector offers now."""

    @property
    def content(self) -> Content:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        return app.content

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        content = self.content
        scenario_ids = [s.id for s in content.scenarios]
        first = (
            self.initial_scenario
            if self.initial_scenario in scenario_ids
            else ("standard" if "standard" in scenario_ids else scenario_ids[0])
        )
        industries = [(f"{i.name} · {money(i.starting_cash)}", i.id) for i in content.industries]
        rivals = [(r.name, r.id) for r in content.rivals]
        archetypes = [(archetype_label(a), a) for a in self.roster.archetypes]
        levels = [(lv, lv) for lv in ("easy", "normal", "hard")]
        yield Static("New game", classes="screen-title")
        if self.fixed:
            yield Static(
                "[b]Class play:[/b] your teacher set the scenario, the seed and the table;"
                " name your company and start.",
                id="fixed-note",
                classes="described",
            )
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
            yield Static("", id="scenario-description", classes="described")
            with Horizontal(classes="row"):
                yield Label("Your industry", classes="label")
                yield Select(industries, allow_blank=False, id="industry", compact=True)
            yield Static("", id="industry-description", classes="described")
            with Horizontal(classes="row"):
                yield Label("Company name", classes="label")
                yield Input(placeholder="your company", id="company", max_length=40, compact=True)
            if self.fixed:
                yield Static(REQUIRED_NAME, id="company-required", classes="described")
            with Horizontal(classes="row"):
                yield Label("Seed", classes="label")
                yield Input(str(self.initial_seed), id="seed", max_length=19, compact=True)
            with Horizontal(classes="row"):
                yield Label("Human players", classes="label")
                yield Select(
                    [(str(k), k) for k in range(1, MAX_SEATS + 1)],
                    value=1,
                    allow_blank=False,
                    id="humans",
                    compact=True,
                    tooltip="Hot-seat: players take turns at this keyboard",
                )
            for k in range(1, MAX_SEATS):
                with Horizontal(classes="row table-row", id=f"player-row-{k}"):
                    yield Label(f"  Player {k + 1}", classes="label")
                    yield Select(
                        industries, allow_blank=False, id=f"player-industry-{k}", compact=True
                    )
                    yield Input(
                        placeholder=f"player {k + 1}'s company",
                        id=f"player-name-{k}",
                        max_length=40,
                        compact=True,
                    )
            with Horizontal(classes="row"):
                yield Label("Rivals", classes="label")
                yield Select(
                    [(str(k), k) for k in range(0, MAX_SEATS)],
                    value=1,
                    allow_blank=False,
                    id="rivals",
                    compact=True,
                )
            for k in range(MAX_SEATS - 1):
                with Horizontal(classes="row table-row", id=f"rival-row-{k}"):
                    yield Label(f"  Rival {k + 1}", classes="label")
                    yield Select(rivals, allow_blank=False, id=f"rival-{k}", compact=True)
                    yield Select(
                        archetypes,
                        allow_blank=False,
                        id=f"rival-archetype-{k}",
                        classes="archetype",
                        compact=True,
                    )
                    yield Select(
                        levels,
                        value="normal",
                        allow_blank=False,
                        id=f"rival-level-{k}",
                        classes="level",
                        compact=True,
                    )
            yield Static("", id="rival-blurb", classes="described")
            yield Static("", id="scenario-seats", classes="described")
            yield Static("Facilitator (class play)", classes="subtitle")
            with Horizontal(classes="row"):
                yield Label("Lesson mode", classes="label")
                yield Select(
                    [("on: lesson notes and prediction questions", True), ("off", False)],
                    value=True,
                    allow_blank=False,
                    id="lesson-mode",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Catch-up rule", classes="label")
                yield Select(
                    [("off", False), ("on: the last-placed team gets extra appeal", True)],
                    value=False,
                    allow_blank=False,
                    id="catch-up",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Turn timer", classes="label")
                yield Select(
                    [("off", 0)] + [(f"{s // 60}:{s % 60:02d} per team turn", s) for s in TIMERS],
                    value=0,
                    allow_blank=False,
                    id="turn-timer",
                    compact=True,
                )
            if not self.fixed:  # class play has no facilitator menu (see MainScreen)
                with Horizontal(classes="row"):
                    yield Label("Facilitator PIN", classes="label")
                    yield Input(
                        placeholder="optional: asked before the facilitator menu (F9)",
                        id="pin",
                        password=True,
                        max_length=12,
                        compact=True,
                    )
            yield Static("", id="new-error", classes="error")
        with Horizontal(classes="buttons"):
            yield Button("Start game", id="start", variant="primary", compact=True)
            yield Button("Back", id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._apply_scenario()
        if self.fixed:
            self._fix_the_table()
            self.query_one("#company", Input).focus()  # the one thing a student fills in
        else:
            self.query_one("#start", Button).focus()

    FIXED = ("#scenario", "#industry", "#seed", "#humans", "#rivals", "#catch-up")
    """What a fixed table keeps as the teacher set it (with every player's and rival's row)."""

    def _fix_the_table(self) -> None:
        for selector in self.FIXED:
            self.query_one(selector).disabled = True
        for row in self.query(".table-row"):
            for widget in row.query("Select"):
                widget.disabled = True

    # ------------------------------------------------------------------ reading the form
    def _industry_name(self, industry_id: str) -> str:
        return next((i.name for i in self.content.industries if i.id == industry_id), industry_id)

    def _scenario(self) -> Scenario:
        return self.content.scenario(str(self.query_one("#scenario", Select).value))

    def _value(self, selector: str) -> str:
        return str(self.query_one(selector, Select).value)

    def _count(self, selector: str) -> int:
        value = self.query_one(selector, Select).value
        return int(value) if isinstance(value, int) else 0

    def _rival(self, rival_id: str) -> Rival | None:
        return next((r for r in self.content.rivals if r.id == rival_id), None)

    # ------------------------------------------------------------------ defaults
    def _apply_scenario(self) -> None:
        """Reset the table to the scenario's: its human seat, its rivals, their archetypes."""
        scenario = self._scenario()
        self.query_one("#scenario-description", Static).update(
            f"[b]{scenario.summary}[/b]\n{' '.join(scenario.description.split())}\n"
            f"{scenario.quarters} quarters · {len(scenario.seats)} companies"
        )
        own = next((s for s in scenario.seats if s.rival is None), scenario.seats[0])
        self.query_one("#industry", Select).value = own.industry
        # The scenario's own seats (a lesson's "Team Red", "Team Blue") name the players'
        # companies unless a player types a name.
        people = [s for s in scenario.seats if s.rival is None] or [own]
        for k in range(MAX_SEATS):
            box = self.query_one("#company" if k == 0 else f"#player-name-{k}", Input)
            seat_name = people[k].name if k < len(people) else None
            box.placeholder = (
                "your team's name (required)"
                if self.fixed and k == 0
                else f"{seat_name} (the scenario's name)"
                if seat_name
                else f"{player_name(k)} (or type a name)"
            )
        chosen = [s.rival for s in scenario.seats if s.rival is not None]
        spare = [r.id for r in self.content.rivals if r.id not in chosen]
        order = chosen + spare
        for k in range(MAX_SEATS - 1):
            if k < len(order):
                self._set_rival(k, order[k])
        industries = [i.id for i in self.content.industries]
        for k in range(1, MAX_SEATS):
            self.query_one(f"#player-industry-{k}", Select).value = (
                people[k].industry
                if k < len(people)
                else industries[(industries.index(own.industry) + k) % len(industries)]
            )
        self.query_one("#humans", Select).value = 1
        self.query_one("#catch-up", Select).value = bool(scenario.catch_up)
        lessons = len(scenario.lessons)
        self.query_one(
            "#lesson-mode", Select
        ).tooltip = (
            f"{lessons} lesson note(s) and {len(scenario.predictions)} prediction question(s)"
        )
        self._describe_industry()
        self._show_rows(len(chosen))

    def _set_rival(self, k: int, rival_id: str) -> None:
        self.query_one(f"#rival-{k}", Select).value = rival_id
        self._set_spec(k, rival_spec(self.content, rival_id))

    def _set_spec(self, k: int, spec: str) -> None:
        archetype, level = self.roster.split(spec)
        self.query_one(f"#rival-archetype-{k}", Select).value = archetype
        level_select = self.query_one(f"#rival-level-{k}", Select)
        level_select.disabled = level is None
        if level is not None:
            level_select.value = level

    def _describe_industry(self) -> None:
        industry = next(i for i in self.content.industries if i.id == self._value("#industry"))
        self.query_one("#industry-description", Static).update(
            f"{' '.join(industry.description.split())}\nStarts with {money(industry.starting_cash)}"
            f" cash and a {money(industry.credit_limit)} credit line."
        )

    def _bot_seats(self, humans: int) -> list[int]:
        """The scenario's seats (indexes) that name no rival and that no human player takes: a
        bot plays each (the one ``capwars match`` seats there), so the table is the scenario's."""
        return [i for i, s in enumerate(self._scenario().seats) if s.rival is None][humans:]

    def _seating(self, humans: int, rivals: int) -> list[tuple[str, int]]:
        """The table's order: ``("human", k)`` for player ``k``, ``("rival", k)`` for rival row
        ``k``, ``("seat", i)`` for scenario seat ``i`` played by a bot. The humans come first,
        then the other seats in the scenario's order (the scenario's rivals as rows, in turn),
        then rival rows beyond the scenario's."""
        free = set(self._bot_seats(humans))
        order = [("human", k) for k in range(humans)]
        row = 0
        for i, seat in enumerate(self._scenario().seats):
            if seat.rival is None:
                if i in free:
                    order.append(("seat", i))
            elif row < rivals:
                order.append(("rival", row))
                row += 1
        return order + [("rival", k) for k in range(row, rivals)]

    def _bot_seat(self, i: int, position: int) -> Seat:
        """Scenario seat ``i`` at ``position`` in the table, named as the engine names it
        (its own name, else its industry and seat number, as ``capwars match`` shows it)."""
        seat = self._scenario().seats[i]
        name = seat.name or f"{self._industry_name(seat.industry)} {position + 1}"
        return Seat(industry=seat.industry, name=name[:40])

    def _show_rows(self, wanted: int | None = None) -> None:
        """Show as many player and rival rows as chosen (or ``wanted`` rivals); at most eight
        companies in all, with the scenario's seats a bot plays."""
        humans = self._count("#humans")
        extra = self._bot_seats(humans)
        rivals_select = self.query_one("#rivals", Select)
        low, high = (0 if humans + len(extra) > 1 else 1), MAX_SEATS - humans - len(extra)
        rivals = max(low, min(self._count("#rivals") if wanted is None else wanted, high))
        options = [(str(k), k) for k in range(low, high + 1)]
        if self._rival_range != (low, high):  # set_options resets the value; avoid needless ones
            self._rival_range = (low, high)
            rivals_select.set_options(options)
        if rivals_select.value != rivals:
            rivals_select.value = rivals
        for k in range(1, MAX_SEATS):
            self.query_one(f"#player-row-{k}").display = k < humans
        for k in range(MAX_SEATS - 1):
            self.query_one(f"#rival-row-{k}").display = k < rivals
        self._describe_rivals(rivals)
        self._describe_bot_seats(humans, rivals)

    def _describe_bot_seats(self, humans: int, rivals: int) -> None:
        """Name the scenario's seats a bot plays (they have no row of their own)."""
        box = self.query_one("#scenario-seats", Static)
        seating = self._seating(humans, rivals)
        seats = [
            self._bot_seat(i, position)
            for position, (kind, i) in enumerate(seating)
            if kind == "seat"
        ]
        box.display = bool(seats)
        spec = rival_spec(self.content, None)
        listed = ", ".join(
            f"[b]{escape(s.name or '')}[/b] ({self._industry_name(s.industry)})" for s in seats
        )
        more = "" if self.fixed else " Choose more human players to play them yourselves."
        box.update(
            f"Also at the table, as the scenario seats them: {listed}, played by the {spec}"
            f" bot.{more}"
        )

    def _describe_rivals(self, rivals: int) -> None:
        lines = []
        for k in range(rivals):
            rival = self._rival(self._value(f"#rival-{k}"))
            if rival is not None:
                lines.append(
                    f"[b]{rival.name}[/b] ({self._industry_name(rival.industry)}):"
                    f" {' '.join(rival.blurb.split())}"
                )
        self.query_one("#rival-blurb", Static).update("\n".join(lines))

    # ------------------------------------------------------------------ events
    def on_select_changed(self, event: Select.Changed) -> None:
        sid = event.select.id or ""
        if sid == "scenario":
            self._apply_scenario()
        elif sid == "industry":
            self._describe_industry()
        elif sid in ("humans", "rivals"):
            self._show_rows()
        elif sid.startswith("rival-archetype-"):
            k = int(sid.rsplit("-", 1)[1])
            level = self.query_one(f"#rival-level-{k}", Select)
            level.disabled = not self.roster.levels.get(str(event.value), ())
        elif sid.startswith("rival-") and sid[6:].isdigit():
            k = int(sid[6:])
            self._set_spec(k, rival_spec(self.content, str(event.value)))
            self._describe_rivals(self._count("#rivals"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Class play: the name is all a team fills in, so Enter in it starts the game."""
        if self.fixed and event.input.id == "company":
            self.action_start()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.fixed and event.input.id == "company":  # a name typed: the note, not the error
            note = self.query_one("#company-required", Static)
            if note.has_class("error"):
                note.update(REQUIRED_NAME)
                note.remove_class("error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        else:
            self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ starting
    def table(self) -> tuple[list[Seat], list[str]]:
        """The seats and who plays them, as the form stands; ValueError says what to fix."""
        humans, rivals = self._count("#humans"), self._count("#rivals")
        people = [s for s in self._scenario().seats if s.rival is None]
        human_seats: list[Seat] = []
        rival_seats: list[tuple[Seat, str]] = []
        for k in range(humans):
            industry = self._value("#industry" if k == 0 else f"#player-industry-{k}")
            name_box = self.query_one("#company" if k == 0 else f"#player-name-{k}", Input)
            seat_name = people[k].name if k < len(people) else None
            typed = " ".join(name_box.value.split())  # trimmed, inner runs of spaces as one
            if self.fixed and not typed:
                # Class play: a default ("Player 1", the scenario's "Team Red") would be every
                # team's name, and the class results could not tell the teams apart.
                raise NameMissing(NO_NAME)
            # A company nobody named is its player's: "Player 2" as the form's row says (the
            # industry and seat number, "Bank 1", read as a rank or a second bank).
            name = typed or seat_name or player_name(k)
            human_seats.append(Seat(industry=industry, name=name[:40]))
        for k in range(rivals):
            rival = self._rival(self._value(f"#rival-{k}"))
            if rival is None:
                raise ValueError(f"Rival {k + 1}: choose a company")
            level_select = self.query_one(f"#rival-level-{k}", Select)
            level = None if level_select.disabled else str(level_select.value)
            rival_seats.append(
                (
                    Seat(industry=rival.industry, name=rival.name, rival=rival.id),
                    self.roster.spec(self._value(f"#rival-archetype-{k}"), level),
                )
            )
        # The scenario's seats without a rival that no human takes are played by the bot
        # ``capwars match`` seats there: the same scenario, the same table.
        seats: list[Seat] = []
        players: list[str] = []
        for position, (kind, k) in enumerate(self._seating(humans, rivals)):
            if kind == "human":
                seats.append(human_seats[k])
                players.append(HUMAN)
            elif kind == "rival":
                seats.append(rival_seats[k][0])
                players.append(rival_seats[k][1])
            else:
                seats.append(self._bot_seat(k, position))
                players.append(rival_spec(self.content, None))
        names = [s.name or "" for s in seats]
        for i, name in enumerate(names):
            if name.casefold() in (n.casefold() for n in names[:i]):
                raise ValueError(f"Two companies are called {name!r}: every name must differ.")
        return seats, players

    def action_start(self) -> None:
        error = self.query_one("#new-error", Static)  # the form's last line: scrolled to
        text = self.query_one("#seed", Input).value.strip()
        if not text.isdigit() or int(text) > MAX_SEED:
            error.update(f"Seed: enter a whole number from 0 to {MAX_SEED}.")
            error.scroll_visible(animate=False)
            return
        pin = "" if self.fixed else self.query_one("#pin", Input).value.strip()
        facilitation = Facilitation.create(
            lesson_mode=self.query_one("#lesson-mode", Select).value is True,
            turn_seconds=self._count("#turn-timer"),
            pin=pin,
        )
        try:
            seats, players = self.table()
            session = GameSession.create(
                self.content,
                self._scenario().id,
                int(text),
                seats,
                players,
                catch_up=self.query_one("#catch-up", Select).value is True,
                facilitation=facilitation,
            )
        except NameMissing as exc:  # said under the field, where the student types
            note = self.query_one("#company-required", Static)
            note.update(str(exc))
            note.add_class("error")
            self.query_one("#company", Input).focus()
            return
        except ValueError as exc:
            error.update(str(exc))
            error.scroll_visible(animate=False)
            return
        app: CapwarsApp = self.app  # type: ignore[assignment]
        app.start_session(session)
