"""What a quarter produced: the report :func:`game.engine.step` returns beside the new state.

Everything the UI, the replay and the bots' next observation show about a quarter is here,
with its causes: the spot price breakdown is computed by the engine from the auction's recorded
inputs (:mod:`game.engine.explain`), not written after the fact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.engine.state import NewsItem


@dataclass(frozen=True)
class SpotInputs:
    """Everything that set one provider's spot price in one quarter."""

    capacity_trend: float
    capacity_shock: float
    """Multiplier from events on capacity (1.0 = none)."""
    outage: float
    """Share of capacity lost to outages."""
    reserved_out: float
    """kGPU taken out of the spot pool by players' reserved contracts, net of subleases."""
    background_trend: float
    background_noise: float
    background_shock: float
    p_ref: float
    floor: float
    cap: float
    eta: float
    bids: tuple[tuple[int, float, float], ...]
    capacity_events: tuple[str, ...] = ()
    background_events: tuple[str, ...] = ()
    price_events: tuple[str, ...] = ()
    outage_from_roll: bool = False
    """The provider's random outage roll failed this quarter (not an event)."""
    event_effects: tuple[tuple[str, str, int], ...] = ()
    """``(target, event title, direction)`` of every event effect in force on this provider's
    capacity, outage, background demand, list price or reserve price; direction is +1 if the
    effect raises its target, -1 if it lowers it, 0 if it sets it."""

    @property
    def supply(self) -> float:
        gross = self.capacity_trend * self.capacity_shock * (1.0 - self.outage)
        return max(gross - self.reserved_out, 0.0)

    @property
    def background(self) -> float:
        return self.background_trend * self.background_noise * self.background_shock


@dataclass(frozen=True)
class Cause:
    """One factor of a price move: its label and its share of the move.

    ``change_pct`` is the factor's share of the headline percentage move (the shares of all
    causes add up to it exactly); ``shown`` is that share rounded as printed, so that the shown
    parts add up to the rounded headline; ``log_points`` is the factor's own effect on the log
    price (×100), from which the share is allocated."""

    factor: str
    label: str
    change_pct: float
    shown: int = 0
    log_points: float = 0.0


@dataclass(frozen=True)
class SpotResult:
    """One provider's auction this quarter. Prices in $M per kGPU-quarter, quantities in kGPU.

    ``explanation()`` says in one line why the price moved; ``causes`` has the same split as
    data."""

    provider: str
    """The provider's id (``stratus``)."""
    name: str
    """The provider's name as players read it (``Stratus Cloud``)."""
    price: float
    """The clearing price this quarter."""
    previous: float
    """Last quarter's clearing price."""
    supply: float
    background_bought: float
    """kGPU the rest of the world bought at ``price``."""
    players_bought: float
    setter: int | None
    """The seat whose bid set the price, or ``None`` (the floor, the cap or background demand)."""
    rationed: bool
    inputs: SpotInputs
    previous_inputs: SpotInputs
    fills: tuple[float, ...] = ()
    """kGPU each player bid won, in the order of ``inputs.bids`` ((seat, quantity, limit))."""

    @property
    def change_pct(self) -> float:
        return (self.price / self.previous - 1.0) * 100.0 if self.previous > 0 else 0.0

    @cached_property
    def causes(self) -> tuple[Cause, ...]:
        """The move since last quarter, split into its causes (largest first)."""
        from game.engine.explain import spot_causes

        return spot_causes(self.previous_inputs, self.inputs, self.previous, self.price)

    def explanation(self, seat: int | None = None) -> str:
        """One line: ``"Stratus spot $9.1M (+38%): capacity −22% (packaging fire), ..."``."""
        from game.engine.explain import spot_sentence

        return spot_sentence(self, seat)


@dataclass(frozen=True)
class ReservedFill:
    """A reserved request and what the provider granted."""

    seat: int
    provider: str
    requested: float
    filled: float
    price: float
    term: int


@dataclass(frozen=True)
class RegionCapacity:
    """The capacity waterfall of one player's own infrastructure in one region."""

    region: str
    installed: float
    networked: float
    powered: float
    used: float
    binding: str
    """Which input limits capacity: ``chips``, ``network``, ``power`` or ``none``."""


@dataclass(frozen=True)
class PlayerQuarter:
    """One player's figures for the quarter: capacity and demand in kGPU, money in $M.

    ``report.players[seat]``; ``costs`` maps each cost line (``reserved``, ``spot``, ``power``,
    ``upkeep``, ``edge``, ``operating``, ``research``, ``capex``, ``interest``, ``fees``) to its
    $M this quarter."""

    seat: int
    status: str
    """``active`` or ``bankrupt``."""
    reserved: float
    spot: float
    owned: float
    capacity: float
    training: float
    inference: float
    demand: float
    served: float
    revenue: float
    costs: dict[str, float]
    cash: float
    debt: float
    reputation: float
    quality: float
    market_share: float
    waterfall: tuple[RegionCapacity, ...]
    sublease_income: float = 0.0
    """$M earned from reserved capacity sublet into the spot markets this quarter."""

    @property
    def unserved(self) -> float:
        return max(self.demand - self.served, 0.0)


@dataclass(frozen=True)
class QuarterReport:
    """Everything that happened in one quarter, with its causes.

    Per-seat fields are indexed by seat: ``report.players[0]``, ``report.rejected[0]``."""

    turn: int
    """The quarter just played, counted from 0."""
    label: str
    """Its calendar label, ``"2027 Q1"``."""
    submitted: tuple[tuple[dict[str, Any], ...], ...]
    """Each seat's actions as given to :func:`~game.engine.step`, as plain dicts."""
    applied: tuple[tuple[dict[str, Any], ...], ...]
    """Each seat's actions the engine carried out, as plain dicts."""
    rejected: tuple[tuple[tuple[str, str, str], ...], ...]
    """Each seat's refused actions as ``(action type, reason code, message)``, such as
    ``("bid_spot", "unknown_provider", "unknown provider 'nope' (known: ...)")``; the codes are
    :class:`~game.engine.actions.Reason` values."""
    events: tuple[str, ...]
    """Ids of the events that started this quarter."""
    news: tuple[NewsItem, ...]
    """Every headline of the quarter with its explanation (``news_for(seat)`` for one seat's)."""
    spot: tuple[SpotResult, ...]
    """One auction per provider in play, in content order."""
    reserved: tuple[ReservedFill, ...]
    players: tuple[PlayerQuarter, ...]
    """Each seat's figures, by seat (built on first read in a report ``step`` returns)."""
    market_demand: float
    """The whole market's AI demand this quarter, kGPU."""
    state_hash: str
    """:func:`~game.engine.hashing.state_hash` of the state after this quarter (a replay
    records it to prove a re-simulation identical)."""
    over: bool
    """The match ended with this quarter."""
    bankruptcies: tuple[int, ...] = field(default=())
    """Seats that went bankrupt this quarter."""
    injected: tuple[str, ...] = field(default=())
    """Events a facilitator started by hand this quarter (also in ``events``)."""

    @property
    def random_outages(self) -> tuple[tuple[str, str], ...]:
        """``(provider id, headline)`` of each provider a random outage hit this quarter (an
        outage roll, not an event), such as ``"Stratus Cloud random outage: 30% of its capacity
        offline this quarter"``. Computed from the auctions' inputs, so the state (and its hash)
        does not carry it; a debrief lists these beside the events that started."""
        return tuple(
            (
                s.provider,
                f"{s.name} random outage: {s.inputs.outage * 100:.0f}% of its capacity offline"
                " this quarter",
            )
            for s in self.spot
            if s.inputs.outage_from_roll and s.inputs.outage > 0
        )

    def news_for(self, seat: int | None) -> tuple[NewsItem, ...]:
        """Public news plus ``seat``'s private notices."""
        return tuple(n for n in self.news if n.seat is None or n.seat == seat)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied with every field worked out, in field order, and without what
        :func:`~game.engine.step.step` keeps to build ``players`` on first read."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


class _BuiltOnFirstRead:
    """``QuarterReport.players``, built on first read from the columns ``step`` kept, then
    stored like any other field.

    Set on the class after the dataclass is made, so ``__init__``, ``fields``, ``repr`` and
    equality are those of a plain field (they read it through ``getattr``), and a report built
    through ``__init__`` simply holds the value. :func:`~game.engine.step.step` leaves the field
    out and keeps in the ``_players_from`` entry a function and its arguments: a match played
    without a recorder never reads a report, and building the seats' records cost about 5% of
    an empty-action quarter's engine time.
    """

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        fields = obj.__dict__
        build: tuple[Callable[..., Any], tuple[Any, ...]] | None = fields.get("_players_from")
        if build is None:  # another thread built it meanwhile
            return fields["players"]
        value = fields["players"] = build[0](*build[1])
        fields.pop("_players_from", None)  # the columns are no longer needed
        return value


QuarterReport.players = _BuiltOnFirstRead()  # type: ignore[assignment]
