"""The game session behind the TUI: one match, its human seats, rival bots and pending orders.

No Textual here: screens read the session and call its methods; the app runs
:meth:`GameSession.end_quarter` in a worker thread. Everything a screen shows for a seat comes
from :meth:`GameSession.view`, which is built from the engine's :class:`Observation` (the same
view a bot gets), so a human sees exactly what a bot would.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from game.agents import Bot, BotSpecError, make_bot
from game.agents.registry import rival_spec
from game.arena.match import ask_bot, setup_info
from game.arena.replay import Replay, header_line, quarter_line, result_line
from game.arena.saves import (
    GAME_KEY,
    Continuation,
    SaveError,
    autosave,
    autosave_path,
    continue_autosave,
    new_game_id,
    replay_state,
    write_save,
)
from game.classroom import predictions
from game.engine import (
    Action,
    MatchState,
    Observation,
    QuarterReport,
    Standing,
    Verdict,
    check_actions,
    new_match,
    observe,
    standings,
    step,
)
from game.rules.models import Content, Prediction, Seat
from game.tui.names import Names

HUMAN = "human"
"""The player label of a human seat in the session and in its saves."""
HISTORY_KEYS = (
    "cash",
    "debt",
    "capacity",
    "demand",
    "served",
    "revenue",
    "reputation",
    "enterprise_value",
    "share",
)
MAX_SEATS = 8
Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)`` while rivals think."""


PIN_ITERATIONS = 100_000
"""PBKDF2 rounds of the facilitator PIN's hash (a few hundredths of a second per check)."""


def hash_pin(pin: str, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """A salted hash of a facilitator PIN: ``pbkdf2-sha256$rounds$salt$hash`` (hex); ``""``
    for no PIN. Saves keep this, never the PIN itself."""
    if not pin:
        return ""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2-sha256${iterations}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, pin_hash: str) -> bool:
    """Whether ``pin`` is the PIN ``pin_hash`` was made from (a malformed hash matches
    nothing)."""
    try:
        scheme, rounds, salt, digest = pin_hash.split("$")
        if scheme != "pbkdf2-sha256":
            return False
        again = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)


@dataclass(frozen=True)
class Facilitation:
    """How a facilitator runs this game: chosen at new game, kept for the session and in its
    saves (the header's ``settings``), so a loaded game keeps its room's rules.

    The catch-up rule lives in the match itself (``new_match(catch_up=...)``, recorded in the
    save's header); these are about the room, not the world.
    """

    lesson_mode: bool = True
    """Show lesson notes and ask the scenario's prediction questions."""
    turn_seconds: int = 0
    """Seconds each team has to plan a quarter (0: no timer)."""
    pin_hash: str = ""
    """A salted hash of the PIN asked before the facilitator menu opens and before a pause is
    lifted (:func:`hash_pin`; ``""``: no PIN). The PIN itself is not kept."""

    @classmethod
    def create(cls, lesson_mode: bool = True, turn_seconds: int = 0, pin: str = "") -> Facilitation:
        """The settings chosen at new game, with the PIN hashed."""
        return cls(lesson_mode, max(int(turn_seconds), 0), hash_pin(pin.strip()))

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    def check_pin(self, pin: str) -> bool:
        """Whether ``pin`` is the facilitator PIN (any PIN when none is set)."""
        return not self.pin_hash or pin_matches(pin.strip(), self.pin_hash)

    def settings(self) -> dict[str, Any]:
        """As the replay header's ``settings`` (JSON)."""
        return {
            "lesson_mode": self.lesson_mode,
            "turn_seconds": self.turn_seconds,
            "pin_hash": self.pin_hash,
        }

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Facilitation | None:
        """The settings a save recorded; ``None`` when it recorded none (an older save, or a
        match played outside the TUI). A value of the wrong type falls back to its default."""
        if not settings:
            return None
        lesson = settings.get("lesson_mode", True)
        seconds = settings.get("turn_seconds", 0)
        pin_hash = settings.get("pin_hash", "")
        return cls(
            lesson_mode=lesson if isinstance(lesson, bool) else True,
            turn_seconds=(
                seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else 0
            ),
            pin_hash=pin_hash if isinstance(pin_hash, str) else "",
        )


@dataclass(frozen=True)
class PredictionResult:
    """One team's answer to a prediction question, and what happened."""

    prediction: Prediction
    answer: str | float | None
    """``"up"``, ``"flat"``, ``"down"``, a number, or ``None`` when the team skipped."""
    subject: str
    before: float
    after: float = math.nan
    unit: str = ""

    @property
    def direction(self) -> str:
        """Where the figure went: up, flat or down (``""`` before the quarter resolves)."""
        return predictions.direction(self.before, self.after)

    def happened(self) -> str:
        if math.isnan(self.after):
            return f"{self.subject}: {_figure(self.before)} {self.unit} now"
        change = (self.after / self.before - 1) * 100 if self.before else 0.0
        return (
            f"{self.subject}: {_figure(self.before)} → {_figure(self.after)} {self.unit}"
            f" ({change:+.0f}%)"
        )

    def verdict(self) -> str:
        """A short judgement of the answer once the quarter has resolved."""
        if self.answer is None:
            return "no answer"
        return predictions.verdict(self.answer, self.before, self.after)


def _figure(value: float) -> str:
    if math.isnan(value):
        return "?"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def prediction_figure(prediction: Prediction, state: MatchState) -> tuple[str, float, str]:
    """``(subject, value, unit)``: the figure a prediction is about, as of ``state`` (the same
    figures the debrief compares with: game.classroom.report)."""
    from game.classroom.figures import world_figures

    world = state.world
    content = world.content
    t = state.turn
    if prediction.metric == "lead_time":
        vendor = prediction.vendor or world.vendor_ids[0]
        name = next((v.name for v in content.vendors if v.id == vendor), vendor)
        lead = world_figures(state).vendor_lead.get(vendor, math.nan)
        return f"{name} lead time", float(lead), "quarters"
    if prediction.metric == "grid_wait":
        region = prediction.region or world.region_ids[0]
        name = next((r.name for r in content.regions if r.id == region), region)
        wait = world_figures(state).grid_wait.get(region, math.nan)
        return f"{name} grid wait", float(wait), "quarters"
    history = state.history
    if prediction.metric == "demand":
        start = world.scenario.market.demand
        demand = float(history["market_demand"][t - 1, 0]) if t > 0 else start
        return "market demand", demand, "kGPU"
    providers = list(world.provider_ids)
    if prediction.provider in providers:
        p = providers.index(prediction.provider)
        name = next(x.name for x in content.providers if x.id == prediction.provider)
        price = float(history["spot_price"][t - 1, p]) if t > 0 else float(state.spot_price[p])
        return f"{name} spot price", price, "$M/kGPU"
    price = (
        float(sum(history["spot_price"][t - 1]) / len(providers))
        if t > 0
        else float(state.spot_price.mean())
    )
    return "mean spot price", price, "$M/kGPU"


@dataclass(frozen=True)
class PendingOrder:
    """One pending action with its verdict given everything queued before it."""

    action: Action
    verdict: Verdict


@dataclass(frozen=True)
class SeatView:
    """What one human seat sees now: the observation plus its own orders and history."""

    obs: Observation
    orders: tuple[PendingOrder, ...]
    committed: float
    """Cash the legal pending orders commit this quarter, $M."""
    rank: int
    players: int
    report: QuarterReport | None
    """The last quarter's report (``None`` before the first quarter)."""
    history: dict[str, tuple[float, ...]]
    """This seat's figures for every played quarter: cash, capacity, demand, served, ..."""
    shares: dict[str, tuple[float, ...]]
    """Every player's market share per played quarter (public), by name."""
    quarter_label: Callable[[int], str]
    """The label of a turn (``"2027 Q3"``): the world's calendar (``World.quarter_label``), the
    only one; never computed from another label."""
    names: Names = field(default_factory=Names)
    """Display names of the ids actions and reports use (providers, regions, chips, ...)."""

    @property
    def projected_cash(self) -> float:
        return self.obs.me.cash - self.committed

    def quarters_played(self, count: int) -> tuple[str, ...]:
        """Labels of the ``count`` quarters before the current one, oldest first (a chart's x
        axis)."""
        now = self.obs.turn
        return tuple(self.quarter_label(now - count + k) for k in range(count))


class GameSession:
    """One match being played in the TUI."""

    def __init__(
        self,
        content: Content,
        state: MatchState,
        seats: Sequence[str],
        bots: dict[int, Bot] | None = None,
        lines: Sequence[dict[str, Any]] = (),
        facilitation: Facilitation | None = None,
        game_id: str | None = None,
    ):
        self.content = content
        self.state = state
        self.seats = tuple(seats)
        """``"human"`` or a bot spec for each seat."""
        self.humans = tuple(i for i, s in enumerate(self.seats) if s == HUMAN)
        if not self.humans:
            raise ValueError("a TUI game needs at least one human seat")
        self.bots: dict[int, Bot] = bots if bots is not None else self._make_bots()
        self.pending: dict[int, list[Action]] = {seat: [] for seat in self.humans}
        self.lines: list[dict[str, Any]] = list(lines) or [header_line(state, self.seats)]
        """The game as replay lines (header, one line per quarter): what a save writes."""
        self.reports: list[QuarterReport] = []
        self.turn_of = 0
        """Index into :attr:`humans` of the player at the keyboard."""
        self.facilitation = facilitation or Facilitation()
        self.game_id = game_id or new_game_id(
            state.world.scenario.id, state.seed, teams=[state.names[i] for i in self.humans]
        )
        """Names this game's autosave file (scenario, seed, the players' company names, start
        time); kept in its saves."""
        # The room's settings and the game id go into the header, so a save restores them.
        self.lines[0] = {
            **self.lines[0],
            "settings": {**self.facilitation.settings(), GAME_KEY: self.game_id},
        }
        self.injected: list[str] = []
        """Events the facilitator starts when this quarter resolves (``step(inject=...)``)."""
        self.answers: dict[int, PredictionResult] = {}
        """This quarter's prediction answers by seat (lesson mode)."""
        self.predicted: dict[int, dict[int, PredictionResult]] = {}
        """Resolved predictions: ``{turn: {seat: result}}``, for the quarter reports."""
        self.lessons_seen: set[int] = set()
        """Quarters whose lesson notes have been shown (each shows once per quarter)."""
        self.source: Path | None = None
        """The file this game was loaded from (``None`` for a new game)."""
        self.continuation: Continuation | None = None
        """Where a loaded game autosaves and which autosave it left alone (``None``: new)."""

    # ------------------------------------------------------------------ building
    @classmethod
    def create(
        cls,
        content: Content,
        scenario: str,
        seed: int,
        table: Sequence[Seat],
        players: Sequence[str],
        catch_up: bool | None = None,
        facilitation: Facilitation | None = None,
    ) -> GameSession:
        """A new match at ``table`` (one :class:`Seat` each); ``players[i]`` is ``"human"`` or
        the bot spec playing seat ``i``; ``catch_up`` overrides the scenario's catch-up rule."""
        if len(players) != len(table):
            raise ValueError(f"{len(table)} seats but {len(players)} players")
        state = new_match(content, scenario, seed, seats=list(table), catch_up=catch_up)
        return cls(content, state, players, facilitation=facilitation)

    @classmethod
    def new(
        cls,
        content: Content,
        scenario: str,
        seed: int,
        humans: int = 1,
        rivals: Sequence[str] | None = None,
    ) -> GameSession:
        """The scenario's own table: ``humans`` people take the first seats, rivals the rest
        (``rivals`` gives their bot specs in seat order; missing ones get the scenario's)."""
        seats = content.scenario(scenario).seats
        humans = max(1, min(humans, len(seats)))
        picks = list(rivals or ())
        players = [HUMAN] * humans
        for k, seat in enumerate(seats[humans:]):
            players.append(picks[k] if k < len(picks) else rival_spec(content, seat.rival))
        return cls.create(content, scenario, seed, seats, players)

    @classmethod
    def from_save(
        cls,
        content: Content,
        save: Replay,
        facilitation: Facilitation | None = None,
        saves_dir: Path | None = None,
    ) -> GameSession:
        """Rebuild a saved game; rival bots are fed the same observations again, so they
        continue exactly as they would have without the save. The room's settings are the
        save's; ``facilitation`` applies only to a save that recorded none (an older file).
        ``saves_dir`` is where the game will autosave (default: the save's folder)."""
        facilitation = Facilitation.from_settings(save.header.settings) or facilitation
        # A game goes on in its own autosave file, also when loaded from a named save; only an
        # autosave further along (or gone another way) is left alone, with a new file for this.
        continuation = continue_autosave(save, saves_dir)
        game_id = continuation.game_id
        seats = save.bots
        if HUMAN not in seats:
            raise SaveError("this is a replay of a match between bots; nobody to play it")
        bots: dict[int, Bot] = {}
        warmed = False

        def warm(state: MatchState) -> None:
            nonlocal warmed
            if not warmed:
                for seat, spec in enumerate(seats):
                    if spec != HUMAN:
                        bots[seat] = make_bot(spec)
                        bots[seat].setup(setup_info(state, seat))
                warmed = True
            for seat, bot in bots.items():
                if state.status[seat] == 0:
                    ask_bot(bot, state, seat)

        reports: list[QuarterReport] = []
        try:
            state = replay_state(
                save, content, before_step=warm, after_step=lambda _s, r: reports.append(r)
            )
        except BotSpecError as exc:
            raise SaveError(f"a rival of this save cannot play: {exc}") from None
        # The lines as they are in the file (exclude_unset), so re-saving changes nothing.
        lines = [save.header.model_dump(mode="json", exclude_unset=True)]
        lines += [q.model_dump(mode="json", exclude_unset=True) for q in save.quarters]
        for line in lines[1:]:
            failures = line.get("bot_failures", {})
            line["bot_failures"] = {str(k): v for k, v in failures.items()}
        session = cls(
            content,
            state,
            seats,
            bots=bots if warmed else None,
            lines=lines,
            facilitation=facilitation,
            game_id=game_id,
        )
        session.source = save.path
        session.continuation = continuation
        session.reports = reports  # the match so far, as if played here (news, reports)
        return session

    def _make_bots(self) -> dict[int, Bot]:
        bots = {}
        for seat, spec in enumerate(self.seats):
            if spec != HUMAN:
                bot = make_bot(spec)
                bot.setup(setup_info(self.state, seat))
                bots[seat] = bot
        return bots

    # ------------------------------------------------------------------ reading
    @property
    def seat(self) -> int:
        """The human seat at the keyboard."""
        return self.humans[self.turn_of]

    @property
    def hot_seat(self) -> bool:
        return len(self.humans) > 1

    @property
    def pending_count(self) -> int:
        """Orders placed this quarter by every human seat: a save or the autosave holds the
        game as the quarter began, without them (save, load and quit say so)."""
        return sum(len(orders) for orders in self.pending.values())

    @property
    def over(self) -> bool:
        return self.state.over

    @property
    def all_out(self) -> bool:
        """Every human's company is bankrupt while the match goes on (the rivals play on)."""
        return not self.state.over and all(self.state.status[s] != 0 for s in self.humans)

    def play_out(self, progress: Progress | None = None) -> QuarterReport | None:
        """Play the rest of the match for the rivals (every human is out): the quarters are
        resolved as :meth:`end_quarter` does, with no orders from the bankrupt seats. The last
        quarter's report (``None`` if the match was over already)."""
        report = None
        while not self.state.over:
            report = self.end_quarter(progress)
        return report

    @property
    def catch_up(self) -> bool:
        """Whether this match plays with the catch-up rule."""
        return bool(self.state.world.scenario.catch_up)

    @property
    def last_report(self) -> QuarterReport | None:
        return self.reports[-1] if self.reports else None

    def standings(self) -> list[Standing]:
        return standings(self.state)

    def rank(self, seat: int) -> int:
        if self.state.turn == 0:
            return 0
        return next(s.rank for s in self.standings() if s.seat == seat)

    def orders(self, seat: int) -> tuple[PendingOrder, ...]:
        actions = self.pending.get(seat, [])
        verdicts = check_actions(self.state, seat, actions)
        return tuple(PendingOrder(a, v) for a, v in zip(actions, verdicts, strict=True))

    def view(self, seat: int | None = None) -> SeatView:
        seat = self.seat if seat is None else seat
        orders = self.orders(seat)
        t = self.state.turn
        return SeatView(
            obs=observe(self.state, seat),
            orders=orders,
            committed=sum(o.verdict.cost for o in orders if o.verdict.ok),
            rank=self.rank(seat),
            players=self.state.n_players,
            report=self.last_report,
            history={
                key: tuple(float(x) for x in self.state.history[key][:t, seat])
                for key in HISTORY_KEYS
            },
            shares={
                name: tuple(float(x) for x in self.state.history["share"][:t, i])
                for i, name in enumerate(self.state.names)
            },
            quarter_label=self.state.world.quarter_label,
            names=self.names,
        )

    @cached_property
    def names(self) -> Names:
        """Display names for the ids of this game's content."""
        return Names.from_content(self.content)

    def check(self, action: Action, replace: int | None = None, seat: int | None = None) -> Verdict:
        """Would ``action`` be legal after this seat's other pending orders?"""
        seat = self.seat if seat is None else seat
        others = [a for i, a in enumerate(self.pending[seat]) if i != replace]
        if replace is not None:
            others = others[:replace]
        return check_actions(self.state, seat, [*others, action])[-1]

    # ------------------------------------------------------------------ orders
    def add_order(self, action: Action, seat: int | None = None) -> None:
        """Queue an action; a new price or training share replaces the pending one."""
        seat = self.seat if seat is None else seat
        queue = self.pending[seat]
        if action.type in ("set_service_price", "set_training_share"):
            queue[:] = [a for a in queue if a.type != action.type]
        queue.append(action)

    def replace_order(self, index: int, action: Action, seat: int | None = None) -> None:
        seat = self.seat if seat is None else seat
        self.pending[seat][index] = action

    def remove_order(self, index: int, seat: int | None = None) -> None:
        seat = self.seat if seat is None else seat
        queue = self.pending[seat]
        if 0 <= index < len(queue):
            del queue[index]

    # ------------------------------------------------------------------ lesson mode
    def lessons(self, upto: int | None = None) -> list[tuple[int, str, str]]:
        """``(turn, title, text)`` of the scenario's lesson notes up to quarter ``upto``
        (default: the current one); later ones stay hidden."""
        last = self.state.turn if upto is None else upto
        return [
            (lesson.turn, lesson.title, " ".join(lesson.text.split()))
            for lesson in self.state.world.scenario.lessons
            if lesson.turn <= last
        ]

    def prediction(self) -> Prediction | None:
        """The prediction question of this quarter, if lesson mode asks one."""
        if not self.facilitation.lesson_mode or self.state.over:
            return None
        turn = self.state.turn
        return next((p for p in self.state.world.scenario.predictions if p.turn == turn), None)

    def needs_prediction(self, seat: int | None = None) -> Prediction | None:
        """This quarter's question if ``seat`` (default: at the keyboard) has not answered."""
        seat = self.seat if seat is None else seat
        prediction = self.prediction()
        return None if prediction is None or seat in self.answers else prediction

    def predict(self, answer: str | float | None, seat: int | None = None) -> PredictionResult:
        """Record a team's answer (``None``: skipped) to this quarter's question."""
        seat = self.seat if seat is None else seat
        prediction = self.prediction()
        if prediction is None:
            raise ValueError("this quarter asks no prediction question")
        if isinstance(answer, str) and answer not in ("up", "flat", "down"):
            raise ValueError(f"answer up, flat, down or a number, not {answer!r}")
        subject, before, unit = prediction_figure(prediction, self.state)
        result = PredictionResult(prediction, answer, subject, before, unit=unit)
        self.answers[seat] = result
        return result

    def _prediction_lines(self) -> dict[int, dict[str, Any]]:
        """The answers as the replay's ``predictions`` field (skipped questions are omitted)."""
        lines: dict[int, dict[str, Any]] = {}
        for seat, result in sorted(self.answers.items()):
            if result.answer is None:
                continue
            p = result.prediction
            line: dict[str, Any] = {
                "question": p.question,
                "answer": result.answer,
                "metric": p.metric,
            }
            for key in ("provider", "vendor", "region"):
                if getattr(p, key) is not None:
                    line[key] = getattr(p, key)
            line["before"] = round(result.before, 6)
            lines[seat] = line
        return lines

    def prediction_result(self, seat: int, turn: int) -> PredictionResult | None:
        return self.predicted.get(turn, {}).get(seat)

    # ------------------------------------------------------------------ facilitator
    def inject(self, event_id: str) -> None:
        """Start an event when this quarter resolves (a facilitator's choice)."""
        if event_id not in {e.id for e in self.content.events}:
            raise ValueError(f"unknown event {event_id!r}")
        if event_id not in self.injected:
            self.injected.append(event_id)

    # ------------------------------------------------------------------ turns
    def next_human(self) -> bool:
        """Hand the keyboard to the next human who still has to plan; False if none is left."""
        for k in range(self.turn_of + 1, len(self.humans)):
            if self.state.status[self.humans[k]] == 0:
                self.turn_of = k
                return True
        return False

    def end_quarter(self, progress: Progress | None = None) -> QuarterReport:
        """Ask the rivals, resolve the quarter with everyone's orders, start the next one."""
        state = self.state
        actions: list[list[object]] = []
        failures: dict[int, str] = {}
        bot_seats = [s for s in range(state.n_players) if s not in self.humans]
        done = 0
        for seat in range(state.n_players):
            if state.status[seat] != 0:
                actions.append([])
                continue
            if seat in self.humans:
                actions.append(list(self.pending[seat]))
                continue
            if progress is not None:
                progress(done, len(bot_seats), state.names[seat])
            chosen, failure = ask_bot(self.bots[seat], state, seat)
            if failure:
                failures[seat] = failure
            actions.append(chosen)
            done += 1
        if progress is not None:
            progress(len(bot_seats), len(bot_seats), "market")
        new, report = step(state, actions, inject=list(self.injected))
        self.lines.append(quarter_line(report, failures, self._prediction_lines()))
        if self.answers:
            self.predicted[report.turn] = {
                seat: _resolved(result, new) for seat, result in self.answers.items()
            }
        self.answers = {}
        self.injected = []
        if new.over:
            self.lines.append(result_line(new, standings(new)))
        self.state = new
        self.reports.append(report)
        self.pending = {seat: [] for seat in self.humans}
        self.turn_of = 0
        while self.state.status[self.seat] != 0 and self.next_human():
            pass
        return report

    # ------------------------------------------------------------------ saving
    @property
    def turns(self) -> int:
        """Quarters played (recorded in :attr:`lines`)."""
        return sum(1 for line in self.lines if line["kind"] == "quarter")

    def save(self, path: Path) -> Path:
        """Write the game as a save (a replay without a result line until the game is over)."""
        return write_save(path, self.lines)

    def autosave(self, directory: Path) -> Path:
        """Write this game's own autosave file (never another game's)."""
        return autosave(directory, self.lines, self.game_id)

    def autosave_path(self, directory: Path) -> Path:
        """Where :meth:`autosave` writes."""
        return autosave_path(directory, self.game_id)


def _resolved(result: PredictionResult, after: MatchState) -> PredictionResult:
    """``result`` with the figure after the quarter: ``after`` is the state that quarter
    produced, whose last history row (spot prices, demand) and observation (lead times, grid
    waits) are what the quarter did."""
    _, value, _ = prediction_figure(result.prediction, after)
    return replace(result, after=value)


def nan_to(value: float, default: float = 0.0) -> float:
    return default if math.isnan(value) else value
