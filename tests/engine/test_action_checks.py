"""check_action / check_actions: every reason code is reachable, and the engine agrees with it.

A rejected action comes back in the next observation's ``rejected`` with the same code; a
malformed dict is rejected as ``malformed`` and never raises.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from game.engine import new_match, step
from game.engine.actions import (
    MAX_ACTIONS_PER_QUARTER,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reason,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
    parse_actions,
)
from game.engine.observation import observe
from game.engine.validate import check_action, check_actions
from tests.engine.tiny_world import hold, tiny_match


def _gov_raw(tiny_raw):
    tiny_raw["scenarios"][0]["seats"][1] = {"industry": "gov", "name": "Gov"}
    return tiny_raw


CASES = [
    # (reason, seat, action, tweak of the raw content or None)
    ("unknown_provider", 0, BidSpot(provider="alpah", quantity=1, max_price=5), None),
    ("unknown_region", 0, OrderNetwork(region="hmoe", quantity=1), None),
    ("unknown_sku", 0, OrderChips(sku="g9", quantity=1, region="home"), None),
    ("unknown_tech", 0, FundResearch(tech="t_ef", amount=1), None),
    ("sovereignty", 1, BidSpot(provider="alpha", quantity=1, max_price=5), _gov_raw),
    ("sovereignty", 1, BuildDatacenter(region="home", megawatts=10), _gov_raw),
    ("not_available_yet", 0, OrderChips(sku="g2", quantity=1, region="home"), None),
    ("locked", 0, OrderChips(sku="asic", quantity=1, region="home"), None),
    ("prerequisite_missing", 0, FundResearch(tech="t_asic", amount=10), None),
    ("insufficient_funds", 0, BidSpot(provider="alpha", quantity=1000, max_price=10), None),
    ("insufficient_funds", 0, OrderChips(sku="g1", quantity=100, region="home"), None),
    ("credit_limit", 0, Borrow(amount=201), None),
    ("nothing_to_repay", 0, Repay(amount=10), None),
    ("no_reserved_capacity", 0, Sublease(provider="alpha", quantity=5), None),
    ("below_floor", 0, BidSpot(provider="alpha", quantity=1, max_price=1.5), None),
]


@pytest.mark.parametrize(
    ("code", "seat", "action", "tweak"), CASES, ids=[f"{c[0]}-{c[2].type}" for c in CASES]
)
def test_each_reason_code_is_reachable_and_comes_back_next_quarter(
    tiny_raw, code, seat, action, tweak
):
    state = tiny_match(tweak(tiny_raw) if tweak else tiny_raw)
    verdict = check_action(state, seat, action)
    assert not verdict.ok
    assert verdict.code == code
    assert verdict.message
    actions = hold(state)
    actions[seat] = [action]
    new, report = step(state, actions)
    assert report.applied[seat] == ()
    assert [c for _, c, _ in report.rejected[seat]] == [code]
    assert [(t, c) for t, c, _ in observe(new, seat).rejected] == [(action.type, code)]
    assert observe(new, 1 - seat).rejected == ()


def test_subleasing_without_any_reserved_capacity_says_what_can_be_subleased(tiny):
    """A player who held nothing with the provider read "only 0.0 kGPU of reserved capacity
    with alpha arrives this quarter", which sounded like a late delivery."""
    verdict = check_action(tiny, 0, Sublease(provider="alpha", quantity=5))
    assert verdict.code == Reason.NO_RESERVED_CAPACITY
    assert "only reserved capacity can be subleased" in verdict.message
    assert "0.0 kGPU" not in verdict.message


def test_unknown_provider_suggests_the_close_match(tiny):
    verdict = check_action(tiny, 0, Reserve(provider="alpah", quantity=1, term=4))
    assert verdict.code == Reason.UNKNOWN_PROVIDER
    assert "did you mean 'alpha'?" in verdict.message

    # Nothing close: the known ids are listed instead.
    verdict = check_action(tiny, 0, Reserve(provider="amazon", quantity=1, term=4))
    assert f"(known: {', '.join(tiny.world.provider_ids)})" in verdict.message


def test_export_controlled_chip_cannot_ship_to_a_restricted_region(tiny_raw):
    tiny_raw["chips"][1]["available_from"] = 0
    tiny_raw["regions"][0]["export_restricted"] = True
    state = tiny_match(tiny_raw)
    assert check_action(state, 0, OrderChips(sku="g2", quantity=1, region="home")).code == (
        "export_banned"
    )
    assert check_action(state, 0, OrderChips(sku="g1", quantity=1, region="home")).ok


def test_an_export_ban_event_blocks_controlled_chips_while_in_force(tiny_raw):
    tiny_raw["chips"][1]["available_from"] = 0
    tiny_raw["scenarios"][0]["scripted_events"] = [{"turn": 0, "event": "ban"}]
    state = tiny_match(tiny_raw)
    order = OrderChips(sku="g2", quantity=1, region="home")
    assert check_action(state, 0, order).ok
    state, _ = step(state, hold(state))  # the ban starts at turn 0 and lasts 2 quarters
    assert check_action(state, 0, order).code == "export_banned"
    state, _ = step(state, hold(state))
    state, _ = step(state, hold(state))
    assert check_action(state, 0, order).ok


def test_second_setter_of_the_same_kind_is_a_duplicate(tiny):
    verdicts = check_actions(
        tiny,
        0,
        [
            SetServicePrice(price=10),
            SetTrainingShare(share=0.3),
            SetServicePrice(price=11),
            SetTrainingShare(share=0.1),
        ],
    )
    assert [v.code for v in verdicts] == ["", "", "duplicate", "duplicate"]


def test_check_actions_keeps_a_running_budget(tiny):
    # 1000 cash + 200 credit: two bids of 600 fit, the third does not
    bid = BidSpot(provider="alpha", quantity=60, max_price=10)
    verdicts = check_actions(tiny, 0, [bid, bid, bid])
    assert [v.ok for v in verdicts] == [True, True, False]
    assert verdicts[2].code == "insufficient_funds"
    assert verdicts[0].cost == pytest.approx(600.0)


def test_borrowing_first_does_not_raise_the_budget_beyond_the_credit_line(tiny):
    verdicts = check_actions(tiny, 0, [Borrow(amount=200), Borrow(amount=1)])
    assert [v.code for v in verdicts] == ["", "credit_limit"]


def test_check_action_agrees_with_the_engine(tiny):
    actions = [
        BidSpot(provider="alpha", quantity=5, max_price=9),
        Reserve(provider="beta", quantity=5, term=8),
        OrderChips(sku="g1", quantity=2, region="home"),
        Sublease(provider="beta", quantity=1),
        Repay(amount=5),
    ]
    verdicts = check_actions(tiny, 0, actions)
    _, report = step(tiny, [actions, []])
    assert len(report.applied[0]) == sum(v.ok for v in verdicts)
    assert [c for _, c, _ in report.rejected[0]] == [v.code for v in verdicts if not v.ok]


def test_too_many_actions_in_one_quarter_are_rejected(tiny):
    actions = [BidSpot(provider="alpha", quantity=0.1, max_price=3)] * (MAX_ACTIONS_PER_QUARTER + 2)
    _, report = step(tiny, [actions, []])
    assert len(report.applied[0]) == MAX_ACTIONS_PER_QUARTER
    assert [c for _, c, _ in report.rejected[0]] == ["too_many_actions"] * 2


def test_mechanic_switched_off_by_the_tutorial_is_rejected(content):
    state = new_match(content, "tutorial", seed=1)
    for action in (
        OrderChips(sku="h100", quantity=1, region="us-east"),
        BuildDatacenter(region="us-east", megawatts=10),
        FundResearch(tech=state.world.tech_ids[0], amount=1),
        OrderNetwork(region="us-east", quantity=1),
    ):
        assert check_action(state, 0, action).code == "mechanic_disabled", action.type
    _, report = step(state, [[OrderChips(sku="h100", quantity=1, region="us-east")], []])
    assert [c for _, c, _ in report.rejected[0]] == ["mechanic_disabled"]


def test_government_seat_may_only_use_sovereign_providers_in_standard(content):
    state = new_match(content, "standard", seed=1)
    gov = next(i for i, ind in enumerate(state.world.industries) if ind.sovereign_only)
    sovereign = [p for i, p in enumerate(state.world.provider_ids) if state.world.prov_sovereign[i]]
    other = [p for i, p in enumerate(state.world.provider_ids) if not state.world.prov_sovereign[i]]
    assert check_action(state, gov, Reserve(provider=other[0], quantity=1, term=4)).code == (
        "sovereignty"
    )
    assert check_action(state, gov, Reserve(provider=sovereign[0], quantity=1, term=4)).ok


MALFORMED = [
    {"type": "bid_spot", "provider": "alpha", "quantity": "lots", "max_price": 5},
    {"type": "bid_spot", "provider": "alpha", "quantity": "4", "max_price": 5},  # quoted number
    {"type": "bid_spot", "provider": "alpha", "quantity": True, "max_price": 5},
    {"type": "reserve", "provider": "alpha", "quantity": 3, "term": "8"},
    {"type": "bid_spot", "provider": "alpha", "quantity": math.nan, "max_price": 5},
    {"type": "bid_spot", "provider": "alpha", "quantity": math.inf, "max_price": 5},
    {"type": "reserve", "provider": "alpha", "quantity": -3, "term": 4},
    {"type": "reserve", "provider": "alpha", "quantity": 3, "term": 5},
    {"type": "set_training_share", "share": 0.95},
    {"type": "borrow", "amount": 10, "extra": True},
    {"type": "teleport", "where": "moon"},
    {"type": 7},
    {"provider": "alpha"},
    "bid_spot",
    None,
    42,
    ["bid_spot", "alpha", 1, 5],
]


@pytest.mark.parametrize("item", MALFORMED, ids=[repr(m)[:40] for m in MALFORMED])
def test_malformed_actions_are_rejected_without_raising(tiny, item):
    good = {"type": "bid_spot", "provider": "alpha", "quantity": 1, "max_price": 5}
    new, report = step(tiny, [[item, good], []])
    assert [c for _, c, _ in report.rejected[0]] == ["malformed"]
    assert report.applied[0] == (
        {"type": "bid_spot", "provider": "alpha", "quantity": 1.0, "max_price": 5.0},
    )
    assert len(report.submitted[0]) == 2
    json.dumps(report.submitted[0], allow_nan=False)
    assert observe(new, 0).rejected[0][1] == "malformed"


def test_dict_actions_in_json_form_are_accepted(tiny):
    _, report = step(
        tiny,
        [[{"type": "reserve", "provider": "alpha", "quantity": 5, "term": 8}], []],
    )
    assert report.reserved[0].filled == 5.0


def test_an_unvalidated_action_instance_is_rejected_as_malformed(tiny):
    bad = BidSpot.model_construct(provider="alpha", quantity=-50.0, max_price=10.0)
    _, report = step(tiny, [[bad], []])
    assert [c for _, c, _ in report.rejected[0]] == ["malformed"]
    assert report.players[0].capacity >= 0.0


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("reserve 5", 'an action is a JSON object such as {"type": "bid_spot"'),
        ("reserve 5", 'got a string "reserve 5" (did you mean {"type": "reserve", ...}?)'),
        ("bid spot", '(did you mean {"type": "bid_spot", ...}?)'),
        ([1], "got a list [1]"),
        (object(), "got <a Python object>"),
        (42, "got a number 42"),
        (None, "got null"),
        (
            {"type": "reserv", "provider": "a"},
            "unknown action type 'reserv' (did you mean 'reserve'?)",
        ),
        ({"type": "nothing"}, "the types are: bid_spot, reserve,"),
        ({"provider": "a"}, 'an action needs a "type", one of: bid_spot'),
    ],
)
def test_what_is_not_an_action_at_all_is_told_in_a_bot_author_s_words(item, expected):
    # Not pydantic's "Input tag 'x' found using 'type' does not match any of the expected tags".
    [(index, message)] = parse_actions([item])[1]
    assert index == 0 and expected in message
    assert "Input" not in message and "discriminator" not in message


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("reserve 5", 'got a string "reserve 5" (did you mean {"type": "reserve", ...}?)'),
        (42, "got a number 42"),
        (None, "got null"),
        ([1], "got a list [1]"),
        (object(), "got <a Python object>"),
        (
            {"type": "bid_spot", "provider": "alpha", "quantity": float("nan"), "max_price": 1.0},
            "bid_spot.quantity: must be a finite number, not NaN",
        ),
        (
            {"type": "bid_spot", "provider": "alpha", "quantity": 1.0, "max_price": float("inf")},
            "bid_spot.max_price: must be a finite number, not Infinity",
        ),
    ],
)
def test_a_quarter_rejects_what_is_not_an_action_in_the_same_words_and_again_on_replay(
    tiny, item, expected
):
    """Through step(), as an in-process bot's list or a JSON bot's reaches it: the engine
    records the item in a JSON-safe form and rejects that record, so the reason must survive
    the recording (it read "unknown action type 'unknown'") and be the same when a replay
    re-runs the record."""
    _, report = step(tiny, [[item], []])
    [(_type, code, message)] = report.rejected[0]
    assert code == "malformed" and expected in message
    [record] = report.submitted[0]
    json.dumps(record, allow_nan=False)  # JSON-safe as recorded
    _, again = step(tiny, [[record], []])
    assert again.rejected == report.rejected


@pytest.mark.parametrize("value", [[1], {"a": 1}])
def test_a_number_field_holding_a_list_or_an_object_is_named_as_such(tiny, value):
    """check_action (and parse_actions) on a bot's dict: a list or an object where a number
    belongs is pydantic's "Input should be a valid number", not Python's "unhashable type"."""
    item = {"type": "bid_spot", "provider": "alpha", "quantity": value, "max_price": 1.0}
    verdict = check_action(tiny, 0, item)  # type: ignore[arg-type]
    assert verdict.code == "malformed"
    assert verdict.message.startswith("bid_spot.quantity: Input should be a valid number")
    assert "unhashable" not in verdict.message


@pytest.mark.parametrize("recorded", ["nan", "inf", "-inf"])
def test_a_non_finite_number_recorded_by_an_older_capwars_is_rejected_as_it_was(tiny, recorded):
    """Replays and saves written before the "finite number" message recorded a NaN or an
    infinity as its repr ("nan"), as a bot's quoted "nan" is recorded: re-running that record
    must give the rejection it gave then, word for word (the message is part of the hashed
    state, so another one fails every such file's verification)."""
    item = {"type": "bid_spot", "provider": "alpha", "quantity": recorded, "max_price": 1.0}
    _, report = step(tiny, [[item], []])
    [(_type, code, message)] = report.rejected[0]
    assert (code, message) == (
        "malformed",
        'bid_spot.quantity: must be a number, not a string (write 4, not "4")',
    )


@pytest.mark.parametrize(
    ("value", "recorded"),
    [
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (np.float64("nan"), "NaN"),  # an in-process bot's numpy number (its repr is not "nan")
        (np.float64("-inf"), "-Infinity"),
    ],
)
def test_a_non_finite_number_is_recorded_in_json_s_words(tiny, value, recorded):
    item = {"type": "bid_spot", "provider": "alpha", "quantity": value, "max_price": 1.0}
    _, report = step(tiny, [[item], []])
    assert report.submitted[0][0]["quantity"] == recorded
    [(_type, _code, message)] = report.rejected[0]
    assert message == f"bid_spot.quantity: must be a finite number, not {recorded}"


def test_a_python_object_inside_an_action_gives_the_same_quarter_every_run(tiny):
    """An in-process bot's object in a field (or as a key) was recorded by its repr, memory
    address and all, and the rejection that quotes it is hashed state: the same seed and
    the same bot gave another state hash on every run."""

    class Thing:
        pass

    def quarter() -> tuple[str, tuple[tuple[str, str, str], ...], tuple[dict, ...]]:
        items = [
            {"type": "bid_spot", "provider": Thing(), "quantity": 1.0, "max_price": 1.0},
            {"type": "bid_spot", "provider": [Thing()], "quantity": 1.0, "max_price": 1.0},
            {"type": "borrow", "amount": 1.0, Thing(): 1},
        ]
        _, report = step(tiny, [items, []])
        return report.state_hash, report.rejected[0], report.submitted[0]

    first, again = quarter(), quarter()
    assert first == again
    _, rejected, submitted = first
    assert "0x" not in json.dumps(submitted) and "0x" not in repr(rejected)
    messages = sorted(message.split(" (known")[0] for _, _, message in rejected)
    assert messages == [
        "borrow.<a Python Thing>: Extra inputs are not permitted",
        "unknown provider '<a Python Thing>'",
        "unknown provider '<a Python list>'",
    ]
    # What JSON can write is recorded as before (old replays re-run the records they hold).
    _, report = step(tiny, [[{"type": "bid_spot", "provider": {"a": [1]}, "quantity": 1.0}], []])
    assert report.submitted[0][0]["provider"] == "{'a': [1]}"
