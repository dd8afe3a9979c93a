"""Phase 9, finance: every bill of the quarter, cash and debt, the credit line, bankruptcy.

The **cash identity** holds for every player every quarter::

    cash' = cash + revenue + sublease income + borrowed + emergency draw
            − (reserved + spot + power + upkeep + edge + operating costs + research + capex
               + interest + fees) − repaid

A player whose cash is still below zero with the credit line exhausted is bankrupt: eliminated,
its contracts and orders cancelled, its figures frozen.
"""

from __future__ import annotations

import numpy as np

from game.engine.quarter import Quarter
from game.engine.state import BANKRUPT, MatchState, NewsItem
from game.engine.tables import HOURS_PER_QUARTER

COST_KEYS = (
    "reserved",
    "spot",
    "power",
    "upkeep",
    "edge",
    "operating",
    "research",
    "capex",
    "interest",
    "fees",
)
"""The bills of a quarter, in the order the quarter report lists them."""


def research_spend(state: MatchState, q: Quarter) -> np.ndarray:
    """(N, T) what each programme can usefully spend this quarter, $M."""
    world = state.world
    if not state.research_level.any():
        return np.zeros(state.research_level.shape)
    cost = np.asarray(q.mods.apply("research.cost", world.tech_cost), float)
    total = cost[None, :] + state.research_extra
    per_quarter = total / (world.tech_min_quarters[None, :] + state.research_extra_quarters)
    remaining = np.maximum(total - state.research_spent, 0.0)
    open_ = (state.research_done < 0) & (state.status == 0)[:, None]
    return np.where(
        open_, np.minimum(np.minimum(state.research_level, per_quarter), remaining), 0.0
    )


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    market = world.scenario.market
    mods = q.mods
    active = state.status == 0
    act = active.astype(np.float64)
    power_price = np.asarray(mods.apply("region.power_price", world.reg_power_price), float)
    spend = research_spend(state, q)
    q.research_spend = spend
    interest_rate = mods.scalar("finance.interest_rate", market.interest_rate)
    costs = {
        "reserved": state.reserved_pay[:, :, 0].sum(axis=1) * act,
        "spot": q.spot_bill * act,
        "power": (q.power_mw_used * power_price[None, :]).sum(axis=1) * HOURS_PER_QUARTER / 1e6,
        "upkeep": (
            state.dc_mw.sum(axis=1) * market.facility_upkeep_per_mw
            + state.chips_perf.sum(axis=1) * market.chip_upkeep_per_kgpu
        )
        * act,
        "edge": q.offload_cost * act,
        "operating": q.revenue * mods.apply("finance.opex", world.ind_operating_cost),
        "research": spend.sum(axis=1),
        "capex": (q.capex_now + state.dc_pay[:, :, 0].sum(axis=1)) * act,
        "interest": state.debt * interest_rate * act,
        "fees": np.zeros(state.n_players),
    }
    income = q.revenue + q.sublease_income
    repay = np.minimum(np.minimum(q.repay, state.debt + q.borrow), np.maximum(state.cash, 0.0))
    cash = state.cash + income + q.borrow - repay - sum(costs.values())
    debt = state.debt + q.borrow - repay

    # Credit line: follows revenue and assets.
    depreciation = state.assets_book * np.array(
        [market.chip_depreciation, market.chip_depreciation, market.facility_depreciation]
    )
    state.assets_book[...] -= depreciation
    state.assets_book[:, 2] += state.dc_pay[:, :, 0].sum(axis=1) * act
    t = state.turn
    # A bankrupt player's history is NaN (frozen); its line no longer matters but stays finite.
    trailing = q.revenue
    for row in state.history.rows()[max(0, t - 3) : t]:
        trailing = trailing + np.nan_to_num(np.array(row["revenue"]))
    credit = np.maximum(
        world.ind_credit_limit, 0.5 * trailing + 0.5 * state.assets_book.sum(axis=1)
    )
    state.credit_limit[:] = mods.apply("finance.credit", credit)

    # Running out of cash draws on what is left of the credit line, at a penalty.
    short = np.where(active & (cash < 0), -cash, 0.0)
    room = np.maximum(state.credit_limit - debt, 0.0)
    # The draw covers the shortfall and its own fee, as far as the line allows.
    draw = np.minimum(short / (1.0 - market.penalty_rate), room)
    fee = draw * market.penalty_rate
    costs["fees"] = fee
    cash = cash + draw - fee
    debt = debt + draw
    state.cash[:] = np.where(active, cash, state.cash)
    state.debt[:] = np.where(active, debt, state.debt)
    q.costs = costs
    q.borrow = q.borrow + draw
    q.repay = repay

    dep_total = depreciation.sum(axis=1)
    compute = (
        costs["reserved"]
        + costs["spot"]
        + costs["power"]
        + costs["upkeep"]
        + costs["edge"]
        - q.sublease_income
    )
    q.compute_cost = (compute + dep_total) * act
    q.operating_profit = (q.revenue - compute - costs["operating"]) * act

    for seat in np.flatnonzero(active & (state.cash < -1e-6)):
        _bankrupt(state, q, int(seat))


def _bankrupt(state: MatchState, q: Quarter, seat: int) -> None:
    state.status[seat] = BANKRUPT
    state.bankrupt_turn[seat] = state.turn
    for line in (
        state.reserved_qty,
        state.reserved_pay,
        state.fabric_pipe,
        state.dc_pipe,
        state.dc_pay,
    ):
        line[seat] = 0.0
    state.chip_pipe_perf[:, seat] = 0.0
    state.chip_pipe_power[:, seat] = 0.0
    state.research_level[seat] = 0.0
    q.grid_queue_rows = [row for row in q.grid_queue_rows if int(row[1]) != seat]
    q.bankruptcies.append(seat)
    q.news.append(
        NewsItem(
            state.turn,
            "finance",
            f"{state.names[seat]} is bankrupt",
            "It ran out of cash with its credit line exhausted. Its contracts are cancelled, its"
            " orders void and its customers look elsewhere: the rest of the market gains demand.",
        )
    )
