"""Random streams (DESIGN §7): one ``SeedSequence(seed)`` per match, fixed child streams.

Each stream is derived from ``(seed, stream kind, turn)`` rather than carried as mutable state,
so a quarter's draws depend only on the seed and the quarter. The **world** stream (events,
outages, demand noise) always draws the same count of numbers, whatever the players do, so every
team and every bot line-up meets the same shocks.
"""

from __future__ import annotations

import numpy as np

WORLD = 0
MARKET = 1
RESEARCH = 2
SEAT = 3


def stream(seed: int, kind: int, turn: int) -> np.random.Generator:
    """The generator of stream ``kind`` for quarter ``turn``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(kind, turn)))


def seat_seed(seed: int, seat: int) -> int:
    """A 63-bit seed for the bot in ``seat`` (its own stream: never the world's)."""
    state = np.random.SeedSequence(seed, spawn_key=(SEAT, seat)).generate_state(2, np.uint64)
    return int(state[0] >> np.uint64(1))
