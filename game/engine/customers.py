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
from game.engine.tables import World

REPUTATION_RECOVERY = 0.06
"""Share of the gap to a perfect reputation closed in a quarter of full service."""
REPUTATION_LOSS = 0.25
"""Reputation lost per unit share of demand left unserved (times industry sensitivity)."""
TRAINING_SCALE = 0.05
"""Training compute is measured against this share of the whole market's demand."""


CATCH_UP_APPEAL = 0.3
"""Extra appeal for the last-placed player when a scenario switches the catch-up rule on."""


def catch_up_bonus(state: MatchState, active: np.ndarray) -> np.ndarray:
    """(N,) the catch-up rule: the active player last in the scoring last quarter gets
    :data:`CATCH_UP_APPEAL` (customers root for the underdog); everyone else nothing.

    "Last" is by the scenario's victory rule: under ``value_created`` (the default) by value
    created so far, not by enterprise value, which would always pick the seat that started
    with the least cash (the start-up) however well it was doing."""
    values = state.history["enterprise_value"][state.turn - 1]
    if state.world.scenario.victory.rule == "value_created":
        opening = np.array([industry.starting_cash for industry in state.world.industries])
        values = values - opening
    ranked = np.where(active & ~np.isnan(values), values, np.inf)
    bonus = np.zeros(state.n_players)
    if np.isfinite(ranked).any():
        bonus[int(np.argmin(ranked))] = CATCH_UP_APPEAL
    return bonus


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    market = world.scenario.market
    mods = q.mods
    trend = state.demand_trend.item(0)
    if state.turn > 0:
        growth = mods.scalar("demand.growth", market.demand_growth)
        ceiling = market.demand * market.demand_saturation
        trend = trend * (1.0 + growth * max(0.0, 1.0 - trend / ceiling))
        state.demand_trend[0] = trend
    # Transcendental functions stay in numpy (numpy's exp and log are not the math module's,
    # bit for bit), one call for each group of arguments known at the same point; the
    # arithmetic on a handful of players runs on plain floats in the same order as the array
    # form. numpy computes each element alone, so grouping arguments changes no result.
    demand_total = (
        trend
        * mods.scalar("demand.level", 1.0)  # a level shock multiplies (or sets) the level
        * float(np.exp(market.demand_noise * q.demand_noise))
    )
    q.market_demand = demand_total
    n = state.n_players
    seats = range(n)
    active = [x == 0 for x in state.status.tolist()]
    fx = q.fx
    p_ref = mods.scalar("market.service_price", market.reference_service_price)
    quality = state.quality.tolist()
    training = q.training
    scale = TRAINING_SCALE * max(demand_total, 1e-9)
    # ln(1 + quality) for the appeal, and ln(1 + training intensity) for the quality gain
    logs = np.log1p(quality + [x / scale for x in training]).tolist()
    price = state.service_price.tolist()
    log_price = np.log([x / p_ref for x in price]).tolist()
    reputation = state.reputation.tolist()
    brand, sensitivity, quality_growth = _static(world)
    a_q, a_r, a_p = market.appeal_quality, market.appeal_reputation, market.appeal_price
    appeal = [a_q * logs[i] + a_r * reputation[i] - a_p * log_price[i] + brand[i] for i in seats]
    if world.scenario.catch_up and state.turn > 0 and active.count(True) >= 2:
        bonus = catch_up_bonus(state, np.array(active)).tolist()
        appeal = [a + b for a, b in zip(appeal, bonus, strict=True)]
    # np.max: the largest appeal, NaN if there is one (the sign of a zero maximum does not
    # matter: x - 0.0 and x + 0.0 differ only for x = -0.0, and exp gives 1.0 for both).
    top = appeal[0]
    for a in appeal:
        if a > top:
            top = a
        elif a != a:
            top = a
            break
    # The players' weights and the outside option's, in one call.
    exps = np.exp([a - top for a in appeal] + [market.outside_option - top]).tolist()
    weights = [exps[i] if active[i] else 0.0 for i in seats]
    total = exps[n] + row_sum(weights)

    fx_floats = fx.floats  # read-only lists, shared
    edge_share, edge_cost = fx_floats["offload_share"], fx_floats["offload_cost"]
    efficiency = fx_floats["efficiency"]
    inference = q.inference
    fx_quality = fx_floats["quality"]
    gain = market.training_gain
    drift = 1.0 - market.frontier_drift
    share: list[float] = []
    demand: list[float] = []
    served: list[float] = []
    offload: list[float] = []
    revenue: list[float] = []
    from_capacity: list[float] = []
    # One pass per seat: its share of demand, service, reputation and quality.
    for i in seats:
        on = 1.0 if active[i] else 0.0
        x = weights[i] / total
        wanted = demand_total * x
        edge = wanted * edge_share[i]
        own = _min(inference[i] * efficiency[i], wanted - edge)
        got = (own + edge) * on
        share.append(x)
        demand.append(wanted)
        from_capacity.append(own)
        served.append(got)
        offload.append(edge * edge_cost[i])
        revenue.append(got * price[i])

        unserved = 1.0 - got / _max(wanted, 1e-12) if wanted > 0 else 0.0
        r = reputation[i]
        r = r + REPUTATION_RECOVERY * (1.0 - unserved) * (1.0 - r) * on
        r = r - REPUTATION_LOSS * unserved * sensitivity[i] * r * on
        reputation[i] = 0.0 if r < 0.0 else (1.0 if r > 1.0 else r)
        if active[i]:
            quality[i] = quality[i] * drift + gain * fx_quality[i] * quality_growth[i] * logs[n + i]
    q.share = share
    q.demand = demand
    q.served = served
    q.offload_cost = offload
    q.revenue = revenue
    # Item by item: for a handful of players this beats converting the list to an array.
    state_reputation, state_quality = state.reputation, state.quality
    for i in seats:
        state_reputation[i] = reputation[i]
        state_quality[i] = quality[i]

    # The waterfall's last step: how much of the owned capacity customers actually used.
    waterfall: list[tuple[RegionCapacity, ...]] = []
    for seat, rows in enumerate(q.waterfall_rows):
        if not rows:
            waterfall.append(())
            continue
        cap = q.capacity[seat]
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


def _static(world: World) -> tuple[list[float], list[float], list[float]]:
    """The industries' brand appeal, outage sensitivity and quality growth as plain floats
    (fixed for a world, so converted once)."""
    return world.once(
        "customers",
        lambda w: (
            w.ind_brand.tolist(),
            w.ind_outage_sensitivity.tolist(),
            w.ind_quality_growth.tolist(),
        ),
    )


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
