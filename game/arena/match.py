"""Run one headless match: bots in their seats, quarter after quarter, until the end.

>>> from game.arena.match import run_match
>>> outcome = run_match(scenario="tutorial", seed=3, bots=["balanced", "idle"])
>>> [s.name for s in outcome.standings][:1]                    # doctest: +SKIP
['Ledgerline Bank']

A bot that raises, or returns something that is not a list of actions, holds for that quarter;
the failure is recorded (and kept in the replay) and the match goes on.

A bot that exposes a ``failure`` (an external bot that broke the protocol, timed out or crashed:
see :mod:`game.arena.host`) is *eliminated*: it holds every remaining quarter, its status, reason
and stderr tail go into the replay's ``bot_failures`` and the outcome's seats, and it ranks below
every survivor, later eliminations first.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any, Protocol

from game.agents.base import Bot, MatchResult, SetupInfo
from game.agents.failures import describe, shorten
from game.arena.host import (  # (importing the host registers the ``cmd:`` spec)
    make_seat_bot,
    seat_failure,
)
from game.arena.protocol import Limits
from game.engine.observation import observe
from game.engine.report import QuarterReport
from game.engine.rng import seat_seed
from game.engine.scoring import Standing, standings
from game.engine.setup import new_match
from game.engine.state import MatchState
from game.engine.step import step
from game.rules.loader import load_content
from game.rules.models import Content

MAX_FAILURE_TEXT = 500


class Recorder(Protocol):
    """Receives a match as it is played (a replay writer, a progress display)."""

    def start(self, state: MatchState, bots: Sequence[str]) -> None: ...

    def quarter(self, report: QuarterReport, failures: dict[int, str]) -> None: ...

    def end(self, state: MatchState, final: list[Standing]) -> None: ...


@dataclass(frozen=True)
class SeatReport:
    """How one seat's bot got through the match."""

    seat: int
    status: str = "ok"
    """``ok``, or the status that eliminated it: ``invalid``, ``timeout``, ``error``."""
    eliminated_turn: int | None = None
    """The quarter it was eliminated in (-1: before the first quarter)."""
    reason: str = ""
    stderr_tail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "bot_status": self.status,
            "eliminated_turn": self.eliminated_turn,
            "failure": self.reason or None,
            "stderr_tail": self.stderr_tail or None,
        }


@dataclass
class MatchOutcome:
    """The end of a match."""

    state: MatchState
    standings: list[Standing]
    bots: list[str]
    failures: list[tuple[int, int, str]] = field(default_factory=list)
    """(turn, seat, what went wrong) for every quarter a bot failed and held."""
    seats: list[SeatReport] = field(default_factory=list)
    """Per seat, in seat order: ``ok`` or how the bot was eliminated."""

    @property
    def final_hash(self) -> str:
        return self.state.last_hash

    def to_json(self) -> dict[str, Any]:
        """The ``capwars match --json`` object."""
        world = self.state.world
        return {
            "scenario": world.scenario.id,
            "seed": self.state.seed,
            "turns": self.state.turn,
            "final_hash": self.final_hash,
            "players": [
                {
                    "seat": s.seat,
                    "name": s.name,
                    "bot": self.bots[s.seat],
                    "rank": s.rank,
                    "score": s.score,
                    "status": s.status,
                    "title": s.title,
                    "served_share": round(s.served_share, 6),
                    "cost_per_kgpu": round(s.cost_per_kgpu, 6)
                    if s.cost_per_kgpu != float("inf")
                    else None,
                    **self.seat_report(s.seat).to_json(),
                }
                for s in self.standings
            ],
            "failures": [
                {"turn": t, "seat": seat, "error": text} for t, seat, text in self.failures
            ],
        }

    def seat_report(self, seat: int) -> SeatReport:
        return next((r for r in self.seats if r.seat == seat), SeatReport(seat))


def setup_info(state: MatchState, seat: int) -> SetupInfo:
    world = state.world
    rules: dict[str, Any] = {
        "mechanics": list(world.scenario.mechanics),
        "content_hash": world.content_hash,
    }
    seats = world.scenario.seats
    rival_id = seats[seat].rival if seat < len(seats) else None
    rival = next((r for r in world.content.rivals if r.id == rival_id), None)
    if rival is not None:
        # The seat's named rival company: a rival bot of that archetype takes its personality.
        rules["rival"] = {
            "name": rival.name,
            "archetype": rival.archetype,
            "risk_appetite": rival.risk_appetite,
            "patience": rival.patience,
        }
    return SetupInfo(
        seat=seat,
        players=state.names,
        scenario=world.scenario.id,
        quarters=world.scenario.quarters,
        seed=seat_seed(state.seed, seat),
        industry=world.industries[seat].id,
        rules=rules,
    )


REPORTED = "the bot reported: "
"""How a failure an external bot reported itself (the ``error`` of its answer) begins."""


def ask_bot(bot: Bot, state: MatchState, seat: int) -> tuple[list[object], str | None]:
    """The bot's actions for this quarter, or ``([], reason)`` if it failed."""
    try:
        actions = bot.act(observe(state, seat))
    except Exception as exc:  # a bot may fail in any way: it holds, the match goes on
        return [], describe(exc, limit=MAX_FAILURE_TEXT)
    if actions is None:
        return [], None
    if not isinstance(actions, list | tuple):
        # The same words as the SDK's for a hosted bot: the fix, not only the fault.
        return [], (
            f"act() returned {type(actions).__name__}, not a list of actions"
            " (return [action] for one action)"
        )
    # An external bot may report a failure on its side with its answer (an exception the SDK
    # caught): its actions still count, and the failure is recorded like an in-process raise.
    reported = _one_line(getattr(bot, "reported_error", None) or "")
    if reported:
        return list(actions), shorten(f"{REPORTED}{reported}", MAX_FAILURE_TEXT)
    return list(actions), None


def _one_line(text: str) -> str:
    """A bot's own words as one printable line: it is shown in match output, tournament
    failure summaries and validate reports, where a newline broke the layout and a terminal
    control sequence (``ESC[2J``) would act on the reader's terminal."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


def run_match(
    content: Content | None = None,
    scenario: str = "standard",
    seed: int = 0,
    bots: Sequence[Bot | str] | None = None,
    names: Sequence[str] | None = None,
    recorders: Sequence[Recorder] = (),
    on_quarter: Callable[[MatchState, QuarterReport], None] | None = None,
    limits: Limits | None = None,
) -> MatchOutcome:
    """Play a whole match between bots. Without ``bots`` every seat plays ``balanced``.

    ``limits``: the time and resource limits of the external (``cmd:``) bots built here from
    their specs (default: :class:`~game.arena.protocol.Limits`' defaults); in-process bots and
    bots passed as instances are not affected."""
    content = content if content is not None else load_content()
    state = new_match(content, scenario, seed, names)
    n = state.n_players
    specs: list[Bot | str] = list(bots) if bots else ["balanced"] * n
    if len(specs) > n:
        raise ValueError(f"scenario {scenario!r} has {n} seats, got {len(specs)} bots")
    specs += ["balanced"] * (n - len(specs))
    players = [make_seat_bot(s, limits) if isinstance(s, str) else s for s in specs]
    labels = [s if isinstance(s, str) else getattr(s, "name", type(s).__name__) for s in specs]
    try:
        return _play(state, players, labels, recorders, on_quarter)
    finally:
        for bot in players:  # external bots: kill their processes, remove their folders
            close = getattr(bot, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:  # cleanup of one bot must not hide the match's own error
                    traceback.print_exc()


def elimination_text(failure: Any) -> str:
    """An eliminated bot's failure in one line, ``status: reason``, as failures are recorded."""
    return shorten(f"{failure.status}: {failure.reason}", MAX_FAILURE_TEXT)


def _failure_line(failure: Any) -> str:
    text = getattr(failure, "text", None)
    return str(text()) if callable(text) else f"{failure.status}: {failure.reason}"


class SeatBots:
    """The bots in a match's seats, played as a match plays them: each set up with its seat's
    :func:`setup_info`, asked each quarter (:func:`ask_bot`) while its seat is in the game, held
    from the quarter it is *eliminated* (an external bot exposing a ``failure``: recorded once,
    in :attr:`eliminated`), and told the end with its :class:`MatchResult`.

    :func:`run_match` plays every seat with one; the RL env (:mod:`game.rl.single_env`) its
    opponents' seats (the learner's seat has no bot). What failed is returned for the caller to
    record its own way (a replay line, a step's ``info``)."""

    def __init__(self, bots: dict[int, Bot]):
        self.bots = bots
        self.eliminated: dict[int, Any] = {}
        """Seat → the eliminated bot's ``failure`` (status, reason, turn, stderr_tail)."""

    def check(self, seat: int) -> Any:
        """The bot's ``failure`` if it was eliminated and that is news, else ``None``."""
        failure = seat_failure(self.bots[seat])
        if failure is None or seat in self.eliminated:
            return None
        self.eliminated[seat] = failure
        return failure

    def setup(self, state: MatchState) -> list[tuple[int, str | None, Any]]:
        """Set every bot up, in seat order: per seat, the setup's failure in one line (it
        raised: the bot is still asked, and holds if it fails) and its elimination, if any."""
        out = []
        for seat, bot in self.bots.items():
            failed = None
            try:
                bot.setup(setup_info(state, seat))
            except Exception as exc:
                # Where, as for act(): the bot's own file and line.
                failed = shorten(f"setup failed: {describe(exc)}", MAX_FAILURE_TEXT)
            out.append((seat, failed, self.check(seat)))
        return out

    def ask(
        self, state: MatchState, seat: int, status: Sequence[int]
    ) -> tuple[list[object], str | None, Any]:
        """A seat's actions this quarter, the bot's failure (it holds) and its elimination
        (news: it holds from now on). A seat out of the game (``status``, the state's as plain
        ints) or eliminated holds without being asked."""
        if status[seat] != 0 or seat in self.eliminated:
            return [], None, None
        chosen, failure = ask_bot(self.bots[seat], state, seat)
        gone = self.check(seat)
        if gone is not None:
            return [], None, gone
        return chosen, failure, None

    def standings(self, state: MatchState) -> list[Standing]:
        """The standings as they stand, eliminated seats ranked last (:func:`rank_eliminated`)."""
        return rank_eliminated(state, standings(state), self.eliminated)

    def end(self, final: Sequence[Standing]) -> dict[int, str]:
        """Tell every bot the match is over (``on_end``), in the order of ``final``; what
        failed, by seat: a bot that raises does not stop the others."""
        table = tuple(
            {"seat": s.seat, "name": s.name, "rank": s.rank, "score": s.score, "status": s.status}
            for s in final
        )
        failed: dict[int, str] = {}
        for s in final:
            bot = self.bots.get(s.seat)
            if bot is None:
                continue
            try:
                bot.on_end(MatchResult(s.seat, s.rank, s.score, s.status, table))
            except Exception as exc:  # a bot may fail in any way: recorded, the rest go on
                failed[s.seat] = shorten(f"on_end failed: {describe(exc)}", MAX_FAILURE_TEXT)
        return failed


def _play(
    state: MatchState,
    players: list[Bot],
    labels: list[str],
    recorders: Sequence[Recorder],
    on_quarter: Callable[[MatchState, QuarterReport], None] | None,
) -> MatchOutcome:
    failures: list[tuple[int, int, str]] = []
    seats = SeatBots(dict(enumerate(players)))
    eliminated = seats.eliminated
    pending: dict[int, str] = {}
    """Eliminations before the first quarter, reported in its replay line."""

    def record_elimination(seat: int, failure: Any) -> str:
        turn = failure.turn if failure.turn >= 0 else -1
        failures.append((turn, seat, elimination_text(failure)))
        return _failure_line(failure)

    for seat, setup_failure, gone in seats.setup(state):
        if setup_failure:
            failures.append((-1, seat, setup_failure))
        if gone is not None:
            pending[seat] = record_elimination(seat, gone)
    for recorder in recorders:
        recorder.start(state, labels)
    while not state.over:
        actions: list[list[object]] = []
        quarter_failures: dict[int, str] = dict(pending)
        pending = {}
        # read once a quarter as plain ints (indexing the array per seat makes numpy scalars)
        status = state.status.tolist()
        for seat in range(len(players)):
            chosen, failure, gone = seats.ask(state, seat, status)
            if gone is not None:
                quarter_failures[seat] = record_elimination(seat, gone)
            elif failure:
                quarter_failures[seat] = failure
                failures.append((state.turn, seat, failure))
            actions.append(chosen)
        state, report = step(state, actions)
        for recorder in recorders:
            recorder.quarter(report, quarter_failures)
        if on_quarter is not None:
            on_quarter(state, report)
    final = seats.standings(state)
    for recorder in recorders:
        recorder.end(state, final)
    failures += [(state.turn, seat, text) for seat, text in seats.end(final).items()]
    seats_report = [
        SeatReport(
            seat=seat,
            status=str(eliminated[seat].status),
            eliminated_turn=eliminated[seat].turn,
            reason=eliminated[seat].reason,
            stderr_tail=eliminated[seat].stderr_tail,
        )
        if seat in eliminated
        # A cmd: bot that played to the end: its log is still its author's way to debug it.
        else SeatReport(seat, stderr_tail=str(getattr(players[seat], "stderr_tail", "") or ""))
        for seat in range(len(players))
    ]
    return MatchOutcome(
        state=state, standings=final, bots=labels, failures=failures, seats=seats_report
    )


def rank_eliminated(
    state: MatchState, final: list[Standing], eliminated: dict[int, Any]
) -> list[Standing]:
    """Eliminated seats below every survivor, later eliminations first, then by score."""
    if not eliminated:
        return final
    survivors = [s for s in final if s.seat not in eliminated]
    out = sorted(
        (s for s in final if s.seat in eliminated),
        key=lambda s: (-eliminated[s.seat].turn, s.rank),
    )
    ranked = survivors + [
        dataclasses.replace(
            s,
            status="eliminated",
            title="Eliminated",
            verdict=f"bot {eliminated[s.seat].status} "
            + (
                f"in {state.world.quarter_label(eliminated[s.seat].turn)}"
                if eliminated[s.seat].turn >= 0
                else "before the first quarter"
            )
            + f": {eliminated[s.seat].reason}",
        )
        for s in out
    ]
    return [dataclasses.replace(s, rank=rank + 1) for rank, s in enumerate(ranked)]


@contextmanager
def bot_prints_to_stderr() -> Iterator[None]:
    """What in-process bots print (at import, in ``setup``, ``act``, ``on_end``) goes to stderr
    while this is open, as a ``cmd:`` bot's log does: stdout carries only the command's own
    output (``capwars match --json``'s object, the leaderboard, ``validate --json``'s), which
    a student's debugging ``print`` buried or made unparsable. File descriptor 1 is pointed at
    stderr too, so a pool's worker processes started meanwhile inherit it, and what a bot's
    child process or a C library writes there goes to stderr as well."""
    sys.stdout.flush()
    try:
        saved: int | None = os.dup(1)
    except OSError:  # no fd 1 (a closed stdout): only sys.stdout to move
        saved = None
    try:
        if saved is not None:
            os.dup2(2, 1)
        with redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None:
            sys.stderr.flush()
            os.dup2(saved, 1)
            os.close(saved)
