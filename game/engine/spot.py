"""Phase 5, spot market: one uniform-price auction per provider (see :mod:`game.engine.auction`).

Outages shrink supply and reserved customers are served first; multi-cloud orchestration
recovers part of a player's lost reserved capacity; subleased capacity joins the supply.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from game.engine.auction import clear_outcome
from game.engine.quarter import Quarter
from game.engine.report import SpotInputs, SpotResult
from game.engine.state import MatchState, NewsItem
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
    discount = q.fx.spot_discount.tolist()
    floor, bg_shock, events = _modified(q, world, n_prov)
    noise = np.exp(BACKGROUND_NOISE * q.background_noise).tolist()
    fee = world.scenario.market.sublease_fee
    capacity = state.prov_capacity.tolist()
    capacity_eff = np.asarray(q.capacity_eff, dtype=np.float64).tolist()
    outage = q.outage.tolist()

    # Reserved customers are served first; an outage that cuts into them is shared pro rata,
    # and orchestration recovers part of each player's loss elsewhere.
    due = state.reserved_qty[:, :, 0].tolist()
    if any(status):
        due = [row if x == 0 else [0.0] * n_prov for row, x in zip(due, status, strict=True)]
    sublease = q.sublease.tolist()
    sublet_any = any(any(row) for row in sublease)
    ratios = [1.0] * n_prov
    reserved_out = [0.0] * n_prov
    cut_any = False  # an outage cut into reserved customers somewhere
    for p, column in enumerate(zip(*due)):
        total = 0.0
        for d in column:
            total += d
        served = min(total, capacity_eff[p] * (1.0 - outage[p]))
        if total > 0:
            ratios[p] = served / max(total, 1e-12)
            cut_any = cut_any or ratios[p] < 1.0
        reserved_out[p] = served
    lost = [1.0 - ratio for ratio in ratios]
    if sublet_any:
        hedge = q.fx.hedge.tolist()
        sublet = [[0.0] * n_prov for _ in range(n)]
        received = [[0.0] * n_prov for _ in range(n)]
        for p in range(n_prov):
            ratio = ratios[p]
            left = reserved_out[p]
            for seat in range(n):
                d = due[seat][p]
                got = d * ratio + d * lost[p] * hedge[seat]
                cut = min(sublease[seat][p], got)
                sublet[seat][p] = cut
                left -= cut
                received[seat][p] = got - cut
            reserved_out[p] = left
        q.reserved_received = np.array(received)
    else:  # the same arithmetic on whole arrays (a few numpy calls beat 28 Python steps)
        due_now = np.array(due) if any(status) else state.reserved_qty[:, :, 0]
        kept = np.array(ratios)
        q.reserved_received = due_now * kept + due_now * (1.0 - kept) * q.fx.hedge[:, None]

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
        shock = cap_eff / max(trend, 1e-12) if trend > 0 else 1.0
        cap = p_ref * multiple
        bids = tuple(offers)
        capacity_events, background_events, price_events = events[p]
        # The fields of SpotInputs, filled directly (see game.engine.state.construct); the
        # supply and background below repeat its properties' arithmetic, in the same order.
        inputs = _new(SpotInputs)
        inputs.__dict__.update(
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
                "capacity_events": capacity_events,
                "background_events": background_events,
                "price_events": price_events,
                "outage_from_roll": rolled[p],
            }
        )
        supply = max(trend * shock * (1.0 - down) - reserved_out[p], 0.0)
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
                "players_bought": float(sum(fills)),
                "setter": setter,
                "rationed": rationed,
                "inputs": inputs,
                "previous_inputs": state.spot_inputs[p],
            }
        )
        spot_results.append(result)
        prices[p] = price
    if cut_any:
        for p in range(n_prov):
            if ratios[p] < 1.0:
                q.news.append(_outage_news(state, ids[p], static[1][p], lost[p]))
    state.spot_price[:] = prices
    q.spot_won = np.array(won)
    q.spot_bill = np.array(bill)
    q.sublease_income = np.array(income)


def _static(world: World) -> Any:
    """Per-provider tables that never change during a match, as plain lists (once per world)."""
    cache = world.derived_cache.setdefault("spot", {})
    static = cache.get("static")
    if static is None:
        ids = world.provider_ids
        n_prov = len(ids)
        no_events: EventTitles = ((), (), ())
        static = cache["static"] = (
            ids,
            [world.provider_names.get(pid, pid) for pid in ids],
            world.prov_cap_multiple.tolist(),
            world.prov_elasticity.tolist(),
            (1.0 - world.prov_reliability).tolist(),
            world.prov_spot_floor.tolist(),
            [1.0] * n_prov,
            [no_events] * n_prov,
        )
    return static


EventTitles = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""Titles of the events behind a provider's capacity, background demand and prices."""

_TITLED = {
    "provider.capacity": 0,
    "market.background_demand": 1,
    "provider.list_price": 2,
    "provider.spot_floor": 3,
}
"""The targets whose events a spot price's explanation names, and where they are listed."""


def _modified(
    q: Quarter, world: World, n_prov: int
) -> tuple[list[float], list[float], list[EventTitles]]:
    """Per provider: the reserve price, the background demand shock and the event titles."""
    mods = q.mods
    floor = _static(world)[5]
    if mods.has("provider.spot_floor"):
        floor = _per_provider(mods.apply("provider.spot_floor", world.prov_spot_floor), n_prov)
    shock = _static(world)[6]
    if mods.has("market.background_demand"):
        shock = _per_provider(mods.apply("market.background_demand", 1.0), n_prov)
    # What Modifiers.sources(target, p) gives for each target (q.mods is compiled from
    # q.effects, in the same order), read off the effects directly: this runs every quarter.
    found: list[list[list[str]]] | None = None
    for effect in q.effects:
        slot = _TITLED.get(effect.target)
        if slot is None:
            continue
        if found is None:
            found = [[[] for _ in range(n_prov)] for _ in _TITLED]
        title = world.event_titles[effect.event]
        for p in range(n_prov):
            if p in effect.indices:
                found[slot][p].append(title)
    if found is None:  # the usual case: no event touches these targets
        return floor, shock, _static(world)[7]
    capacity, background, price, reserve = found
    events = [
        (tuple(capacity[p]), tuple(background[p]), tuple(price[p] + reserve[p]))
        for p in range(n_prov)
    ]
    return floor, shock, events


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
