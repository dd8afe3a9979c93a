"""What a bot may see (DESIGN §7): its own full state, the public market, rivals' public figures.

Never rivals' cash, contracts or research, never the world stream. Built-in rivals and
external bots receive exactly the same :class:`Observation`; :meth:`Observation.to_dict` is its
JSON form in the bot protocol.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.engine.derived import tech_done
from game.engine.state import ACTIVE, MatchState, NewsItem
from game.engine.supply import grid_wait
from game.engine.tables import TERMS
from game.engine.validate import (
    build_cost_per_mw,
    chip_lead,
    chip_unit_price,
    current_modifiers,
    export_banned,
    fabric_lead,
    reserved_price,
)

SCHEDULE = 12
"""Quarters of a player's own reserved schedule and pipelines shown in its observation."""


@dataclass(frozen=True)
class ProviderView:
    """A cloud provider as the market sees it."""

    id: str
    name: str
    kind: str
    sovereign: bool
    spot_price: float
    """Last quarter's clearing price, $M per kGPU-quarter."""
    spot_floor: float
    list_price: float
    reserved_price: dict[int, float]
    """Price per kGPU-quarter for a contract signed now, by term (4, 8, 12)."""
    reserved_free: float
    """kGPU the provider could still sign for next quarter (an estimate: others bid too)."""
    capacity: float
    """Announced capacity last quarter, kGPU."""


@dataclass(frozen=True)
class ChipView:
    id: str
    name: str
    vendor: str
    generation: int
    perf: float
    power_kw: float
    price: float
    """$M per thousand units, this quarter."""
    lead_quarters: int
    """Quarters until an order placed now arrives (from the vendor's current backlog)."""
    available: bool
    custom: bool
    export_controlled: bool


@dataclass(frozen=True)
class RegionView:
    id: str
    name: str
    power_price: float
    grid_wait_quarters: int
    build_cost_per_mw: float
    build_quarters: int
    fabric_price: float
    fabric_lead_quarters: int
    ports_per_unit: float
    export_banned: bool
    sovereign: bool


@dataclass(frozen=True)
class TechView:
    id: str
    name: str
    cost: float
    min_quarters: int
    prerequisites: tuple[str, ...]
    slip_risk: float
    spent: float
    """Your spending on it so far, $M."""
    quarters_funded: int
    funding: float
    """Your standing funding per quarter, $M."""
    done: bool
    slipped: bool


@dataclass(frozen=True)
class RivalView:
    """What everyone knows about another player."""

    seat: int
    name: str
    industry: str
    status: str
    market_share: float
    reputation: float
    quality_tier: int
    """1 (behind) to 5 (frontier), bucketed so exact quality stays private."""
    service_price: float
    announcements: tuple[str, ...]


@dataclass(frozen=True)
class RegionHoldings:
    region: str
    chips_perf: float
    fabric_units: float
    datacenter_mw: float
    grid_mw: float
    queued_mw: float
    chips_arriving: tuple[float, ...]
    fabric_arriving: tuple[float, ...]
    datacenter_arriving: tuple[float, ...]


@dataclass(frozen=True)
class SelfView:
    """The observing player's own full state."""

    seat: int
    name: str
    industry: str
    status: str
    cash: float
    debt: float
    credit_limit: float
    reputation: float
    quality: float
    service_price: float
    training_share: float
    reserved_schedule: dict[str, tuple[float, ...]]
    """kGPU of reserved capacity per provider for each of the next quarters (index 0 = now)."""
    reserved_payments: tuple[float, ...]
    holdings: tuple[RegionHoldings, ...]
    research: tuple[TechView, ...]
    last: dict[str, float]
    """Last quarter's figures: capacity, reserved, spot, owned, demand, served, revenue, ..."""
    sovereign_only: bool


@dataclass(frozen=True)
class Observation:
    """Everything one seat may know at the start of a quarter."""

    turn: int
    quarters: int
    label: str
    seat: int
    scenario: str
    mechanics: tuple[str, ...]
    me: SelfView
    providers: tuple[ProviderView, ...]
    chips: tuple[ChipView, ...]
    regions: tuple[RegionView, ...]
    rivals: tuple[RivalView, ...]
    market_demand: float
    """Last quarter's whole-market demand, kGPU (NaN before the first quarter)."""
    spot_history: dict[str, tuple[float, ...]]
    news: tuple[NewsItem, ...]
    rejected: tuple[tuple[str, str, str], ...]
    """Your actions rejected last quarter: (type, reason code, message)."""

    def provider(self, provider_id: str) -> ProviderView:
        return next(p for p in self.providers if p.id == provider_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN becomes null)."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    return value


@dataclass(frozen=True)
class _Public:
    providers: tuple[ProviderView, ...]
    chips: tuple[ChipView, ...]
    regions: tuple[RegionView, ...]
    rivals: tuple[RivalView, ...]
    spot_history: dict[str, tuple[float, ...]]
    market_demand: float
    news: tuple[NewsItem, ...]


_cache: list[tuple[MatchState, _Public]] = []


def _name_map(items: Any) -> dict[str, str]:
    return {x.id: x.name for x in items}


def _public(state: MatchState) -> _Public:
    if _cache and _cache[0][0] is state:
        return _cache[0][1]
    world = state.world
    mods = current_modifiers(state)
    t = state.turn
    last = t - 1
    provider_names = _name_map(world.content.providers)
    kinds = {p.id: p.kind for p in world.content.providers}
    committed = state.reserved_qty.sum(axis=0)
    providers = []
    for p, pid in enumerate(world.provider_ids):
        list_price = float(np.asarray(mods.apply("provider.list_price", world.prov_list_price))[p])
        capacity = (
            float(state.history["provider_capacity"][last, p])
            if last >= 0
            else float(state.prov_capacity[p])
        )
        lead = int(world.prov_reserved_lead[p])
        pool = world.prov_reserved_share[p] * capacity
        providers.append(
            ProviderView(
                id=pid,
                name=provider_names[pid],
                kind=kinds[pid],
                sovereign=bool(world.prov_sovereign[p]),
                spot_price=float(state.spot_price[p]),
                spot_floor=float(
                    np.asarray(mods.apply("provider.spot_floor", world.prov_spot_floor))[p]
                ),
                list_price=list_price,
                reserved_price={term: reserved_price(state, mods, p, term) for term in TERMS},
                reserved_free=float(max(pool - committed[p, lead + 1 : lead + 5].max(), 0.0)),
                capacity=capacity,
            )
        )
    chip_names = _name_map(world.content.chips)
    chips = tuple(
        ChipView(
            id=sid,
            name=chip_names[sid],
            vendor=world.content.chips[k].vendor,
            generation=int(world.sku_generation[k]),
            perf=float(world.sku_perf[k]),
            power_kw=float(world.sku_power_kw[k]),
            price=chip_unit_price(state, mods, k),
            lead_quarters=chip_lead(state, mods, k, float(state.sku_backlog[k])),
            available=bool(t >= world.sku_available_from[k]),
            custom=bool(world.sku_custom[k]),
            export_controlled=bool(world.sku_controlled[k]),
        )
        for k, sid in enumerate(world.sku_ids)
    )
    region_names = _name_map(world.content.regions)
    waits = grid_wait(state)
    banned = export_banned(state, mods)
    power = np.asarray(mods.apply("region.power_price", world.reg_power_price)) * np.ones(
        len(world.region_ids)
    )
    regions = []
    for r, rid in enumerate(world.region_ids):
        f = int(world.reg_fabric[r])
        regions.append(
            RegionView(
                id=rid,
                name=region_names[rid],
                power_price=float(power[r]),
                grid_wait_quarters=int(waits[r]),
                build_cost_per_mw=build_cost_per_mw(state, mods, r),
                build_quarters=int(world.reg_build_quarters[r]),
                fabric_price=float(world.fab_price[f]) if f >= 0 else math.nan,
                fabric_lead_quarters=fabric_lead(state, mods, f, float(state.fabric_backlog[f]))
                if f >= 0
                else -1,
                ports_per_unit=float(world.fab_ports[f]) if f >= 0 else 0.0,
                export_banned=bool(banned[r]),
                sovereign=bool(world.reg_sovereign[r]),
            )
        )
    quality = state.quality
    top = float(quality.max()) if quality.size else 1.0
    rivals = []
    for seat in range(state.n_players):
        share = float(state.history["share"][last, seat]) if last >= 0 else math.nan
        tier = 1 + int(min(4, max(0, math.floor(5 * quality[seat] / top - 1e-9)))) if top > 0 else 1
        rivals.append(
            RivalView(
                seat=seat,
                name=state.names[seat],
                industry=world.industries[seat].id,
                status="active" if state.status[seat] == ACTIVE else "bankrupt",
                market_share=share,
                reputation=float(state.reputation[seat]),
                quality_tier=tier,
                service_price=float(state.service_price[seat]),
                announcements=tuple(text for _, s, text in state.announcements if s == seat)[-5:],
            )
        )
    spot_history = {
        pid: tuple(float(x) for x in state.history["spot_price"][:t, p])
        for p, pid in enumerate(world.provider_ids)
    }
    public = _Public(
        providers=tuple(providers),
        chips=chips,
        regions=tuple(regions),
        rivals=tuple(rivals),
        spot_history=spot_history,
        market_demand=float(state.history["market_demand"][last, 0]) if last >= 0 else math.nan,
        news=tuple(n for n in state.news if n.seat is None),
    )
    _cache[:] = [(state, public)]
    return public


def observe(state: MatchState, seat: int) -> Observation:
    """The observation for ``seat`` at the start of the quarter ``state.turn``."""
    world = state.world
    public = _public(state)
    t = state.turn
    last = t - 1
    done = tech_done(state)[seat]
    queued = np.zeros(len(world.region_ids))
    for row in state.grid_queue:
        if int(row[1]) == seat:
            queued[int(row[0])] += row[2]
    holdings = tuple(
        RegionHoldings(
            region=rid,
            chips_perf=float(state.chips_perf[seat, r]),
            fabric_units=float(state.fabric_units[seat, r]),
            datacenter_mw=float(state.dc_mw[seat, r]),
            grid_mw=float(state.grid_mw[seat, r]),
            queued_mw=float(queued[r]),
            chips_arriving=tuple(
                float(x)
                for x in state.chip_pipe_perf[:, seat, r, :SCHEDULE].sum(axis=0)
            ),
            fabric_arriving=tuple(float(x) for x in state.fabric_pipe[seat, r, :SCHEDULE]),
            datacenter_arriving=tuple(float(x) for x in state.dc_pipe[seat, r, :SCHEDULE]),
        )
        for r, rid in enumerate(world.region_ids)
    )
    techs = tuple(
        TechView(
            id=tid,
            name=world.content.technologies[i].name,
            cost=float(world.tech_cost[i] + state.research_extra[seat, i]),
            min_quarters=int(world.tech_min_quarters[i] + state.research_extra_quarters[seat, i]),
            prerequisites=tuple(world.tech_ids[p] for p in world.tech_prereqs[i]),
            slip_risk=float(world.tech_slip_risk[i]),
            spent=float(state.research_spent[seat, i]),
            quarters_funded=int(state.research_quarters[seat, i]),
            funding=float(state.research_level[seat, i]),
            done=bool(done[i]),
            slipped=bool(state.research_extra_quarters[seat, i] > 0),
        )
        for i, tid in enumerate(world.tech_ids)
    )
    h = state.history
    keys = ("capacity", "reserved", "spot", "owned", "training", "demand", "served", "revenue",
            "costs", "operating_profit", "share", "enterprise_value")
    last_figures = {k: float(h[k][last, seat]) if last >= 0 else math.nan for k in keys}
    me = SelfView(
        seat=seat,
        name=state.names[seat],
        industry=world.industries[seat].id,
        status="active" if state.status[seat] == ACTIVE else "bankrupt",
        cash=float(state.cash[seat]),
        debt=float(state.debt[seat]),
        credit_limit=float(state.credit_limit[seat]),
        reputation=float(state.reputation[seat]),
        quality=float(state.quality[seat]),
        service_price=float(state.service_price[seat]),
        training_share=float(state.training_share[seat]),
        reserved_schedule={
            pid: tuple(float(x) for x in state.reserved_qty[seat, p, :SCHEDULE])
            for p, pid in enumerate(world.provider_ids)
        },
        reserved_payments=tuple(float(x) for x in state.reserved_pay[seat, :, :SCHEDULE].sum(axis=0)),
        holdings=holdings,
        research=techs,
        last=last_figures,
        sovereign_only=bool(world.ind_sovereign[seat]),
    )
    news = public.news + tuple(n for n in state.news if n.seat == seat)
    return Observation(
        turn=t,
        quarters=world.scenario.quarters,
        label=world.quarter_label(t),
        seat=seat,
        scenario=world.scenario.id,
        mechanics=tuple(m for m in world.scenario.mechanics),
        me=me,
        providers=public.providers,
        chips=public.chips,
        regions=public.regions,
        rivals=tuple(r for r in public.rivals if r.seat != seat),
        market_demand=public.market_demand,
        spot_history=public.spot_history,
        news=news,
        rejected=state.rejected[seat] if seat < len(state.rejected) else (),
    )
