"""``step(state, actions) -> (state, report)``: resolve one quarter, purely.

The phases run in the fixed order of DESIGN §4 on a private copy of the state; the input state
is never modified, so the same state and the same actions always give the same result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any

import numpy as np

from game.engine import (
    customers,
    deliveries,
    events,
    finance,
    operations,
    record,
    research,
    reserved,
    spot,
    supply,
    validate,
)
from game.engine.hashing import state_hash
from game.engine.quarter import Quarter
from game.engine.report import PlayerQuarter, QuarterReport
from game.engine.state import ACTIVE, MatchState, construct, construct_from, evolve

MAX_ANNOUNCEMENTS = 40
"""Public announcements kept in the state (the most recent ones)."""


class MatchOverError(RuntimeError):
    """``step`` was called on a match that has ended."""


def step(
    state: MatchState, actions: Sequence[Sequence[object]], inject: Sequence[str] = ()
) -> tuple[MatchState, QuarterReport]:
    """Resolve one quarter: ``actions[seat]`` is that seat's list (an empty list holds).

    Give one list per seat (``state.n_players``): a seat past the end of ``actions`` holds,
    and lists past the last seat are ignored, so a wrong count is not an error. Returns the
    new state (the old one is unchanged) and the quarter's :class:`QuarterReport`; a match
    that is over raises :class:`MatchOverError`.

    Items may be action models or plain dicts in the JSON form; malformed ones are rejected
    with the ``malformed`` code, never raised. ``inject`` names events a facilitator starts
    this quarter (like scripted ones); an unknown id raises ``ValueError`` naming close matches.
    """
    if state.over:
        raise MatchOverError("the match is over")
    injected = _event_indices(state, inject)
    s = state.thawed()
    q = Quarter.begin(s)
    q.injected = injected
    validate.run(s, q, actions)  # 1
    events.run(s, q)  # 2
    supply.run(s, q)  # 3
    reserved.run(s, q)  # 4
    spot.run(s, q)  # 5
    deliveries.run(s, q)  # 6
    operations.run(s, q)  # 7
    customers.run(s, q)  # 8
    finance.run(s, q)  # 9
    research.run(s, q)  # 10
    record.run(s, q)  # 11

    turn = s.turn
    all_out = ACTIVE not in s.status.tolist()  # nobody still active (plain ints: faster)
    over = all_out or turn + 1 >= s.world.scenario.quarters
    announcements = (s.announcements + tuple(q.announcements))[-MAX_ANNOUNCEMENTS:]
    new = evolve(
        s,
        turn=turn + 1,
        history=s.history.appended(q.history_row),
        over=over,
        grid_queue=np.array(q.grid_queue_rows, dtype=np.float64).reshape(-1, 4),
        modifiers=tuple(e for e in q.effects if e.end > turn + 1),
        news=tuple(q.news),
        rejected=tuple(map(tuple, q.rejected)),
        announcements=announcements,
        spot_inputs=tuple(q.spot_inputs),
        prev_hash=s.last_hash,
    ).frozen()
    digest = state_hash(new)
    new = evolve(new, last_hash=digest)
    report = _report(new, q, digest)
    return new, report


def _event_indices(state: MatchState, ids: Sequence[str]) -> tuple[int, ...]:
    index = state.world.event_index
    found = []
    for event_id in ids:
        if event_id not in index:
            hint = get_close_matches(event_id, list(index), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ValueError(f"unknown event {event_id!r}{suggestion}")
        found.append(index[event_id])
    return tuple(found)


def _report(state: MatchState, q: Quarter, digest: str) -> QuarterReport:
    event_ids = state.world.event_ids
    # news and rejected are already frozen in the new state (same items, same order).
    # ``players`` is left out: the report builds it on first read from the columns kept in
    # ``_players_from`` (see report._BuiltOnFirstRead; a match without a recorder never reads
    # it). The columns are the new state's read-only arrays and this quarter's lists, which
    # nothing changes once step returns.
    return construct(
        QuarterReport,
        turn=q.turn,
        label=state.world.quarter_label(q.turn),
        submitted=tuple(map(tuple, q.submitted)),
        applied=tuple(map(tuple, q.applied)),
        rejected=state.rejected,
        events=tuple([event_ids[e] for e in q.events_started]),
        news=state.news,
        spot=tuple(q.spot_results),
        reserved=tuple(q.reserved_fills),
        _players_from=(
            _players,
            (
                state.n_players,
                state.status,
                q.costs,
                # the other columns in PlayerQuarter's field order, after seat and status
                (
                    q.reserved_total,
                    q.spot_total,
                    q.owned_total,
                    q.capacity,
                    q.training,
                    q.inference,
                    q.demand,
                    q.served,
                    q.revenue,
                ),
                (state.cash, state.debt, state.reputation, state.quality),
                (q.share, q.waterfall, q.sublease_income),
            ),
        ),
        market_demand=q.market_demand,
        state_hash=digest,
        over=state.over,
        bankruptcies=tuple(q.bankruptcies),
        injected=tuple([event_ids[e] for e in q.injected]),
    )


def _players(
    n_players: int,
    status: np.ndarray,
    costs: dict[str, list[float]],
    before: tuple[list[Any], ...],
    books: tuple[np.ndarray, ...],
    after: tuple[list[Any], ...],
) -> tuple[PlayerQuarter, ...]:
    """Each seat's :class:`PlayerQuarter`, from the columns :func:`_report` kept (in the
    record's field order: ``before`` the costs, then the costs, ``books``, ``after``)."""
    statuses = ["active" if value == ACTIVE else "bankrupt" for value in status.tolist()]
    # Each seat's bills: the cost table transposed once (seat by seat, in category order).
    names = tuple(costs)
    bills = [dict(zip(names, seat, strict=True)) for seat in zip(*costs.values(), strict=True)]
    columns = (
        range(n_players),
        statuses,
        *before,
        bills,
        *[array.tolist() for array in books],
        *after,
    )
    return tuple(
        [
            construct_from(PlayerQuarter, dict(zip(PLAYER_FIELDS, row, strict=True)))
            for row in zip(*columns, strict=True)
        ]
    )


PLAYER_FIELDS = tuple(f.name for f in dataclasses.fields(PlayerQuarter))
"""A seat's record's fields in order, as :func:`_players` lines its columns up."""
