"""Each phase of a quarter on the tiny world (see conftest), with numbers worked out by hand.

Reminders for the arithmetic: Alpha has 100 kGPU, half of it offered as reserved, list $10M
(reserved $7 / $6 / $5 for 4 / 8 / 12 quarters); each of the two seats gets a third of the
10 kGPU market; the service price is $9M and operating costs are 35% of revenue.
"""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import step
from game.engine.actions import (
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reserve,
)
from game.engine.observation import observe
from game.engine.scoring import standings
from game.engine.state import ACTIVE, BANKRUPT
from game.engine.validate import article, check_action
from tests.engine.tiny_world import ALPHA, G1, HOME, T_ASIC, T_EFF, hold, tiny_match, with_arrays


def play(state, turns, actions_at=None):
    """Step ``turns`` quarters; ``actions_at[turn]`` gives that quarter's actions."""
    reports = []
    for _ in range(turns):
        actions = (actions_at or {}).get(state.turn, hold(state))
        state, report = step(state, actions)
        reports.append(report)
    return state, reports


def fills(report):
    return {(f.seat, f.provider): (f.requested, f.filled, f.price, f.term) for f in report.reserved}


# --------------------------------------------------------------------------- reserved (phase 4)


def test_reserved_serves_larger_request_first_when_spend_is_equal(tiny):
    _, report = step(
        tiny,
        [
            [Reserve(provider="alpha", quantity=30, term=4)],
            [Reserve(provider="alpha", quantity=40, term=4)],
        ],
    )
    got = fills(report)
    assert got[(1, "alpha")] == (40.0, 40.0, 7.0, 4)
    assert got[(0, "alpha")] == (30.0, 10.0, 7.0, 4)  # partial fill: 50 - 40 left


def test_reserved_serves_higher_spend_first_even_with_a_smaller_request(tiny):
    spend = np.zeros_like(tiny.spend)
    spend[0, ALPHA, :] = 5.0
    state = with_arrays(tiny, spend=spend)
    _, report = step(
        state,
        [
            [Reserve(provider="alpha", quantity=30, term=4)],
            [Reserve(provider="alpha", quantity=40, term=4)],
        ],
    )
    got = fills(report)
    assert got[(0, "alpha")][1] == pytest.approx(30.0)
    assert got[(1, "alpha")][1] == pytest.approx(20.0)


@pytest.mark.parametrize(("term", "price"), [(4, 7.0), (8, 6.0), (12, 5.0)])
def test_reserved_price_is_list_price_less_the_term_discount(tiny, term, price):
    state, report = step(tiny, [[Reserve(provider="alpha", quantity=10, term=term)], []])
    assert fills(report)[(0, "alpha")] == (10.0, 10.0, price, term)
    assert report.players[0].costs["reserved"] == pytest.approx(10.0 * price)
    # the rest of the term is locked at the signing price (one quarter already shifted out)
    assert state.reserved_pay[0, ALPHA, : term - 1] == pytest.approx([10.0 * price] * (term - 1))
    assert state.reserved_pay[0, ALPHA, term - 1 :].sum() == 0.0


def test_reserved_contract_delivers_for_exactly_its_term(tiny):
    _, reports = play(tiny, 6, {0: [[Reserve(provider="alpha", quantity=10, term=4)], []]})
    assert [r.players[0].reserved for r in reports] == pytest.approx([10, 10, 10, 10, 0, 0])
    assert [r.players[0].costs["reserved"] for r in reports] == pytest.approx(
        [70, 70, 70, 70, 0, 0]
    )


def test_reserved_requests_beyond_the_pool_get_nothing(tiny):
    state, _ = step(tiny, [[Reserve(provider="alpha", quantity=50, term=8)], []])
    _, report = step(state, [[], [Reserve(provider="alpha", quantity=5, term=4)]])
    assert fills(report)[(1, "alpha")][1] == 0.0
    assert report.players[1].reserved == 0.0


# --------------------------------------------------------------------------- spot (phase 5)


def test_spot_bid_pays_the_clearing_price_from_the_auction(tiny):
    # Alpha: supply 100, background B ≈ 40 (times the world's noise) at p_ref 10, eta 1. The bid
    # of 70 at 9 leaves 30 for the world, whose price would be 10·B/30 > 9: the bid is marginal
    # at 9, where the world buys 10·B/9 and the bid gets the rest.
    _, report = step(tiny, [[BidSpot(provider="alpha", quantity=70, max_price=9.0)], []])
    alpha = report.spot[ALPHA]
    background = alpha.inputs.background
    assert background == pytest.approx(40.0, rel=0.2)
    assert alpha.supply == pytest.approx(100.0)
    assert alpha.price == pytest.approx(9.0)
    assert alpha.setter == 0
    won = 100 - background * 10 / 9
    assert report.players[0].spot == pytest.approx(won)
    assert report.players[0].costs["spot"] == pytest.approx(won * 9.0)
    assert alpha.background_bought + alpha.players_bought == pytest.approx(100.0)


# --------------------------------------------------------------------------- deliveries (phase 6)


def test_chip_order_arrives_exactly_after_the_quoted_lead_time(tiny):
    lead = next(c for c in observe(tiny, 0).chips if c.id == "g1").lead_quarters
    assert lead == 2  # base lead 2, empty backlog
    state = tiny
    installed = []
    for turn in range(4):
        actions = (
            [[OrderChips(sku="g1", quantity=10, region="home")], []] if turn == 0 else hold(state)
        )
        state, _ = step(state, actions)
        installed.append(float(state.chips_perf[0, HOME]))
    assert installed == [0.0, 0.0, 10.0, 10.0]


def test_vendor_backlog_lengthens_the_quoted_lead_time(tiny):
    # after one quarter the rest of the world has queued 0.9 x 100 units: one more quarter
    state, _ = step(tiny, [[OrderChips(sku="g1", quantity=10, region="home")], []])
    assert next(c for c in observe(state, 0).chips if c.id == "g1").lead_quarters == 3


def test_network_and_datacentre_pipelines_deliver_on_time_and_bill_capex(tiny):
    actions = {
        0: [
            [OrderNetwork(region="home", quantity=3), BuildDatacenter(region="home", megawatts=20)],
            [],
        ]
    }
    state, reports = play(tiny, 3, actions)
    assert state.fabric_units[0, HOME] == 3.0
    assert state.dc_mw[0, HOME] == 20.0
    assert state.grid_mw[0, HOME] == 20.0  # empty queue, 100 MW released a quarter
    # fabric 3 x $1M now; the $200M site is paid in two instalments of $100M
    assert [r.players[0].costs["capex"] for r in reports] == pytest.approx([103.0, 100.0, 0.0])


@pytest.mark.parametrize(
    ("megawatts", "words"),
    [
        (8, "an 8 MW"),
        (80, "an 80 MW"),
        (11, "an 11 MW"),
        (18, "an 18 MW"),
        (20, "a 20 MW"),
        (110, "a 110 MW"),
    ],
)
def test_a_datacentre_announcement_reads_an_before_a_number_said_with_a_vowel(
    tiny, megawatts, words
):
    """The announcement is public, hashed state that bots and replays read: "a 8 MW" was
    corrected only on the screen."""
    state, _ = play(tiny, 1, {0: [[BuildDatacenter(region="home", megawatts=megawatts)], []]})
    (text,) = [text for _, seat, text in state.announcements if seat == 0]
    assert f"starts {words} data centre" in text


@pytest.mark.parametrize(
    ("number", "word"),
    [("1,800", "a"), ("11,000", "an"), ("18,500", "an"), ("8.5", "an"), ("180", "a"), ("1", "a")],
)
def test_article_before_larger_numbers(number, word):
    assert article(number) == word


# --------------------------------------------------------------------------- operations (phase 7)


def _owned(tiny, chips, fabric_units, dc_mw, grid_mw):
    state = with_arrays(
        tiny,
        chips_perf=[[chips], [0.0]],
        chips_power=[[chips], [0.0]],  # 1 kW per H-class equivalent
        fabric_units=[[fabric_units], [0.0]],
        dc_mw=[[dc_mw], [0.0]],
        grid_mw=[[grid_mw], [0.0]],
    )
    _, report = step(state, hold(state))
    return report.players[0]


def test_owned_capacity_is_the_minimum_of_chips_network_and_power(tiny):
    me = _owned(tiny, chips=10, fabric_units=20, dc_mw=50, grid_mw=50)
    assert me.owned == pytest.approx(10.0)
    assert me.capacity == pytest.approx(10.0)


def test_waterfall_names_network_when_fabric_binds(tiny):
    me = _owned(tiny, chips=10, fabric_units=3, dc_mw=50, grid_mw=50)  # 3 units x 2 ports
    assert me.owned == pytest.approx(6.0)
    (row,) = me.waterfall
    assert (row.installed, row.networked, row.binding) == (10.0, 6.0, "network")


def test_waterfall_names_power_when_the_datacentre_binds(tiny):
    me = _owned(tiny, chips=10, fabric_units=20, dc_mw=4, grid_mw=50)
    assert me.owned == pytest.approx(4.0)
    (row,) = me.waterfall
    assert row.powered == pytest.approx(4.0)
    assert row.binding == "power"


def test_waterfall_names_power_when_the_grid_connection_binds(tiny):
    me = _owned(tiny, chips=10, fabric_units=20, dc_mw=50, grid_mw=3)
    assert me.owned == pytest.approx(3.0)
    assert me.waterfall[0].binding == "power"


def test_waterfall_names_chips_when_chips_bind(tiny):
    me = _owned(tiny, chips=10, fabric_units=20, dc_mw=50, grid_mw=50)
    assert me.waterfall[0].binding == "chips"


def test_capacity_splits_into_training_and_inference_by_the_training_share(tiny):
    me = _owned(tiny, chips=10, fabric_units=20, dc_mw=50, grid_mw=50)
    assert me.training == pytest.approx(2.0)  # opening training share 0.2
    assert me.inference == pytest.approx(8.0)


# --------------------------------------------------------------------------- customers + finance


def test_one_quarter_of_finance_matches_the_hand_computed_cash(tiny):
    # 10 kGPU reserved at $7: inference 8 ≥ demand 10/3, so revenue 10/3 x 9 = 30, opex 10.5.
    state, report = step(tiny, [[Reserve(provider="alpha", quantity=10, term=4)], []])
    me = report.players[0]
    assert me.demand == pytest.approx(10 / 3)
    assert me.served == pytest.approx(10 / 3)
    assert me.revenue == pytest.approx(30.0)
    assert me.costs["reserved"] == pytest.approx(70.0)
    assert me.costs["operating"] == pytest.approx(10.5)
    assert sum(me.costs.values()) == pytest.approx(80.5)
    assert state.cash[0] == pytest.approx(1000 + 30 - 80.5)


def test_borrowing_adds_cash_and_debt_and_interest_follows_next_quarter(tiny):
    state, report = step(tiny, [[Borrow(amount=100)], []])
    assert state.cash[0] == pytest.approx(1100.0)
    assert state.debt[0] == pytest.approx(100.0)
    assert report.players[0].costs["interest"] == 0.0
    state, report = step(state, hold(state))
    assert report.players[0].costs["interest"] == pytest.approx(2.0)  # 2% a quarter
    assert state.cash[0] == pytest.approx(1098.0)


def _broke(tiny_raw, cash, contract_pay):
    """Seat 0 (a poor start-up) owes a big take-or-pay bill this quarter."""
    tiny_raw["scenarios"][0]["seats"][0] = {"industry": "poor", "name": "Ann"}
    state = tiny_match(tiny_raw)
    qty = np.zeros_like(state.reserved_qty)
    pay = np.zeros_like(state.reserved_pay)
    qty[0, ALPHA, :4] = 10.0
    pay[0, ALPHA, :4] = contract_pay
    return with_arrays(state, cash=[cash, 1000.0], reserved_qty=qty, reserved_pay=pay)


def test_bankruptcy_when_cash_is_negative_and_credit_is_exhausted(tiny_raw):
    # cash 50 + revenue 30 - 200 - opex 10.5 = -130.5; the credit line (max(0, 30/2) = 15) is
    # drawn at a 4% fee: -130.5 + 15 - 0.6 = -116.1.
    state = _broke(tiny_raw, 50.0, 200.0)
    state, report = step(state, hold(state))
    assert report.bankruptcies == (0,)
    assert state.status[0] == BANKRUPT and state.bankrupt_turn[0] == 0
    assert state.cash[0] == pytest.approx(-116.1)
    assert state.debt[0] == pytest.approx(15.0)
    assert report.players[0].costs["fees"] == pytest.approx(0.6)
    assert state.reserved_qty[0].sum() == 0.0 and state.reserved_pay[0].sum() == 0.0
    assert any("bankrupt" in n.headline for n in report.news)


def test_bankrupt_player_is_frozen_and_its_actions_are_rejected(tiny_raw):
    state = _broke(tiny_raw, 50.0, 200.0)
    state, _ = step(state, hold(state))
    cash, debt = float(state.cash[0]), float(state.debt[0])
    for _ in range(3):
        state, report = step(
            state, [[Borrow(amount=5), BidSpot(provider="alpha", quantity=5, max_price=9)], []]
        )
        assert report.applied[0] == ()
        assert [code for _, code, _ in report.rejected[0]] == ["eliminated", "eliminated"]
        assert (state.cash[0], state.debt[0]) == (cash, debt)
        assert report.players[0].capacity == 0.0
        assert report.players[0].status == "bankrupt"
        assert np.isnan(state.history["cash"][state.turn - 1, 0])
    assert state.status[1] == ACTIVE
    assert [s.seat for s in standings(state)] == [1, 0]


def test_bankrupt_players_credit_line_stays_finite(tiny_raw):
    state = _broke(tiny_raw, 50.0, 200.0)
    state, _ = play(state, 4)
    assert state.status[0] == BANKRUPT
    assert np.isfinite(state.credit_limit).all()


def test_a_shortfall_within_the_credit_line_is_covered_without_bankruptcy(tiny_raw):
    # -30.5 short with a $200M line: the emergency draw should cover the shortfall and its fee.
    tiny_raw["industries"][2]["credit_limit"] = 200.0
    state = _broke(tiny_raw, 50.0, 100.0)
    state, report = step(state, hold(state))
    assert report.bankruptcies == ()
    assert state.cash[0] >= 0.0


# --------------------------------------------------------------------------- research (phase 10)


def test_research_completes_after_its_cost_and_min_quarters(tiny):
    # cost 40 over at least 2 quarters: at most 20 a quarter is spent, however much is offered
    state, reports = play(tiny, 3, {0: [[FundResearch(tech="t_eff", amount=100)], []]})
    assert [r.players[0].costs["research"] for r in reports] == pytest.approx([20, 20, 0])
    assert state.research_done[0, T_EFF] == 1
    assert any(n.headline == "Efficiency complete" and n.seat == 0 for n in reports[1].news)


def test_underfunded_research_takes_longer(tiny):
    state, reports = play(tiny, 4, {0: [[FundResearch(tech="t_eff", amount=10)], []]})
    assert [r.players[0].costs["research"] for r in reports] == pytest.approx([10] * 4)
    assert state.research_done[0, T_EFF] == 3


def test_research_effects_and_prerequisites_apply_from_the_next_quarter(tiny):
    state, _ = play(tiny, 2, {0: [[FundResearch(tech="t_eff", amount=20)], []]})
    assert state.research_done[0, T_EFF] == 1 and state.turn == 2
    assert check_action(state, 0, FundResearch(tech="t_asic", amount=30)).ok
    assert check_action(state, 1, FundResearch(tech="t_asic", amount=30)).code == (
        "prerequisite_missing"
    )


def _slipped(tiny):
    return play(
        tiny,
        3,
        {
            0: [[FundResearch(tech="t_eff", amount=20)], []],
            2: [[FundResearch(tech="t_asic", amount=30)], []],
        },
    )


def test_a_slip_adds_quarters_and_cost_and_is_told_only_to_its_owner(tiny):
    state, reports = _slipped(tiny)  # t_asic slips for certain: +2 quarters, +50% of 30
    assert state.research_done[0, T_ASIC] == -1
    assert state.research_extra_quarters[0, T_ASIC] == 2
    assert state.research_extra[0, T_ASIC] == pytest.approx(15.0)
    slip = [n for n in reports[2].news if "slips" in n.headline]
    assert len(slip) == 1 and slip[0].seat == 0
    assert all("slips" not in n.headline for n in observe(state, 1).news)
    assert any("slips" in n.headline for n in observe(state, 0).news)


def test_a_slipped_programme_completes_after_its_extra_quarters(tiny):
    state, _ = _slipped(tiny)
    state, _ = play(state, 4)
    # 1 quarter + 2 extra from turn 2: it should be done by turn 4
    assert state.research_done[0, T_ASIC] == 4


# --------------------------------------------------------------------------- events (phase 2)


def test_scripted_event_fires_at_its_turn_and_expires_after_its_duration(tiny_raw):
    tiny_raw["scenarios"][0]["scripted_events"] = [{"turn": 1, "event": "shock"}]
    state, reports = play(tiny_match(tiny_raw), 5)
    assert [r.events for r in reports] == [(), ("shock",), (), (), ()]
    capacity = state.history["provider_capacity"][:5, ALPHA]
    assert list(capacity) == pytest.approx([100, 50, 50, 100, 100])
    assert [r.spot[ALPHA].supply for r in reports] == pytest.approx([100, 50, 50, 100, 100])
    assert reports[1].news[0].event == "shock"
    assert reports[1].news[0].headline == "Alpha loses 50% of capacity for 2 quarters"


def test_random_event_respects_its_cooldown(tiny_raw):
    tiny_raw["events"][1]["probability"] = 1.0  # surge: certain whenever off cooldown (3)
    state, reports = play(tiny_match(tiny_raw), 8)
    fired = [r.turn for r in reports if "surge" in r.events]
    assert fired == [0, 3, 6]
    demand = state.history["market_demand"][:, 0]
    assert demand[0] == pytest.approx(15.0) and demand[1] == pytest.approx(10.0)


def test_events_do_not_fire_when_the_scenario_switches_them_off(tiny_raw):
    tiny_raw["events"][1]["probability"] = 1.0
    tiny_raw["scenarios"][0]["mechanics"] = ["spot", "reserved"]
    _, reports = play(tiny_match(tiny_raw), 4)
    assert all(r.events == () for r in reports)


def test_export_ban_holds_controlled_chips_at_the_border_until_it_lifts(tiny_raw):
    tiny_raw["chips"][1]["available_from"] = 0  # g2: export-controlled, 2 H-class per unit
    tiny_raw["scenarios"][0]["scripted_events"] = [{"turn": 1, "event": "ban"}]  # turns 1-2
    state = tiny_match(tiny_raw)
    state, _ = step(state, [[OrderChips(sku="g2", quantity=5, region="home")], []])
    installed = []
    for _ in range(3):  # due at turn 2 (banned), released at turn 3
        state, _ = step(state, hold(state))
        installed.append(float(state.chips_perf[0, HOME]))
    assert installed == [0.0, 0.0, 10.0]


def test_world_stream_draws_do_not_depend_on_player_actions(tiny_raw):
    tiny_raw["events"][1]["probability"] = 0.3
    tiny_raw["events"][1]["cooldown"] = 1
    busy = {
        t: [[BidSpot(provider="alpha", quantity=20, max_price=15)], [Borrow(amount=50)]]
        for t in range(8)
    }
    for seed in range(5):
        _, quiet = play(tiny_match(tiny_raw, seed), 8)
        _, loud = play(tiny_match(tiny_raw, seed), 8, busy)
        assert [r.events for r in quiet] == [r.events for r in loud]
        assert [r.market_demand for r in quiet] == [r.market_demand for r in loud]


def test_conftest_indices_match_the_world():
    state = tiny_match()
    assert state.world.sku_ids[G1] == "g1"
    assert state.world.tech_ids[T_EFF] == "t_eff"


def test_catch_up_rule_favours_the_last_placed_player_only_when_switched_on():
    from game.arena.match import run_match
    from game.rules import load_content

    content = load_content()
    plain = content.scenario("tutorial")
    kind = plain.model_copy(update={"catch_up": True})
    kinder = content.model_copy(
        update={"scenarios": tuple(kind if s.id == "tutorial" else s for s in content.scenarios)}
    )
    off = run_match(content, "tutorial", 11, bots=["balanced", "idle"]).state
    on = run_match(kinder, "tutorial", 11, bots=["balanced", "idle"]).state
    # idle falls behind from the first quarter; with the rule on its customers stay longer
    assert on.history["share"][1:, 1].sum() > off.history["share"][1:, 1].sum()


def test_catch_up_helps_the_last_in_value_created_not_the_poorest_at_the_start():
    from game.arena.match import run_match
    from game.engine.customers import CATCH_UP_APPEAL, catch_up_bonus
    from game.rules import load_content

    content = load_content()
    kind = content.scenario("standard").model_copy(update={"catch_up": True})
    kinder = content.model_copy(
        update={"scenarios": tuple(kind if s.id == "standard" else s for s in content.scenarios)}
    )
    helped: list[tuple[int, int]] = []  # (seat last in value created, seat poorest in EV)

    def check(state, _report):
        if state.over:
            return
        opening = np.array([i.starting_cash for i in state.world.industries])
        ev = state.history["enterprise_value"][state.turn - 1]
        bonus = catch_up_bonus(state, state.status == 0)
        last = int(np.argmin(ev - opening))
        assert bonus[last] == CATCH_UP_APPEAL and bonus.sum() == CATCH_UP_APPEAL
        helped.append((last, int(np.argmin(ev))))

    run_match(kinder, "standard", 5, on_quarter=check)
    # The start-up has the least enterprise value; it is not always the one behind.
    assert any(last != poorest for last, poorest in helped)


def test_standings_after_an_earlier_quarter_are_those_the_match_had_then(tiny_raw):
    # The quarter report ranks the seats after its own quarter, whatever was played since.
    state = _broke(tiny_raw, 50.0, 200.0)
    then = []
    for _ in range(3):
        state, _ = step(state, hold(state))
        then.append(standings(state))
    assert state.bankrupt_turn[0] == 0
    for turn, expected in enumerate(then):
        assert standings(state, turn) == expected
    assert standings(state, state.turn - 1) == standings(state)
