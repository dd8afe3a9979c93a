"""The working notes of one quarter: what the phases hand each other while resolving it.

A :class:`Quarter` lives only inside :func:`game.engine.step.step`; nothing outside sees it.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from operator import call
from typing import Any

import numpy as np

from game.engine.derived import TechEffects, tech_effects
from game.engine.modifiers import Modifiers, compiled, in_force
from game.engine.report import RegionCapacity, ReservedFill, SpotInputs, SpotResult
from game.engine.state import ActiveEffect, MatchState, NewsItem
from game.engine.tables import FloatArray

WaterfallRow = tuple[str, float, float, float, float, str]
"""(region, installed, networked, powered, owned in use at most, binding input)."""

_EMPTY = np.zeros(0)
_EMPTY.flags.writeable = False


def row_sum(values: list[float]) -> float:
    """``numpy.sum`` of one row of floats, bit for bit (sequential below 8, pairwise above)."""
    if len(values) < 8:
        total = 0.0
        for v in values:
            total += v
        return total
    return float(np.sum(values))


def _empty() -> np.ndarray:
    """Placeholder until a phase fills the field (shared, read-only, no allocation)."""
    return _EMPTY


@dataclass
class Quarter:
    """Scratch space for one quarter's resolution."""

    turn: int
    n: int
    n_providers: int
    mods: Modifiers
    fx: TechEffects
    """Research effects in force this quarter (completions apply from next quarter)."""
    effects: list[ActiveEffect]
    event_last: np.ndarray
    # orders collected in phase 1
    submitted: list[list[dict[str, Any]]]
    applied: list[list[dict[str, Any]]]
    rejected: list[list[tuple[str, str, str]]]
    bids: list[list[tuple[int, float, float]]]
    reserve_requests: list[tuple[int, int, float, int, int]]
    """(seat, provider, quantity, term, submission order)."""
    sublease: FloatArray
    borrow: FloatArray
    repay: FloatArray
    capex_now: FloatArray
    grid_queue_rows: list[tuple[float, float, float, float]] = field(default_factory=list)
    """The interconnection queue while the quarter resolves (see ``MatchState.grid_queue``)."""
    grid_released: np.ndarray = field(default_factory=_empty)
    """(N, R) MW of grid connection granted to each player this quarter."""
    grid_requests: list[tuple[int, int, float]] = field(default_factory=list)
    injected: tuple[int, ...] = ()
    """Events a facilitator starts this quarter (indices), on top of the scripted ones."""
    """(region, seat, MW) new interconnection requests, in submission order."""
    # world draws
    outage_roll: FloatArray = field(default_factory=_empty)
    demand_noise: float = 0.0
    background_noise: FloatArray = field(default_factory=_empty)
    events_started: list[int] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    announcements: list[tuple[int, int, str]] = field(default_factory=list)
    # supply
    capacity_eff: FloatArray = field(default_factory=_empty)
    """(P,) capacity after events, before outages."""
    outage: FloatArray = field(default_factory=_empty)
    list_price: FloatArray = field(default_factory=_empty)
    sku_output: FloatArray = field(default_factory=_empty)
    fabric_output: FloatArray = field(default_factory=_empty)
    # markets
    reserved_fills: list[ReservedFill] = field(default_factory=list)
    # (plain floats: the phases that read them work on lists, an array would be converted back)
    reserved_received: list[list[float]] = field(default_factory=list)
    """(N, P) reserved kGPU actually delivered this quarter after outages."""
    spot_won: list[list[float]] = field(default_factory=list)
    """(N, P) spot kGPU won."""
    spot_bill: list[float] = field(default_factory=list)
    """(N,) what each player pays for the spot capacity it won."""
    sublease_income: list[float] = field(default_factory=list)
    """(N,) what each player earns from the capacity it sublet."""
    spot_results: list[SpotResult] = field(default_factory=list)
    spot_inputs: list[SpotInputs] = field(default_factory=list)
    # operations (per-player figures as plain floats: the axes are tiny)
    owned: list[list[float]] = field(default_factory=list)
    """(N, R) owned capacity in use."""
    owned_total: list[float] = field(default_factory=list)
    reserved_total: list[float] = field(default_factory=list)
    """(N,) reserved kGPU received, summed over providers."""
    spot_total: list[float] = field(default_factory=list)
    """(N,) spot kGPU won, summed over providers."""
    power_mw_used: list[list[float]] = field(default_factory=list)
    """(N, R) MW drawn by owned capacity."""
    waterfall_rows: list[list[WaterfallRow]] = field(default_factory=list)
    """Per seat, the regions where it owns something, before customers use the capacity."""
    waterfall: list[tuple[RegionCapacity, ...]] = field(default_factory=list)
    """Per seat, the finished capacity waterfall (phase 8)."""
    capacity: list[float] = field(default_factory=list)
    training: list[float] = field(default_factory=list)
    inference: list[float] = field(default_factory=list)
    # customers
    market_demand: float = 0.0
    demand: list[float] = field(default_factory=list)
    served: list[float] = field(default_factory=list)
    offload_cost: list[float] = field(default_factory=list)
    revenue: list[float] = field(default_factory=list)
    share: list[float] = field(default_factory=list)
    # finance
    costs: dict[str, list[float]] = field(default_factory=dict)
    """Each bill of :data:`~game.engine.finance.COST_KEYS`, one float per player."""
    research_spend: FloatArray = field(default_factory=_empty)
    operating_profit: list[float] = field(default_factory=list)
    compute_cost: list[float] = field(default_factory=list)
    bankruptcies: list[int] = field(default_factory=list)
    # record
    history_row: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """This quarter's row of every history series (appended to the state's history)."""

    @classmethod
    def begin(cls, state: MatchState) -> Quarter:
        world = state.world
        n = state.n_players
        p = len(world.provider_ids)
        effects, mods = in_force(world, state.modifiers, state.turn)
        # Filled like ``cls(...)`` would, without the generated __init__ assigning ~60 fields
        # one by one: the shared defaults, a fresh list or dict per mutable field, then these
        # (every field without a default must be among them).
        q = object.__new__(cls)
        fields = q.__dict__
        fields.update(_SHARED_DEFAULTS)
        fields.update(zip(_FRESH_NAMES, map(call, _FRESH_FACTORIES)))  # each factory called
        fields.update(
            turn=state.turn,
            n=n,
            n_providers=p,
            mods=mods,
            fx=tech_effects(state),
            effects=effects,
            event_last=state.event_last,
            submitted=[[] for _ in range(n)],
            applied=[[] for _ in range(n)],
            rejected=[[] for _ in range(n)],
            bids=[[] for _ in range(p)],
            reserve_requests=[],
            sublease=np.zeros((n, p)),
            borrow=np.zeros(n),
            repay=np.zeros(n),
            capex_now=np.zeros(n),
            grid_queue_rows=list(map(tuple, state.grid_queue.tolist())),
        )
        return q

    def refresh_modifiers(self, world: Any) -> None:
        """Recompile the effects after events started or ended.

        Events append their effects, so the compilation in force is usually a prefix to extend.
        """
        self.mods = compiled(world, self.effects, base=self.mods)


_SHARED_DEFAULTS: dict[str, Any] = {
    f.name: _EMPTY if f.default_factory is _empty else None if f.default is MISSING else f.default
    for f in fields(Quarter)
}
"""Every field in declaration order (so the instance dict keeps that order), with the defaults
every quarter may share: immutable values and the read-only empty array (None where
:meth:`Quarter.begin` always sets the value or makes a fresh one)."""
_FRESH_DEFAULTS: tuple[tuple[str, Any], ...] = tuple(
    (f.name, f.default_factory)
    for f in fields(Quarter)
    if f.default_factory is not MISSING and f.default_factory is not _empty
)
"""Fields whose default is a new list or dict for every quarter, with its factory."""
_FRESH_NAMES = tuple(name for name, _ in _FRESH_DEFAULTS)
_FRESH_FACTORIES = tuple(factory for _, factory in _FRESH_DEFAULTS)
