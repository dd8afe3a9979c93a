"""Phase 5, spot market: one uniform-price auction per provider (see :mod:`game.engine.auction`).

Outages shrink supply and reserved customers are served first; multi-cloud orchestration
recovers part of a player's lost reserved capacity; subleased capacity joins the supply.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from game.engine.auction import clear_outcome
from game.engine.quarter import Quarter
from game.engine.report import SpotInputs, SpotResult
from game.engine.state import MatchState, NewsItem
from game.engine.summing import add_up
from game.engine.supply import outage_chance
from game.engine.tables import World

BACKGROUND_NOISE = 0.05
"""Standard deviation of the rest of the world's spot demand, in log terms."""

_new = object.__new__


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    static = _static(world)
    ids, names, cap_multiple, etas, unreliability = static[:5]
    n, n_prov = state.n_players, len(ids)
    # The axes are tiny (a handful of players and providers): plain floats beat numpy calls.
    status = state.status.tolist()
    discount = q.fx.floats["spot_discount"]
    floor, bg_shock, events = _modified(q, world, static)
    noise = np.exp(BACKGROUND_NOISE * q.background_noise).tolist()
    fee = world.scenario.market.sublease_fee
    capacity = state.prov_capacity.tolist()
    capacity_eff = np.asarray(q.capacity_eff, dtype=np.float64).tolist()
    outage = q.outage.tolist()

    # Reserved customers are served first; an outage that cuts into them is shared pro rata,
    # and orchestration recovers part of each player's loss elsewhere.
    due = state.reserved_qty[:, :, 0].tolist()
    due_all = not any(status)  # every player active: everything due is delivered
    if not due_all:
        due = [row if x == 0 else [0.0] * n_prov for row, x in zip(due, status, strict=True)]
    sublease = q.sublease.tolist()
    sublet_any = any(any(row) for row in sublease)
    ratios = [1.0] * n_prov
    reserved_out = [0.0] * n_prov
    cut_any = False  # an outage cut into reserved customers somewhere
    grand_total = 0.0  # only to check that every quantity due is finite
    for p, column in enumerate(zip(*due)):
        total = 0.0
        for d in column:
            total += d
        grand_total += total
        # min() and max() of two floats, spelled out (exactly the same, cheaper than a call)
        gross = capacity_eff[p] * (1.0 - outage[p])
        served = gross if gross < total else total
        if total > 0:
            ratios[p] = served / (1e-12 if total < 1e-12 else total)
            cut_any = cut_any or ratios[p] < 1.0
        reserved_out[p] = served
    if sublet_any:
        hedge = q.fx.floats["hedge"]
        sublet = [[0.0] * n_prov for _ in range(n)]
        received = [[0.0] * n_prov for _ in range(n)]
        for p in range(n_prov):
            ratio = ratios[p]
            left = reserved_out[p]
            for seat in range(n):
                d = due[seat][p]
                got = d * ratio + d * (1.0 - ratio) * hedge[seat]
                cut = min(sublease[seat][p], got)
                sublet[seat][p] = cut
                left -= cut
                received[seat][p] = got - cut
            reserved_out[p] = left
        q.reserved_received = received
    elif not cut_any and math.isfinite(grand_total) and all(map(_plain, q.fx.floats["hedge"])):
        # The usual quarter: nobody was cut, every ratio is 1.0 and each player gets what is
        # due, d * 1.0 + d * 0.0 * h == d exactly (d finite, h finite and not negative).
        # (``due`` is this phase's own copy, fresh from tolist, so it is handed on as is.)
        q.reserved_received = due
    else:  # the same arithmetic as the sublet case above, with nothing sublet
        q.reserved_received = [
            [d * ratio + d * (1.0 - ratio) * h for d, ratio in zip(row, ratios, strict=True)]
            for row, h in zip(due, q.fx.floats["hedge"], strict=True)
        ]

    list_price = q.list_price.tolist()
    rolled = [roll < u for roll, u in zip(q.outage_roll.tolist(), unreliability)]
    background = state.prov_background.tolist()
    won = [[0.0] * n_prov for _ in range(n)]
    bill = [0.0] * n
    income = [0.0] * n
    prices = [0.0] * n_prov
    spot_inputs = q.spot_inputs
    spot_results = q.spot_results
    for p, (trend, cap_eff, down, p_ref, multiple, eta, offers, previous) in enumerate(
        zip(
            capacity,
            capacity_eff,
            outage,
            list_price,
            cap_multiple,
            etas,
            q.bids,
            state.spot_price.tolist(),
        )
    ):
        shock = cap_eff / (1e-12 if trend < 1e-12 else trend) if trend > 0 else 1.0
        cap = p_ref * multiple
        bids = tuple(offers)
        # The fields of SpotInputs, filled directly (see game.engine.state.construct). Those
        # at their class default (no event, no outage roll: most quarters) are left to it.
        # The supply and background below repeat its properties' arithmetic, in order.
        inputs = _new(SpotInputs)
        fields = inputs.__dict__
        fields.update(
            {
                "capacity_trend": trend,
                "capacity_shock": shock,
                "outage": down,
                "reserved_out": reserved_out[p],
                "background_trend": background[p],
                "background_noise": noise[p],
                "background_shock": bg_shock[p],
                "p_ref": p_ref,
                "floor": floor[p],
                "cap": cap,
                "eta": eta,
                "bids": bids,
            }
        )
        titles = events[p]
        if titles is not _NO_EVENTS:
            fields["capacity_events"] = titles[0]
            fields["background_events"] = titles[1]
            fields["price_events"] = titles[2]
            fields["event_effects"] = titles[3]
        if rolled[p]:
            fields["outage_from_roll"] = True
        supply = trend * shock * (1.0 - down) - reserved_out[p]
        if supply < 0.0:
            supply = 0.0
        price, fills, bg_bought, setter, rationed = clear_outcome(
            supply,
            background[p] * noise[p] * bg_shock[p],
            p_ref,
            eta,
            floor[p],
            cap,
            bids,
        )
        for (seat, _, _), fill in zip(bids, fills):
            won[seat][p] += fill
            bill[seat] += fill * price * discount[seat]
        if sublet_any:
            for seat in range(n):
                income[seat] += sublet[seat][p] * price * (1.0 - fee)
        spot_inputs.append(inputs)
        result = _new(SpotResult)
        result.__dict__.update(
            {
                "provider": ids[p],
                "name": names[p],
                "price": price,
                "previous": previous,
                "supply": supply,
                "background_bought": bg_bought,
                "players_bought": float(add_up(fills)) if fills else 0.0,
                "setter": setter,
                "rationed": rationed,
                "inputs": inputs,
                "previous_inputs": state.spot_inputs[p],
                "fills": fills,
            }
        )
        spot_results.append(result)
        prices[p] = price
    if cut_any:
        for p in range(n_prov):
            if ratios[p] < 1.0:
                q.news.append(_outage_news(state, ids[p], names[p], 1.0 - ratios[p]))
    state.spot_price[:] = prices
    q.spot_won = won
    q.spot_bill = bill
    q.sublease_income = income


def _static(world: World) -> Any:
    """Per-provider tables that never change during a match, as plain lists (once per world)."""
    return world.once("spot", _build_static)


def _build_static(world: World) -> Any:
    ids = world.provider_ids
    n_prov = len(ids)
    return (
        ids,
        [world.provider_names.get(pid, pid) for pid in ids],
        world.prov_cap_multiple.tolist(),
        world.prov_elasticity.tolist(),
        outage_chance(world).tolist(),
        world.prov_spot_floor.tolist(),
        [1.0] * n_prov,
        [_NO_EVENTS] * n_prov,
    )


EventTitles = tuple[
    tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, int], ...]
]
"""Titles of the events behind a provider's capacity, background demand and prices, and every
titled effect as ``(target, title, direction)`` (see ``SpotInputs.event_effects``)."""

_NO_EVENTS: EventTitles = ((), (), (), ())

_TITLED = {
    "provider.capacity": 0,
    "market.background_demand": 1,
    "provider.list_price": 2,
    "provider.spot_floor": 3,
    "provider.outage": 4,
}
"""The targets whose events a spot price's explanation names, and where they are listed (the
outage's events only among the effects)."""


def _direction(op: str, value: float) -> int:
    """+1 if an effect raises its target, -1 if it lowers it, 0 if it sets it (or neither)."""
    if op == "mul":
        value -= 1.0
    elif op != "add":
        return 0
    return (value > 0) - (value < 0)


def _modified(
    q: Quarter, world: World, static: Any
) -> tuple[list[float], list[float], list[EventTitles]]:
    """Per provider: the reserve price, the background demand shock and the event titles."""
    mods = q.mods
    floor, shock, events = static[5], static[6], static[7]  # with no event in force
    n_prov = len(floor)
    if mods.has("provider.spot_floor"):
        floor = _per_provider(mods.apply("provider.spot_floor", world.prov_spot_floor), n_prov)
    if mods.has("market.background_demand"):
        shock = _per_provider(mods.apply("market.background_demand", 1.0), n_prov)
    # What Modifiers.sources(target, p) gives for each target (q.mods is compiled from
    # q.effects, in the same order), read off the effects directly: this runs every quarter.
    titled: dict[int, tuple[list[str], list[str], list[str], list[str], list[str]]] = {}
    effects: dict[int, list[tuple[str, str, int]]] = {}
    for effect in q.effects:
        slot = _TITLED.get(effect.target)
        if slot is not None:
            title = world.event_titles[effect.event]
            mark = (effect.target, title, _direction(effect.op, effect.value))
            for p in range(n_prov):
                if p in effect.indices:
                    titled.setdefault(p, ([], [], [], [], []))[slot].append(title)
                    effects.setdefault(p, []).append(mark)
    if titled:
        events = list(events)
        for p, (capacity, background, price, reserve, _) in titled.items():
            events[p] = (
                tuple(capacity),
                tuple(background),
                tuple(price + reserve),
                tuple(effects[p]),
            )
    return floor, shock, events


def _plain(share: float) -> bool:
    """``share`` is finite and not below +0.0 (so ``d * 0.0 * share`` is a zero of d's sign)."""
    return 0.0 <= share < math.inf and math.copysign(1.0, share) == 1.0


def _per_provider(value: object, n_prov: int) -> list[float]:
    """A modifier result (a scalar or a (P,) array) as one float per provider."""
    if isinstance(value, np.ndarray) and value.shape == (n_prov,):
        return value.tolist()
    return (np.asarray(value, dtype=np.float64) * np.ones(n_prov)).tolist()


def _outage_news(state: MatchState, pid: str, name: str, lost: float) -> NewsItem:
    return NewsItem(
        state.turn,
        "provider",
        f"{name} outage: reserved customers get {100 * (1 - lost):.0f}% of their capacity",
        "An outage took so much capacity offline that even reserved customers were cut. Spot"
        " buyers at this provider got nothing extra; players spread across several clouds, or"
        " with multi-cloud orchestration, lost less.",
    )
