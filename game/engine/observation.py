"""What a bot may see (DESIGN §7): its own full state, the public market, rivals' public figures.

Never rivals' cash, contracts or research, never the world stream. Built-in rivals and
external bots receive exactly the same :class:`Observation`; :meth:`Observation.to_dict` is its
JSON form in the bot protocol.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from game.engine.state import ACTIVE, MatchState, NewsItem, construct
from game.engine.supply import grid_wait
from game.engine.tables import HORIZON, TERMS, World
from game.engine.validate import (
    current_modifiers,
    export_banned,
    fabric_lead,
    sku_output,
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
    """Your infrastructure in one region (arrays cover the next quarters, index 0 = now)."""

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
    """The observing player's own full state.

    Region arrays follow ``Observation.regions`` order, technology arrays follow
    ``tech_ids``; :attr:`holdings` and :attr:`research` give the same data as objects.
    Arrays are read-only.
    """

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
    reserved_schedule: dict[str, np.ndarray]
    """kGPU of reserved capacity per provider for each of the next quarters (index 0 = now)."""
    reserved_payments: np.ndarray
    region_ids: tuple[str, ...]
    chips_perf: np.ndarray
    """(R,) installed accelerators, H-class equivalents."""
    fabric_units: np.ndarray
    datacenter_mw: np.ndarray
    grid_mw: np.ndarray
    queued_mw: np.ndarray
    """(R,) MW still waiting in the grid queue."""
    chips_arriving: np.ndarray
    """(R, 12) accelerators (H-equivalents) arriving in each coming quarter."""
    fabric_arriving: np.ndarray
    datacenter_arriving: np.ndarray
    tech_ids: tuple[str, ...]
    research_spent: np.ndarray
    research_funding: np.ndarray
    research_done: np.ndarray
    research_slipped: np.ndarray
    last: dict[str, float]
    """Last quarter's figures: capacity, reserved, spot, owned, demand, served, revenue, ..."""
    sovereign_only: bool
    _tech_static: tuple[tuple[str, str, float, int, tuple[str, ...], float], ...] = ()
    _tech_extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @cached_property
    def holdings(self) -> tuple[RegionHoldings, ...]:
        """Your infrastructure, region by region."""
        return tuple(
            construct(
                RegionHoldings,
                region=rid,
                chips_perf=float(self.chips_perf[r]),
                fabric_units=float(self.fabric_units[r]),
                datacenter_mw=float(self.datacenter_mw[r]),
                grid_mw=float(self.grid_mw[r]),
                queued_mw=float(self.queued_mw[r]),
                chips_arriving=tuple(self.chips_arriving[r].tolist()),
                fabric_arriving=tuple(self.fabric_arriving[r].tolist()),
                datacenter_arriving=tuple(self.datacenter_arriving[r].tolist()),
            )
            for r, rid in enumerate(self.region_ids)
        )

    @cached_property
    def research(self) -> tuple[TechView, ...]:
        """Every programme with your progress on it."""
        assert self._tech_extra is not None
        extra_cost, extra_quarters, quarters = (a.tolist() for a in self._tech_extra)
        spent = self.research_spent.tolist()
        funding = self.research_funding.tolist()
        done = self.research_done.tolist()
        slipped = self.research_slipped.tolist()
        return tuple(
            construct(
                TechView,
                id=tid,
                name=name,
                cost=cost + extra_cost[i],
                min_quarters=min_q + extra_quarters[i],
                prerequisites=prereqs,
                slip_risk=slip,
                spent=spent[i],
                quarters_funded=quarters[i],
                funding=funding[i],
                done=done[i],
                slipped=slipped[i],
            )
            for i, (tid, name, cost, min_q, prereqs, slip) in enumerate(self._tech_static)
        )


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
        """JSON-ready form (NaN becomes null; arrays become lists)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        me = {
            f.name: getattr(self.me, f.name)
            for f in dataclasses.fields(self.me)
            if not f.name.startswith("_")
        }
        me["holdings"] = [dataclasses.asdict(h) for h in self.me.holdings]
        me["research"] = [dataclasses.asdict(t) for t in self.me.research]
        data["me"] = me
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, NewsItem):
        return {
            "turn": value.turn,
            "category": value.category,
            "headline": value.headline,
            "explain": value.explain,
            "event": value.event,
            "seat": value.seat,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
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
    label: str
    mechanics: tuple[str, ...]
    tech_static: tuple[tuple[str, str, float, int, tuple[str, ...], float], ...]


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
    n_prov = len(world.provider_ids)
    committed = state.reserved_qty.sum(axis=0).tolist()  # (P, L)
    list_prices = (
        np.asarray(mods.apply("provider.list_price", world.prov_list_price)) * np.ones(n_prov)
    ).tolist()
    floors = (
        np.asarray(mods.apply("provider.spot_floor", world.prov_spot_floor)) * np.ones(n_prov)
    ).tolist()
    spot_prices = state.spot_price.tolist()
    discounts = world.scenario.market.reserved_discounts
    rows = state.history.rows()
    last_row = rows[last] if last >= 0 else None
    capacities = (
        last_row["provider_capacity"] if last_row is not None else state.prov_capacity.tolist()
    )
    providers = []
    for p, (pid, name, kind, sovereign, lead, share) in enumerate(_provider_static(world)):
        list_price = list_prices[p]
        capacity = capacities[p]
        pool = share * capacity
        providers.append(
            construct(
                ProviderView,
                id=pid,
                name=name,
                kind=kind,
                sovereign=sovereign,
                spot_price=spot_prices[p],
                spot_floor=floors[p],
                list_price=list_price,
                reserved_price={
                    term: list_price * (1.0 - discounts[i]) for i, term in enumerate(TERMS)
                },
                reserved_free=float(max(pool - max(committed[p][lead + 1 : lead + 5]), 0.0)),
                capacity=capacity,
            )
        )
    outputs = sku_output(state, mods).tolist()
    backlog = state.sku_backlog.tolist()
    vendor_price = mods.mul("vendor.price")
    vendor_lead = mods.add("vendor.lead")
    prices_now = np.asarray(vendor_price, dtype=np.float64).reshape(-1).tolist()
    leads_now = np.asarray(vendor_lead, dtype=np.float64).reshape(-1).tolist()
    chips = []
    for k, (
        sid,
        name,
        vendor,
        generation,
        perf,
        power_kw,
        available_from,
        custom,
        controlled,
        base_price,
        vendor_index,
        base_lead,
    ) in enumerate(_chip_static(world)):
        # chip_unit_price and chip_lead (game.engine.validate), on plain floats
        price = base_price
        lead = base_lead
        if vendor_index >= 0:
            price *= prices_now[vendor_index] if len(prices_now) > 1 else prices_now[0]
            lead += round(leads_now[vendor_index] if len(leads_now) > 1 else leads_now[0])
        output = outputs[k]
        lead += math.ceil(backlog[k] / output) if output > 1e-9 else HORIZON
        chips.append(
            construct(
                ChipView,
                id=sid,
                name=name,
                vendor=vendor,
                generation=generation,
                perf=perf,
                power_kw=power_kw,
                price=price,
                lead_quarters=max(0, min(lead, HORIZON - 1)),
                available=t >= available_from,
                custom=custom,
                export_controlled=controlled,
            )
        )
    n_reg = len(world.region_ids)
    waits = grid_wait(state).tolist()
    banned = export_banned(state, mods).tolist()
    power = (
        np.asarray(mods.apply("region.power_price", world.reg_power_price)) * np.ones(n_reg)
    ).tolist()
    build_costs = np.asarray(
        mods.apply("region.build_cost", world.reg_build_cost), dtype=np.float64
    ).tolist()  # as build_cost_per_mw
    fabric_backlog = state.fabric_backlog.tolist()
    regions = []
    for r, (rid, name, f, build_quarters, fabric_price, ports, sovereign) in enumerate(
        _region_static(world)
    ):
        regions.append(
            construct(
                RegionView,
                id=rid,
                name=name,
                power_price=power[r],
                grid_wait_quarters=int(waits[r]),
                build_cost_per_mw=build_costs[r],
                build_quarters=build_quarters,
                fabric_price=fabric_price,
                fabric_lead_quarters=fabric_lead(state, mods, f, fabric_backlog[f])
                if f >= 0
                else -1,
                ports_per_unit=ports,
                export_banned=banned[r],
                sovereign=sovereign,
            )
        )
    quality = state.quality.tolist()
    top = max(quality) if quality else 1.0
    status = state.status.tolist()
    reputation = state.reputation.tolist()
    service_price = state.service_price.tolist()
    rivals = []
    for seat in range(state.n_players):
        share = last_row["share"][seat] if last_row is not None else math.nan
        tier = 1 + int(min(4, max(0, math.floor(5 * quality[seat] / top - 1e-9)))) if top > 0 else 1
        rivals.append(
            construct(
                RivalView,
                seat=seat,
                name=state.names[seat],
                industry=world.industries[seat].id,
                status="active" if status[seat] == ACTIVE else "bankrupt",
                market_share=share,
                reputation=reputation[seat],
                quality_tier=tier,
                service_price=service_price[seat],
                announcements=tuple(text for _, s, text in state.announcements if s == seat)[-5:],
            )
        )
    columns = list(zip(*(row["spot_price"] for row in rows[:t]), strict=True))
    spot_history = {pid: columns[p] if columns else () for p, pid in enumerate(world.provider_ids)}
    public = construct(
        _Public,
        providers=tuple(providers),
        chips=tuple(chips),
        regions=tuple(regions),
        rivals=tuple(rivals),
        spot_history=spot_history,
        market_demand=last_row["market_demand"][0] if last_row is not None else math.nan,
        news=tuple(n for n in state.news if n.seat is None),
        label=world.quarter_label(t),
        mechanics=tuple(world.scenario.mechanics),
        tech_static=_tech_static(world),
    )
    _cache[:] = [(state, public)]
    return public


_LAST_KEYS = (
    "capacity",
    "reserved",
    "spot",
    "owned",
    "training",
    "demand",
    "served",
    "revenue",
    "costs",
    "operating_profit",
    "share",
    "enterprise_value",
)


def _tech_static(
    world: World,
) -> tuple[tuple[str, str, float, int, tuple[str, ...], float], ...]:
    """Each programme's fixed figures (computed once per world)."""
    cache = world.derived_cache.setdefault("observation", {})
    if "techs" not in cache:
        cache["techs"] = tuple(
            (
                tid,
                world.content.technologies[i].name,
                float(world.tech_cost[i]),
                int(world.tech_min_quarters[i]),
                tuple(world.tech_ids[p] for p in world.tech_prereqs[i]),
                float(world.tech_slip_risk[i]),
            )
            for i, tid in enumerate(world.tech_ids)
        )
    result: tuple[tuple[str, str, float, int, tuple[str, ...], float], ...] = cache["techs"]
    return result


ProviderStatic = tuple[str, str, str, bool, int, float]


def _provider_static(world: World) -> tuple[ProviderStatic, ...]:
    """Each provider's fixed figures: id, name, kind, sovereign, reserved lead, reserved share."""
    cache = world.derived_cache.setdefault("observation", {})
    if "providers" not in cache:
        names = _name_map(world.content.providers)
        kinds = {p.id: p.kind for p in world.content.providers}
        cache["providers"] = tuple(
            (
                pid,
                names[pid],
                kinds[pid],
                bool(world.prov_sovereign[p]),
                int(world.prov_reserved_lead[p]),
                float(world.prov_reserved_share[p]),
            )
            for p, pid in enumerate(world.provider_ids)
        )
    result: tuple[ProviderStatic, ...] = cache["providers"]
    return result


RegionStatic = tuple[str, str, int, int, float, float, bool]


def _region_static(world: World) -> tuple[RegionStatic, ...]:
    """Each region's fixed figures: id, name, fabric index, build quarters, fabric price,
    ports per fabric unit, sovereign."""
    cache = world.derived_cache.setdefault("observation", {})
    if "regions" not in cache:
        names = _name_map(world.content.regions)
        rows = []
        for r, rid in enumerate(world.region_ids):
            f = int(world.reg_fabric[r])
            rows.append(
                (
                    rid,
                    names[rid],
                    f,
                    int(world.reg_build_quarters[r]),
                    float(world.fab_price[f]) if f >= 0 else math.nan,
                    float(world.fab_ports[f]) if f >= 0 else 0.0,
                    bool(world.reg_sovereign[r]),
                )
            )
        cache["regions"] = tuple(rows)
    result: tuple[RegionStatic, ...] = cache["regions"]
    return result


ChipStatic = tuple[str, str, str, int, float, float, int, bool, bool, float, int, int]
"""id, name, vendor, generation, perf, kW, first quarter, custom, export-controlled, list price,
vendor index (-1: none), base lead time."""


def _chip_static(world: World) -> tuple[ChipStatic, ...]:
    """Each chip's fixed figures (computed once per world)."""
    cache = world.derived_cache.setdefault("observation", {})
    if "chips" not in cache:
        names = _name_map(world.content.chips)
        cache["chips"] = tuple(
            (
                sid,
                names[sid],
                world.content.chips[k].vendor,
                int(world.sku_generation[k]),
                float(world.sku_perf[k]),
                float(world.sku_power_kw[k]),
                int(world.sku_available_from[k]),
                bool(world.sku_custom[k]),
                bool(world.sku_controlled[k]),
                float(world.sku_price[k]),
                int(world.sku_vendor[k]),
                int(world.sku_base_lead[k]),
            )
            for k, sid in enumerate(world.sku_ids)
        )
    result: tuple[ChipStatic, ...] = cache["chips"]
    return result


def observe(state: MatchState, seat: int) -> Observation:
    """The observation for ``seat`` at the start of the quarter ``state.turn``."""
    world = state.world
    public = _public(state)
    t = state.turn
    last = t - 1
    waiting = [0.0] * len(world.region_ids)
    for region, owner, mw, _ in state.grid_queue.tolist():  # in queue order, as np.add.at
        if owner == seat:
            waiting[int(region)] += mw
    queued = np.array(waiting)
    if last >= 0:
        row = state.history.row(last)
        last_figures = {k: row[k][seat] for k in _LAST_KEYS}
    else:
        last_figures = dict.fromkeys(_LAST_KEYS, math.nan)
    done_turn = state.research_done[seat]
    me = construct(
        SelfView,
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
            pid: state.reserved_qty[seat, p, :SCHEDULE] for p, pid in enumerate(world.provider_ids)
        },
        reserved_payments=state.reserved_pay[seat, :, :SCHEDULE].sum(axis=0),
        region_ids=world.region_ids,
        chips_perf=state.chips_perf[seat],
        fabric_units=state.fabric_units[seat],
        datacenter_mw=state.dc_mw[seat],
        grid_mw=state.grid_mw[seat],
        queued_mw=queued,
        chips_arriving=state.chip_pipe_perf[:, seat, :, :SCHEDULE].sum(axis=0),
        fabric_arriving=state.fabric_pipe[seat, :, :SCHEDULE],
        datacenter_arriving=state.dc_pipe[seat, :, :SCHEDULE],
        tech_ids=world.tech_ids,
        research_spent=state.research_spent[seat],
        research_funding=state.research_level[seat],
        research_done=(done_turn >= 0) & (done_turn < t),
        research_slipped=state.research_extra_quarters[seat] > 0,
        last=last_figures,
        sovereign_only=bool(world.ind_sovereign[seat]),
        _tech_static=public.tech_static,
        _tech_extra=(
            state.research_extra[seat],
            state.research_extra_quarters[seat],
            state.research_quarters[seat],
        ),
    )
    news = public.news + tuple(n for n in state.news if n.seat == seat)
    return construct(
        Observation,
        turn=t,
        quarters=world.scenario.quarters,
        label=public.label,
        seat=seat,
        scenario=world.scenario.id,
        mechanics=public.mechanics,
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
