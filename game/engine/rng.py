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
    return np.random.Generator(np.random.PCG64(_Derived(seed, (kind, turn), words)))


def seat_seed(seed: int, seat: int) -> int:
    """A 63-bit seed for the bot in ``seat`` (its own stream: never the world's)."""
    # ``generate_state(2, uint64)[0]``: the first word does not depend on how many are asked.
    words = _pcg64_words(seed, SEAT, seat)
    if words is not None:
        return int(words[0]) >> 1
    state = np.random.SeedSequence(seed, spawn_key=(SEAT, seat)).generate_state(2, np.uint64)
    return int(state[0] >> np.uint64(1))


# ---- numpy's SeedSequence, for seeds below 2**128 and a (kind, turn) spawn key
#
# ``SeedSequence(seed, spawn_key=(kind, turn))`` splits the seed into 32-bit words, pads them
# with zeros to its pool of four words and hashes them into the pool; then it mixes each spawn
# key word into every pool word; ``generate_state`` hashes the pool into the output words.
# Every hash step multiplies a running constant that does not depend on the data, so the pool
# after the seed and the kind is the same for all turns of a stream (kept in ``_POOLS``); the
# turns are then mixed in and hashed out a block at a time, on numpy arrays (``_BLOCKS``).
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


_BLOCK = 32
"""Turns of a stream whose words are derived together (a match asks each turn once)."""
_U64 = np.uint64
_CYCLE = [0, 1, 2, 3, 0, 1, 2, 3]
"""The pool words in output order: ``generate_state`` cycles through the pool."""


def _block_words(pool: list[int], first: int) -> np.ndarray:
    """(_BLOCK, 4) uint64 words of turns ``first``, ``first + 1``, ...: the turn (the second
    spawn key word) mixed into ``pool``, then ``generate_state(4, uint64)``.

    The 32-bit steps run on uint64 arrays masked to 32 bits: a product of two 32-bit numbers
    fits in 64 bits, and a difference wraps modulo 2**64, which keeps its low 32 bits right.
    """
    mask, shift = _U64(_MASK32), _U64(16)
    turns = np.arange(first, first + _BLOCK, dtype=_U64)[:, None]
    # hashmix(turn) once per pool word (the 21st to 24th uses of the running constant)
    hashed = ((turns ^ _TURN_A) * _TURN_A_NEXT) & mask
    hashed ^= hashed >> shift
    # mix(pool word, hashed)
    left = np.array([_MIX_MULT_L * word for word in pool], dtype=_U64)
    mixed = (left - _U64(_MIX_MULT_R) * hashed) & mask
    mixed ^= mixed >> shift
    # generate_state: eight uint32 outputs, paired low word first into four uint64
    out = ((mixed[:, _CYCLE] ^ _OUT_B) * _OUT_B_NEXT) & mask
    out ^= out >> shift
    words: np.ndarray = out[:, 0::2] | (out[:, 1::2] << _U64(32))
    words.flags.writeable = False
    return words


_TURN_A = np.array(_A[20:24], dtype=_U64)
_TURN_A_NEXT = np.array(_A[21:25], dtype=_U64)
_OUT_B = np.array(_B[:8], dtype=_U64)
_OUT_B_NEXT = np.array(_B[1:9], dtype=_U64)

_POOLS: dict[tuple[int, int], list[int]] = {}
_BLOCKS: dict[tuple[int, int, int], np.ndarray] = {}
_agrees: bool | None = None
"""Whether this hash gives numpy's words; checked on first use (None until then)."""


def _pcg64_words(seed: int, kind: int, turn: int) -> np.ndarray | None:
    """``SeedSequence(seed, spawn_key=(kind, turn)).generate_state(4, uint64)``, read-only.

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
    block, row = divmod(turn, _BLOCK)
    words = _BLOCKS.get((seed, kind, block))
    if words is None:
        pool = _POOLS.get((seed, kind))
        if pool is None:
            if len(_POOLS) > 1024:
                _POOLS.clear()
            pool = _POOLS[seed, kind] = _seed_pool(seed, kind)
        if len(_BLOCKS) > 1024:
            _BLOCKS.clear()
        words = _BLOCKS[seed, kind, block] = _block_words(pool, block * _BLOCK)
    return words[row]


def _agrees_with_numpy() -> bool:
    """Compare a few derivations with numpy's own (a guard should numpy ever change it)."""
    for seed, kind, turn in (
        (0, 0, 0),
        (7, WORLD, 3),
        (2**64 + 12345, RESEARCH, 57),
        (2**127, 9, _MASK32),
    ):
        expected = np.random.SeedSequence(seed, spawn_key=(kind, turn)).generate_state(4, np.uint64)
        first = turn - turn % _BLOCK
        got = _block_words(_seed_pool(seed, kind), first)[turn - first]
        if got.tolist() != expected.tolist():
            return False
    return True


class _Derived(ISpawnableSeedSequence):
    """``SeedSequence(entropy, spawn_key=key)`` whose PCG64 seed words are already computed.

    ``PCG64`` asks its seed sequence for four uint64 words; anything else (other word counts,
    spawning children, ``pool``, ``n_children_spawned``...) is answered by the real
    ``SeedSequence``, made on first such use.
    """

    __slots__ = ("_seq", "_words", "entropy", "spawn_key")
    pool_size = 4

    def __init__(self, entropy: int, spawn_key: tuple[int, int], words: np.ndarray):
        self.entropy = entropy
        self.spawn_key = spawn_key
        self._words = words
        self._seq: np.random.SeedSequence | None = None

    def _real(self) -> np.random.SeedSequence:
        if self._seq is None:
            self._seq = np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)
        return self._seq

    def __getattr__(self, name: str) -> Any:  # only for attributes not defined here
        if name.startswith("__") or name in self.__slots__:
            raise AttributeError(name)
        return getattr(self._real(), name)

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words == 4 and dtype is np.uint64:
            return self._words.copy()
        return self._real().generate_state(n_words, dtype)

    def spawn(self, n_children: int) -> list[Any]:  # real SeedSequence children
        return self._real().spawn(n_children)
