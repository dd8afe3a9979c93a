"""Phase 7, operations: each player's capacity, and the capacity waterfall of what it owns.

Owned capacity per region is ``min(chips installed × perf, fabric × ports, power MW / kW per
perf)``: the scarcest input binds, and the waterfall records which one it was (phase 8 adds
how much of it customers used).

The axes are tiny (a handful of players and regions), so the phase works on plain floats: the
same IEEE operations in the same order as the array form, without a numpy call per step.
"""

from __future__ import annotations

from game.engine.quarter import Quarter, WaterfallRow, row_sum
from game.engine.state import MatchState
from game.engine.tables import World

BINDING = ("chips", "network", "power")


def _ports(world: World) -> list[float]:
    """(R,) ports per fabric unit of each region's fabric (0 where a region has none)."""
    return world.once("operations.ports", _build_ports)


def _build_ports(world: World) -> list[float]:
    fab_ports = world.fab_ports.tolist()
    return [float(fab_ports[f]) if f >= 0 else 0.0 for f in world.reg_fabric.tolist()]


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    n = state.n_players
    ports = _ports(world)
    status = state.status.tolist()
    fx_ports = q.fx.floats["ports"]
    fx_power = q.fx.floats["power"]
    installed_all = state.chips_perf.tolist()
    fabric_all = state.fabric_units.tolist()
    dc_all = state.dc_mw.tolist()
    received_all = q.reserved_received
    won_all = q.spot_won
    share = state.training_share.tolist()
    region_ids = world.region_ids
    n_regions = len(region_ids)
    # Rented capacity is summed as row_sum does: in order below 8 providers (inlined, as it
    # runs for every seat twice).
    in_order = len(world.provider_ids) < 8
    chips_power_all: list[list[float]] | None = None
    grid_all: list[list[float]] | None = None
    owned_rows: list[list[float]] = []
    power_used: list[list[float]] = []
    owned_total: list[float] = []
    waterfall: list[list[WaterfallRow]] = []
    reserved: list[float] = []
    spot: list[float] = []
    capacity: list[float] = []
    training: list[float] = []
    inference: list[float] = []
    for seat in range(n):
        installed = installed_all[seat]
        fabric = fabric_all[seat]
        dc = dc_all[seat]
        on = 1.0 if status[seat] == 0 else 0.0
        # A region's owned capacity is `low * on`; where nothing is owned `low` is the chip
        # count itself, so the row starts as the chips installed (times 1.0 is the identity;
        # the list is this phase's own copy from tolist, so it is reused and written over).
        owned_row = installed if on == 1.0 else [chips * on for chips in installed]
        used_row = [0.0] * n_regions
        rows: list[WaterfallRow] = []
        total = 0.0
        # Most seats own nothing anywhere (they rent): with no chips, no fabric and no data
        # centre, every region's capacity is its zero chip count (neither of the other two
        # limits can be below zero), it draws no power and the waterfall has no row.
        if any(installed) or any(fabric) or any(dc):
            if chips_power_all is None or grid_all is None:
                chips_power_all = state.chips_power.tolist()
                grid_all = state.grid_mw.tolist()
            chips_power = chips_power_all[seat]
            grid = grid_all[seat]
            port_mul = fx_ports[seat]
            power_mul = fx_power[seat]
            for r in range(n_regions):
                chips = installed[r]
                fabric_r = fabric[r]
                dc_r = dc[r]
                if not (chips or fabric_r or dc_r):
                    continue  # nothing here: the row already holds the general case's figures
                networked_cap = fabric_r * ports[r] * port_mul
                draw = chips_power[r] * power_mul  # MW at full load
                grid_r = grid[r]
                # _min(dc, grid) and _min(1.0, ...) inlined (the third branch is NaN's)
                powered_mw = (
                    dc_r if dc_r <= grid_r else (grid_r if grid_r < dc_r else dc_r + grid_r)
                )
                if draw > 0:
                    ratio = powered_mw / draw
                    power_cap = chips * (
                        1.0 if ratio >= 1.0 else (ratio if ratio < 1.0 else 1.0 + ratio)
                    )
                else:
                    power_cap = 0.0
                # min and argmin over (chips, network, power), the first minimum binding
                low, binding = chips, 0
                if networked_cap < low:
                    low, binding = networked_cap, 1
                if power_cap < low:
                    low, binding = power_cap, 2
                owned = low * on
                owned_row[r] = owned
                if chips > 0:
                    used_row[r] = draw * owned / chips
                if chips <= 0 and dc_r <= 0 and fabric_r <= 0:
                    continue
                networked = _min(chips, networked_cap)
                rows.append(
                    (
                        region_ids[r],
                        chips,
                        networked,
                        _min(networked, power_cap),
                        owned,
                        BINDING[binding] if chips > 0 else "chips",
                    )
                )
            total = row_sum(owned_row)
        # else: a sum of zeros, 0.0
        if in_order:
            received = 0.0
            for v in received_all[seat]:
                received += v
            won = 0.0
            for v in won_all[seat]:
                won += v
        else:
            received = row_sum(received_all[seat])
            won = row_sum(won_all[seat])
        cap = (received + won + total) * on
        train = cap * share[seat]
        owned_rows.append(owned_row)
        power_used.append(used_row)
        owned_total.append(total)
        waterfall.append(rows)
        reserved.append(received)
        spot.append(won)
        capacity.append(cap)
        training.append(train)
        inference.append(cap - train)
    q.owned = owned_rows
    q.owned_total = owned_total
    q.reserved_total = reserved
    q.spot_total = spot
    q.power_mw_used = power_used
    q.capacity = capacity
    q.training = training
    q.inference = inference
    q.waterfall_rows = waterfall


def _min(a: float, b: float) -> float:
    """``np.minimum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return a + b
    return a if a <= b else b
