"""The parallel env's global state for centralised critics: ``state()`` and ``state_space``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from gymnasium import spaces
from pettingzoo.test import state_test

from game.engine.state import ACTIVE
from game.rl.codec import OBS_BOUND
from game.rl.parallel_env import CapacityWarsParallelEnv, aec_env


def _parts(env, state):
    size = env.codec.observation_size
    return {a: state[k * size : (k + 1) * size] for k, a in enumerate(env.possible_agents)}


def test_the_state_space_is_every_seats_observation_space_end_to_end(content):
    env = CapacityWarsParallelEnv(scenario="standard", content=content)
    space = env.state_space
    n, size = len(env.possible_agents), env.codec.observation_size
    assert isinstance(space, spaces.Box)
    assert space.shape == (n * size,) and space.dtype == np.float32
    assert np.all(space.low == -OBS_BOUND) and np.all(space.high == OBS_BOUND)
    # The AEC form passes it on (parallel_to_aec copies state_space, forwards state()).
    aec = aec_env(scenario="standard", content=content)
    assert aec.state_space == space
    aec.reset(seed=3)
    env.reset(seed=3)
    assert np.array_equal(aec.state(), env.state())


def test_pettingzoo_state_test(content):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state_test(
            aec_env(scenario="tutorial", content=content),
            CapacityWarsParallelEnv(scenario="tutorial", content=content),
            num_cycles=100,
        )
    assert not caught, [str(w.message) for w in caught]


def test_the_state_is_the_seats_observations_at_every_step(content):
    env = CapacityWarsParallelEnv(scenario="standard", content=content)
    obs, _ = env.reset(seed=3)
    state = env.state()
    assert state.dtype == np.float32 and env.state_space.contains(state)
    assert np.array_equal(state, np.concatenate([obs[a] for a in env.possible_agents]))
    zero = env.codec.zero_observation()
    fills = 0
    while env.agents:
        obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
        state = env.state()
        assert env.state_space.contains(state)
        status = env.match_state.status.tolist()
        for seat, (agent, part) in enumerate(_parts(env, state).items()):
            if status[seat] == ACTIVE:
                assert np.array_equal(part, obs[agent])
            else:  # bankrupt: the zero observation, from the quarter it went bankrupt on
                assert np.array_equal(part, zero)
                fills += 1
        assert np.array_equal(env.state(), state)  # asking again gives the same vector
    assert fills  # random actions bankrupt seats in `standard`: the fill was checked


def test_truncated_seats_keep_their_final_observation(content):
    env = CapacityWarsParallelEnv(scenario="tutorial", content=content, max_quarters=2)
    env.reset(seed=1)
    hold = {a: np.zeros(env.action_space(a).shape, dtype=np.float32) for a in env.agents}
    env.step(hold)
    obs, _, _, truncations, _ = env.step(hold)
    assert all(truncations.values()) and not env.agents
    state = env.state()  # a critic bootstraps from the state the episode was cut at
    assert np.array_equal(state, np.concatenate([obs[a] for a in env.possible_agents]))


def test_the_state_is_deterministic_for_a_seed(content):
    def states(seed):
        env = CapacityWarsParallelEnv(scenario="standard", content=content)
        env.reset(seed=seed)
        out = [env.state()]
        while env.agents:
            env.step({a: env.action_space(a).sample() for a in env.agents})
            out.append(env.state())
        return out

    first, second = states(11), states(11)
    assert len(first) == len(second)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    other = states(12)
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_the_state_before_reset_says_to_call_reset(content):
    env = CapacityWarsParallelEnv(scenario="tutorial", content=content)
    with pytest.raises(RuntimeError, match=r"call reset\(\) first"):
        env.state()


def test_step_does_not_compute_the_state(content, monkeypatch):
    env = CapacityWarsParallelEnv(scenario="standard", content=content)
    env.reset(seed=1)
    encoded = []
    encode = env.codec.encode
    monkeypatch.setattr(env.codec, "encode", lambda obs: encoded.append(obs.seat) or encode(obs))
    env.step({a: np.zeros(env.action_space(a).shape, dtype=np.float32) for a in env.agents})
    assert encoded == [0, 1, 2, 3]  # each live agent's observation once, nothing more
    env.state()
    assert encoded == [0, 1, 2, 3] * 2  # on demand: one encoding per seat in the game
