"""Session 9 fixes: the RL envs and the codec follow the content they are given.

A researcher with their own content folder (``--content DIR``) built the codec of the game's
own content with ``Codec.for_scenario``, and could not hand the envs a folder at all: the
spaces and the decoding of a scenario whose providers differ were wrong or the env crashed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from game.engine.actions import BidSpot
from game.rl.codec import Codec

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL_PROVIDERS = 'providers = ["stratus", "nimbus", "ironlattice"]'


@pytest.fixture
def two_providers(tmp_path: Path) -> Path:
    """A copy of the content whose tutorial rents from two providers, not three."""
    folder = tmp_path / "my content"
    shutil.copytree(ROOT / "content", folder)
    lesson = folder / "scenarios" / "tutorial.toml"
    text = lesson.read_text(encoding="utf-8")
    assert TUTORIAL_PROVIDERS in text
    lesson.write_text(
        text.replace(TUTORIAL_PROVIDERS, 'providers = ["stratus", "nimbus"]'), encoding="utf-8"
    )
    return folder


def _bid_providers(codec: Codec, vector: np.ndarray, obs: object) -> set[str]:
    return {a.provider for a in codec.decode(vector, obs) if isinstance(a, BidSpot)}  # type: ignore[arg-type]


def test_codec_for_scenario_follows_a_content_folder(two_providers: Path):
    from game.rules.loader import load_content

    shipped = Codec.for_scenario("tutorial")
    by_folder = Codec.for_scenario("tutorial", content=two_providers)
    by_text = Codec.for_scenario("tutorial", content=str(two_providers))
    by_object = Codec.for_scenario("tutorial", content=load_content(two_providers))
    assert shipped.provider_ids == ("stratus", "nimbus", "ironlattice")
    for codec in (by_folder, by_text, by_object):
        assert codec.provider_ids == ("stratus", "nimbus")
        assert codec.action_size < shipped.action_size
        assert codec.observation_size < shipped.observation_size
    assert by_text is by_folder  # built once a process, as the shipped codec is
    # ... until the researcher edits the folder: then built again from it.
    lesson = two_providers / "scenarios" / "tutorial.toml"
    lesson.write_text(
        lesson.read_text(encoding="utf-8").replace(
            'providers = ["stratus", "nimbus"]', 'providers = ["stratus"]'
        ),
        encoding="utf-8",
    )
    assert Codec.for_scenario("tutorial", content=two_providers).provider_ids == ("stratus",)


def test_a_missing_content_folder_is_named():
    with pytest.raises(ValueError, match="no content folder at nowhere-at-all"):
        Codec.for_scenario("tutorial", content="nowhere-at-all")


def test_the_envs_take_a_content_folder_and_their_spaces_and_decoding_follow_it(
    two_providers: Path,
):
    pytest.importorskip("pettingzoo")
    pytest.importorskip("gymnasium")
    import gymnasium

    from game.rl import CapacityWarsEnv, CapacityWarsParallelEnv

    shipped = Codec.for_scenario("tutorial")
    codec = Codec.for_scenario("tutorial", content=two_providers)
    par = CapacityWarsParallelEnv(scenario="tutorial", content=two_providers)
    assert par.codec.provider_ids == ("stratus", "nimbus")
    assert par.action_space("seat_0").shape == (codec.action_size,)
    assert par.observation_space("seat_0").shape == (codec.observation_size,)
    assert codec.action_size != shipped.action_size
    par.reset(seed=1)
    obs = par.observation_of("seat_0")
    # Bid on every provider: the folder's codec decodes to its two providers only.
    assert _bid_providers(par.codec, np.ones(codec.action_size, np.float32), obs) == {
        "stratus",
        "nimbus",
    }
    assert _bid_providers(codec, np.ones(codec.action_size, np.float32), obs) == {
        "stratus",
        "nimbus",
    }
    # The game's own codec does not read this content's observations, and says how to build one.
    with pytest.raises(ValueError, match="content=DIR"):
        shipped.encode(obs)

    single = CapacityWarsEnv(scenario="tutorial", content=str(two_providers), opponents="idle")
    assert single.action_space.shape == (codec.action_size,)
    vector, _ = single.reset(seed=2)
    assert vector.shape == (codec.observation_size,)
    single.step(single.action_space.sample())
    single.close()

    import game.rl  # noqa: F401 (registers the id)

    made = gymnasium.make("CapacityWars-v0", scenario="tutorial", content=str(two_providers))
    assert made.action_space.shape == (codec.action_size,)
    made.close()
