"""Content models: every table of ``content/*.toml`` as a frozen pydantic model.

The models are the contract between the people who write content (teachers, designers) and the
engine. They reject unknown keys (``extra="forbid"``) so a typo is an error, not a silent default.
Cross-references between files (an event naming an unknown provider, a tech whose prerequisite
does not exist) are checked by :mod:`game.rules.crossref`, which sees the whole bundle.

Units follow DESIGN §2: compute in kGPU (1,000 H-class equivalents for a quarter), money in $M,
power in MW, time in quarters.
"""

from __future__ import annotations

from string import Formatter
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from game.rules.problems import did_you_mean

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=48)]
"""A content id: lower-case letters, digits, ``_`` and ``-`` (``stratus``, ``h100``)."""

ProviderId = Id
SkuId = Id
RegionId = Id
TechId = Id
EventId = Id
IndustryId = Id
ScenarioId = Id

Money = Annotated[float, Field(ge=0)]
"""Millions of US dollars ($M)."""
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Quarters = Annotated[int, Field(ge=0, le=40)]


class Model(BaseModel):
    """Base of all content models: immutable and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- industries


class Industry(Model):
    """The kind of enterprise a player runs, with its balance sheet and special rules."""

    id: IndustryId
    name: str
    description: str = ""
    starting_cash: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        description="Cash at the start, $M: 1500 is $1.5B (at most 1,000,000, $1T)."
    )
    credit_limit: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        description="Base credit line, $M: 1200 is $1.2B (at most 1,000,000, $1T); grows with"
        " revenue and assets."
    )
    starting_reputation: Fraction = 0.7
    starting_quality: float = Field(1.0, ge=0, le=10)
    service_price: Annotated[float, Field(gt=0)] = Field(
        9.0, description="Starting price of one kGPU-quarter of served AI demand, $M."
    )
    operating_cost_ratio: Fraction = Field(
        0.35, description="Share of revenue spent on everything but compute (staff, sales)."
    )
    quality_growth: Annotated[float, Field(gt=0, le=5)] = Field(
        1.0, description="Multiplier on quality gained from training compute."
    )
    provider_priority: Annotated[float, Field(gt=0, le=5)] = Field(
        1.0, description="Multiplier on this player's standing in reserved allocation."
    )
    outage_sensitivity: Annotated[float, Field(ge=0, le=5)] = Field(
        1.0, description="Multiplier on the reputation lost to demand left unserved."
    )
    sovereign_only: bool = Field(
        False, description="May use only sovereign providers and build only in sovereign regions."
    )
    brand: float = Field(0.0, ge=-3, le=3, description="Extra appeal with customers.")


# --------------------------------------------------------------------------- regions


class Region(Model):
    """A place to build data centres and a grid that connects them (a shared commons)."""

    id: RegionId
    name: str
    power_price: Annotated[float, Field(gt=0)] = Field(description="Electricity, $/MWh.")
    grid_queue_quarters: Quarters = Field(
        description="Length of the interconnection queue at the start, in quarters."
    )
    interconnect_mw_per_quarter: Annotated[float, Field(gt=0)] = Field(
        description="New grid connections released per quarter (MW), shared by everyone."
    )
    background_requests_mw: Annotated[float, Field(ge=0)] = Field(
        0.0, description="MW the rest of the world adds to the queue each quarter."
    )
    build_cost_multiplier: Annotated[float, Field(gt=0, le=5)] = 1.0
    build_quarters: Annotated[int, Field(ge=1, le=16)] = 7
    export_restricted: bool = Field(False, description="Export-controlled chips cannot ship here.")
    sovereign: bool = Field(False, description="Counts as sovereign for government players.")
    tags: tuple[Id, ...] = ()


# --------------------------------------------------------------------------- providers


class Provider(Model):
    """A cloud provider: capacity to rent on the spot market or by reserved contract."""

    id: ProviderId
    name: str
    kind: Literal["hyperscaler", "neocloud", "sovereign"]
    regions: tuple[RegionId, ...] = Field(min_length=1)
    starting_capacity: Annotated[float, Field(gt=0)] = Field(description="kGPU at the start.")
    growth: Annotated[float, Field(ge=-0.5, le=1.0)] = Field(
        description="Capacity growth per quarter (0.05 = +5%)."
    )
    reliability: Annotated[float, Field(ge=0.5, le=1.0)] = Field(
        description="Chance of a quarter without an outage."
    )
    outage_severity: Fraction = Field(0.3, description="Share of capacity lost in an outage.")
    list_price: Annotated[float, Field(gt=0)] = Field(
        description="On-demand list price per kGPU-quarter, $M; reserved prices discount it."
    )
    spot_floor: Annotated[float, Field(gt=0)] = Field(
        description="Reserve price of the spot auction, $M per kGPU-quarter."
    )
    spot_cap_multiple: Annotated[float, Field(gt=1, le=10)] = Field(
        3.0, description="Spot price ceiling as a multiple of the list price."
    )
    reserved_share: Fraction = Field(description="Share of capacity offered as reserved contracts.")
    reserved_lead: Annotated[int, Field(ge=0, le=4)] = Field(
        0, description="Quarters between signing and first delivery."
    )
    background_demand: Annotated[float, Field(ge=0)] = Field(
        description="Rest-of-world spot demand at the reference price, kGPU (B at the start)."
    )
    background_growth: Annotated[float, Field(ge=-0.5, le=1.0)] = Field(
        description="Growth of background demand per quarter."
    )
    price_elasticity: Annotated[float, Field(gt=0.1, le=10)] = Field(
        1.5, description="eta in Q_bg(p) = B (p / p_ref)^-eta."
    )
    priority: Literal["spend", "size", "seat"] = Field(
        "spend", description="Who is served first when reserved requests exceed supply."
    )
    sovereign: bool = False
    tags: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _floor_below_list(self) -> Provider:
        if self.spot_floor >= self.list_price:
            raise ValueError(
                f"spot_floor must be below list_price (spot_floor = {self.spot_floor:g},"
                f" list_price = {self.list_price:g}): the spot auction's reserve price is a"
                " discount on the list price, both in $M per kGPU-quarter"
            )
        return self


# --------------------------------------------------------------------------- chips


class Vendor(Model):
    """A chip vendor (or, with ``foundry``, the packaging pool a custom chip is made in)."""

    id: Id
    name: str
    base_lead: Annotated[int, Field(ge=0, le=12)] = Field(
        description="Quarters from order to delivery with an empty backlog."
    )
    background_backlog_quarters: Annotated[float, Field(ge=0, le=12)] = Field(
        1.0, description="Orders from the rest of the world waiting at the start, in quarters."
    )


class Foundry(Model):
    """Advanced packaging and foundry slots, shared by every custom-chip programme."""

    id: Id
    name: str
    slots_per_quarter: Annotated[float, Field(gt=0)] = Field(
        description="Packaged custom accelerators per quarter, in thousands of units."
    )
    background_share: Fraction = Field(
        0.5, description="Share of the slots the rest of the market takes every quarter."
    )
    base_lead: Annotated[int, Field(ge=0, le=12)] = 2


class ChipSku(Model):
    """An accelerator model. Quantities are in thousands of units."""

    id: SkuId
    name: str
    vendor: Id = Field(description="A vendor id, or a foundry id for a custom chip.")
    generation: Annotated[int, Field(ge=1, le=10)]
    available_from: Annotated[int, Field(ge=0, le=80)] = Field(
        0, description="First quarter (from the scenario start) it can be ordered."
    )
    perf: Annotated[float, Field(gt=0, le=50)] = Field(description="H-class equivalents per unit.")
    power_kw: Annotated[float, Field(gt=0, le=50)] = Field(
        description="kW per unit with its share of the facility."
    )
    price: Annotated[float, Field(gt=0, le=1000)] = Field(
        description="$M per thousand units: 30 is $30k per card (at most 1000, $1M per card)."
    )
    output_per_quarter: Annotated[float, Field(gt=0)] = Field(
        description="Thousand units the vendor ships per quarter to everyone."
    )
    custom: bool = Field(False, description="A custom chip: needs its research and foundry slots.")
    export_controlled: bool = False


class Fabric(Model):
    """Network gear: fabric units that connect accelerators in a region."""

    id: Id
    name: str
    regions: tuple[RegionId, ...] = Field(min_length=1)
    ports_per_unit: Annotated[float, Field(gt=0)] = Field(
        description="H-class equivalents (kGPU) one unit connects."
    )
    price: Annotated[float, Field(gt=0)] = Field(description="$M per unit.")
    output_per_quarter: Annotated[float, Field(gt=0)] = Field(description="Units per quarter.")
    base_lead: Annotated[int, Field(ge=0, le=12)] = 1
    background_backlog_quarters: Annotated[float, Field(ge=0, le=12)] = 1.0


# --------------------------------------------------------------------------- technologies


class EfficiencyEffect(Model):
    """Serve more demand per unit of inference capacity."""

    kind: Literal["efficiency"]
    multiplier: Annotated[float, Field(gt=1, le=3)] = Field(
        description="Multiplier on demand served per kGPU of inference capacity (above 1)."
    )


class PowerEffect(Model):
    """Less power per accelerator (cooling, power management)."""

    kind: Literal["power_per_perf"]
    multiplier: Annotated[float, Field(gt=0.2, lt=1)] = Field(
        description="Multiplier on kW per unit of performance (below 1: 0.9 saves 10%)."
    )


class QualityEffect(Model):
    """Better models from the same training compute."""

    kind: Literal["quality_rate"]
    multiplier: Annotated[float, Field(gt=1, le=3)] = Field(
        description="Multiplier on quality gained from training compute (above 1)."
    )


class OutageHedgeEffect(Model):
    """Multi-cloud orchestration: a share of capacity lost to an outage is recovered elsewhere."""

    kind: Literal["outage_hedge"]
    recovered: Fraction = Field(
        description="Share of the capacity lost to a provider outage recovered elsewhere."
    )


class OffloadEffect(Model):
    """Edge inference: a share of demand is served without data-centre capacity."""

    kind: Literal["offload"]
    share: Annotated[float, Field(gt=0, le=0.5)] = Field(
        description="Share of demand served at the edge, without data-centre capacity."
    )
    cost_per_kgpu: Money = Field(description="$M per kGPU-quarter served at the edge.")


class UnlockSkuEffect(Model):
    """A custom chip can now be ordered."""

    kind: Literal["unlock_sku"]
    sku: SkuId = Field(description="The custom chip (custom = true) that can now be ordered.")


class BuildSpeedEffect(Model):
    """Faster data-centre construction (prefabricated modules)."""

    kind: Literal["build_speed"]
    quarters: Annotated[int, Field(ge=1, le=4)] = Field(
        description="Quarters cut from data-centre construction."
    )


class SpotDiscountEffect(Model):
    """Preemption-tolerant scheduling: pay less for spot capacity."""

    kind: Literal["spot_discount"]
    multiplier: Annotated[float, Field(gt=0.3, lt=1)] = Field(
        description="Multiplier on the spot price paid (below 1: 0.9 pays 10% less)."
    )


class PortsEffect(Model):
    """Better optics: each fabric unit connects more accelerators."""

    kind: Literal["network_ports"]
    multiplier: Annotated[float, Field(gt=1, le=3)] = Field(
        description="Multiplier on the kGPU one fabric unit connects (above 1)."
    )


TechEffect = Annotated[
    EfficiencyEffect
    | PowerEffect
    | QualityEffect
    | OutageHedgeEffect
    | OffloadEffect
    | UnlockSkuEffect
    | BuildSpeedEffect
    | SpotDiscountEffect
    | PortsEffect,
    Field(discriminator="kind"),
]


class Technology(Model):
    """A research programme: fund it for a while, it may slip, and then it pays off."""

    id: TechId
    name: str
    description: str = ""
    cost: Annotated[float, Field(gt=0, le=100_000)] = Field(
        description="Total $M to complete: 120 is $120M (at most 100,000, $100B)."
    )
    min_quarters: Annotated[int, Field(ge=1, le=20)] = Field(
        description="Quarters of funding needed however much money is spent."
    )
    prerequisites: tuple[TechId, ...] = ()
    slip_risk: Fraction = Field(0.1, description="Chance the programme slips when it completes.")
    slip_quarters: Annotated[int, Field(ge=0, le=8)] = 2
    slip_cost: Fraction = Field(0.15, description="Extra cost of a slip, as a share of cost.")
    effects: tuple[TechEffect, ...] = Field(min_length=1)
    tags: tuple[Id, ...] = ()


# --------------------------------------------------------------------------- events

EffectTarget = Literal[
    "demand.level",
    "demand.growth",
    "market.background_demand",
    "market.service_price",
    "provider.capacity",
    "provider.growth",
    "provider.outage",
    "provider.spot_floor",
    "provider.list_price",
    "vendor.output",
    "vendor.price",
    "vendor.lead",
    "foundry.slots",
    "network.output",
    "region.grid_queue",
    "region.interconnect",
    "region.power_price",
    "region.build_cost",
    "region.export_ban",
    "finance.interest_rate",
    "finance.credit",
    "finance.opex",
    "research.slip",
    "research.cost",
    "players.reputation",
]

TARGET_KIND: dict[str, str] = {
    "demand.level": "market",
    "demand.growth": "market",
    "market.background_demand": "provider",
    "market.service_price": "market",
    "provider.capacity": "provider",
    "provider.growth": "provider",
    "provider.outage": "provider",
    "provider.spot_floor": "provider",
    "provider.list_price": "provider",
    "vendor.output": "vendor",
    "vendor.price": "vendor",
    "vendor.lead": "vendor",
    "foundry.slots": "foundry",
    "network.output": "fabric",
    "region.grid_queue": "region",
    "region.interconnect": "region",
    "region.power_price": "region",
    "region.build_cost": "region",
    "region.export_ban": "region",
    "finance.interest_rate": "market",
    "finance.credit": "market",
    "finance.opex": "market",
    "research.slip": "market",
    "research.cost": "market",
    "players.reputation": "market",
}
"""Which kind of entity each target's ``select`` names (``market`` targets take ``*`` only)."""

TARGET_OPS: dict[str, frozenset[str]] = {
    "demand.level": frozenset({"mul", "set"}),
    "demand.growth": frozenset({"mul", "add", "set"}),
    "market.background_demand": frozenset({"mul", "set"}),
    "market.service_price": frozenset({"mul", "set"}),
    "provider.capacity": frozenset({"mul"}),
    "provider.growth": frozenset({"mul", "add", "set"}),
    "provider.outage": frozenset({"add", "set"}),
    "provider.spot_floor": frozenset({"mul", "set"}),
    "provider.list_price": frozenset({"mul", "set"}),
    "vendor.output": frozenset({"mul"}),
    "vendor.price": frozenset({"mul"}),
    "vendor.lead": frozenset({"add"}),
    "foundry.slots": frozenset({"mul"}),
    "network.output": frozenset({"mul"}),
    "region.grid_queue": frozenset({"add"}),
    "region.interconnect": frozenset({"mul", "set"}),
    "region.power_price": frozenset({"mul", "add", "set"}),
    "region.build_cost": frozenset({"mul", "set"}),
    "region.export_ban": frozenset({"set"}),
    "finance.interest_rate": frozenset({"mul", "add", "set"}),
    "finance.credit": frozenset({"mul"}),
    "finance.opex": frozenset({"mul", "add", "set"}),
    "research.slip": frozenset({"mul", "add", "set"}),
    "research.cost": frozenset({"mul"}),
    "players.reputation": frozenset({"mul", "add", "set"}),
}
"""The operations the engine gives meaning to, per target (others are rejected by validation).
``add`` on ``provider.outage`` is a share of capacity knocked out; on ``vendor.lead`` quarters;
on ``region.grid_queue`` quarters of queue added (negative: cleared); ``set`` on
``region.export_ban`` bans while the event lasts, whatever the value."""

ONE_SHOT_TARGETS = frozenset({"region.grid_queue", "players.reputation"})
"""Targets applied once when the event starts (a stock moves), not held for its duration."""


class Effect(Model):
    """One change an event makes to the world, as validated data."""

    target: EffectTarget
    select: str | tuple[Id, ...] = Field(
        "*", description='"*" for all, an id, a list of ids, or "tag:NAME".'
    )
    op: Literal["mul", "add", "set"]
    value: float

    @property
    def percent(self) -> float:
        """The effect's size as an event headline's ``{pct}`` shows it: ``|value − 1| × 100``
        for ``mul`` (0.6 → 40), ``|value| × 100`` otherwise (only a percentage for some
        ``add`` targets; ``content check`` refuses ``{pct}`` where it is not one)."""
        return abs(self.value - 1.0 if self.op == "mul" else self.value) * 100.0

    @model_validator(mode="after")
    def _op_fits_target(self) -> Effect:
        allowed = TARGET_OPS[self.target]
        if self.op not in allowed:
            raise ValueError(
                f"op {self.op!r} has no meaning for {self.target};"
                f" use {' or '.join(sorted(allowed))}"
            )
        return self

    @field_validator("select")
    @classmethod
    def _select_form(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if (
            isinstance(value, str)
            and value != "*"
            and not value.startswith("tag:")
            and (not value or not value.replace("_", "").replace("-", "").isalnum())
        ):
            raise ValueError('select must be "*", an id, a list of ids or "tag:NAME"')
        return value


NOT_PERCENT_ADDS = frozenset({"vendor.lead", "region.grid_queue", "region.power_price"})
"""Targets whose ``add`` is not a share (quarters, $/MWh): ``{pct}`` cannot show it."""

HEADLINE_FIELDS = ("pct", "duration")
"""The placeholders an event headline may use: ``{pct}`` and ``{duration}``."""

EventCategory = Literal["supply", "demand", "price", "geopolitics", "tech", "provider", "finance"]


class Event(Model):
    """A shock that hits every player at once. ``{pct}`` and ``{duration}`` fill the headline."""

    id: EventId
    category: EventCategory
    title: str
    headline: str
    explain: str = Field(min_length=10, description="Why it matters, in plain words.")
    probability: Fraction = Field(description="Chance per quarter, from the world stream.")
    min_turn: Annotated[int, Field(ge=0, le=80)] = 0
    max_turn: Annotated[int, Field(ge=0, le=80)] = 80
    cooldown: Annotated[int, Field(ge=0, le=80)] = 8
    duration: Annotated[int, Field(ge=1, le=40)] = 1
    once: bool = Field(False, description="At most once per match.")
    effects: tuple[Effect, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _window_open(self) -> Event:
        if self.min_turn > self.max_turn:
            raise ValueError(
                f"min_turn ({self.min_turn}) is after max_turn ({self.max_turn}): the event could"
                " never happen at random; swap them, or set probability = 0 for an event only"
                " scenarios script"
            )
        return self

    @model_validator(mode="after")
    def _pct_is_a_percentage(self) -> Event:
        """``{pct}`` prints the first effect as a percentage; some effects are not one."""
        first = self.effects[0]
        if "{pct}" not in self.headline or not (
            first.op == "set" or (first.op == "add" and first.target in NOT_PERCENT_ADDS)
        ):
            return self
        shown = first.percent
        raise ValueError(
            f"the headline's {{pct}} shows the first effect ({first.target} {first.op}"
            f" {first.value:g}) as a percentage, and it is not one: players would read"
            f" {shown:.0f}%; write the figure in the headline, or put a mul effect first"
        )

    @field_validator("headline")
    @classmethod
    def _headline_fields(cls, value: str) -> str:
        """Only ``{pct}`` and ``{duration}`` are filled in; any other brace would be shown to
        players as written (the whole headline is then left unfilled)."""
        try:
            fields = [name for _, name, _, _ in Formatter().parse(value) if name is not None]
        except ValueError:
            raise ValueError(
                "a { or } without its partner: the headline may use {pct} and {duration};"
                " write {{ or }} for a literal brace"
            ) from None
        for name in fields:
            if name not in HEADLINE_FIELDS:
                hint = did_you_mean(name, HEADLINE_FIELDS)
                raise ValueError(
                    f"unknown placeholder {{{name}}}{hint}: the headline may use {{pct}} (the"
                    " size of the first effect, in %) and {duration} (quarters)"
                )
        return value


# --------------------------------------------------------------------------- rivals, glossary


RivalArchetype = Literal[
    "balanced", "hoarder", "spot_trader", "builder", "hedger", "bullwhip", "fast_follower"
]
"""The bots a rival can be played by (``game.agents.rivals.ARCHETYPES`` plus ``balanced``); a
test keeps the two in step. Any other name would silently play ``balanced``."""


class Rival(Model):
    """A named rival company: an archetype with a personality."""

    id: Id
    name: str
    industry: IndustryId
    archetype: RivalArchetype = Field(
        description="The bot that plays it: balanced or one of the six rival archetypes."
    )
    blurb: str = ""
    risk_appetite: Fraction = 0.5
    patience: Fraction = 0.5


class GlossaryEntry(Model):
    """A term the help screen and the explanations use."""

    term: str
    text: str
    see: tuple[str, ...] = ()


# --------------------------------------------------------------------------- scenarios

Mechanic = Literal[
    "spot",
    "reserved",
    "chips",
    "network",
    "datacenters",
    "research",
    "sublease",
    "borrowing",
    "events",
    "service_price",
    "training",
]
ALL_MECHANICS: tuple[Mechanic, ...] = (
    "spot",
    "reserved",
    "chips",
    "network",
    "datacenters",
    "research",
    "sublease",
    "borrowing",
    "events",
    "service_price",
    "training",
)


class Seat(Model):
    """One seat at the table: its industry and, optionally, a company name and a rival id."""

    industry: IndustryId
    name: str | None = None
    rival: Id | None = None


class ScriptedEvent(Model):
    """An event that fires at a fixed quarter, so a whole class meets it together."""

    turn: Annotated[int, Field(ge=0, le=80)]
    event: EventId


class Lesson(Model):
    """A note shown to every player at the start of a quarter."""

    turn: Annotated[int, Field(ge=0, le=80)]
    title: str
    text: str


class Prediction(Model):
    """A question every team answers before a quarter resolves (lesson mode)."""

    turn: Annotated[int, Field(ge=0, le=80)]
    question: str
    metric: Literal["spot_price", "demand", "lead_time", "grid_wait"] = Field(
        "spot_price",
        description="What the debrief compares the answers with: a spot price, market demand,"
        " a vendor's lead time or a region's grid wait, before and after the quarter.",
    )
    provider: ProviderId | None = Field(None, description="For spot_price: whose price.")
    vendor: Id | None = Field(None, description="For lead_time: whose lead time.")
    region: RegionId | None = Field(None, description="For grid_wait: which region's queue.")


class Market(Model):
    """Market-wide starting conditions and the customer model."""

    demand: Annotated[float, Field(gt=0)] = Field(
        description="Whole-market AI demand at the start, kGPU-quarters of inference."
    )
    demand_growth: Annotated[float, Field(ge=-0.5, le=1)] = Field(
        description="Demand growth per quarter on the adoption curve before it saturates."
    )
    demand_saturation: Annotated[float, Field(ge=1)] = Field(
        20.0, description="Demand stops growing at this multiple of the start (logistic curve)."
    )
    demand_noise: Annotated[float, Field(ge=0, le=0.5)] = Field(
        0.03, description="Random wobble of demand each quarter (0.03 is 3%)."
    )
    reference_service_price: Annotated[float, Field(gt=0, le=1000)] = Field(
        12.0, description="$M per kGPU-quarter served that customers consider normal."
    )
    appeal_quality: float = Field(
        1.0, ge=0, le=10, description="a in the appeal formula (on ln(1 + quality))."
    )
    appeal_reputation: float = Field(2.0, ge=0, le=10, description="b in the appeal formula.")
    appeal_price: float = Field(2.5, ge=0, le=10, description="c in the appeal formula.")
    outside_option: float = Field(
        2.0, ge=-5, le=10, description="Appeal of not buying from any player (the outside option)."
    )
    frontier_drift: Annotated[float, Field(ge=0, le=1)] = Field(
        0.06, description="Share of quality lost per quarter as the frontier moves."
    )
    training_gain: Annotated[float, Field(ge=0, le=2)] = Field(
        0.3, description="Quality gained per unit of log training intensity."
    )
    interest_rate: Annotated[float, Field(ge=0, le=0.2)] = Field(
        0.02, description="Interest per quarter on debt."
    )
    penalty_rate: Annotated[float, Field(ge=0, le=0.3)] = Field(
        0.04, description="Interest per quarter on emergency draws when cash runs out."
    )
    build_cost_per_mw: Annotated[float, Field(gt=0, le=1000)] = Field(
        12.0, description="$M per MW of data-centre facility before the region multiplier."
    )
    facility_upkeep_per_mw: Annotated[float, Field(ge=0)] = 0.08
    chip_upkeep_per_kgpu: Annotated[float, Field(ge=0)] = 0.25
    chip_depreciation: Fraction = 0.05
    facility_depreciation: Fraction = 0.02
    reserved_discounts: tuple[Fraction, Fraction, Fraction] = Field(
        (0.30, 0.40, 0.50), description="Discount off list for 4-, 8- and 12-quarter terms."
    )
    sublease_fee: Fraction = 0.1
    starting_contract: Fraction = Field(
        0.5,
        description="Each player starts with a 4-quarter reserved contract covering this share"
        " of an even split of the starting demand.",
    )


class Victory(Model):
    """How the match is scored and how the final verdict names the players."""

    rule: Literal["value_created", "enterprise_value"] = Field(
        "value_created",
        description="value_created: enterprise value gained since the start (fair across"
        " industries of different size); enterprise_value: the value itself.",
    )
    earnings_multiple: Annotated[float, Field(ge=0, le=40)] = 8.0
    served_share_good: Fraction = Field(0.85, description="Served share at or above: 'served'.")
    cost_per_kgpu_good: Annotated[float, Field(gt=0)] = Field(
        5.0, description="Compute cost per kGPU served at or below this: 'lean'."
    )


class Scenario(Model):
    """A complete match setup, written by a teacher or designer in TOML."""

    id: ScenarioId
    name: str
    summary: str = Field(max_length=120, description="One line for `capwars scenarios`.")
    description: str = ""
    start_year: Annotated[int, Field(ge=2000, le=2100)] = 2027
    start_quarter: Annotated[int, Field(ge=1, le=4)] = 1
    quarters: Annotated[int, Field(ge=1, le=80)]
    seats: tuple[Seat, ...] = Field(min_length=1, max_length=8)
    market: Market
    victory: Victory = Victory()
    mechanics: tuple[Mechanic, ...] = ALL_MECHANICS
    providers: tuple[ProviderId, ...] | None = Field(
        None, description="Providers in play (default: all)."
    )
    regions: tuple[RegionId, ...] | None = None
    events_enabled: tuple[EventId, ...] | None = Field(
        None, description="Random events that may fire (default: all)."
    )
    events_disabled: tuple[EventId, ...] = Field(
        (),
        description="Random events that never fire, by id, taken out of events_enabled (or of"
        " all events): e.g. the ones the scenario scripts, so they come only when scripted.",
        # Left out of the dump (and the content hash) when empty, like outage_probability_scale.
        exclude_if=lambda ids: not ids,
    )
    event_probability_scale: Annotated[float, Field(ge=0, le=5)] = 1.0
    outage_probability_scale: Annotated[float, Field(ge=0, le=2)] = Field(
        1.0,
        description="Multiplies each provider's chance of a random outage per quarter"
        " (1 - reliability); 0 switches random outages off. Outage events are not affected.",
        # Left out of the content's dump (and so its hash) at the default, so that content
        # written before this key existed keeps its hash and its matches their state hashes.
        exclude_if=lambda scale: scale == 1.0,
    )
    scripted_events: tuple[ScriptedEvent, ...] = ()
    capacity_multiplier: Annotated[float, Field(gt=0, le=10)] = Field(
        1.0, description="Scales every provider's starting capacity (below 1: a shortage)."
    )
    provider_growth_multiplier: Annotated[float, Field(ge=0, le=10)] = Field(
        1.0, description="Scales every provider's capacity growth (a building spree above 1)."
    )
    background_growth_multiplier: Annotated[float, Field(ge=0, le=10)] = Field(
        1.0, description="Scales the growth of the rest of the world's spot demand."
    )
    price_elasticity: Annotated[float, Field(gt=0.1, le=10)] | None = Field(
        None, description="Overrides every provider's price elasticity (lower: wilder prices)."
    )
    catch_up: bool = Field(
        False,
        description="Catch-up rule: the last-placed player gets extra appeal with customers"
        " each quarter. Off by default; the debrief discloses it when on.",
    )
    lessons: tuple[Lesson, ...] = ()
    predictions: tuple[Prediction, ...] = ()
    discussion: tuple[str, ...] = ()

    def lets_fire_at_random(self, event_id: str) -> bool:
        """Whether the event may start at random in a match of this scenario, as far as the
        scenario says (random events on, named by ``events_enabled`` or it unset, and not in
        ``events_disabled``); the engine also leaves out one that acts on nothing in play."""
        return (
            "events" in self.mechanics
            and (self.events_enabled is None or event_id in self.events_enabled)
            and event_id not in self.events_disabled
        )

    def plays(self, provider: Provider) -> bool:
        """Whether a match of this scenario has ``provider``: one it lists (or any, with no
        list) that serves at least one of its regions (or any region, with no list)."""
        return (self.providers is None or provider.id in self.providers) and (
            self.regions is None or any(region in self.regions for region in provider.regions)
        )

    @model_validator(mode="after")
    def _turns_in_range(self) -> Scenario:
        for kind, items in (
            ("scripted_events", self.scripted_events),
            ("lessons", self.lessons),
            ("predictions", self.predictions),
        ):
            for item in items:
                if item.turn >= self.quarters:
                    raise ValueError(
                        f"{kind}: turn {item.turn} is past the last quarter ({self.quarters - 1})"
                    )
        both = [e for e in self.events_disabled if e in (self.events_enabled or ())]
        if both:
            listed = ", ".join(repr(e) for e in both)
            raise ValueError(
                f"events_disabled: {listed} also in events_enabled: name each event in one list"
                " only (events_enabled: the random events that may fire; events_disabled: those"
                " that never do)"
            )
        return self


# --------------------------------------------------------------------------- the bundle


class Content(Model):
    """Everything the engine needs, loaded from a content folder."""

    industries: tuple[Industry, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = Field(min_length=1)
    providers: tuple[Provider, ...] = Field(min_length=1)
    vendors: tuple[Vendor, ...] = Field(min_length=1)
    foundries: tuple[Foundry, ...] = ()
    chips: tuple[ChipSku, ...] = Field(min_length=1)
    fabrics: tuple[Fabric, ...] = Field(min_length=1)
    technologies: tuple[Technology, ...] = ()
    events: tuple[Event, ...] = ()
    rivals: tuple[Rival, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    scenarios: tuple[Scenario, ...] = ()

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id; ``KeyError`` naming close matches otherwise."""
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        from difflib import get_close_matches

        known = sorted(s.id for s in self.scenarios)
        hint = get_close_matches(scenario_id, known, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        where = (
            ""
            if hint
            else ' (an id is the id = "..." line inside a scenario file, which may differ from'
            " its file name; a path to a .toml file works too)"
        )
        raise KeyError(
            f"unknown scenario {scenario_id!r}{suggestion}; known: {', '.join(known)}{where}"
        )
