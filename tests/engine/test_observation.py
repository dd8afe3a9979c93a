"""Observations (DESIGN §7): a seat's own full state, the public market, rivals' public figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from game.engine import new_match, step
from game.engine.actions import FundResearch, Reserve
from game.engine.observation import observe
from tests.engine.tiny_world import ALPHA, HOME, T_EFF, hold, with_arrays

PRIVATE_KEYS = {
    "cash",
    "debt",
    "credit_limit",
    "reserved_schedule",
    "reserved_payments",
    "holdings",
    "research",
    "quality",
    "training_share",
    "last",
}
PUBLIC_RIVAL_KEYS = {
    "seat",
    "name",
    "industry",
    "status",
    "market_share",
    "reputation",
    "quality_tier",
    "service_price",
    "announcements",
}


def _secret_state(tiny):
    """Seat 1 holds figures distinctive enough to spot anywhere in seat 0's observation."""
    n, p, length = tiny.reserved_qty.shape
    qty = np.zeros((n, p, length))
    qty[1, ALPHA, :3] = 3.14159
    pay = np.zeros((n, p, length))
    pay[1, ALPHA, :3] = 27.18281
    pipe = np.zeros(tiny.chip_pipe_perf.shape)
    pipe[0, 1, HOME, 2] = 61.80339
    spent = np.zeros(tiny.research_spent.shape)
    spent[1, T_EFF] = 14.14213
    return with_arrays(
        tiny,
        cash=[1000.0, 7777.125],
        debt=[0.0, 333.375],
        credit_limit=[200.0, 919.0625],
        quality=[1.0, 1.234567],
        reserved_qty=qty,
        reserved_pay=pay,
        chip_pipe_perf=pipe,
        research_spent=spent,
        research_level=np.array([[0.0, 0.0], [17.32051, 0.0]]),
    )


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, float):
        yield value


def test_rivals_show_only_public_figures(tiny):
    obs = observe(_secret_state(tiny), 0).to_dict()
    (rival,) = obs["rivals"]
    assert set(rival) == PUBLIC_RIVAL_KEYS
    assert rival["seat"] == 1
    assert not PRIVATE_KEYS & set(rival)


def test_no_rival_secret_number_appears_anywhere_in_the_observation(tiny):
    state = _secret_state(tiny)
    numbers = set(_numbers(observe(state, 0).to_dict()))
    for secret in (
        7777.125,
        333.375,
        919.0625,
        1.234567,
        3.14159,
        27.18281,
        61.80339,
        14.14213,
        17.32051,
    ):
        assert not any(abs(x - secret) < 1e-9 for x in numbers), secret
    # ... while the owner sees its own
    own = set(_numbers(observe(state, 1).to_dict()))
    for secret in (7777.125, 333.375, 3.14159, 14.14213, 17.32051):
        assert any(abs(x - secret) < 1e-9 for x in own), secret


def test_observation_shows_own_full_state(tiny):
    state, _ = step(tiny, [[Reserve(provider="alpha", quantity=10, term=4)], []])
    me = observe(state, 0).me
    assert me.cash == state.cash[0]
    assert [float(x) for x in me.reserved_schedule["alpha"][:4]] == [10.0, 10.0, 10.0, 0.0]
    assert me.last["revenue"] == state.history["revenue"][0, 0]
    assert float(observe(state, 1).me.reserved_schedule["alpha"][0]) == 0.0


def test_private_news_reaches_only_its_owner(tiny):
    state = tiny
    for turn in range(2):
        acts = [[], [FundResearch(tech="t_eff", amount=20)]] if turn == 0 else hold(state)
        state, _ = step(state, acts)
    assert any("complete" in n.headline for n in observe(state, 1).news)
    assert not any("complete" in n.headline for n in observe(state, 0).news)


def test_observation_json_round_trips(content):
    state = new_match(content, "standard", seed=4)
    for _ in range(3):
        for seat in range(state.n_players):
            data = observe(state, seat).to_dict()
            text = json.dumps(data, allow_nan=False)
            assert json.loads(text) == data
        state, _ = step(state, hold(state))


def test_observation_has_no_rival_private_keys_in_a_real_match(content):
    state = new_match(content, "standard", seed=4)
    state, _ = step(state, hold(state))
    for seat in range(state.n_players):
        data = observe(state, seat).to_dict()
        assert data["me"]["seat"] == seat
        assert [r["seat"] for r in data["rivals"]] == [
            s for s in range(state.n_players) if s != seat
        ]
        for rival in data["rivals"]:
            assert set(rival) == PUBLIC_RIVAL_KEYS
        assert all(n["seat"] in (None, seat) for n in data["news"])


def test_quality_tiers_are_the_tiers_rivals_see():
    """One function buckets quality into tiers: the player's own tier (the TUI's rivals table
    shows it) is the tier every rival sees of that seat."""
    from game.engine.observation import quality_tiers

    state = new_match(scenario="standard", seed=3)
    state = with_arrays(state, quality=np.linspace(0.4, 2.0, state.n_players))
    tiers = quality_tiers(state.quality.tolist())
    for seat in range(state.n_players):
        other = (seat + 1) % state.n_players
        seen = {r.seat: r.quality_tier for r in observe(state, other).rivals}
        assert seen[seat] == tiers[seat]
    assert quality_tiers([1.0, 2.0, 1.5]) == [3, 5, 4]
    assert quality_tiers([0.0, 0.0]) == [1, 1]


def test_the_interest_rate_is_the_one_the_finance_phase_charges(content):
    """A bot deciding whether to borrow sees the rate with the events in force: the content's
    rate, 1.5 times it under a rate hike, and the debt grows by exactly that rate."""
    from game.arena.codec import observation_from_dict
    from game.engine.actions import Borrow

    state = new_match(content, "standard", seed=4)
    base = content.scenario("standard").market.interest_rate
    assert observe(state, 0).interest_rate == base
    state, _ = step(state, [[Borrow(amount=100.0)]], inject=["interest_rate_hike"])
    obs = observe(state, 0)
    assert obs.interest_rate == base * 1.5
    # the protocol's JSON carries it to bots in any language
    assert observation_from_dict(json.loads(json.dumps(obs.to_dict()))).interest_rate == (
        obs.interest_rate
    )
    debt = float(state.debt[0])
    state, report = step(state, [])
    # (unless an event that starts this quarter moves the rate: seed 4 has none)
    assert not {"rate_cut", "interest_rate_hike"} & set(report.events)
    assert report.players[0].costs["interest"] == pytest.approx(debt * obs.interest_rate)


def test_a_programmes_cost_is_what_it_must_spend_under_the_events_in_force(content):
    """A talent war (research costs +20%) left every programme's ``cost`` at its price before
    the war, while the engine went on spending until the raised cost was paid: a bot planning
    its research from the observation ran out of money it thought it had."""
    from game.engine.finance import research_caps

    state, _ = step(new_match(content, "standard", seed=3), [])
    calm = {t.id: t for t in observe(state, 0).me.research}
    war, _ = step(state, [], inject=["research_talent_war"])
    for tech in observe(war, 0).me.research:
        assert tech.base_cost == pytest.approx(calm[tech.id].cost)
        assert tech.cost == pytest.approx(tech.base_cost * 1.2)
    # the engine's own cap: the cost over the minimum quarters, nothing spent yet
    caps = research_caps(war, 0)
    for tech, cap in zip(observe(war, 0).me.research, caps, strict=True):
        assert cap == pytest.approx(tech.cost / tech.min_quarters)
    # and the JSON a cmd: bot reads says the same
    first = observe(war, 0).to_dict()["me"]["research"][0]
    assert first["cost"] == pytest.approx(first["base_cost"] * 1.2)
