"""``Observation.check``: a bot asks whether an action is legal now, and why not."""

from __future__ import annotations

import pickle

import pytest

from game.engine.actions import Borrow, Reason, Reserve
from game.engine.observation import observe
from game.engine.step import step


def test_check_gives_the_verdict_the_engine_then_gives(tiny):
    obs = observe(tiny, 0)
    bad = Reserve(provider="alpah", quantity=1, term=4)
    verdict = obs.check(bad)
    assert not verdict and verdict.code == Reason.UNKNOWN_PROVIDER
    _, report = step(tiny, [[bad], []])
    assert report.rejected[0] == (("reserve", verdict.code, verdict.message),)


def test_check_takes_json_dicts_and_reports_malformed_ones(tiny):
    obs = observe(tiny, 0)
    assert obs.check({"type": "borrow", "amount": 10}).ok
    verdict = obs.check({"type": "borrow", "amount": "10"})
    assert verdict.code == Reason.MALFORMED and "not a string" in verdict.message


def test_check_all_keeps_the_running_budget(tiny):
    obs = observe(tiny, 0)
    room = obs.me.credit_limit - obs.me.debt
    first, second = obs.check_all([Borrow(amount=room * 0.75), Borrow(amount=room * 0.75)])
    assert first.ok and second.code == Reason.CREDIT_LIMIT
    # One at a time each would pass: the budget is what makes the second fail.
    assert obs.check(Borrow(amount=room * 0.75)).ok


def test_an_observation_without_the_engines_state_says_so(tiny):
    copy = pickle.loads(pickle.dumps(observe(tiny, 0)))
    assert copy.to_dict() == observe(tiny, 0).to_dict()
    with pytest.raises(RuntimeError, match="read `rejected` in the next observation"):
        copy.check(Borrow(amount=1))


def test_research_caps_are_what_the_engine_spends_at_most():
    from game.engine.actions import FundResearch
    from game.engine.setup import new_match

    state = new_match(scenario="standard", seed=2)
    obs = observe(state, 0)
    tech = next(t for t in obs.me.research if not t.prerequisites)
    cap = obs.research_caps[tech.id]
    assert 0 < cap < 100_000
    new, _ = step(state, [[FundResearch(tech=tech.id, amount=100_000)], [], [], []])
    spent = next(t for t in observe(new, 0).me.research if t.id == tech.id).spent
    assert spent == pytest.approx(cap)
    # The next quarter's cap is what is left of it at most, never the plain cost / quarters.
    after = observe(new, 0)
    assert after.research_caps[tech.id] <= tech.cost - spent + 1e-9
