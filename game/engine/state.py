"""The state of a match: one frozen dataclass of numpy arrays with a player axis.

Shapes use ``N`` players, ``P`` providers, ``R`` regions, ``K`` chip SKUs, ``F`` fabrics, ``T``
technologies, ``E`` events, ``L`` = :data:`~game.engine.tables.HORIZON` quarters of delay line and
``Q`` quarters of the scenario. Pipelines and contracts are **delay lines**: index ``k`` of the
last axis holds what arrives (or is due) ``k`` quarters from now; they shift by one each quarter.

Every array of a state handed out by the engine is read-only; :func:`game.engine.step.step`
works on private copies and returns a new state, so a state can be kept, compared or replayed.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from game.engine.history import History
from game.engine.report import SpotInputs, SpotResult
from game.engine.tables import FloatArray, IntArray, World

_T = TypeVar("_T")

ACTIVE = 0
"""``status`` of a player still in the game."""
BANKRUPT = 1
"""``status`` of a player eliminated for running out of cash and credit."""


@dataclass(frozen=True)
class ActiveEffect:
    """An event effect in force: ``op value`` on ``target`` for the entities in ``indices``."""

    event: int
    target: str
    indices: tuple[int, ...]
    op: str
    value: float
    start: int
    end: int
    """First turn the effect no longer applies."""


@dataclass(frozen=True)
class NewsItem:
    """One line of news with the cause the engine computed for it."""

    turn: int
    category: str
    headline: str
    text: str
    """The explanation; empty when ``cause`` computes it on demand."""
    event: str | None = None
    seat: int | None = None
    """Set for private notices that only one seat sees (a research slip, a rejected order)."""
    cause: SpotResult | None = field(default=None, compare=False, repr=False)
    """For a price move: the auction whose causal breakdown explains it."""

    @property
    def explain(self) -> str:
        """Why it happened, in plain words (computed by the engine, on first use)."""
        if self.text or self.cause is None:
            return self.text
        return self.cause.explanation()


@dataclass(frozen=True, eq=False)
class MatchState:
    """Everything that changes during a match. Arrays are read-only outside :func:`step`."""

    world: World
    seed: int
    turn: int
    """Index of the quarter about to be played (0 = first)."""
    over: bool
    names: tuple[str, ...]

    # ---- players (N,)
    cash: FloatArray
    debt: FloatArray
    credit_limit: FloatArray
    reputation: FloatArray
    quality: FloatArray
    service_price: FloatArray
    training_share: FloatArray
    status: IntArray
    bankrupt_turn: IntArray
    spend: FloatArray
    """(N, P, 4) spend with each provider over the last four quarters (reserved priority)."""

    # ---- contracts and pipelines
    reserved_qty: FloatArray
    """(N, P, L) kGPU of reserved capacity delivered k quarters from now."""
    reserved_pay: FloatArray
    """(N, P, L) take-or-pay payments due k quarters from now, $M."""
    chips_perf: FloatArray
    """(N, R) installed accelerators, H-class equivalents (kGPU)."""
    chips_power: FloatArray
    """(N, R) MW those accelerators draw at full load (before power-saving research)."""
    chip_pipe_perf: FloatArray
    """(2, N, R, L) accelerators on order; [1] holds export-controlled chips."""
    chip_pipe_power: FloatArray
    fabric_units: FloatArray
    """(N, R) installed network fabric units."""
    fabric_pipe: FloatArray
    """(N, R, L) fabric units on order."""
    dc_mw: FloatArray
    """(N, R) data-centre MW whose construction is finished."""
    dc_pipe: FloatArray
    """(N, R, L) data-centre MW under construction."""
    dc_pay: FloatArray
    """(N, R, L) construction instalments due, $M."""
    grid_mw: FloatArray
    """(N, R) MW of grid connection granted."""
    grid_queue: FloatArray
    """(M, 4) the interconnection queues in order: region, seat (-1 = rest of world), MW, turn."""
    assets_book: FloatArray
    """(N, 3) book value of chips, network and facilities, $M."""

    # ---- research (N, T)
    research_level: FloatArray
    """Standing funding per quarter, $M."""
    research_spent: FloatArray
    research_quarters: IntArray
    research_extra: FloatArray
    """Extra cost a slip added, $M."""
    research_extra_quarters: IntArray
    research_done: IntArray
    """Turn the programme completed, or -1."""

    # ---- the world's moving parts
    prov_capacity: FloatArray
    """(P,) trend capacity before events and outages, kGPU."""
    prov_background: FloatArray
    """(P,) trend background demand at the list price, kGPU."""
    spot_price: FloatArray
    """(P,) last clearing price, $M per kGPU-quarter."""
    spot_inputs: tuple[SpotInputs, ...]
    """(P,) what set last quarter's spot prices (the baseline of this quarter's explanation)."""
    sku_backlog: FloatArray
    """(K,) thousand units waiting at the vendor."""
    fabric_backlog: FloatArray
    """(F,) fabric units waiting at the vendor."""
    demand_trend: FloatArray
    """(1,) whole-market demand on the adoption curve, before shocks and noise, kGPU."""
    event_last: IntArray
    """(E,) turn each event last started, or a large negative number."""
    modifiers: tuple[ActiveEffect, ...]

    # ---- records
    history: History
    """Per-quarter metrics: (Q, N) per player or (Q, P) per provider; NaN until played.

    A read-only mapping whose quarters are shared between successive states (see
    :class:`~game.engine.history.History`)."""
    news: tuple[NewsItem, ...]
    """Last quarter's news (public items and each seat's private notices)."""
    rejected: tuple[tuple[tuple[str, str, str], ...], ...]
    """Per seat, last quarter's rejections as (action type, reason code, message)."""
    announcements: tuple[tuple[int, int, str], ...]
    """Public moves: (turn, seat, text), e.g. a data-centre build or a large reserved deal."""
    prev_hash: str
    """The previous quarter's hash ("" at the start): the hash chain's link."""
    last_hash: str
    """This state's canonical hash (:func:`game.engine.hashing.state_hash`)."""

    @property
    def n_players(self) -> int:
        return len(self.names)

    @property
    def quarter_label(self) -> str:
        return self.world.quarter_label(self.turn)

    def active(self) -> np.ndarray:
        """Boolean mask of players still in the game."""
        return self.status == ACTIVE

    def thawed(self) -> MatchState:
        """A copy whose arrays are private and writable (used inside :func:`step`)."""
        new = object.__new__(MatchState)
        fields = new.__dict__
        fields.update(self.__dict__)
        for name in ARRAY_FIELDS:
            fields[name] = fields[name].copy()
        return new

    def frozen(self) -> MatchState:
        """Lock every array of this state (in place) and return it."""
        for a in _arrays_of(self.__dict__):
            a.setflags(write=False)
        return self


def evolve(state: MatchState, **changes: Any) -> MatchState:
    """``dataclasses.replace`` without re-running ``__init__`` (a step makes several copies)."""
    new = object.__new__(MatchState)
    fields = new.__dict__
    fields.update(state.__dict__)
    fields.update(changes)
    return new


def construct(cls: type[_T], **fields: Any) -> _T:
    """An instance of the frozen dataclass ``cls`` built without running its ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__``, which costs microseconds
    per object; the engine builds hundreds of small records a quarter, so it fills the instance
    dict directly. Callers pass fields by name; a field left out falls back to its class-level
    default (fields with a ``default_factory`` must be passed).
    """
    new = object.__new__(cls)
    new.__dict__.update(fields)
    return new


def construct_from(cls: type[_T], fields: dict[str, Any]) -> _T:
    """:func:`construct` taking the instance dict itself, without unpacking keywords.

    ``fields`` becomes the instance's ``__dict__`` as it is, so the caller passes a fresh dict
    with every field, in field order (the observation builder makes thousands a match).
    """
    new = object.__new__(cls)
    object.__setattr__(new, "__dict__", fields)
    return new


ARRAY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(MatchState) if f.type in ("FloatArray", "IntArray")
)
"""Names of the array fields, in declaration order (the hashing order)."""
_arrays_of = operator.itemgetter(*ARRAY_FIELDS)
"""``fields -> (every array field's value, in ARRAY_FIELDS order)`` from a state's __dict__."""
FLOAT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(MatchState) if f.type == "FloatArray"
)
INT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(MatchState) if f.type == "IntArray"
)
