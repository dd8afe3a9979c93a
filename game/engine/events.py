"""Phase 2, world: this quarter's events from the world stream, scripted events, effects.

The world stream draws a fixed count of numbers every quarter (:data:`CASCADE` pairs, one
outage roll per provider, demand noise, background noise per provider), so nothing a player
does can change which shocks the world deals.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from itertools import accumulate

import numpy as np

from game.engine import rng
from game.engine.modifiers import resolve_select
from game.engine.quarter import Quarter
from game.engine.state import ActiveEffect, MatchState, NewsItem, construct
from game.engine.summing import add_up
from game.engine.tables import World
from game.rules.models import ONE_SHOT_TARGETS, Event

CASCADE = (1.0, 0.35, 0.1)
"""Chance factor of the first, second and third event of a quarter: most quarters bring one."""

NEVER = -10_000


def headline(event: Event) -> str:
    """The event's headline with ``{pct}`` and ``{duration}`` filled in."""
    pct = event.effects[0].percent
    try:
        return event.headline.format(pct=f"{pct:.0f}", duration=event.duration)
    except (KeyError, IndexError, ValueError):
        return event.headline


def run(state: MatchState, q: Quarter) -> None:
    """Roll and start this quarter's events; draw the world's noise."""
    world = state.world
    turn = state.turn
    n_prov = len(world.provider_ids)
    draws = rng.stream(state.seed, rng.WORLD, turn)
    # One call per distribution: the same numbers, in the same order, as one call per use.
    uniform = draws.random(2 * len(CASCADE) + n_prov)
    normal = draws.standard_normal(1 + n_prov)
    cascade_u = uniform[: 2 * len(CASCADE)].tolist()
    q.outage_roll = uniform[2 * len(CASCADE) :]
    q.demand_noise = float(normal[0])
    q.background_noise = normal[1:]

    started: list[int] = list(world.scripted.get(turn, ()))
    for e in q.injected:  # a facilitator's live event: like a scripted one, recorded in replays
        if e not in started:
            started.append(e)
    table = _table(world)
    if table.events:
        # Every event that can fire, less (by position in the table) those that cannot this
        # quarter: already starting, outside their window, or cooling down (one that fires
        # once cools down for ever).
        position = table.position
        gone = {position[e] for e in started if e in position}
        gone.update(table.closed(turn))
        last = state.event_last.tolist()
        wait = table.wait
        for e, fired_at in enumerate(last):
            if fired_at > NEVER and e in position and turn - fired_at < wait[e]:
                gone.add(position[e])
        # The candidates in event order, as lists the cascade removes its picks from.
        candidates, probs, stays = list(table.events), list(table.probs), list(table.stays)
        for i in sorted(gone, reverse=True):  # from the back: the positions left stay valid
            del candidates[i], probs[i], stays[i]
        for slot, factor in enumerate(CASCADE):
            if not candidates:
                break
            # The chance that none fires: the product of 1 - p, in candidate order.
            none_fires = math.prod(stays, start=1.0)
            if cascade_u[2 * slot] >= (1.0 - none_fires) * factor:
                break
            total = add_up(probs)
            u = cascade_u[2 * slot + 1]
            # The first candidate whose running share of ``total`` exceeds u (else the last).
            # The running sums only grow (every p > 0), so a bisection finds the one the loop
            # ``running += p; if running / total > u`` stops at, dividing the same sums.
            running = list(accumulate(probs))
            pick = bisect_right(running, u, key=lambda r: r / total)
            pick = min(pick, len(candidates) - 1)
            started.append(candidates.pop(pick))
            probs.pop(pick)
            stays.pop(pick)
    for e in started:
        _start(state, q, e)
    if started:
        q.refresh_modifiers(world)


class _Table:
    """The events that can ever fire (enabled, probability > 0), as columns in event order."""

    def __init__(self, world: World):
        rows = [
            (e, int(lo), int(hi), math.inf if once else int(cool), float(prob))
            for e, (on, lo, hi, cool, once, prob) in enumerate(
                zip(
                    world.event_enabled.tolist(),
                    world.event_min_turn.tolist(),
                    world.event_max_turn.tolist(),
                    world.event_cooldown.tolist(),
                    world.event_once.tolist(),
                    world.event_probability.tolist(),
                    strict=True,
                )
            )
            if on and prob > 0
        ]
        self.events = tuple(e for e, _, _, _, _ in rows)
        self.probs = tuple(prob for _, _, _, _, prob in rows)
        self.stays = tuple(1.0 - prob for _, _, _, _, prob in rows)
        """``1 - p``: the chance each does not fire."""
        self.position = {e: i for i, e in enumerate(self.events)}
        self.wait: dict[int, float] = {e: wait for e, _, _, wait, _ in rows}
        """Quarters from one start to the next possible one (infinity if it fires once)."""
        # The positions sorted by first turn and by last turn, to find closed windows by bisection.
        self._by_first = sorted(range(len(rows)), key=lambda i: rows[i][1])
        self._firsts = [rows[i][1] for i in self._by_first]
        self._by_last = sorted(range(len(rows)), key=lambda i: rows[i][2])
        self._lasts = [rows[i][2] for i in self._by_last]

    def closed(self, turn: int) -> list[int]:
        """Positions of the events whose window does not hold ``turn`` (none most quarters)."""
        not_yet = self._by_first[bisect_right(self._firsts, turn) :]  # first turn > turn
        over = self._by_last[: bisect_left(self._lasts, turn)]  # last turn < turn
        return not_yet + over


def _table(world: World) -> _Table:
    """The events that can ever fire (kept with the world, which every match on the same
    content and scenario shares)."""
    return world.once("events.table", _Table)


_HEADLINES: dict[int, tuple[Event, str]] = {}
"""Filled-in headlines by event identity (content models are immutable; the entry keeps the
event alive so its identity is not reused). Matches share their content, not their world."""


def _headline(event: Event) -> str:
    found = _HEADLINES.get(id(event))
    if found is None:
        if len(_HEADLINES) > 4096:
            _HEADLINES.clear()
        found = _HEADLINES[id(event)] = (event, headline(event))
    return found[1]


def _start(state: MatchState, q: Quarter, e: int) -> None:
    world = state.world
    event = world.events[e]
    turn = state.turn
    state.event_last[e] = turn
    q.events_started.append(e)
    # Records built without __init__ (see :func:`construct`), every field in declaration order.
    q.news.append(
        construct(
            NewsItem,
            turn=turn,
            category=event.category,
            headline=_headline(event),
            text=event.explain,
            event=event.id,
            seat=None,
            cause=None,
        )
    )
    end = turn + event.duration
    for effect in event.effects:
        indices = resolve_select(world, effect)
        if effect.target in ONE_SHOT_TARGETS:
            _one_shot(state, q, effect.target, indices, effect.op, effect.value)
            continue
        q.effects.append(
            construct(
                ActiveEffect,
                event=e,
                target=effect.target,
                indices=indices,
                op=effect.op,
                value=effect.value,
                start=turn,
                end=end,
            )
        )


def _one_shot(
    state: MatchState, q: Quarter, target: str, indices: tuple[int, ...], op: str, value: float
) -> None:
    world = state.world
    if target == "players.reputation":
        active = state.status == 0
        if op == "add":
            state.reputation[active] += value
        elif op == "mul":
            state.reputation[active] *= value
        else:
            state.reputation[active] = value
        np.clip(state.reputation, 0.0, 1.0, out=state.reputation)
    elif target == "region.grid_queue":
        # A wave of requests jumps the queue (value > 0) or speculative requests are purged.
        rows = [tuple(row) for row in state.grid_queue]
        for r in indices:
            mw = abs(value) * float(world.reg_interconnect[r])
            if value > 0:
                rows.insert(0, (float(r), -1.0, mw, float(state.turn)))
            else:
                for i, row in enumerate(rows):
                    if mw <= 0:
                        break
                    if int(row[0]) == r and int(row[1]) == -1:
                        cut = min(row[2], mw)
                        rows[i] = (row[0], row[1], row[2] - cut, row[3])
                        mw -= cut
        q.grid_queue_rows = [row for row in rows if row[2] > 1e-9]
