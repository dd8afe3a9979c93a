"""Phase 7, operations: each player's capacity, and the capacity waterfall of what it owns.

Owned capacity per region is ``min(chips installed × perf, fabric × ports, power MW / kW per
perf)``: the scarcest input binds, and the waterfall records which one it was.
"""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.report import RegionCapacity
from game.engine.state import MatchState

BINDING = ("chips", "network", "power")


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    active = (state.status == 0).astype(np.float64)
    ports = np.where(world.reg_fabric >= 0, world.fab_ports[np.maximum(world.reg_fabric, 0)], 0.0)
    installed = state.chips_perf
    networked_cap = state.fabric_units * ports[None, :] * q.fx.ports[:, None]
    draw = state.chips_power * q.fx.power[:, None]  # MW at full load
    powered_mw = np.minimum(state.dc_mw, state.grid_mw)
    with np.errstate(divide="ignore", invalid="ignore"):
        power_cap = np.where(draw > 0, installed * np.minimum(1.0, powered_mw / draw), 0.0)
    stacked = np.stack([installed, networked_cap, power_cap])
    owned = stacked.min(axis=0) * active[:, None]
    binding = stacked.argmin(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q.power_mw_used = np.where(installed > 0, draw * owned / installed, 0.0)
    q.owned = owned
    reserved = q.reserved_received.sum(axis=1)
    spot = q.spot_won.sum(axis=1)
    q.capacity = (reserved + spot + owned.sum(axis=1)) * active
    q.training = q.capacity * state.training_share
    q.inference = q.capacity - q.training
    q.waterfall = []
    region_ids = world.region_ids
    for seat in range(state.n_players):
        rows = []
        for r, rid in enumerate(region_ids):
            if (
                installed[seat, r] <= 0
                and state.dc_mw[seat, r] <= 0
                and state.fabric_units[seat, r] <= 0
            ):
                continue
            networked = min(installed[seat, r], networked_cap[seat, r])
            powered = min(networked, power_cap[seat, r])
            has_chips = installed[seat, r] > 0
            rows.append(
                RegionCapacity(
                    region=rid,
                    installed=float(installed[seat, r]),
                    networked=float(networked),
                    powered=float(powered),
                    used=float(owned[seat, r]),
                    binding=BINDING[int(binding[seat, r])] if has_chips else "chips",
                )
            )
        q.waterfall.append(tuple(rows))
