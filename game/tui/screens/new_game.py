"""New game: scenario, your industry and company, hot-seat players, the rivals at the table, seed.

The table is built here and passed to the engine as seats (``new_match(seats=...)``), so saves
record each seat's industry, rival and player. Rows for extra players and rivals are composed
once and shown or hidden, never remounted, so changing a count is instant. A fixed table (class
play) cannot change, so its form composes only the rows it shows.

The form is composed as the scenario sets it: every select with its options, value and (class
play) disabled state, every text written. Each change after mounting makes Textual restyle, so
opening the form changes nothing; a select's own "changed" on mounting (or after the form set it)
finds the value the form already acted on and does nothing either.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

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


FIRST_FOCUS = "first-focus"
"""The class of the widget that has the focus as the form opens."""


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


@dataclass(frozen=True)
class RivalRow:
    """A rival row as the scenario sets it: the rival, its archetype and level (None: the
    archetype has no levels, so the level select is disabled)."""

    rival: str
    archetype: str
    level: str | None


@dataclass(frozen=True)
class ScenarioTable:
    """What choosing a scenario puts in the form (its defaults)."""

    industry: str
    """Your industry: the scenario's first seat without a rival."""
    player_industries: tuple[str, ...]
    """Player ``k``'s industry (from 1) at index ``k - 1``."""
    placeholders: tuple[str, ...]
    """The company name boxes' hints: yours, then player ``k``'s at index ``k``."""
    rivals: tuple[RivalRow, ...]
    """The rows the scenario fills: its own rivals first, then the others (rows past the last
    rival keep what they had)."""
    wanted: int
    """How many rivals the scenario seats."""
    catch_up: bool


class NewGameScreen(Screen[None]):
    """The new-game form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="new.back"),
        Binding("ctrl+s", "start", "Start", id="new.start", tooltip="Start the game"),
    ]
    section = "new_game"
    AUTO_FOCUS = f".{FIRST_FOCUS}"
    """The form opens with the focus on the company name (class play) or Start, nowhere else
    first: Textual would focus the form's scroll and restyle the whole form twice (on focus and
    on blur): about a quarter of the time the form took to open."""

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
        self._player_rows = MAX_SEATS
        """Player rows composed: 1 to this (the rows of a fixed table's players only)."""
        self._rival_rows = MAX_SEATS - 1
        """Rival rows composed: 0 to this (the rows of a fixed table's rivals only)."""
        self._acted_on: dict[str, object] = {}
        """Each select's value the form has already acted on (set it, or handled its change)."""
        self._specs: dict[str | None, str] = {}
        self.option_rebuilds = 0
        """How many times a select's options were rebuilt (the rivals count's range)."""
        self.changes_handled = 0
        """How many select changes the form acted on (not counting those it had made itself)."""

    @property
    def content(self) -> Content:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        return app.content

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        content = self.content
        fixed = self.fixed
        scenario_ids = [s.id for s in content.scenarios]
        first = (
            self.initial_scenario
            if self.initial_scenario in scenario_ids
            else ("standard" if "standard" in scenario_ids else scenario_ids[0])
        )
        scenario = content.scenario(first)
        plan = self._scenario_table(scenario)
        humans = 1
        low, high, rivals = self._rival_counts(scenario, humans, plan.wanted)
        self._rival_range = (low, high)
        # A fixed table never changes (its selects are disabled), so its form composes only the
        # rows it shows; otherwise every row is composed once, shown or hidden as counts change.
        self._player_rows = humans if fixed else MAX_SEATS
        self._rival_rows = rivals if fixed else MAX_SEATS - 1
        industries = [(f"{i.name} · {money(i.starting_cash)}", i.id) for i in content.industries]
        rival_options = [(r.name, r.id) for r in content.rivals]
        archetypes = [(archetype_label(a), a) for a in self.roster.archetypes]
        levels = [(lv, lv) for lv in ("easy", "normal", "hard")]
        # Rows past the scenario's rivals (content with fewer than seven) show the first rival.
        spare_row = self._rival_row(content.rivals[0].id) if content.rivals else None
        yield Static("New game", classes="screen-title")
        if fixed:
            yield Static(
                "[b]Class play:[/b] your teacher set the scenario, the seed and the table;"
                " name your company and start.",
                id="fixed-note",
                classes="described",
            )
        with VerticalScroll(id="new-form"):
            with Horizontal(classes="row"):
                yield Label("Scenario", classes="label")
                yield self._select(
                    [(s.name, s.id) for s in content.scenarios], first, "scenario", fixed
                )
            yield Static(
                self._scenario_text(scenario), id="scenario-description", classes="described"
            )
            with Horizontal(classes="row"):
                yield Label("Your industry", classes="label")
                yield self._select(industries, plan.industry, "industry", fixed)
            yield Static(
                self._industry_text(plan.industry), id="industry-description", classes="described"
            )
            with Horizontal(classes="row"):
                yield Label("Company name", classes="label")
                yield Input(
                    placeholder=plan.placeholders[0],
                    id="company",
                    classes=FIRST_FOCUS if fixed else None,
                    max_length=40,
                    compact=True,
                )
            if fixed:
                yield Static(REQUIRED_NAME, id="company-required", classes="described")
            with Horizontal(classes="row"):
                yield Label("Seed", classes="label")
                yield Input(
                    str(self.initial_seed), id="seed", max_length=19, compact=True, disabled=fixed
                )
            with Horizontal(classes="row"):
                yield Label("Human players", classes="label")
                yield self._select(
                    [(str(k), k) for k in range(1, MAX_SEATS + 1)],
                    humans,
                    "humans",
                    fixed,
                    tooltip="Hot-seat: players take turns at this keyboard",
                )
            for k in range(1, self._player_rows):
                player_row = Horizontal(classes="row table-row", id=f"player-row-{k}")
                player_row.display = k < humans
                with player_row:
                    yield Label(f"  Player {k + 1}", classes="label")
                    yield self._select(
                        industries, plan.player_industries[k - 1], f"player-industry-{k}", fixed
                    )
                    yield Input(
                        placeholder=plan.placeholders[k],
                        id=f"player-name-{k}",
                        max_length=40,
                        compact=True,
                    )
            with Horizontal(classes="row"):
                yield Label("Rivals", classes="label")
                yield self._select(
                    [(str(k), k) for k in range(low, high + 1)], rivals, "rivals", fixed
                )
            for k in range(self._rival_rows):
                row = plan.rivals[k] if k < len(plan.rivals) else spare_row
                rival_row = Horizontal(classes="row table-row", id=f"rival-row-{k}")
                rival_row.display = k < rivals
                with rival_row:
                    yield Label(f"  Rival {k + 1}", classes="label")
                    yield self._select(
                        rival_options, row.rival if row else None, f"rival-{k}", fixed
                    )
                    yield self._select(
                        archetypes,
                        row.archetype if row else None,
                        f"rival-archetype-{k}",
                        fixed,
                        classes="archetype",
                    )
                    level = row.level if row else "normal"
                    yield self._select(
                        levels,
                        level or "normal",
                        f"rival-level-{k}",
                        fixed or level is None,
                        classes="level",
                    )
            yield Static(
                self._rivals_text([row.rival for row in plan.rivals[:rivals]]),
                id="rival-blurb",
                classes="described",
            )
            shown, seats_text = self._bot_seats_text(scenario, humans, rivals)
            seats_box = Static(seats_text, id="scenario-seats", classes="described")
            seats_box.display = shown
            yield seats_box
            yield Static("Facilitator (class play)", classes="subtitle")
            with Horizontal(classes="row"):
                yield Label("Lesson mode", classes="label")
                yield self._select(
                    [("on: lesson notes and prediction questions", True), ("off", False)],
                    True,
                    "lesson-mode",
                    False,
                    tooltip=self._lessons_tooltip(scenario),
                )
            with Horizontal(classes="row"):
                yield Label("Catch-up rule", classes="label")
                yield self._select(
                    [("off", False), ("on: the last-placed team gets extra appeal", True)],
                    plan.catch_up,
                    "catch-up",
                    fixed,
                )
            with Horizontal(classes="row"):
                yield Label("Turn timer", classes="label")
                yield self._select(
                    [("off", 0)] + [(f"{s // 60}:{s % 60:02d} per team turn", s) for s in TIMERS],
                    0,
                    "turn-timer",
                    False,
                )
            if not fixed:  # class play has no facilitator menu (see MainScreen)
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
            yield Button(
                "Start game",
                id="start",
                classes=None if fixed else FIRST_FOCUS,
                variant="primary",
                compact=True,
            )
            yield Button("Back", id="back", compact=True)
        yield Footer()

    def _select(
        self,
        options: list[tuple[str, Any]],
        value: object,
        sid: str,
        disabled: bool,
        *,
        classes: str | None = None,
        tooltip: str | None = None,
    ) -> Select[Any]:
        """A select of the form, built with its value (None: its first option), so that mounting
        it changes nothing the form has to act on."""
        if value is None:
            value = options[0][1]
        self._acted_on[sid] = value
        return Select(
            options,
            value=value,
            allow_blank=False,
            id=sid,
            classes=classes,
            compact=True,
            disabled=disabled,
            tooltip=tooltip,
        )

    def on_mount(self) -> None:
        # The form was composed as the scenario and the teacher set it: nothing to change here.
        # The focus (the screen's AUTO_FOCUS) is asked for again in case the app had none.
        if self.fixed:
            self.query_one("#company", Input).focus()  # the one thing a student fills in
        else:
            self.query_one("#start", Button).focus()

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

    def _rival_spec(self, rival_id: str | None) -> str:
        """The bot spec that plays this rival (``rival_spec``), looked up once per rival."""
        if rival_id not in self._specs:
            self._specs[rival_id] = rival_spec(self.content, rival_id)
        return self._specs[rival_id]

    # ------------------------------------------------------------------ defaults
    def _scenario_table(self, scenario: Scenario) -> ScenarioTable:
        """The table ``scenario`` sets: its human seat, its rivals, their archetypes."""
        own = next((s for s in scenario.seats if s.rival is None), scenario.seats[0])
        # The scenario's own seats (a lesson's "Team Red", "Team Blue") name the players'
        # companies unless a player types a name.
        people = [s for s in scenario.seats if s.rival is None] or [own]
        placeholders = []
        for k in range(MAX_SEATS):
            seat_name = people[k].name if k < len(people) else None
            placeholders.append(
                "your team's name (required)"
                if self.fixed and k == 0
                else f"{seat_name} (the scenario's name)"
                if seat_name
                else f"{player_name(k)} (or type a name)"
            )
        chosen = [s.rival for s in scenario.seats if s.rival is not None]
        spare = [r.id for r in self.content.rivals if r.id not in chosen]
        order = (chosen + spare)[: MAX_SEATS - 1]
        industries = [i.id for i in self.content.industries]
        return ScenarioTable(
            industry=own.industry,
            player_industries=tuple(
                people[k].industry
                if k < len(people)
                else industries[(industries.index(own.industry) + k) % len(industries)]
                for k in range(1, MAX_SEATS)
            ),
            placeholders=tuple(placeholders),
            rivals=tuple(self._rival_row(rival_id) for rival_id in order),
            wanted=len(chosen),
            catch_up=bool(scenario.catch_up),
        )

    def _rival_row(self, rival_id: str) -> RivalRow:
        archetype, level = self.roster.split(self._rival_spec(rival_id))
        return RivalRow(rival_id, archetype, level)

    def _apply_scenario(self) -> None:
        """Reset the table to the scenario's: its human seat, its rivals, their archetypes."""
        scenario = self._scenario()
        plan = self._scenario_table(scenario)
        self.query_one("#scenario-description", Static).update(self._scenario_text(scenario))
        self._set_value("industry", plan.industry)
        for k, placeholder in enumerate(plan.placeholders[: self._player_rows]):
            box = self.query_one("#company" if k == 0 else f"#player-name-{k}", Input)
            box.placeholder = placeholder
        for k, row in enumerate(plan.rivals[: self._rival_rows]):
            self._set_row(k, row)
        for k, industry in enumerate(plan.player_industries[: self._player_rows - 1], start=1):
            self._set_value(f"player-industry-{k}", industry)
        self._set_value("humans", 1)
        self._set_value("catch-up", plan.catch_up)
        self.query_one("#lesson-mode", Select).tooltip = self._lessons_tooltip(scenario)
        self._describe_industry()
        self._show_rows(plan.wanted)

    def _set_value(self, sid: str, value: object) -> Select[Any]:
        """Set a select (only if it differs: each change restyles), noting that the form has
        acted on that value, so that the select's "changed" that follows does nothing."""
        select: Select[Any] = self.query_one(f"#{sid}", Select)
        self._acted_on[sid] = value
        if select.value != value:
            select.value = value
        return select

    def _set_row(self, k: int, row: RivalRow) -> None:
        self._set_value(f"rival-{k}", row.rival)
        self._set_value(f"rival-archetype-{k}", row.archetype)
        level_select = self.query_one(f"#rival-level-{k}", Select)
        level_select.disabled = self.fixed or row.level is None
        if row.level is not None:
            self._set_value(f"rival-level-{k}", row.level)

    @staticmethod
    def _scenario_text(scenario: Scenario) -> str:
        return (
            f"[b]{scenario.summary}[/b]\n{' '.join(scenario.description.split())}\n"
            f"{scenario.quarters} quarters · {len(scenario.seats)} companies"
        )

    @staticmethod
    def _lessons_tooltip(scenario: Scenario) -> str:
        return (
            f"{len(scenario.lessons)} lesson note(s) and {len(scenario.predictions)}"
            " prediction question(s)"
        )

    def _industry_text(self, industry_id: str) -> str:
        industry = next(i for i in self.content.industries if i.id == industry_id)
        return (
            f"{' '.join(industry.description.split())}\nStarts with {money(industry.starting_cash)}"
            f" cash and a {money(industry.credit_limit)} credit line."
        )

    def _describe_industry(self) -> None:
        self.query_one("#industry-description", Static).update(
            self._industry_text(self._value("#industry"))
        )

    def _bot_seats(self, scenario: Scenario, humans: int) -> list[int]:
        """The scenario's seats (indexes) that name no rival and that no human player takes: a
        bot plays each (the one ``capwars match`` seats there), so the table is the scenario's."""
        return [i for i, s in enumerate(scenario.seats) if s.rival is None][humans:]

    def _seating(self, scenario: Scenario, humans: int, rivals: int) -> list[tuple[str, int]]:
        """The table's order: ``("human", k)`` for player ``k``, ``("rival", k)`` for rival row
        ``k``, ``("seat", i)`` for scenario seat ``i`` played by a bot. The humans come first,
        then the other seats in the scenario's order (the scenario's rivals as rows, in turn),
        then rival rows beyond the scenario's."""
        free = set(self._bot_seats(scenario, humans))
        order = [("human", k) for k in range(humans)]
        row = 0
        for i, seat in enumerate(scenario.seats):
            if seat.rival is None:
                if i in free:
                    order.append(("seat", i))
            elif row < rivals:
                order.append(("rival", row))
                row += 1
        return order + [("rival", k) for k in range(row, rivals)]

    def _bot_seat(self, scenario: Scenario, i: int, position: int) -> Seat:
        """Scenario seat ``i`` at ``position`` in the table, named as the engine names it
        (its own name, else its industry and seat number, as ``capwars match`` shows it)."""
        seat = scenario.seats[i]
        name = seat.name or f"{self._industry_name(seat.industry)} {position + 1}"
        return Seat(industry=seat.industry, name=name[:40])

    def _rival_counts(self, scenario: Scenario, humans: int, wanted: int) -> tuple[int, int, int]:
        """The rival counts the table has room for (lowest, highest) and ``wanted`` kept in
        them: at most eight companies in all, with the scenario's seats a bot plays."""
        extra = self._bot_seats(scenario, humans)
        low, high = (0 if humans + len(extra) > 1 else 1), MAX_SEATS - humans - len(extra)
        return low, high, max(low, min(wanted, high))

    def _show_rows(self, wanted: int | None = None) -> None:
        """Show as many player and rival rows as chosen (or ``wanted`` rivals); at most eight
        companies in all, with the scenario's seats a bot plays."""
        scenario = self._scenario()
        humans = self._count("#humans")
        low, high, rivals = self._rival_counts(
            scenario, humans, self._count("#rivals") if wanted is None else wanted
        )
        if self._rival_range != (low, high):  # set_options resets the value; avoid needless ones
            self._rival_range = (low, high)
            self.query_one("#rivals", Select).set_options(
                [(str(k), k) for k in range(low, high + 1)]
            )
            self.option_rebuilds += 1
        self._set_value("rivals", rivals)
        for k in range(1, self._player_rows):
            self.query_one(f"#player-row-{k}").display = k < humans
        for k in range(self._rival_rows):
            self.query_one(f"#rival-row-{k}").display = k < rivals
        self._describe_rivals(rivals)
        self._describe_bot_seats(scenario, humans, rivals)

    def _bot_seats_text(self, scenario: Scenario, humans: int, rivals: int) -> tuple[bool, str]:
        """Whether the scenario has seats a bot plays (they have no row of their own), and the
        line naming them."""
        seating = self._seating(scenario, humans, rivals)
        seats = [
            self._bot_seat(scenario, i, position)
            for position, (kind, i) in enumerate(seating)
            if kind == "seat"
        ]
        spec = self._rival_spec(None)
        listed = ", ".join(
            f"[b]{escape(s.name or '')}[/b] ({self._industry_name(s.industry)})" for s in seats
        )
        more = "" if self.fixed else " Choose more human players to play them yourselves."
        return bool(seats), (
            f"Also at the table, as the scenario seats them: {listed}, played by the {spec}"
            f" bot.{more}"
        )

    def _describe_bot_seats(self, scenario: Scenario, humans: int, rivals: int) -> None:
        """Name the scenario's seats a bot plays (they have no row of their own)."""
        box = self.query_one("#scenario-seats", Static)
        shown, text = self._bot_seats_text(scenario, humans, rivals)
        box.display = shown
        box.update(text)

    def _rivals_text(self, rival_ids: list[str]) -> str:
        lines = []
        for rival_id in rival_ids:
            rival = self._rival(rival_id)
            if rival is not None:
                lines.append(
                    f"[b]{rival.name}[/b] ({self._industry_name(rival.industry)}):"
                    f" {' '.join(rival.blurb.split())}"
                )
        return "\n".join(lines)

    def _describe_rivals(self, rivals: int) -> None:
        self.query_one("#rival-blurb", Static).update(
            self._rivals_text([self._value(f"#rival-{k}") for k in range(rivals)])
        )

    # ------------------------------------------------------------------ events
    def on_select_changed(self, event: Select.Changed) -> None:
        select = event.select
        sid = select.id or ""
        value = select.value  # now, not when the message left: a later change may follow it
        if sid in self._acted_on and self._acted_on[sid] == value:
            return  # a select starting with the value it was built with, or one the form set
        self._acted_on[sid] = value
        self.changes_handled += 1
        if sid == "scenario":
            self._apply_scenario()
        elif sid == "industry":
            self._describe_industry()
        elif sid in ("humans", "rivals"):
            self._show_rows()
        elif sid.startswith("rival-archetype-"):
            k = int(sid.rsplit("-", 1)[1])
            level = self.query_one(f"#rival-level-{k}", Select)
            level.disabled = self.fixed or not self.roster.levels.get(str(value), ())
        elif sid.startswith("rival-") and sid[6:].isdigit():
            k = int(sid[6:])
            self._set_row(k, self._rival_row(str(value)))
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
        scenario = self._scenario()
        people = [s for s in scenario.seats if s.rival is None]
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
            # The level counts only for an archetype that has levels (``Roster.spec``); its
            # select is disabled otherwise, and always under a fixed table.
            level = self._value(f"#rival-level-{k}")
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
        for position, (kind, k) in enumerate(self._seating(scenario, humans, rivals)):
            if kind == "human":
                seats.append(human_seats[k])
                players.append(HUMAN)
            elif kind == "rival":
                seats.append(rival_seats[k][0])
                players.append(rival_seats[k][1])
            else:
                seats.append(self._bot_seat(scenario, k, position))
                players.append(self._rival_spec(None))
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
