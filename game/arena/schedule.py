"""Tournament schedules: which bots meet, in which seats, on which seeds.

A schedule is a list of :class:`MatchTask`, each a complete description of one match (scenario,
seed, bot spec per seat) with a deterministic :func:`match_id`. Two kinds:

- **round robin**: every group of ``k`` bots (``k`` = the scenario's seats), on every seed, in
  every cyclic seat rotation, so each bot of a group sits in each seat once per seed;
- **gauntlet**: one challenger against every group of ``k - 1`` bots from a pool, rotated the same
  way.

>>> tasks = round_robin(["idle", "random", "balanced"], seats=2, scenario="tutorial", seeds=[1])
>>> [t.bots for t in tasks][:2]
[('idle', 'random'), ('random', 'idle')]
>>> len(tasks)                      # 3 pairs x 2 rotations x 1 seed
6

With fewer distinct bots than seats, the group is the bots repeated in turn to fill the seats;
identical line-ups (a rotation that repeats one already scheduled) are played once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MATCH_ID_LENGTH = 16
"""Hex digits of a match id (64 bits of blake2b: collisions are not a practical concern)."""


def match_id(scenario: str, seed: int, bots: Sequence[str]) -> str:
    """The id of a match: a hash of its scenario, seed and bot spec per seat (in seat order).

    >>> match_id("tutorial", 1, ["idle", "random"])
    'c000e40c7574f6e7'
    """
    canonical = json.dumps(
        {"scenario": scenario, "seed": int(seed), "bots": list(bots)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.blake2b(canonical.encode(), digest_size=MATCH_ID_LENGTH // 2).hexdigest()


@dataclass(frozen=True)
class MatchTask:
    """One scheduled match: everything a worker needs to play it (picklable, no content)."""

    scenario: str
    seed: int
    bots: tuple[str, ...]
    """Bot spec per seat, in seat order."""

    @property
    def id(self) -> str:
        return match_id(self.scenario, self.seed, self.bots)


def rotations(group: Sequence[str]) -> list[tuple[str, ...]]:
    """Every cyclic seat rotation of a group: each bot sits in each seat once.

    >>> rotations(["a", "b", "c"])
    [('a', 'b', 'c'), ('b', 'c', 'a'), ('c', 'a', 'b')]
    """
    k = len(group)
    return [tuple(group[(start + i) % k] for i in range(k)) for start in range(k)]


def fill(bots: Sequence[str], seats: int) -> tuple[str, ...]:
    """``bots`` repeated in turn until every seat is taken.

    >>> fill(["a", "b"], 4)
    ('a', 'b', 'a', 'b')
    """
    if not bots:
        raise ValueError("no bots to seat")
    return tuple(bots[i % len(bots)] for i in range(seats))


def seeds_from(base_seed: int, count: int) -> list[int]:
    """The seeds of a tournament: ``count`` consecutive seeds from ``base_seed``."""
    if count < 1:
        raise ValueError(f"a tournament needs at least one seed, got {count}")
    return [base_seed + i for i in range(count)]


def round_robin(
    bots: Sequence[str], seats: int, scenario: str, seeds: Iterable[int]
) -> list[MatchTask]:
    """Every ``seats``-sized group of distinct bots, every seed, every seat rotation."""
    distinct = _distinct(bots)
    if len(distinct) < 2:
        raise ValueError("a round robin needs at least two different bots")
    if len(distinct) >= seats:
        groups = [tuple(g) for g in combinations(distinct, seats)]
    else:
        groups = [fill(distinct, seats)]
    return _expand(groups, scenario, seeds)


def gauntlet(
    challenger: str, pool: Sequence[str], seats: int, scenario: str, seeds: Iterable[int]
) -> list[MatchTask]:
    """The challenger against every ``seats - 1`` group from the pool, every seed and rotation."""
    opponents = [b for b in _distinct(pool) if b != challenger]
    if not opponents:
        raise ValueError("a gauntlet needs at least one opponent besides the challenger")
    if seats < 2:
        raise ValueError("a gauntlet needs a scenario with at least two seats")
    if len(opponents) >= seats - 1:
        groups = [(challenger, *g) for g in combinations(opponents, seats - 1)]
    else:
        groups = [(challenger, *fill(opponents, seats - 1))]
    return _expand(groups, scenario, seeds)


def _expand(
    groups: Sequence[tuple[str, ...]], scenario: str, seeds: Iterable[int]
) -> list[MatchTask]:
    tasks: list[MatchTask] = []
    seen: set[str] = set()
    for seed in seeds:
        for group in groups:
            for order in rotations(group):
                task = MatchTask(scenario=scenario, seed=int(seed), bots=order)
                if task.id not in seen:
                    seen.add(task.id)
                    tasks.append(task)
    return tasks


def _distinct(bots: Iterable[str]) -> list[str]:
    """Bots in first-seen order without repeats (a spec given twice is one entrant)."""
    return list(dict.fromkeys(b.strip() for b in bots))
