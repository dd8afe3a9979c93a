"""The static world of a match: content and scenario compiled into numpy tables.

A :class:`World` never changes during a match. Entities are addressed by index along fixed axes
(providers ``P``, regions ``R``, chip SKUs ``K``, fabrics ``F``, technologies ``T``, events ``E``)
in content order, so the engine never depends on dict or set iteration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from game.rules.inplay import acts_on_nothing
from game.rules.loader import match_content_hash
from game.rules.models import (
    BuildSpeedEffect,
    Content,
    EfficiencyEffect,
    Event,
    Industry,
    OffloadEffect,
    OutageHedgeEffect,
    PortsEffect,
    PowerEffect,
    QualityEffect,
    Scenario,
    SpotDiscountEffect,
    Technology,
    UnlockSkuEffect,
)

_T = TypeVar("_T")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

HORIZON = 24
"""Length of every delay line, in quarters: the longest contract (4-quarter lead + 12-quarter
term) and the longest build fit; chip and fabric lead times are capped just below it."""

HOURS_PER_QUARTER = 2190.0
TERMS = (4, 8, 12)


def _frozen(values: object, dtype: type = np.float64) -> NDArray[Any]:
    array: NDArray[Any] = np.array(values, dtype=dtype)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class TechTable:
    """Technology effects as arrays over the tech axis, for fast per-player products."""

    log_efficiency: FloatArray
    log_power: FloatArray
    log_quality: FloatArray
    log_spot_discount: FloatArray
    log_ports: FloatArray
    outage_hedge: FloatArray
    offload_share: FloatArray
    offload_cost: FloatArray
    build_speed: IntArray
    unlocks: dict[int, int]
    """SKU index → tech index that unlocks it (custom chips)."""

    @cached_property
    def log_matrix(self) -> FloatArray:
        """(T, 5) logs of efficiency, power, quality, spot discount and ports multipliers."""
        return np.stack(
            [
                self.log_efficiency,
                self.log_power,
                self.log_quality,
                self.log_spot_discount,
                self.log_ports,
            ],
            axis=1,
        )


@dataclass(frozen=True, eq=False)
class World:
    """Everything static about a match, addressed by index."""

    content: Content
    scenario: Scenario
    content_hash: str
    industries: tuple[Industry, ...]
    """Industry of each seat."""
    provider_ids: tuple[str, ...]
    region_ids: tuple[str, ...]
    sku_ids: tuple[str, ...]
    fabric_ids: tuple[str, ...]
    tech_ids: tuple[str, ...]
    event_ids: tuple[str, ...]
    vendor_ids: tuple[str, ...]
    foundry_ids: tuple[str, ...]
    mechanics: frozenset[str]

    # providers (P,)
    prov_capacity0: FloatArray
    prov_growth: FloatArray
    prov_reliability: FloatArray
    prov_outage_severity: FloatArray
    prov_list_price: FloatArray
    prov_spot_floor: FloatArray
    prov_cap_multiple: FloatArray
    prov_reserved_share: FloatArray
    prov_reserved_lead: IntArray
    prov_background0: FloatArray
    prov_background_growth: FloatArray
    prov_elasticity: FloatArray
    prov_priority: tuple[str, ...]
    prov_sovereign: BoolArray
    prov_regions: tuple[tuple[int, ...], ...]

    # regions (R,)
    reg_power_price: FloatArray
    reg_queue_quarters: FloatArray
    reg_interconnect: FloatArray
    reg_background_requests: FloatArray
    reg_build_cost: FloatArray
    reg_build_quarters: IntArray
    reg_export_restricted: BoolArray
    reg_sovereign: BoolArray
    reg_fabric: IntArray

    # skus (K,)
    sku_vendor: IntArray
    """Index into vendor_ids, or -1 for a custom SKU made in a foundry."""
    sku_foundry: IntArray
    sku_generation: IntArray
    sku_available_from: IntArray
    sku_perf: FloatArray
    sku_power_kw: FloatArray
    sku_price: FloatArray
    sku_output: FloatArray
    sku_custom: BoolArray
    sku_controlled: BoolArray
    sku_base_lead: IntArray
    sku_background_backlog: FloatArray

    # fabrics (F,)
    fab_ports: FloatArray
    fab_price: FloatArray
    fab_output: FloatArray
    fab_base_lead: IntArray
    fab_background_backlog: FloatArray

    # foundries
    foundry_background_share: FloatArray

    # technologies (T,)
    tech_cost: FloatArray
    tech_min_quarters: IntArray
    tech_slip_risk: FloatArray
    tech_slip_quarters: IntArray
    tech_slip_cost: FloatArray
    tech_prereqs: tuple[tuple[int, ...], ...]
    techs: TechTable

    # seats (N,)
    ind_operating_cost: FloatArray
    ind_quality_growth: FloatArray
    ind_priority: FloatArray
    ind_outage_sensitivity: FloatArray
    ind_sovereign: BoolArray
    ind_brand: FloatArray
    ind_credit_limit: FloatArray

    events: tuple[Event, ...]
    event_enabled: BoolArray
    event_probability: FloatArray
    event_min_turn: IntArray
    event_max_turn: IntArray
    event_cooldown: IntArray
    event_once: BoolArray
    scripted: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def n_players(self) -> int:
        return len(self.industries)

    @cached_property
    def derived_cache(self) -> dict[str, Any]:
        """Figures the engine derives from this world and reuses (compiled effects, research)."""
        return {}

    def once(self, key: str, build: Callable[[World], _T]) -> _T:
        """``build(self)``, worked out on first use and kept with this world under ``key``.

        A World never changes (and one serves every match on the same content and scenario),
        so a phase turns the tables it reads every quarter into plain Python lists only once.
        """
        cache = self.derived_cache
        if key in cache:
            found: _T = cache[key]
            return found
        value = cache[key] = build(self)
        return value

    @cached_property
    def provider_names(self) -> dict[str, str]:
        """Display name of each provider id."""
        return {p.id: p.name for p in self.content.providers}

    @cached_property
    def event_titles(self) -> tuple[str, ...]:
        return tuple(e.title for e in self.events)

    @cached_property
    def provider_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.provider_ids)}

    @cached_property
    def region_index(self) -> dict[str, int]:
        return {rid: i for i, rid in enumerate(self.region_ids)}

    @cached_property
    def sku_index(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.sku_ids)}

    @cached_property
    def tech_index(self) -> dict[str, int]:
        return {tid: i for i, tid in enumerate(self.tech_ids)}

    @cached_property
    def event_index(self) -> dict[str, int]:
        return {eid: i for i, eid in enumerate(self.event_ids)}

    def quarter_label(self, turn: int) -> str:
        """``"2027 Q3"`` for a turn index."""
        q0 = self.scenario.start_quarter - 1 + turn
        return f"{self.scenario.start_year + q0 // 4} Q{q0 % 4 + 1}"


def _tech_table(techs: tuple[Technology, ...], sku_index: dict[str, int]) -> TechTable:
    n = len(techs)
    log_eff = np.zeros(n)
    log_pow = np.zeros(n)
    log_q = np.zeros(n)
    log_spot = np.zeros(n)
    log_ports = np.zeros(n)
    hedge = np.zeros(n)
    offload = np.zeros(n)
    offload_cost = np.zeros(n)
    build = np.zeros(n, dtype=np.int64)
    unlocks: dict[int, int] = {}
    for t, tech in enumerate(techs):
        for eff in tech.effects:
            if isinstance(eff, EfficiencyEffect):
                log_eff[t] += np.log(eff.multiplier)
            elif isinstance(eff, PowerEffect):
                log_pow[t] += np.log(eff.multiplier)
            elif isinstance(eff, QualityEffect):
                log_q[t] += np.log(eff.multiplier)
            elif isinstance(eff, SpotDiscountEffect):
                log_spot[t] += np.log(eff.multiplier)
            elif isinstance(eff, PortsEffect):
                log_ports[t] += np.log(eff.multiplier)
            elif isinstance(eff, OutageHedgeEffect):
                hedge[t] = max(hedge[t], eff.recovered)
            elif isinstance(eff, OffloadEffect):
                offload[t] += eff.share
                offload_cost[t] = eff.cost_per_kgpu
            elif isinstance(eff, BuildSpeedEffect):
                build[t] += eff.quarters
            elif isinstance(eff, UnlockSkuEffect) and eff.sku in sku_index:
                unlocks[sku_index[eff.sku]] = t
    arrays = [log_eff, log_pow, log_q, log_spot, log_ports, hedge, offload, offload_cost, build]
    for array in arrays:
        array.flags.writeable = False
    return TechTable(
        log_eff, log_pow, log_q, log_spot, log_ports, hedge, offload, offload_cost, build, unlocks
    )


def build_world(content: Content, scenario: Scenario) -> World:
    """Compile ``content`` for ``scenario`` into index-addressed tables."""
    industries = {ind.id: ind for ind in content.industries}
    seats = tuple(industries[seat.industry] for seat in scenario.seats)
    providers = [p for p in content.providers if scenario.plays(p)]
    regions = [r for r in content.regions if scenario.regions is None or r.id in scenario.regions]
    region_index = {r.id: i for i, r in enumerate(regions)}
    vendor_ids = tuple(v.id for v in content.vendors)
    vendor_index = {v: i for i, v in enumerate(vendor_ids)}
    foundry_ids = tuple(f.id for f in content.foundries)
    foundry_index = {f: i for i, f in enumerate(foundry_ids)}
    vendors = {v.id: v for v in content.vendors}
    foundries = {f.id: f for f in content.foundries}
    chips = content.chips
    sku_index = {c.id: i for i, c in enumerate(chips)}
    fabrics = content.fabrics
    fabric_of_region = np.full(len(regions), -1, dtype=np.int64)
    for f, fab in enumerate(fabrics):
        for rid in fab.regions:
            if rid in region_index and fabric_of_region[region_index[rid]] < 0:
                fabric_of_region[region_index[rid]] = f
    techs = content.technologies
    tech_index = {t.id: i for i, t in enumerate(techs)}
    events = content.events
    event_index = {e.id: i for i, e in enumerate(events)}
    # An event that acts only on providers or regions this scenario does not have never
    # starts at random: its news would tell of a shock to a market nobody plays in.
    playing = {"provider": {p.id for p in providers}, "region": set(region_index)}
    enabled = np.array(
        [
            scenario.lets_fire_at_random(e.id) and not acts_on_nothing(e, content, playing)
            for e in events
        ],
        dtype=bool,
    )
    enabled.flags.writeable = False
    scripted: dict[int, list[int]] = {}
    for item in scenario.scripted_events:
        if item.event in event_index:
            scripted.setdefault(item.turn, []).append(event_index[item.event])

    def lead_of(chip_vendor: str) -> int:
        if chip_vendor in vendors:
            return vendors[chip_vendor].base_lead
        return foundries[chip_vendor].base_lead if chip_vendor in foundries else 2

    def backlog_of(chip_vendor: str) -> float:
        return vendors[chip_vendor].background_backlog_quarters if chip_vendor in vendors else 0.0

    return World(
        content=content,
        scenario=scenario,
        content_hash=match_content_hash(content, scenario.id),
        industries=seats,
        provider_ids=tuple(p.id for p in providers),
        region_ids=tuple(r.id for r in regions),
        sku_ids=tuple(c.id for c in chips),
        fabric_ids=tuple(f.id for f in fabrics),
        tech_ids=tuple(t.id for t in techs),
        event_ids=tuple(e.id for e in events),
        vendor_ids=vendor_ids,
        foundry_ids=foundry_ids,
        mechanics=frozenset(scenario.mechanics),
        prov_capacity0=_frozen(
            [p.starting_capacity * scenario.capacity_multiplier for p in providers]
        ),
        prov_growth=_frozen([p.growth * scenario.provider_growth_multiplier for p in providers]),
        prov_reliability=_frozen([p.reliability for p in providers]),
        prov_outage_severity=_frozen([p.outage_severity for p in providers]),
        prov_list_price=_frozen([p.list_price for p in providers]),
        prov_spot_floor=_frozen([p.spot_floor for p in providers]),
        prov_cap_multiple=_frozen([p.spot_cap_multiple for p in providers]),
        prov_reserved_share=_frozen([p.reserved_share for p in providers]),
        prov_reserved_lead=_frozen([p.reserved_lead for p in providers], np.int64),
        prov_background0=_frozen([p.background_demand for p in providers]),
        prov_background_growth=_frozen(
            [p.background_growth * scenario.background_growth_multiplier for p in providers]
        ),
        prov_elasticity=_frozen(
            [scenario.price_elasticity or p.price_elasticity for p in providers]
        ),
        prov_priority=tuple(p.priority for p in providers),
        prov_sovereign=_frozen([p.sovereign for p in providers], np.bool_),
        prov_regions=tuple(
            tuple(region_index[r] for r in p.regions if r in region_index) for p in providers
        ),
        reg_power_price=_frozen([r.power_price for r in regions]),
        reg_queue_quarters=_frozen([r.grid_queue_quarters for r in regions]),
        reg_interconnect=_frozen([r.interconnect_mw_per_quarter for r in regions]),
        reg_background_requests=_frozen([r.background_requests_mw for r in regions]),
        reg_build_cost=_frozen(
            [r.build_cost_multiplier * scenario.market.build_cost_per_mw for r in regions]
        ),
        reg_build_quarters=_frozen([r.build_quarters for r in regions], np.int64),
        reg_export_restricted=_frozen([r.export_restricted for r in regions], np.bool_),
        reg_sovereign=_frozen([r.sovereign for r in regions], np.bool_),
        reg_fabric=_frozen(fabric_of_region, np.int64),
        sku_vendor=_frozen([vendor_index.get(c.vendor, -1) for c in chips], np.int64),
        sku_foundry=_frozen([foundry_index.get(c.vendor, -1) for c in chips], np.int64),
        sku_generation=_frozen([c.generation for c in chips], np.int64),
        sku_available_from=_frozen([c.available_from for c in chips], np.int64),
        sku_perf=_frozen([c.perf for c in chips]),
        sku_power_kw=_frozen([c.power_kw for c in chips]),
        sku_price=_frozen([c.price for c in chips]),
        sku_output=_frozen(
            [
                c.output_per_quarter
                * (1 - foundries[c.vendor].background_share if c.vendor in foundries else 1.0)
                for c in chips
            ]
        ),
        sku_custom=_frozen([c.custom for c in chips], np.bool_),
        sku_controlled=_frozen([c.export_controlled for c in chips], np.bool_),
        sku_base_lead=_frozen([lead_of(c.vendor) for c in chips], np.int64),
        sku_background_backlog=_frozen([backlog_of(c.vendor) for c in chips]),
        fab_ports=_frozen([f.ports_per_unit for f in fabrics]),
        fab_price=_frozen([f.price for f in fabrics]),
        fab_output=_frozen([f.output_per_quarter for f in fabrics]),
        fab_base_lead=_frozen([f.base_lead for f in fabrics], np.int64),
        fab_background_backlog=_frozen([f.background_backlog_quarters for f in fabrics]),
        foundry_background_share=_frozen([f.background_share for f in content.foundries]),
        tech_cost=_frozen([t.cost for t in techs]),
        tech_min_quarters=_frozen([t.min_quarters for t in techs], np.int64),
        tech_slip_risk=_frozen([t.slip_risk for t in techs]),
        tech_slip_quarters=_frozen([t.slip_quarters for t in techs], np.int64),
        tech_slip_cost=_frozen([t.slip_cost for t in techs]),
        tech_prereqs=tuple(
            tuple(tech_index[p] for p in t.prerequisites if p in tech_index) for t in techs
        ),
        techs=_tech_table(techs, sku_index),
        ind_operating_cost=_frozen([i.operating_cost_ratio for i in seats]),
        ind_quality_growth=_frozen([i.quality_growth for i in seats]),
        ind_priority=_frozen([i.provider_priority for i in seats]),
        ind_outage_sensitivity=_frozen([i.outage_sensitivity for i in seats]),
        ind_sovereign=_frozen([i.sovereign_only for i in seats], np.bool_),
        ind_brand=_frozen([i.brand for i in seats]),
        ind_credit_limit=_frozen([i.credit_limit for i in seats]),
        events=events,
        event_enabled=enabled,
        event_probability=_frozen(
            [min(1.0, e.probability * scenario.event_probability_scale) for e in events]
        ),
        event_min_turn=_frozen([e.min_turn for e in events], np.int64),
        event_max_turn=_frozen([e.max_turn for e in events], np.int64),
        event_cooldown=_frozen([e.cooldown for e in events], np.int64),
        event_once=_frozen([e.once for e in events], np.bool_),
        scripted={turn: tuple(ids) for turn, ids in sorted(scripted.items())},
    )
