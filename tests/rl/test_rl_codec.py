"""The codec: layouts match vectors, the zero vector holds, decoded actions are legal."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from game.engine import check_actions, new_match, observe
from game.engine.actions import BidSpot, Reserve, SetServicePrice
from game.rl.codec import OBS_BOUND, Codec


@pytest.fixture(params=["tutorial", "standard"])
def state(request, content):
    return new_match(content, request.param, seed=3)


def test_layouts_name_every_dimension(state):
    codec = Codec(state.world)
    actions, observations = codec.action_layout(), codec.observation_layout()
    assert [d.index for d in actions] == list(range(codec.action_size))
    assert [d.index for d in observations] == list(range(codec.observation_size))
    assert len({d.name for d in actions}) == codec.action_size
    assert len({d.name for d in observations}) == codec.observation_size
    for seat in range(state.n_players):
        vector = codec.encode(observe(state, seat))
        assert vector.shape == (codec.observation_size,)
        assert vector.dtype == np.float32
        assert np.isfinite(vector).all()
        assert (np.abs(vector) <= OBS_BOUND).all()


def test_dimensions_follow_the_scenarios_mechanics(content):
    tutorial = Codec(new_match(content, "tutorial", seed=1).world)
    names = [d.name for d in tutorial.action_layout()]
    assert not any(n.startswith(("chips[", "build[", "research[", "sublease[")) for n in names)
    assert "spot_qty[stratus]" in names and "service_price" in names


def test_zero_vector_holds(state):
    codec = Codec(state.world)
    for seat in range(state.n_players):
        assert codec.decode(np.zeros(codec.action_size), observe(state, seat)) == []


def test_decoded_intents_are_legal_at_the_opening(content):
    state = new_match(content, "tutorial", seed=5)
    codec = Codec(state.world)
    layout = {d.name: d.index for d in codec.action_layout()}
    vector = np.zeros(codec.action_size, dtype=np.float32)
    vector[layout["spot_qty[stratus]"]] = 0.5
    vector[layout["spot_limit[stratus]"]] = 0.2
    vector[layout["reserve_qty[nimbus]"]] = 0.5
    vector[layout["reserve_term[nimbus]"]] = 1.0
    vector[layout["service_price"]] = 0.5
    obs = observe(state, 0)
    actions = codec.decode(vector, obs)
    kinds = [type(a) for a in actions]
    assert kinds == [BidSpot, Reserve, SetServicePrice]
    bid, reserve, price = actions
    assert bid.quantity == pytest.approx(0.5 * codec.reference_demand(obs))
    assert bid.max_price == pytest.approx(max(obs.provider("stratus").spot_price * 2**0.2, 0))
    assert reserve.term == 12
    assert price.price == pytest.approx(obs.me.service_price * 1.05)
    assert all(v.ok for v in check_actions(state, 0, actions))


def test_random_vectors_decode_to_valid_actions(state):
    codec = Codec(state.world)
    rng = np.random.default_rng(0)
    for seat in range(state.n_players):
        obs = observe(state, seat)
        for _ in range(20):
            actions = codec.decode(rng.uniform(-1, 1, codec.action_size), obs)
            verdicts = check_actions(state, seat, actions)
            # Unknown ids and switched-off mechanics never happen; cash limits may.
            assert all(
                v.ok or v.code in {"insufficient_funds", "credit_limit", "no_fabric"}
                for v in verdicts
            ), [v for v in verdicts if not v.ok]


def test_out_of_range_and_nan_actions_are_clipped(state):
    codec = Codec(state.world)
    obs = observe(state, 0)
    wild = np.full(codec.action_size, 50.0)
    wild[0] = np.nan
    assert codec.decode(wild, obs) == codec.decode(np.where(np.isnan(wild), 0.0, 1.0), obs)
    with pytest.raises(ValueError):
        codec.decode(np.zeros(codec.action_size + 1), obs)


def test_encoding_never_sees_rivals_private_state(content):
    state = new_match(content, "standard", seed=9)
    codec = Codec(state.world)
    before = codec.encode(observe(state, 0))
    cash = state.cash.copy()
    cash[1:] = [1.0, 99_999.0, -5.0]
    research = state.research_level.copy()
    research[1:] = 50.0
    debt = state.debt.copy()
    debt[1:] = 123.0
    # (Rivals' reserved contracts show only through the providers' public free pool.)
    other = dataclasses.replace(state, cash=cash, research_level=research, debt=debt)
    assert np.array_equal(codec.encode(observe(other, 0)), before)


def test_docs_rl_md_lists_every_dimension(content):
    from pathlib import Path

    from game.rl.codec import layout_markdown

    text = (Path(__file__).resolve().parents[2] / "docs" / "RL.md").read_text(encoding="utf-8")
    start, end = "<!-- layout:tutorial:start -->\n", "\n<!-- layout:tutorial:end -->"
    documented = text.split(start, 1)[1].split(end, 1)[0]
    tutorial = Codec(new_match(content, "tutorial", seed=0).world)
    assert documented == layout_markdown(tutorial), "regenerate the tables in docs/RL.md"
    standard = Codec(new_match(content, "standard", seed=0).world)
    assert f"`standard` has {standard.action_size} action and" in text
    assert f"{standard.observation_size} observation dimensions" in text
