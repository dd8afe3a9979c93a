"""The game session behind the TUI: one match, its human seats, rival bots and pending orders.

No Textual here: screens read the session and call its methods; the app runs
:meth:`GameSession.end_quarter` in a worker thread. Everything a screen shows for a seat comes
from :meth:`GameSession.view`, which is built from the engine's :class:`Observation` (the same
view a bot gets), so a human sees exactly what a bot would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.agents import Bot, known_specs, make_bot
from game.arena.match import ask_bot, setup_info
from game.arena.saves import SaveGame, autosave, replay_state, write_save
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
from game.engine.actions import action_to_dict
from game.rules.models import Content

HUMAN = "human"
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
Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)`` while rivals think."""


def default_archetype(content: Content, rival_id: str | None) -> str:
    """The bot spec for a rival seat: its content archetype if that bot exists, else balanced."""
    specs = set(known_specs())
    for rival in content.rivals:
        if rival.id == rival_id and rival.archetype in specs:
            return rival.archetype
    return "balanced" if "balanced" in specs else known_specs()[0]


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

    @property
    def projected_cash(self) -> float:
        return self.obs.me.cash - self.committed


class GameSession:
    """One match being played in the TUI."""

    def __init__(
        self,
        content: Content,
        state: MatchState,
        seats: Sequence[str],
        bots: dict[int, Bot] | None = None,
        log: Sequence[Sequence[Sequence[dict[str, Any]]]] = (),
        hashes: Sequence[str] = (),
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
        self.log: list[tuple[tuple[dict[str, Any], ...], ...]] = [
            tuple(tuple(seat) for seat in q) for q in log
        ]
        self.hashes: list[str] = list(hashes)
        self.reports: list[QuarterReport] = []
        self.turn_of = 0
        """Index into :attr:`humans` of the player at the keyboard."""

    # ------------------------------------------------------------------ building
    @classmethod
    def new(
        cls,
        content: Content,
        scenario: str,
        seed: int,
        humans: int = 1,
        names: Sequence[str] | None = None,
        rivals: Sequence[str] | None = None,
        first_seat: int = 0,
    ) -> GameSession:
        """A new match with ``humans`` people from seat ``first_seat`` on; rivals play the rest.

        ``names`` renames seats in seat order; ``rivals`` gives the bot spec of each rival seat
        in seat order (missing ones get the scenario's archetype).
        """
        spec = content.scenario(scenario)
        n = len(spec.seats)
        humans = max(1, min(humans, n))
        first_seat = max(0, min(first_seat, n - 1))
        human_seats = {(first_seat + k) % n for k in range(humans)}
        opening = new_match(content, scenario, seed)
        chosen = list(opening.names)
        for i, name in enumerate(names or ()):
            if i < n and name and name.strip():
                chosen[i] = name.strip()[:40]
        state = new_match(content, scenario, seed, chosen)
        seats: list[str] = []
        rival_specs = list(rivals or ())
        k = 0
        for seat in range(n):
            if seat in human_seats:
                seats.append(HUMAN)
            else:
                pick = rival_specs[k] if k < len(rival_specs) else None
                seats.append(pick or default_archetype(content, spec.seats[seat].rival))
                k += 1
        return cls(content, state, seats)

    @classmethod
    def from_save(cls, content: Content, save: SaveGame) -> GameSession:
        """Rebuild a saved game; rival bots are replayed through the same observations."""
        seats = save.seats
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

        state = replay_state(save, content, before_step=warm)
        session = cls(
            content,
            state,
            seats,
            bots=None if not warmed else bots,
            log=save.quarters,
            hashes=save.hashes,
        )
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
    def over(self) -> bool:
        return self.state.over

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
        )

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
            chosen, _failure = ask_bot(self.bots[seat], state, seat)
            actions.append(chosen)
            done += 1
        if progress is not None:
            progress(len(bot_seats), len(bot_seats), "market")
        new, report = step(state, actions)
        self.log.append(tuple(tuple(_as_dict(a) for a in seat) for seat in actions))
        self.hashes.append(new.last_hash)
        self.state = new
        self.reports.append(report)
        self.pending = {seat: [] for seat in self.humans}
        self.turn_of = 0
        while self.state.status[self.seat] != 0 and self.next_human():
            pass
        return report

    # ------------------------------------------------------------------ saving
    def to_save(self) -> SaveGame:
        return SaveGame(
            scenario=self.state.world.scenario.id,
            seed=self.state.seed,
            names=self.state.names,
            seats=self.seats,
            quarters=tuple(self.log),
            hashes=tuple(self.hashes),
            content_hash=self.state.world.content_hash,
            label=self.state.quarter_label,
        )

    def save(self, path: Path) -> Path:
        return write_save(path, self.to_save())

    def autosave(self, directory: Path) -> Path:
        return autosave(directory, self.to_save())


def _as_dict(item: object) -> dict[str, Any]:
    if isinstance(item, dict):
        return dict(item)
    try:
        return action_to_dict(item)  # type: ignore[arg-type]
    except Exception:  # a bot returned junk: keep its shape so the replay rejects it the same way
        return {"type": "malformed", "value": repr(item)[:200]}


def nan_to(value: float, default: float = 0.0) -> float:
    return default if math.isnan(value) else value
