"""The validate phase's fast path for action models gives what the full pydantic path gives."""

from __future__ import annotations

import math

import pytest

from game.engine import step
from game.engine.actions import (
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
    fast_record,
)
from game.engine.validate import _record
from tests.engine.tiny_world import tiny_match

VALID = [
    BidSpot(provider="stratus", quantity=4, max_price=9.5),
    Reserve(provider="stratus", quantity=2.5, term=8),
    OrderChips(sku="h100", quantity=1.0, region="us-east"),
    OrderNetwork(region="us-east", quantity=3.0),
    BuildDatacenter(region="us-east", megawatts=5),
    FundResearch(tech="liquid-cooling", amount=0.0),
    SetServicePrice(price=12.0),
    SetTrainingShare(share=0.8),
    Sublease(provider="stratus", quantity=1e-9),
    Borrow(amount=1_000_000),
    Repay(amount=3.0),
]


@pytest.mark.parametrize("action", VALID, ids=lambda a: a.type)
def test_fast_record_equals_the_json_dump(action):
    fast = fast_record(action)
    assert fast == _record(action)
    assert list(fast) == list(action.model_dump(mode="json"))


@pytest.mark.parametrize(
    "item",
    [
        {"type": "borrow", "amount": 3.0},  # dicts take the full path
        BidSpot.model_construct(provider="stratus", quantity=math.nan, max_price=9.0),
        BidSpot.model_construct(provider="stratus", quantity=0.0, max_price=9.0),
        BidSpot.model_construct(provider="stratus", quantity=4, max_price=9.0),  # int
        BidSpot.model_construct(provider="stratus", quantity=4.0),  # missing field
        BidSpot.model_construct(provider=7, quantity=4.0, max_price=9.0),
        BidSpot(provider="x" * 201, quantity=4.0, max_price=9.0),  # cut when recorded
        Reserve.model_construct(provider="stratus", quantity=2.0, term=5),
        Reserve.model_construct(provider="stratus", quantity=2.0, term=True),
        SetTrainingShare.model_construct(share=0.9),
        BuildDatacenter.model_construct(region="us-east", megawatts=4.9),
        Borrow.model_construct(type="repay", amount=3.0),
    ],
)
def test_anything_unusual_takes_the_full_path(item):
    assert fast_record(item) is None


def test_constructed_models_are_rejected_as_malformed_like_before():
    state = tiny_match()
    bad = BidSpot.model_construct(provider="stratus", quantity=-1.0, max_price=9.0)
    good = Borrow(amount=1.0)
    actions = [[bad, good]] + [[] for _ in range(state.n_players - 1)]
    _, report = step(state, actions)
    assert [r[1] for r in report.rejected[0]] == ["malformed"]
    assert report.submitted[0][0] == {
        "type": "bid_spot",
        "provider": "stratus",
        "quantity": -1.0,
        "max_price": 9.0,
    }
    assert report.applied[0] == ({"type": "borrow", "amount": 1.0},)
