"""Phase 2, world: this quarter's events from the world stream, scripted events, effects.

The world stream draws a fixed count of numbers every quarter (:data:`CASCADE` pairs, one
outage roll per provider, demand noise, background noise per provider), so nothing a player
does can change which shocks the world deals.
"""

from __future__ import annotations

import numpy as np

from game.engine import rng
from game.engine.modifiers import resolve_select
from game.engine.quarter import Quarter
from game.engine.state import ActiveEffect, MatchState, NewsItem
from game.engine.tables import World
from game.rules.models import ONE_SHOT_TARGETS, Event

CASCADE = (1.0, 0.35, 0.1)
"""Chance factor of the first, second and third event of a quarter: most quarters bring one."""

NEVER = -10_000


def headline(event: Event) -> str:
    """The event's headline with ``{pct}`` and ``{duration}`` filled in."""
    first = event.effects[0]
    if first.op == "mul":
        pct = abs(first.value - 1.0) * 100.0
    elif first.op == "add":
        pct = abs(first.value) * 100.0
    else:
        pct = abs(first.value) * 100.0
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
    if table is not None:
        last = state.event_last
        fired = set(np.flatnonzero(last > NEVER).tolist())
        last_list = last.tolist() if fired else []
        candidates: list[int] = []
        probs: list[float] = []
        for e, min_turn, max_turn, cooldown, once, prob in table:
            if not min_turn <= turn <= max_turn or e in started:
                continue
            if e in fired and (once or turn - last_list[e] < cooldown):
                continue
            candidates.append(e)
            probs.append(prob)
        for slot, factor in enumerate(CASCADE):
            if not candidates:
                break
            none_fires = 1.0
            for p in probs:
                none_fires *= 1.0 - p
            if cascade_u[2 * slot] >= (1.0 - none_fires) * factor:
                break
            total = sum(probs)
            u = cascade_u[2 * slot + 1]
            pick = len(candidates) - 1
            running = 0.0
            for i, p in enumerate(probs):
                running += p
                if running / total > u:
                    pick = i
                    break
            started.append(candidates.pop(pick))
            probs.pop(pick)
    for e in started:
        _start(state, q, e)
    if started:
        q.refresh_modifiers(world)


EventRow = tuple[int, int, int, int, bool, float]
"""(event, first turn, last turn, cooldown, once, probability)."""


def _table(world: World) -> tuple[EventRow, ...] | None:
    """The events that can ever fire, with their windows (None when events are off)."""
    cache = world.derived_cache.setdefault("events", {})
    if "table" not in cache:
        rows = tuple(
            (e, int(lo), int(hi), int(cool), bool(once), float(prob))
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
        )
        cache["table"] = rows if world.event_enabled.any() else None
    result: tuple[EventRow, ...] | None = cache["table"]
    return result


def _start(state: MatchState, q: Quarter, e: int) -> None:
    world = state.world
    event = world.events[e]
    turn = state.turn
    state.event_last[e] = turn
    q.events_started.append(e)
    q.news.append(NewsItem(turn, event.category, headline(event), event.explain, event.id))
    for effect in event.effects:
        indices = resolve_select(world, effect)
        if effect.target in ONE_SHOT_TARGETS:
            _one_shot(state, q, effect.target, indices, effect.op, effect.value)
            continue
        q.effects.append(
            ActiveEffect(
                e, effect.target, indices, effect.op, effect.value, turn, turn + event.duration
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
