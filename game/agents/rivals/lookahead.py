"""Monte Carlo lookahead for ``hard`` rivals: plan search over a forward model of the rival's P&L.

Each quarter a hard rival weighs candidate plans. A plan is a :class:`Style` (capacity buffer,
reserved cover, contract terms, training share, build size) and the concrete actions the shared
executor would take with it this quarter (a dry run of :func:`planning.execute`): the contracts
it would sign with which provider, for how long and at what price, the spot bids and their
limits, the chips, fabric and data centres it would order, the research it would fund.

The forward model is built from the rival's observation only: its own demand, share, profit and
efficiency history, its contracts, payments and pipelines (the :class:`Book`), the public spot
prices, provider price lists and lead times, rivals' public shares and prices, and the published
rules (the appeal formula, the reputation and quality dynamics, the enterprise-value formula).
It samples futures of the market (trend noise, drift, surges and slumps) and of the spot price
(mean-reverting, spiking in surges) to the **end of the match**, and plays every plan through the
same sampled futures (common random numbers). In every simulated quarter the rival sets the
price that is best for the capacity it has (rationing by price when short, buying share when
long), tops up its capacity toward need at the sampled spot price and the reserved list, and
its reputation and quality move by the published rules.

A plan is scored by the score itself, enterprise value at the end: cash made, plus the book value
of what it bought, plus the earnings multiple on the operating profit of the last four quarters
(times ``0.5 + 0.5 × reputation``), with a heavy penalty on paths that run out of cash and credit.

The search is coordinate-wise (capacity stance and contract terms first, then training share and
build size around the best), and this quarter's price is the one the best plan sets now.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from game.agents.rivals.forecast import Memory, SpotOutlook, share_demand_path
from game.agents.rivals.personality import MarketFacts, content_facts
from game.agents.rivals.planning import (
    HORIZON,
    Book,
    Context,
    Style,
    allowed_regions,
    best_chip,
    capacity_need,
    eligible_providers,
    execute,
    known_efficiency,
    mw_per_kgpu,
    opex_ratio,
)
from game.engine.actions import (
    Action,
    BidSpot,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reserve,
)
from game.engine.observation import Observation
from game.engine.summing import add_up

SAMPLES = 48
"""Sampled futures per quarter (shared by every plan)."""
PRICE_GRID = np.array([0.82, 0.88, 0.94, 1.0, 1.06, 1.12, 1.19, 1.27])
"""Service prices the simulated rival may set, relative to its current price."""
HOURS = 2190.0 / 1e6
"""Hours in a quarter, in millions (power price in $/MWh -> $M per MW-quarter)."""
BANKRUPT_PENALTY = 4000.0
"""$M subtracted from a sampled path on which the rival runs out of cash and credit."""
SAFE_CREDIT = 0.25
"""Share of the free credit line a plan may count on before a path counts as bankrupt (the
model leaves out interest, fees and shocks, so the real margin is thinner)."""
MIN_PRICE, MAX_PRICE = 5.0, 20.0
REACTION = 0.15
"""Share of a price move the rivals match from the next quarter on (their pricing rules react
to the share they lost or won, followers copy the leader's price): a cut wins its full share
for one quarter only, and lowers every later price."""


@dataclass(frozen=True)
class Candidate:
    """One plan the rival weighs: a style (knobs) for the shared executor."""

    style: Style
    label: str = ""


@dataclass(frozen=True)
class Choice:
    """The plan chosen, this quarter's price and its expected value."""

    style: Style
    price: float
    value: float
    label: str = ""
    evaluated: int = 0
    demand_factor: float = 1.0
    """Demand expected at ``price`` relative to the current price (what capacity is sized for)."""


@dataclass
class Model:
    """The forward model's fixed inputs for one quarter (all from the observation)."""

    quarters: int
    """T: quarters left in the match, this one included."""
    demand: np.ndarray
    """(T,) own demand expected at the current price (trend forecast)."""
    market: np.ndarray
    """(S, T) sampled multiplier on that forecast."""
    spot: np.ndarray
    """(S, T) sampled spot price of the cheapest eligible market, $M per kGPU-quarter."""
    spot_level: float
    committed: np.ndarray
    """(T,) reserved kGPU already contracted."""
    committed_pay: np.ndarray
    owned: np.ndarray
    """(T,) owned capacity expected usable."""
    run_cost: float
    """$M per owned kGPU-quarter: power and upkeep."""
    reserve_price: float
    """$M per kGPU-quarter a later contract would cost (cheapest eligible 2-year list)."""
    efficiency: float
    share: float
    price: float
    reputation: float
    sensitivity: float
    opex: float
    quality: float
    quality_growth: float
    market_demand: np.ndarray
    """(T,) whole-market demand expected (for training intensity)."""
    facts: MarketFacts
    cash: float
    headroom: float
    """Credit still free: how far cash may fall below zero before bankruptcy."""
    past_profit: list[float]
    profit_ref: float
    capex: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(1))
    """(T,) instalments and chips still due on the data centres already started."""
    book: float = 0.0
    """Book value at the end of what ``capex`` buys."""
    training_now: float = 0.2
    """The training share set now (the quality path the demand forecast assumes)."""


@dataclass
class Plan:
    """A candidate's actions this quarter, as the forward model's inputs."""

    new_reserved: np.ndarray
    new_pay: np.ndarray
    spot_now: float
    spot_limit: float
    """Bid limit relative to the sampled spot index."""
    spot_ratio: float
    """Price of the markets bid on relative to the index."""
    owned_add: np.ndarray
    capex: np.ndarray
    research: np.ndarray
    efficiency: np.ndarray
    """(T,) serving-efficiency multiplier from research completing."""
    book_end: float
    training: float
    buffer: float
    cover: float
    limit_ratio: float


# ----------------------------------------------------------------------------- the model
def build_model(
    obs: Observation,
    memory: Memory,
    book: Book,
    spot: SpotOutlook,
    rng: np.random.Generator,
    samples: int = SAMPLES,
) -> Model:
    me = obs.me
    t_left = max(1, obs.quarters - obs.turn)
    demand = share_demand_path(memory, obs, t_left)
    facts = content_facts()
    market_facts = facts.market.get(obs.scenario, MarketFacts())
    sensitivity, quality_growth = facts.industry.get(me.industry, (1.0, 1.0))
    # Futures of the market: noise, a random drift, and rare surges and slumps that persist.
    noise = rng.normal(0.0, 0.045, size=(samples, t_left))
    drift = rng.normal(0.0, 0.015, size=(samples, 1)) * np.arange(1, t_left + 1)
    shocks = rng.random((samples, t_left))
    surge = np.where(shocks < 0.05, 0.22, np.where(shocks > 0.96, -0.15, 0.0))
    decay = 0.85 ** np.arange(t_left)
    persistent = np.zeros((samples, t_left))
    for k in range(t_left):
        persistent[:, k:] += surge[:, k : k + 1] * decay[: t_left - k]
    market = np.exp(np.cumsum(noise, axis=1) * 0.6 + drift + persistent)
    providers = eligible_providers(obs)
    if providers:
        level = min(spot.expected[p.id] for p in providers)
        vol = float(np.mean([spot.volatility[p.id] for p in providers]))
        floor = min(p.spot_floor for p in providers)
        open_ = [p.reserved_price[8] for p in providers if p.reserved_free > 0.5]
        reserve_price = min(open_) if open_ else 1.3 * level
    else:
        level, vol, floor, reserve_price = 6.0, 0.2, 2.0, 6.0
    vol = min(max(vol, 0.08), 0.4)
    steps = rng.normal(0.0, vol, size=(samples, t_left))
    log_dev = np.zeros((samples, t_left))
    dev = np.zeros(samples)
    for k in range(t_left):
        dev = 0.6 * dev + steps[:, k] + 0.8 * np.maximum(surge[:, k], 0.0)
        log_dev[:, k] = dev
    spot_paths = np.maximum(level * np.exp(log_dev), floor)

    h = min(t_left, HORIZON)
    committed = np.zeros(t_left)
    for schedule in me.reserved_schedule.values():
        n = min(t_left, len(schedule))
        committed[:n] += schedule[:n]
    committed_pay = np.zeros(t_left)
    n = min(t_left, len(me.reserved_payments))
    committed_pay[:n] = me.reserved_payments[:n]
    owned = np.zeros(t_left)
    owned[:h] = book.owned[:h]
    if t_left > h:
        owned[h:] = book.owned[h - 1]
    mwpk = mw_per_kgpu(obs)
    regions = allowed_regions(obs)
    held = [me.datacenter_mw[r] for r, _ in regions]
    if regions and add_up(held) > 0:
        power_price = add_up(
            me.datacenter_mw[r] * region.power_price for r, region in regions
        ) / add_up(held)
    elif regions:
        power_price = min(region.power_price for _, region in regions)
    else:
        power_price = 70.0
    run_cost = (
        mwpk * power_price * HOURS + market_facts.chip_upkeep + mwpk * market_facts.facility_upkeep
    )
    capex, book_end = started_builds(obs, memory, book, owned, market_facts)
    last_demand = memory.demand[-1] if memory.demand else float(demand[0])
    market_now = obs.market_demand if not math.isnan(obs.market_demand) else 40.0
    market_demand = market_now * demand / max(last_demand, 1e-6)
    share = memory.share[-1] if memory.share and memory.share[-1] > 0 else 0.2
    recent = memory.op_profit[-4:]
    profit_ref = max(float(np.mean(recent)) if recent else 10.0, 5.0)
    return Model(
        quarters=t_left,
        demand=demand,
        market=market,
        spot=spot_paths,
        spot_level=level,
        committed=committed,
        committed_pay=committed_pay,
        owned=owned,
        run_cost=run_cost,
        reserve_price=reserve_price,
        efficiency=max(memory.efficiency, known_efficiency(obs), 0.5),
        share=min(max(share, 0.01), 0.9),
        price=me.service_price,
        reputation=me.reputation,
        sensitivity=sensitivity,
        opex=opex_ratio(obs),
        quality=me.quality,
        quality_growth=quality_growth,
        market_demand=market_demand,
        facts=market_facts,
        cash=me.cash,
        headroom=max(me.credit_limit - me.debt, 0.0),
        past_profit=list(memory.op_profit),
        profit_ref=profit_ref,
        training_now=min(max(me.training_share, 0.0), 0.8),
        capex=capex,
        book=book_end,
    )


def started_builds(
    obs: Observation, memory: Memory, book: Book, owned: np.ndarray, facts: MarketFacts
) -> tuple[np.ndarray, float]:
    """Cash still due on the data centres already started, and the chips they will need.

    The instalments run over each site's build quarters from the quarter it was started; the
    chips to fill the powered sites are bought a lead time before the power is ready, and add
    to ``owned`` (in place) from then on. Returns the (T,) payments and their book value at
    the end.
    """
    t_left = len(owned)
    capex = np.zeros(t_left)
    book_end = 0.0
    mwpk = mw_per_kgpu(obs)
    chip_keep = 1.0 - facts.chip_depreciation
    dc_keep = 1.0 - facts.facility_depreciation
    for r, started, mw, _ready in memory.builds:
        if r >= len(obs.regions):
            continue
        region = obs.regions[r]
        quarters = max(region.build_quarters, 1)
        for k in range(quarters):
            t = started + k - obs.turn
            if 0 <= t < t_left:
                capex[t] += mw * region.build_cost_per_mw / quarters
                book_end += mw * region.build_cost_per_mw / quarters * dc_keep ** (t_left - t - 1)
    for r, region in enumerate(obs.regions):
        missing = float(book.power_ready[r]) / mwpk - float(book.chips_planned[r])
        ready = [x[3] for x in memory.builds if x[0] == r and x[3] >= obs.turn]
        chip = best_chip(obs, region)
        if missing <= 0.5 or not ready or chip is None:
            continue
        when = min(ready) - obs.turn
        buy = when - chip.lead_quarters
        if buy <= 1 or buy >= t_left:
            continue  # soon enough that this quarter's executor orders them (in every plan)
        cost = missing / chip.perf * chip.price
        capex[buy] += cost
        book_end += cost * chip_keep ** (t_left - buy)
        owned[min(when + 1, t_left) :] += missing
    return capex, book_end


def dry_run(
    obs: Observation,
    memory: Memory,
    book: Book,
    demand: np.ndarray,
    spot: SpotOutlook,
    style: Style,
    rng: np.random.Generator,
) -> list[Action]:
    """The actions the shared executor would take with ``style`` (nothing is remembered)."""
    mem = copy.copy(memory)
    mem.builds = list(memory.builds)
    mem.pending_reserve = dict(memory.pending_reserve)
    bk = dataclasses.replace(book, chips_planned=book.chips_planned.copy())
    need = capacity_need(obs, mem, demand, style)
    return execute(Context(obs, mem, style, need, spot, bk, rng))


def to_plan(
    obs: Observation, memory: Memory, model: Model, style: Style, actions: list[Action]
) -> Plan:
    """Translate a dry run's actions into the forward model's inputs."""
    t_left = model.quarters
    facts = model.facts
    new_res = np.zeros(t_left)
    new_pay = np.zeros(t_left)
    owned_add = np.zeros(t_left)
    capex = np.zeros(t_left)
    research = np.zeros(t_left)
    eff = np.ones(t_left)
    book_end = 0.0
    spot_qty = 0.0
    spot_cost_ref = 0.0
    spot_limit_sum = 0.0
    providers = {p.id: p for p in obs.providers}
    chips = {c.id: c for c in obs.chips}
    regions = {r.id: r for r in obs.regions}
    techs = {t.id: t for t in obs.me.research}
    chip_keep = 1.0 - facts.chip_depreciation
    dc_keep = 1.0 - facts.facility_depreciation
    mwpk = mw_per_kgpu(obs)
    efficiency_facts = content_facts().efficiency
    index = model.spot_level
    for action in actions:
        if isinstance(action, Reserve):
            provider = providers.get(action.provider)
            if provider is None:
                continue
            lead = memory.reserved_lead.get(action.provider, 1)
            price = provider.reserved_price[action.term]
            end = min(lead + action.term, t_left)
            if lead < t_left:
                new_res[lead:end] += action.quantity
                new_pay[lead:end] += action.quantity * price
        elif isinstance(action, BidSpot):
            provider = providers.get(action.provider)
            expected = provider.spot_price if provider is not None else index
            spot_qty += action.quantity
            spot_cost_ref += action.quantity * expected
            spot_limit_sum += action.quantity * action.max_price
        elif isinstance(action, OrderChips):
            chip = chips.get(action.sku)
            if chip is None:
                continue
            cost = action.quantity * chip.price
            capex[0] += cost
            book_end += cost * chip_keep**t_left
            arrive = min(chip.lead_quarters, t_left)
            owned_add[arrive:] += action.quantity * chip.perf
        elif isinstance(action, OrderNetwork):
            region = regions.get(action.region)
            cost = action.quantity * (region.fabric_price if region is not None else 0.0)
            capex[0] += cost
            book_end += cost * chip_keep**t_left
        elif isinstance(action, BuildDatacenter):
            region = regions.get(action.region)
            if region is None:
                continue
            quarters = max(region.build_quarters, 1)
            total = action.megawatts * region.build_cost_per_mw
            for t in range(min(quarters, t_left)):
                capex[t] += total / quarters
                book_end += total / quarters * dc_keep ** (t_left - t - 1)
            ready = max(region.grid_wait_quarters, region.build_quarters)
            chip = best_chip(obs, region)
            if chip is not None and ready + 1 < t_left:
                perf = action.megawatts / mwpk
                buy = max(ready - chip.lead_quarters, 1)
                cost = perf / chip.perf * chip.price
                capex[buy] += cost
                book_end += cost * chip_keep ** (t_left - buy)
                owned_add[ready + 1 :] += perf
        elif isinstance(action, FundResearch):
            tech = techs.get(action.tech)
            if tech is None:
                continue
            quarters = max(tech.min_quarters, 1)
            research[: min(quarters, t_left)] += action.amount
            gain = efficiency_facts.get(action.tech, 1.0)
            if gain != 1.0 and quarters < t_left:
                eff[quarters:] *= gain
    ratio = spot_cost_ref / spot_qty / index if spot_qty > 0 else 1.0
    limit = spot_limit_sum / spot_qty / index if spot_qty > 0 else 1.0
    return Plan(
        new_reserved=new_res,
        new_pay=new_pay,
        spot_now=spot_qty,
        spot_limit=limit,
        spot_ratio=ratio,
        owned_add=owned_add,
        capex=capex,
        research=research,
        efficiency=eff,
        book_end=book_end,
        training=min(max(style.training_share, 0.0), 0.8),
        buffer=style.buffer,
        cover=min(max(style.reserved_cover, 0.0), 1.0),
        limit_ratio=style.spot_limit,
    )


def quality_factor(model: Model, training: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """(C, T) demand multiplier from each plan's training share, relative to the current one."""
    facts = model.facts
    t_left = model.quarters
    base_need = model.demand / model.efficiency

    def path(share: np.ndarray, buf: np.ndarray) -> np.ndarray:
        q = np.full(share.shape, model.quality)
        out = np.zeros((share.shape[0], t_left))
        for t in range(t_left):
            out[:, t] = q
            training_kgpu = base_need[t] * buf * share / (1.0 - share)
            intensity = training_kgpu / (0.05 * max(model.market_demand[t], 1e-6))
            gain = facts.training_gain * model.quality_growth * np.log1p(intensity)
            q = q * (1.0 - facts.frontier_drift) + gain
        return out

    mine = path(training, buffer)
    current = path(np.array([model.training_now]), buffer[:1])
    appeal = facts.appeal_quality * (np.log1p(mine) - np.log1p(current))
    return np.asarray(np.exp(appeal * (1.0 - model.share)))


def evaluate(model: Model, plans: list[Plan]) -> tuple[np.ndarray, np.ndarray]:
    """Mean value of each plan over the sampled futures, and the price step each sets now.

    The price step is an index into :data:`PRICE_GRID`.
    """
    c = len(plans)
    t_left = model.quarters
    facts = model.facts
    s0 = model.share
    samples = model.market.shape[0]
    stack = np.stack
    new_res = stack([p.new_reserved for p in plans])  # (C, T)
    new_pay = stack([p.new_pay for p in plans])
    owned_add = stack([p.owned_add for p in plans])
    capex = stack([p.capex for p in plans])
    research = stack([p.research for p in plans])
    eff = stack([p.efficiency for p in plans]) * model.efficiency
    training = np.array([p.training for p in plans])[:, None]  # (C, 1)
    buffer = np.array([p.buffer for p in plans])[:, None]
    cover = np.array([p.cover for p in plans])[:, None]
    limit = np.array([p.limit_ratio for p in plans])[:, None]
    spot_limit_now = np.array([p.spot_limit for p in plans])[:, None]
    spot_ratio = np.array([p.spot_ratio for p in plans])[:, None]
    book_end = np.array([p.book_end for p in plans])[:, None]
    qf = quality_factor(model, training[:, 0], buffer[:, 0])  # (C, T)

    prices = np.clip(model.price * PRICE_GRID, MIN_PRICE, MAX_PRICE)  # (G,)
    grid = demand_factor(model, prices, 0.0)  # this quarter: rivals cannot react yet
    sens = model.sensitivity
    b = facts.appeal_reputation * (1.0 - s0)
    rep = np.full((c, samples), model.reputation)
    cash = np.zeros((c, samples))
    low = np.zeros((c, samples))
    profit = np.zeros((c, samples, t_left))
    price_now = np.full(c, model.price)
    steps = np.full(c, int(np.argmin(np.abs(PRICE_GRID - 1.0))))
    level = model.spot_level
    for t in range(t_left):
        base = (model.committed[t] + new_res[:, t] + model.owned[t] + owned_add[:, t])[:, None]
        spot_t = model.spot[None, :, t]  # (1, S)
        quality = qf[:, t : t + 1] * np.exp(b * (rep - model.reputation))  # (C, S)
        wanted = model.demand[t] * model.market[None, :, t] * quality
        if t == 1:
            # From next quarter on, prices move around the one set now, and rivals follow.
            prices = np.clip(price_now[:, None] * PRICE_GRID, MIN_PRICE, MAX_PRICE)  # (C, G)
            grid = demand_factor(model, prices, REACTION)[:, None, :]
            prices = prices[:, None, :]
        want_g = wanted[:, :, None] * grid  # (C, S, G)
        # Capacity is bought before demand is known: for the demand expected at each price.
        seen = model.market[None, :, t - 1] if t > 0 else 1.0
        expect = (model.demand[t] * seen * quality)[:, :, None] * grid
        need = buffer[:, :, None] * expect / ((1.0 - training) * eff[:, t : t + 1])[:, :, None]
        gap = np.maximum(need - base[:, :, None], 0.0)
        if t == 0:
            # Only the spot market delivers this quarter (at the bid's limit, or a part of it).
            won = np.where(spot_t * spot_ratio <= spot_limit_now * level, 1.0, 0.3)[:, :, None]
            filled = gap * won
            fill_cost = filled * (spot_t * spot_ratio)[:, :, None]
        else:
            contracted = gap * cover[:, :, None]
            ok = np.where(spot_t <= limit * level, 1.0, 0.3)[:, :, None]
            on_spot = (gap - contracted) * ok
            filled = contracted + on_spot
            fill_cost = contracted * model.reserve_price + on_spot * spot_t[:, :, None]
        serving = (base[:, :, None] + filled) * ((1.0 - training) * eff[:, t : t + 1])[:, :, None]
        served = np.minimum(serving, want_g)
        revenue = served * prices
        unserved = 1.0 - served / np.maximum(want_g, 1e-9)
        rep_g = rep[:, :, None]
        change = 0.06 * (1.0 - unserved) * (1.0 - rep_g) - 0.5 * unserved * sens * rep_g
        ahead = min(t_left - 1 - t, 8)
        weight = model.profit_ref * (b * ahead * 0.5 + 0.25 * facts.earnings_multiple)
        gain = revenue * (1.0 - model.opex) - fill_cost
        score = gain + weight * change
        if t == 0:
            best = np.argmax(score.mean(axis=1), axis=1)  # one price in every future
            pick = np.broadcast_to(best[:, None], (c, samples))
            price_now = prices[best]
            steps = best
        else:
            pick = np.argmax(score, axis=2)
        chosen = pick[:, :, None]
        gained = np.take_along_axis(gain, chosen, axis=2)[:, :, 0]
        delta = np.take_along_axis(change, chosen, axis=2)[:, :, 0]
        rep = np.clip(rep + delta, 0.0, 1.0)
        op = (
            gained
            - (model.committed_pay[t] + new_pay[:, t])[:, None]
            - (model.owned[t] + owned_add[:, t])[:, None] * model.run_cost
        )
        profit[:, :, t] = op
        cash += op - (capex[:, t] + research[:, t] + model.capex[t])[:, None]
        low = np.minimum(low, cash)
    # Enterprise value at the end: cash, book value, the multiple on the last four quarters.
    window = profit[:, :, max(0, t_left - 4) :]
    past = model.past_profit[len(model.past_profit) - max(0, 4 - t_left) :] if t_left < 4 else []
    earnings = (window.sum(axis=2) + add_up(past)) / min(4, window.shape[2] + len(past))
    value = (
        cash
        + book_end
        + model.book
        + facts.earnings_multiple * np.maximum(earnings, 0.0) * (0.5 + 0.5 * rep)
        - BANKRUPT_PENALTY * (model.cash + low < -SAFE_CREDIT * model.headroom)
    )
    return value.mean(axis=1), steps


# ----------------------------------------------------------------------------- the search
def stance_variants(base: Style, obs: Observation) -> list[Candidate]:
    """Round one: capacity buffer × reserved cover × contract terms."""
    remaining = obs.quarters - obs.turn
    buffers = [base.buffer * 0.92, base.buffer, base.buffer * 1.1]
    if base.buffer > 1.25:
        buffers.append(1.0 + (base.buffer - 1.0) * 0.4)
    covers = [base.reserved_cover]
    terms: list[tuple[str, tuple[tuple[int, float], ...], bool]] = [("arch", base.terms, False)]
    if base.reserved_cover > 0 and "reserved" in obs.mechanics:
        covers = [
            base.reserved_cover * 0.7,
            base.reserved_cover,
            min(base.reserved_cover * 1.3, 1.2),
        ]
        longer = tuple((min(term + 4, 12), w) for term, w in base.terms)
        if longer != base.terms:
            terms.append(("longer", longer, True))
        if remaining < 16:
            terms.append(("to-end", base.terms, True))
    out = []
    for buffer in buffers:
        for cover in covers:
            for name, ladder, end_aware in terms:
                extras = dict(base.extras)
                if end_aware:
                    extras["end_aware"] = 1.0
                style = base.with_(buffer=buffer, reserved_cover=cover, terms=ladder, extras=extras)
                out.append(Candidate(style, f"b{buffer:.2f} c{cover:.2f} {name}"))
    return out


def detail_variants(best: Candidate, base: Style, obs: Observation) -> list[Candidate]:
    """Round two, around the best stance: training share and build size."""
    style = best.style
    out = []
    if "training" in obs.mechanics:
        base_share = style.training_share
        for share in (base_share - 0.1, base_share + 0.1, base_share + 0.2, 0.05):
            share = round(min(max(share, 0.0), 0.5), 3)
            if abs(share - style.training_share) > 1e-6:
                out.append(Candidate(style.with_(training_share=share), f"{best.label} t{share}"))
    if base.owned_target > 0 and {"chips", "datacenters"} <= set(obs.mechanics):
        for scale in (0.0, 1.5, 2.0):
            if scale == 0.0:
                changed = style.with_(owned_target=0.0)
            else:
                changed = style.with_(
                    owned_target=style.owned_target * scale, max_site_mw=style.max_site_mw * scale
                )
            out.append(Candidate(changed, f"{best.label} own{scale}"))
    return out


def demand_factor(model: Model, price: np.ndarray, reaction: float = 0.0) -> np.ndarray:
    """Own demand at ``price`` relative to the current price (the published appeal rule).

    ``reaction``: the share of the move the rivals are expected to have matched.
    """
    ratio = (price / model.price) ** (-model.facts.appeal_price * (1.0 - reaction))
    return np.asarray(ratio / (1.0 - model.share + model.share * ratio))


def choose(
    obs: Observation,
    memory: Memory,
    book: Book,
    demand: np.ndarray,
    spot: SpotOutlook,
    base: Style,
    rng: np.random.Generator,
    budget: float = 0.4,
    samples: int = SAMPLES,
) -> Choice:
    """The plan with the best expected end-of-match value over sampled futures.

    Round one weighs capacity stances and contract terms for the demand expected at today's
    price, and finds the price the best of them sets now. Round two sizes every plan for the
    demand expected at that price and weighs the best stance against changes of training share
    and build size (all on the same sampled futures).
    """
    started = time.perf_counter()
    model = build_model(obs, memory, book, spot, rng, samples)
    prices = np.clip(model.price * PRICE_GRID, MIN_PRICE, MAX_PRICE)

    def plans_for(
        candidates: list[Candidate], path: np.ndarray
    ) -> tuple[list[Candidate], list[Plan]]:
        kept, plans, seen = [], [], set()
        for cand in candidates:
            actions = dry_run(obs, memory, book, path, spot, cand.style, rng)
            key = repr([a.model_dump() for a in actions]) + repr(
                (cand.style.training_share, cand.style.buffer, cand.style.reserved_cover)
            )
            if key in seen:
                continue
            seen.add(key)
            kept.append(cand)
            plans.append(to_plan(obs, memory, model, cand.style, actions))
        return kept, plans

    first, plans = plans_for(stance_variants(base, obs), demand)
    values, steps = evaluate(model, plans)
    i = int(np.argmax(values))
    price = float(prices[steps[i]])
    best = Choice(first[i].style, price, float(values[i]), first[i].label, len(first))
    if time.perf_counter() - started > budget:
        return best
    # A price raised to ration short capacity is no reason to plan for less: size for no less
    # than the demand at today's price, so capacity catches up and the price can come down.
    factor = max(float(demand_factor(model, np.array(price))), 1.0)
    second, plans2 = plans_for([first[i], *detail_variants(first[i], base, obs)], demand * factor)
    values2, steps2 = evaluate(model, plans2)
    j = int(np.argmax(values2))
    return Choice(
        second[j].style,
        float(prices[steps2[j]]),
        float(values2[j]),
        second[j].label,
        len(first) + len(second),
        factor,
    )
