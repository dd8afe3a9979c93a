"""The spot auction (DESIGN §4 phase 5) against prices worked out by hand.

With ``eta = 1`` the background curve is ``Q_bg(p) = B · p_ref / p``, so every price below is a
one-line division.
"""

from __future__ import annotations

import math

import pytest

from game.engine.auction import background_demand, clear

P_REF, FLOOR, CAP = 6.0, 2.0, 18.0


def test_background_demand_follows_the_constant_elasticity_curve():
    assert background_demand(6.0, 8.0, 6.0, 1.5) == pytest.approx(8.0)
    assert background_demand(12.0, 8.0, 6.0, 1.5) == pytest.approx(8.0 * 2**-1.5)
    assert background_demand(3.0, 8.0, 6.0, 1.0) == pytest.approx(16.0)


def test_without_bids_the_price_clears_background_demand_in_closed_form():
    r = clear(supply=10.0, background=8.0, p_ref=P_REF, eta=1.5, floor=FLOOR, cap=CAP)
    assert r.price == pytest.approx(P_REF * (8.0 / 10.0) ** (1 / 1.5))
    assert r.background == pytest.approx(10.0)
    assert r.fills == ()
    assert r.setter is None
    assert not r.rationed


def test_reserve_price_binds_when_background_demand_is_thin():
    # closed form would be 6 * (2/10) = 1.2, below the floor of 2
    r = clear(supply=10.0, background=2.0, p_ref=P_REF, eta=1.0, floor=FLOOR, cap=CAP)
    assert r.price == pytest.approx(FLOOR)
    assert r.background == pytest.approx(2.0 * P_REF / FLOOR)  # 6 kGPU, supply left unsold


def test_a_bid_at_the_margin_sets_the_price_and_fills_what_is_left():
    # Without the bid: 6*8/10 = 4.8. With it in full: 6*8/6 = 8 > its limit 6, so it is marginal.
    # At 6 the world buys 8, leaving 2 of the bid's 4.
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 4.0, 6.0),))
    assert r.price == pytest.approx(6.0)
    assert r.fills == pytest.approx((2.0,))
    assert r.background == pytest.approx(8.0)
    assert r.setter == 0
    assert not r.rationed


def test_bids_at_the_clearing_price_share_pro_rata_and_never_exceed_supply():
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 4.0, 6.0), (1, 2.0, 6.0)))
    assert r.price == pytest.approx(6.0)
    assert r.fills == pytest.approx((4 / 3, 2 / 3))
    assert sum(r.fills) + r.background <= 10.0 + 1e-9
    assert r.setter is None  # two seats share the marginal limit


def test_one_seat_with_two_bids_at_the_margin_is_still_the_price_setter():
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((1, 1.0, 6.0), (1, 3.0, 6.0)))
    assert r.price == pytest.approx(6.0)
    assert r.fills == pytest.approx((0.5, 1.5))
    assert r.setter == 1


def test_bids_above_the_clearing_price_fill_in_full_and_pay_the_clearing_price():
    # Bid 0 (limit 20) is inframarginal; bid 1 (limit 6) is marginal and gets (10-8-1)/4.
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 1.0, 20.0), (1, 4.0, 6.0)))
    assert r.price == pytest.approx(6.0)
    assert r.fills == pytest.approx((1.0, 1.0))
    assert r.setter == 1


def test_a_small_high_bid_fills_in_full_at_the_background_price():
    # 6 * 8 / (10 - 4) = 8 ≤ 9: the bid is not marginal and everyone pays 8.
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 4.0, 9.0),))
    assert r.price == pytest.approx(8.0)
    assert r.fills == (4.0,)
    assert r.background == pytest.approx(6.0)
    assert r.setter is None


def test_bids_below_the_reserve_price_never_fill():
    r = clear(10.0, 8.0, P_REF, 1.0, 5.0, CAP, bids=((0, 4.0, 4.0),))
    assert r.fills == (0.0,)
    assert r.price == pytest.approx(5.0)


def test_demand_beyond_the_ceiling_is_rationed_pro_rata_at_the_cap():
    # Background alone pushes past the cap: B=40, 6*40/5 = 48 > 18. At the cap the world wants
    # 40*6/18 = 13.33 and the bid 5, so each gets 10 / 18.33 of its demand.
    r = clear(10.0, 40.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 5.0, 100.0),))
    ratio = 10.0 / (40.0 * P_REF / CAP + 5.0)
    assert r.rationed
    assert r.price == pytest.approx(CAP)
    assert r.fills == pytest.approx((5.0 * ratio,))
    assert r.background == pytest.approx(40.0 * P_REF / CAP * ratio)
    assert sum(r.fills) + r.background == pytest.approx(10.0)


def test_a_bid_above_the_cap_for_more_than_supply_is_rationed_not_dropped():
    r = clear(10.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 20.0, 100.0),))
    wanted = 8.0 * P_REF / CAP + 20.0
    assert r.rationed
    assert r.price == pytest.approx(CAP)
    assert r.fills == pytest.approx((20.0 * 10.0 / wanted,))
    assert sum(r.fills) + r.background == pytest.approx(10.0)


def test_zero_supply_clears_at_the_cap_with_nothing_filled():
    r = clear(0.0, 8.0, P_REF, 1.0, FLOOR, CAP, bids=((0, 4.0, 9.0),))
    assert r.price == CAP
    assert r.fills == (0.0,)
    assert r.background == 0.0
    assert r.rationed


@pytest.mark.parametrize("seed", range(40))
def test_random_auctions_never_sell_more_than_supply(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    supply = float(rng.uniform(0, 50))
    bids = tuple(
        (int(rng.integers(4)), float(rng.uniform(0.1, 20)), float(rng.uniform(1, 40)))
        for _ in range(int(rng.integers(0, 6)))
    )
    r = clear(supply, float(rng.uniform(0, 60)), 8.0, float(rng.uniform(0.5, 3)), 2.0, 24.0, bids)
    assert sum(r.fills) + r.background <= supply + 1e-6
    assert FLOOR <= r.price <= 24.0 or supply <= 1e-12
    for (_, qty, limit), fill in zip(bids, r.fills):
        assert 0.0 <= fill <= qty + 1e-12
        if fill > 1e-12 and not r.rationed:
            assert limit >= r.price - 1e-9
    assert all(math.isfinite(x) for x in r.fills)


def test_auction_module_example_is_correct():
    import doctest

    import game.engine.auction as auction

    assert doctest.testmod(auction).failed == 0
