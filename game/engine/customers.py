"""Phase 8, customers: market demand, each player's share of it, service, reputation, quality.

Each player's share of the whole market ``D_t`` is a softmax of its appeal against an outside
option: ``appeal_i = a·ln(1 + quality_i) + b·reputation_i − c·ln(price_i / p_ref) + brand_i``
(quality enters through a logarithm so a lead in models pays, but does not snowball). Demand a
player cannot serve costs reputation; training compute raises quality, which decays as the
frontier moves on.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import MatchState

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
    active = state.status == 0
    fx = q.fx
    p_ref = mods.scalar("market.service_price", market.reference_service_price)
    appeal = (
        market.appeal_quality * np.log1p(state.quality)
        + market.appeal_reputation * state.reputation
        - market.appeal_price * np.log(state.service_price / p_ref)
        + world.ind_brand
    )
    if world.scenario.catch_up and state.turn > 0 and int(active.sum()) >= 2:
        appeal = appeal + catch_up_bonus(state, active)
    weights = np.where(active, np.exp(appeal - appeal.max()), 0.0)
    outside = np.exp(market.outside_option - appeal.max())
    q.share = weights / (outside + weights.sum())
    q.demand = demand_total * q.share
    edge_share, edge_cost = fx.offload_share, fx.offload_cost
    edge = q.demand * edge_share
    from_capacity = np.minimum(q.inference * fx.efficiency, q.demand - edge)
    q.served = (from_capacity + edge) * active
    q.offload_cost = edge * edge_cost
    q.revenue = q.served * state.service_price

    unserved = np.where(q.demand > 0, 1.0 - q.served / np.maximum(q.demand, 1e-12), 0.0)
    rep = state.reputation
    rep += REPUTATION_RECOVERY * (1.0 - unserved) * (1.0 - rep) * active
    rep -= REPUTATION_LOSS * unserved * world.ind_outage_sensitivity * rep * active
    np.clip(rep, 0.0, 1.0, out=rep)

    intensity = q.training / (TRAINING_SCALE * max(demand_total, 1e-9))
    gain = market.training_gain * fx.quality * world.ind_quality_growth * np.log1p(intensity)
    state.quality[:] = np.where(
        active, state.quality * (1.0 - market.frontier_drift) + gain, state.quality
    )

    # The waterfall's last step: how much of the owned capacity customers actually used.
    with np.errstate(divide="ignore", invalid="ignore"):
        need = from_capacity / fx.efficiency + q.training
        utilisation = np.where(q.capacity > 0, np.minimum(1.0, need / q.capacity), 0.0)
    q.waterfall = [
        tuple(dataclasses.replace(row, used=row.used * float(utilisation[seat])) for row in rows)
        for seat, rows in enumerate(q.waterfall)
    ]
