"""Phase 4, reserved contracts: requests allocated per provider, high-value customers first.

Each provider offers ``reserved_share`` of its capacity as contracts. When requests exceed what
is free over the contract's window, the provider's priority rule orders them: ``spend`` (spend
with that provider over the last four quarters, times the industry's standing), then larger
requests, then a seat order that rotates every quarter. Price is locked at signing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from game.engine.quarter import Quarter
from game.engine.report import ReservedFill
from game.engine.state import MatchState
from game.engine.tables import TERMS, World

LARGE_DEAL = 5.0
"""kGPU from which a signed reserved deal is announced publicly."""

_new = object.__new__

Request = tuple[int, int, float, int, int]
"""(seat, provider, quantity, term, submission order), as validation queued it."""


def run(state: MatchState, q: Quarter) -> None:
    if not q.reserve_requests:
        return
    world = state.world
    n = state.n_players
    rules, leads, shares, names, priority, kept = _static(world)
    # A few requests a quarter: plain floats and lists beat numpy calls on tiny slices.
    committed = np.add.reduce(state.reserved_qty, axis=0)  # (P, L): .sum(axis=0), one call
    capacity_eff = q.capacity_eff.tolist()
    list_price = q.list_price.tolist()
    rotation = [(seat - state.turn) % n for seat in range(n)]
    by_provider: dict[int, list[Request]] = {}
    for request in q.reserve_requests:
        by_provider.setdefault(request[1], []).append(request)
    spend: list[list[float]] = []
    if any(rules[p] == "spend" for p in by_provider):
        spend = np.add.reduce(state.spend, axis=2).tolist()  # (N, P): .sum(axis=2)
    for p in sorted(by_provider):
        rule = rules[p]

        def key(req: Request, rule: str = rule, p: int = p) -> tuple[float | int, ...]:
            seat, _, quantity, _, order = req
            if rule == "spend":
                return (-(spend[seat][p] * priority[seat]), -quantity, rotation[seat], order)
            if rule == "size":
                return (-quantity * priority[seat], rotation[seat], order)
            return (rotation[seat], order)

        lead = leads[p]
        pool = shares[p] * capacity_eff[p]
        booked = committed[p].tolist()  # this provider's contracts, updated as requests fill
        pid = world.provider_ids[p]
        for seat, _, quantity, term, _ in sorted(by_provider[p], key=key):
            end = lead + term
            free = pool - max(booked[lead:end])
            filled = free if free < quantity else quantity  # max(0.0, min(quantity, free))
            if not filled > 0.0:
                filled = 0.0
            price = list_price[p] * kept[term]
            if filled > 1e-9:
                # in place on views of the window (``a[i] += x`` would also write a[i] back)
                quantities = state.reserved_qty[seat, p, lead:end]
                quantities += filled
                payments = state.reserved_pay[seat, p, lead:end]
                payments += filled * price
                booked[lead:end] = [x + filled for x in booked[lead:end]]
            fill = _new(ReservedFill)  # as game.engine.state.construct, without the call
            fill.__dict__.update(
                {
                    "seat": seat,
                    "provider": pid,
                    "requested": quantity,
                    "filled": filled,
                    "price": price,
                    "term": term,
                }
            )
            q.reserved_fills.append(fill)
            if filled >= LARGE_DEAL:
                q.announcements.append(
                    (
                        state.turn,
                        seat,
                        f"{state.names[seat]} signs a {term // 4}-year reserved deal for"
                        f" {filled:,.1f} kGPU with {names[p]}",
                    )
                )


def _static(world: World) -> Any:
    """Per-provider and per-seat tables that never change during a match (once per world)."""
    return world.once("reserved", _build_static)


def _build_static(world: World) -> Any:
    discounts = world.scenario.market.reserved_discounts
    return (
        world.prov_priority,
        world.prov_reserved_lead.tolist(),
        world.prov_reserved_share.tolist(),
        [_provider_name(world, p) for p in range(len(world.provider_ids))],
        world.ind_priority.tolist(),
        # share of the list price paid, by term
        {term: 1.0 - discounts[TERMS.index(term)] for term in TERMS},
    )


def _provider_name(world: World, p: int) -> str:
    pid = world.provider_ids[p]
    return next((x.name for x in world.content.providers if x.id == pid), pid)
