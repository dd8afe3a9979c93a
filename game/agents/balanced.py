"""``balanced``: a sensible heuristic that keeps capacity near demand.

Each quarter it forecasts its own demand from the trend it has seen, covers a base of it with
reserved contracts from the cheapest eligible providers, tops up on the spot market with a
limit price it can still profit at, and, once it has cash to spare, grows owned capacity where
the grid queue is shortest and funds the cheapest research that raises efficiency. It is the
default seat filler and the yardstick for the rival roster.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from game.agents.base import Bot, SetupInfo
from game.agents.bidding import cents_at_least
from game.engine.actions import (
    Action,
    BidSpot,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Repay,
    Reserve,
    SetServicePrice,
)
from game.engine.observation import ChipView, Observation, ProviderView, TechView

RESERVED_BASE = 0.6
"""Share of forecast capacity the bot wants under reserved contracts."""
BUFFER = 1.05
"""Capacity the bot aims for, as a multiple of forecast need."""
OWNED_TARGET = 0.3
"""Share of need the bot aims to own once it can afford to build."""


def _numpy_round(value: float, digits: int) -> float:
    """``round(numpy.float64(value), digits)``, bit for bit, on a plain float.

    The bot's gaps and room figures come from the observation's numpy arrays, and it once
    carried them as numpy scalars, whose ``round`` scales, rounds half to even and scales back:
    now and then that differs from Python's correctly rounded ``round`` in the last digit. The
    bot works on plain floats (several times faster than numpy scalars) and rounds those figures
    the numpy way, so its orders, and every replay, stay exactly what they were.
    """
    scale = _SCALES[digits]
    scaled = value * scale
    try:
        # rint keeps the sign of a result that rounds to zero; Python's round gives the int 0
        return math.copysign(round(scaled) / scale, scaled)
    except (OverflowError, ValueError):  # round() of an infinity or a NaN: numpy's own way
        return float(round(np.float64(value), digits))


_SCALES = {1: 10.0, 2: 100.0, 3: 1000.0}

_sum = np.add.reduce
"""``ndarray.sum`` without its Python wrapper: the same reduction, in the same order."""

Ranking = tuple[list[ProviderView], list[ProviderView], list[ProviderView], list[float]]
"""The providers a seat may use: as listed, by reserved price and by spot price, and the
spot limit each of the last would get before the seat's own cap (the same for every seat)."""

_rankings: dict[bool, tuple[tuple[ProviderView, ...], Ranking]] = {}
"""The last providers ranked, by whether the seat may only use sovereign ones.

Every seat's observation of a quarter holds the same (immutable) provider views, so the seats
of one process list them once; an entry keeps its providers alive, so ``is`` cannot mistake a
new tuple for it."""

_best_chips: list[tuple[tuple[ChipView, ...], ChipView | None]] = []
"""The last chips looked at and the best value among them (shared by the seats likewise)."""


_BUILDING = frozenset(("chips", "datacenters"))
"""The mechanics building owned capacity needs."""

_mechanics_seen: dict[tuple[str, ...], frozenset[str]] = {}


def _mechanics(listed: tuple[str, ...]) -> frozenset[str]:
    """The scenario's mechanics as a set (the same few tuples come back every quarter)."""
    found = _mechanics_seen.get(listed)
    if found is None:
        found = _mechanics_seen[listed] = frozenset(listed)
    return found


_open_seen: dict[int, tuple[tuple[TechView, ...], list[TechView]]] = {}
"""Programme views ranked by :func:`_open_programmes`, by the identity of their tuple."""


def _open_programmes(research: tuple[TechView, ...]) -> list[TechView]:
    """The programmes not done whose prerequisites are all done, by (cost, id).

    The first of them under budget is the one the bot funds. A seat's programme views come back
    unchanged (the very same tuple, see :attr:`SelfView.research`) for most quarters while its
    research does not move, so the ranking is kept with the tuple (an entry keeps its tuple
    alive, so no other tuple can take its identity). A NaN cost is never under budget: such
    programmes are left out, which also keeps the sort well defined.
    """
    found = _open_seen.get(id(research))
    if found is not None:
        return found[1]
    done = {t.id for t in research if t.done}
    ranked = sorted(
        (
            t
            for t in research
            if not t.done and not math.isnan(t.cost) and done.issuperset(t.prerequisites)
        ),
        key=lambda t: (t.cost, t.id),
    )
    if len(_open_seen) >= 64:
        _open_seen.clear()
    _open_seen[id(research)] = (research, ranked)
    return ranked


class BalancedBot(Bot):
    """Keeps capacity near demand with a reserved base, spot top-ups and measured building."""

    name = "balanced"

    def __init__(self) -> None:
        self._demand_seen: list[float] = []

    def setup(self, info: SetupInfo) -> None:
        super().setup(info)
        self._demand_seen = []

    # ------------------------------------------------------------------ forecasting
    def _forecast(self, obs: Observation, reserved_now: float) -> tuple[float, bool]:
        """Demand expected this quarter, and whether it was read from the arrays (see
        :func:`_numpy_round`) rather than from last quarter's figures."""
        me = obs.me
        last_demand = me.last.get("demand", math.nan)
        if not math.isnan(last_demand):
            self._demand_seen.append(last_demand)
        seen = self._demand_seen
        if not seen:
            # Before any quarter: assume the opening contract covers half of our demand.
            doubled = reserved_now * 2.0
            return max(doubled, 1.0), bool(me.reserved_schedule) and not doubled < 1.0
        growth = 0.05
        if len(seen) >= 2 and seen[-2] > 0:
            # the mean of the last three quarter-on-quarter changes, added up left to right
            total, count = 0.0, 0
            for a, b in itertools.pairwise(seen[-4:]):
                if a > 0:
                    total += b / a - 1
                    count += 1
            if count:
                growth = min(max(total / count, -0.1), 0.25)
        return seen[-1] * (1 + growth), False

    @staticmethod
    def _providers(obs: Observation) -> Ranking:
        """The providers this seat may use: as listed, by reserved price, by spot price."""
        providers, sovereign_only = obs.providers, obs.me.sovereign_only
        found = _rankings.get(sovereign_only)
        if found is not None and found[0] is providers:
            return found[1]
        listed = [p for p in providers if p.sovereign or not sovereign_only]
        by_spot = sorted(listed, key=lambda p: (p.spot_price, p.id))
        ranking = (
            listed,
            sorted(listed, key=lambda p: (p.reserved_price[8], p.id)),
            by_spot,
            [max(p.spot_price * 1.3, p.spot_floor) for p in by_spot],
        )
        _rankings[sovereign_only] = (providers, ranking)
        return ranking

    @staticmethod
    def _best_chip(obs: Observation) -> ChipView | None:
        """The available stock chip with the lowest price per unit of performance."""
        if _best_chips and _best_chips[0][0] is obs.chips:
            return _best_chips[0][1]
        chips = [c for c in obs.chips if c.available and not c.custom]
        best = (
            min(chips, key=lambda c: (c.price / c.perf, c.lead_quarters, c.id)) if chips else None
        )
        _best_chips[:] = [(obs.chips, best)]
        return best

    # ------------------------------------------------------------------ the quarter
    def act(self, observation: Observation) -> list[Action]:
        obs = observation
        me = obs.me
        if me.status != "active":
            return []
        actions: list[Action] = []
        # Reserved kGPU arriving this quarter and next, added up provider by provider.
        reserved_now = reserved_next = 0.0
        for schedule in me.reserved_schedule.values():
            reserved_now += schedule.item(0)
            reserved_next += schedule.item(1) if len(schedule) > 1 else 0.0
        demand, from_arrays = self._forecast(obs, reserved_now)
        training = me.training_share
        efficiency = 1.0
        last = me.last
        served = last.get("served", math.nan)
        capacity_last = last.get("capacity", math.nan)
        if capacity_last and not math.isnan(capacity_last) and capacity_last > 0:
            used = capacity_last * (1 - training)
            if used > 0 and not math.isnan(served) and served > used * 1.01:
                efficiency = served / used
        need = demand / efficiency / max(1 - training, 0.2) * BUFFER
        owned_now = float(_sum(me.chips_perf)) * 0.95
        eligible, by_price, by_spot, spot_limits = self._providers(obs)
        free_cash = me.cash + max(me.credit_limit - me.debt, 0.0) * 0.5
        mechanics = _mechanics(obs.mechanics)

        # 1. A reserved base for the coming quarters, from the cheapest eligible provider.
        #    (The gaps below are sums of array figures: they round the numpy way.)
        if "reserved" in mechanics and eligible:
            gap = RESERVED_BASE * need - reserved_next - owned_now
            if gap > 0.5:
                for provider in by_price[:2]:
                    free = max(provider.reserved_free, 0.0)
                    take = free if free < gap else gap  # min(gap, free)
                    if take > 0.5 and take * provider.reserved_price[8] < free_cash * 0.5:
                        quantity = round(take, 2) if free < gap else _numpy_round(take, 2)
                        actions.append(Reserve(provider=provider.id, quantity=quantity, term=8))
                        gap -= take
                    if gap <= 0.5:
                        break

        # 2. Spot top-up for this quarter, at a price that still leaves a margin.
        if "spot" in mechanics and eligible:
            gap = need - reserved_now - owned_now
            if gap > 0.2:
                limit_cap = me.service_price * efficiency * 0.85
                for provider, base_limit in zip(by_spot[:3], spot_limits, strict=False):
                    limit = min(base_limit, limit_cap)
                    if limit < provider.spot_floor:
                        continue
                    chunk = gap / 2 if provider is not by_spot[-1] else gap
                    qty = _numpy_round(min(chunk, gap), 2)
                    if qty > 0.1 and qty * limit < free_cash:
                        price = cents_at_least(limit, provider.spot_floor)
                        actions.append(BidSpot(provider=provider.id, quantity=qty, max_price=price))
                        gap -= qty
                    if gap <= 0.1:
                        break

        # 3. Own some capacity when cash allows and the game is long enough to pay back.
        remaining = obs.quarters - obs.turn
        if mechanics >= _BUILDING and remaining > 10 and me.cash > 400:
            actions += self._build(obs, need, free_cash, from_arrays)

        # 4. Research: the cheapest open programme that pays back, one at a time.
        if "research" in mechanics and me.cash > 300 and remaining > 6:
            # Read from the arrays: building every programme's view is only needed to choose one.
            funding, finished = me.research_funding.tolist(), me.research_done.tolist()
            for f, d in zip(funding, finished, strict=True):
                if f > 0 and not d:
                    break  # a programme is funded already
            else:
                # The open programme with the lowest (cost, id) among those under budget.
                budget = me.cash * 0.25
                pick = None
                for t in _open_programmes(me.research):
                    if t.cost < budget:
                        pick = t
                        break
                if pick is not None:
                    actions.append(
                        FundResearch(tech=pick.id, amount=round(pick.cost / pick.min_quarters, 2))
                    )

        # 5. Price: nudge up when customers are turned away, down when capacity idles.
        if "service_price" in mechanics and not math.isnan(served):
            last_demand = last.get("demand", math.nan)
            if last_demand > 0 and served < 0.9 * last_demand:
                actions.append(SetServicePrice(price=round(me.service_price * 1.04, 3)))
            elif last_demand > 0 and served >= 0.999 * last_demand and me.service_price > 7.0:
                actions.append(SetServicePrice(price=round(me.service_price * 0.98, 3)))

        # 6. Pay down debt when flush.
        if "borrowing" in mechanics and me.debt > 0 and me.cash > 600:
            actions.append(Repay(amount=round(min(me.debt, me.cash - 500), 2)))
        return actions

    def _build(
        self, obs: Observation, need: float, free_cash: float, need_from_arrays: bool
    ) -> list[Action]:
        me = obs.me
        actions: list[Action] = []
        best_chip = self._best_chip(obs)
        if best_chip is None:
            return actions
        dc_soon = me.datacenter_mw + _sum(me.datacenter_arriving, axis=1)
        grid_soon = me.grid_mw + me.queued_mw
        power_soon = np.minimum(dc_soon, grid_soon)
        # Per region on plain floats (the room figures round the numpy way).
        power = power_soon.tolist()
        perf_planned = (me.chips_perf + _sum(me.chips_arriving, axis=1)).tolist()
        fabric_planned = (me.fabric_units + _sum(me.fabric_arriving, axis=1)).tolist()
        queued = me.queued_mw.tolist()
        allowed = []
        for r, region in enumerate(obs.regions):
            if me.sovereign_only and not region.sovereign:
                continue
            allowed.append(region)
            if power[r] <= 0 or (region.export_banned and best_chip.export_controlled):
                continue
            # Fill power we have (or will have) with chips, timed to arrive with the grid.
            perf_room = power[r] / best_chip.power_kw * best_chip.perf - perf_planned[r]
            ready_in = region.grid_wait_quarters if queued[r] > 0 else 0
            if perf_room > 1.0 and best_chip.lead_quarters >= ready_in - 1:
                units = perf_room / best_chip.perf
                cost = units * best_chip.price
                if cost < free_cash * 0.4:
                    actions.append(
                        OrderChips(
                            sku=best_chip.id, quantity=_numpy_round(units, 3), region=region.id
                        )
                    )
                    free_cash -= cost
                    perf_planned[r] += perf_room
            fabric_room = perf_planned[r] - fabric_planned[r] * region.ports_per_unit
            if fabric_room > 0.5 and region.ports_per_unit > 0:
                actions.append(
                    OrderNetwork(
                        region=region.id,
                        quantity=_numpy_round(fabric_room / region.ports_per_unit, 2),
                    )
                )
        if not allowed:
            return actions
        # Start one new site when owned capacity (planned) is below target.
        planned = float(_sum(power_soon)) / best_chip.power_kw * best_chip.perf
        # (checked only when owned capacity falls short: a site under way holds off a new one)
        if planned < OWNED_TARGET * need and not _sum(me.datacenter_arriving, axis=None) > 0:
            region = min(allowed, key=lambda r: (r.grid_wait_quarters, r.build_cost_per_mw, r.id))
            mw = (OWNED_TARGET * need - planned) * best_chip.power_kw / best_chip.perf
            # max(5, min(mw, 200)) is mw itself, not a bound, when it lies within them
            within = not mw > 200.0 and mw > 5.0
            mw = max(5.0, min(mw, 200.0))
            if mw * region.build_cost_per_mw < free_cash * 0.8:
                rounded = _numpy_round(mw, 1) if need_from_arrays and within else round(mw, 1)
                actions.append(BuildDatacenter(region=region.id, megawatts=rounded))
        return actions
