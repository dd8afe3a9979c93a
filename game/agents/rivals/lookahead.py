"""Monte Carlo lookahead for ``hard`` rivals: a small forward model of the rival's own P&L.

The model is built from the rival's observation only: its own demand and share history, its
contracts and pipelines (the :class:`~game.agents.rivals.planning.Book`), the public spot
prices and rivals' public market shares and service prices. It samples futures of market
demand (trend, noise and occasional surges or slumps) and spot prices (mean-reverting, with
spikes in shortages), plays each candidate plan through them for a few quarters, and scores the
plan by the published enterprise-value rule: cash made plus the earnings multiple on the
operating profit at the end. Common random numbers make the comparison between plans fair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.agents.rivals.forecast import Memory, SpotOutlook, growth_rate
from game.agents.rivals.planning import Book, Style, eligible_providers
from game.engine.observation import Observation

APPEAL_PRICE = 2.5
"""Sensitivity of customers' choice to ln(price) (the published appeal rule's ``c``)."""
APPEAL_REPUTATION = 2.0
EARNINGS_MULTIPLE = 8.0
"""The enterprise-value rule's multiple on operating profit."""
OPEX_RATIO = 0.22
"""Share of revenue spent on running the business (a typical industry figure)."""
OWNED_RUNNING_COST = 0.4
"""$M per kGPU-quarter to power and maintain owned capacity."""


@dataclass(frozen=True)
class Candidate:
    """One plan the rival weighs: a price move and a capacity stance."""

    price: float
    """Service price to set now."""
    style: Style


@dataclass(frozen=True)
class Futures:
    """Sampled paths shared by every candidate (common random numbers)."""

    market: np.ndarray
    """(S, H) multiplier on the forecast demand."""
    spot: np.ndarray
    """(S, H) spot price paths, $M per kGPU-quarter."""


def sample_futures(
    obs: Observation,
    memory: Memory,
    spot: SpotOutlook,
    rng: np.random.Generator,
    samples: int,
    horizon: int,
) -> Futures:
    growth_now = growth_rate(memory.market, window=6, prior=0.06)
    noise = rng.normal(0.0, 0.04, size=(samples, horizon))
    drift = rng.normal(0.0, 0.02, size=(samples, 1)) * np.arange(1, horizon + 1)
    shocks = rng.random((samples, horizon))
    surge = np.where(shocks < 0.05, 0.25, np.where(shocks > 0.96, -0.15, 0.0))
    market = np.exp(np.cumsum(noise, axis=1) + drift + np.cumsum(surge, axis=1) * 0.7)
    _ = growth_now
    providers = eligible_providers(obs)
    if providers:
        level = min(spot.expected[p.id] for p in providers)
        vol = float(np.mean([spot.volatility[p.id] for p in providers]))
        floor = min(p.spot_floor for p in providers)
    else:
        level, vol, floor = 6.0, 0.2, 2.0
    vol = min(max(vol, 0.08), 0.5)
    steps = rng.normal(0.0, vol, size=(samples, horizon))
    log_dev = np.zeros((samples, horizon))
    dev = np.zeros(samples)
    for k in range(horizon):
        dev = 0.6 * dev + steps[:, k] + 0.5 * np.maximum(surge[:, k], 0.0)
        log_dev[:, k] = dev
    prices = np.maximum(level * np.exp(log_dev), floor)
    return Futures(market=market, spot=prices)


def evaluate(
    obs: Observation,
    memory: Memory,
    book: Book,
    demand: np.ndarray,
    candidates: list[Candidate],
    futures: Futures,
) -> np.ndarray:
    """Mean value of each candidate over the sampled futures."""
    me = obs.me
    samples, horizon = futures.market.shape
    remaining = obs.quarters - obs.turn
    share0 = memory.share[-1] if memory.share and memory.share[-1] > 0 else 0.2
    share0 = min(max(share0, 0.01), 0.9)
    eff = max(memory.efficiency, 0.5)
    current = me.service_price
    reputation = me.reputation
    base_demand = demand[:horizon][None, :] * futures.market
    providers = eligible_providers(obs)
    reserve_price = (
        min(p.reserved_price[8] for p in providers if p.reserved_free > 0.5)
        if any(p.reserved_free > 0.5 for p in providers)
        else math.inf
    )
    values = np.zeros(len(candidates))
    for i, cand in enumerate(candidates):
        style = cand.style
        ratio = cand.price / current
        weight = ratio ** (-APPEAL_PRICE)
        share_factor = weight / (1.0 - share0 + share0 * weight)
        my_demand = base_demand * share_factor
        need = demand[:horizon] * share_factor / eff / (1 - style.training_share) * style.buffer
        # New contract this quarter (sized as the executor would), from the next quarter on.
        k = min(1 + style.reserve_lookahead, horizon - 1)
        gap = style.reserved_cover * need[k] - book.reserved[k] - book.owned[k]
        new_reserved = np.zeros(horizon)
        if gap > 0.5 and math.isfinite(reserve_price):
            new_reserved[1 : 1 + 8] = gap
        reserved = book.reserved[:horizon] + new_reserved
        owned = book.owned[:horizon]
        base = (reserved + owned)[None, :]
        # Spot tops up toward need each quarter, at the sampled price, up to the bid limit.
        limit = futures.spot.mean() * style.spot_limit
        top_up = np.maximum(need[None, :] - base, 0.0) * style.spot_share
        filled = np.where(futures.spot <= limit, top_up, top_up * 0.3)
        capacity = base + filled
        served = np.minimum(capacity * (1 - style.training_share) * eff, my_demand)
        unserved = 1.0 - served / np.maximum(my_demand, 1e-9)
        # Turned-away customers cost reputation, which costs share in later quarters.
        rep = np.full(samples, reputation)
        rep_path = np.zeros((samples, horizon))
        for q in range(horizon):
            rep = rep + 0.06 * (1 - unserved[:, q]) * (1 - rep) - 0.5 * unserved[:, q] * rep
            rep_path[:, q] = np.clip(rep, 0, 1)
        rep_factor = np.exp(APPEAL_REPUTATION * (rep_path - reputation) * (1 - share0))
        served = np.minimum(served * np.minimum(rep_factor, 1.5), capacity * eff)
        revenue = served * cand.price
        reserved_cost = book.reserved_pay[:horizon][None, :] + new_reserved[None, :] * (
            reserve_price if math.isfinite(reserve_price) else 0.0
        )
        costs = (
            reserved_cost
            + filled * futures.spot
            + owned[None, :] * OWNED_RUNNING_COST
            + revenue * OPEX_RATIO
        )
        profit = revenue - costs
        total = profit.sum(axis=1)
        if remaining <= horizon:
            tail = profit[:, max(0, remaining - 4) : remaining].mean(axis=1)
            value = profit[:, :remaining].sum(axis=1) + EARNINGS_MULTIPLE * np.maximum(tail, 0.0)
        else:
            end = profit[:, -2:].mean(axis=1)
            extra = min(remaining - horizon, 8)
            value = total + extra * end * 0.8 + EARNINGS_MULTIPLE * np.maximum(end, 0.0) * 0.6
        values[i] = float(value.mean())
    return values


def choose(
    obs: Observation,
    memory: Memory,
    book: Book,
    demand: np.ndarray,
    spot: SpotOutlook,
    base: Style,
    price_now: float,
    rng: np.random.Generator,
    samples: int = 96,
    horizon: int = 8,
) -> Candidate:
    """The candidate plan with the best mean value over sampled futures."""
    horizon = max(2, min(horizon, obs.quarters - obs.turn, len(demand)))
    futures = sample_futures(obs, memory, spot, rng, samples, horizon)
    candidates = []
    for price_move in (0.92, 0.96, 1.0, 1.04, 1.08):
        for stance in (0.9, 1.0, 1.15):
            style = base.with_(
                buffer=base.buffer * stance,
                reserved_cover=base.reserved_cover * stance if base.reserved_cover > 0 else 0.0,
            )
            candidates.append(Candidate(price=price_now * price_move, style=style))
    values = evaluate(obs, memory, book, demand, candidates, futures)
    return candidates[int(np.argmax(values))]
