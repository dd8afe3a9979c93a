"""Turning a rival's targets into actions: the capacity book, contracts, spot bids, builds.

Every archetype shares this machinery and differs in its :class:`Style` (how much to reserve,
for how long, with how many providers, how much to own, what to research, how to price). The
difficulty level changes the forecast the machinery is fed and, for ``hard``, the knobs chosen
by lookahead each quarter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from game.agents.bidding import cents_at_least
from game.agents.rivals.forecast import Memory, SpotOutlook
from game.agents.rivals.personality import content_facts
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
    SetTrainingShare,
)
from game.engine.observation import ChipView, Observation, ProviderView, RegionView
from game.engine.summing import add_up

HORIZON = 12
"""Quarters the book and the forecasts look ahead (the observation's schedule length)."""
DEFAULT_MW_PER_KGPU = 0.8
EFFICIENCY_TECHS = ("continuous_batching", "quantization", "speculative_decoding", "distillation")


@dataclass(frozen=True)
class Style:
    """The knobs of a strategy. Archetypes set them; difficulty and lookahead adjust them."""

    buffer: float = 1.06
    """Capacity aimed for, as a multiple of forecast need."""
    reserved_cover: float = 0.6
    """Share of forecast need the rival wants under reserved contracts."""
    reserve_lookahead: int = 1
    """Quarters past the first delivery whose need a new contract is sized for."""
    terms: tuple[tuple[int, float], ...] = ((8, 1.0),)
    """Contract terms and the share of each new reservation signed at that term."""
    spread: int = 2
    """Providers a new reservation (and the spot top-up) is spread across."""
    prefer_reliable: bool = False
    """Rank providers by reliability (hyperscalers first) before price."""
    spot_limit: float = 1.35
    """Spot bid limit as a multiple of the expected spot price."""
    spot_share: float = 1.0
    """Share of the remaining gap topped up on the spot market."""
    owned_target: float = 0.0
    """Share of need the rival aims to own once its data centres are ready."""
    build_cash: float = 500.0
    """Cash (plus half the free credit) needed before a new site is started."""
    max_site_mw: float = 120.0
    custom_silicon: bool = False
    research: tuple[str, ...] = ("continuous_batching", "quantization", "multicloud")
    research_cash: float = 250.0
    max_programmes: int = 1
    training_share: float = 0.2
    price_step: float = 0.03
    """How fast the service price follows shortages and idle capacity."""
    price_bias: float = 1.0
    """Multiplier on the price the rule would set (below 1 buys share)."""
    commitment_cap: float = 0.75
    """Reserved payments per quarter at most this share of expected revenue."""
    repay_above: float = 500.0
    extras: dict[str, float] = field(default_factory=dict)

    def with_(self, **changes: object) -> Style:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class Book:
    """The capacity a rival already has, quarter by quarter, from its own observation."""

    reserved: np.ndarray
    """(H,) kGPU under contract in each coming quarter (0 = now)."""
    owned: np.ndarray
    """(H,) owned capacity expected usable in each coming quarter."""
    reserved_pay: np.ndarray
    power_ready: np.ndarray
    """(R,) MW of powered facility expected within the horizon, per region."""
    chips_planned: np.ndarray
    """(R,) kGPU of chips installed or on order, per region."""
    fabric_planned: np.ndarray
    sites_building: int


def eligible_providers(obs: Observation) -> list[ProviderView]:
    return [p for p in obs.providers if p.sovereign or not obs.me.sovereign_only]


def allowed_regions(obs: Observation) -> list[tuple[int, RegionView]]:
    return [
        (r, region)
        for r, region in enumerate(obs.regions)
        if region.sovereign or not obs.me.sovereign_only
    ]


def mw_per_kgpu(obs: Observation) -> float:
    chip = best_chip(obs, None)
    if chip is None:
        return DEFAULT_MW_PER_KGPU
    return chip.power_kw / chip.perf * power_factor(obs)


def power_factor(obs: Observation) -> float:
    facts = content_facts().power
    factor = 1.0
    for tech in obs.me.research:
        if tech.done:
            factor *= facts.get(tech.id, 1.0)
    return factor


def known_efficiency(obs: Observation) -> float:
    """Serving efficiency from completed research (the published effects)."""
    facts = content_facts().efficiency
    eff = 1.0
    for tech in obs.me.research:
        if tech.done:
            eff *= facts.get(tech.id, 1.0)
    return eff


def best_chip(obs: Observation, region: RegionView | None) -> ChipView | None:
    done_custom = any(t.done and t.id.startswith("custom_") for t in obs.me.research)
    chips = [
        c
        for c in obs.chips
        if c.available
        and (not c.custom or done_custom)
        and not (region is not None and region.export_banned and c.export_controlled)
    ]
    if done_custom:
        unlocked = {t.id.replace("custom_g", "asic-g") for t in obs.me.research if t.done}
        chips = [c for c in chips if not c.custom or c.id in unlocked]
    if not chips:
        return None
    # Cost per unit of performance, counting the facility its power needs and a quarter of
    # waiting per quarter of lead time.
    return min(
        chips,
        key=lambda c: ((c.price + c.power_kw * 9.0) / c.perf * (1 + 0.03 * c.lead_quarters), c.id),
    )


def read_book(obs: Observation, memory: Memory) -> Book:
    me = obs.me
    h = HORIZON
    reserved = np.zeros(h)
    for schedule in me.reserved_schedule.values():
        n = min(h, len(schedule))
        reserved[:n] += schedule[:n]
    pay = np.zeros(h)
    n = min(h, len(me.reserved_payments))
    pay[:n] = me.reserved_payments[:n]
    n_reg = len(obs.regions)
    mwpk = mw_per_kgpu(obs)
    owned = np.zeros(h)
    power_ready = np.zeros(n_reg)
    chips_planned = np.zeros(n_reg)
    fabric_planned = np.zeros(n_reg)
    ready_by_region: dict[int, list[tuple[int, float]]] = {}
    for r, _turn, mw, ready in memory.builds:
        ready_by_region.setdefault(r, []).append((ready, mw))
    for r, region in enumerate(obs.regions):
        chips = me.chips_perf[r] + np.cumsum(me.chips_arriving[r][:h])
        fabric = me.fabric_units[r] + np.cumsum(me.fabric_arriving[r][:h])
        dc = me.datacenter_mw[r] + np.cumsum(me.datacenter_arriving[r][:h])
        grid = np.full(h, float(me.grid_mw[r]))
        queued = float(me.queued_mw[r])
        for ready, mw in sorted(ready_by_region.get(r, [])):
            take = min(mw, queued)
            queued -= take
            k = max(0, ready - obs.turn)
            if k < h:
                grid[k:] += take
        power = np.minimum(dc, grid)
        ports = region.ports_per_unit if region.ports_per_unit > 0 else 0.0
        owned += np.minimum(np.minimum(chips, fabric * ports), power / mwpk)
        power_ready[r] = float(np.minimum(dc[-1], grid[-1]))
        chips_planned[r] = float(chips[-1])
        fabric_planned[r] = float(fabric[-1])
    # What the engine measured last quarter is the best guide to what is usable now.
    last_owned = me.last.get("owned", math.nan)
    if not math.isnan(last_owned) and last_owned < owned[0]:
        owned[0] = max(last_owned, owned[0] * 0.9)
    building = int((me.datacenter_arriving.sum(axis=1) > 0).sum())
    return Book(reserved, owned, pay, power_ready, chips_planned, fabric_planned, building)


@dataclass
class Context:
    """Everything the executor needs for one quarter."""

    obs: Observation
    memory: Memory
    style: Style
    need: np.ndarray
    """(H,) capacity the rival wants in each coming quarter (buffer included)."""
    spot: SpotOutlook
    book: Book
    rng: np.random.Generator
    free_cash: float = 0.0
    actions: list[Action] = field(default_factory=list)


def capacity_need(obs: Observation, memory: Memory, demand: np.ndarray, style: Style) -> np.ndarray:
    """Capacity needed to serve ``demand``, given efficiency and training share."""
    eff = max(memory.efficiency, known_efficiency(obs), 0.5)
    training = min(max(style.training_share, 0.0), 0.8)
    need = demand / eff / (1.0 - training) * style.buffer
    # No capacity is needed after the last quarter.
    remaining = obs.quarters - obs.turn
    need[max(remaining, 0) :] = 0.0
    return need


def measure_efficiency(obs: Observation, memory: Memory) -> None:
    """Update the serving-efficiency estimate when last quarter was capacity-bound."""
    last = obs.me.last
    capacity = last.get("capacity", math.nan)
    served = last.get("served", math.nan)
    demand = last.get("demand", math.nan)
    training = last.get("training", 0.0)
    memory.efficiency = max(memory.efficiency, known_efficiency(obs))
    if math.isnan(capacity) or math.isnan(served) or capacity <= 0:
        return
    inference = capacity - (training if not math.isnan(training) else 0.0)
    if inference > 0 and served < demand * 0.995:
        memory.efficiency = max(0.5, min(4.0, served / inference))


def execute(ctx: Context) -> list[Action]:
    """This quarter's actions for the context's style."""
    obs = ctx.obs
    me = obs.me
    mechanics = set(obs.mechanics)
    ctx.free_cash = me.cash + max(me.credit_limit - me.debt, 0.0) * 0.5
    if "training" in mechanics and abs(me.training_share - ctx.style.training_share) > 0.01:
        ctx.actions.append(SetTrainingShare(share=round(ctx.style.training_share, 3)))
    if "reserved" in mechanics:
        reserve(ctx)
    if "spot" in mechanics:
        bid_spot(ctx)
    if {"chips", "datacenters"} <= mechanics and ctx.style.owned_target > 0:
        build(ctx)
    if "research" in mechanics:
        research(ctx)
    if "service_price" in mechanics:
        price(ctx)
    if "borrowing" in mechanics and me.debt > 0 and me.cash > ctx.style.repay_above:
        amount = round(min(me.debt, me.cash - ctx.style.repay_above * 0.8), 2)
        if amount > 1:
            ctx.actions.append(Repay(amount=amount))
    return ctx.actions


# ----------------------------------------------------------------------------- reserved
def lead_of(memory: Memory, provider: ProviderView) -> int:
    return memory.reserved_lead.get(provider.id, 1)


def provider_rank(ctx: Context, term: int) -> list[ProviderView]:
    providers = [p for p in eligible_providers(ctx.obs) if p.reserved_free > 0.5]

    def key(p: ProviderView) -> tuple[float, str]:
        price = p.reserved_price[term]
        if ctx.style.prefer_reliable and p.kind == "neocloud":
            price *= 1.25
        return (price, p.id)

    return sorted(providers, key=key)


def expected_revenue(ctx: Context) -> float:
    demand = ctx.memory.demand[-1] if ctx.memory.demand else float(ctx.need[0])
    return demand * ctx.obs.me.service_price


def reserve(ctx: Context) -> None:
    style, book = ctx.style, ctx.book
    if style.reserved_cover <= 0:
        return
    remaining = ctx.obs.quarters - ctx.obs.turn
    k = min(1 + style.reserve_lookahead, HORIZON - 1, remaining - 1)
    if k < 1:
        return
    contracted = float(book.reserved[k])
    weight = style.extras.get("supply_line_weight", 1.0)
    if weight < 1.0:
        # Anchor-and-adjust: contracts not yet delivering are half forgotten (the bullwhip).
        now = float(book.reserved[0])
        contracted = min(now, contracted) + weight * max(contracted - now, 0.0)
    gap = style.reserved_cover * ctx.need[k] - contracted - book.owned[k]
    if gap < 0.5:
        return
    # Take-or-pay is a promise: never more per quarter than a share of expected revenue.
    budget = style.commitment_cap * expected_revenue(ctx) - float(book.reserved_pay[k])
    free_left = {p.id: p.reserved_free for p in ctx.obs.providers}
    for term, weight in style.terms:
        if term > remaining + 2 and term > 4 and not style.extras.get("end_aware"):
            term = 4 if remaining < 8 else 8
        want = gap * weight
        ranked = provider_rank(ctx, term)
        concentrate = style.extras.get("concentrate", 0.0) > 0
        if not concentrate:
            ranked = ranked[: max(style.spread, 1)]
        if not ranked:
            continue
        per = want / len(ranked)
        for provider in ranked:
            price = provider.reserved_price[term]
            # Concentrated buyers fill the best provider first (one large deal), then the next.
            portion = want if concentrate else per
            qty = min(portion, free_left[provider.id], budget / price if price > 0 else 0.0)
            if qty < 0.3 or qty * price > ctx.free_cash * 0.6:
                continue
            qty = round(qty, 2)
            ctx.actions.append(Reserve(provider=provider.id, quantity=qty, term=term))
            want -= qty
            free_left[provider.id] -= qty
            budget -= qty * price
            ctx.free_cash -= qty * price
            ctx.memory.pending_reserve[provider.id] = ctx.obs.turn
            if want < 0.3:
                break


# ----------------------------------------------------------------------------- spot
def value_cap(ctx: Context) -> float:
    """Highest spot price still worth paying: the margin a served kGPU earns."""
    eff = max(ctx.memory.efficiency, known_efficiency(ctx.obs), 0.5)
    return ctx.obs.me.service_price * eff * 0.72


def bid_spot(ctx: Context) -> None:
    style, book = ctx.style, ctx.book
    # Contracts signed this quarter with zero-lead providers deliver now.
    signed_now = add_up(
        a.quantity
        for a in ctx.actions
        if isinstance(a, Reserve) and ctx.memory.reserved_lead.get(a.provider, 1) == 0
    )
    gap = (ctx.need[0] - book.reserved[0] - book.owned[0] - signed_now) * style.spot_share
    if gap < 0.2:
        return
    cap = value_cap(ctx)
    providers = sorted(eligible_providers(ctx.obs), key=lambda p: (ctx.spot.expected[p.id], p.id))[
        : max(style.spread, 1) + 1
    ]
    if not providers:
        return
    weights = np.array([max(p.capacity, 1.0) for p in providers])
    weights = weights / weights.sum()
    for provider, w in zip(providers, weights, strict=True):
        limit = min(ctx.spot.expected[provider.id] * style.spot_limit, cap)
        limit = max(limit, provider.spot_floor)
        if limit > cap and provider.spot_floor > cap:
            continue
        qty = round(gap * float(w), 2)
        if qty < 0.1 or qty * limit > ctx.free_cash:
            continue
        price = cents_at_least(limit, provider.spot_floor)
        ctx.actions.append(BidSpot(provider=provider.id, quantity=qty, max_price=price))
        ctx.free_cash -= qty * limit


# ----------------------------------------------------------------------------- owning
def build(ctx: Context) -> None:
    obs, style, book = ctx.obs, ctx.style, ctx.book
    me = obs.me
    remaining = obs.quarters - obs.turn
    mwpk = mw_per_kgpu(obs)
    regions = allowed_regions(obs)
    if not regions:
        return
    # Chips and fabric for power that is (or soon will be) there, timed to arrive with it.
    for r, region in regions:
        chip = best_chip(obs, region)
        if chip is None:
            continue
        power_now_or_soon = ready_power_within(ctx, r, chip.lead_quarters + 1)
        perf_room = power_now_or_soon / mwpk - book.chips_planned[r]
        if perf_room > 0.5 and remaining > chip.lead_quarters + 2:
            units = perf_room / chip.perf
            cost = units * chip.price
            if cost > ctx.free_cash * 0.7:
                units = ctx.free_cash * 0.7 / chip.price
                cost = units * chip.price
            if units * chip.perf > 0.5:
                ctx.actions.append(
                    OrderChips(sku=chip.id, quantity=round(units, 3), region=region.id)
                )
                ctx.free_cash -= cost
                book.chips_planned[r] += units * chip.perf
        if region.ports_per_unit > 0:
            fabric_room = book.chips_planned[r] / region.ports_per_unit - book.fabric_planned[r]
            if fabric_room > 0.3:
                ctx.actions.append(OrderNetwork(region=region.id, quantity=round(fabric_room, 2)))
                ctx.free_cash -= fabric_room * (region.fabric_price or 0.0)
    if me.cash + max(me.credit_limit - me.debt, 0) * 0.5 < style.build_cash:
        return
    if book.sites_building >= 1 + int(style.extras.get("parallel_sites", 0)):
        return
    # A new site, if the game is long enough for it to pay back once powered.
    r, region = min(
        regions,
        key=lambda x: (
            max(x[1].grid_wait_quarters, x[1].build_quarters)
            + x[1].build_cost_per_mw / 4
            + x[1].power_price / 40,
            x[1].id,
        ),
    )
    ready_in = max(region.grid_wait_quarters, region.build_quarters)
    if remaining < ready_in + 5:
        return
    k = min(ready_in, HORIZON - 1)
    growth = float(ctx.need[-1] / ctx.need[0]) ** (1 / (HORIZON - 1)) if ctx.need[0] > 0 else 1.0
    need_then = float(ctx.need[0]) * growth**ready_in
    planned = float(book.power_ready.sum()) / mwpk
    gap = style.owned_target * need_then - planned
    _ = k
    if gap < 2.0:
        return
    mw = min(max(gap * mwpk, 5.0), style.max_site_mw)
    total = mw * region.build_cost_per_mw
    if total * 0.25 > ctx.free_cash * 0.6:
        mw = ctx.free_cash * 0.6 / 0.25 / region.build_cost_per_mw
        if mw < 5.0:
            return
    ctx.actions.append(BuildDatacenter(region=region.id, megawatts=round(mw, 1)))
    ctx.memory.builds.append((r, obs.turn, mw, obs.turn + ready_in))
    ctx.free_cash -= mw * region.build_cost_per_mw / region.build_quarters


def ready_power_within(ctx: Context, r: int, quarters: int) -> float:
    """MW of facility in region ``r`` powered within ``quarters`` from now (expected)."""
    me = ctx.obs.me
    k = min(quarters, HORIZON - 1)
    dc = float(me.datacenter_mw[r] + me.datacenter_arriving[r][: k + 1].sum())
    grid = float(me.grid_mw[r])
    queued = float(me.queued_mw[r])
    for rr, _t, mw, ready in ctx.memory.builds:
        if rr == r and ready - ctx.obs.turn <= k:
            take = min(mw, queued)
            queued -= take
            grid += take
    return min(dc, grid)


# ----------------------------------------------------------------------------- research
def research(ctx: Context) -> None:
    obs, style = ctx.obs, ctx.style
    me = obs.me
    remaining = obs.quarters - obs.turn
    funded = [t for t in me.research if t.funding > 0 and not t.done]
    if len(funded) >= style.max_programmes or me.cash < style.research_cash:
        return
    done = {t.id for t in me.research if t.done}
    by_id = {t.id: t for t in me.research}
    wanted = list(style.research)
    if style.custom_silicon:
        wanted = ["custom_g1", *wanted, "custom_g2"]
    for tid in wanted:
        tech = by_id.get(tid)
        if tech is None or tech.done or tech.funding > 0:
            continue
        if not all(p in done for p in tech.prerequisites):
            continue
        if tech.min_quarters + 4 > remaining or tech.cost > me.cash * 0.6:
            continue
        amount = round(tech.cost / tech.min_quarters, 2)
        ctx.actions.append(FundResearch(tech=tid, amount=amount))
        return


# ----------------------------------------------------------------------------- price
APPEAL_PRICE = 2.5
"""Customers' sensitivity to ln(price) in the published appeal rule."""


def opex_ratio(obs: Observation) -> float:
    return content_facts().opex.get(obs.me.industry, 0.22)


def marginal_cost(ctx: Context) -> float:
    """What one more kGPU next quarter would cost: idle capacity is nearly free."""
    book = ctx.book
    spare = float(book.reserved[1] + book.owned[1]) - float(ctx.need[1])
    providers = eligible_providers(ctx.obs)
    if not providers:
        return 4.0
    spot = min(ctx.spot.expected[p.id] for p in providers)
    contract = min(p.reserved_price[8] for p in providers)
    buy = min(spot * 1.05, contract * 1.1) if ctx.style.reserved_cover > 0 else spot * 1.05
    if spare > 0.15 * float(ctx.need[1]):
        return 0.5 * buy
    return buy


def markup_price(ctx: Context) -> float:
    """The profit-maximising price for a softmax share: mc/(1-opex) · ε/(ε-1), ε = c(1-s)."""
    share = ctx.memory.share[-1] if ctx.memory.share else 0.2
    share = min(max(share, 0.02), 0.8)
    elasticity = max(APPEAL_PRICE * (1.0 - share), 1.25)
    eff = max(ctx.memory.efficiency, known_efficiency(ctx.obs), 0.5)
    cost = marginal_cost(ctx) / eff / (1.0 - ctx.style.training_share)
    return cost / (1.0 - opex_ratio(ctx.obs)) * elasticity / (elasticity - 1.0)


def price(ctx: Context) -> None:
    obs, style, memory = ctx.obs, ctx.style, ctx.memory
    me = obs.me
    if not memory.demand:
        return
    current = me.service_price
    if "price_set" in style.extras:
        target = style.extras["price_set"]
    else:
        target = markup_price(ctx)
        if memory.shortage > 0.03:
            # Short of capacity: ration demand by price rather than by turning customers away.
            target = max(
                target, current * (1 + style.price_step * min(3.0, memory.shortage / 0.05))
            )
        target *= style.price_bias
        # Move part of the way: customers and rivals react to jumps.
        step = 0.06
        target = min(max(target, current * (1 - step)), current * (1 + step))
    target = min(max(target, 5.0), 20.0)
    if abs(target / current - 1) > 0.004:
        ctx.actions.append(SetServicePrice(price=round(target, 3)))
