"""A new match: the world built from content and a scenario, and its opening state."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from game.engine.auction import clear
from game.engine.events import NEVER
from game.engine.hashing import state_hash
from game.engine.record import empty_history
from game.engine.report import SpotInputs
from game.engine.state import MatchState
from game.engine.tables import HORIZON, World, build_world
from game.rules.loader import load_content
from game.rules.models import Content, Scenario, Seat

OPENING_TERM = 4
"""Quarters of the reserved contract every player starts with."""

WORLD_CACHE_SIZE = 8
"""Worlds kept for reuse: a tournament or a benchmark builds the same one match after match."""

_worlds: dict[tuple[int, int], tuple[Content, Scenario, World]] = {}


def world_for(content: Content, scenario: Scenario) -> World:
    """``build_world(content, scenario)``, reused while the same two objects come back.

    Content and scenarios are frozen models and a World is read-only, so one World serves
    every match played on them (about 0.4 ms saved per match). The cache holds the objects
    it is keyed by, so an ``id`` is never reused while its entry lives.
    """
    key = (id(content), id(scenario))
    entry = _worlds.get(key)
    if entry is not None and entry[0] is content and entry[1] is scenario:
        return entry[2]
    world = build_world(content, scenario)
    if len(_worlds) >= WORLD_CACHE_SIZE:
        del _worlds[next(iter(_worlds))]
    _worlds[key] = (content, scenario, world)
    return world


def default_names(world: World) -> tuple[str, ...]:
    """Seat names: the scenario's, else its rival's company name, else the industry's."""
    rivals = {r.id: r.name for r in world.content.rivals}
    names = []
    for seat, spec in enumerate(world.scenario.seats):
        if spec.name:
            names.append(spec.name)
        elif spec.rival and spec.rival in rivals:
            names.append(rivals[spec.rival])
        else:
            names.append(f"{world.industries[seat].name} {seat + 1}")
    return tuple(names)


def new_match(
    content: Content | None = None,
    scenario: str = "standard",
    seed: int = 0,
    names: Sequence[str] | None = None,
    seats: Sequence[Seat] | None = None,
    catch_up: bool | None = None,
) -> MatchState:
    """The opening state of a match.

    ``seats`` replaces the scenario's table (1–8 seats, each an industry and optionally a name
    and a rival), so a player can choose an industry and the number of rivals; replays and
    saves record the seats they were played with. ``catch_up`` switches the scenario's
    catch-up rule on or off for this match (a facilitator's choice, also recorded).

    >>> from game.engine import new_match
    >>> state = new_match(scenario="standard", seed=42)
    >>> state.turn, state.quarter_label
    (0, '2027 Q1')
    """
    content = content if content is not None else load_content()
    chosen = content.scenario(scenario)
    if seats is not None:
        chosen = with_seats(content, chosen, seats)
    if catch_up is not None and catch_up != chosen.catch_up:
        chosen = chosen.model_copy(update={"catch_up": catch_up})
    world = world_for(content, chosen)
    return opening_state(world, seed, names)


def with_seats(content: Content, scenario: Scenario, seats: Sequence[Seat]) -> Scenario:
    """``scenario`` played with another table; unknown industries or rivals raise ``ValueError``."""
    industries = {i.id for i in content.industries}
    rivals = {r.id for r in content.rivals}
    if not 1 <= len(seats) <= 8:
        raise ValueError(f"a match has 1 to 8 seats, not {len(seats)}")
    for number, seat in enumerate(seats, start=1):
        if seat.industry not in industries:
            raise ValueError(f"seat {number}: unknown industry {seat.industry!r}")
        if seat.rival is not None and seat.rival not in rivals:
            raise ValueError(f"seat {number}: unknown rival {seat.rival!r}")
    return scenario.model_copy(update={"seats": tuple(seats)})


def opening_state(world: World, seed: int, names: Sequence[str] | None = None) -> MatchState:
    """The opening state of a match of an already built :class:`~game.engine.tables.World`.

    :func:`new_match` finds the world of content and a scenario id (built once and shared) and
    calls this; call it yourself with a world from :func:`~game.engine.tables.build_world`, for a
    scenario that is not in the content. ``names`` are the companies' names, one per seat
    (default: the scenario's, else the rival's, else the industry's). Raises
    ``ValueError`` for a wrong number of names or a seed outside 0 to 2**63 - 1.
    """
    scenario = world.scenario
    market = scenario.market
    n = world.n_players
    n_prov, n_reg = len(world.provider_ids), len(world.region_ids)
    n_sku, n_fab, n_tech = len(world.sku_ids), len(world.fabric_ids), len(world.tech_ids)
    if names is None:
        names = default_names(world)
    names = tuple(names)
    if len(names) != n:
        raise ValueError(f"scenario {scenario.id!r} has {n} seats, got {len(names)} names")
    if not 0 <= seed < 2**63:
        raise ValueError("seed must be between 0 and 2**63 - 1")
    industries = world.industries

    reserved_qty = np.zeros((n, n_prov, HORIZON))
    reserved_pay = np.zeros((n, n_prov, HORIZON))
    if "reserved" in world.mechanics and market.starting_contract > 0 and n_prov:
        amount = market.demand / (n + 1) * market.starting_contract
        # Each opening contract goes to the eligible provider with the most reserved capacity
        # left, so the table's contracts spread out instead of draining the cheapest cloud.
        pool = world.prov_reserved_share * world.prov_capacity0
        for seat in range(n):
            allowed = [
                p for p in range(n_prov) if world.prov_sovereign[p] or not world.ind_sovereign[seat]
            ]
            if not allowed:
                continue
            p = max(allowed, key=lambda i: (pool[i], -i))
            pool[p] -= amount
            price = world.prov_list_price[p] * (1 - market.reserved_discounts[0])
            reserved_qty[seat, p, :OPENING_TERM] = amount
            reserved_pay[seat, p, :OPENING_TERM] = amount * price

    # Each region's queue starts as long as its content says, filled by the rest of the world.
    queue = [
        (float(r), -1.0, float(world.reg_queue_quarters[r] * world.reg_interconnect[r]), -1.0)
        for r in range(n_reg)
        if world.reg_queue_quarters[r] > 0
    ]
    spot_inputs = []
    spot_price = np.zeros(n_prov)
    committed = reserved_qty[:, :, 0].sum(axis=0)
    for p in range(n_prov):
        inputs = SpotInputs(
            capacity_trend=float(world.prov_capacity0[p]),
            capacity_shock=1.0,
            outage=0.0,
            reserved_out=float(committed[p]),
            background_trend=float(world.prov_background0[p]),
            background_noise=1.0,
            background_shock=1.0,
            p_ref=float(world.prov_list_price[p]),
            floor=float(world.prov_spot_floor[p]),
            cap=float(world.prov_list_price[p] * world.prov_cap_multiple[p]),
            eta=float(world.prov_elasticity[p]),
            bids=(),
        )
        spot_inputs.append(inputs)
        spot_price[p] = clear(
            inputs.supply, inputs.background, inputs.p_ref, inputs.eta, inputs.floor, inputs.cap
        ).price

    state = MatchState(
        world=world,
        seed=int(seed),
        turn=0,
        over=False,
        names=names,
        cash=np.array([i.starting_cash for i in industries], dtype=np.float64),
        debt=np.zeros(n),
        credit_limit=np.array([i.credit_limit for i in industries], dtype=np.float64),
        reputation=np.array([i.starting_reputation for i in industries], dtype=np.float64),
        quality=np.array([i.starting_quality for i in industries], dtype=np.float64),
        service_price=np.array([i.service_price for i in industries], dtype=np.float64),
        training_share=np.full(n, 0.2 if "training" in world.mechanics else 0.0),
        status=np.zeros(n, dtype=np.int64),
        bankrupt_turn=np.full(n, -1, dtype=np.int64),
        spend=np.zeros((n, n_prov, 4)),
        reserved_qty=reserved_qty,
        reserved_pay=reserved_pay,
        chips_perf=np.zeros((n, n_reg)),
        chips_power=np.zeros((n, n_reg)),
        chip_pipe_perf=np.zeros((2, n, n_reg, HORIZON)),
        chip_pipe_power=np.zeros((2, n, n_reg, HORIZON)),
        fabric_units=np.zeros((n, n_reg)),
        fabric_pipe=np.zeros((n, n_reg, HORIZON)),
        dc_mw=np.zeros((n, n_reg)),
        dc_pipe=np.zeros((n, n_reg, HORIZON)),
        dc_pay=np.zeros((n, n_reg, HORIZON)),
        grid_mw=np.zeros((n, n_reg)),
        grid_queue=np.array(queue, dtype=np.float64).reshape(-1, 4),
        assets_book=np.zeros((n, 3)),
        research_level=np.zeros((n, n_tech)),
        research_spent=np.zeros((n, n_tech)),
        research_quarters=np.zeros((n, n_tech), dtype=np.int64),
        research_extra=np.zeros((n, n_tech)),
        research_extra_quarters=np.zeros((n, n_tech), dtype=np.int64),
        research_done=np.full((n, n_tech), -1, dtype=np.int64),
        prov_capacity=world.prov_capacity0.copy(),
        prov_background=world.prov_background0.copy(),
        spot_price=spot_price,
        spot_inputs=tuple(spot_inputs),
        sku_backlog=world.sku_background_backlog * world.sku_output,
        fabric_backlog=world.fab_background_backlog * world.fab_output,
        demand_trend=np.array([market.demand], dtype=np.float64),
        event_last=np.full(len(world.events), NEVER, dtype=np.int64),
        modifiers=(),
        history=empty_history(scenario.quarters, n, n_prov),
        news=(),
        rejected=tuple(() for _ in range(n)),
        announcements=(),
        prev_hash="",
        last_hash="",
    ).frozen()
    _ = (n_sku, n_fab)
    import dataclasses

    return dataclasses.replace(state, last_hash=state_hash(state))
