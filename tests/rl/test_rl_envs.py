"""The envs pass PettingZoo's and Gymnasium's own checks, and whole episodes are deterministic."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

import gymnasium
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import (
    api_test,
    parallel_api_test,
    parallel_seed_test,
    seed_test,
)

from game.engine.actions import Borrow
from game.engine.scoring import standings
from game.rl.bench import NoOpParallelEnv, run_rl_bench
from game.rl.parallel_env import CapacityWarsParallelEnv, aec_env
from game.rl.single_env import ENV_ID, CapacityWarsEnv


@pytest.fixture
def make_par(content):
    def make(**kwargs):
        kwargs.setdefault("scenario", "tutorial")
        return CapacityWarsParallelEnv(content=content, **kwargs)

    return make


def test_pettingzoo_parallel_api_test(make_par):
    parallel_api_test(make_par(), num_cycles=100)


def test_pettingzoo_parallel_api_test_on_standard(make_par):
    parallel_api_test(make_par(scenario="standard"), num_cycles=30)


def test_pettingzoo_api_test_on_the_aec_form(content):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        api_test(aec_env(scenario="tutorial", content=content), num_cycles=100)
    assert not [w for w in caught if "render" not in str(w.message)], [
        str(w.message) for w in caught
    ]


def test_pettingzoo_seed_tests(content):
    seed_test(lambda: aec_env(scenario="tutorial", content=content), num_cycles=50)
    parallel_seed_test(
        lambda: CapacityWarsParallelEnv(scenario="tutorial", content=content), num_cycles=50
    )


def _episode(env, seed):
    """A whole episode with actions sampled from the spaces seeded by reset(seed)."""
    obs, infos = env.reset(seed=seed)
    trace = [(obs, infos)]
    while env.agents:
        actions = {a: env.action_space(a).sample() for a in env.agents}
        trace.append((actions, *env.step(actions)))
    return trace, env.match_state


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scenario", ["tutorial", "standard"])
def test_full_episode_determinism(make_par, scenario):
    env1, env2 = make_par(scenario=scenario), make_par(scenario=scenario)
    trace1, final1 = _episode(env1, seed=11)
    trace2, final2 = _episode(env2, seed=11)
    assert final1.over and not env1.agents
    assert len(trace1) == len(trace2) > 1
    for step, (one, two) in enumerate(zip(trace1, trace2)):
        assert _same(one, two), f"episodes diverge at step {step}"
    assert final1.last_hash == final2.last_hash
    # The same env object replays the same episode after another one.
    _episode(env1, seed=12)
    trace3, final3 = _episode(env1, seed=11)
    assert final3.last_hash == final1.last_hash
    assert all(_same(x, y) for x, y in zip(trace1, trace3))
    # And another seed is another match.
    _, other = _episode(env2, seed=12)
    assert other.last_hash != final1.last_hash


def test_rewards_add_up_to_value_created(make_par):
    env = make_par()
    env.reset(seed=4)
    totals = dict.fromkeys(env.possible_agents, 0.0)
    while env.agents:
        _, rewards, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
        for agent, r in rewards.items():
            totals[agent] += r
    for row in standings(env.match_state):
        if row.status == "active":
            expected = row.score / env.codec.money_scale
            assert totals[f"seat_{row.seat}"] == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_spaces_are_cached_distinct_and_seeded_by_reset(make_par):
    env = make_par()
    a0, a1 = env.action_space("seat_0"), env.action_space("seat_1")
    assert a0 is env.action_space("seat_0") and a0 is not a1
    assert env.observation_space("seat_0") is env.observation_space("seat_0")
    env.reset(seed=3)
    first = a0.sample()
    env.reset(seed=3)
    assert np.array_equal(first, a0.sample())


def test_infos_carry_the_summary_and_rejected_codes(make_par):
    env = make_par()
    obs, infos = env.reset(seed=2)
    assert set(obs) == set(infos) == {"seat_0", "seat_1"}
    _, _, terms, truncs, infos = env.advance([[Borrow(amount=999_999.0)], []])
    info = infos["seat_0"]
    assert ("borrow", "credit_limit") in info["rejected"]
    assert infos["seat_1"]["rejected"] == ()
    assert info["turn"] == 0 and info["label"] == "2027 Q1"
    assert set(info["summary"]) >= {"capacity", "demand", "served", "revenue", "cash"}
    assert len(info["state_hash"]) > 8
    assert not any(terms.values()) and not any(truncs.values())


def test_match_end_terminates_and_max_quarters_truncates(make_par):
    env = make_par()
    env.reset(seed=1)
    steps = 0
    while env.agents:
        _, _, terms, truncs, _ = env.step({})
        steps += 1
    assert steps == env.world.scenario.quarters
    assert all(terms.values()) and not any(truncs.values())
    short = make_par(max_quarters=3)
    short.reset(seed=1)
    for _ in range(3):
        _, _, terms, truncs, _ = short.step({})
    assert all(truncs.values()) and not any(terms.values()) and short.agents == []


def test_render(make_par):
    env = make_par(render_mode="ansi")
    env.reset(seed=1)
    text = env.render()
    assert "seat_0" in text and "2027 Q1" in text
    quiet = make_par()
    quiet.reset(seed=1)
    assert quiet.render() is None
    with pytest.raises(ValueError):
        make_par(render_mode="human")


def test_single_seat_env_passes_check_env(content):
    check_env(CapacityWarsEnv(scenario="tutorial", content=content), skip_render_check=True)
    made = gymnasium.make(ENV_ID, scenario="tutorial", render_mode="ansi")
    check_env(made.unwrapped)


def test_single_seat_env_plays_a_match_against_bots(content):
    env = CapacityWarsEnv(scenario="standard", seat=2, content=content)
    obs, _ = env.reset(seed=8)
    assert env.observation_space.contains(obs)
    steps, done = 0, False
    while not done:
        obs, reward, term, trunc, info = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs) and isinstance(reward, float)
        done = term or trunc
        steps += 1
    assert steps <= 24 and "bot_failures" not in info
    with pytest.raises(ValueError):
        CapacityWarsEnv(scenario="tutorial", opponents=["balanced", "idle"], content=content)


def test_noop_env_mirrors_spaces_and_bench_reports(make_par, content):
    ours = make_par()
    noop = NoOpParallelEnv(ours)
    assert noop.action_space("seat_0") == ours.action_space("seat_0")
    assert noop.observation_space("seat_1") == ours.observation_space("seat_1")
    parallel_api_test(noop, num_cycles=20)
    result = run_rl_bench(scenario="tutorial", repeats=1, min_seconds=0.05, content=content)
    assert result["ours_cycles_per_second"]["median"] > 0
    assert result["noop_cycles_per_second"]["median"] > 0
    assert 0 < result["percent_of_noop"] < 1_000
    assert isinstance(result["meets_target"], bool)


def test_a_scenario_file_works_like_its_id(content, tmp_path):
    root = Path(__file__).resolve().parents[2]
    shipped = root / "content" / "scenarios" / "tutorial.toml"
    by_id = CapacityWarsParallelEnv(scenario="tutorial", content=content)
    by_path = CapacityWarsParallelEnv(scenario=shipped, content=content)
    assert by_path.world.scenario.id == "tutorial"
    a, _ = by_id.reset(seed=3)
    b, _ = by_path.reset(seed=3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    # A teacher's own scenario file, outside the content folder.
    lesson = tmp_path / "my_lesson.toml"
    text = shipped.read_text(encoding="utf-8")
    lesson.write_text(text.replace('id = "tutorial"', 'id = "my-lesson"', 1), encoding="utf-8")
    single = CapacityWarsEnv(scenario=str(lesson), content=content)
    assert single.parallel_env.world.scenario.id == "my-lesson"
    obs, _ = single.reset(seed=3)
    assert np.array_equal(obs, a["seat_0"])
