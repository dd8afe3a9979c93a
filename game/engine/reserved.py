"""Phase 4, reserved contracts: requests allocated per provider, high-value customers first.

Each provider offers ``reserved_share`` of its capacity as contracts. When requests exceed what
is free over the contract's window, the provider's priority rule orders them: ``spend`` (spend
with that provider over the last four quarters, times the industry's standing), then larger
requests, then a seat order that rotates every quarter. Price is locked at signing.
"""

from __future__ import annotations

from game.engine.quarter import Quarter
from game.engine.report import ReservedFill
from game.engine.state import MatchState
from game.engine.tables import TERMS

LARGE_DEAL = 5.0
"""kGPU from which a signed reserved deal is announced publicly."""


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    n = state.n_players
    if not q.reserve_requests:
        return
    committed = state.reserved_qty.sum(axis=0)  # (P, L)
    spend = state.spend.sum(axis=2)  # (N, P)
    rotation = [(seat - state.turn) % n for seat in range(n)]
    by_provider: dict[int, list[tuple[int, int, float, int, int]]] = {}
    for request in q.reserve_requests:
        by_provider.setdefault(request[1], []).append(request)
    discounts = world.scenario.market.reserved_discounts
    for p in sorted(by_provider):
        rule = world.prov_priority[p]

        def key(req: tuple[int, int, float, int, int], rule: str = rule, p: int = p) -> tuple:
            seat, _, quantity, _, order = req
            standing = float(spend[seat, p] * world.ind_priority[seat])
            if rule == "spend":
                return (-standing, -quantity, rotation[seat], order)
            if rule == "size":
                return (-quantity * float(world.ind_priority[seat]), rotation[seat], order)
            return (rotation[seat], order)

        lead = int(world.prov_reserved_lead[p])
        pool = float(world.prov_reserved_share[p] * q.capacity_eff[p])
        for seat, _, quantity, term, _ in sorted(by_provider[p], key=key):
            window = slice(lead, lead + term)
            free = pool - float(committed[p, window].max())
            filled = max(0.0, min(quantity, free))
            price = float(q.list_price[p]) * (1.0 - discounts[TERMS.index(term)])
            if filled > 1e-9:
                state.reserved_qty[seat, p, window] += filled
                state.reserved_pay[seat, p, window] += filled * price
                committed[p, window] += filled
            q.reserved_fills.append(
                ReservedFill(seat, world.provider_ids[p], quantity, filled, price, term)
            )
            if filled >= LARGE_DEAL:
                q.announcements.append(
                    (
                        state.turn,
                        seat,
                        f"{state.names[seat]} signs a {term // 4}-year reserved deal for"
                        f" {filled:,.1f} kGPU with {_provider_name(state, p)}",
                    )
                )


def _provider_name(state: MatchState, p: int) -> str:
    pid = state.world.provider_ids[p]
    return next((x.name for x in state.world.content.providers if x.id == pid), pid)
