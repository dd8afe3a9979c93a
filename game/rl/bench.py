"""The RL figure: env cycles per second, ours beside a no-op env with the same spaces.

A **cycle** is one ``step`` of the parallel env: every live agent acts once (one quarter). Both
envs are driven the same way, in the same process and the same run: ``reset(seed)``, then full
episodes with actions sampled from the (seeded) action spaces until every agent is done, then
the next reset. The no-op env has our exact spaces, agents and episode length but returns
constant observations and zero rewards, so the ratio is the share of time left after the
engine, the observation and the codec: ``ours ≥ 25%`` of the no-op's cycles per second is the
target (issue 4). Each repeat times each env for at least ``min_seconds``; the envs alternate
within a repeat so that machine noise hits both; medians are reported with min and max.

``run_rl_bench()`` returns a JSON-ready dict; ``capwars bench`` shows it.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from game.rl.codec import ContentSource
from game.rl.parallel_env import Act, CapacityWarsParallelEnv, Obs

TARGET_RATIO = 0.25
"""Ours must run at least this share of the no-op env's cycles per second."""


class NoOpParallelEnv(ParallelEnv[str, Obs, Act]):
    """The same agents, spaces and episode length as a real env; constant observations."""

    metadata = {  # noqa: RUF012 (the PettingZoo convention)
        "name": "capacity_wars_noop_v0",
        "render_modes": [],
        "is_parallelizable": True,
    }

    def __init__(self, like: CapacityWarsParallelEnv):
        self.possible_agents = list(like.possible_agents)
        self.agents: list[str] = []
        self.episode_length = like.world.scenario.quarters
        self.observation_spaces = {
            a: spaces.Box(s.low, s.high, dtype=np.float32)
            for a, s in like.observation_spaces.items()
        }
        self.action_spaces = {
            a: spaces.Box(s.low, s.high, dtype=np.float32) for a, s in like.action_spaces.items()
        }
        self._obs = {
            a: np.zeros(s.shape, dtype=np.float32) for a, s in self.observation_spaces.items()
        }
        self._turn = 0

    def observation_space(self, agent: str) -> spaces.Box:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Box:
        return self.action_spaces[agent]

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Obs], dict[str, dict[str, Any]]]:
        if seed is not None:
            for i, agent in enumerate(self.possible_agents):
                self.action_spaces[agent].seed(seed + i)
        self.agents = list(self.possible_agents)
        self._turn = 0
        return dict(self._obs), {a: {} for a in self.agents}

    def step(self, actions: dict[str, Act]) -> Any:
        self._turn += 1
        done = self._turn >= self.episode_length
        live = self.agents
        obs = {a: self._obs[a] for a in live}
        rewards = dict.fromkeys(live, 0.0)
        terms = dict.fromkeys(live, done)
        truncs = dict.fromkeys(live, False)
        infos: dict[str, dict[str, Any]] = {a: {} for a in live}
        if done:
            self.agents = []
        return obs, rewards, terms, truncs, infos


def _cycles_per_second(env: Any, min_seconds: float, seed: int) -> tuple[float, int]:
    """Reset + full random episodes for at least ``min_seconds``: (cycles/s, episodes)."""
    cycles = 0
    episodes = 0
    start = time.perf_counter()
    while True:
        env.reset(seed=seed + episodes)
        while env.agents:
            actions = {a: env.action_space(a).sample() for a in env.agents}
            env.step(actions)
            cycles += 1
        episodes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return cycles / elapsed, episodes


def run_rl_bench(
    scenario: str = "standard",
    repeats: int = 5,
    min_seconds: float = 1.0,
    content: ContentSource = None,
) -> dict[str, Any]:
    """Measure our ParallelEnv and the no-op env in the same run; medians over ``repeats``."""
    ours = CapacityWarsParallelEnv(scenario=scenario, content=content)
    noop = NoOpParallelEnv(ours)
    # Warm up both (imports, caches) before any timing.
    _cycles_per_second(ours, 0.0, 0)
    _cycles_per_second(noop, 0.0, 0)
    ours_rates: list[float] = []
    noop_rates: list[float] = []
    ratios: list[float] = []
    episodes = 0
    for r in range(repeats):
        o, e = _cycles_per_second(ours, min_seconds, 1_000 * r)
        n, _ = _cycles_per_second(noop, min_seconds, 1_000 * r)
        ours_rates.append(o)
        noop_rates.append(n)
        ratios.append(o / n)
        episodes += e
    ratio = statistics.median(ratios)

    def figure(values: list[float]) -> dict[str, float]:
        return {
            "median": statistics.median(values),
            "low": min(values),
            "high": max(values),
        }

    return {
        "scenario": scenario,
        "agents": len(ours.possible_agents),
        "quarters": ours.world.scenario.quarters,
        "action_size": ours.codec.action_size,
        "observation_size": ours.codec.observation_size,
        "repeats": repeats,
        "min_seconds": min_seconds,
        "episodes": episodes,
        "ours_cycles_per_second": figure(ours_rates),
        "noop_cycles_per_second": figure(noop_rates),
        "ratio": figure(ratios),
        "percent_of_noop": round(100.0 * ratio, 1),
        "target_percent": round(100.0 * TARGET_RATIO, 1),
        "meets_target": ratio >= TARGET_RATIO,
    }


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run_rl_bench(), indent=2))
