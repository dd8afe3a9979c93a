"""Golden numbers for the RL side: the exact observation vectors, rewards and actions' effects.

The envs' own tests check determinism and consistency; this one pins the numbers themselves,
so a change to the codec or the env that alters what an agent sees or earns fails here. The
actions come from a seeded numpy generator (not ``space.sample()``, whose algorithm belongs to
Gymnasium), scaled into each action space's bounds. If a change of the observation layout or the
reward is meant, update the digests below.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")

from game.rl.parallel_env import CapacityWarsParallelEnv

GOLDEN = {
    ("tutorial", 3): "12cffd66dccd7167ce7462c157f1ea02",
    ("standard", 11): "05bf27f9ee124351f8e2f0d1f2508567",
}


def episode_digest(content, scenario: str, seed: int) -> str:
    env = CapacityWarsParallelEnv(scenario=scenario, content=content)
    rng = np.random.default_rng(seed)
    digest = hashlib.blake2b(digest_size=16)
    observations, _ = env.reset(seed=seed)
    while env.agents:
        for agent in sorted(observations):
            digest.update(agent.encode())
            digest.update(np.ascontiguousarray(observations[agent], dtype="<f4").tobytes())
        actions = {}
        for agent in env.agents:
            space = env.action_space(agent)
            unit = rng.random(space.shape)
            actions[agent] = (space.low + unit * (space.high - space.low)).astype(np.float32)
        observations, rewards, terminations, truncations, _ = env.step(actions)
        for agent in sorted(rewards):
            digest.update(
                f"{agent}:{rewards[agent]!r}:{terminations[agent]}:{truncations[agent]}".encode()
            )
    digest.update(env.match_state.last_hash.encode())
    return digest.hexdigest()


@pytest.mark.parametrize(("scenario", "seed"), sorted(GOLDEN))
def test_episode_reproduces_its_golden_digest(content, scenario, seed):
    assert episode_digest(content, scenario, seed) == GOLDEN[scenario, seed], (
        f"{scenario} seed {seed}: the observation vectors, rewards or the match changed; if"
        " that was meant (a new layout or reward), update GOLDEN in this file"
    )
