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
    draws = rng.stream(state.seed, rng.WORLD, turn)
    cascade_u = draws.random(2 * len(CASCADE))
    q.outage_roll = draws.random(len(world.provider_ids))
    q.demand_noise = float(draws.standard_normal())
    q.background_noise = draws.standard_normal(len(world.provider_ids))

    started: list[int] = list(world.scripted.get(turn, ()))
    if world.event_enabled.any():
        last = state.event_last
        eligible = (
            world.event_enabled
            & (world.event_min_turn <= turn)
            & (turn <= world.event_max_turn)
            & (turn - last >= world.event_cooldown)
            & ~(world.event_once & (last > NEVER))
            & (world.event_probability > 0)
        )
        if started:
            eligible[list(started)] = False
        for slot, factor in enumerate(CASCADE):
            candidates = np.flatnonzero(eligible)
            if not len(candidates):
                break
            probs = world.event_probability[candidates]
            any_fires = 1.0 - float(np.prod(1.0 - probs))
            if cascade_u[2 * slot] >= any_fires * factor:
                break
            weights = np.cumsum(probs) / probs.sum()
            pick = int(np.searchsorted(weights, cascade_u[2 * slot + 1], side="right"))
            chosen = int(candidates[min(pick, len(candidates) - 1)])
            started.append(chosen)
            eligible[chosen] = False
    for e in started:
        _start(state, q, e)
    if started:
        q.refresh_modifiers(world)


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
