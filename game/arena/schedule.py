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

With fewer distinct bots than seats, the empty seats of the group are **filler seats**, played by
a house bot (``balanced`` unless told otherwise) under the label ``filler:SPEC``. A filler is not
an entrant: its seats count for no bot on the leaderboard, not even an entrant with the same spec.

>>> [t.bots for t in round_robin(["a", "b"], seats=3, scenario="s", seeds=[0])]
[('a', 'b', 'filler:balanced'), ('b', 'filler:balanced', 'a'), ('filler:balanced', 'a', 'b')]

Identical line-ups (a rotation that repeats one already scheduled) are played once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MATCH_ID_LENGTH = 16
"""Hex digits of a match id (64 bits of blake2b: collisions are not a practical concern)."""
FILLER_PREFIX = "filler:"
"""Marks a filler seat in a line-up: ``filler:balanced`` is ``balanced`` playing an empty seat."""
DEFAULT_FILLER = "balanced"


def filler_label(spec: str) -> str:
    """The line-up label of a filler seat played by ``spec``."""
    return FILLER_PREFIX + spec.strip()


def is_filler(label: str) -> bool:
    """Whether a line-up entry is a filler seat (counted for no entrant)."""
    return label.startswith(FILLER_PREFIX)


def seat_spec(label: str) -> str:
    """The bot spec that plays a seat: a filler's own spec, else the label itself."""
    return label[len(FILLER_PREFIX) :] if is_filler(label) else label


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


def fill(bots: Sequence[str], seats: int, filler: str = DEFAULT_FILLER) -> tuple[str, ...]:
    """``bots``, then filler seats until every seat is taken.

    >>> fill(["a", "b"], 4)
    ('a', 'b', 'filler:balanced', 'filler:balanced')
    """
    if not bots:
        raise ValueError("no bots to seat")
    return (*bots, *[filler_label(filler)] * max(0, seats - len(bots)))


def seeds_from(base_seed: int, count: int) -> list[int]:
    """The seeds of a tournament: ``count`` consecutive seeds from ``base_seed``."""
    if count < 1:
        raise ValueError(f"a tournament needs at least one seed, got {count}")
    return [base_seed + i for i in range(count)]


def round_robin(
    bots: Sequence[str],
    seats: int,
    scenario: str,
    seeds: Iterable[int],
    filler: str = DEFAULT_FILLER,
) -> list[MatchTask]:
    """Every ``seats``-sized group of distinct bots, every seed, every seat rotation.

    With fewer bots than seats, the one group is every bot plus filler seats played by
    ``filler``."""
    distinct = _distinct(bots)
    _check_specs(distinct, filler)
    if len(distinct) < 2:
        raise ValueError("a round robin needs at least two different bots")
    if len(distinct) >= seats:
        groups = [tuple(g) for g in combinations(distinct, seats)]
    else:
        groups = [fill(distinct, seats, filler)]
    return _expand(groups, scenario, seeds)


def gauntlet(
    challenger: str,
    pool: Sequence[str],
    seats: int,
    scenario: str,
    seeds: Iterable[int],
    filler: str = DEFAULT_FILLER,
) -> list[MatchTask]:
    """The challenger against every ``seats - 1`` group from the pool, every seed and rotation.

    With fewer opponents than ``seats - 1``, the one group is the challenger, every opponent and
    filler seats played by ``filler``."""
    opponents = [b for b in _distinct(pool) if b != challenger]
    _check_specs([challenger, *opponents], filler)
    if not opponents:
        raise ValueError("a gauntlet needs at least one opponent besides the challenger")
    if seats < 2:
        raise ValueError("a gauntlet needs a scenario with at least two seats")
    if len(opponents) >= seats - 1:
        groups = [(challenger, *g) for g in combinations(opponents, seats - 1)]
    else:
        groups = [(challenger, *fill(opponents, seats - 1, filler))]
    return _expand(groups, scenario, seeds)


def _check_specs(entrants: Sequence[str], filler: str) -> None:
    for spec in [*entrants, filler]:
        if is_filler(spec.strip()):
            raise ValueError(
                f"bot spec {spec!r} starts with {FILLER_PREFIX!r}, which marks filler seats:"
                " name the bot without it"
            )
    if not filler.strip():
        raise ValueError("the filler bot spec is empty")


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
