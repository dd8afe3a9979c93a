"""Phase 5, spot market: one uniform-price auction per provider (see :mod:`game.engine.auction`).

Outages shrink supply and reserved customers are served first; multi-cloud orchestration
recovers part of a player's lost reserved capacity; subleased capacity joins the supply.
"""

from __future__ import annotations

import numpy as np

from game.engine.auction import clear
from game.engine.derived import outage_hedge, spot_discount, tech_done
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
    done = tech_done(state)
    hedge = outage_hedge(state, done)
    discount = spot_discount(state, done)
    floor = np.asarray(mods.apply("provider.spot_floor", world.prov_spot_floor), float) * np.ones(
        n_prov
    )
    bg_shock = np.asarray(mods.mul("market.background_demand"), float) * np.ones(n_prov)
    noise = np.exp(BACKGROUND_NOISE * q.background_noise)
    q.reserved_received = np.zeros((n, n_prov))
    q.spot_won = np.zeros((n, n_prov))
    q.spot_bill = np.zeros(n)
    q.sublease_income = np.zeros(n)
    fee = world.scenario.market.sublease_fee
    names = {p.id: p.name for p in world.content.providers}
    event_title = {i: e.title for i, e in enumerate(world.events)}
    for p in range(n_prov):
        due = state.reserved_qty[:, p, 0] * active
        available = float(q.capacity_eff[p] * (1.0 - q.outage[p]))
        total_due = float(due.sum())
        served = min(total_due, available)
        ratio = served / total_due if total_due > 0 else 1.0
        received = due * ratio + due * (1.0 - ratio) * hedge
        sublet = np.minimum(q.sublease[:, p], received)
        q.reserved_received[:, p] = received - sublet
        inputs = SpotInputs(
            capacity_trend=float(state.prov_capacity[p]),
            capacity_shock=float(q.capacity_eff[p] / state.prov_capacity[p])
            if state.prov_capacity[p] > 0
            else 1.0,
            outage=float(q.outage[p]),
            reserved_out=served - float(sublet.sum()),
            background_trend=float(state.prov_background[p]),
            background_noise=float(noise[p]),
            background_shock=float(bg_shock[p]),
            p_ref=float(q.list_price[p]),
            floor=float(floor[p]),
            cap=float(q.list_price[p] * world.prov_cap_multiple[p]),
            eta=float(world.prov_elasticity[p]),
            bids=tuple(q.bids[p]),
            capacity_events=tuple(event_title[e] for e in q.mods.sources("provider.capacity", p)),
            background_events=tuple(
                event_title[e] for e in q.mods.sources("market.background_demand", p)
            ),
            price_events=tuple(
                event_title[e]
                for e in q.mods.sources("provider.list_price", p)
                + q.mods.sources("provider.spot_floor", p)
            ),
            outage_from_roll=bool(q.outage_roll[p] < 1.0 - world.prov_reliability[p]),
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
        q.sublease_income += sublet * outcome.price * (1.0 - fee)
        q.spot_inputs.append(inputs)
        q.spot_results.append(
            SpotResult(
                provider=world.provider_ids[p],
                name=names.get(world.provider_ids[p], world.provider_ids[p]),
                price=outcome.price,
                previous=float(state.spot_price[p]),
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
        if total_due > 0 and ratio < 1.0:
            q.news.append(_outage_news(state, world.provider_ids[p], names, 1.0 - ratio))


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
