"""The canonical state hash (blake2b): equal states, equal hashes, on every machine and run.

The hash is a chain: each quarter's hash covers the previous quarter's hash, every array of the
state and the history row just recorded, so the whole history is covered without rehashing it.
"""

from __future__ import annotations

import hashlib
import struct
import sys

from game.engine.state import ARRAY_FIELDS, MatchState

_LITTLE = sys.byteorder == "little"
_SHAPE_TAGS: dict[tuple[str, tuple[int, ...]], bytes] = {}


def _shape_tag(name: str, shape: tuple[int, ...]) -> bytes:
    tag = f"{name}{shape}".encode()
    _SHAPE_TAGS[(name, shape)] = tag
    return tag


def state_hash(state: MatchState) -> str:
    """Hex digest over every field that changes during a match, in a fixed order."""
    parts: list[bytes] = [
        state.prev_hash.encode(),
        state.world.content_hash.encode(),
        state.world.scenario.id.encode(),
        struct.pack("<qqq?", state.seed, state.turn, state.n_players, state.over),
    ]
    for name in ARRAY_FIELDS:
        array = getattr(state, name)
        parts.append(_SHAPE_TAGS.get((name, array.shape)) or _shape_tag(name, array.shape))
        parts.append(
            array.tobytes() if _LITTLE else array.astype(array.dtype.newbyteorder("<")).tobytes()
        )
    row = state.turn - 1
    if row >= 0:
        for key in sorted(state.history):
            parts.append(key.encode())
            parts.append(state.history[key][row].tobytes())
    parts.append(
        repr(
            (
                [
                    (e.event, e.target, e.indices, e.op, e.value, e.start, e.end)
                    for e in state.modifiers
                ],
                [(n.turn, n.category, n.headline, n.event, n.seat) for n in state.news],
                state.rejected,
                state.announcements,
                state.names,
            )
        ).encode()
    )
    return hashlib.blake2b(b"\x00".join(parts), digest_size=16).hexdigest()
