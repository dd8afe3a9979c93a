"""Random legal play (OpenSpiel style): many seeded matches, invariants checked every quarter.

Seats are filled with the ``random`` bot (a fuzzer that mostly plays legal moves) and
``balanced``; bankrupt seats keep submitting actions so the engine's freeze is exercised too.
"""

from __future__ import annotations

import numpy as np
import pytest

from game.agents.registry import make_bot
from game.arena.match import ask_bot, setup_info
from game.engine import new_match, step
from game.engine.derived import outage_hedge, tech_done
from game.engine.hashing import state_hash
from game.engine.state import ACTIVE, ARRAY_FIELDS

EPS = 1e-6

NON_NEGATIVE = (
    "debt", "credit_limit", "service_price", "training_share", "spend", "reserved_qty",
    "reserved_pay", "chips_perf", "chips_power", "chip_pipe_perf", "chip_pipe_power",
    "fabric_units", "fabric_pipe", "dc_mw", "dc_pipe", "dc_pay", "grid_mw", "research_level",
    "research_spent", "research_quarters", "research_extra", "prov_capacity", "prov_background",
    "spot_price", "sku_backlog", "fabric_backlog", "demand_trend",
)  # fmt: skip


def _applied_sum(report, seat, kind, field, provider=None):
    return sum(
        a[field]
        for a in report.applied[seat]
        if a["type"] == kind and (provider is None or a["provider"] == provider)
    )


def _sublease_income(prev, report):
    """What each seat earned reselling reserved capacity, rebuilt from the report's inputs."""
    world = prev.world
    fee = world.scenario.market.sublease_fee
    hedge = outage_hedge(prev, tech_done(prev))
    income = np.zeros(prev.n_players)
    active = prev.status == ACTIVE
    for p, result in enumerate(report.spot):
        pid = world.provider_ids[p]
        asked = np.array(
            [_applied_sum(report, s, "sublease", "quantity", pid) for s in range(prev.n_players)]
        )
        if not asked.any():
            continue
        due = prev.reserved_qty[:, p, 0] * active
        inputs = result.inputs
        available = inputs.capacity_trend * inputs.capacity_shock * (1.0 - inputs.outage)
        total = due.sum()
        ratio = min(total, available) / total if total > 0 else 1.0
        received = due * ratio + due * (1.0 - ratio) * hedge
        income += np.minimum(asked, received) * result.price * (1.0 - fee)
    return income


def check_quarter(prev, new, report):
    world = prev.world
    n = prev.n_players
    market = world.scenario.market
    t = prev.turn
    assert new.turn == t + 1
    assert report.state_hash == new.last_hash == state_hash(new)

    # no NaN or infinity in the state (history aside), nothing negative that cannot be
    for name in ARRAY_FIELDS:
        values = getattr(new, name)
        assert np.isfinite(values).all(), f"turn {t}: non-finite {name}"
    for name in NON_NEGATIVE:
        assert not (getattr(new, name) < -EPS).any(), f"turn {t}: negative {name}"
    assert ((new.reputation >= 0.0) & (new.reputation <= 1.0)).all()

    # the cash identity, with emergency draws counted as borrowing
    sublease = _sublease_income(prev, report)
    for seat, me in enumerate(report.players):
        cash, debt = float(prev.cash[seat]), float(prev.debt[seat])
        if prev.status[seat] != ACTIVE:
            assert (new.cash[seat], new.debt[seat]) == (cash, debt), f"turn {t}: frozen seat moved"
            assert me.capacity == me.served == me.revenue == 0.0
            assert report.applied[seat] == ()
            assert all(code == "eliminated" for _, code, _ in report.rejected[seat])
            assert all(v == 0.0 for v in me.costs.values()), me.costs
            continue
        borrowed = _applied_sum(report, seat, "borrow", "amount")
        if market.penalty_rate > 0:
            borrowed += me.costs["fees"] / market.penalty_rate
        repaid = min(_applied_sum(report, seat, "repay", "amount"), debt + borrowed, max(cash, 0.0))
        expected = cash + me.revenue + sublease[seat] + borrowed - repaid - sum(me.costs.values())
        assert new.cash[seat] == pytest.approx(expected, abs=1e-6, rel=1e-9), (
            f"turn {t} seat {seat}"
        )
        assert new.debt[seat] == pytest.approx(debt + borrowed - repaid, abs=1e-6, rel=1e-9)
        for key in ("capacity", "reserved", "spot", "owned", "training", "inference", "served",
                    "revenue", "demand"):  # fmt: skip
            assert getattr(me, key) >= -EPS, f"turn {t} seat {seat}: negative {key}"
        assert all(v >= -EPS for v in me.costs.values()), me.costs
        assert me.served <= me.demand + EPS
        assert me.capacity == pytest.approx(me.reserved + me.spot + me.owned, abs=1e-6)
        assert me.spot <= _applied_sum(report, seat, "bid_spot", "quantity") + EPS

    # spot: never more sold than offered
    for result in report.spot:
        assert result.players_bought + result.background_bought <= result.supply + EPS
        assert result.inputs.floor - EPS <= result.price <= result.inputs.cap + EPS

    # reserved: nothing signed beyond the provider's reserved share of its capacity
    for fill in report.reserved:
        assert 0.0 <= fill.filled <= fill.requested + EPS
    for p, pid in enumerate(world.provider_ids):
        signed = [f for f in report.reserved if f.provider == pid and f.filled > 0]
        if not signed:
            continue
        pool = world.prov_reserved_share[p] * new.history["provider_capacity"][t, p]
        lead = int(world.prov_reserved_lead[p])
        for f in signed:
            for k in range(lead, lead + f.term):
                if k == 0:
                    due_now = prev.reserved_qty[:, p, 0].sum() + sum(x.filled for x in signed)
                    assert due_now <= pool + EPS
                else:
                    assert new.reserved_qty[:, p, k - 1].sum() <= pool + EPS, (t, pid, k)

    # bankruptcy is final
    assert ((prev.status != ACTIVE) <= (new.status != ACTIVE)).all()
    for seat in report.bankruptcies:
        assert prev.status[seat] == ACTIVE and new.status[seat] != ACTIVE
        assert new.reserved_qty[seat].sum() == 0.0 and new.chip_pipe_perf[:, seat].sum() == 0.0
    _ = n


def play_checked(content, scenario, seed, specs):
    state = new_match(content, scenario, seed)
    bots = [make_bot(s) for s in specs]
    for seat, bot in enumerate(bots):
        bot.setup(setup_info(state, seat))
    quarters = 0
    while not state.over:
        actions = []
        for seat, bot in enumerate(bots):
            chosen, failure = ask_bot(bot, state, seat)
            assert failure is None, failure
            actions.append(chosen)
        new, report = step(state, actions)
        check_quarter(state, new, report)
        state = new
        quarters += 1
    assert quarters == content.scenario(scenario).quarters or (state.status != ACTIVE).all()
    return state


TUTORIAL_LINEUPS = (["random", "random"], ["random", "balanced"], ["balanced", "random"])
STANDARD_LINEUPS = (
    ["random"] * 4,
    ["balanced", "random", "random", "random"],
    ["random", "balanced", "random", "balanced"],
)


@pytest.mark.parametrize("seed", range(30))
def test_random_play_keeps_invariants_in_the_tutorial(content, seed):
    play_checked(content, "tutorial", seed, TUTORIAL_LINEUPS[seed % 3])


@pytest.mark.parametrize("seed", range(10))
def test_random_play_keeps_invariants_in_standard(content, seed):
    play_checked(content, "standard", seed, STANDARD_LINEUPS[seed % 3])


def test_random_play_exercises_bankruptcy(content):
    """Guard for the suite itself: some of these matches must see a bankruptcy."""
    final = [play_checked(content, "standard", seed, ["random"] * 4) for seed in (0, 3)]
    assert any((s.status != ACTIVE).any() for s in final)
