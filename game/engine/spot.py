"""Phase 5, spot market: one uniform-price auction per provider (see :mod:`game.engine.auction`).

Outages shrink supply and reserved customers are served first; multi-cloud orchestration
recovers part of a player's lost reserved capacity; subleased capacity joins the supply.
"""

from __future__ import annotations

import numpy as np

from game.engine.auction import clear
from game.engine.quarter import Quarter
from game.engine.report import SpotInputs, SpotResult
from game.engine.state import MatchState, NewsItem, construct

BACKGROUND_NOISE = 0.05
"""Standard deviation of the rest of the world's spot demand, in log terms."""


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    mods = q.mods
    n, n_prov = state.n_players, len(world.provider_ids)
    # The axes are tiny (a handful of players and providers): plain floats beat numpy calls.
    active = [x == 0 for x in state.status.tolist()]
    hedge = q.fx.hedge.tolist()
    discount = q.fx.spot_discount.tolist()
    floor = _per_provider(mods.apply("provider.spot_floor", world.prov_spot_floor), n_prov)
    bg_shock = _per_provider(mods.apply("market.background_demand", 1.0), n_prov)
    noise = np.exp(BACKGROUND_NOISE * q.background_noise).tolist()
    fee = world.scenario.market.sublease_fee
    names = world.provider_names
    titles = world.event_titles
    capacity = state.prov_capacity.tolist()
    capacity_eff = np.asarray(q.capacity_eff, dtype=np.float64).tolist()
    outage = q.outage.tolist()

    # Reserved customers are served first; an outage that cuts into them is shared pro rata,
    # and orchestration recovers part of each player's loss elsewhere.
    due_now = state.reserved_qty[:, :, 0].tolist()
    due = [row if on else [0.0] * n_prov for row, on in zip(due_now, active, strict=True)]
    sublease = q.sublease.tolist()
    sublet_any = any(any(row) for row in sublease)
    received = [[0.0] * n_prov for _ in range(n)]
    sublet = [[0.0] * n_prov for _ in range(n)]
    reserved_out = [0.0] * n_prov
    ratios = [1.0] * n_prov
    total_due = [0.0] * n_prov
    for p in range(n_prov):
        total = 0.0
        for seat in range(n):
            total += due[seat][p]
        served = min(total, capacity_eff[p] * (1.0 - outage[p]))
        ratio = served / max(total, 1e-12) if total > 0 else 1.0
        out = served
        for seat in range(n):
            d = due[seat][p]
            got = d * ratio + d * (1.0 - ratio) * hedge[seat]
            if sublet_any:
                cut = min(sublease[seat][p], got)
                sublet[seat][p] = cut
                out -= cut
                got -= cut
            received[seat][p] = got
        total_due[p] = total
        ratios[p] = ratio
        reserved_out[p] = out
    q.reserved_received = np.array(received)

    list_price = q.list_price.tolist()
    caps = (q.list_price * world.prov_cap_multiple).tolist()
    etas = world.prov_elasticity.tolist()
    rolled = (q.outage_roll < 1.0 - world.prov_reliability).tolist()
    previous = state.spot_price.tolist()
    background = state.prov_background.tolist()
    sources = q.mods.sources if q.effects else None
    won = [[0.0] * n_prov for _ in range(n)]
    bill = [0.0] * n
    income = [0.0] * n
    prices = [0.0] * n_prov
    for p in range(n_prov):
        pid = world.provider_ids[p]
        if sources is None:
            cap_events: tuple[str, ...] = ()
            bg_events: tuple[str, ...] = ()
            price_events: tuple[str, ...] = ()
        else:
            cap_events = tuple(titles[e] for e in sources("provider.capacity", p))
            bg_events = tuple(titles[e] for e in sources("market.background_demand", p))
            price_events = tuple(
                titles[e]
                for e in sources("provider.list_price", p) + sources("provider.spot_floor", p)
            )
        trend = capacity[p]
        inputs = construct(
            SpotInputs,
            capacity_trend=trend,
            capacity_shock=capacity_eff[p] / max(trend, 1e-12) if trend > 0 else 1.0,
            outage=outage[p],
            reserved_out=reserved_out[p],
            background_trend=background[p],
            background_noise=noise[p],
            background_shock=bg_shock[p],
            p_ref=list_price[p],
            floor=floor[p],
            cap=caps[p],
            eta=etas[p],
            bids=tuple(q.bids[p]),
            capacity_events=cap_events,
            background_events=bg_events,
            price_events=price_events,
            outage_from_roll=rolled[p],
        )
        supply = inputs.supply
        outcome = clear(
            supply,
            inputs.background,
            inputs.p_ref,
            inputs.eta,
            inputs.floor,
            inputs.cap,
            inputs.bids,
        )
        price = outcome.price
        for (seat, _, _), fill in zip(inputs.bids, outcome.fills, strict=True):
            won[seat][p] += fill
            bill[seat] += fill * price * discount[seat]
        if sublet_any:
            for seat in range(n):
                income[seat] += sublet[seat][p] * price * (1.0 - fee)
        q.spot_inputs.append(inputs)
        q.spot_results.append(
            construct(
                SpotResult,
                provider=pid,
                name=names.get(pid, pid),
                price=price,
                previous=previous[p],
                supply=supply,
                background_bought=outcome.background,
                players_bought=float(sum(outcome.fills)),
                setter=outcome.setter,
                rationed=outcome.rationed,
                inputs=inputs,
                previous_inputs=state.spot_inputs[p],
            )
        )
        prices[p] = price
        if total_due[p] > 0 and ratios[p] < 1.0:
            q.news.append(_outage_news(state, pid, names, 1.0 - ratios[p]))
    state.spot_price[:] = prices
    q.spot_won = np.array(won)
    q.spot_bill = np.array(bill)
    q.sublease_income = np.array(income)


def _per_provider(value: object, n_prov: int) -> list[float]:
    """A modifier result (a scalar or a (P,) array) as one float per provider."""
    if isinstance(value, np.ndarray) and value.shape == (n_prov,):
        return value.tolist()
    return (np.asarray(value, dtype=np.float64) * np.ones(n_prov)).tolist()


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
