"""What a rival remembers and how it looks ahead: demand trends, spot-price outlook, shortages.

Everything here is built from the rival's own observations, quarter after quarter: its own
figures (``me.last``), the public market demand, the spot-price history and the news.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from game.engine.observation import Observation
from game.engine.summing import add_up

GROWTH_BOUNDS = (-0.15, 0.30)
"""Quarterly growth a forecast will believe."""


@dataclass
class Memory:
    """A rival's own record of the match so far (one entry per quarter played)."""

    demand: list[float] = field(default_factory=list)
    served: list[float] = field(default_factory=list)
    capacity: list[float] = field(default_factory=list)
    market: list[float] = field(default_factory=list)
    share: list[float] = field(default_factory=list)
    op_profit: list[float] = field(default_factory=list)
    """Operating profit of each quarter played (what the earnings multiple is applied to)."""
    efficiency: float = 1.0
    """Demand served per kGPU of inference capacity, as last measured."""
    reserved_lead: dict[str, int] = field(default_factory=dict)
    """Quarters from signing to first delivery, learned per provider."""
    pending_reserve: dict[str, int] = field(default_factory=dict)
    """Provider -> turn a contract was last requested (to learn its lead)."""
    builds: list[tuple[int, int, float, int]] = field(default_factory=list)
    """(region index, turn started, MW, turn the power should be ready)."""
    outages: int = 0
    """Provider outages seen in the news so far."""
    leader_moves: list[tuple[int, str]] = field(default_factory=list)
    """(turn, announcement) of the leader's public moves seen so far."""
    base_price: float = 0.0
    """The service price the pricing rule tracks, before the style's bias."""
    turn_seen: int = -1
    """Last turn an archetype updated its own per-quarter state (idempotence guard)."""
    reserved_now: float = 0.0
    """Reserved kGPU due this quarter before any new contract (to learn lead times)."""

    def update(self, obs: Observation) -> None:
        """Record last quarter's figures from a fresh observation."""
        last = obs.me.last
        demand = last.get("demand", math.nan)
        if not math.isnan(demand):
            self.demand.append(demand)
            self.served.append(last.get("served", 0.0))
            self.capacity.append(last.get("capacity", 0.0))
            self.share.append(last.get("share", 0.0))
            profit = last.get("operating_profit", 0.0)
            self.op_profit.append(0.0 if math.isnan(profit) else profit)
        if not math.isnan(obs.market_demand):
            self.market.append(obs.market_demand)
        self.outages += len([n for n in obs.news if "outage" in n.headline.lower()])
        signed = [pid for pid, turn in self.pending_reserve.items() if turn == obs.turn - 1]
        received = last.get("reserved", math.nan)
        if len(signed) == 1 and not math.isnan(received):
            # A contract that delivered in the quarter it was signed has no lead time.
            self.reserved_lead[signed[0]] = 0 if received > self.reserved_now + 0.3 else 1
        self.pending_reserve.clear()
        self.reserved_now = add_up(float(s[0]) for s in obs.me.reserved_schedule.values() if len(s))

    @property
    def shortage(self) -> float:
        """Share of last quarter's demand left unserved (0 when fully served)."""
        if not self.demand or self.demand[-1] <= 0:
            return 0.0
        return max(0.0, 1.0 - self.served[-1] / self.demand[-1])


def growth_rate(series: list[float], window: int = 4, prior: float = 0.05) -> float:
    """Mean quarterly log growth over the last ``window`` quarters, shrunk toward ``prior``."""
    values = [v for v in series[-(window + 1) :] if v > 0]
    if len(values) < 2:
        return prior
    logs = np.log(np.asarray(values))
    slope = float(np.mean(np.diff(logs)))
    weight = (len(values) - 1) / (len(values) - 1 + 2.0)
    rate = math.expm1(weight * slope + (1 - weight) * math.log1p(prior))
    return min(max(rate, GROWTH_BOUNDS[0]), GROWTH_BOUNDS[1])


def demand_path(memory: Memory, obs: Observation, horizon: int, trend: bool = True) -> np.ndarray:
    """Forecast of this seat's own demand for quarters ``now .. now+horizon-1``."""
    if memory.demand:
        base = memory.demand[-1]
        if len(memory.demand) >= 3:
            # Smooth one quarter of noise away: blend the last value with the fitted line.
            base = 0.6 * base + 0.4 * float(np.mean(memory.demand[-3:])) * (1.0 + 0.05)
    else:
        # Before any quarter: an even split of the market, judged from the opening contract.
        opening = add_up(float(s[0]) for s in obs.me.reserved_schedule.values())
        base = max(opening * 2.0, 1.0)
    if not trend:
        return np.full(horizon, base)
    market_growth = growth_rate(memory.market, window=6, prior=0.06)
    own_growth = growth_rate(memory.demand, window=4, prior=market_growth)
    growth = 0.5 * market_growth + 0.5 * own_growth
    steps = np.arange(1, horizon + 1)
    # Growth fades over the horizon: adoption curves saturate and shocks mean-revert.
    fade = np.cumsum(0.93 ** (steps - 1))
    return base * np.exp(math.log1p(growth) * fade)


def share_demand_path(memory: Memory, obs: Observation, horizon: int) -> np.ndarray:
    """Own demand ahead as today's share of a growing market (at today's prices).

    Unlike :func:`demand_path` it does not extrapolate the rival's own growth, which a price
    cut inflates: only the market grows, the share stays where the last quarters put it.
    """
    if not memory.demand:
        return demand_path(memory, obs, horizon, trend=True)
    base = memory.demand[-1]
    if len(memory.demand) >= 2 and len(memory.market) >= 2:
        # Last quarter's share applied to a market smoothed over the last two quarters.
        smooth = 0.6 * memory.market[-1] + 0.4 * memory.market[-2] * 1.05
        base = 0.5 * base + 0.5 * memory.demand[-1] / memory.market[-1] * smooth
    growth = growth_rate(memory.market, window=6, prior=0.06)
    steps = np.arange(1, horizon + 1)
    fade = np.cumsum(0.93 ** (steps - 1))
    return base * np.exp(math.log1p(growth) * fade)


@dataclass(frozen=True)
class SpotOutlook:
    """Expected spot price per provider and how much it moves (log standard deviation)."""

    expected: dict[str, float]
    volatility: dict[str, float]


def spot_outlook(obs: Observation) -> SpotOutlook:
    """A mean-reverting view of each provider's spot price from its public history."""
    expected: dict[str, float] = {}
    vol: dict[str, float] = {}
    for p in obs.providers:
        history = [x for x in obs.spot_history.get(p.id, ()) if x > 0 and math.isfinite(x)]
        if len(history) >= 2:
            recent = np.asarray(history[-8:])
            level = float(np.exp(np.mean(np.log(recent))))
            expected[p.id] = 0.5 * p.spot_price + 0.5 * level
            vol[p.id] = float(np.std(np.diff(np.log(recent)))) if len(recent) > 2 else 0.2
        else:
            expected[p.id] = p.spot_price
            vol[p.id] = 0.25
        expected[p.id] = max(expected[p.id], p.spot_floor)
    return SpotOutlook(expected, vol)
