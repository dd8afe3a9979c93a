"""Phase 6, deliveries: pipelines advance one quarter and what arrives is installed.

Export-controlled chips bound for a region under an export ban wait at the border (they stay at
the head of the line) until the ban lifts.
"""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import MatchState
from game.engine.validate import export_banned


def shift(line: np.ndarray) -> None:
    """Advance a delay line by one quarter, in place (index k moves to k-1)."""
    line[..., :-1] = line[..., 1:]
    line[..., -1] = 0.0


def run(state: MatchState, q: Quarter) -> None:
    # Usually every player is active and no region is under a ban: the masks then change
    # nothing (x * 1.0 and x - 0.0 are x), so those steps are skipped.
    all_active = not any(state.status.tolist())
    active = None if all_active else (state.status == 0)[:, None]
    banned = export_banned(state, q.mods)  # (R,)
    any_banned = bool(banned.any())
    perf = state.chip_pipe_perf
    power = state.chip_pipe_power
    if any_banned:
        held_perf = np.where(banned, perf[1, :, :, 0], 0.0)
        held_power = np.where(banned, power[1, :, :, 0], 0.0)
        arrived_perf = perf[0, :, :, 0] + perf[1, :, :, 0] - held_perf
        arrived_power = power[0, :, :, 0] + power[1, :, :, 0] - held_power
    else:
        arrived_perf = perf[0, :, :, 0] + perf[1, :, :, 0]
        arrived_power = power[0, :, :, 0] + power[1, :, :, 0]
    if active is None:
        state.chips_perf[...] += arrived_perf
        state.chips_power[...] += arrived_power
        state.fabric_units[...] += state.fabric_pipe[:, :, 0]
        state.dc_mw[...] += state.dc_pipe[:, :, 0]
    else:
        state.chips_perf[...] += arrived_perf * active
        state.chips_power[...] += arrived_power * active
        state.fabric_units[...] += state.fabric_pipe[:, :, 0] * active
        state.dc_mw[...] += state.dc_pipe[:, :, 0] * active
    shift(perf)
    shift(power)
    if any_banned:
        perf[1, :, :, 0] += held_perf
        power[1, :, :, 0] += held_power
    shift(state.fabric_pipe)
    shift(state.dc_pipe)
