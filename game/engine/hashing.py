"""The canonical state hash (blake2b): equal states, equal hashes, on every machine and run."""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from game.engine.state import ARRAY_FIELDS, MatchState


def state_hash(state: MatchState) -> str:
    """Hex digest over every field that changes during a match, in a fixed order."""
    h = hashlib.blake2b(digest_size=16)
    h.update(state.world.content_hash.encode())
    h.update(state.world.scenario.id.encode())
    h.update(struct.pack("<qqq?", state.seed, state.turn, state.n_players, state.over))
    for name in ARRAY_FIELDS:
        array = np.ascontiguousarray(getattr(state, name))
        h.update(name.encode())
        h.update(str(array.shape).encode())
        h.update(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
    for key in sorted(state.history):
        h.update(key.encode())
        h.update(np.ascontiguousarray(state.history[key]).tobytes())
    for eff in state.modifiers:
        h.update(repr((eff.event, eff.target, eff.indices, eff.op, eff.value, eff.start, eff.end)).encode())
    for item in state.news:
        h.update(repr((item.turn, item.category, item.headline, item.event, item.seat)).encode())
    h.update(repr(state.rejected).encode())
    h.update(repr(state.announcements).encode())
    return h.hexdigest()
