"""What a researcher gets wrong: bad action vectors, stepping a finished episode, bad seeds.

Each mistake ends in a short error that names what was expected, raised by the env itself,
never a crash deep inside the codec or the engine; the documented leniencies (clipping, NaN as
zero, ``None`` holding in the parallel env) keep working.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from game.rl.parallel_env import CapacityWarsParallelEnv
from game.rl.single_env import CapacityWarsEnv

A = 15
"""The tutorial's action size."""


@pytest.fixture
def single(content):
    env = CapacityWarsEnv(scenario="tutorial", content=content)
    env.reset(seed=1)
    return env


@pytest.fixture
def par(content):
    env = CapacityWarsParallelEnv(scenario="tutorial", content=content)
    env.reset(seed=1)
    return env


@pytest.mark.parametrize(
    ("action", "got"),
    [
        (np.zeros(A + 1), "shape (16,)"),
        (np.zeros((1, A)), "shape (1, 15)"),
        (np.zeros((2, A)), "shape (2, 15)"),
        (0.5, "shape ()"),
        (None, "None"),
        ("hold", "a str"),
        ({"spot": 1.0}, "a dict"),
        (np.ones(A, dtype=complex), "dtype complex128"),
        (np.array([object()] * A), "dtype object"),
        ([[0.0], [0.0, 1.0]], "list"),
    ],
)
def test_a_malformed_action_is_a_clear_value_error(single, action, got):
    with pytest.raises(ValueError, match=r"an action is 15 real numbers, shape \(15,\)") as info:
        single.step(action)
    assert got in str(info.value)
    assert "docs/RL.md" in str(info.value)


@pytest.mark.parametrize(
    "action",
    [
        np.full(A, np.inf, dtype=np.float32),
        np.full(A, -np.inf),
        np.full(A, 1e30),
        np.ones(A, dtype=np.int64),
        np.ones(A, dtype=bool),
        np.ones(A, dtype=np.float16),
        [1.0] * A,
    ],
)
def test_real_vectors_of_any_dtype_are_clipped_as_documented(content, action):
    ones = CapacityWarsEnv(scenario="tutorial", content=content)
    ones.reset(seed=1)
    expected = ones.step(np.clip(np.asarray(action, dtype=np.float64), -1, 1))
    env = CapacityWarsEnv(scenario="tutorial", content=content)
    env.reset(seed=1)
    got = env.step(action)
    assert np.array_equal(got[0], expected[0]) and got[1:4] == expected[1:4]


def test_the_parallel_env_names_the_agent_whose_action_is_malformed(par):
    with pytest.raises(ValueError, match=r"^seat_1: an action is 15 real numbers"):
        par.step({"seat_0": np.zeros(A), "seat_1": np.zeros(3)})


def test_the_parallel_env_refuses_unknown_agents_and_non_dicts(par):
    with pytest.raises(ValueError, match=r"unknown agent 'seat_9'.*\['seat_0', 'seat_1'\]"):
        par.step({"seat_9": np.zeros(A)})
    with pytest.raises(TypeError, match=r"step\(\) takes a dict \{agent: action vector\}"):
        par.step([np.zeros(A), np.zeros(A)])  # type: ignore[arg-type]
    # None (or a missing agent) still holds.
    _, _, _, _, infos = par.step({"seat_0": None})
    assert infos["seat_0"]["applied"] == 0


def test_stepping_a_finished_single_seat_episode_says_reset(single):
    done = False
    while not done:
        _, _, term, trunc, _ = single.step(np.zeros(A, dtype=np.float32))
        done = term or trunc
    with pytest.raises(RuntimeError, match=r"episode is over .* call reset\(\)"):
        single.step(np.zeros(A, dtype=np.float32))
    single.reset(seed=2)
    single.step(np.zeros(A, dtype=np.float32))


def test_stepping_a_bankrupt_learner_says_reset(content):
    env = CapacityWarsEnv(scenario="standard", content=content)
    env.reset(seed=4)
    rng = np.random.default_rng(4)
    term = False
    while not term:
        _, _, term, trunc, info = env.step(rng.uniform(-1, 1, env.action_space.shape))
        assert not trunc
    assert info["status"] == "bankrupt"
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(np.zeros(env.action_space.shape))


def test_stepping_a_finished_parallel_episode_says_reset(content):
    env = CapacityWarsParallelEnv(scenario="tutorial", content=content, max_quarters=2)
    env.reset(seed=1)
    env.step({})
    env.step({})
    assert env.agents == []
    # Truncated: the match itself could go on, but the episode is over.
    with pytest.raises(RuntimeError, match=r"every agent is done .* call reset\(\)"):
        env.step({})
    full = CapacityWarsParallelEnv(scenario="tutorial", content=content)
    full.reset(seed=1)
    while full.agents:
        full.step({})
    with pytest.raises(RuntimeError, match=r"the match is over .* call reset\(\)"):
        full.step({})
    with pytest.raises(RuntimeError, match="call reset"):
        full.advance([[], []])


@pytest.mark.parametrize("seed", [-1, 2.5, "7", True])
def test_a_bad_seed_is_a_clear_value_error(par, seed):
    with pytest.raises(ValueError, match=r"seed must be a non-negative integer or None, not "):
        par.reset(seed=seed)


def test_numpy_and_huge_seeds_are_accepted(par):
    par.reset(seed=np.int64(5))
    assert par.match_state.seed == 5
    par.reset(seed=2**64 + 5)  # reduced modulo 2**63, as documented
    assert par.match_state.seed == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_quarters": 0}, "max_quarters must be a positive integer or None, not 0"),
        ({"max_quarters": 2.5}, "max_quarters must be a positive integer or None, not 2.5"),
        ({"bankruptcy_penalty": float("nan")}, "bankruptcy_penalty must be a finite number"),
    ],
)
def test_bad_episode_settings_are_refused_up_front(content, kwargs, message):
    with pytest.raises(ValueError, match=message):
        CapacityWarsParallelEnv(scenario="tutorial", content=content, **kwargs)
    with pytest.raises(ValueError, match=message):
        CapacityWarsEnv(scenario="tutorial", content=content, **kwargs)


def test_single_seat_episodes_replay_exactly_with_the_scenarios_rivals(content):
    def episode(env, seed):
        obs, _ = env.reset(seed=seed)
        rng = np.random.default_rng(seed)
        trace, done = [obs], False
        while not done:
            obs, reward, term, trunc, info = env.step(rng.uniform(-0.3, 0.3, A))
            trace += [obs, reward, info["state_hash"]]
            done = term or trunc
        return trace

    env = CapacityWarsEnv(scenario="tutorial", opponents="rivals", content=content)
    first = episode(env, 5)
    episode(env, 6)
    again = episode(CapacityWarsEnv(scenario="tutorial", opponents="rivals", content=content), 5)
    assert len(first) == len(again)
    assert all(
        np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y for x, y in zip(first, again)
    )
    assert episode(env, 5)[-1] == first[-1]


def test_a_malformed_action_leaves_the_opponents_untouched(content):
    from game.rl.policy import PolicyBot

    calls = []
    probe = CapacityWarsEnv(scenario="tutorial", content=content)

    def policy(obs):
        calls.append(1)
        return np.zeros(A)

    env = CapacityWarsEnv(
        scenario="tutorial", seat=1, opponents=PolicyBot(probe.codec, policy), content=content
    )
    env.reset(seed=1)
    with pytest.raises(ValueError, match="an action is 15 real numbers"):
        env.step(np.zeros(3))
    assert calls == []  # the bot in seat 0 was not asked: the quarter never started
    env.step(np.zeros(A))
    assert calls == [1]
