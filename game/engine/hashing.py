"""The canonical state hash (blake2b): equal states, equal hashes, on every machine and run.

The hash is a chain: each quarter's hash covers the previous quarter's hash, every array of the
state and the history row just recorded, so the whole history is covered without rehashing it.
Arrays are encoded canonically and sparsely: the shapes of every array, then the positions and
values of the non-zero entries of the float arrays taken as one vector (the delay lines are
mostly zeros), then the integer arrays, all little-endian.
"""

from __future__ import annotations

import hashlib
import operator
import struct
from collections.abc import Callable
from itertools import chain
from typing import Any

import numpy as np

from game.engine.state import ARRAY_FIELDS, FLOAT_FIELDS, INT_FIELDS, ActiveEffect, MatchState

# The state's arrays in hashing order, fetched from its __dict__ in one call each.
_ALL_ARRAYS = operator.itemgetter(*ARRAY_FIELDS)
_FLOAT_ARRAYS = operator.itemgetter(*FLOAT_FIELDS)
_INT_ARRAYS = operator.itemgetter(*INT_FIELDS)

_HEADERS: dict[tuple[tuple[int, ...], ...], bytes] = {}


def _header(shapes: tuple[tuple[int, ...], ...]) -> bytes:
    tag = repr(tuple(zip(ARRAY_FIELDS, shapes, strict=True))).encode()
    _HEADERS[shapes] = tag
    return tag


_ROW_KEYS: dict[tuple[str, ...], tuple[Callable[[Any], tuple[Any, ...]], bytes]] = {}


def _series_getter(keys: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """``row -> tuple(row[k] for k in keys)`` (itemgetter of one key returns a bare value)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda row: (row[key],)
    return operator.itemgetter(*keys)


def _row_keys(
    recorded: dict[str, tuple[float, ...]],
) -> tuple[Callable[[Any], tuple[Any, ...]], bytes]:
    """A getter of a history row's series in sorted order, and their names as hashed (computed
    once per set of series)."""
    keys = tuple(sorted(recorded))
    entry = (_series_getter(keys), " ".join(keys).encode())
    _ROW_KEYS[tuple(recorded)] = entry
    return entry


_REPR_CACHE: dict[int, tuple[object, bytes]] = {}
"""``repr(obj).encode()`` for the public record's tuples, by identity (the object is kept alive,
so its id cannot be reused while it is cached). Announcements and names are usually the very
same tuple from one quarter to the next; their repr is a noticeable share of the hash."""
_REPR_CACHE_SIZE = 64


def _cached_repr(obj: tuple[object, ...]) -> bytes:
    hit = _REPR_CACHE.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    text = repr(obj).encode()
    if len(_REPR_CACHE) >= _REPR_CACHE_SIZE:
        _REPR_CACHE.clear()
    _REPR_CACHE[id(obj)] = (obj, text)
    return text


_EFFECT_REPRS: dict[int, tuple[ActiveEffect, str]] = {}
"""Each effect in force's hashed repr, by identity (kept alive while cached): an effect stays
in the state, the very same object, for several quarters, and float reprs are slow."""
_EFFECT_REPRS_SIZE = 256


def _effect_repr(e: ActiveEffect) -> str:
    hit = _EFFECT_REPRS.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    text = repr((e.event, e.target, e.indices, e.op, e.value, e.start, e.end))
    if len(_EFFECT_REPRS) >= _EFFECT_REPRS_SIZE:
        _EFFECT_REPRS.clear()
    _EFFECT_REPRS[id(e)] = (e, text)
    return text


def state_hash(state: MatchState) -> str:
    """Hex digest over every field that changes during a match, in a fixed order."""
    fields = state.__dict__
    shapes = tuple([a.shape for a in _ALL_ARRAYS(fields)])
    floats = np.concatenate([a.ravel() for a in _FLOAT_ARRAYS(fields)])
    positions = (floats != 0).nonzero()[0]  # as np.flatnonzero (NaN counts, -0.0 does not), faster
    ints = np.concatenate([a.ravel() for a in _INT_ARRAYS(fields)])
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
        series, names = _ROW_KEYS.get(tuple(recorded)) or _row_keys(recorded)
        values = list(chain.from_iterable(series(recorded)))  # series by series, in sorted order
        parts.append(names)
        parts.append(struct.pack(f"<{len(values)}d", *values))
    # The last part is repr((modifiers, news, rejected, announcements, names)), written out
    # piece by piece so the two tuples that rarely change come from the cache: a tuple's repr
    # is "(" + its items' reprs joined by ", " + ")" (five items, so no trailing comma).
    # repr of the list of the effects' tuples: "[" + their reprs joined by ", " + "]"
    modifiers = "[" + ", ".join([_effect_repr(e) for e in state.modifiers]) + "]"
    news = [(n.turn, n.category, n.headline, n.event, n.seat) for n in state.news]
    parts.append(
        b"".join(
            (
                f"({modifiers}, {news!r}, {state.rejected!r}, ".encode(),
                _cached_repr(state.announcements),
                b", ",
                _cached_repr(state.names),
                b")",
            )
        )
    )
    return hashlib.blake2b(b"\x00".join(parts), digest_size=16).hexdigest()
