"""A trained policy as a bot file, as docs/RL.md shows it: it plays capwars match and validate,
and in a scenario of another layout it says so instead of failing obscurely."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.engine import new_match, observe
from game.rl.codec import Codec

DOC = Path(__file__).resolve().parents[2] / "docs" / "RL.md"


def bot_file(folder: Path) -> Path:
    """The doc's my_policy_bot.py with small random weights beside it."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    (source,) = [b for b in blocks if b.startswith("# my_policy_bot.py")]
    codec = Codec.for_scenario("tutorial")
    weights = np.random.default_rng(0).normal(0, 0.3, (codec.action_size, codec.observation_size))
    np.save(folder / "weights.npy", weights)
    path = folder / "my_policy_bot.py"
    path.write_text(source)
    return path


def test_the_codec_of_a_scenario_is_the_envs(content):
    codec = Codec.for_scenario("tutorial", content)
    world = new_match(content, "tutorial", seed=0).world
    assert codec.action_layout() == Codec(world).action_layout()
    assert codec.observation_layout() == Codec(world).observation_layout()


def test_the_docs_policy_bot_file_plays_a_match_and_passes_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = bot_file(tmp_path)
    assert main(["validate", str(path), "--scenario", "tutorial"]) == 0
    assert "result: PASS" in capsys.readouterr().out
    assert main(["match", "--scenario", "tutorial", "--seed", "3", "--bot", str(path)]) == 0
    out = capsys.readouterr().out
    assert "my_policy_bot.py" in out and "bot failures" not in out


def test_a_policy_played_in_another_layout_says_which_and_what_to_do(content):
    codec = Codec.for_scenario("tutorial", content)
    observation = observe(new_match(content, "standard", seed=1), 0)
    with pytest.raises(ValueError) as error:
        codec.encode(observation)
    message = str(error.value)
    assert "built for 'tutorial' (2 seats" in message
    assert "of 'standard' (4 seats), whose providers, mechanics and seats differ" in message
    assert "Codec.for_scenario('standard')" in message
    with pytest.raises(ValueError, match="built for 'tutorial'"):
        codec.decode(np.zeros(codec.action_size), observation)


def test_info_turn_is_the_quarter_the_step_played_as_rl_md_says():
    pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")
    from game.rl import CapacityWarsEnv

    env = CapacityWarsEnv(scenario="tutorial")
    _, info = env.reset(seed=2)
    turns = [info["turn"]]
    done = False
    while not done:
        _, _, terminated, truncated, info = env.step(np.zeros(env.action_space.shape))
        turns.append(info["turn"])
        done = terminated or truncated
    assert turns == [0, *range(8)]
    assert "as well, and the last one's is the scenario's quarters − 1" in DOC.read_text()


def test_a_wrong_number_of_opponents_says_how_many_in_plain_words():
    pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")
    from game.rl import CapacityWarsEnv

    with pytest.raises(ValueError, match=r"needs 1 opponent \(one per other seat"):
        CapacityWarsEnv(scenario="tutorial", opponents=["balanced", "balanced"])


def test_a_shipped_scenario_s_codec_is_built_once_and_shared(tmp_path: Path, content):
    # A tournament builds a bot file again for every match: loading the content each time made
    # a policy's tutorial matches three times as slow as those of a plain bot.
    assert Codec.for_scenario("tutorial") is Codec.for_scenario("tutorial")
    assert Codec.for_scenario("tutorial", content) is not Codec.for_scenario("tutorial")
    from game.agents import make_bot

    path = bot_file(tmp_path)
    first, second = make_bot(str(path)), make_bot(str(path))
    assert first.codec is second.codec  # type: ignore[attr-defined]


def test_bot_failures_is_in_the_info_only_in_a_step_with_a_failure(tmp_path: Path):
    pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")
    from game.rl import CapacityWarsEnv

    raiser = tmp_path / "raiser.py"
    raiser.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n"
        "        if observation.turn == 1:\n            raise KeyError('cash')\n        return []\n"
    )
    env = CapacityWarsEnv(scenario="tutorial", opponents=str(raiser))
    env.reset(seed=1)
    zero = np.zeros(env.action_space.shape)
    first, second = env.step(zero)[-1], env.step(zero)[-1]
    assert "bot_failures" not in first and list(second["bot_failures"]) == [1]
    assert 'info.get("bot_failures", {})' in DOC.read_text()


def test_a_policy_plays_a_variant_of_its_scenario_with_the_same_layout(tmp_path: Path, content):
    # A lesson without events has the same vectors as the tutorial: transfer is allowed.
    text = (DOC.parents[1] / "content" / "scenarios" / "tutorial.toml").read_text()
    quiet = text.replace('id = "tutorial"', 'id = "quiet"', 1).replace(
        '"training", "events", "borrowing"', '"training", "borrowing"', 1
    )
    assert quiet != text
    lesson = tmp_path / "quiet.toml"
    lesson.write_text(quiet)
    codec = Codec.for_scenario("tutorial", content)
    from game.rules.loader import resolve_scenario

    variant, scenario_id = resolve_scenario(content, str(lesson))
    observation = observe(new_match(variant, scenario_id, seed=1), 0)
    assert "events" not in observation.mechanics
    assert codec.encode(observation).shape == (codec.observation_size,)


def test_a_shared_codec_reads_each_observation_s_research_costs_when_calls_interleave(
    content, monkeypatch: pytest.MonkeyPatch
):
    """Codec.for_scenario's codec is shared by every policy bot of a process, and a Dask worker
    plays matches in threads: one match's encode could run between the two attribute writes in
    which another noted the research figures it read (with a talent war, other costs), and each
    then read the other's costs: the same seed played other moves. The interleaving is played
    here in one thread, at the codec's first write of its research figures."""
    from game.engine import step

    state, _ = step(new_match(content, "standard", seed=3), [])
    war, _ = step(state, [], inject=["research_talent_war"])
    calm_obs, war_obs = observe(state, 0), observe(war, 0)
    fund_all = np.ones(Codec(state.world).action_size)  # research funded from its cost
    expected = Codec(state.world).decode(fund_all, war_obs)
    calm = Codec(state.world).decode(fund_all, calm_obs)
    assert expected != calm  # the war's costs count
    codec = Codec(state.world)
    codec.decode(fund_all, calm_obs)  # it has seen the figures before the war
    armed, meanwhile = [True], []
    plain_setattr = Codec.__setattr__

    def interleaving(self: Codec, name: str, value: object) -> None:
        plain_setattr(self, name, value)
        if armed[0] and self is codec and name.startswith("_tech"):
            armed[0] = False
            meanwhile.append(self.decode(fund_all, calm_obs))  # another match, at the worst time

    monkeypatch.setattr(Codec, "__setattr__", interleaving)
    assert codec.decode(fund_all, war_obs) == expected
    assert meanwhile == [calm]
    # and both read their own costs afterwards
    assert codec.decode(fund_all, calm_obs) == calm
    assert codec.decode(fund_all, war_obs) == expected
