"""``capwars bench``: how fast the engine and whole matches run, measured honestly.

Three figures, each the median over several repeats (with the min and max beside it):

- **engine steps/s**: :func:`~game.engine.step` with empty actions on ``standard``, quarter after
  quarter; a finished match starts the next of 20 openings with different seeds (built before
  any timing), so the events and prices vary as they do between real matches;
- **matches/s**: complete ``standard`` matches with four ``balanced`` bots through
  :func:`~game.arena.match.run_match` in this one process (world building, bots, observations
  and all);
- **bot think time**: the mean time of one ``balanced`` ``act()`` call inside those matches.

Each repeat runs for at least ``min_seconds`` so that fast code is not timed on a handful of
calls. Content is loaded once, before any timing.
"""

from __future__ import annotations

import itertools
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import game
from game.agents.base import Bot, SetupInfo
from game.agents.registry import make_bot
from game.arena.match import run_match
from game.engine.observation import Observation
from game.engine.setup import new_match
from game.engine.step import step
from game.rules.loader import load_content
from game.rules.models import Content

SCENARIO = "standard"
TARGET_MATCHES_PER_SECOND = 100.0
TARGET_STEPS_PER_SECOND = 5_000.0
OPENINGS = 20
"""Opening states the engine figure cycles through (seeds 1 to 20)."""


@dataclass(frozen=True)
class Figure:
    """One measured rate: median, min and max over the repeats."""

    name: str
    unit: str
    median: float
    low: float
    high: float
    repeats: int
    target: float | None = None

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.median >= self.target


@dataclass(frozen=True)
class BenchResult:
    figures: tuple[Figure, ...]
    scenario: str
    python: str
    machine: str
    cpus: int
    engine: str

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "engine": self.engine,
            "python": self.python,
            "machine": self.machine,
            "cpus": self.cpus,
            "figures": [{**asdict(f), "meets_target": f.meets_target} for f in self.figures],
        }


class TimedBot(Bot):
    """Wraps a bot and adds up the time its ``act`` takes."""

    def __init__(self, inner: Bot):
        self.inner = inner
        self.name = getattr(inner, "name", "bot")
        self.seconds = 0.0
        self.calls = 0

    def setup(self, info: SetupInfo) -> None:
        self.inner.setup(info)

    def act(self, observation: Observation) -> list[Any]:
        start = time.perf_counter()
        try:
            return self.inner.act(observation)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


def _rate(work: Callable[[], int], min_seconds: float) -> float:
    """Units of work per second, running ``work`` (which returns units done) for a while."""
    done = 0
    start = time.perf_counter()
    while True:
        done += work()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


def _figure(name: str, unit: str, samples: list[float], target: float | None = None) -> Figure:
    return Figure(
        name=name,
        unit=unit,
        median=statistics.median(samples),
        low=min(samples),
        high=max(samples),
        repeats=len(samples),
        target=target,
    )


def run_bench(
    content: Content | None = None,
    repeats: int = 5,
    min_seconds: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> BenchResult:
    """Measure the three figures; ``repeats`` runs of at least ``min_seconds`` each."""
    content = content if content is not None else load_content()
    say = progress or (lambda _text: None)

    openings = [new_match(content, SCENARIO, seed=seed) for seed in range(1, OPENINGS + 1)]
    opening = openings[0]
    empty: list[list[object]] = [[] for _ in range(opening.n_players)]
    next_opening = itertools.cycle(openings)

    def steps() -> int:
        state, count = next(next_opening), 0
        while not state.over:
            state, _ = step(state, empty)
            count += 1
        return count

    seeds = iter(range(1, 1_000_000))
    timed: list[TimedBot] = []

    def matches() -> int:
        bots = [TimedBot(make_bot("balanced")) for _ in range(opening.n_players)]
        timed.extend(bots)
        run_match(content, SCENARIO, next(seeds), bots=bots)
        return 1

    steps()  # warm caches and lazy imports before timing
    matches()
    timed.clear()

    step_rates, match_rates, think = [], [], []
    for index in range(repeats):
        say(f"repeat {index + 1}/{repeats}: engine steps")
        step_rates.append(_rate(steps, min_seconds))
        say(f"repeat {index + 1}/{repeats}: matches")
        timed.clear()
        match_rates.append(_rate(matches, min_seconds))
        calls = sum(b.calls for b in timed)
        think.append(sum(b.seconds for b in timed) / calls * 1e6 if calls else 0.0)
    figures = (
        _figure("engine quarter-steps", "steps/s", step_rates, TARGET_STEPS_PER_SECOND),
        _figure(
            "standard matches, 4 balanced bots", "matches/s", match_rates, TARGET_MATCHES_PER_SECOND
        ),
        _figure("balanced bot think time", "µs/act", think),
    )
    return BenchResult(
        figures=figures,
        scenario=SCENARIO,
        python=platform.python_version(),
        machine=f"{platform.system()} {platform.machine()}",
        cpus=os.cpu_count() or 1,
        engine=game.__version__,
    )


def format_table(result: BenchResult) -> str:
    """The bench result as a readable table."""
    rows = [("measure", "median", "min", "max", "unit", "target")]
    for f in result.figures:
        if f.target is None:
            verdict = ""
        else:
            verdict = f"≥ {f.target:,.0f} ({'met' if f.meets_target else 'not met'})"
        rows.append(
            (f.name, f"{f.median:,.1f}", f"{f.low:,.1f}", f"{f.high:,.1f}", f.unit, verdict)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        f"capwars bench: scenario {result.scenario}, capwars {result.engine}, Python"
        f" {result.python}, {result.machine}, {result.cpus} CPUs;"
        f" medians over {result.figures[0].repeats} repeats",
        "",
    ]
    for number, row in enumerate(rows):
        cells = [
            row[i].ljust(widths[i]) if i in (0, 4, 5) else row[i].rjust(widths[i])
            for i in range(len(row))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
