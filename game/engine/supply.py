"""Phase 3, supply: provider capacity grows, vendors ship, the grid releases connections."""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import MatchState
from game.engine.tables import FloatArray, World
from game.engine.validate import sku_output

BACKGROUND_FILL = 0.9
"""Rest-of-world orders per quarter, as a share of a vendor's normal output."""


class _Static:
    """Figures of the world this phase uses every quarter, computed once per world.

    Each is the very expression the phase would otherwise evaluate, so the values are the same.
    """

    def __init__(self, world: World):
        self.capacity_growth = _frozen(1.0 + world.prov_growth)
        """``1 + growth`` while no event changes provider growth."""
        self.background_growth = _frozen(1.0 + world.prov_background_growth)
        self.no_outage = _frozen(outage_chance(world))
        """An outage roll below this is an outage."""
        self.no_outage_list = self.no_outage.tolist()
        self.ones_p = _frozen(np.ones(len(world.provider_ids)))
        self.ones_f = _frozen(np.ones(len(world.fabric_ids)))
        self.ones_r = _frozen(np.ones(len(world.region_ids)))
        self.sku_fill = _frozen(BACKGROUND_FILL * world.sku_output)
        self.fabric_fill = _frozen(BACKGROUND_FILL * world.fab_output)
        self.background_requests = tuple(
            (r, extra)
            for r, extra in enumerate(world.reg_background_requests.tolist())
            if not extra <= 0  # as the phase always tested it (a NaN is kept)
        )
        """(region, MW) of the rest of the world's requests each quarter, where there are any."""
        self.interconnect = world.reg_interconnect.tolist()
        """MW each region releases a quarter while no event changes it."""


def outage_chance(world: World) -> np.ndarray:
    """(P,) each provider's chance of a random outage in a quarter: ``1 - reliability``, times
    the scenario's ``outage_probability_scale`` (0: no random outages)."""
    chance = 1.0 - world.prov_reliability
    scale = world.scenario.outage_probability_scale
    return chance if scale == 1.0 else chance * scale


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _static(world: World) -> _Static:
    return world.once("supply.static", _Static)


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    mods = q.mods
    static = _static(world)
    if state.turn > 0:
        growth: FloatArray | float = static.capacity_growth
        if mods.has("provider.growth"):
            growth = 1.0 + mods.apply("provider.growth", world.prov_growth)
        # In place (``a[...] *= b`` would also copy the result onto itself).
        np.multiply(state.prov_capacity, growth, out=state.prov_capacity)
        np.multiply(state.prov_background, static.background_growth, out=state.prov_background)
    np.maximum(state.prov_capacity, 0.0, out=state.prov_capacity)
    q.capacity_eff = np.asarray(mods.apply("provider.capacity", state.prov_capacity), float)
    failed = any(map(float.__lt__, q.outage_roll.tolist(), static.no_outage_list))
    if failed or mods.has("provider.outage"):
        rolled = q.outage_roll < static.no_outage
        q.outage = np.clip(
            mods.apply("provider.outage", np.where(rolled, world.prov_outage_severity, 0.0)),
            0.0,
            0.95,
        )
    else:  # what the line above gives when nothing fails: zeros
        q.outage = np.zeros(len(world.provider_ids))
    q.list_price = (
        np.asarray(mods.apply("provider.list_price", world.prov_list_price), dtype=float)
        * static.ones_p
    )

    # Vendors ship what they can; the rest of the world keeps ordering at its usual pace.
    q.sku_output = sku_output(state, mods)
    _refill(state.sku_backlog, q.sku_output, static.sku_fill)
    fab_mul = static.ones_f
    if mods.has("network.output"):
        fab_mul = np.asarray(mods.mul("network.output"), dtype=float) * static.ones_f
    q.fabric_output = world.fab_output * fab_mul
    _refill(state.fabric_backlog, q.fabric_output, static.fabric_fill)
    _grid(state, q, static)


def _refill(backlog: FloatArray, shipped: FloatArray, fill: FloatArray) -> None:
    """``backlog[:] = max(backlog - shipped, 0) + fill``, in place (no temporaries)."""
    left = backlog - shipped
    np.maximum(left, 0.0, out=left)
    np.add(left, fill, out=backlog)


RELEASED_MW = 1e-9
"""A grid-queue request with at most this many MW left is released in full (float dust)."""


def _grid(state: MatchState, q: Quarter, static: _Static) -> None:
    """The interconnection queue: first come, first served, per region (a shared commons)."""
    rows = q.grid_queue_rows
    turn = float(state.turn)
    for r, requester, mw in q.grid_requests:
        rows.append((float(r), float(requester), mw, turn))
    # The rest of the world's requests join the tail; back-to-back ones merge (same FIFO order).
    # (Keys are the rows' float regions; an int region finds the same entry.)
    tail = {row[0]: i for i, row in enumerate(rows)}
    for r, extra in static.background_requests:
        last = tail.get(r)
        if last is not None and rows[last][1] == -1.0:
            row = rows[last]
            rows[last] = (row[0], -1.0, row[2] + extra, row[3])
        else:
            tail[r] = len(rows)
            rows.append((float(r), -1.0, extra, turn))
    if q.mods.has("region.interconnect"):
        release = (
            np.asarray(
                q.mods.apply("region.interconnect", state.world.reg_interconnect), dtype=float
            )
            * static.ones_r
        )
        remaining = release.tolist()
    else:  # ``interconnect × 1.0``: the same floats
        remaining = list(static.interconnect)
    # MW granted per (seat, region), summed in queue order as ``granted[seat, r] += take`` was.
    granted: dict[tuple[int, int], float] = {}
    status: list[int] | None = None
    kept: list[tuple[float, float, float, float]] = []
    for region, seat, mw, since in rows:
        r = int(region)
        free = remaining[r]
        take = free if free < mw else mw  # min(mw, free), ties and NaN included
        if take > 0:
            remaining[r] = free - take
            who = int(seat)
            if who >= 0:
                if status is None:
                    status = state.status.tolist()
                if status[who] == 0:
                    granted[who, r] = granted.get((who, r), 0.0) + take
        if mw - take > RELEASED_MW:
            kept.append((region, seat, mw - take, since))
    q.grid_queue_rows = kept
    released = np.zeros((state.n_players, len(remaining)))
    for (who, r), mw in granted.items():
        released[who, r] = mw
    q.grid_released = released
    np.add(state.grid_mw, released, out=state.grid_mw)


def grid_wait(
    state: MatchState, rows: list[tuple[float, float, float, float]] | None = None
) -> np.ndarray:
    """(R,) quarters a request made now would wait, at the normal release rate."""
    world = state.world
    queue_array = state.grid_queue
    # Every seat's observation asks this of the same state: the last answer is kept while the
    # (read-only, so unchanging) queue array is the same object. The caller gets its own copy.
    cache = world.derived_cache.setdefault("supply", {})
    frozen = rows is None and not queue_array.flags.writeable
    if frozen:
        last = cache.get("grid_wait")
        if last is not None and last[0] is queue_array:
            wait: np.ndarray = last[1].copy()
            return wait
    queue = queue_array.tolist() if rows is None else rows
    waiting = [0.0] * len(world.region_ids)
    for row in queue:  # in queue order, as np.add.at would add them
        waiting[int(row[0])] += row[2]
    wait = np.ceil(np.array(waiting) / world.reg_interconnect)
    if frozen:
        cache["grid_wait"] = (queue_array, wait.copy())
    return wait
