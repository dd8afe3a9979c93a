"""Random streams (DESIGN §7): one ``SeedSequence(seed)`` per match, fixed child streams.

Each stream is derived from ``(seed, stream kind, turn)`` rather than carried as mutable state,
so a quarter's draws depend only on the seed and the quarter. The **world** stream (events,
outages, demand noise) always draws the same count of numbers, whatever the players do, so every
team and every bot line-up meets the same shocks.

Deriving a stream is numpy's ``default_rng(SeedSequence(seed, spawn_key=(kind, turn)))``. Done
literally it costs ~8 µs, most of it ``SeedSequence`` hashing the seed again every quarter, so
this module computes the same hash itself and keeps the part that depends only on the seed and
the kind (see :func:`_pcg64_words`). The generators are exactly numpy's: same state, same draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.random.bit_generator import ISpawnableSeedSequence

WORLD = 0
MARKET = 1
RESEARCH = 2
SEAT = 3


def stream(seed: int, kind: int, turn: int) -> np.random.Generator:
    """The generator of stream ``kind`` for quarter ``turn``."""
    words = _pcg64_words(seed, kind, turn)
    if words is None:
        return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(kind, turn)))
    # numpy takes any ISeedSequence here; its type stubs name only SeedSequence.
    seeded = np.random.PCG64(_Derived(seed, (kind, turn), words))  # type: ignore[arg-type]
    return np.random.Generator(seeded)


def seat_seed(seed: int, seat: int) -> int:
    """A 63-bit seed for the bot in ``seat`` (its own stream: never the world's)."""
    # ``generate_state(2, uint64)[0]``: the first word does not depend on how many are asked.
    words = _pcg64_words(seed, SEAT, seat)
    if words is not None:
        return words[0] >> 1
    state = np.random.SeedSequence(seed, spawn_key=(SEAT, seat)).generate_state(2, np.uint64)
    return int(state[0] >> np.uint64(1))


# ---- numpy's SeedSequence, for seeds below 2**128 and a (kind, turn) spawn key
#
# ``SeedSequence(seed, spawn_key=(kind, turn))`` splits the seed into 32-bit words, pads them
# with zeros to its pool of four words and hashes them into the pool; then it mixes each spawn
# key word into every pool word; ``generate_state`` hashes the pool into the output words.
# Every hash step multiplies a running constant that does not depend on the data, so the pool
# after the seed and the kind is the same for all turns of a stream (kept in ``_POOLS``) and a
# quarter only mixes in its turn and hashes the result out: 12 integer steps in plain Python.
# Any other seed or key goes to numpy itself.

_MASK32 = 0xFFFF_FFFF
_INIT_A = 0x43B0_D7E5
_MULT_A = 0x931E_8875
_INIT_B = 0x8B51_F9DD
_MULT_B = 0x58F3_8DED
_MIX_MULT_L = 0xCA01_F9DD
_MIX_MULT_R = 0x4973_F715
_POOL_SIZE = 4


def _hash_constants(init: int, mult: int, count: int) -> tuple[int, ...]:
    """The running hash constant before each of ``count`` hash steps, and after the last."""
    out = [init]
    for _ in range(count):
        out.append((out[-1] * mult) & _MASK32)
    return tuple(out)


_A = _hash_constants(_INIT_A, _MULT_A, 24)
"""Mixing constants: 16 steps for the seed words, 4 per spawn key word."""
_B = _hash_constants(_INIT_B, _MULT_B, 8)
"""Output constants: one step per 32-bit output word (four uint64 = eight words)."""


def _hashmix(value: int, step: int) -> int:
    """numpy's ``hashmix``, as the ``step``-th use of the running constant."""
    value = ((value ^ _A[step]) * _A[step + 1]) & _MASK32
    return value ^ (value >> 16)


def _mix(x: int, y: int) -> int:
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
    return result ^ (result >> 16)


def _seed_pool(seed: int, kind: int) -> list[int]:
    """The pool after hashing ``seed`` (four words, zero padded) and mixing in ``kind``."""
    words = [(seed >> (32 * i)) & _MASK32 for i in range(_POOL_SIZE)]
    pool = [_hashmix(words[i], i) for i in range(_POOL_SIZE)]
    step = _POOL_SIZE
    for src in range(_POOL_SIZE):  # every word into every other, so late bits reach early ones
        for dst in range(_POOL_SIZE):
            if src != dst:
                pool[dst] = _mix(pool[dst], _hashmix(pool[src], step))
                step += 1
    for dst in range(_POOL_SIZE):  # the first spawn key word
        pool[dst] = _mix(pool[dst], _hashmix(kind, step))
        step += 1
    return pool


def _turn_terms(turn: int) -> tuple[int, ...]:
    """What the second spawn key word subtracts in ``_mix``: it depends on the turn alone."""
    return tuple(_MIX_MULT_R * _hashmix(turn, 20 + dst) for dst in range(_POOL_SIZE))


def _finish(pool: list[int], terms: tuple[int, ...]) -> list[int]:
    """Mix the turn into the pool, then ``generate_state(4, uint64)`` (unrolled: hot path)."""
    mask = _MASK32
    left = _MIX_MULT_L
    w0, w1, w2, w3 = pool
    t0, t1, t2, t3 = terms
    v = (left * w0 - t0) & mask
    m0 = v ^ (v >> 16)
    v = (left * w1 - t1) & mask
    m1 = v ^ (v >> 16)
    v = (left * w2 - t2) & mask
    m2 = v ^ (v >> 16)
    v = (left * w3 - t3) & mask
    m3 = v ^ (v >> 16)
    b = _B
    out = [0] * 8
    for i, m in enumerate((m0, m1, m2, m3, m0, m1, m2, m3)):  # the pool, cycled, hashed out
        v = ((m ^ b[i]) * b[i + 1]) & mask
        out[i] = v ^ (v >> 16)
    # Each uint64 is two uint32 words, low word first (numpy views them little-endian).
    return [
        out[0] | out[1] << 32,
        out[2] | out[3] << 32,
        out[4] | out[5] << 32,
        out[6] | out[7] << 32,
    ]


_POOLS: dict[tuple[int, int], list[int]] = {}
_TURNS: dict[int, tuple[int, ...]] = {}
_agrees: bool | None = None
"""Whether this hash gives numpy's words; checked on first use (None until then)."""


def _pcg64_words(seed: int, kind: int, turn: int) -> list[int] | None:
    """``SeedSequence(seed, spawn_key=(kind, turn)).generate_state(4, uint64)`` as ints.

    None when the arguments are outside what this shortcut covers (numpy then does it all).
    """
    global _agrees
    if not (
        type(seed) is int
        and 0 <= seed < 1 << 128
        and type(kind) is int
        and 0 <= kind <= _MASK32
        and type(turn) is int
        and 0 <= turn <= _MASK32
    ):
        return None
    if _agrees is None:
        _agrees = _agrees_with_numpy()
    if not _agrees:
        return None
    pool = _POOLS.get((seed, kind))
    if pool is None:
        if len(_POOLS) > 1024:
            _POOLS.clear()
        pool = _POOLS[seed, kind] = _seed_pool(seed, kind)
    terms = _TURNS.get(turn)
    if terms is None:
        if len(_TURNS) > 4096:
            _TURNS.clear()
        terms = _TURNS[turn] = _turn_terms(turn)
    return _finish(pool, terms)


def _agrees_with_numpy() -> bool:
    """Compare a few derivations with numpy's own (a guard should numpy ever change it)."""
    for seed, kind, turn in (
        (0, 0, 0),
        (7, WORLD, 3),
        (2**64 + 12345, RESEARCH, 57),
        (2**127, 9, _MASK32),
    ):
        expected = np.random.SeedSequence(seed, spawn_key=(kind, turn)).generate_state(4, np.uint64)
        if _finish(_seed_pool(seed, kind), _turn_terms(turn)) != expected.tolist():
            return False
    return True


class _Derived(ISpawnableSeedSequence):
    """``SeedSequence(seed, spawn_key=key)`` whose PCG64 seed words are already computed.

    ``PCG64`` asks its seed sequence for four uint64 words; anything else (other word counts,
    spawning children) is answered by the real ``SeedSequence``.
    """

    __slots__ = ("_words", "seed", "spawn_key")

    def __init__(self, seed: int, spawn_key: tuple[int, int], words: list[int]):
        self.seed = seed
        self.spawn_key = spawn_key
        self._words = words

    def _real(self) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=self.spawn_key)

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words == 4 and dtype is np.uint64:
            return np.array(self._words, dtype=np.uint64)
        return self._real().generate_state(n_words, dtype)

    def spawn(self, n_children: int) -> list[Any]:  # real SeedSequence children
        return self._real().spawn(n_children)
