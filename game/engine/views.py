"""What a bot may see (DESIGN §7): its own full state, the public market, rivals' public figures.

Never rivals' cash, contracts or research, never the world stream. Built-in rivals and
external bots receive exactly the same :class:`Observation`; :meth:`Observation.to_dict` is its
JSON form in the bot protocol. This module holds the types; :mod:`game.engine.observation`
builds them (``observe(state, seat)``) and re-exports every name here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine.state import NewsItem, construct, construct_from

if TYPE_CHECKING:
    from game.engine.validate import Verdict

SCHEDULE = 12
"""Quarters of a player's own reserved schedule and pipelines shown in its observation."""

TechStatic = tuple[str, str, float, float, int, tuple[str, ...], float]
"""id, name, cost (under the events in force), cost without events, minimum quarters,
prerequisite ids, slip risk."""

_CACHE_LIMIT = 256
"""Most entries any cache of the observations keeps (a handful are ever in use at once)."""


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
    """What the programme costs in all, $M: its slips included, as the events in force change
    it (a talent war's +20%); what it must spend before it is done."""
    base_cost: float
    """The same without the events in force, $M (equal to ``cost`` while none changes it)."""
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
    grid_ready_quarters: np.ndarray
    """(R,) quarters until all of your MW queued in the region is released (powered) at the
    normal release rate: 1 means it is released when this quarter resolves (and powers this
    quarter's operations), k means when the quarter k - 1 after this one resolves; 0 where you
    have nothing queued. The queue is first come, first served and each region releases its
    normal interconnect MW per quarter; events that change that rate or the queue (a shortage,
    a wave of requests jumping ahead) are not foreseen. It is the MW queued up to and including
    your last request there, everyone's, over that rate, rounded up (as a region's
    ``grid_wait_quarters`` is for a new request). Requests made this quarter, yours or anyone's,
    and the rest of the world's new requests each quarter join the tail behind MW already
    queued, so they never delay it."""
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
    _tech_static: tuple[TechStatic, ...] = ()
    _tech_extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied with every field worked out and without the engine's state
        (:func:`~game.engine.observation.observe` leaves a few to be read on first use)."""
        for f in dataclasses.fields(self):
            getattr(self, f.name)
        return {k: v for k, v in self.__dict__.items() if k != "_state"}

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
        arrays = (
            *self._tech_extra,
            self.research_spent,
            self.research_funding,
            self.research_done,
            self.research_slipped,
        )
        # Programmes read the same from quarter to quarter while none of them moves (and often
        # the same for several seats), and building their views costs more than comparing: the
        # views are kept by the exact bytes of the figures they show and the programmes' fixed
        # figures (which the entry keeps alive, so their id stays theirs).
        key = (id(self._tech_static), *[(a.dtype, a.shape, a.tobytes()) for a in arrays])
        found = _RESEARCH_VIEWS.get(key)
        if found is not None:
            return found[1]
        extra_cost, extra_quarters, quarters, spent, funding, done, slipped = (
            a.tolist() for a in arrays
        )
        views = tuple(
            [
                construct_from(
                    TechView,
                    {
                        "id": tid,
                        "name": name,
                        "cost": cost + extra_cost[i],
                        "base_cost": base_cost + extra_cost[i],
                        "min_quarters": min_q + extra_quarters[i],
                        "prerequisites": prereqs,
                        "slip_risk": slip,
                        "spent": spent[i],
                        "quarters_funded": quarters[i],
                        "funding": funding[i],
                        "done": done[i],
                        "slipped": slipped[i],
                    },
                )
                for i, (tid, name, cost, base_cost, min_q, prereqs, slip) in enumerate(
                    self._tech_static
                )
            ]
        )
        if len(_RESEARCH_VIEWS) >= _CACHE_LIMIT:
            _RESEARCH_VIEWS.clear()
        _RESEARCH_VIEWS[key] = (self._tech_static, views)
        return views


_RESEARCH_VIEWS: dict[tuple[Any, ...], tuple[Any, tuple[TechView, ...]]] = {}
"""Programme views by the figures they show (see :attr:`SelfView.research`)."""


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
    interest_rate: float
    """Interest a quarter on debt (0.02 is 2%), with the events in force as the quarter opens:
    what borrowing costs (an event that starts this quarter can still move it)."""
    spot_history: dict[str, tuple[float, ...]]
    news: tuple[NewsItem, ...]
    rejected: tuple[tuple[str, str, str], ...]
    """Your actions rejected last quarter: (type, reason code, message)."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied with every field worked out (see :func:`observe`)."""
        return _resolved(self)

    def provider(self, provider_id: str) -> ProviderView:
        return next(p for p in self.providers if p.id == provider_id)

    def check(self, action: Any) -> Verdict:
        """Would the engine accept ``action`` (a model, or a dict in the JSON form) now, and if
        not, why? The engine's own check, against this quarter's state: the verdict's ``code``
        and ``message`` are what ``rejected`` would say next quarter. ``verdict.cost`` is the
        cash it commits now. To check a whole list with the budget each action uses up, see
        :meth:`check_all`.

        Only an observation built by the engine can answer (in-process bots, the TUI, scripts
        calling ``observe``); one rebuilt from the JSON of the protocol raises ``RuntimeError``.
        """
        return self.check_all([action])[0]

    def check_all(self, actions: Sequence[Any]) -> list[Verdict]:
        """:meth:`check` for a quarter's list, in order, each action with the cash and credit
        the earlier accepted ones leave (as the engine applies them)."""
        state = self._engine_state(
            "check actions", "submit the actions and read `rejected` in the next observation"
        )
        from game.engine.validate import check_items  # the engine's checks, on first use

        return check_items(state, self.seat, actions)

    @cached_property
    def research_caps(self) -> dict[str, float]:
        """The most each of your research programmes can spend this quarter, $M, by
        technology id (funding above it is not spent). Like :meth:`check`, only for an
        observation built by the engine."""
        state = self._engine_state("give research caps", "use cost / min_quarters")
        from game.engine.finance import research_caps

        return dict(zip(state.world.tech_ids, research_caps(state, self.seat), strict=True))

    def _engine_state(self, what: str, instead: str) -> Any:
        state = self.__dict__.get("_state")
        if state is None:
            raise RuntimeError(
                f"this observation cannot {what}: it was not built by the engine (a hosted"
                f" bot's observation comes from JSON); {instead}"
            )
        return state

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


def _resolved(obs: Observation) -> dict[str, Any]:
    """The observation's attributes with every field worked out and without its ``_public``
    source: what pickling and copying keep."""
    for f in dataclasses.fields(obs):
        getattr(obs, f.name)
    return {k: v for k, v in obs.__dict__.items() if k not in ("_public", "_state")}
