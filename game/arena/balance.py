"""The rival roster's balance benchmark: the figures of ``docs/RIVALS.md``, measured.

Four experiments on the ``standard`` scenario, every match seeded, so a run is reproducible:

1. **Mixed normal fields**: each match seats four different archetypes at ``normal``, the
   line-ups and seat orders cycling through every combination and rotation. Reports each
   archetype's win rate (target 8-35%) and bankruptcy rate (target at most 10%).
2. **Difficulty ladder**: ``hard`` against ``normal`` and ``normal`` against ``easy`` of the same
   archetype, with two other normal archetypes at the table, seats rotated. Reports how often the
   higher level ranks above the lower (target at least 65%, Wilson 95% lower bound above 55%).
   The same comparison is also made **paired**: each level in the same seat, against the same
   table, on the same seed, which holds the (unequal) seats fixed.
3. **Baselines**: ``idle`` and ``random`` against three normal rivals. Reports how often they
   finish last (target at least 90%).
4. **Think time**: the median seconds per quarter of every rival level (targets: easy and normal
   at most 5 ms, hard at most 1 s).

Run it with ``python -m game.arena.balance --matches 480 --jobs 2`` (or wire :func:`register_cli`
into ``capwars``). This is a benchmark, not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.agents.registry import make_bot
from game.agents.rivals import ARCHETYPES, RivalBot
from game.arena.match import run_match
from game.rules.loader import load_content
from game.rules.models import Content

SCENARIO = "standard"
ARCHETYPE_NAMES = tuple(ARCHETYPES)


def wilson_lower(successes: int, trials: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for a proportion."""
    if trials == 0:
        return 0.0
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre - spread) / (1 + z * z / trials)


@dataclass(frozen=True)
class Task:
    """One match: the experiment it belongs to, its seed and the bot spec in each seat."""

    kind: str
    seed: int
    specs: tuple[str, ...]
    tag: str = ""


@dataclass
class Result:
    task: Task
    ranks: tuple[int, ...]
    scores: tuple[float, ...]
    bankrupt: tuple[bool, ...]
    think: dict[str, list[float]] = field(default_factory=dict)


_CONTENT: Content | None = None
_CONTENT_DIR: str | None = None
"""``--content DIR`` (None: the game's own, or ``$CAPWARS_CONTENT``), for every worker."""


def _use_content(folder: str | None) -> None:
    """Play from ``folder`` (in this process; a worker's initializer)."""
    global _CONTENT, _CONTENT_DIR
    _CONTENT, _CONTENT_DIR = None, folder


def _content() -> Content:
    global _CONTENT
    if _CONTENT is None:
        _CONTENT = load_content(_CONTENT_DIR)
    return _CONTENT


def play(task: Task) -> Result:
    """Play one task's match (in a worker process)."""
    bots = [make_bot(spec) for spec in task.specs]
    outcome = run_match(_content(), SCENARIO, task.seed, bots)
    by_seat = {s.seat: s for s in outcome.standings}
    think: dict[str, list[float]] = defaultdict(list)
    for bot in bots:
        if isinstance(bot, RivalBot):
            think[bot.level].extend(bot.think_times)
    return Result(
        task=task,
        ranks=tuple(by_seat[i].rank for i in range(len(bots))),
        scores=tuple(by_seat[i].score for i in range(len(bots))),
        bankrupt=tuple(by_seat[i].status == "bankrupt" for i in range(len(bots))),
        think=dict(think),
    )


# --------------------------------------------------------------------------- schedules
def mixed_fields(matches: int, seed0: int = 0) -> list[Task]:
    """Four different normal archetypes per match, cycling line-ups and seat orders."""
    lineups = list(itertools.combinations(ARCHETYPE_NAMES, 4))
    rotations = list(itertools.permutations(range(4)))
    tasks = []
    for i in range(matches):
        lineup = lineups[i % len(lineups)]
        order = rotations[(i // len(lineups) * 7 + i) % len(rotations)]
        specs = tuple(f"{lineup[j]}:normal" for j in order)
        tasks.append(Task("mixed", seed0 + i, specs))
    return tasks


def ladder(per_pair: int, seed0: int = 10_000) -> list[Task]:
    """Higher vs lower level of each archetype, with two other normal rivals, seats rotated."""
    tasks = []
    seats = list(itertools.permutations(range(4), 2))
    for a, name in enumerate(ARCHETYPE_NAMES):
        others = [x for x in ARCHETYPE_NAMES if x != name]
        for high, low in (("hard", "normal"), ("normal", "easy")):
            for i in range(per_pair):
                hs, ls = seats[(i * 5 + a) % len(seats)]
                pair = (others[(i + a) % len(others)], others[(i + a + 2) % len(others)])
                specs: list[str] = []
                rest = iter(pair)
                for seat in range(4):
                    if seat == hs:
                        specs.append(f"{name}:{high}")
                    elif seat == ls:
                        specs.append(f"{name}:{low}")
                    else:
                        specs.append(f"{next(rest)}:normal")
                tag = f"{name}:{high}>{low}:{hs}:{ls}"
                tasks.append(Task("ladder", seed0 + a * 1000 + i, tuple(specs), tag))
    return tasks


def paired(per_seat: int, seed0: int = 30_000) -> list[Task]:
    """Each level of each archetype in the same seat, against the same table, on the same seed.

    The standard table's seats are far from equal (see the seat win rates), so this measures
    what the level itself is worth, with the seat held fixed.
    """
    tasks = []
    for a, name in enumerate(ARCHETYPE_NAMES):
        others = [x for x in ARCHETYPE_NAMES if x != name]
        for seat in range(4):
            for i in range(per_seat):
                seed = seed0 + a * 1000 + seat * 100 + i
                table = [f"{others[(i + seat + k * 2) % len(others)]}:normal" for k in range(3)]
                for level in ("easy", "normal", "hard"):
                    specs = list(table)
                    specs.insert(seat, f"{name}:{level}")
                    tasks.append(Task("paired", seed, tuple(specs), f"{name}:{level}:{seat}"))
    return tasks


def baselines(per_bot: int, seed0: int = 20_000) -> list[Task]:
    """``idle`` and ``random`` against three normal rivals, seats rotated."""
    tasks = []
    for b, baseline in enumerate(("idle", "random")):
        for i in range(per_bot):
            seat = i % 4
            trio = [ARCHETYPE_NAMES[(i + k * 2 + b) % len(ARCHETYPE_NAMES)] for k in range(3)]
            specs = [f"{x}:normal" for x in trio]
            specs.insert(seat, baseline)
            tasks.append(Task("baseline", seed0 + b * 1000 + i, tuple(specs), baseline))
    return tasks


# --------------------------------------------------------------------------- report
def run_all(tasks: Sequence[Task], jobs: int) -> list[Result]:
    if jobs <= 1:
        return [play(t) for t in tasks]
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_use_content, initargs=(_CONTENT_DIR,)
    ) as pool:
        return list(pool.map(play, tasks, chunksize=4))


def summarise(results: Sequence[Result]) -> dict[str, Any]:
    """Every figure of the issue from a list of results."""
    out: dict[str, Any] = {}
    plays: dict[str, int] = defaultdict(int)
    wins: dict[str, int] = defaultdict(int)
    busts: dict[str, int] = defaultdict(int)
    seat_wins: dict[int, int] = defaultdict(int)
    mixed = [r for r in results if r.task.kind == "mixed"]
    for r in mixed:
        for seat, spec in enumerate(r.task.specs):
            name = spec.split(":")[0]
            plays[name] += 1
            wins[name] += r.ranks[seat] == 1
            busts[name] += r.bankrupt[seat]
            if r.ranks[seat] == 1:
                seat_wins[seat] += 1
    out["mixed_matches"] = len(mixed)
    out["archetypes"] = {
        name: {
            "plays": plays[name],
            "win_rate": wins[name] / plays[name] if plays[name] else math.nan,
            "bankrupt_rate": busts[name] / plays[name] if plays[name] else math.nan,
        }
        for name in ARCHETYPE_NAMES
    }
    out["seat_win_rate"] = {
        seat: seat_wins[seat] / len(mixed) if mixed else math.nan for seat in range(4)
    }
    ladder_stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    hard_busts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.task.kind != "ladder":
            continue
        name, comparison, hs, ls = r.task.tag.split(":")
        key = f"{name} {comparison}"
        ladder_stats[key][0] += r.ranks[int(hs)] < r.ranks[int(ls)]
        ladder_stats[key][1] += 1
        for seat, spec in enumerate(r.task.specs):
            if spec.endswith(":hard"):
                hard_busts[spec.split(":")[0]][0] += r.bankrupt[seat]
                hard_busts[spec.split(":")[0]][1] += 1
    out["ladder"] = {
        key: {
            "rate": above / n,
            "wilson_low": wilson_lower(above, n),
            "matches": n,
        }
        for key, (above, n) in sorted(ladder_stats.items())
    }
    scores: dict[tuple[str, int, int], dict[str, float]] = defaultdict(dict)
    for r in results:
        if r.task.kind != "paired":
            continue
        name, level, seat_text = r.task.tag.split(":")
        scores[(name, int(seat_text), r.task.seed)][level] = r.scores[int(seat_text)]
    paired_stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (name, _, _), by_level in scores.items():
        for high, low in (("hard", "normal"), ("normal", "easy")):
            if high in by_level and low in by_level:
                paired_stats[f"{name} {high}>{low}"][0] += by_level[high] > by_level[low]
                paired_stats[f"{name} {high}>{low}"][1] += 1
    out["paired"] = {
        key: {"rate": above / n, "wilson_low": wilson_lower(above, n), "matches": n}
        for key, (above, n) in sorted(paired_stats.items())
    }
    out["hard_bankrupt_rate"] = {k: b / n for k, (b, n) in sorted(hard_busts.items()) if n}
    last: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.task.kind != "baseline":
            continue
        seat = r.task.specs.index(r.task.tag)
        last[r.task.tag][0] += r.ranks[seat] == len(r.ranks)
        last[r.task.tag][1] += 1
    out["baseline_last"] = {k: v[0] / v[1] for k, v in sorted(last.items()) if v[1]}
    think: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for level, times in r.think.items():
            think[level].extend(times)
    out["think_ms"] = {
        level: {
            "median": statistics.median(times) * 1000 if times else math.nan,
            "p95": sorted(times)[int(0.95 * (len(times) - 1))] * 1000 if times else math.nan,
        }
        for level, times in sorted(think.items())
    }
    return out


def format_report(summary: dict[str, Any], seconds: float) -> str:
    lines = [f"standard matches of mixed normal fields: {summary['mixed_matches']}"]
    lines.append(f"{'archetype':<14} {'plays':>5} {'win %':>6} {'bankrupt %':>10}")
    for name, row in summary["archetypes"].items():
        ok = 0.08 <= row["win_rate"] <= 0.35 and row["bankrupt_rate"] <= 0.10
        lines.append(
            f"{name:<14} {row['plays']:>5} {100 * row['win_rate']:>6.1f}"
            f" {100 * row['bankrupt_rate']:>10.1f}  {'ok' if ok else 'MISS'}"
        )
    seats = "  ".join(f"seat {s}: {100 * v:.0f}%" for s, v in summary["seat_win_rate"].items())
    lines.append(f"wins by seat: {seats}")
    lines.append("")
    lines.append(f"{'difficulty':<28} {'above %':>7} {'wilson95 low':>12} {'n':>4}")
    for key, row in summary["ladder"].items():
        ok = row["rate"] >= 0.65 and row["wilson_low"] > 0.55
        lines.append(
            f"{key:<28} {100 * row['rate']:>7.1f} {100 * row['wilson_low']:>12.1f}"
            f" {row['matches']:>4}  {'ok' if ok else 'MISS'}"
        )
    if summary["paired"]:
        lines.append("")
        lines.append(f"{'same seat, same table':<28} {'above %':>7} {'wilson95 low':>12} {'n':>4}")
        for key, row in summary["paired"].items():
            ok = row["rate"] >= 0.65 and row["wilson_low"] > 0.55
            lines.append(
                f"{key:<28} {100 * row['rate']:>7.1f} {100 * row['wilson_low']:>12.1f}"
                f" {row['matches']:>4}  {'ok' if ok else 'MISS'}"
            )
    busts = ", ".join(f"{k} {100 * v:.0f}%" for k, v in summary["hard_bankrupt_rate"].items())
    lines.append(f"hard bankruptcies: {busts}")
    lines.append("")
    for name, rate in summary["baseline_last"].items():
        lines.append(f"{name} finishes last: {100 * rate:.1f}%  {'ok' if rate >= 0.9 else 'MISS'}")
    lines.append("")
    for level, row in summary["think_ms"].items():
        budget = 1000.0 if level == "hard" else 5.0
        lines.append(
            f"think time {level:<6} median {row['median']:.2f} ms, p95 {row['p95']:.2f} ms"
            f"  {'ok' if row['median'] <= budget else 'MISS'}"
        )
    lines.append(f"\n{seconds:.0f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="capwars balance", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--matches", type=int, default=480, help="mixed normal-field matches")
    parser.add_argument("--ladder", type=int, default=40, help="matches per archetype and rung")
    parser.add_argument("--baseline", type=int, default=40, help="matches per baseline bot")
    parser.add_argument("--paired", type=int, default=5, help="seeds per archetype and seat")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=("mixed", "ladder", "paired", "baseline"), default=None)
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,  # `capwars --content DIR balance` works too
        help="content folder to use instead of the game's own",
    )


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    folder = getattr(args, "content", None)
    if folder is not None and not Path(folder).is_dir():
        print(f"capwars: error: no content folder at {folder}", file=sys.stderr)
        return 2
    _use_content(folder)
    _content()  # a broken folder: every problem listed (exit 1) before any match is played
    tasks: list[Task] = []
    if args.only in (None, "mixed"):
        tasks += mixed_fields(args.matches)
    if args.only in (None, "ladder"):
        tasks += ladder(args.ladder)
    if args.only in (None, "paired"):
        tasks += paired(args.paired)
    if args.only in (None, "baseline"):
        tasks += baselines(args.baseline)
    results = run_all(tasks, args.jobs)
    print(format_report(summarise(results), time.perf_counter() - started))
    return 0


def register_cli(subparsers: Any) -> None:
    """Add ``capwars balance`` to the CLI's subcommands."""
    parser = subparsers.add_parser("balance", help="measure the rival roster's balance figures")
    add_arguments(parser)
    parser.set_defaults(handler=run)


if __name__ == "__main__":
    sys.exit(main())
