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
    chips_power_all = state.chips_power.tolist()
    dc_all = state.dc_mw.tolist()
    grid_all = state.grid_mw.tolist()
    region_ids = world.region_ids
    regions = range(len(region_ids))
    owned_rows: list[list[float]] = []
    power_used: list[list[float]] = []
    owned_total: list[float] = []
    waterfall: list[list[WaterfallRow]] = []
    for seat in range(n):
        installed = installed_all[seat]
        fabric = fabric_all[seat]
        chips_power = chips_power_all[seat]
        dc = dc_all[seat]
        grid = grid_all[seat]
        on = act[seat]
        port_mul = fx_ports[seat]
        power_mul = fx_power[seat]
        owned_row = []
        used_row = []
        rows: list[WaterfallRow] = []
        for r in regions:
            chips = installed[r]
            networked_cap = fabric[r] * ports[r] * port_mul
            draw = chips_power[r] * power_mul  # MW at full load
            powered_mw = _min(dc[r], grid[r])
            power_cap = chips * _min(1.0, powered_mw / draw) if draw > 0 else 0.0
            # min and argmin over (chips, network, power), the first minimum binding
            low, binding = chips, 0
            if networked_cap < low:
                low, binding = networked_cap, 1
            if power_cap < low:
                low, binding = power_cap, 2
            owned = low * on
            owned_row.append(owned)
            used_row.append(draw * owned / chips if chips > 0 else 0.0)
            if chips <= 0 and dc[r] <= 0 and fabric[r] <= 0:
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
    reserved = [row_sum(row) for row in q.reserved_received.tolist()]
    spot = [row_sum(row) for row in q.spot_won.tolist()]
    capacity = [(reserved[i] + spot[i] + owned_total[i]) * act[i] for i in range(n)]
    share = state.training_share.tolist()
    training = [capacity[i] * share[i] for i in range(n)]
    q.owned = owned_rows
    q.owned_total = owned_total
    q.reserved_total = reserved
    q.spot_total = spot
    q.power_mw_used = power_used
    q.capacity = capacity
    q.training = training
    q.inference = [capacity[i] - training[i] for i in range(n)]
    q.waterfall_rows = waterfall


def _min(a: float, b: float) -> float:
    """``np.minimum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return a + b
    return a if a <= b else b
