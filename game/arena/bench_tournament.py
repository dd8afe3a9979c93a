"""Tournament throughput on 1 and on N local workers: does parallelism pay?

The issue's figure: a tournament on 2 workers runs at least 1.8× the matches per second of one.
:func:`run_tournament_bench` plays the same schedule of ``standard`` matches as a whole
tournament (records written and fsynced, leaderboard built) once per worker count, repeated and
interleaved (1, 2, 1, 2, …) so that load from other programs hits both alike, and reports the
median rate of each and their ratio.

``jobs=1`` is the inline path a user gets with ``--jobs 1``. For more workers the pool is started
and warmed (content loaded) before the clock starts: that start-up is a fixed cost per
tournament, not a rate, and is reported on its own as ``startup_seconds``. The machine's load
average before and after is in the result, because on a shared machine it, not the code, is
often what limits the ratio. Beside the wall-clock rates, the CPU time each match costs (the
workers' and this process's together) gives the ratio an idle machine would allow
(``speedup_bound`` = workers × CPU per match on one / CPU per match on N), a figure that load
from other programs disturbs much less.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from game.arena.executors import start_pool, worker_content
from game.arena.tournament import TournamentConfig, run_tournament

TARGET_SPEEDUP = 1.8
BENCH_BOTS = ("balanced", "random", "idle")


def _nap(seconds: float) -> tuple[int, float]:
    time.sleep(seconds)
    return os.getpid(), time.process_time()


def _worker_cpu(pool: ProcessPoolExecutor, jobs: int) -> float:
    """The CPU seconds every worker has used so far (and, the first time, starts them all).

    Sleeping tasks overlap, so each lands on its own worker and every worker answers.
    """
    seen: dict[int, float] = {}
    while len(seen) < jobs:
        seen.update(pool.map(_nap, [0.1] * jobs))
    return sum(seen.values())


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def run_tournament_bench(
    matches: int = 48,
    workers: tuple[int, ...] = (1, 2),
    repeats: int = 3,
    scenario: str = "standard",
    content_dir: str | None = None,
) -> dict[str, Any]:
    """Matches per second of one tournament schedule on each worker count; see the module."""
    worker_content(content_dir)
    per_seed = len(BENCH_BOTS) + 1  # the three bots fill four seats: four rotations per seed
    config = TournamentConfig(
        bots=BENCH_BOTS, scenario=scenario, seeds=max(1, -(-matches // per_seed))
    )
    load_before = _load()
    pools: dict[int, ProcessPoolExecutor] = {}
    startup: dict[int, float] = {}
    rates: dict[int, list[float]] = {w: [] for w in workers}
    cpu: dict[int, list[float]] = {w: [] for w in workers}
    played = 0
    try:
        for jobs in workers:
            if jobs > 1:
                start = time.perf_counter()
                pools[jobs] = start_pool(jobs, content_dir)
                _worker_cpu(pools[jobs], jobs)
                startup[jobs] = time.perf_counter() - start
        for _ in range(repeats):
            for jobs in workers:
                pool = pools.get(jobs)
                cpu_before = time.process_time() + (_worker_cpu(pool, jobs) if pool else 0.0)
                with tempfile.TemporaryDirectory(prefix="capwars-bench-") as directory:
                    summary = run_tournament(
                        config,
                        directory,
                        jobs=jobs,
                        content_dir=content_dir,
                        limit=matches,
                        pool=pool,
                    )
                cpu_after = time.process_time() + (_worker_cpu(pool, jobs) if pool else 0.0)
                played = summary.played
                rates[jobs].append(summary.matches_per_second)
                cpu[jobs].append((cpu_after - cpu_before) / max(played, 1))
    finally:
        for pool in pools.values():
            pool.shutdown(wait=True)
    medians = {jobs: statistics.median(r) for jobs, r in rates.items()}
    base = medians[workers[0]]
    top = workers[-1]
    speedup = medians[top] / base if base > 0 else 0.0
    cpu_base, cpu_top = statistics.median(cpu[workers[0]]), statistics.median(cpu[top])
    efficiency = cpu_base / cpu_top if cpu_top > 0 else 0.0
    return {
        "scenario": scenario,
        "matches": played,
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": _load(),
        "workers": {
            str(jobs): {
                "matches_per_second": round(medians[jobs], 3),
                "low": round(min(rates[jobs]), 3),
                "high": round(max(rates[jobs]), 3),
                "startup_seconds": round(startup.get(jobs, 0.0), 3),
                "cpu_ms_per_match": round(1000 * statistics.median(cpu[jobs]), 3),
            }
            for jobs in workers
        },
        "speedup": round(speedup, 3),
        "speedup_workers": [workers[0], top],
        "cpu_efficiency": round(efficiency, 3),
        "speedup_bound": round(efficiency * top / workers[0], 3),
        "target_speedup": TARGET_SPEEDUP,
        "meets_target": speedup >= TARGET_SPEEDUP,
    }


def format_tournament_bench(result: dict[str, Any]) -> str:
    """The bench result as a few readable lines."""
    lines = [
        f"tournament throughput, {result['matches']} {result['scenario']} matches,"
        f" median of {result['repeats']} (load average {result['load_average_before']}"
        f" → {result['load_average_after']}, {result['cpus']} CPUs)"
    ]
    for jobs, figure in result["workers"].items():
        startup = f", pool start {figure['startup_seconds']:.2f} s" if int(jobs) > 1 else ""
        lines.append(
            f"  {jobs} worker(s): {figure['matches_per_second']:7.2f} matches/s"
            f" ({figure['low']:.2f}–{figure['high']:.2f}{startup})"
        )
    low, high = result["speedup_workers"]
    verdict = "meets" if result["meets_target"] else "below"
    lines.append(
        f"  speedup {high} vs {low}: {result['speedup']:.2f}×"
        f" ({verdict} the {result['target_speedup']}× target)"
    )
    lines.append(
        f"  CPU per match {result['workers'][str(low)]['cpu_ms_per_match']:.1f} ms on {low},"
        f" {result['workers'][str(high)]['cpu_ms_per_match']:.1f} ms on {high} (workers and"
        f" parent): an idle machine allows {result['speedup_bound']:.2f}×"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_tournament_bench(run_tournament_bench()))
