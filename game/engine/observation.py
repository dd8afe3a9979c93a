"""``observe(state, seat)``: the observation of one seat, built fast and bit for bit.

The types (what a bot may see, and their JSON form) live in :mod:`game.engine.views`; this
module builds them from a match state and re-exports them, so ``from game.engine.observation
import Observation`` keeps working.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from game.engine.modifiers import Modifiers, in_force
from game.engine.state import ACTIVE, ActiveEffect, MatchState, NewsItem, construct_from
from game.engine.supply import RELEASED_MW
from game.engine.tables import HORIZON, TERMS, World
from game.engine.validate import export_banned, sku_output
from game.engine.views import (
    _CACHE_LIMIT,
    SCHEDULE,
    ChipView,
    Observation,
    ProviderView,
    RegionHoldings,
    RegionView,
    RivalView,
    SelfView,
    TechStatic,
    TechView,
)

__all__ = [
    "SCHEDULE",
    "ChipView",
    "Observation",
    "ProviderView",
    "RegionHoldings",
    "RegionView",
    "RivalView",
    "SelfView",
    "TechView",
    "observe",
]

# --------------------------------------------------------------------------- building them
#
# ``observe`` runs for every seat every quarter, so it is built for speed without changing a
# single value:
#
# - what depends only on the world (names, ids, fixed figures) is prepared once per world
#   (:class:`_WorldFigures`), and what depends only on the event effects in force (prices under
#   shocks, vendor lead times, export bans) once per set of effects (:class:`_MarketFigures`,
#   kept in the effects' ``memo``);
# - the public part (providers, chips, regions, rivals, history) is built once per state and
#   shared by every seat; chip and region views, whose few changing figures (a lead time, a grid
#   wait) repeat from quarter to quarter, are reused while those figures are unchanged, and so
#   are a seat's research programme views; rivals and the price history, which most bots never
#   read, are built when first read (:class:`_Deferred`);
# - seat arrays that need arithmetic (chips arriving, research done) are computed for all seats
#   in one numpy call per state, then each seat gets its own copy; those few bots read (payments
#   due, slipped programmes) are worked out for the one seat when first read (:class:`_Deferred`);
# - records are made from a prepared dict (:func:`_new`) rather than through ``__init__``;
# - figures are read from numpy once (``tolist``) and handled as plain Python numbers, with the
#   same arithmetic in the same order as before.


_add = np.add.reduce
"""``ndarray.sum`` without its Python wrapper (the same reduction)."""


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


class _WorldFigures:
    """Everything the observation needs that only depends on the world (built once per world)."""

    def __init__(self, world: World) -> None:
        content = world.content
        self.provider_ids = world.provider_ids
        self.n_regions = len(world.region_ids)
        nothing_queued = np.zeros(self.n_regions, dtype=np.int64)
        nothing_queued.setflags(write=False)
        self.nothing_queued = nothing_queued
        """``grid_ready_quarters`` of a seat with nothing in the grid queue (read-only: shared)."""
        self.scenario = world.scenario.id
        self.quarters = world.scenario.quarters
        self.mechanics = tuple(world.scenario.mechanics)
        self.industries = tuple(industry.id for industry in world.industries)
        self.sovereign_only = [bool(x) for x in world.ind_sovereign.tolist()]

        provider_names = {p.id: p.name for p in content.providers}
        kinds = {p.id: p.kind for p in content.providers}
        leads = [int(x) for x in world.prov_reserved_lead.tolist()]
        self.providers = tuple(
            (pid, provider_names[pid], kinds[pid], bool(world.prov_sovereign[p]))
            for p, pid in enumerate(world.provider_ids)
        )
        self.reserved_shares = [float(x) for x in world.prov_reserved_share.tolist()]
        # Reserved capacity committed for a provider's next contract window is read from columns
        # lead + 1 .. lead + 4 of the contract book: only those columns are summed over seats.
        # (A negative lead would index from the end: then the whole book is read.)
        self.window_start = min(leads) + 1 if leads and min(leads) >= 0 else 0
        self.window_stop = max(leads) + 5 if leads and min(leads) >= 0 else HORIZON
        self.windows = [
            (lead + 1 - self.window_start, lead + 5 - self.window_start) for lead in leads
        ]

        chip_names = {c.id: c.name for c in content.chips}
        self.chips: tuple[tuple[str, str, str, int, float, float, bool, bool], ...] = tuple(
            (
                sid,
                chip_names[sid],
                content.chips[k].vendor,
                int(world.sku_generation[k]),
                float(world.sku_perf[k]),
                float(world.sku_power_kw[k]),
                bool(world.sku_custom[k]),
                bool(world.sku_controlled[k]),
            )
            for k, sid in enumerate(world.sku_ids)
        )
        self.chip_available_from = [int(x) for x in world.sku_available_from.tolist()]
        self.chip_price = [float(x) for x in world.sku_price.tolist()]
        self.chip_vendor = [int(x) for x in world.sku_vendor.tolist()]
        self.chip_base_lead = [int(x) for x in world.sku_base_lead.tolist()]

        region_names = {r.id: r.name for r in content.regions}
        self.regions: list[tuple[str, str, int, int, float, float, bool]] = []
        for r, rid in enumerate(world.region_ids):
            f = int(world.reg_fabric[r])
            self.regions.append(
                (
                    rid,
                    region_names[rid],
                    f,
                    int(world.reg_build_quarters[r]),
                    float(world.fab_price[f]) if f >= 0 else math.nan,
                    float(world.fab_ports[f]) if f >= 0 else 0.0,
                    bool(world.reg_sovereign[r]),
                )
            )
        self.region_fabric = [region[2] for region in self.regions]
        self.interconnect = world.reg_interconnect.tolist()
        self.fabric_base_lead = [int(x) for x in world.fab_base_lead.tolist()]

        self.groups: dict[type, dict[tuple[Any, ...], Any]] = {}
        """Market figure groups by the effects they were built under (:class:`_MarketFigures`)."""
        self.tech_static: tuple[TechStatic, ...] = tuple(
            (
                tid,
                content.technologies[i].name,
                float(world.tech_cost[i]),
                float(world.tech_cost[i]),  # its cost without events (the same, here)
                int(world.tech_min_quarters[i]),
                tuple(world.tech_ids[p] for p in world.tech_prereqs[i]),
                float(world.tech_slip_risk[i]),
            )
            for i, tid in enumerate(world.tech_ids)
        )


def _world_figures(world: World) -> _WorldFigures:
    return world.once("observation.figures", _WorldFigures)


class _ProviderPrices:
    """Providers' list prices and spot floors under the effects in force, as record templates."""

    TARGETS = ("provider.list_price", "provider.spot_floor")

    def __init__(self, state: MatchState, mods: Modifiers, static: _WorldFigures) -> None:
        world = state.world
        n_prov = len(world.provider_ids)
        list_prices = (
            np.asarray(mods.apply("provider.list_price", world.prov_list_price)) * np.ones(n_prov)
        ).tolist()
        floors = (
            np.asarray(mods.apply("provider.spot_floor", world.prov_spot_floor)) * np.ones(n_prov)
        ).tolist()
        discounts = world.scenario.market.reserved_discounts
        self.reserved_prices = [
            {term: list_price * (1.0 - discounts[i]) for i, term in enumerate(TERMS)}
            for list_price in list_prices
        ]
        # Each provider's record in field order; the per-quarter figures are filled in later.
        self.provider_fields = [
            {
                "id": pid,
                "name": name,
                "kind": kind,
                "sovereign": sovereign,
                "spot_price": math.nan,
                "spot_floor": floors[p],
                "list_price": list_prices[p],
                "reserved_price": None,
                "reserved_free": math.nan,
                "capacity": math.nan,
            }
            for p, (pid, name, kind, sovereign) in enumerate(static.providers)
        ]


class _ChipPrices:
    """Chip prices and lead-time offsets under vendor shocks, and the chip views built on them."""

    TARGETS = ("vendor.price", "vendor.lead")

    def __init__(self, state: MatchState, mods: Modifiers, static: _WorldFigures) -> None:
        # chip_unit_price and chip_lead (game.engine.validate), on plain floats
        prices_now = np.asarray(mods.mul("vendor.price"), dtype=np.float64).reshape(-1).tolist()
        leads_now = np.asarray(mods.add("vendor.lead"), dtype=np.float64).reshape(-1).tolist()
        self.prices: list[float] = []
        self.leads: list[int] = []
        for base_price, vendor, base_lead in zip(
            static.chip_price, static.chip_vendor, static.chip_base_lead, strict=True
        ):
            price = base_price
            lead = base_lead
            if vendor >= 0:
                price *= prices_now[vendor] if len(prices_now) > 1 else prices_now[0]
                lead += round(leads_now[vendor] if len(leads_now) > 1 else leads_now[0])
            self.prices.append(price)
            self.leads.append(lead)
        # Each chip's record in field order (lead time and availability filled in later), and
        # its views made so far, by (lead time, available).
        self.fields = [
            {
                "id": sid,
                "name": name,
                "vendor": vendor,
                "generation": generation,
                "perf": perf,
                "power_kw": power_kw,
                "price": price,
                "lead_quarters": 0,
                "available": False,
                "custom": custom,
                "export_controlled": controlled,
            }
            for (sid, name, vendor, generation, perf, power_kw, custom, controlled), price in zip(
                static.chips, self.prices, strict=True
            )
        ]
        self.views: list[dict[tuple[int, bool], ChipView]] = [{} for _ in self.fields]


class _RegionCosts:
    """Regions' power prices, build costs, export bans and network output under the effects in
    force, and the region views built on them."""

    TARGETS = ("region.power_price", "region.build_cost", "region.export_ban", "network.output")

    def __init__(self, state: MatchState, mods: Modifiers, static: _WorldFigures) -> None:
        world = state.world
        n_reg = len(world.region_ids)
        self.power = (
            np.asarray(mods.apply("region.power_price", world.reg_power_price)) * np.ones(n_reg)
        ).tolist()
        self.build_costs = np.asarray(
            mods.apply("region.build_cost", world.reg_build_cost), dtype=np.float64
        ).tolist()
        self.banned = export_banned(state, mods).tolist()
        # fabric_lead (game.engine.validate): the gear's output under network shocks
        self.fabric_output = [
            float(world.fab_output[f]) * mods.mul_at("network.output", f)
            for f in range(len(world.fabric_ids))
        ]
        # Each region's record in field order (grid wait and network lead time filled in later),
        # and its views made so far, by (grid wait, network lead time).
        self.fields = [
            {
                "id": rid,
                "name": name,
                "power_price": self.power[r],
                "grid_wait_quarters": 0,
                "build_cost_per_mw": self.build_costs[r],
                "build_quarters": build_quarters,
                "fabric_price": fabric_price,
                "fabric_lead_quarters": -1,
                "ports_per_unit": ports,
                "export_banned": self.banned[r],
                "sovereign": sovereign,
            }
            for r, (rid, name, _, build_quarters, fabric_price, ports, sovereign) in enumerate(
                static.regions
            )
        ]
        self.views: list[dict[tuple[int, int], RegionView]] = [{} for _ in self.fields]


_Group = TypeVar("_Group", _ProviderPrices, _ChipPrices, _RegionCosts)


class _MarketFigures:
    """Market figures under the event effects in force (built once per set of effects).

    Each figure is computed exactly as :mod:`game.engine.validate` computes it, so a bot reading
    the observation sees the price and lead time its order will meet. Events come and go often,
    but each group of figures depends only on the few effects that name its targets: a group is
    built once per world for each sequence of such effects (none, most of the time) and shared,
    with the views built on it, by every set of effects that includes the same ones.
    """

    def __init__(
        self,
        state: MatchState,
        effects: list[ActiveEffect],
        mods: Modifiers,
        static: _WorldFigures,
    ) -> None:
        self.providers = self._group(_ProviderPrices, state, effects, mods, static)
        self.chips = self._group(_ChipPrices, state, effects, mods, static)
        self.regions = self._group(_RegionCosts, state, effects, mods, static)
        self.chip_output = sku_output(state, mods).tolist()
        # The rate game.engine.finance charges on debt, with these effects.
        self.interest_rate = float(
            mods.scalar("finance.interest_rate", state.world.scenario.market.interest_rate)
        )
        # The programmes' costs game.engine.finance and research work with, with these effects
        # (a talent war's +20%): what a bot reads as a programme's cost is what it must pay.
        self.tech_static = static.tech_static
        if mods.has("research.cost"):
            costs = np.asarray(mods.apply("research.cost", state.world.tech_cost), float).tolist()
            self.tech_static = tuple(
                (tid, name, cost, base, min_q, prereqs, slip)
                for (tid, name, _, base, min_q, prereqs, slip), cost in zip(
                    static.tech_static, costs, strict=True
                )
            )

    @staticmethod
    def _group(
        cls: type[_Group],
        state: MatchState,
        effects: list[ActiveEffect],
        mods: Modifiers,
        static: _WorldFigures,
    ) -> _Group:
        # The effects on these targets, in the order they apply (which the arithmetic follows);
        # the sign is spelt out so that effects of 0.0 and -0.0, which compare equal, stay apart.
        key = tuple(
            (e.target, e.indices, e.op, e.value, math.copysign(1.0, e.value))
            for e in effects
            if e.target in cls.TARGETS
        )
        groups = static.groups.setdefault(cls, {})
        group: _Group | None = groups.get(key)
        if group is None:
            if len(groups) >= _CACHE_LIMIT:
                groups.clear()
            group = groups[key] = cls(state, mods, static)
        return group


def _market_figures(state: MatchState, static: _WorldFigures) -> _MarketFigures:
    effects, mods = in_force(state.world, state.modifiers, state.turn)  # = current_modifiers
    figures: _MarketFigures | None = mods.memo.get("observation")
    if figures is None:
        figures = mods.memo["observation"] = _MarketFigures(state, effects, mods, static)
    return figures


def _chip_views(
    chips: _ChipPrices, static: _WorldFigures, output: list[float], backlog: list[float], turn: int
) -> tuple[ChipView, ...]:
    """Every chip's view this quarter (a chip's view is reused while its lead time and
    availability are unchanged: its other figures are fixed by the world and the effects)."""
    views = []
    for base_lead, waiting, shipped, first, made, fields in zip(
        chips.leads,
        backlog,
        output,
        static.chip_available_from,
        chips.views,
        chips.fields,
        strict=True,
    ):
        lead = base_lead + (math.ceil(waiting / shipped) if shipped > 1e-9 else HORIZON)
        lead = 0 if lead < 0 else HORIZON - 1 if lead > HORIZON - 1 else lead  # clamped
        available = turn >= first
        view = made.get((lead, available))
        if view is None:
            fields = fields.copy()
            fields["lead_quarters"] = lead
            fields["available"] = available
            view = made[lead, available] = construct_from(ChipView, fields)
        views.append(view)
    return tuple(views)


def _region_views(
    regions: _RegionCosts,
    static: _WorldFigures,
    waiting: list[float],
    fabric_backlog: list[float],
) -> tuple[RegionView, ...]:
    """Every region's view this quarter (reused while its grid wait and network lead time are
    unchanged: its other figures are fixed by the world and the effects)."""
    fabric_leads = []
    for base_lead, backlog, output in zip(
        static.fabric_base_lead, fabric_backlog, regions.fabric_output, strict=True
    ):
        lead = base_lead + (math.ceil(backlog / output) if output > 1e-9 else HORIZON)
        fabric_leads.append(0 if lead < 0 else HORIZON - 1 if lead > HORIZON - 1 else lead)
    views = []
    for mw, rate, f, made, fields in zip(
        waiting,
        static.interconnect,
        static.region_fabric,
        regions.views,
        regions.fields,
        strict=True,
    ):
        # grid_wait (game.engine.supply): MW queued ahead over the normal release rate, rounded up
        wait = math.ceil(mw / rate)
        fabric_lead = fabric_leads[f] if f >= 0 else -1
        view = made.get((wait, fabric_lead))
        if view is None:
            if len(made) >= _CACHE_LIMIT:
                made.clear()
            fields = fields.copy()
            fields["grid_wait_quarters"] = wait
            fields["fabric_lead_quarters"] = fabric_lead
            view = made[wait, fabric_lead] = construct_from(RegionView, fields)
        views.append(view)
    return tuple(views)


class _Public:
    """What every seat sees of one state (built once, shared by the seats' observations).

    Rivals and the spot price history are built on first read (most bots never look): until
    then this keeps the public figures they are made of, never anything private.
    """

    def __init__(
        self,
        providers: tuple[ProviderView, ...],
        chips: tuple[ChipView, ...],
        regions: tuple[RegionView, ...],
        market_demand: float,
        interest_rate: float,
        news: tuple[NewsItem, ...],
        label: str,
        rival_figures: tuple[Any, ...],
        spot_rows: list[tuple[float, ...]],
        provider_ids: tuple[str, ...],
        tech_static: tuple[TechStatic, ...],
    ) -> None:
        self.providers = providers
        self.chips = chips
        self.regions = regions
        self.market_demand = market_demand
        self.interest_rate = interest_rate
        self.news = news
        self.label = label
        self._rival_figures = rival_figures
        self._spot_rows = spot_rows
        self._provider_ids = provider_ids
        self.tech_static = tech_static
        """Each programme's fixed figures, its cost under the effects in force."""

    @cached_property
    def rivals(self) -> tuple[RivalView, ...]:
        """Every seat's public figures, by seat."""
        names, industries, status, shares, reputation, tiers, prices, announcements = (
            self._rival_figures
        )
        announced: dict[int, list[str]] = {}
        for _, seat, text in announcements:
            announced.setdefault(seat, []).append(text)
        return tuple(
            [
                construct_from(
                    RivalView,
                    {
                        "seat": seat,
                        "name": names[seat],
                        "industry": industries[seat],
                        "status": status[seat],
                        "market_share": shares[seat] if shares is not None else math.nan,
                        "reputation": reputation[seat],
                        "quality_tier": tiers[seat],
                        "service_price": prices[seat],
                        "announcements": tuple(announced.get(seat, ())[-5:]),
                    },
                )
                for seat in range(len(tiers))
            ]
        )

    @cached_property
    def spot_history(self) -> dict[str, tuple[float, ...]]:
        """Each provider's clearing prices so far, oldest first."""
        columns = list(zip(*self._spot_rows, strict=True))
        return {pid: columns[p] if columns else () for p, pid in enumerate(self._provider_ids)}


@dataclass(frozen=True)
class _Seats:
    """Per-seat figures of one state, computed for all seats at once (never shown as a whole:
    each seat's observation gets copies of its own rows)."""

    queued_mw: list[list[float]]
    """Per seat, per region: MW it still has waiting in the grid queue (each seat's
    observation makes its own array of its row)."""
    queued_through: list[list[float]]
    """Per seat, per region: MW queued in the region up to and including the seat's last row
    there (everyone's, in queue order; 0.0 where the seat has nothing queued)."""
    chips_arriving: np.ndarray
    """(N, R, SCHEDULE) accelerators arriving, both pipelines together."""
    research_done: np.ndarray
    reserved_qty: np.ndarray
    """(N, P, SCHEDULE) the state's reserved contract book over the schedule (a view)."""
    fabric_arriving: np.ndarray
    """(N, R, SCHEDULE) the state's network pipeline over the schedule (a view)."""
    datacenter_arriving: np.ndarray
    """(N, R, SCHEDULE) the state's data-centre pipeline over the schedule (a view)."""
    static: _WorldFigures
    last: list[tuple[float, ...]] | None
    """Per seat, its figures of last quarter's history row in ``_LAST_KEYS`` order (``None``
    before the first quarter)."""
    status: list[str]
    cash: list[float]
    debt: list[float]
    credit_limit: list[float]
    reputation: list[float]
    quality: list[float]
    service_price: list[float]
    training_share: list[float]
    private_news: dict[int, tuple[NewsItem, ...]]


_cache: list[tuple[MatchState, _Public, _Seats]] = []
"""The last state observed, with its public part and seat figures (every seat asks in turn)."""


def _prepared(state: MatchState) -> tuple[_Public, _Seats]:
    """The public part and the seat figures of ``state`` (computed once per state)."""
    if _cache and _cache[0][0] is state:
        return _cache[0][1], _cache[0][2]
    world = state.world
    static = _world_figures(world)
    market = _market_figures(state, static)
    t = state.turn
    last = t - 1
    n = state.n_players
    rows = state.history.rows()
    last_row = rows[last] if last >= 0 else None

    # ---- providers
    spot_prices = state.spot_price.tolist()
    capacities = (
        last_row["provider_capacity"] if last_row is not None else state.prov_capacity.tolist()
    )
    committed = _add(
        state.reserved_qty[:, :, static.window_start : static.window_stop], axis=0
    ).tolist()
    prices = market.providers
    providers = []
    for fields, reserved_price, share, (start, stop), spot, capacity, booked in zip(
        prices.provider_fields,
        prices.reserved_prices,
        static.reserved_shares,
        static.windows,
        spot_prices,
        capacities,
        committed,
        strict=True,
    ):
        fields = fields.copy()
        fields["spot_price"] = spot
        fields["reserved_price"] = reserved_price.copy()
        # (plain floats throughout: max() returns one of its float arguments)
        fields["reserved_free"] = max(share * capacity - max(booked[start:stop]), 0.0)
        fields["capacity"] = capacity
        providers.append(construct_from(ProviderView, fields))

    # ---- the grid queue, in queue order (as np.add.at would add it): everyone's MW per region
    # for the wait, each seat's own MW still queued, and the MW queued up to and including each
    # seat's last row in each region (what must be released before all of its MW is)
    waiting = [0.0] * static.n_regions
    queued = [[0.0] * static.n_regions for _ in range(n)]
    through = [[0.0] * static.n_regions for _ in range(n)]
    for region, owner, mw, _ in state.grid_queue.tolist():
        r = int(region)
        waiting[r] += mw
        seat = int(owner)
        if 0 <= seat < n and seat == owner:
            queued[seat][r] += mw
            through[seat][r] = waiting[r]

    # ---- rivals (their views are built on first read, from public figures only)
    quality = state.quality.tolist()
    tiers = quality_tiers(quality)
    status = ["active" if s == ACTIVE else "bankrupt" for s in state.status.tolist()]
    reputation = state.reputation.tolist()
    service_price = state.service_price.tolist()
    rival_figures = (
        state.names,
        static.industries,
        status,
        last_row["share"] if last_row is not None else None,
        reputation,
        tiers,
        service_price,
        state.announcements,
    )

    public_news = []
    private_news: dict[int, list[NewsItem]] = {}
    for item in state.news:
        if item.seat is None:
            public_news.append(item)
        else:
            private_news.setdefault(item.seat, []).append(item)
    public = _Public(
        providers=tuple(providers),
        chips=_chip_views(market.chips, static, market.chip_output, state.sku_backlog.tolist(), t),
        regions=_region_views(market.regions, static, waiting, state.fabric_backlog.tolist()),
        market_demand=last_row["market_demand"][0] if last_row is not None else math.nan,
        interest_rate=market.interest_rate,
        news=tuple(public_news),
        label=world.quarter_label(t),
        rival_figures=rival_figures,
        spot_rows=[row["spot_price"] for row in rows[:t]],
        provider_ids=static.provider_ids,
        tech_static=market.tech_static,
    )

    done_turn = state.research_done
    seats = construct_from(
        _Seats,
        {
            "queued_mw": queued,
            "queued_through": through,
            "chips_arriving": _add(state.chip_pipe_perf[:, :, :, :SCHEDULE], axis=0),
            "research_done": (done_turn >= 0) & (done_turn < t),
            "reserved_qty": state.reserved_qty[:, :, :SCHEDULE],
            "fabric_arriving": state.fabric_pipe[:, :, :SCHEDULE],
            "datacenter_arriving": state.dc_pipe[:, :, :SCHEDULE],
            "static": static,
            # the row's figures regrouped by seat (one zip for all seats)
            "last": list(zip(*[last_row[k] for k in _LAST_KEYS], strict=True))
            if last_row is not None
            else None,
            "status": status,
            "cash": state.cash.tolist(),
            "debt": state.debt.tolist(),
            "credit_limit": state.credit_limit.tolist(),
            "reputation": reputation,
            "quality": quality,
            "service_price": service_price,
            "training_share": state.training_share.tolist(),
            "private_news": {seat: tuple(items) for seat, items in private_news.items()},
        },
    )
    _cache[:] = [(state, public, seats)]
    return public, seats


def quality_tiers(quality: list[float]) -> list[int]:
    """Each seat's public quality tier, 1 (behind) to 5 (the best quality), by fifths of the
    best: what :attr:`RivalView.quality_tier` shows (and a screen shows for the player too).

    >>> quality_tiers([1.0, 2.0, 1.5])
    [3, 5, 4]
    """
    top = max(quality) if quality else 1.0
    return [
        1 + int(min(4, max(0, math.floor(5 * q / top - 1e-9)))) if top > 0 else 1 for q in quality
    ]


def _grid_ready(
    through: list[float], interconnect: list[float], nothing_queued: np.ndarray
) -> np.ndarray:
    """(R,) quarters until all of a seat's queued MW is released at the normal rate: MW queued
    up to and including its last row over the region's release rate, rounded up (1 = by this
    quarter's release); 0 where it has nothing queued. The supply phase drops a row once no
    more than ``RELEASED_MW`` (``game.engine.supply``) of it is left, so a total at most that
    far above a whole number of quarters' releases counts as released in that quarter (float
    sums of the rows ahead may land a hair above it). Read-only; a seat with nothing queued
    gets ``nothing_queued``."""
    if not any(through):
        return nothing_queued
    quarters = [0] * len(through)
    for r, mw in enumerate(through):
        if mw > 0.0:
            quarters[r] = max(1, math.ceil((mw - RELEASED_MW) / interconnect[r]))
    ready = np.array(quarters, dtype=np.int64)
    ready.setflags(write=False)
    return ready


def observe(state: MatchState, seat: int) -> Observation:
    """The observation for ``seat`` at the start of the quarter ``state.turn``."""
    world = state.world
    public, seats = _prepared(state)
    static = seats.static
    t = state.turn
    if seats.last is not None:
        last_figures = dict(zip(_LAST_KEYS, seats.last[seat], strict=True))
    else:
        last_figures = dict.fromkeys(_LAST_KEYS, math.nan)
    me = construct_from(
        SelfView,
        {
            "seat": seat,
            "name": state.names[seat],
            "industry": static.industries[seat],
            "status": seats.status[seat],
            "cash": seats.cash[seat],
            "debt": seats.debt[seat],
            "credit_limit": seats.credit_limit[seat],
            "reputation": seats.reputation[seat],
            "quality": seats.quality[seat],
            "service_price": seats.service_price[seat],
            "training_share": seats.training_share[seat],
            # Iterating the (P, SCHEDULE) block gives each provider's row as a view. (Not
            # strict: that would read past the last row, and numpy's IndexError costs more
            # than the rows.)
            "reserved_schedule": dict(
                zip(static.provider_ids, seats.reserved_qty[seat], strict=False)
            ),
            # reserved_payments: on first read (see _Deferred)
            "region_ids": world.region_ids,
            "chips_perf": state.chips_perf[seat],
            "fabric_units": state.fabric_units[seat],
            "datacenter_mw": state.dc_mw[seat],
            "grid_mw": state.grid_mw[seat],
            "queued_mw": np.array(seats.queued_mw[seat]),
            "grid_ready_quarters": _grid_ready(
                seats.queued_through[seat], static.interconnect, static.nothing_queued
            ),
            "chips_arriving": seats.chips_arriving[seat].copy(),
            "fabric_arriving": seats.fabric_arriving[seat],
            "datacenter_arriving": seats.datacenter_arriving[seat],
            "tech_ids": world.tech_ids,
            "research_spent": state.research_spent[seat],
            "research_funding": state.research_level[seat],
            "research_done": seats.research_done[seat].copy(),
            # research_slipped: on first read
            "last": last_figures,
            "sovereign_only": static.sovereign_only[seat],
            "_tech_static": public.tech_static,
            "_tech_extra": (
                state.research_extra[seat],
                state.research_extra_quarters[seat],
                state.research_quarters[seat],
            ),
            "_state": state,  # for the figures read on first use; never pickled or sent
        },
    )
    private_news = seats.private_news.get(seat)
    return construct_from(
        Observation,
        {
            "turn": t,
            "quarters": static.quarters,
            "label": public.label,
            "seat": seat,
            "scenario": static.scenario,
            "mechanics": static.mechanics,
            "me": me,
            "providers": public.providers,
            "chips": public.chips,
            "regions": public.regions,
            # rivals and spot_history: on first read (see _Deferred)
            "market_demand": public.market_demand,
            "interest_rate": public.interest_rate,
            "news": public.news + private_news if private_news else public.news,
            "rejected": state.rejected[seat] if seat < len(state.rejected) else (),
            "_public": public,
            "_state": state,  # for check() and check_all(); never pickled or sent
        },
    )


class _Deferred:
    """A field computed on first read, then kept like any other field.

    Set on the class after the dataclass is made, so ``__init__``, ``fields``, ``repr`` and
    equality are those of a plain field, and an instance built through ``__init__`` simply
    holds the value; :func:`observe` leaves the field out and keeps what to build it from in
    the instance's ``source`` entry: on :class:`Observation`, the shared public part of its
    state (``_public``: public figures only; most bots never look at rivals or the price
    history); on :class:`SelfView`, the state (``_state``, which the observation holds anyway)
    for figures of the seat's own that few bots read (the balanced bot never reads its payment
    schedule, and its slipped programmes only through ``research``).
    """

    def __init__(self, name: str, compute: Callable[[Any, Any], Any], source: str) -> None:
        self._name = name
        self._compute = compute
        self._source = source

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self._name] = self._compute(obj, obj.__dict__[self._source])
        return value


def _rivals_of(obs: Observation, public: _Public) -> tuple[RivalView, ...]:
    seat, rivals = obs.seat, public.rivals
    # listed by seat: every seat but this one
    if 0 <= seat < len(rivals):
        return rivals[:seat] + rivals[seat + 1 :]
    return tuple(r for r in rivals if r.seat != seat)


for _name, _compute in (
    ("rivals", _rivals_of),
    ("spot_history", lambda obs, public: public.spot_history),
):
    setattr(Observation, _name, _Deferred(_name, _compute, "_public"))


def _reserved_payments(me: SelfView, state: MatchState) -> np.ndarray:
    """(SCHEDULE,) reserved payments due, summed over providers (in provider order), worked
    out with the arithmetic of the whole-table version for this seat alone."""
    payments: np.ndarray = _add(state.reserved_pay[me.seat, :, :SCHEDULE], axis=0)
    return payments


def _research_slipped(me: SelfView, state: MatchState) -> np.ndarray:
    slipped: np.ndarray = state.research_extra_quarters[me.seat] > 0
    return slipped


for _name, _own in (
    ("reserved_payments", _reserved_payments),
    ("research_slipped", _research_slipped),
):
    setattr(SelfView, _name, _Deferred(_name, _own, "_state"))
