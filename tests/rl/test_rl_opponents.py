"""The single-seat env's opponents: which bots, failures reported, processes stopped."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from game.agents.base import Bot, MatchResult
from game.agents.registry import make_bot, rival_spec
from game.arena.match import run_match
from game.engine.scoring import standings
from game.rl.parallel_env import CapacityWarsParallelEnv
from game.rl.policy import PolicyBot
from game.rl.single_env import RIVALS, CapacityWarsEnv

ROOT = Path(__file__).resolve().parents[2]

FLAKY = textwrap.dedent(
    """
    from pathlib import Path

    from game.agents import Bot

    LOG = Path(__file__).with_suffix(".log")


    class Flaky(Bot):
        def setup(self, info):
            raise RuntimeError("no setup today")

        def act(self, observation):
            return []

        def close(self):
            with LOG.open("a") as log:
                log.write("closed\\n")
    """
)


def _closed(path: Path) -> int:
    log = path.with_suffix(".log")
    return log.read_text().count("closed") if log.exists() else 0


def test_a_failed_setup_is_reported_and_bots_are_closed(tmp_path, content):
    bot_file = tmp_path / "flaky.py"
    bot_file.write_text(FLAKY)
    env = CapacityWarsEnv(scenario="tutorial", opponents=f"{bot_file}:Flaky", content=content)
    env.reset(seed=1)  # the setup error does not escape reset()
    zero = np.zeros(env.action_space.shape, dtype=np.float32)
    *_, info = env.step(zero)
    # With the bot's own file and line, as an act() that raises.
    assert info["bot_failures"] == {1: "setup failed: RuntimeError: no setup today (flaky.py:11)"}
    *_, info = env.step(zero)
    assert "bot_failures" not in info  # reported once; the bot plays on (and holds)
    assert _closed(bot_file) == 0
    env.reset(seed=2)
    assert _closed(bot_file) == 1  # the previous episode's bot
    done = False
    while not done:
        *_, term, trunc, _ = env.step(zero)
        done = term or trunc
    assert _closed(bot_file) == 2  # at the end of the episode
    env.reset(seed=3)
    env.close()
    assert _closed(bot_file) == 3


def test_a_failed_setup_and_a_failed_first_quarter_are_both_reported(tmp_path, content):
    bot_file = tmp_path / "worse.py"
    bot_file.write_text(
        FLAKY.replace("return []", "raise ValueError('no act either')").replace(".log", ".x")
    )
    env = CapacityWarsEnv(scenario="tutorial", opponents=f"{bot_file}:Flaky", content=content)
    env.reset(seed=1)
    *_, info = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    text = info["bot_failures"][1]
    assert text.startswith("setup failed: RuntimeError: no setup today (worse.py:11); "), text
    assert "no act either" in text
    env.close()


def test_an_external_bots_process_stops_on_close(content):
    env = CapacityWarsEnv(
        scenario="tutorial",
        opponents=f"cmd:{sys.executable} {ROOT / 'examples' / 'python_bot.py'}",
        content=content,
    )
    env.reset(seed=1)
    bot = env._bots[1]
    process = bot._proc
    assert process is not None and process.poll() is None
    *_, info = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    assert "bot_failures" not in info
    env.close()
    assert process.wait(timeout=10) is not None


def test_opponents_rivals_plays_the_scenarios_named_rivals(content):
    env = CapacityWarsEnv(scenario="standard", seat=1, opponents=RIVALS, content=content)
    seats = env.parallel_env.world.scenario.seats
    expected = [rival_spec(content, seats[s].rival) for s in (0, 2, 3)]
    assert env.opponent_specs == expected
    assert any(spec != "balanced" for spec in expected)
    env.reset(seed=5)
    *_, info = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    assert "bot_failures" not in info


def test_a_single_seat_step_encodes_the_learners_observation_only(content, monkeypatch):
    env = CapacityWarsEnv(scenario="standard", opponents="idle", content=content)
    env.reset(seed=1)
    encoded = []
    encode = env.codec.encode
    monkeypatch.setattr(env.codec, "encode", lambda obs: encoded.append(obs.seat) or encode(obs))
    obs, *_ = env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    assert encoded == [0]  # not the three bots' (nobody reads them): a third faster vs idle
    assert np.array_equal(obs, encode(env.parallel_env.observation_of("seat_0")))


def _play(env, seed, policy):
    obs, _ = env.reset(seed=seed)
    done, hashes = False, []
    while not done:
        obs, _, term, trunc, info = env.step(policy(obs))
        hashes.append(info["state_hash"])
        done = term or trunc
    return hashes


def _tanh_policy(size_in, size_out, seed):
    weights = np.random.default_rng(seed).normal(0, 0.3, (size_out, size_in))
    return lambda obs: np.tanh(weights @ obs).astype(np.float32)


def test_a_policy_bot_plays_a_seat_as_the_parallel_env_would(content):
    env = CapacityWarsEnv(scenario="tutorial", opponents="idle", content=content)
    codec, sizes = env.codec, (env.observation_space.shape[0], env.action_space.shape[0])
    mine, theirs = _tanh_policy(*sizes, seed=1), _tanh_policy(*sizes, seed=2)
    # A zero policy holds: the same match as the idle bot.
    zero = CapacityWarsEnv(
        scenario="tutorial",
        opponents=[PolicyBot(codec, lambda obs: np.zeros(sizes[1]))],
        content=content,
    )
    assert _play(zero, 4, mine) == _play(env, 4, mine)
    # A policy in the rival seat plays exactly what that seat would send through the parallel env.
    bot = PolicyBot(codec, theirs)
    selfplay = CapacityWarsEnv(scenario="tutorial", opponents=bot, content=content)
    par = CapacityWarsParallelEnv(scenario="tutorial", content=content)
    obs, _ = par.reset(seed=4)
    expected = []
    while par.agents:
        actions = {"seat_0": mine(obs["seat_0"]), "seat_1": theirs(obs["seat_1"])}
        obs, _, _, _, infos = par.step(actions)
        expected.append(infos["seat_0"]["state_hash"])
    assert _play(selfplay, 4, mine) == expected
    assert _play(selfplay, 4, mine) == expected  # the same instance, set up again
    with pytest.raises(TypeError, match=r"an opponent is a bot spec .* or a game\.agents\.Bot"):
        CapacityWarsEnv(scenario="tutorial", opponents=[42], content=content)
    with pytest.raises(ValueError, match="one Bot instance cannot play two seats"):
        CapacityWarsEnv(scenario="standard", opponents=[bot, bot, "idle"], content=content)


class Ending(Bot):
    """Plays ``inner`` (a bot spec) and records every ``on_end``; raises there if told to."""

    def __init__(self, inner: str = "balanced", boom: bool = False):
        self.inner = make_bot(inner)
        self.boom = boom
        self.ends: list[MatchResult] = []

    def setup(self, info):
        self.inner.setup(info)

    def act(self, observation):
        return self.inner.act(observation)

    def on_end(self, result):
        self.ends.append(result)
        if self.boom:
            raise ValueError("cannot count")


def _hold_until_done(env, seed):
    env.reset(seed=seed)
    zero = np.zeros(env.action_space.shape, dtype=np.float32)
    done, info = False, {}
    while not done:
        _, _, term, trunc, info = env.step(zero)
        done = term or trunc
    return info


def test_opponents_hear_the_end_once_with_the_matchs_result(content):
    bots = [Ending(), Ending("random"), Ending("idle")]
    env = CapacityWarsEnv(scenario="standard", opponents=bots, content=content)
    info = _hold_until_done(env, seed=2)
    assert "bot_failures" not in info
    # The learner holding is the idle bot: run_match gives the same results to the same bots.
    twins = [Ending(), Ending("random"), Ending("idle")]
    run_match(content=content, scenario="standard", seed=2, bots=["idle", *twins])
    for bot, twin in zip(bots, twins):
        assert len(bot.ends) == 1 and bot.ends == twin.ends
    final = standings(env.parallel_env.match_state)
    ranks = {s.seat: s.rank for s in final}
    assert [b.ends[0].rank for b in bots] == [ranks[1], ranks[2], ranks[3]]
    assert [b.ends[0].seat for b in bots] == [1, 2, 3]
    # Once per episode: the next episode tells them again, an abandoned one does not.
    _hold_until_done(env, seed=3)
    env.reset(seed=4)
    env.step(np.zeros(env.action_space.shape, dtype=np.float32))
    env.reset(seed=5)
    assert [len(b.ends) for b in bots] == [2, 2, 2]


def test_opponents_hear_the_end_when_the_learner_goes_bankrupt(content):
    bot = Ending("idle")
    env = CapacityWarsEnv(scenario="standard", opponents=[bot, "idle", "idle"], content=content)
    env.reset(seed=1)
    term = trunc = False
    while not (term or trunc):
        assert not bot.ends
        _, _, term, trunc, info = env.step(np.ones(env.action_space.shape, dtype=np.float32))
    state = env.parallel_env.match_state
    assert info["status"] == "bankrupt" and not state.over  # the episode ended early
    (result,) = bot.ends  # the standings so far, as run_match builds them
    final = standings(state)
    assert result.rank == next(s.rank for s in final if s.seat == 1)
    assert result.status == "active" and result.seat == 1
    assert [row["seat"] for row in result.standings] == [s.seat for s in final]
    assert result.standings[-1]["seat"] == 0 and result.standings[-1]["status"] == "bankrupt"


def test_an_on_end_that_raises_is_reported_not_raised(content):
    bots = [Ending("idle", boom=True), Ending("idle"), Ending("idle")]
    env = CapacityWarsEnv(scenario="standard", opponents=bots, content=content, max_quarters=2)
    info = _hold_until_done(env, seed=1)
    assert list(info["bot_failures"]) == [1]
    assert re.fullmatch(  # with the bot's own file and line
        r"on_end failed: ValueError: cannot count \(test_rl_opponents\.py:\d+\)",
        info["bot_failures"][1],
    )
    assert [len(b.ends) for b in bots] == [1, 1, 1]  # the others were told all the same
    assert info["turn"] == 1  # truncated at max_quarters: the last step's info
