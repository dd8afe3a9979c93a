"""Figures derived from the state on demand (never stored twice): research effects, headroom."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from game.engine.state import MatchState, construct
from game.engine.tables import FloatArray, IntArray


def tech_done(state: MatchState) -> np.ndarray:
    """(N, T) bool: programmes completed before this quarter."""
    return _done(state).copy()  # the caller's own array, as always


def _done(state: MatchState) -> np.ndarray:
    """:func:`tech_done`, read-only and kept: validation (once per seat), the quarter and the
    observations all ask it of the same research record and turn."""
    research_done = state.research_done
    key = (research_done.tobytes(), state.turn)
    cache = state.world.derived_cache.setdefault("tech_done", {})
    done: np.ndarray | None = cache.get(key)
    if done is None:
        if len(cache) > 256:
            cache.clear()
        done = cache[key] = (research_done >= 0) & (research_done < state.turn)
        done.flags.writeable = False
    return done


def _product(done: np.ndarray, logs: FloatArray) -> FloatArray:
    if logs.size == 0:
        return np.ones(done.shape[0])
    return np.exp(done.astype(np.float64) @ logs)


def efficiency(state: MatchState, done: np.ndarray) -> FloatArray:
    """(N,) demand served per kGPU of inference capacity."""
    return _product(done, state.world.techs.log_efficiency)


def power_factor(state: MatchState, done: np.ndarray) -> FloatArray:
    """(N,) multiplier on the power accelerators draw (cooling research lowers it)."""
    return _product(done, state.world.techs.log_power)


def quality_factor(state: MatchState, done: np.ndarray) -> FloatArray:
    return _product(done, state.world.techs.log_quality)


def spot_discount(state: MatchState, done: np.ndarray) -> FloatArray:
    return _product(done, state.world.techs.log_spot_discount)


def ports_factor(state: MatchState, done: np.ndarray) -> FloatArray:
    return _product(done, state.world.techs.log_ports)


def outage_hedge(state: MatchState, done: np.ndarray) -> FloatArray:
    """(N,) share of reserved capacity lost to an outage that orchestration recovers."""
    hedge = state.world.techs.outage_hedge
    if hedge.size == 0:
        return np.zeros(done.shape[0])
    return np.where(done, hedge, 0.0).max(axis=1)  # np.max's reduction, without its wrapper


def offload(state: MatchState, done: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """(N,) share of demand served at the edge, and its cost per kGPU."""
    table = state.world.techs
    if table.offload_share.size == 0:
        zeros = np.zeros(done.shape[0])
        return zeros, zeros
    share = np.minimum(done.astype(np.float64) @ table.offload_share, 0.5)
    cost = np.where(done, table.offload_cost, 0.0).max(axis=1)
    return share, cost


def build_speedup(state: MatchState, done: np.ndarray) -> IntArray:
    table = state.world.techs
    if table.build_speed.size == 0:
        return np.zeros(done.shape[0], dtype=np.int64)
    return (done.astype(np.int64) @ table.build_speed).astype(np.int64)


@dataclass(frozen=True)
class TechEffects:
    """Every player's research effects for one quarter, computed once."""

    done: np.ndarray
    efficiency: FloatArray
    power: FloatArray
    quality: FloatArray
    spot_discount: FloatArray
    ports: FloatArray
    hedge: FloatArray
    offload_share: FloatArray
    offload_cost: FloatArray

    @cached_property
    def floats(self) -> dict[str, list[float]]:
        """The per-player figures as plain floats, by field name (read-only, shared).

        The phases work on lists over the tiny player axis, and these effects are shared by
        every quarter with the same research done: converted once rather than each quarter."""
        return {
            name: getattr(self, name).tolist()
            for name in (
                "efficiency",
                "power",
                "quality",
                "spot_discount",
                "ports",
                "hedge",
                "offload_share",
                "offload_cost",
            )
        }


def tech_effects(state: MatchState) -> TechEffects:
    """All research effects at once (one product per effect kind), shared while unchanged."""
    done = _done(state)
    # They depend only on ``done`` and the technology table, so they are shared by every match
    # of the same content (a world is built per match; its research patterns recur).
    key = (_table_key(state), done.shape, done.tobytes())
    effects = _TECH_EFFECTS.get(key)
    if effects is None:
        if len(_TECH_EFFECTS) > 4096:
            _TECH_EFFECTS.clear()
        effects = _TECH_EFFECTS[key] = _tech_effects(state, done)
    return effects


_TECH_EFFECTS: dict[tuple[bytes, tuple[int, ...], bytes], TechEffects] = {}


def _table_key(state: MatchState) -> bytes:
    """The technology table's values as bytes (computed once per world)."""
    cache = state.world.derived_cache.setdefault("tech_effects", {})
    key: bytes | None = cache.get("table")
    if key is None:
        table = state.world.techs
        parts = (
            table.log_efficiency,
            table.log_power,
            table.log_quality,
            table.log_spot_discount,
            table.log_ports,
            table.outage_hedge,
            table.offload_share,
            table.offload_cost,
        )
        key = cache["table"] = b"".join(
            repr((part.dtype.str, part.shape)).encode() + part.tobytes() for part in parts
        )
    return key


def _tech_effects(state: MatchState, done: np.ndarray) -> TechEffects:
    n = done.shape[0]
    table = state.world.techs
    done.flags.writeable = False
    if table.log_efficiency.size == 0:
        ones, zeros = np.ones(n), np.zeros(n)
        ones.flags.writeable = zeros.flags.writeable = False
        return TechEffects(done, ones, ones, ones, ones, ones, zeros, zeros, zeros)
    logs = np.exp(done.astype(np.float64) @ table.log_matrix)
    logs.flags.writeable = False
    share, cost = offload(state, done)
    hedge = outage_hedge(state, done)
    for array in (share, cost, hedge):
        array.flags.writeable = False
    return construct(  # a frozen dataclass, built without __init__ (see construct)
        TechEffects,
        done=done,
        efficiency=logs[:, 0],
        power=logs[:, 1],
        quality=logs[:, 2],
        spot_discount=logs[:, 3],
        ports=logs[:, 4],
        hedge=hedge,
        offload_share=share,
        offload_cost=cost,
    )


def headroom(state: MatchState, seat: int) -> float:
    """Cash plus unused credit line, $M."""
    return float(state.cash[seat] + max(state.credit_limit[seat] - state.debt[seat], 0.0))
