"""The canonical state hash (blake2b): equal states, equal hashes, on every machine and run.

The hash is a chain: each quarter's hash covers the previous quarter's hash, every array of the
state and the history row just recorded, so the whole history is covered without rehashing it.
Arrays are encoded canonically and sparsely: the shapes of every array, then the positions and
values of the non-zero entries of the float arrays taken as one vector (the delay lines are
mostly zeros), then the integer arrays, all little-endian.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from game.engine.state import ARRAY_FIELDS, FLOAT_FIELDS, INT_FIELDS, MatchState

_HEADERS: dict[tuple[tuple[int, ...], ...], bytes] = {}


def _header(shapes: tuple[tuple[int, ...], ...]) -> bytes:
    tag = repr(tuple(zip(ARRAY_FIELDS, shapes, strict=True))).encode()
    _HEADERS[shapes] = tag
    return tag


_ROW_KEYS: dict[tuple[str, ...], tuple[tuple[str, ...], bytes, str]] = {}


def _row_keys(recorded: dict[str, tuple[float, ...]]) -> tuple[tuple[str, ...], bytes, str]:
    """A history row's series in sorted order, and their names as hashed (computed once)."""
    keys = tuple(sorted(recorded))
    entry = (keys, " ".join(keys).encode(), "<%dd")
    _ROW_KEYS[tuple(recorded)] = entry
    return entry


def state_hash(state: MatchState) -> str:
    """Hex digest over every field that changes during a match, in a fixed order."""
    fields = state.__dict__
    shapes = tuple(fields[name].shape for name in ARRAY_FIELDS)
    floats = np.concatenate([fields[name].ravel() for name in FLOAT_FIELDS])
    positions = (floats != 0).nonzero()[0]  # as np.flatnonzero (NaN counts, -0.0 does not), faster
    ints = np.concatenate([fields[name].ravel() for name in INT_FIELDS])
    parts: list[bytes] = [
        state.prev_hash.encode(),
        state.world.content_hash.encode(),
        state.world.scenario.id.encode(),
        struct.pack("<qqq?", state.seed, state.turn, state.n_players, state.over),
        _HEADERS.get(shapes) or _header(shapes),
        positions.astype("<i8", copy=False).tobytes(),
        floats[positions].astype("<f8", copy=False).tobytes(),
        ints.astype("<i8", copy=False).tobytes(),
    ]
    row = state.turn - 1
    if row >= 0:
        recorded = state.history.row(row)
        keys, names, fmt = _ROW_KEYS.get(tuple(recorded)) or _row_keys(recorded)
        values = [v for key in keys for v in recorded[key]]
        parts.append(names)
        parts.append(struct.pack(fmt % len(values), *values))
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
