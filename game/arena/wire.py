"""The observation as it travels in protocol ``capwars/1``: the JSON form of
:meth:`game.engine.observation.Observation.to_dict`, described field by field.

These models document the wire format and generate ``docs/schemas/observation.json``; a test
validates real observations against them with unknown fields forbidden, so they cannot drift
from the engine. Numbers that are unknown yet (before the first quarter) are ``null``.
Money is $M, compute is kGPU (a thousand H-class accelerators for a quarter), power is MW.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProviderWire(_Wire):
    """A cloud provider as the market sees it."""

    id: str = Field(description="Provider id, used in `bid_spot`, `reserve`, `sublease`.")
    name: str
    kind: str = Field(description="`hyperscaler` or `neocloud`.")
    sovereign: bool = Field(description="Allowed for industries restricted to sovereign providers.")
    spot_price: float = Field(description="Last quarter's spot clearing price, $M/kGPU-quarter.")
    spot_floor: float = Field(description="Reserve price of the spot auction, $M/kGPU-quarter.")
    list_price: float = Field(description="On-demand list price, $M per kGPU-quarter.")
    reserved_price: dict[str, float] = Field(
        description="Price per kGPU-quarter of a contract signed now, by term (`4`, `8`, `12`)."
    )
    reserved_free: float = Field(
        description="kGPU it could still sign for next quarter (an estimate: others ask too)."
    )
    capacity: float = Field(description="Announced capacity last quarter, kGPU.")


class ChipWire(_Wire):
    """An accelerator SKU."""

    id: str = Field(description="SKU id, used in `order_chips`.")
    name: str
    vendor: str
    generation: int
    perf: float = Field(description="Performance per unit in H-class equivalents.")
    power_kw: float = Field(description="Power per unit with its facility share, kW.")
    price: float = Field(description="$M per thousand units this quarter.")
    lead_quarters: int = Field(description="Quarters until an order placed now arrives.")
    available: bool = Field(description="Orderable this quarter.")
    custom: bool = Field(description="A custom chip, unlocked by research.")
    export_controlled: bool = Field(description="Cannot go to export-banned regions.")


class RegionWire(_Wire):
    """A region where data centres can be built."""

    id: str = Field(description="Region id, used in `order_chips`, `order_network`, builds.")
    name: str
    power_price: float = Field(description="$ per MWh.")
    grid_wait_quarters: int = Field(description="Current grid-connection queue wait, quarters.")
    build_cost_per_mw: float = Field(description="$M per MW of facility.")
    build_quarters: int = Field(description="Construction time, quarters.")
    fabric_price: float | None = Field(description="$M per network fabric unit (null: none).")
    fabric_lead_quarters: int = Field(description="Lead time of fabric units (-1: none).")
    ports_per_unit: float = Field(description="kGPU of chips one fabric unit connects.")
    export_banned: bool = Field(description="Export-controlled chips cannot be installed here now.")
    sovereign: bool


class RivalWire(_Wire):
    """What everyone knows about another player (never their cash, contracts or research)."""

    seat: int
    name: str
    industry: str
    status: str = Field(description="`active` or `bankrupt`.")
    market_share: float | None = Field(description="Last quarter's share of served demand.")
    reputation: float = Field(description="0..1.")
    quality_tier: int = Field(description="1 (behind) to 5 (frontier), bucketed.")
    service_price: float = Field(description="Their price to customers, $M per kGPU-quarter.")
    announcements: list[str] = Field(description="Their latest public moves (at most 5).")


class NewsWire(_Wire):
    """One line of news with its cause."""

    turn: int
    category: str = Field(description="supply, demand, price, geopolitics, tech, provider, ...")
    headline: str
    explain: str = Field(description="Why it happened, computed by the engine.")
    event: str | None = Field(description="The event id behind it, if any.")
    seat: int | None = Field(description="Set for a private notice to one seat.")


class HoldingsWire(_Wire):
    """Your infrastructure in one region; arrays cover the next 12 quarters, index 0 = now."""

    region: str
    chips_perf: float = Field(description="Installed accelerators, H-class equivalents.")
    fabric_units: float
    datacenter_mw: float = Field(description="Built facility power, MW.")
    grid_mw: float = Field(description="Grid connection granted, MW.")
    queued_mw: float = Field(description="MW still waiting in the grid queue.")
    chips_arriving: list[float]
    fabric_arriving: list[float]
    datacenter_arriving: list[float]


class TechWire(_Wire):
    """A research programme with your progress on it."""

    id: str = Field(description="Tech id, used in `fund_research`.")
    name: str
    cost: float = Field(
        description="Total $M needed: slips included, as the events in force change it (a"
        " talent war's +20%)."
    )
    base_cost: float = Field(
        description="The same without the events in force, $M (equal to `cost` while no event"
        " changes research costs)."
    )
    min_quarters: int = Field(description="Fewest quarters of funding needed.")
    prerequisites: list[str]
    slip_risk: float = Field(description="Chance per quarter that a milestone slips.")
    spent: float = Field(description="Your spending on it so far, $M.")
    quarters_funded: int
    funding: float = Field(description="Your standing funding per quarter, $M.")
    done: bool
    slipped: bool


class LastQuarterWire(_Wire):
    """Your figures of last quarter (all null before the first quarter)."""

    capacity: float | None = Field(description="kGPU available: reserved + spot + owned.")
    reserved: float | None
    spot: float | None
    owned: float | None
    training: float | None = Field(description="kGPU spent on training.")
    demand: float | None = Field(description="kGPU your customers wanted.")
    served: float | None = Field(description="kGPU of demand served.")
    revenue: float | None = Field(description="$M.")
    costs: float | None = Field(description="$M.")
    operating_profit: float | None = Field(description="$M.")
    share: float | None = Field(description="Your share of the whole market's served demand.")
    enterprise_value: float | None = Field(description="$M; the score is built from it.")


class SelfWire(_Wire):
    """Your own full state. Region arrays follow `region_ids`, research arrays `tech_ids`."""

    seat: int
    name: str
    industry: str
    status: str = Field(description="`active` or `bankrupt`.")
    cash: float = Field(description="$M.")
    debt: float = Field(description="$M.")
    credit_limit: float = Field(description="$M you may owe in total.")
    reputation: float = Field(description="0..1; falls when you turn customers away.")
    quality: float = Field(description="Model quality; grows with training compute.")
    service_price: float = Field(description="Your price to customers, $M per kGPU-quarter.")
    training_share: float = Field(description="Share of capacity spent on training, 0..0.8.")
    reserved_schedule: dict[str, list[float]] = Field(
        description="Per provider, kGPU of reserved capacity in each of the next 12 quarters."
    )
    reserved_payments: list[float] = Field(
        description="$M of take-or-pay payments due in each of the next 12 quarters."
    )
    region_ids: list[str] = Field(description="Region order of the per-region arrays.")
    chips_perf: list[float] = Field(description="Per region, installed H-class equivalents.")
    fabric_units: list[float] = Field(description="Per region, network fabric units installed.")
    datacenter_mw: list[float] = Field(description="Per region, facility MW built.")
    grid_mw: list[float] = Field(description="Per region, MW of grid connection granted.")
    queued_mw: list[float] = Field(description="Per region, MW still in the grid queue.")
    grid_ready_quarters: list[int] = Field(
        description="Per region, quarters until all your queued MW is released at the normal"
        " rate (1 = when this quarter resolves; 0 = nothing queued). Requests made later join"
        " the tail and never delay it."
    )
    chips_arriving: list[list[float]] = Field(description="[region][quarter ahead] arrivals.")
    fabric_arriving: list[list[float]] = Field(description="[region][quarter ahead] fabric.")
    datacenter_arriving: list[list[float]] = Field(description="[region][quarter ahead] MW.")
    tech_ids: list[str] = Field(description="Technology order of the research arrays.")
    research_spent: list[float] = Field(description="$M spent so far per technology.")
    research_funding: list[float] = Field(description="$M per quarter you fund each with.")
    research_done: list[bool]
    research_slipped: list[bool]
    last: LastQuarterWire = Field(description="Your figures of last quarter.")
    sovereign_only: bool = Field(description="You may use only sovereign providers and regions.")
    holdings: list[HoldingsWire] = Field(description="The region arrays again, one object each.")
    research: list[TechWire] = Field(description="The research arrays again, one object each.")


class ObservationWire(_Wire):
    """Everything one seat may know at the start of a quarter."""

    turn: int = Field(description="0-based quarter number.")
    quarters: int = Field(description="Quarters in the match.")
    label: str = Field(description="Calendar label, e.g. `2027 Q1`.")
    seat: int = Field(description="Your seat.")
    scenario: str = Field(description="Scenario id.")
    mechanics: list[str] = Field(description="Mechanics switched on in this scenario.")
    me: SelfWire = Field(description="Your own full state.")
    providers: list[ProviderWire] = Field(description="Cloud providers: spot and reserved.")
    chips: list[ChipWire] = Field(description="Accelerators you can order.")
    regions: list[RegionWire] = Field(description="Where you can build and install.")
    rivals: list[RivalWire] = Field(description="Every other seat.")
    market_demand: float | None = Field(description="Last quarter's whole-market demand, kGPU.")
    interest_rate: float = Field(
        description="Interest a quarter on debt (0.02 is 2%), with the events in force as the"
        " quarter opens: what borrowing costs (an event starting this quarter can still move it)."
    )
    spot_history: dict[str, list[float]] = Field(
        description="Per provider, the spot clearing price of every past quarter."
    )
    news: list[NewsWire] = Field(description="Last quarter's public news and your notices.")
    rejected: list[list[str]] = Field(
        description="Your actions rejected last quarter: [type, reason code, message]."
    )
