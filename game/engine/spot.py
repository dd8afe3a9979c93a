"""Phase 5, spot market: one uniform-price auction per provider (see :mod:`game.engine.auction`).

Outages shrink supply and reserved customers are served first; multi-cloud orchestration
recovers part of a player's lost reserved capacity; subleased capacity joins the supply.
"""

from __future__ import annotations

import numpy as np

from game.engine.auction import clear
from game.engine.quarter import Quarter
from game.engine.report import SpotInputs, SpotResult
from game.engine.state import MatchState, NewsItem

BACKGROUND_NOISE = 0.05
"""Standard deviation of the rest of the world's spot demand, in log terms."""


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    mods = q.mods
    n, n_prov = state.n_players, len(world.provider_ids)
    active = (state.status == 0).astype(np.float64)
    hedge = q.fx.hedge
    discount = q.fx.spot_discount
    floor = np.asarray(mods.apply("provider.spot_floor", world.prov_spot_floor), float) * np.ones(
        n_prov
    )
    bg_shock = np.asarray(mods.apply("market.background_demand", np.ones(n_prov)), float)
    noise = np.exp(BACKGROUND_NOISE * q.background_noise)
    q.spot_won = np.zeros((n, n_prov))
    q.spot_bill = np.zeros(n)
    q.sublease_income = np.zeros(n)
    fee = world.scenario.market.sublease_fee
    names = world.provider_names
    titles = world.event_titles

    # Reserved customers are served first; an outage that cuts into them is shared pro rata,
    # and orchestration recovers part of each player's loss elsewhere.
    due = state.reserved_qty[:, :, 0] * active[:, None]
    available = q.capacity_eff * (1.0 - q.outage)
    total_due = due.sum(axis=0)
    served = np.minimum(total_due, available)
    ratio = np.where(total_due > 0, served / np.maximum(total_due, 1e-12), 1.0)
    received = due * ratio + due * (1.0 - ratio) * hedge[:, None]
    sublet = np.minimum(q.sublease, received)
    q.reserved_received = received - sublet
    reserved_out = (served - sublet.sum(axis=0)).tolist()
    capacity = state.prov_capacity.tolist()
    shock = np.where(
        state.prov_capacity > 0, q.capacity_eff / np.maximum(state.prov_capacity, 1e-12), 1.0
    ).tolist()
    outage = q.outage.tolist()
    background = state.prov_background.tolist()
    noise_l, shock_l, floor_l = noise.tolist(), bg_shock.tolist(), floor.tolist()
    list_price = q.list_price.tolist()
    caps = (q.list_price * world.prov_cap_multiple).tolist()
    etas = world.prov_elasticity.tolist()
    rolled = (q.outage_roll < 1.0 - world.prov_reliability).tolist()
    previous = state.spot_price.tolist()
    mods_sources = q.mods.sources if q.effects else None
    sublet_any = bool(q.sublease.any())
    for p in range(n_prov):
        if mods_sources is None:
            cap_events: tuple[str, ...] = ()
            bg_events: tuple[str, ...] = ()
            price_events: tuple[str, ...] = ()
        else:
            cap_events = tuple(titles[e] for e in mods_sources("provider.capacity", p))
            bg_events = tuple(titles[e] for e in mods_sources("market.background_demand", p))
            price_events = tuple(
                titles[e]
                for e in mods_sources("provider.list_price", p)
                + mods_sources("provider.spot_floor", p)
            )
        inputs = SpotInputs(
            capacity_trend=capacity[p],
            capacity_shock=shock[p],
            outage=outage[p],
            reserved_out=reserved_out[p],
            background_trend=background[p],
            background_noise=noise_l[p],
            background_shock=shock_l[p],
            p_ref=list_price[p],
            floor=floor_l[p],
            cap=caps[p],
            eta=etas[p],
            bids=tuple(q.bids[p]),
            capacity_events=cap_events,
            background_events=bg_events,
            price_events=price_events,
            outage_from_roll=rolled[p],
        )
        outcome = clear(
            inputs.supply,
            inputs.background,
            inputs.p_ref,
            inputs.eta,
            inputs.floor,
            inputs.cap,
            inputs.bids,
        )
        for (seat, _, _), fill in zip(inputs.bids, outcome.fills, strict=True):
            q.spot_won[seat, p] += fill
            q.spot_bill[seat] += fill * outcome.price * discount[seat]
        if sublet_any:
            q.sublease_income += sublet[:, p] * outcome.price * (1.0 - fee)
        q.spot_inputs.append(inputs)
        q.spot_results.append(
            SpotResult(
                provider=world.provider_ids[p],
                name=names.get(world.provider_ids[p], world.provider_ids[p]),
                price=outcome.price,
                previous=previous[p],
                supply=inputs.supply,
                background_bought=outcome.background,
                players_bought=float(sum(outcome.fills)),
                setter=outcome.setter,
                rationed=outcome.rationed,
                inputs=inputs,
                previous_inputs=state.spot_inputs[p],
            )
        )
        state.spot_price[p] = outcome.price
        if total_due[p] > 0 and ratio[p] < 1.0:
            q.news.append(_outage_news(state, world.provider_ids[p], names, 1.0 - float(ratio[p])))


def _outage_news(state: MatchState, pid: str, names: dict[str, str], lost: float) -> NewsItem:
    name = names.get(pid, pid)
    return NewsItem(
        state.turn,
        "provider",
        f"{name} outage: reserved customers get {100 * (1 - lost):.0f}% of their capacity",
        "An outage took so much capacity offline that even reserved customers were cut. Spot"
        " buyers at this provider got nothing extra; players spread across several clouds, or"
        " with multi-cloud orchestration, lost less.",
    )
