"""The order forms, one per kind of action, built from what the player can see."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from game.engine import (
    Action,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    Observation,
    OrderChips,
    OrderNetwork,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
)
from game.engine.supply import RELEASED_MW
from game.tui.dialogs.action import FormField, OrderForm
from game.tui.format import kgpu, money, pct, price
from game.tui.order_keys import BY_ACTION
from game.tui.widgets.infrastructure import grid_ready_text
from game.tui.widgets.plan import (
    research_cap,
    research_cost,
    research_cost_note,
    standing_capacity,
)


def _providers(obs: Observation) -> tuple[tuple[str, Any], ...]:
    return tuple((p.name, p.id) for p in obs.providers)


def _regions(obs: Observation) -> tuple[tuple[str, Any], ...]:
    return tuple((r.name, r.id) for r in obs.regions)


def _pick(choices: tuple[tuple[str, Any], ...], wanted: Any) -> Any:
    values = [v for _, v in choices]
    return wanted if wanted in values else (values[0] if values else None)


def bid_form(
    obs: Observation,
    provider: str | None,
    old: BidSpot | None = None,
    short: float = 0.0,
    to_bid: float = 0.0,
    training: float = 0.0,
) -> OrderForm:
    """A spot bid. ``short``: the kGPU for customers this quarter's plan lacks so far (the
    Orders section's figure), and ``to_bid`` the bid that closes it (``training``, the training
    share, takes its part of it, and the form says so: "7.3 kGPU short: 9.2 kGPU bid and filled
    closes it" read as a mistake): a new bid starts at that quantity and says so."""
    choices = _providers(obs)
    pid = _pick(choices, old.provider if old else provider)
    p = obs.provider(pid)
    why = (
        f" (training takes {pct(training)} of it, as it does of all your capacity)"
        if to_bid > short + 0.05 and training > 0.005
        else ""
    )
    gap = (
        f" Your plan is {kgpu(short)} kGPU short for customers: {kgpu(to_bid)} kGPU bid and"
        f" filled closes it{why}."
        if old is None and short > 0.05 and to_bid > 0
        else ""
    )

    def info(values: dict[str, Any]) -> str:
        q = obs.provider(values["provider"])
        return (
            f"Last clearing price {price(q.spot_price)}; floor {price(q.spot_floor)} (no spot"
            f" sale below it). You pay the clearing price, never more than your limit.{gap}"
        )

    return OrderForm(
        "Bid on spot capacity (this quarter only)",
        (
            FormField("provider", "Provider", pid, choices),
            FormField(
                "quantity",
                "Quantity",
                old.quantity if old else (to_bid if to_bid > 0 else 2),
                unit="kGPU",
            ),
            FormField(
                "max_price",
                "Limit price",
                old.max_price if old else round(max(p.spot_price * 1.2, p.spot_floor), 2),
                unit="$M/kGPU",
            ),
        ),
        lambda v: BidSpot(provider=v["provider"], quantity=v["quantity"], max_price=v["max_price"]),
        info,
        lambda v: dearer_than_price(
            obs,
            min(obs.provider(v["provider"]).spot_price, float(v["max_price"])),
            "At last quarter's clearing price (or your limit, if lower) spot here costs",
        ),
    )


def dearer_than_price(obs: Observation, cost: float, costs: str) -> str:
    """A warning when a kGPU of capacity costs more than your service price earns serving it
    (the history scenario's 2023 spot prices were twice a hospital's service price): ``costs``
    begins the sentence."""
    earns = float(obs.me.service_price)
    if not cost > earns + 0.005:
        return ""
    return (
        f"{costs} {price(cost)} per kGPU, more than the {price(earns)} your service price"
        " earns for each kGPU served: every kGPU served this way loses money unless you raise"
        f" your price ({BY_ACTION['service_price'].key})."
    )


def reserve_form(
    obs: Observation,
    provider: str | None,
    old: Reserve | None,
    leads: dict[str, int],
    label: Callable[[int], str],
) -> OrderForm:
    """A reserved contract: when it starts, what it costs and when it is paid, and a warning
    when more is asked than the provider has free (``label``: the world's quarter labels,
    ``World.quarter_label``)."""
    choices = _providers(obs)
    pid = _pick(choices, old.provider if old else provider)

    def info(values: dict[str, Any]) -> str:
        q = obs.provider(values["provider"])
        term = int(values["term"])
        lead = leads.get(q.id, 1)
        start, end = obs.turn + lead, obs.turn + lead + term - 1
        each = q.reserved_price[term] * values["quantity"]
        when = (
            "first payment this quarter"
            if lead == 0
            else f"nothing to pay this quarter; first payment in {label(start)}"
        )
        now = " (this quarter)" if lead == 0 else ""
        return (
            f"Starts in [b]{label(start)}[/b]{now}, ends after {label(end)}."
            f" {price(q.reserved_price[term])} per kGPU-quarter:"
            f" {money(each)} a quarter, {money(each * term)} in all, take-or-pay; {when}."
            f" About {q.reserved_free:,.1f} kGPU free."
        )

    def warn(values: dict[str, Any]) -> str:
        q = obs.provider(values["provider"])
        if values["quantity"] > q.reserved_free + 1e-9:
            return (
                f"You ask {values['quantity']:,.1f} kGPU but only about {q.reserved_free:,.1f}"
                f" kGPU is free: you would get about {max(q.reserved_free, 0):,.1f} kGPU"
                " (and pay for that much)."
            )
        return dearer_than_price(obs, q.reserved_price[int(values["term"])], "This contract costs")

    return OrderForm(
        "Reserve capacity (take-or-pay contract)",
        (
            FormField("provider", "Provider", pid, choices),
            FormField("quantity", "Quantity", old.quantity if old else 2, unit="kGPU/quarter"),
            FormField(
                "term",
                "Term",
                old.term if old else 8,
                (("4 quarters", 4), ("8 quarters", 8), ("12 quarters", 12)),
            ),
        ),
        lambda v: Reserve(provider=v["provider"], quantity=v["quantity"], term=v["term"]),
        info,
        warn,
    )


def sublease_form(
    obs: Observation,
    provider: str | None,
    old: Sublease | None = None,
    fee: float = 0.0,
    short: float | None = None,
    training: float = 0.0,
) -> OrderForm:
    """Reserved capacity sold into this quarter's spot market: it earns the clearing price for
    what is sublet, less the market's fee (``fee``, a fraction), when the quarter resolves.

    ``short``: the kGPU for customers this quarter's plan lacks before this sublease (the
    Orders section's figure, negative when it has room to spare; ``None``: not known), with
    ``training`` the training share: a sublease that leaves customers without capacity warns
    (a start-up 4.2 kGPU short sublet 5 of its 6 reserved kGPU with only "✓ legal")."""
    choices = _providers(obs)

    def running(pid: Any) -> float:
        """Your reserved kGPU with ``pid`` this quarter."""
        return float(obs.me.reserved_schedule.get(pid, (0.0,))[0])

    if old is None and provider is not None and running(provider) <= 1e-9:
        # Opened on a provider you hold nothing with (the Market's highlighted row): start on
        # the one with the most reserved capacity to sublet instead of a refusal.
        held = [(running(pid), -k, pid) for k, (_, pid) in enumerate(choices)]
        most = max(held, default=(0.0, 0, provider))
        provider = most[2] if most[0] > 1e-9 else provider
    pid = _pick(choices, old.provider if old else provider)

    def info(values: dict[str, Any]) -> str:
        q = obs.provider(values["provider"])
        reserved = float(obs.me.reserved_schedule.get(values["provider"], (0.0,))[0])
        sublet = min(float(values["quantity"]), reserved)
        income = sublet * q.spot_price * (1.0 - fee)
        cut = f", less the {fee:.0%} fee" if fee > 0 else ""
        return (
            f"Reserved with it this quarter: {reserved:,.1f} kGPU. Brings in about"
            f" [b]{money(income)}[/b] when the quarter resolves (at last quarter's spot price"
            f" {price(q.spot_price)}{cut}; you get this quarter's clearing price); you still"
            " pay the contract."
        )

    def warn(values: dict[str, Any]) -> str:
        if short is None:
            return ""
        sublet = min(float(values["quantity"]), running(values["provider"]))
        after = short + sublet * (1.0 - training)
        if after <= 0.05 or sublet <= 1e-9:
            return ""
        # A plan with room to spare read "Your plan is with this sublease it is ... short".
        lead = (
            f"Your plan is already {kgpu(short)} kGPU short for customers; with this sublease"
            f" it is {kgpu(after)} kGPU short"
            if short > 0.05
            else f"With this sublease your plan is {kgpu(after)} kGPU short for customers"
        )
        return (
            f"{lead}: customers beyond your capacity are turned away and reputation falls."
            " Sublet only capacity you will not need this quarter."
        )

    return OrderForm(
        "Sublease reserved capacity into the spot market",
        (
            FormField("provider", "Provider", pid, choices),
            FormField("quantity", "Quantity", old.quantity if old else 1, unit="kGPU"),
        ),
        lambda v: Sublease(provider=v["provider"], quantity=v["quantity"]),
        info,
        warn,
    )


def no_datacentre(obs: Observation, region: str, building: frozenset[str] = frozenset()) -> str:
    """Name of ``region`` when the player has no data centre there, built, being built,
    waiting for the grid or ordered this quarter (``building``); ``""`` otherwise."""
    if region in building:
        return ""
    for h in obs.me.holdings:
        if h.region == region:
            coming = h.datacenter_mw + h.grid_mw + h.queued_mw + sum(h.datacenter_arriving)
            if coming > 1e-9:
                return ""
            return next((r.name for r in obs.regions if r.id == region), region)
    return ""


def _upkeep(what: str) -> str:
    """``", paying upkeep,"`` for chips (the engine bills upkeep per chip installed, used or
    not, and per MW of data centre; none for network fabric)."""
    return ", paying upkeep," if what == "chips" else ""


def idle_warning(obs: Observation, region: str, what: str, building: frozenset[str]) -> str:
    """A warning for equipment ordered where no data centre will hold it."""
    name = no_datacentre(obs, region, building)
    if not name:
        return ""
    return (
        f"No data centre in {name}: the {what} will sit idle{_upkeep(what)} until one is"
        f" built and connected ({BY_ACTION['build'].key} builds one)."
    )


GridQueue = dict[str, tuple[float, float, int]]
"""Per region, the MW waiting in its grid queue, its normal release per quarter and the
quarters a data centre of yours takes to build there, research speed-ups counted
(:func:`~game.tui.widgets.plan.grid_queue`)."""


def _releases(queued: float, rate: float, megawatts: float = 0.0) -> tuple[int, int]:
    """Whole quarters after this one before the grid, releasing ``rate`` MW a quarter, reaches
    a request of ``megawatts`` joining the tail of ``queued`` MW: its first MW, then its last
    (a request is released once no more than ``RELEASED_MW`` of it is left, as the engine
    counts it)."""
    first = math.floor(queued / rate + 1e-9)
    full = max(1, math.ceil((queued + megawatts - RELEASED_MW) / rate)) - 1
    return first, full


def _build_time(obs: Observation, region: str, grid: GridQueue | None) -> int:
    """Quarters a data centre ordered now in ``region`` takes to build: yours from ``grid``
    (prefabricated modules cut two), else the region's."""
    if grid is not None and region in grid:
        return grid[region][2]
    return next(v.build_quarters for v in obs.regions if v.id == region)


def quarters_to_power(
    obs: Observation, region: str, building: frozenset[str], grid: GridQueue | None = None
) -> int:
    """Quarters until some data centre of yours in ``region`` is powered (built and connected
    to the grid), at the normal grid release rate, counting this one: ``k`` means powered when
    the quarter ``k - 1`` after this one resolves (the grid queue's ``grid_ready_quarters``,
    which the Infrastructure section and the quarter report show as "by <that quarter>").
    0 when some already is, or when you have none there (see :func:`no_datacentre`).

    A data centre ordered this quarter (``building``) starts building and joins the grid
    queue when this quarter resolves, so it counts one quarter more than its build time or the
    region's grid wait, whichever is longer: a 20 MW order in US Central (grid wait 8) in 2027
    Q1 was shown as powered "before about 2028 Q4" while, a quarter later, the Infrastructure
    section and the report said "by 2029 Q1" (the engine powers it then). Likewise a data
    centre ``k`` places into its build pipeline is standing after ``k + 1`` quarters.

    With ``grid`` (the queue's MW, not only the region's wait rounded up to whole quarters), an
    order of this quarter counts the quarter its first MW is released: a queue 7.8 quarters
    long powers it when the seventh quarter after this one resolves, not the eighth."""
    me = obs.me
    if region not in me.region_ids:
        return 0
    r = me.region_ids.index(region)
    h = next(h for h in me.holdings if h.region == region)
    if min(h.datacenter_mw, h.grid_mw) > 1e-9:
        return 0
    ready = int(me.grid_ready_quarters[r]) if float(me.queued_mw[r]) > RELEASED_MW else 0
    built = max((k + 1 for k, mw in enumerate(h.datacenter_arriving) if mw > 1e-9), default=0)
    ready = max(ready, built) if ready or built else 0
    if region in building and not ready:
        view = next(v for v in obs.regions if v.id == region)
        wait = view.grid_wait_quarters
        if grid is not None and region in grid:
            queued, rate, _ = grid[region]
            wait = _releases(queued, rate)[0]  # whole quarters of releases ahead
        ready = max(_build_time(obs, region, grid), wait) + 1
    return ready


def too_late(obs: Observation, lead: int, what: str, label: Callable[[int], str]) -> str:
    """A warning for equipment that arrives after the game's last quarter (a custom chip
    ordered in 2029 arrived in 2033 of a game that ends in 2032): it never serves anyone."""
    if obs.turn + lead < obs.quarters:
        return ""
    return (
        f"The {what} would arrive in {label(obs.turn + lead)}, after the game's last quarter"
        f" ({label(obs.quarters - 1)}): they would never serve a customer."
    )


def power_warning(
    obs: Observation,
    region: str,
    lead: int,
    what: str,
    building: frozenset[str],
    label: Callable[[int], str],
    grid: GridQueue | None = None,
    building_mw: dict[str, float] | None = None,
) -> str:
    """A warning for equipment arriving in ``lead`` quarters where nothing of yours is powered
    until later: it idles, paying upkeep, in between. ``building_mw``: the MW of the data
    centres ordered this quarter per region, whose date is that of their first MW powered
    (:func:`ordered_power`)."""
    ready = quarters_to_power(obs, region, building, grid)
    if ready <= lead:
        return ""
    name = next((r.name for r in obs.regions if r.id == region), region)
    return (
        f"Nothing of yours is powered in {name} before about {label(obs.turn + ready - 1)}"
        f" ({ready} quarters){ordered_power(obs, region, building, label, grid, building_mw)}:"
        f" the {what} arrive{'s' if what == 'network fabric' else ''}"
        f" in {lead} and sit{'s' if what == 'network fabric' else ''} idle{_upkeep(what)}"
        " until then."
    )


def ordered_power(
    obs: Observation,
    region: str,
    building: frozenset[str],
    label: Callable[[int], str],
    grid: GridQueue | None,
    building_mw: dict[str, float] | None,
) -> str:
    """When the data centre ordered this quarter in ``region`` dates the power (nothing of
    yours there is powered or queued before it) and the grid releases it over several quarters:
    which part of it that date powers, and when all of it is, as the build form and the
    Infrastructure section date it (the chips form said "before about 2029 Q2" of a 300 MW
    build the build form called "powered by about 2030 Q1"). ``""`` otherwise."""
    mw = (building_mw or {}).get(region, 0.0)
    if (
        grid is None
        or region not in grid
        or region not in building
        or mw <= RELEASED_MW
        or quarters_to_power(obs, region, frozenset(), grid)
    ):
        return ""
    queued, rate, build = grid[region]
    if rate <= 0:
        return ""
    first, full = (max(build, q) for q in _releases(queued, rate, mw))
    if full <= first:
        return ""
    part = min(mw, rate * (first + 1) - queued)
    return (
        f", when the data centre you order here has its first {part:,.0f} MW powered (all"
        f" {mw:,.0f} MW by about {label(obs.turn + full)})"
    )


def locked_text(tech: str) -> str:
    """Why a custom chip cannot be ordered yet, and where to change that."""
    return (
        f"Locked: your own chip, ordered once the research programme {tech} is done (4 Research)."
    )


def chips_form(
    obs: Observation,
    region: str | None,
    old: OrderChips | None,
    building: frozenset[str],
    label: Callable[[int], str],
    locked: dict[str, str] | None = None,
    pending_chips: dict[str, float] | None = None,
    pending_fabric: dict[str, float] | None = None,
    power: dict[str, tuple[float, float]] | None = None,
    grid: GridQueue | None = None,
    building_mw: dict[str, float] | None = None,
) -> OrderForm:
    """``grid``: the grid queues (:func:`quarters_to_power`); ``building_mw``: the MW of the
    data centres ordered this quarter per region (:func:`ordered_power`). ``power``: per
    region, the MW of your data centres and the MW your other chips there draw
    (:func:`~game.tui.widgets.plan.power_room`), to say when these would have no power.

    Accelerators: what they cost and need (power, network ports), a warning when they
    would idle for want of a data centre or of power; custom chips not yet unlocked by
    research (``locked``: :func:`locked_chips`) are marked so in the list and say which
    programme unlocks them (the engine refuses them). ``pending_chips`` (kGPU) and
    ``pending_fabric`` (units): the other orders of this quarter per region, which the ports
    count as the network dialog does."""
    locked = locked or {}
    more_chips = pending_chips or {}
    more_fabric = pending_fabric or {}
    skus = tuple(
        (f"{c.name} (locked: research)" if c.id in locked else c.name, c.id)
        for c in obs.chips
        if c.available or c.custom
    )
    # A new order starts on the cheapest compute one can order (the Infra list's first), not
    # on the catalogue's first chip (the oldest: an H100 at twice a newer chip's $/kGPU).
    orderable = [c for c in obs.chips if (c.available or c.custom) and c.id not in locked]
    best = min(orderable, key=lambda c: c.price / c.perf).id if orderable else None
    regions = _regions(obs)
    chips = {c.id: c for c in obs.chips}
    views = {r.id: r for r in obs.regions}
    holdings = {h.region: h for h in obs.me.holdings}

    def ports(values: dict[str, Any], kgpu_now: float) -> str:
        """Whether the region's network ports connect these chips with the others there."""
        h, r = holdings.get(values["region"]), views.get(values["region"])
        if h is None or r is None:
            return ""
        region = values["region"]
        chips_there = (
            h.chips_perf + float(sum(h.chips_arriving)) + more_chips.get(region, 0.0) + kgpu_now
        )
        units = h.fabric_units + float(sum(h.fabric_arriving)) + more_fabric.get(region, 0.0)
        room = units * r.ports_per_unit
        if chips_there <= room + 0.05:
            return ""
        return (
            f"\nNetwork ports here (installed, arriving, ordered now) connect {kgpu(room)} kGPU"
            f" of your {kgpu(chips_there)} kGPU of chips with these: order network fabric"
            f" ({BY_ACTION['order_network'].key}) for the rest."
        )

    def powered(values: dict[str, Any], mw_now: float) -> str:
        """Whether your data centres in the region hold these chips with the others there."""
        room = (power or {}).get(values["region"])
        if room is None:
            return ""  # no data centre there: the warning says so
        dc, drawn = room
        draw = drawn + mw_now
        if draw <= dc + 0.05:
            return ""
        return (
            f"\nYour data centres here (built, being built, ordered now) hold {dc:,.1f} MW;"
            f" your chips here with these draw {draw:,.1f} MW: {draw - dc:,.1f} MW of them"
            f" would have no power ({BY_ACTION['build'].key} builds more)."
        )

    def info(values: dict[str, Any]) -> str:
        c = chips[values["sku"]]
        amount = values["quantity"] * c.perf
        return (
            f"{money(c.price)} per thousand units · {c.perf:g} H-equivalent"
            f"{'' if c.perf == 1 else 's'} and"
            f" {c.power_kw:g} kW each · arrives in {c.lead_quarters} quarters"
            f" · {amount:,.1f} kGPU ({money(c.price / c.perf)} per kGPU),"
            f" needs {values['quantity'] * c.power_kw:,.1f} MW of powered data centre"
            + ports(values, amount)
            + powered(values, values["quantity"] * c.power_kw)
            + (f"\n{locked_text(locked[c.id])}" if c.id in locked else "")
        )

    def warn(values: dict[str, Any]) -> str:
        lead = chips[values["sku"]].lead_quarters
        return (
            too_late(obs, lead, "chips", label)
            or idle_warning(obs, values["region"], "chips", building)
            or power_warning(
                obs, values["region"], lead, "chips", building, label, grid, building_mw
            )
        )

    return OrderForm(
        "Order accelerators",
        (
            FormField("sku", "Chip", _pick(skus, old.sku if old else best), skus),
            FormField("region", "Region", _pick(regions, old.region if old else region), regions),
            FormField("quantity", "Quantity", old.quantity if old else 1, unit="thousand units"),
        ),
        lambda v: OrderChips(sku=v["sku"], region=v["region"], quantity=v["quantity"]),
        info,
        warn,
    )


def network_form(
    obs: Observation,
    region: str | None,
    old: OrderNetwork | None = None,
    building: frozenset[str] = frozenset(),
    pending_chips: dict[str, float] | None = None,
    *,
    label: Callable[[int], str],
    pending_fabric: dict[str, float] | None = None,
    grid: GridQueue | None = None,
    building_mw: dict[str, float] | None = None,
) -> OrderForm:
    """``grid``: the grid queues (:func:`quarters_to_power`); ``building_mw``: the MW of the
    data centres ordered this quarter per region (:func:`ordered_power`). ``pending_chips``: kGPU of
    chips ordered this quarter per region (not yet in ``obs``);
    ``pending_fabric``: units of network fabric the other orders of this quarter buy there;
    ``label``: the world's quarter labels."""
    regions = _regions(obs)
    views = {r.id: r for r in obs.regions}
    holdings = {h.region: h for h in obs.me.holdings}
    pending = pending_chips or {}
    fabric = pending_fabric or {}

    def needs(region_id: str) -> tuple[float, float, int]:
        """The chips there (installed, arriving, ordered now) and their ports, kGPU, and the
        units of fabric that connect them all."""
        r, h = views[region_id], holdings.get(region_id)
        if h is None:
            return 0.0, 0.0, 0
        chips = h.chips_perf + float(sum(h.chips_arriving)) + pending.get(r.id, 0.0)
        units = h.fabric_units + float(sum(h.fabric_arriving)) + fabric.get(r.id, 0.0)
        ports = units * r.ports_per_unit
        short = chips - ports
        return chips, ports, math.ceil(short / r.ports_per_unit - 1e-9) if short > 0.05 else 0

    def info(values: dict[str, Any]) -> str:
        r = views[values["region"]]
        text = (
            f"{money(r.fabric_price)} per unit · {r.ports_per_unit:g} kGPU of ports each"
            f" · arrives in {r.fabric_lead_quarters} quarters"
        )
        if r.id not in holdings:
            return text
        # Ports against the chips they must connect: installed, arriving and ordered now.
        chips, ports, more = needs(r.id)
        ask = f": {more:,} more units connect them all" if more else ": enough for them"
        return (
            f"{text}\nYour chips here (installed, arriving, ordered now) {kgpu(chips)} kGPU;"
            f" ports {kgpu(ports)} kGPU{ask if chips > 0.05 else ''}."
        )

    where = _pick(regions, old.region if old else region)
    # A new order starts on what connects the chips there (it said 1 beside "10 more units").
    start = old.quantity if old else (needs(where)[2] if where in views else 0) or 1
    return OrderForm(
        "Order network fabric",
        (
            FormField("region", "Region", where, regions),
            FormField("quantity", "Quantity", start, unit="units"),
        ),
        lambda v: OrderNetwork(region=v["region"], quantity=v["quantity"]),
        info,
        lambda v: (
            idle_warning(obs, v["region"], "network fabric", building)
            or power_warning(
                obs,
                v["region"],
                views[v["region"]].fabric_lead_quarters,
                "network fabric",
                building,
                label,
                grid,
                building_mw,
            )
        ),
    )


def build_powered_text(
    obs: Observation,
    region: str,
    label: Callable[[int], str],
    megawatts: float = 0.0,
    grid: GridQueue | None = None,
) -> str:
    """When a data centre of ``megawatts`` ordered now in ``region`` is powered, at the normal
    grid release rate, as the Infrastructure section and the quarter report will say it a
    quarter later (see :func:`quarters_to_power`); a build powered only after the game's last
    quarter never serves a customer, and says so (a 24-quarter game offered a region with a
    24-quarter grid wait without a word).

    With ``grid`` the date is the quarter the grid releases the last of its MW, as the
    Infrastructure section dates them: the region's wait, rounded up to whole quarters, said
    "by 2030 Q2" where the section said "by 2030 Q1" a quarter later (a queue 10.4 quarters
    long, and the 20 MW fitting in its eleventh quarter's release)."""
    view = next(v for v in obs.regions if v.id == region)
    first = full = view.grid_wait_quarters
    if grid is not None and region in grid:
        first, full = _releases(*grid[region][:2], megawatts)
    end = obs.quarters - 1
    build = _build_time(obs, region, grid)
    start, last = (obs.turn + max(build, q) for q in (first, full))
    if start > end:
        return (
            f"⚠ Powered in about {label(last)}, after the game's last quarter"
            f" ({label(end)}): it would never serve a customer."
        )
    if last > end:
        return (
            f"⚠ Powered in part from about {label(start)}, in full only in about {label(last)},"
            f" after the game's last quarter ({label(end)})."
        )
    return f"Built and powered by about {label(last)} at the grid's normal rate."


def build_form(
    obs: Observation,
    region: str | None,
    old: BuildDatacenter | None,
    label: Callable[[int], str],
    grid: GridQueue | None = None,
) -> OrderForm:
    """``grid``: the grid queues, which date the power (:func:`build_powered_text`)."""
    regions = _regions(obs)
    views = {r.id: r for r in obs.regions}

    # What the size means in compute: the reference chip and the one with the most compute
    # per kW on sale now (a megawatt powers 1/power_kw thousand chips).
    on_sale = [c for c in obs.chips if c.available and not c.custom]
    reference = next((c for c in on_sale if c.perf == 1.0), None)
    best = max(on_sale, key=lambda c: c.perf / c.power_kw, default=None)
    shown = [c for c in (reference, best) if c is not None]
    if len(shown) == 2 and shown[0].id == shown[1].id:
        shown = shown[:1]

    def info(values: dict[str, Any]) -> str:
        r = views[values["region"]]
        mw = values["megawatts"]
        powers = " or ".join(
            f"{kgpu(mw / c.power_kw * c.perf)} kGPU of {c.name.split()[-1]}s" for c in shown
        )
        # MW of yours already in this region's queue: when they are powered (a new request
        # joins the tail behind them, so it does not delay them).
        queued = grid_ready_text(obs, r.id, label)
        return (
            f"{money(r.build_cost_per_mw * mw)} over {_build_time(obs, r.id, grid)}"
            f" quarters · grid queue {r.grid_wait_quarters} quarters · power"
            f" ${r.power_price:,.0f}/MWh"
            + f"\n{build_powered_text(obs, r.id, label, mw, grid)}"
            + (f"\nPowers about {powers}." if powers else "")
            + (f"\nAlready queued here: {queued}." if queued else "")
        )

    return OrderForm(
        "Build a data centre",
        (
            FormField("region", "Region", _pick(regions, old.region if old else region), regions),
            FormField("megawatts", "Size", old.megawatts if old else 20, unit="MW, 5-2000"),
        ),
        lambda v: BuildDatacenter(region=v["region"], megawatts=v["megawatts"]),
        info,
        lambda v: beyond_means(obs, views[v["region"]].build_cost_per_mw * v["megawatts"]),
    )


def beyond_means(obs: Observation, total: float) -> str:
    """A warning for a build that costs more in all than the cash and unused credit there are
    today (only its first instalment is checked now: 300 MW in US Central, $3.42B, went through
    as '✓ legal' with $1.5B of cash and a $1.2B line; the instalments after it are bills that
    come whatever the profits)."""
    me = obs.me
    means = me.cash + max(me.credit_limit - me.debt, 0.0)
    if total <= means + 0.05:
        return ""
    return (
        f"In all it costs {money(total)}, more than your cash and unused credit today"
        f" ({money(means)}): the later instalments must come out of profits, or the company goes"
        " bankrupt."
    )


def research_form(obs: Observation, tech: str | None, old: FundResearch | None = None) -> OrderForm:
    """Funding per quarter, refused above what the programme can spend in a quarter."""
    techs = tuple((t.name, t.id) for t in obs.me.research)
    views = {t.id: t for t in obs.me.research}
    pick = _pick(techs, old.tech if old else tech)
    default = old.amount if old else (round(research_cap(obs, views[pick]), 1) if pick else 0)

    def info(values: dict[str, Any]) -> str:
        t = views[values["tech"]]
        # What it costs now: an event in force (a talent war) can raise it.
        cost = research_cost(t)
        note = research_cost_note(t)
        left = max(cost - t.spent, 0)
        needs = ", ".join(views[p].name if p in views else p for p in t.prerequisites)
        return (
            f"Spends at most [b]{money(research_cap(obs, t))} a quarter[/b] (cost {money(cost)}"
            + (f": {note}," if note else "")
            + f" over at least {t.min_quarters} quarters) · spent {money(t.spent)},"
            f" {money(left)} to go · slip risk {t.slip_risk:.0%} (the chance it needs more"
            f" quarters and money when it would finish) · needs {needs or 'nothing'}"
        )

    def build(values: dict[str, Any]) -> Action:
        t = views[values["tech"]]
        cap = research_cap(obs, t)
        if values["amount"] > cap + 0.05:
            raise ValueError(
                f"Funding: {t.name} can spend at most {money(cap)} a quarter; more would"
                f" not be spent. Enter {cap:,.1f} or less."
            )
        return FundResearch(tech=values["tech"], amount=values["amount"])

    return OrderForm(
        "Fund research (per quarter; 0 pauses)",
        (
            FormField("tech", "Technology", pick, techs),
            FormField("amount", "Funding", default, unit="$M/quarter"),
        ),
        build,
        info,
    )


def price_form(obs: Observation, old: SetServicePrice | None = None) -> OrderForm:
    current = obs.me.service_price
    rivals = [r.service_price for r in obs.rivals if not math.isnan(r.service_price)]
    avg = sum(rivals) / len(rivals) if rivals else math.nan
    return OrderForm(
        "Set your service price",
        (FormField("price", "Price", old.price if old else round(current, 2), unit="$M/kGPU"),),
        lambda v: SetServicePrice(price=v["price"]),
        lambda v: (
            f"Now {price(current)}; rivals average {price(avg)}. Higher earns more per"
            " kGPU but wins fewer customers."
        ),
        lambda v: far_from_rivals(float(v["price"]), avg),
    )


def far_from_rivals(asked: float, average: float) -> str:
    """A warning for a service price far from the rivals' average (a typo such as 100 for
    10.0 went through as '✓ legal'): customers compare prices.

    >>> far_from_rivals(100, 12.0).split(':')[0]
    "$100.00M is 8.3× the rivals' average ($12.00M)"
    """
    if not math.isfinite(average) or average <= 0:
        return ""
    if asked > 1.5 * average:
        return (
            f"{price(asked)} is {asked / average:.1f}× the rivals' average ({price(average)}):"
            " customers compare prices, so expect to lose share to them."
        )
    if asked < 0.5 * average:
        return (
            f"{price(asked)} is under half the rivals' average ({price(average)}): you earn"
            " less on every kGPU and may win more customers than your capacity serves."
        )
    return ""


def training_share(values: dict[str, Any]) -> Action:
    """The share typed in percent, checked in percent."""
    share = values["share"]
    if share > 80:
        raise ValueError(f"Share: at most 80% of capacity can go to training, not {share:g}%")
    return SetTrainingShare(share=share / 100)


def training_form(obs: Observation, old: SetTrainingShare | None = None) -> OrderForm:
    current = obs.me.training_share
    return OrderForm(
        "Set your training share",
        (
            FormField(
                "share", "Share", old.share * 100 if old else round(current * 100), unit="%, 0-80"
            ),
        ),
        training_share,
        lambda v: (
            f"Now {current:.0%}. Training raises model quality (customers like it) but"
            " takes capacity away from serving." + training_effect(obs, float(v["share"]) / 100)
        ),
        lambda v: fraction_warning(float(v["share"])),
    )


def fraction_warning(share: float) -> str:
    """A share typed as a fraction (0.2 for 20%): the field is in percent.

    >>> fraction_warning(0.2)
    'The share is in percent: 0.2 means 0.2% of capacity. For 20% type 20.'
    """
    if not 0 < share < 1:
        return ""
    return (
        f"The share is in percent: {share:g} means {share:g}% of capacity."
        f" For {share * 100:g}% type {share * 100:g}."
    )


def training_effect(obs: Observation, share: float) -> str:
    """What ``share`` takes from serving: of this quarter's reserved and own capacity (spot
    bids come on top), or, with none, of last quarter's capacity (empty before any). Last
    quarter's alone counted spot capacity rented for that quarter only: 'At last quarter's 10.3
    kGPU' while the quarter being planned had 8.3 before any bid."""
    capacity, words = sum(standing_capacity(obs)), "this quarter's reserved and own"
    after = " (spot bids come on top)"
    if capacity <= 0.05:
        capacity, words, after = float(obs.me.last.get("capacity", math.nan)), "last quarter's", ""
    if math.isnan(capacity) or capacity <= 0:
        return ""
    return (
        f"\nOf {words} {kgpu(capacity)} kGPU{after}: {kgpu(capacity * share)} kGPU to"
        f" training, {kgpu(capacity * (1 - share))} kGPU left to serve customers."
    )


def borrow_form(obs: Observation, old: Borrow | None = None) -> OrderForm:
    """Borrowing: the line used and free, and what the loan costs at the observation's interest
    rate: interest is charged each quarter on the debt the quarter starts with."""
    me = obs.me
    rate = obs.interest_rate

    def info(values: dict[str, Any]) -> str:
        text = f"Debt {money(me.debt)} of a {money(me.credit_limit)} line."
        if not math.isfinite(rate):  # an observation from a host that does not send it
            return text
        return text + (
            f" Interest {pct(rate, 1)} a quarter on the debt each quarter starts with: about"
            f" {money(values['amount'] * rate)} a quarter for this loan from next quarter,"
            " until repaid."
        )

    return OrderForm(
        "Borrow on your credit line",
        (FormField("amount", "Amount", old.amount if old else 100, unit="$M"),),
        lambda v: Borrow(amount=v["amount"]),
        info,
    )


def repay_form(obs: Observation, old: Repay | None = None) -> OrderForm:
    me = obs.me
    return OrderForm(
        "Repay debt",
        (FormField("amount", "Amount", old.amount if old else round(me.debt, 1), unit="$M"),),
        lambda v: Repay(amount=v["amount"]),
        lambda v: f"Debt {money(me.debt)}, cash {money(me.cash)}.",
        lambda v: (
            f"Only {money(me.debt)} is owed: repays {money(me.debt)}."
            if v["amount"] > me.debt + 0.05
            else ""
        ),
    )


def form_for(
    obs: Observation,
    action: Action,
    leads: dict[str, int],
    label: Callable[[int], str],
    building: frozenset[str] = frozenset(),
    fee: float = 0.0,
    locked: dict[str, str] | None = None,
    pending_chips: dict[str, float] | None = None,
    pending_fabric: dict[str, float] | None = None,
    power: dict[str, tuple[float, float]] | None = None,
    grid: GridQueue | None = None,
    short: float | None = None,
    training: float = 0.0,
    building_mw: dict[str, float] | None = None,
) -> OrderForm:
    """The form that edits an existing order (``building``: regions with a data centre
    ordered this quarter, ``building_mw`` their MW; ``fee``: the sublease fee; ``locked``:
    custom chips not unlocked yet; ``pending_chips`` and ``pending_fabric``: the chips and
    fabric the other orders of this quarter buy, per region; ``short`` and ``training``: the
    plan without the order edited, for a sublease's warning, see :func:`sublease_form`)."""
    if isinstance(action, BidSpot):
        return bid_form(obs, None, action)
    if isinstance(action, Reserve):
        return reserve_form(obs, None, action, leads, label)
    if isinstance(action, Sublease):
        return sublease_form(obs, None, action, fee, short, training)
    if isinstance(action, OrderChips):
        return chips_form(
            obs,
            None,
            action,
            building,
            label,
            locked,
            pending_chips,
            pending_fabric,
            power,
            grid,
            building_mw,
        )
    if isinstance(action, OrderNetwork):
        return network_form(
            obs,
            None,
            action,
            building,
            pending_chips,
            label=label,
            pending_fabric=pending_fabric,
            grid=grid,
            building_mw=building_mw,
        )
    if isinstance(action, BuildDatacenter):
        return build_form(obs, None, action, label, grid)
    if isinstance(action, FundResearch):
        return research_form(obs, None, action)
    if isinstance(action, SetServicePrice):
        return price_form(obs, action)
    if isinstance(action, SetTrainingShare):
        return training_form(obs, action)
    if isinstance(action, Borrow):
        return borrow_form(obs, action)
    assert isinstance(action, Repay)
    return repay_form(obs, action)
