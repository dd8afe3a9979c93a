"""Phase 8, customers: market demand, each player's share of it, service, reputation, quality.

Each player's share of the whole market ``D_t`` is a softmax of its appeal against an outside
option: ``appeal_i = a·ln(1 + quality_i) + b·reputation_i − c·ln(price_i / p_ref) + brand_i``
(quality enters through a logarithm so a lead in models pays, but does not snowball). Demand a
player cannot serve costs reputation; training compute raises quality, which decays as the
frontier moves on.
"""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter, row_sum
from game.engine.report import RegionCapacity
from game.engine.state import MatchState, construct

REPUTATION_RECOVERY = 0.06
"""Share of the gap to a perfect reputation closed in a quarter of full service."""
REPUTATION_LOSS = 0.25
"""Reputation lost per unit share of demand left unserved (times industry sensitivity)."""
TRAINING_SCALE = 0.05
"""Training compute is measured against this share of the whole market's demand."""


CATCH_UP_APPEAL = 0.3
"""Extra appeal for the last-placed player when a scenario switches the catch-up rule on."""


def catch_up_bonus(state: MatchState, active: np.ndarray) -> np.ndarray:
    """(N,) the catch-up rule: the active player with the lowest enterprise value last quarter
    gets :data:`CATCH_UP_APPEAL` (customers root for the underdog); everyone else nothing."""
    values = state.history["enterprise_value"][state.turn - 1]
    ranked = np.where(active & ~np.isnan(values), values, np.inf)
    bonus = np.zeros(state.n_players)
    if np.isfinite(ranked).any():
        bonus[int(np.argmin(ranked))] = CATCH_UP_APPEAL
    return bonus


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    market = world.scenario.market
    mods = q.mods
    if state.turn > 0:
        growth = mods.scalar("demand.growth", market.demand_growth)
        ceiling = market.demand * market.demand_saturation
        trend = float(state.demand_trend[0])
        state.demand_trend[0] = trend * (1.0 + growth * max(0.0, 1.0 - trend / ceiling))
    demand_total = (
        float(state.demand_trend[0])
        * mods.scalar("demand.level", 1.0)  # a level shock multiplies (or sets) the level
        * float(np.exp(market.demand_noise * q.demand_noise))
    )
    q.market_demand = demand_total
    n = state.n_players
    seats = range(n)
    status = state.status.tolist()
    active = [x == 0 for x in status]
    act = [1.0 if on else 0.0 for on in active]
    fx = q.fx
    p_ref = mods.scalar("market.service_price", market.reference_service_price)
    # Transcendental functions stay in numpy (one call each, same results as the array form);
    # the arithmetic on a handful of players runs on plain floats in the same order.
    log_quality = np.log1p(state.quality).tolist()
    log_price = np.log(state.service_price / p_ref).tolist()
    reputation = state.reputation.tolist()
    brand = world.ind_brand.tolist()
    a_q, a_r, a_p = market.appeal_quality, market.appeal_reputation, market.appeal_price
    appeal = [
        a_q * log_quality[i] + a_r * reputation[i] - a_p * log_price[i] + brand[i] for i in seats
    ]
    if world.scenario.catch_up and state.turn > 0 and sum(active) >= 2:
        bonus = catch_up_bonus(state, np.array(active)).tolist()
        appeal = [a + b for a, b in zip(appeal, bonus, strict=True)]
    top = np.max(appeal)
    exps = np.exp(np.array(appeal) - top).tolist()
    weights = [exps[i] if active[i] else 0.0 for i in seats]
    outside = float(np.exp(market.outside_option - top))
    total = outside + row_sum(weights)
    share = [w / total for w in weights]
    demand = [demand_total * x for x in share]
    edge_share, edge_cost = fx.offload_share.tolist(), fx.offload_cost.tolist()
    efficiency = fx.efficiency.tolist()
    inference, training, capacity = q.inference, q.training, q.capacity
    price = state.service_price.tolist()
    edge = [demand[i] * edge_share[i] for i in seats]
    from_capacity = [_min(inference[i] * efficiency[i], demand[i] - edge[i]) for i in seats]
    served = [(from_capacity[i] + edge[i]) * act[i] for i in seats]
    q.share = share
    q.demand = demand
    q.served = served
    q.offload_cost = [edge[i] * edge_cost[i] for i in seats]
    q.revenue = [served[i] * price[i] for i in seats]

    sensitivity = world.ind_outage_sensitivity.tolist()
    rep = reputation
    for i in seats:
        unserved = 1.0 - served[i] / _max(demand[i], 1e-12) if demand[i] > 0 else 0.0
        r = rep[i]
        r = r + REPUTATION_RECOVERY * (1.0 - unserved) * (1.0 - r) * act[i]
        r = r - REPUTATION_LOSS * unserved * sensitivity[i] * r * act[i]
        rep[i] = 0.0 if r < 0.0 else (1.0 if r > 1.0 else r)
    state.reputation[:] = rep

    scale = TRAINING_SCALE * max(demand_total, 1e-9)
    log_intensity = np.log1p(np.array(training) / scale).tolist()
    quality = state.quality.tolist()
    growth = world.ind_quality_growth.tolist()
    fx_quality = fx.quality.tolist()
    gain = market.training_gain
    drift = 1.0 - market.frontier_drift
    state.quality[:] = [
        quality[i] * drift + gain * fx_quality[i] * growth[i] * log_intensity[i]
        if active[i]
        else quality[i]
        for i in seats
    ]

    # The waterfall's last step: how much of the owned capacity customers actually used.
    waterfall: list[tuple[RegionCapacity, ...]] = []
    for seat, rows in enumerate(q.waterfall_rows):
        if not rows:
            waterfall.append(())
            continue
        cap = capacity[seat]
        if cap > 0:
            need = from_capacity[seat] / efficiency[seat] + training[seat]
            use = _min(1.0, need / cap)
        else:
            use = 0.0
        waterfall.append(
            tuple(
                construct(
                    RegionCapacity,
                    region=region,
                    installed=installed,
                    networked=networked,
                    powered=powered,
                    used=owned * use,
                    binding=binding,
                )
                for region, installed, networked, powered, owned, binding in rows
            )
        )
    q.waterfall = waterfall


def _min(a: float, b: float) -> float:
    """``np.minimum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return a + b
    return a if a <= b else b


def _max(a: float, b: float) -> float:
    """``np.maximum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return a + b
    return a if a >= b else b
