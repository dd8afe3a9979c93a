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
    cache = world.derived_cache.setdefault("operations", {})
    ports = cache.get("ports")
    if ports is None:
        fab_ports = world.fab_ports.tolist()
        ports = cache["ports"] = [
            float(fab_ports[f]) if f >= 0 else 0.0 for f in world.reg_fabric.tolist()
        ]
    result: list[float] = ports
    return result


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    n = state.n_players
    act = [1.0 if x == 0 else 0.0 for x in state.status.tolist()]
    ports = _ports(world)
    fx_ports = q.fx.ports.tolist()
    fx_power = q.fx.power.tolist()
    installed_all = state.chips_perf.tolist()
    fabric_all = state.fabric_units.tolist()
    dc_all = state.dc_mw.tolist()
    region_ids = world.region_ids
    n_regions = len(region_ids)
    chips_power_all: list[list[float]] | None = None
    grid_all: list[list[float]] | None = None
    owned_rows: list[list[float]] = []
    power_used: list[list[float]] = []
    owned_total: list[float] = []
    waterfall: list[list[WaterfallRow]] = []
    for seat in range(n):
        installed = installed_all[seat]
        fabric = fabric_all[seat]
        dc = dc_all[seat]
        on = act[seat]
        # Most seats own nothing anywhere (they rent): with no chips, no fabric and no data
        # centre, every region's capacity is its zero chip count (neither of the other two
        # limits can be below zero) and draws no power, and the waterfall has no row.
        if not (any(installed) or any(fabric) or any(dc)):
            owned_rows.append([chips * on for chips in installed])
            power_used.append([0.0] * n_regions)
            owned_total.append(0.0)  # a sum of zeros
            waterfall.append([])
            continue
        if chips_power_all is None or grid_all is None:
            chips_power_all = state.chips_power.tolist()
            grid_all = state.grid_mw.tolist()
        chips_power = chips_power_all[seat]
        grid = grid_all[seat]
        port_mul = fx_ports[seat]
        power_mul = fx_power[seat]
        owned_row = []
        used_row = []
        rows: list[WaterfallRow] = []
        for r in range(n_regions):
            chips = installed[r]
            fabric_r = fabric[r]
            dc_r = dc[r]
            if not (chips or fabric_r or dc_r):
                # Nothing here: the same figures as the general case below, without the work.
                owned_row.append(chips * on)
                used_row.append(0.0)
                continue
            networked_cap = fabric_r * ports[r] * port_mul
            draw = chips_power[r] * power_mul  # MW at full load
            grid_r = grid[r]
            # _min(dc, grid) and _min(1.0, ...) inlined (the third branch is NaN's)
            powered_mw = dc_r if dc_r <= grid_r else (grid_r if grid_r < dc_r else dc_r + grid_r)
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
            owned_row.append(owned)
            used_row.append(draw * owned / chips if chips > 0 else 0.0)
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
        owned_rows.append(owned_row)
        power_used.append(used_row)
        owned_total.append(row_sum(owned_row))
        waterfall.append(rows)
    # Rented capacity: the (N, P) rows summed as row_sum does (in order below 8 providers;
    # the loop is inlined since it runs for every seat twice).
    received_rows = q.reserved_received.tolist()
    won_rows = q.spot_won.tolist()
    in_order = len(world.provider_ids) < 8
    share = state.training_share.tolist()
    reserved: list[float] = []
    spot: list[float] = []
    capacity: list[float] = []
    training: list[float] = []
    inference: list[float] = []
    for i in range(n):
        if in_order:
            received = 0.0
            for v in received_rows[i]:
                received += v
            won = 0.0
            for v in won_rows[i]:
                won += v
        else:
            received = row_sum(received_rows[i])
            won = row_sum(won_rows[i])
        reserved.append(received)
        spot.append(won)
        cap = (received + won + owned_total[i]) * act[i]
        capacity.append(cap)
        train = cap * share[i]
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
