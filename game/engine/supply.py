"""Phase 3, supply: provider capacity grows, vendors ship, the grid releases connections."""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import MatchState
from game.engine.validate import sku_output

BACKGROUND_FILL = 0.9
"""Rest-of-world orders per quarter, as a share of a vendor's normal output."""


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    mods = q.mods
    if state.turn > 0:
        state.prov_capacity[...] *= 1.0 + mods.apply("provider.growth", world.prov_growth)
        state.prov_background[...] *= 1.0 + world.prov_background_growth
    np.maximum(state.prov_capacity, 0.0, out=state.prov_capacity)
    q.capacity_eff = np.asarray(mods.apply("provider.capacity", state.prov_capacity), float)
    rolled = q.outage_roll < (1.0 - world.prov_reliability)
    q.outage = np.clip(
        mods.apply("provider.outage", np.where(rolled, world.prov_outage_severity, 0.0)), 0.0, 0.95
    )
    q.list_price = np.asarray(
        mods.apply("provider.list_price", world.prov_list_price), dtype=float
    ) * np.ones(len(world.provider_ids))

    # Vendors ship what they can; the rest of the world keeps ordering at its usual pace.
    q.sku_output = sku_output(state, mods)
    state.sku_backlog[:] = (
        np.maximum(state.sku_backlog - q.sku_output, 0.0) + BACKGROUND_FILL * world.sku_output
    )
    fab_mul = np.asarray(mods.mul("network.output"), dtype=float) * np.ones(len(world.fabric_ids))
    q.fabric_output = world.fab_output * fab_mul
    state.fabric_backlog[:] = (
        np.maximum(state.fabric_backlog - q.fabric_output, 0.0) + BACKGROUND_FILL * world.fab_output
    )
    _grid(state, q)


def _grid(state: MatchState, q: Quarter) -> None:
    """The interconnection queue: first come, first served, per region (a shared commons)."""
    world = state.world
    rows = q.grid_queue_rows
    turn = float(state.turn)
    for r, seat, mw in q.grid_requests:
        rows.append((float(r), float(seat), mw, turn))
    # The rest of the world's requests join the tail; back-to-back ones merge (same FIFO order).
    tail: dict[int, int] = {}
    for i, row in enumerate(rows):
        tail[int(row[0])] = i
    for r, extra in enumerate(world.reg_background_requests.tolist()):
        if extra <= 0:
            continue
        last = tail.get(r)
        if last is not None and rows[last][1] == -1.0:
            row = rows[last]
            rows[last] = (row[0], -1.0, row[2] + extra, row[3])
        else:
            tail[r] = len(rows)
            rows.append((float(r), -1.0, extra, turn))
    release = np.asarray(
        q.mods.apply("region.interconnect", world.reg_interconnect), dtype=float
    ) * np.ones(len(world.region_ids))
    granted = np.zeros((state.n_players, len(world.region_ids)))
    remaining = release.tolist()
    kept: list[tuple[float, float, float, float]] = []
    for row in rows:
        r = int(row[0])
        take = min(row[2], remaining[r])
        if take > 0:
            remaining[r] -= take
            seat = int(row[1])
            if seat >= 0 and state.status[seat] == 0:
                granted[seat, r] += take
        if row[2] - take > 1e-9:
            kept.append((row[0], row[1], row[2] - take, row[3]))
    q.grid_queue_rows = kept
    q.grid_released = granted
    state.grid_mw[...] += granted


def grid_wait(
    state: MatchState, rows: list[tuple[float, float, float, float]] | None = None
) -> np.ndarray:
    """(R,) quarters a request made now would wait, at the normal release rate."""
    world = state.world
    queue = state.grid_queue.tolist() if rows is None else rows
    waiting = [0.0] * len(world.region_ids)
    for row in queue:  # in queue order, as np.add.at would add them
        waiting[int(row[0])] += row[2]
    return np.ceil(np.array(waiting) / world.reg_interconnect)
