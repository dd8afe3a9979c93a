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

import math
from dataclasses import dataclass

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
from game.engine.observation import SCHEDULE, Observation
from game.engine.tables import World

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

    # ------------------------------------------------------------------ observation
    def encode(self, obs: Observation) -> np.ndarray:
        """The float32 vector of an observation (see :meth:`observation_layout`)."""
        me = obs.me
        last = me.last
        d0 = self.demand0
        m = self.money_scale
        ps = self.price_scale
        v: list[float] = [
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
        ]
        for key in ("capacity", "reserved", "spot", "owned", "training", "demand", "served"):
            v.append(_num(last[key]) / d0)
        for key in ("revenue", "costs", "operating_profit"):
            v.append(_slog(last[key], m))
        v.append(_num(last["share"]))
        demand = last["demand"]
        v.append(_num(last["served"]) / demand if demand == demand and demand > 0 else 0.0)
        v.append(len(obs.rejected) / 4.0)
        sovereign_only = me.sovereign_only
        schedule = me.reserved_schedule
        for p in obs.providers:
            history = obs.spot_history.get(p.id, ())
            prev = history[-2] if len(history) >= 2 else p.spot_price
            mine = schedule[p.id]
            v += [
                p.spot_price / ps,
                prev / ps,
                p.spot_floor / ps,
                p.list_price / ps,
                p.reserved_price[8] / ps,
                p.reserved_free / d0,
                p.capacity / self.market0,
                1.0 if (p.sovereign or not sovereign_only) else 0.0,
                float(mine[0]) / d0,
                float(mine[1]) / d0 if len(mine) > 1 else 0.0,
                float(mine[2:].mean()) / d0 if len(mine) > 2 else 0.0,
            ]
        if self.infrastructure:
            mw0 = MW_PER_KGPU * d0
            chips_arriving = me.chips_arriving.sum(axis=1)
            dc_arriving = me.datacenter_arriving.sum(axis=1)
            for r, region in enumerate(obs.regions):
                v += [
                    region.power_price / 100.0,
                    region.grid_wait_quarters / 8.0,
                    region.build_cost_per_mw / 15.0,
                    region.fabric_lead_quarters / 8.0,
                    1.0 if region.export_banned else 0.0,
                    1.0 if (region.sovereign or not sovereign_only) else 0.0,
                    float(me.chips_perf[r]) / d0,
                    float(me.fabric_units[r]) * _num(region.ports_per_unit) / d0,
                    float(me.datacenter_mw[r]) / mw0,
                    float(me.grid_mw[r]) / mw0,
                    float(me.queued_mw[r]) / mw0,
                    float(chips_arriving[r]) / d0,
                    float(dc_arriving[r]) / mw0,
                ]
        if self.chips:
            for chip in obs.chips:
                v += [
                    _slog(chip.price / chip.perf, ps) if chip.perf > 0 else 0.0,
                    chip.lead_quarters / 8.0,
                    1.0 if chip.available else 0.0,
                    1.0 if chip.export_controlled else 0.0,
                ]
        if self.research:
            done = {t.id for t in me.research if t.done}
            for tech in me.research:
                v += [
                    1.0 if tech.done else 0.0,
                    1.0 if tech.funding > 0 else 0.0,
                    tech.spent / tech.cost if tech.cost > 0 else 0.0,
                    1.0 if all(p in done for p in tech.prerequisites) else 0.0,
                ]
        for rival in obs.rivals:
            v += [
                1.0 if rival.status == "active" else 0.0,
                _num(rival.market_share),
                rival.reputation,
                rival.quality_tier / 5.0,
                rival.service_price / ps,
            ]
        out = np.asarray(v, dtype=np.float32)
        np.nan_to_num(out, copy=False, nan=0.0, posinf=OBS_BOUND, neginf=-OBS_BOUND)
        np.clip(out, -OBS_BOUND, OBS_BOUND, out=out)
        return out

    def zero_observation(self) -> np.ndarray:
        """A vector of zeros of the observation's shape (a copy)."""
        return self._zero_obs.copy()

    # ------------------------------------------------------------------ actions
    def decode(self, vector: np.ndarray, obs: Observation) -> list[Action]:
        """The engine actions an action vector means for the seat that sees ``obs``.

        Values outside ``[-1, 1]`` are clipped, NaN counts as 0. A seat out of the game holds.
        """
        if obs.me.status != "active":
            return []
        a = np.nan_to_num(np.asarray(vector, dtype=np.float64).reshape(-1), nan=0.0)
        if a.shape[0] != self.action_size:
            raise ValueError(f"action has {a.shape[0]} values, expected {self.action_size}")
        a = np.clip(a, -1.0, 1.0).tolist()
        me = obs.me
        d = self.reference_demand(obs)
        sovereign_only = me.sovereign_only
        actions: list[Action] = []
        i = 0
        for p in obs.providers:
            eligible = p.sovereign or not sovereign_only
            if self.spot:
                qty, limit_a = a[i], a[i + 1]
                i += 2
                if eligible and qty > 0:
                    quantity = min(qty * SPOT_FRACTION * d, MAX_QUANTITY)
                    base = p.spot_price if p.spot_price > 0 else p.list_price
                    limit = min(max(base * 2.0**limit_a, p.spot_floor), 1_000_000.0)
                    if quantity >= MIN_QTY and limit > 0:
                        actions.append(BidSpot(provider=p.id, quantity=quantity, max_price=limit))
            if self.reserved:
                qty, term_a = a[i], a[i + 1]
                i += 2
                if eligible and qty > 0:
                    quantity = min(qty * RESERVE_FRACTION * d, max(p.reserved_free, 0.0))
                    term = 4 if term_a < -1 / 3 else 8 if term_a < 1 / 3 else 12
                    if quantity >= MIN_QTY:
                        actions.append(
                            Reserve(provider=p.id, quantity=min(quantity, MAX_QUANTITY), term=term)
                        )
            if self.sublease:
                qty = a[i]
                i += 1
                have = float(me.reserved_schedule[p.id][0])
                quantity = qty * have
                if qty > 0 and quantity >= MIN_QTY:
                    actions.append(Sublease(provider=p.id, quantity=min(quantity, MAX_QUANTITY)))
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
            i = self._decode_infrastructure(a, i, obs, d, actions)
        if self.research:
            done = {t.id for t in me.research if t.done}
            for tech in me.research:
                x = a[i]
                i += 1
                if tech.done:
                    continue
                if x >= TOGGLE and all(p in done for p in tech.prerequisites):
                    amount = 2.0 * x * tech.cost / max(tech.min_quarters, 1)
                    amount = min(amount, 100_000.0)
                    if abs(amount - tech.funding) > 0.01 * max(amount, 1.0):
                        actions.append(FundResearch(tech=tech.id, amount=amount))
                elif x <= -TOGGLE and tech.funding > 0:
                    actions.append(FundResearch(tech=tech.id, amount=0.0))
        return actions[:MAX_ACTIONS_PER_QUARTER]

    def _decode_infrastructure(
        self, a: list[float], i: int, obs: Observation, d: float, actions: list[Action]
    ) -> int:
        me = obs.me
        chips = [c for c in obs.chips if c.available and not c.custom and c.perf > 0]
        budget = max(me.cash, 0.0) * CHIP_CASH_SHARE
        planned_perf = me.chips_perf + me.chips_arriving.sum(axis=1)
        planned_fabric = me.fabric_units + me.fabric_arriving.sum(axis=1)
        for r, region in enumerate(obs.regions):
            eligible = region.sovereign or not me.sovereign_only
            if self.chips:
                x = a[i]
                i += 1
                usable = [c for c in chips if not (c.export_controlled and region.export_banned)]
                if x > 0 and eligible and usable and budget > 0:
                    chip = min(usable, key=lambda c: (c.price / c.perf, c.lead_quarters, c.id))
                    units = x * CHIP_FRACTION * d / chip.perf
                    if chip.price > 0:
                        units = min(units, budget / chip.price)
                    if units >= MIN_QTY:
                        units = min(units, MAX_QUANTITY)
                        actions.append(OrderChips(sku=chip.id, quantity=units, region=region.id))
                        budget -= units * chip.price
                        planned_perf[r] += units * chip.perf
            if self.network:
                x = a[i]
                i += 1
                ports = region.ports_per_unit
                if x > 0 and eligible and ports > 0:
                    shortfall = max(planned_perf[r] - planned_fabric[r] * ports, 0.0) / ports
                    units = 2.0 * x * shortfall
                    if units >= MIN_QTY:
                        actions.append(
                            OrderNetwork(region=region.id, quantity=min(units, MAX_QUANTITY))
                        )
            if self.datacenters:
                x = a[i]
                i += 1
                if x >= TOGGLE and eligible:
                    mw = min(max(x * BUILD_FRACTION * d * MW_PER_KGPU, 5.0), 2_000.0)
                    actions.append(BuildDatacenter(region=region.id, megawatts=mw))
        return i


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
