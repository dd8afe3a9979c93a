"""Phase 6, deliveries: pipelines advance one quarter and what arrives is installed.

Export-controlled chips bound for a region under an export ban wait at the border (they stay at
the head of the line) until the ban lifts.
"""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import MatchState
from game.engine.tables import World
from game.engine.validate import export_banned


def shift(line: np.ndarray) -> None:
    """Advance a delay line by one quarter, in place (index k moves to k-1)."""
    if line.flags.c_contiguous:
        # One move along the flat buffer (about a third faster than row by row): each row's
        # last slot takes the next row's first value, which the zeroing below clears.
        flat = line.reshape(-1)
        flat[:-1] = flat[1:]
    else:
        line[..., :-1] = line[..., 1:]
    line[..., -1] = 0.0


def run(state: MatchState, q: Quarter) -> None:
    # Every numpy call on these small arrays costs about a microsecond, whatever its size, so
    # the steps below are written to make as few as possible: in-place operators on the arrays
    # themselves (``a += b``, not ``a[...] += b``), and no mask where it would change nothing
    # (when every player is active, x * 1.0 is x).
    if q.mods.has("region.export_ban"):
        banned = export_banned(state, q.mods)  # (R,)
        any_banned = bool(banned.any())
    else:  # only the regions restricted by content (export_banned's answer, known per world)
        banned, any_banned = _restricted(state.world)
    perf = state.chip_pipe_perf
    power = state.chip_pipe_power
    perf_now = perf[:, :, :, 0]  # (2, N, R): [0] ordinary chips, [1] export-controlled ones
    power_now = power[:, :, :, 0]
    arrived_perf = perf_now[0] + perf_now[1]
    arrived_power = power_now[0] + power_now[1]
    if any_banned:
        # np.where(banned, x, 0.0), written as two cheaper calls
        held_perf = np.zeros(arrived_perf.shape)
        np.copyto(held_perf, perf_now[1], where=banned)
        held_power = np.zeros(arrived_power.shape)
        np.copyto(held_power, power_now[1], where=banned)
        arrived_perf -= held_perf
        arrived_power -= held_power
    arrived_fabric = state.fabric_pipe[:, :, 0]
    arrived_dc = state.dc_pipe[:, :, 0]
    if any(state.status.tolist()):  # players out of the game receive nothing
        active = (state.status == 0)[:, None]
        arrived_perf = arrived_perf * active
        arrived_power = arrived_power * active
        arrived_fabric = arrived_fabric * active
        arrived_dc = arrived_dc * active
    chips_perf, chips_power = state.chips_perf, state.chips_power
    fabric_units, dc_mw = state.fabric_units, state.dc_mw
    chips_perf += arrived_perf
    chips_power += arrived_power
    fabric_units += arrived_fabric
    dc_mw += arrived_dc
    shift(perf)
    shift(power)
    if any_banned:
        head_perf = perf[1, :, :, 0]
        head_perf += held_perf
        head_power = power[1, :, :, 0]
        head_power += held_power
    shift(state.fabric_pipe)
    shift(state.dc_pipe)


def _restricted(world: World) -> tuple[np.ndarray, bool]:
    """(R,) regions closed to export-controlled chips by content alone, and whether any is."""
    return world.once(
        "deliveries.restricted",
        lambda w: (w.reg_export_restricted, bool(w.reg_export_restricted.any())),
    )
