"""The RL codec: a fixed-size action vector to engine actions, an observation to a float32 vector.

Both directions are built from the :class:`~game.engine.tables.World` of a match (the scenario's
providers, regions, chips, technologies and switched-on mechanics), so a layout is fixed for a
scenario and every seat of it. Only what a seat may see is used: :meth:`Codec.encode` and
:meth:`Codec.decode` read an :class:`~game.engine.observation.Observation` (DESIGN §7), never the
match state. ``docs/RL.md`` has the table of every dimension; :meth:`Codec.action_layout` and
:meth:`Codec.observation_layout` list them in code.

**Actions** are a ``Box(-1, 1, (A,), float32)`` of per-quarter *intents*. Quantities scale with
the seat's reference demand ``D`` (last quarter's demand, or an even share of the scenario's
opening market before the first quarter), so one policy fits small and large markets:

- a quantity intent ``a`` asks for nothing when ``a <= 0`` and for ``a × scale`` otherwise;
- a price intent multiplies a price the observation shows (``2**a`` for spot limits);
- a relative intent (service price, training share, finance) does nothing inside the dead band
  ``|a| < 0.1``, so the zero vector mostly holds;
- a toggle (data-centre build, research funding) fires at ``a >= 0.5``.

The codec never emits an action for a switched-off mechanic or an unknown id; whatever the
engine still rejects (cash, credit, sovereignty, bans) comes back with its stable reason code.

**Observations** are a ``Box(-10, 10, (O,), float32)``: quantities divided by ``D0`` (the
per-seat share of the opening market), prices by the mean list price, money through a signed
log ``sign(x)·ln(1 + |x| / M)`` with ``M`` = four quarters of ``D0`` at the mean list price;
NaN (nothing known yet) becomes 0 and everything is clipped to ±10.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from game.engine.actions import (
    MAX_ACTIONS_PER_QUARTER,
    Action,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
)
from game.engine.observation import (
    SCHEDULE,
    ChipView,
    Observation,
    SelfView,
    TechStatic,
    TechView,
)
from game.engine.tables import World
from game.rules.models import ALL_MECHANICS, Content

OBS_BOUND = 10.0
"""Every observation value lies in ``[-OBS_BOUND, OBS_BOUND]``."""
DEAD_BAND = 0.1
"""Relative intents with ``|a|`` below this do nothing."""
TOGGLE = 0.5
"""Toggle intents fire at or above this."""
MIN_QTY = 0.01
"""Quantities (kGPU, thousand units, fabric units) below this are not sent."""
SPOT_FRACTION = 1.0
"""A spot bid at ``a = 1`` asks for ``D`` kGPU from that provider."""
RESERVE_FRACTION = 0.5
"""A reserved request at ``a = 1`` asks for ``0.5 × D`` kGPU (capped at the free pool)."""
PRICE_STEP = 0.1
"""Service-price intent ``a`` moves the price by ``a × 10%``."""
TRAINING_STEP = 0.1
"""Training-share intent ``a`` moves the share by ``a × 0.1``."""
CHIP_FRACTION = 0.5
"""A chip order at ``a = 1`` buys ``0.5 × D`` kGPU of performance."""
CHIP_CASH_SHARE = 0.5
"""A chip order never spends more than this share of cash."""
MW_PER_KGPU = 1.3
"""Facility MW per kGPU of H-class performance (DESIGN §2), for sizing builds."""
BUILD_FRACTION = 1.0
"""A build at ``a = 1`` asks for ``D × 1.3`` MW (at least 5 MW, at most 2,000)."""
MAX_TRAINING = 0.8
MAX_SERVICE_PRICE = 1_000.0
MAX_QUANTITY = 100_000.0

LAYOUT_MECHANICS = frozenset(ALL_MECHANICS) - {"events"}
"""The mechanics that give the vectors dimensions (``events`` gives none: a scenario without
them reads the same)."""

HEADER = 25
"""Observation values before the first provider block (see :meth:`Codec.observation_layout`)."""
PROVIDER_WIDTH = 11
REGION_WIDTH = 13
CHIP_WIDTH = 4
TECH_WIDTH = 4
RIVAL_WIDTH = 5


@dataclass(frozen=True)
class Dim:
    """One dimension of a vector: its index, a short name and what it means."""

    index: int
    name: str
    meaning: str


def _slog(x: float, scale: float) -> float:
    """Signed log: ``sign(x) · ln(1 + |x| / scale)``."""
    if x != x:  # NaN
        return 0.0
    return math.copysign(math.log1p(abs(x) / scale), x)


def _num(x: float) -> float:
    return 0.0 if x != x else x


class _Shared(NamedTuple):
    """The part of every seat's observation of one state that is public, prepared once."""

    providers_seen: object
    regions_seen: object
    chips_seen: object
    history_seen: object
    """The observation parts this was made from (a later observation matches by identity)."""
    templates: tuple[np.ndarray, np.ndarray]
    """The observation vector (float64) with only the public values filled in: for a seat that
    may buy and build anywhere, and for one held to sovereign providers and regions."""
    provider_ids: tuple[str, ...]
    providers: tuple[tuple[str, bool, float, float, float], ...]
    """Per provider, for decoding: id, sovereign, the price a bid limit scales, floor, free pool."""
    regions: tuple[tuple[str, bool, float, ChipView | None], ...]
    """Per region, for decoding: id, sovereign, ports per fabric unit, the chip an order buys."""
    ports: np.ndarray
    """Per region: ports per fabric unit (0 where there is no fabric)."""


class _Techs(NamedTuple):
    """One seat's research programmes (tech order): the fields of its ``TechView`` objects."""

    done: np.ndarray
    """(T,) bool."""
    funding: np.ndarray
    spent: np.ndarray
    cost: np.ndarray
    """(T,) float64: cost plus any overrun."""
    min_quarters: np.ndarray
    """(T,) minimum quarters plus any slip."""
    ids: tuple[str, ...]
    open: np.ndarray
    """(T,) bool: every prerequisite is done."""


class Codec:
    """The action and observation codec of one world (scenario)."""

    def __init__(self, world: World):
        self.world = world
        scenario = world.scenario
        mechanics = world.mechanics
        self.n_players = world.n_players
        self.provider_ids = world.provider_ids
        self.region_ids = world.region_ids
        self.sku_ids = world.sku_ids
        self.tech_ids = world.tech_ids
        self.demand0 = float(scenario.market.demand) / (self.n_players + 1)
        """``D0``: the per-seat share of the opening market, kGPU."""
        self.market0 = float(scenario.market.demand)
        prices = world.prov_list_price
        self.price_scale = float(prices.mean()) if len(prices) else 1.0
        self.money_scale = 4.0 * self.demand0 * self.price_scale
        """``M``: four quarters of ``D0`` at the mean list price, $M (also the reward scale)."""

        self.spot = "spot" in mechanics
        self.reserved = "reserved" in mechanics
        self.sublease = "sublease" in mechanics
        self.service_price = "service_price" in mechanics
        self.training = "training" in mechanics
        self.borrowing = "borrowing" in mechanics
        self.chips = "chips" in mechanics
        self.network = "network" in mechanics
        self.datacenters = "datacenters" in mechanics
        self.research = "research" in mechanics
        self.infrastructure = self.chips or self.network or self.datacenters

        self._actions = self._build_action_layout()
        self._observations = self._build_observation_layout()
        self.action_size = len(self._actions)
        self.observation_size = len(self._observations)
        self._zero_obs = np.zeros(self.observation_size, dtype=np.float32)

        # Where each block of the observation starts (the order of _build_observation_layout).
        self._provider_at = HEADER
        self._provider_end = HEADER + PROVIDER_WIDTH * len(self.provider_ids)
        self._region_at = self._provider_end
        self._region_end = self._region_at + (
            REGION_WIDTH * len(self.region_ids) if self.infrastructure else 0
        )
        self._chip_at = self._region_end
        self._tech_at = self._chip_at + (CHIP_WIDTH * len(self.sku_ids) if self.chips else 0)
        self._rival_at = self._tech_at + (TECH_WIDTH * len(self.tech_ids) if self.research else 0)
        self._check_blocks()
        mw0 = MW_PER_KGPU * self.demand0
        self._holding_scales = np.array([self.demand0] * 2 + [mw0] * 3 + [self.demand0, mw0])
        """What a region's holdings (columns 6-12 of its block) are divided by: D0 or 1.3 D0."""
        self._last_shared: _Shared | None = None
        self._tech_seen: tuple[object, _TechTables] = (None, _TechTables.of(()))
        """The research figures last read (``SelfView._tech_static``) with their tables, as one
        pair: a shared codec (:meth:`for_scenario`) is read by matches in several threads of a
        Dask worker, and two attributes written one after the other could pair one match's
        figures with another's tables (another match's research costs, under a talent war)."""
        self._techs_kept: dict[int, tuple[SelfView, _Techs]] = {}

    @classmethod
    def for_scenario(
        cls, scenario: str | os.PathLike[str] = "standard", content: ContentSource = None
    ) -> Codec:
        """The codec of a scenario id or scenario file, as the envs build it (no Gymnasium
        needed): for playing a trained policy as a bot, ``PolicyBot(Codec.for_scenario(
        "tutorial"), policy)``.

        ``content`` is the content the policy plays with, as the envs take it: a loaded
        :class:`~game.rules.models.Content`, a content folder (what ``--content DIR`` names), or
        ``None`` for the game's own. A policy trained on an env over a content folder needs the
        codec of that folder: the same scenario id in the game's own content may have other
        providers, chips or seats, hence other spaces and another decoding.

        The codec of a scenario id of the game's own content, or of a content folder, is built
        once a process and shared (a bot file is built again for every match of a tournament,
        and loading the content took three times as long as a ``tutorial`` match); it is safe to
        share, as the envs share theirs between seats."""
        from game.rules.loader import is_scenario_path

        name = os.fspath(scenario)
        if cls is Codec and not is_scenario_path(name):
            if content is None:
                return _shipped_codec(name)
            if not isinstance(content, Content):
                folder = content_folder(content).resolve()
                return _folder_codec(str(folder), name, _folder_stamp(folder))
        return cls._built(name, content_of(content))

    @classmethod
    def _built(cls, scenario: str, content: Content) -> Codec:
        from game.engine.tables import build_world
        from game.rules.loader import resolve_scenario

        content, scenario_id = resolve_scenario(content, scenario)
        return cls(build_world(content, content.scenario(scenario_id)))

    # ------------------------------------------------------------------ layouts
    def _build_action_layout(self) -> list[Dim]:
        dims: list[tuple[str, str]] = []
        for pid in self.provider_ids:
            if self.spot:
                dims.append((f"spot_qty[{pid}]", "a>0: bid for a × D kGPU of spot"))
                dims.append((f"spot_limit[{pid}]", "limit price = last spot price × 2**a"))
            if self.reserved:
                dims.append((f"reserve_qty[{pid}]", "a>0: reserve a × 0.5 × D kGPU (≤ free pool)"))
                dims.append((f"reserve_term[{pid}]", "term: a<-1/3 → 4, a<1/3 → 8, else 12"))
            if self.sublease:
                dims.append((f"sublease[{pid}]", "a>0: sublease a × this quarter's reserved"))
        if self.service_price:
            dims.append(("service_price", "|a|≥0.1: price × (1 + 0.1 a)"))
        if self.training:
            dims.append(("training_share", "|a|≥0.1: share + 0.1 a, within 0–0.8"))
        if self.borrowing:
            dims.append(
                (
                    "finance",
                    "a≥0.1: borrow a × credit headroom; a≤-0.1: repay |a| × min(debt, cash)",
                )
            )
        for rid in self.region_ids:
            if self.chips:
                dims.append(
                    (f"chips[{rid}]", "a>0: order a × 0.5 × D kGPU of the cheapest usable chip")
                )
            if self.network:
                dims.append((f"network[{rid}]", "a>0: order a × 2 × the fabric shortfall"))
            if self.datacenters:
                dims.append((f"build[{rid}]", "a≥0.5: build max(5, a × D × 1.3) MW"))
        if self.research:
            for tid in self.tech_ids:
                dims.append(
                    (
                        f"research[{tid}]",
                        "a≥0.5: fund 2a × cost/min_quarters per quarter; a≤-0.5: pause",
                    )
                )
        return [Dim(i, name, meaning) for i, (name, meaning) in enumerate(dims)]

    def _build_observation_layout(self) -> list[Dim]:
        dims: list[tuple[str, str]] = [
            ("progress", "turn / quarters"),
            ("opening", "1 before the first quarter is played"),
            ("market_demand", "last quarter's whole-market demand / opening market demand"),
            ("active", "1 while this seat is in the game"),
            ("cash", "slog(cash)"),
            ("debt", "slog(debt)"),
            ("credit_headroom", "slog(credit limit − debt)"),
            ("enterprise_value", "slog(last quarter's enterprise value)"),
            ("reputation", "reputation (0–1)"),
            ("quality", "quality"),
            ("service_price", "service price / mean list price"),
            ("training_share", "training share (0–0.8)"),
        ]
        for key in ("capacity", "reserved", "spot", "owned", "training", "demand", "served"):
            dims.append((f"last_{key}", f"last quarter's {key} / D0"))
        for key in ("revenue", "costs", "operating_profit"):
            dims.append((f"last_{key}", f"slog(last quarter's {key})"))
        dims.append(("last_share", "last quarter's market share"))
        dims.append(("last_served_ratio", "served / demand last quarter"))
        dims.append(("rejected", "actions rejected last quarter / 4"))
        for pid in self.provider_ids:
            dims += [
                (f"spot_price[{pid}]", "last clearing price / mean list price"),
                (f"spot_prev[{pid}]", "the clearing price before that / mean list price"),
                (f"spot_floor[{pid}]", "spot floor / mean list price"),
                (f"list_price[{pid}]", "list price / mean list price"),
                (f"reserved_price[{pid}]", "8-quarter reserved price / mean list price"),
                (f"reserved_free[{pid}]", "reserved pool still free / D0"),
                (f"capacity[{pid}]", "announced capacity / opening market demand"),
                (f"eligible[{pid}]", "1 if this seat may buy from it (sovereignty)"),
                (f"my_reserved_now[{pid}]", "my reserved kGPU this quarter / D0"),
                (f"my_reserved_next[{pid}]", "my reserved kGPU next quarter / D0"),
                (
                    f"my_reserved_later[{pid}]",
                    f"mean of my reserved kGPU, quarters 2–{SCHEDULE - 1} / D0",
                ),
            ]
        if self.infrastructure:
            for rid in self.region_ids:
                dims += [
                    (f"power_price[{rid}]", "power price / 100 ($/MWh)"),
                    (f"grid_wait[{rid}]", "grid-queue wait / 8 quarters"),
                    (f"build_cost[{rid}]", "build cost per MW / 15 ($M)"),
                    (f"fabric_lead[{rid}]", "fabric lead time / 8 quarters (-1/8: no fabric)"),
                    (f"export_banned[{rid}]", "1 if export-controlled chips are banned"),
                    (f"region_eligible[{rid}]", "1 if this seat may build there"),
                    (f"my_chips[{rid}]", "installed accelerators (H-eq kGPU) / D0"),
                    (f"my_fabric[{rid}]", "installed fabric ports / D0"),
                    (f"my_dc_mw[{rid}]", "finished facility MW / (1.3 × D0)"),
                    (f"my_grid_mw[{rid}]", "grid MW granted / (1.3 × D0)"),
                    (f"my_queued_mw[{rid}]", "MW waiting in the grid queue / (1.3 × D0)"),
                    (f"my_chips_arriving[{rid}]", "accelerators on order / D0"),
                    (f"my_dc_arriving[{rid}]", "facility MW under construction / (1.3 × D0)"),
                ]
        if self.chips:
            for sid in self.sku_ids:
                dims += [
                    (f"chip_cost[{sid}]", "slog(price per perf / mean list price)"),
                    (f"chip_lead[{sid}]", "lead time / 8 quarters"),
                    (f"chip_available[{sid}]", "1 if it can be ordered now"),
                    (f"chip_controlled[{sid}]", "1 if export-controlled"),
                ]
        if self.research:
            for tid in self.tech_ids:
                dims += [
                    (f"tech_done[{tid}]", "1 once completed"),
                    (f"tech_funded[{tid}]", "1 while funded"),
                    (f"tech_progress[{tid}]", "spent / cost"),
                    (f"tech_open[{tid}]", "1 if every prerequisite is done"),
                ]
        for k in range(self.n_players - 1):
            dims += [
                (f"rival{k}_active", f"the {k}-th other seat (seat order): 1 if active"),
                (f"rival{k}_share", "its last market share"),
                (f"rival{k}_reputation", "its reputation"),
                (f"rival{k}_quality_tier", "its quality tier / 5"),
                (f"rival{k}_service_price", "its service price / mean list price"),
            ]
        return [Dim(i, name, meaning) for i, (name, meaning) in enumerate(dims)]

    def _check_blocks(self) -> None:
        """The block offsets and widths encode() writes by agree with the layout's names."""
        names = [d.name for d in self._observations]
        n_reg = len(self.region_ids) if self.infrastructure else 0
        n_chip = len(self.sku_ids) if self.chips else 0
        n_tech = len(self.tech_ids) if self.research else 0
        blocks = [
            (self._provider_at, PROVIDER_WIDTH, len(self.provider_ids), "spot_price["),
            (self._region_at, REGION_WIDTH, n_reg, "power_price["),
            (self._chip_at, CHIP_WIDTH, n_chip, "chip_cost["),
            (self._tech_at, TECH_WIDTH, n_tech, "tech_done["),
            (self._rival_at, RIVAL_WIDTH, self.n_players - 1, "rival"),
        ]
        ok = names[HEADER - 1] == "rejected" and (
            self._rival_at + RIVAL_WIDTH * (self.n_players - 1) == len(names)
        )
        for at, width, count, first in blocks:
            ok = ok and all(names[at + width * k].startswith(first) for k in range(count))
        if not ok:
            raise AssertionError("the observation layout and encode()'s block widths disagree")

    def action_layout(self) -> list[Dim]:
        """Every action dimension, in vector order."""
        return list(self._actions)

    def observation_layout(self) -> list[Dim]:
        """Every observation dimension, in vector order."""
        return list(self._observations)

    def reference_demand(self, obs: Observation) -> float:
        """``D``: last quarter's demand of this seat, or ``D0`` before the first quarter."""
        last = obs.me.last.get("demand", math.nan)
        if last == last and last > 0:
            return float(last)
        return self.demand0

    # ------------------------------------------------------------------ shared parts
    def _shared(self, obs: Observation) -> _Shared:
        """The prepared public part of ``obs``, reused while observations carry the same one.

        :func:`~game.engine.observe` hands every seat of a state the very same provider, region
        and chip tuples and spot history, so what is made from them is computed once per state
        instead of once per seat. The cache holds those objects themselves (not their ids), so
        it only ever matches the objects its values were computed from.
        """
        shared = self._last_shared
        if (
            shared is not None
            and shared.providers_seen is obs.providers
            and shared.regions_seen is obs.regions
            and shared.chips_seen is obs.chips
            and shared.history_seen is obs.spot_history
        ):
            return shared
        shared = self._build_shared(obs)
        self._last_shared = shared
        self._techs_kept.clear()  # views of the previous state are not asked for again
        return shared

    def _check_fits(self, obs: Observation) -> None:
        """Raise a :class:`ValueError` saying what differs if ``obs`` is not laid out as this
        codec's scenario (another scenario with the same providers, regions, chips, technologies,
        mechanics and seats fits: the vectors mean the same there)."""
        differ: list[str] = []
        if tuple(p.id for p in obs.providers) != tuple(self.provider_ids):
            differ.append("providers")
        if self.infrastructure and tuple(r.id for r in obs.regions) != tuple(self.region_ids):
            differ.append("regions")
        if self.chips and tuple(c.id for c in obs.chips) != tuple(self.sku_ids):
            differ.append("chips")
        if self.research and tuple(obs.me.tech_ids) != tuple(self.tech_ids):
            differ.append("technologies")
        if set(obs.mechanics) & LAYOUT_MECHANICS != set(self.world.mechanics) & LAYOUT_MECHANICS:
            differ.append("mechanics")
        if len(obs.rivals) + 1 != self.n_players:
            differ.append("seats")
        if not differ:
            return
        mine = self.world.scenario.id
        what = ", ".join(differ[:-1]) + (" and " if len(differ) > 1 else "") + differ[-1]
        raise ValueError(
            f"the observation is not of this codec's scenario: the codec was built for"
            f" {mine!r} ({self.n_players} seats, {self.action_size} actions,"
            f" {self.observation_size} observations) and the observation is of"
            f" {obs.scenario!r} ({len(obs.rivals) + 1} seats), whose {what} differ; play the"
            f" policy in {mine!r} or build the codec of the scenario played,"
            f" Codec.for_scenario({obs.scenario!r}), with content=DIR if the match plays the"
            f" content folder DIR (--content DIR); a policy trained on one layout does not"
            f" read another"
        )

    def _build_shared(self, obs: Observation) -> _Shared:
        self._check_fits(obs)
        d0 = self.demand0
        ps = self.price_scale
        # The vector in layout order, with the public values and the eligibility flags of a seat
        # that may buy and build anywhere (zeros where a seat's own values go); `held` lists
        # where a seat held to sovereign providers and regions has other flags.
        values: list[float] = [0.0] * HEADER
        held: list[int] = []
        held_flags: list[float] = []
        providers: list[tuple[str, bool, float, float, float]] = []
        for p in obs.providers:
            history = obs.spot_history.get(p.id, ())
            prev = history[-2] if len(history) >= 2 else p.spot_price
            held.append(len(values) + 7)
            held_flags.append(1.0 if p.sovereign else 0.0)
            values += (
                p.spot_price / ps,
                prev / ps,
                p.spot_floor / ps,
                p.list_price / ps,
                p.reserved_price[8] / ps,
                p.reserved_free / d0,
                p.capacity / self.market0,
                1.0,
                0.0,  # my reserved kGPU: now, next quarter, later
                0.0,
                0.0,
            )
            base = p.spot_price if p.spot_price > 0 else p.list_price
            providers.append((p.id, p.sovereign, base, p.spot_floor, p.reserved_free))
        regions: list[tuple[str, bool, float, ChipView | None]] = []
        ports: list[float] = []
        if self.infrastructure:
            # What a chip order in each region buys: the cheapest usable performance, among
            # every orderable chip, or among those not export-controlled where those are banned.
            orderable = [c for c in obs.chips if c.available and not c.custom and c.perf > 0]
            uncontrolled = [c for c in orderable if not c.export_controlled]
            cheapest = min(orderable, key=_chip_order) if orderable else None
            cheapest_uncontrolled = min(uncontrolled, key=_chip_order) if uncontrolled else None
            mine = [0.0] * (REGION_WIDTH - 6)  # my holdings in the region
            for region in obs.regions:
                held.append(len(values) + 5)
                held_flags.append(1.0 if region.sovereign else 0.0)
                values += (
                    region.power_price / 100.0,
                    region.grid_wait_quarters / 8.0,
                    region.build_cost_per_mw / 15.0,
                    region.fabric_lead_quarters / 8.0,
                    1.0 if region.export_banned else 0.0,
                    1.0,
                )
                values += mine
                chip = cheapest_uncontrolled if region.export_banned else cheapest
                regions.append((region.id, region.sovereign, region.ports_per_unit, chip))
                ports.append(_num(region.ports_per_unit))
        if self.chips:
            for chip in obs.chips:
                values += (
                    _slog(chip.price / chip.perf, ps) if chip.perf > 0 else 0.0,
                    chip.lead_quarters / 8.0,
                    1.0 if chip.available else 0.0,
                    1.0 if chip.export_controlled else 0.0,
                )
        values += [0.0] * (self.observation_size - len(values))  # research and rivals: mine
        anywhere = np.array(values, dtype=np.float64)
        sovereign = anywhere.copy()
        sovereign[held] = held_flags
        return _Shared(
            providers_seen=obs.providers,
            regions_seen=obs.regions,
            chips_seen=obs.chips,
            history_seen=obs.spot_history,
            templates=(anywhere, sovereign),
            provider_ids=tuple(p.id for p in obs.providers),
            providers=tuple(providers),
            regions=tuple(regions),
            ports=np.array(ports, dtype=np.float64),
        )

    def _techs(self, me: SelfView) -> _Techs:
        """Each programme's figures for this seat, as :attr:`SelfView.research` gives them.

        Read from the view's arrays and its static rows instead of building its
        :class:`~game.engine.observation.TechView` objects (eighteen objects a seat); the
        arithmetic is the view's own (cost plus overrun, minimum quarters plus slip), element
        by element. Kept per view until the next state, so decoding reuses what encoding read.
        """
        kept = self._techs_kept.get(id(me))
        if kept is not None and kept[0] is me:
            return kept[1]
        static, extra = me._tech_static, me._tech_extra
        done = me.research_done
        if extra is None or len(static) != len(done) or done.dtype != np.bool_:
            techs = _techs_of(me.research)  # a view built by hand: its objects are all there is
        else:
            seen = self._tech_seen
            if seen[0] is not static:
                seen = (static, _TechTables.of(static))
                self._tech_seen = seen
            tables = seen[1]
            extra_cost, extra_quarters, _ = extra
            techs = _Techs(
                done=done,
                funding=me.research_funding,
                spent=me.research_spent,
                cost=tables.cost + extra_cost,
                min_quarters=tables.min_quarters + extra_quarters,
                ids=tables.ids,
                open=tables.open(done),
            )
        if len(self._techs_kept) >= 4 * self.n_players:
            self._techs_kept.clear()  # many views of one state: keep the memory bounded
        self._techs_kept[id(me)] = (me, techs)
        return techs

    # ------------------------------------------------------------------ observation
    def encode(self, obs: Observation) -> np.ndarray:
        """The float32 vector of an observation (see :meth:`observation_layout`).

        Each value is computed in float64 exactly as the layout says, element by element: the
        public part comes with a copy of the state's template (see :meth:`_shared`), the seat's
        own part is written into it with a few numpy calls. NaN becomes 0 and everything is
        clipped to ±10 before the one conversion to float32 (clipping first gives the same
        float32 values: rounding is monotonic and ±10 are exact in both widths).
        """
        shared = self._shared(obs)
        me = obs.me
        last = me.last
        d0 = self.demand0
        m = self.money_scale
        ps = self.price_scale
        v = shared.templates[1 if me.sovereign_only else 0].copy()  # float64, filled below
        demand = last["demand"]
        v[:HEADER] = [
            obs.turn / max(obs.quarters, 1),
            1.0 if obs.turn == 0 else 0.0,
            _num(obs.market_demand) / self.market0,
            1.0 if me.status == "active" else 0.0,
            _slog(me.cash, m),
            _slog(me.debt, m),
            _slog(me.credit_limit - me.debt, m),
            _slog(last["enterprise_value"], m),
            me.reputation,
            me.quality,
            me.service_price / ps,
            me.training_share,
            _num(last["capacity"]) / d0,
            _num(last["reserved"]) / d0,
            _num(last["spot"]) / d0,
            _num(last["owned"]) / d0,
            _num(last["training"]) / d0,
            _num(demand) / d0,
            _num(last["served"]) / d0,
            _slog(last["revenue"], m),
            _slog(last["costs"], m),
            _slog(last["operating_profit"], m),
            _num(last["share"]),
            _num(last["served"]) / demand if demand == demand and demand > 0 else 0.0,
            len(obs.rejected) / 4.0,
        ]
        # My reserved schedule, one row per provider: columns 8-10 of each provider block.
        # (A sum along a row's contiguous axis adds exactly as that row's own .sum() does, and
        # .mean() is that sum divided by the count.)
        if shared.provider_ids:
            schedule = me.reserved_schedule
            mine = np.array([schedule[pid] for pid in shared.provider_ids], dtype=np.float64)
            blocks = v[self._provider_at : self._provider_end].reshape(-1, PROVIDER_WIDTH)
            length = mine.shape[1]
            np.divide(mine[:, : min(length, 2)], d0, out=blocks[:, 8 : 8 + min(length, 2)])
            if length > 2:
                later = np.add.reduce(mine[:, 2:], axis=1) / (length - 2)
                np.divide(later, d0, out=blocks[:, 10])
        if self.infrastructure:
            held = np.array(
                [
                    me.chips_perf,
                    me.fabric_units * shared.ports,
                    me.datacenter_mw,
                    me.grid_mw,
                    me.queued_mw,
                    np.add.reduce(me.chips_arriving, axis=1),  # what .sum(axis=1) calls
                    np.add.reduce(me.datacenter_arriving, axis=1),
                ],
                dtype=np.float64,
            )
            blocks = v[self._region_at : self._region_end].reshape(-1, REGION_WIDTH)
            np.divide(held.T, self._holding_scales, out=blocks[:, 6:])
        if self.research:
            techs = self._techs(me)
            blocks = v[self._tech_at : self._rival_at].reshape(-1, TECH_WIDTH)
            blocks[:, 0] = techs.done  # True/False become 1.0/0.0
            blocks[:, 1] = techs.funding > 0
            cost = techs.cost
            # spent / cost where the cost is positive; elsewhere the template's 0 stays
            np.divide(techs.spent, cost, out=blocks[:, 2], where=cost > 0)
            blocks[:, 3] = techs.open
        rivals: list[float] = []
        for rival in obs.rivals:
            rivals += (
                1.0 if rival.status == "active" else 0.0,
                _num(rival.market_share),
                rival.reputation,
                rival.quality_tier / 5.0,
                rival.service_price / ps,
            )
        v[self._rival_at :] = rivals
        np.minimum(v, OBS_BOUND, out=v)  # NaN stays NaN through both bounds ...
        np.maximum(v, -OBS_BOUND, out=v)
        out = v.astype(np.float32)
        out[np.isnan(out)] = 0.0  # ... and becomes 0 here
        return out

    def zero_observation(self) -> np.ndarray:
        """A vector of zeros of the observation's shape (a copy)."""
        return self._zero_obs.copy()

    # ------------------------------------------------------------------ actions
    def action_vector(self, vector: object) -> np.ndarray:
        """``vector`` as a float64 array of shape ``(action_size,)``, or a ValueError saying why
        it is not one (the array may be ``vector`` itself when it already is one)."""
        if isinstance(vector, np.ndarray) and vector.dtype.kind in "fiub":
            raw = vector.astype(np.float64, copy=False)
        else:
            raw = self._convert(vector)
        if raw.shape != (self.action_size,):
            raise ValueError(self._expected(f"an array of shape {raw.shape}"))
        return raw

    def _convert(self, vector: object) -> np.ndarray:
        if vector is None:
            raise ValueError(self._expected("None (the zero vector holds)"))
        if isinstance(vector, str | bytes | dict):
            raise ValueError(self._expected(f"a {type(vector).__name__}"))
        try:
            array = np.asarray(vector)
        except (TypeError, ValueError) as exc:  # ragged nested sequences
            raise ValueError(self._expected(f"{type(vector).__name__} ({exc})")) from None
        if array.dtype.kind not in "fiub":
            raise ValueError(self._expected(f"values of dtype {array.dtype}"))
        return array.astype(np.float64, copy=False)

    def _expected(self, got: str) -> str:
        return (
            f"an action is {self.action_size} real numbers, shape ({self.action_size},), one per"
            f" dimension of Codec.action_layout() (docs/RL.md); got {got}"
        )

    def decode(self, vector: np.ndarray, obs: Observation) -> list[Action]:
        """The engine actions an action vector means for the seat that sees ``obs``.

        Values outside ``[-1, 1]`` are clipped (±inf too), NaN counts as 0. A seat out of the
        game holds. Anything but ``action_size`` real numbers in one dimension (a list or an
        array of any real or bool dtype) is a :class:`ValueError` that says what was expected.
        """
        raw = self.action_vector(vector)
        me = obs.me
        if me.status != "active":
            return []
        # np.clip(np.nan_to_num(raw)) in three cheaper calls: both bounds let NaN through, then
        # it becomes 0. `clipped` is a new array: the caller's vector is never touched.
        clipped = np.minimum(np.maximum(raw, -1.0), 1.0)
        clipped[np.isnan(clipped)] = 0.0
        a: list[float] = clipped.tolist()
        shared = self._shared(obs)
        d = self.reference_demand(obs)
        sovereign_only = me.sovereign_only
        spot, reserved, sublease = self.spot, self.reserved, self.sublease
        actions: list[Action] = []
        i = 0
        for pid, sovereign, base, floor, free in shared.providers:
            eligible = sovereign or not sovereign_only
            if spot:
                qty, limit_a = a[i], a[i + 1]
                i += 2
                if eligible and qty > 0:
                    quantity = min(qty * SPOT_FRACTION * d, MAX_QUANTITY)
                    limit = min(max(base * 2.0**limit_a, floor), 1_000_000.0)
                    if quantity >= MIN_QTY and limit > 0:
                        actions.append(BidSpot(provider=pid, quantity=quantity, max_price=limit))
            if reserved:
                qty, term_a = a[i], a[i + 1]
                i += 2
                if eligible and qty > 0:
                    quantity = min(qty * RESERVE_FRACTION * d, max(free, 0.0))
                    term = 4 if term_a < -1 / 3 else 8 if term_a < 1 / 3 else 12
                    if quantity >= MIN_QTY:
                        actions.append(
                            Reserve(provider=pid, quantity=min(quantity, MAX_QUANTITY), term=term)
                        )
            if sublease:
                qty = a[i]
                i += 1
                if qty > 0:
                    quantity = qty * float(me.reserved_schedule[pid][0])
                    if quantity >= MIN_QTY:
                        actions.append(Sublease(provider=pid, quantity=min(quantity, MAX_QUANTITY)))
        if self.service_price:
            x = a[i]
            i += 1
            if abs(x) >= DEAD_BAND:
                price = min(me.service_price * (1.0 + PRICE_STEP * x), MAX_SERVICE_PRICE)
                if price > 0:
                    actions.append(SetServicePrice(price=price))
        if self.training:
            x = a[i]
            i += 1
            if abs(x) >= DEAD_BAND:
                share = min(max(me.training_share + TRAINING_STEP * x, 0.0), MAX_TRAINING)
                if abs(share - me.training_share) > 1e-9:
                    actions.append(SetTrainingShare(share=share))
        if self.borrowing:
            x = a[i]
            i += 1
            if x >= DEAD_BAND:
                amount = x * max(me.credit_limit - me.debt, 0.0)
                if amount >= 1.0:
                    actions.append(Borrow(amount=min(amount, 1_000_000.0)))
            elif x <= -DEAD_BAND:
                amount = -x * min(me.debt, max(me.cash, 0.0))
                if amount >= 1.0:
                    actions.append(Repay(amount=min(amount, 1_000_000.0)))
        if self.infrastructure:
            i = self._decode_infrastructure(a, i, me, shared, d, actions)
        if self.research:
            techs = self._techs(me)
            fundings = techs.funding.tolist()
            costs = techs.cost.tolist()
            opens = techs.open.tolist()
            min_quarters = techs.min_quarters.tolist()
            for t, done in enumerate(techs.done.tolist()):
                x = a[i]
                i += 1
                if done:
                    continue
                funding = fundings[t]
                if x >= TOGGLE and opens[t]:
                    amount = 2.0 * x * costs[t] / max(min_quarters[t], 1)
                    amount = min(amount, 100_000.0)
                    if abs(amount - funding) > 0.01 * max(amount, 1.0):
                        actions.append(FundResearch(tech=techs.ids[t], amount=amount))
                elif x <= -TOGGLE and funding > 0:
                    actions.append(FundResearch(tech=techs.ids[t], amount=0.0))
        return actions[:MAX_ACTIONS_PER_QUARTER]

    def _decode_infrastructure(
        self,
        a: list[float],
        i: int,
        me: SelfView,
        shared: _Shared,
        d: float,
        actions: list[Action],
    ) -> int:
        budget = max(me.cash, 0.0) * CHIP_CASH_SHARE
        # Accelerators and fabric installed or on order, per region (read on first use).
        planned_perf: list[float] = []
        planned_fabric: list[float] = []
        sovereign_only = me.sovereign_only
        for r, (rid, sovereign, ports, chip) in enumerate(shared.regions):
            eligible = sovereign or not sovereign_only
            if self.chips:
                x = a[i]
                i += 1
                if x > 0 and eligible and chip is not None and budget > 0:
                    units = x * CHIP_FRACTION * d / chip.perf
                    if chip.price > 0:
                        units = min(units, budget / chip.price)
                    if units >= MIN_QTY:
                        units = min(units, MAX_QUANTITY)
                        actions.append(OrderChips(sku=chip.id, quantity=units, region=rid))
                        budget -= units * chip.price
                        if not planned_perf:
                            planned_perf = _planned(me.chips_perf, me.chips_arriving)
                        planned_perf[r] += units * chip.perf
            if self.network:
                x = a[i]
                i += 1
                if x > 0 and eligible and ports > 0:
                    if not planned_perf:
                        planned_perf = _planned(me.chips_perf, me.chips_arriving)
                    if not planned_fabric:
                        planned_fabric = _planned(me.fabric_units, me.fabric_arriving)
                    shortfall = max(planned_perf[r] - planned_fabric[r] * ports, 0.0) / ports
                    units = 2.0 * x * shortfall
                    if units >= MIN_QTY:
                        actions.append(OrderNetwork(region=rid, quantity=min(units, MAX_QUANTITY)))
            if self.datacenters:
                x = a[i]
                i += 1
                if x >= TOGGLE and eligible:
                    mw = min(max(x * BUILD_FRACTION * d * MW_PER_KGPU, 5.0), 2_000.0)
                    actions.append(BuildDatacenter(region=rid, megawatts=mw))
        return i


ContentSource = Content | str | os.PathLike[str] | None
"""The content an env or a codec is built with: a loaded :class:`~game.rules.models.Content`, a
content folder (``--content DIR``), or ``None`` for the game's own."""


def content_folder(folder: str | os.PathLike[str]) -> Path:
    """A content folder given as a path, checked to be a folder (as ``--content`` checks it)."""
    path = Path(folder)
    if not path.is_dir():
        raise ValueError(f"no content folder at {os.fspath(folder)}")
    try:
        os.listdir(path)
    except PermissionError:
        # Else the loader finds no TOML file in it and blames the content ("no vendors
        # defined"): a sandboxed cmd: bot reads only its own folder and --bot-read folders.
        raise ValueError(
            f"cannot read the content folder {os.path.abspath(path)}: permission denied"
        ) from None
    return path


def content_of(content: ContentSource) -> Content:
    """The :class:`~game.rules.models.Content` of a :data:`ContentSource`: the object itself,
    the folder loaded (a :class:`~game.rules.loader.ContentError` lists what is wrong in it),
    or the game's own content."""
    from game.rules.loader import load_content

    if isinstance(content, Content):
        return content
    if content is None:
        return load_content()
    if not isinstance(content, str | os.PathLike):
        raise TypeError(
            "content is a game.rules.models.Content, a content folder (a path) or None,"
            f" not {type(content).__name__}"
        )
    return load_content(content_folder(content))


@functools.lru_cache(maxsize=16)
def _shipped_codec(scenario: str) -> Codec:
    """The codec of a scenario of the game's own content (see :meth:`Codec.for_scenario`)."""
    return Codec._built(scenario, content_of(None))


@functools.lru_cache(maxsize=16)
def _folder_codec(folder: str, scenario: str, stamp: tuple[tuple[str, int, int], ...]) -> Codec:
    """The codec of a scenario of a content folder (see :meth:`Codec.for_scenario`), built again
    when a file of the folder changed (``stamp``): a researcher edits their scenario and asks
    again in the same notebook."""
    return Codec._built(scenario, content_of(folder))


def _folder_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every TOML file of a content folder."""
    stamp = []
    for path in sorted(folder.rglob("*.toml")):
        try:
            info = path.stat()
        except OSError:
            continue
        stamp.append((str(path.relative_to(folder)), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def _chip_order(chip: ChipView) -> tuple[float, int, str]:
    """Cheapest performance first, then the shorter lead time, then the id."""
    return (chip.price / chip.perf, chip.lead_quarters, chip.id)


def _planned(installed: np.ndarray, arriving: np.ndarray) -> list[float]:
    """Per region: what is installed plus everything on order (the sum over coming quarters)."""
    result: list[float] = (installed + arriving.sum(axis=1)).tolist()
    return result


def _techs_of(views: tuple[TechView, ...]) -> _Techs:
    """:class:`_Techs` read from a view's own programme objects."""
    done_ids = {t.id for t in views if t.done}
    return _Techs(
        done=np.array([bool(t.done) for t in views], dtype=np.bool_),
        funding=np.array([t.funding for t in views], dtype=np.float64),
        spent=np.array([t.spent for t in views], dtype=np.float64),
        cost=np.array([t.cost for t in views], dtype=np.float64),
        min_quarters=np.array([t.min_quarters for t in views]),
        ids=tuple(t.id for t in views),
        open=np.array([all(p in done_ids for p in t.prerequisites) for t in views], dtype=np.bool_),
    )


class _TechTables(NamedTuple):
    """The fixed research figures of one set of static rows (``SelfView._tech_static``)."""

    ids: tuple[str, ...]
    cost: np.ndarray
    min_quarters: np.ndarray
    prerequisites: np.ndarray
    """(T, T) int64: 1 where the row's programme needs the column's."""
    unknown: np.ndarray
    """(T,) bool: a prerequisite that is not a programme here (never done)."""
    opened: dict[bytes, np.ndarray]
    """:meth:`open` answers so far, by the bytes of the done flags."""

    @staticmethod
    def of(static: tuple[TechStatic, ...]) -> _TechTables:
        ids = tuple(row[0] for row in static)
        index = {tid: t for t, tid in enumerate(ids)}
        prerequisites = np.zeros((len(ids), len(ids)), dtype=np.int64)
        unknown = np.zeros(len(ids), dtype=np.bool_)
        for t, row in enumerate(static):
            for p in row[5]:
                if p in index:
                    prerequisites[t, index[p]] = 1
                else:
                    unknown[t] = True
        return _TechTables(
            ids=ids,
            cost=np.array([row[2] for row in static], dtype=np.float64),
            min_quarters=np.array([row[4] for row in static], dtype=np.int64),
            prerequisites=prerequisites,
            unknown=unknown,
            opened={},
        )

    def open(self, done: np.ndarray) -> np.ndarray:
        """Per programme: every prerequisite is done (counts the ones that are not).

        Programmes finish a few times a match, so the answer is kept per set of done ones.
        """
        key = done.tobytes()
        result = self.opened.get(key)
        if result is None:
            missing = self.prerequisites @ ~done
            result = (missing == 0) & ~self.unknown
            result.flags.writeable = False  # shared by every view with these flags
            if len(self.opened) >= 4_096:
                self.opened.clear()
            self.opened[key] = result
        return result


def layout_markdown(codec: Codec) -> str:
    """The two tables of ``docs/RL.md`` for one world: every action and observation dimension."""
    lines = [
        f"Actions: `Box(-1, 1, ({codec.action_size},), float32)`",
        "",
        "| # | name | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {d.index} | `{d.name}` | {d.meaning} |" for d in codec.action_layout()]
    lines += [
        "",
        f"Observations: `Box(-10, 10, ({codec.observation_size},), float32)`",
        "",
        "| # | name | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {d.index} | `{d.name}` | {d.meaning} |" for d in codec.observation_layout()]
    return "\n".join(lines).replace("|a|", "\\|a\\|")
