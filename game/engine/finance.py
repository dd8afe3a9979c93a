"""Phase 9, finance: every bill of the quarter, cash and debt, the credit line, bankruptcy.

The **cash identity** holds for every player every quarter::

    cash' = cash + revenue + sublease income + borrowed + emergency draw
            − (reserved + spot + power + upkeep + edge + operating costs + research + capex
               + interest + fees) − repaid

A player whose cash is still below zero with the credit line exhausted is bankrupt: eliminated,
its contracts and orders cancelled, its figures frozen.
"""

from __future__ import annotations

import math

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


def _max(a: float, b: float) -> float:
    """``np.maximum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


def _min(a: float, b: float) -> float:
    """``np.minimum`` for two floats (NaN wins, as in numpy)."""
    if a != a or b != b:
        return math.nan
    return a if a <= b else b


def _floats(values: object, n: int) -> list[float]:
    """A per-player figure (an array, a list or a scalar) as ``n`` floats."""
    if isinstance(values, np.ndarray):
        if values.shape == (n,):
            return values.tolist()
        return np.broadcast_to(values, (n,)).tolist()
    if isinstance(values, list):
        return values
    return [float(values)] * n  # type: ignore[arg-type]


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    market = world.scenario.market
    mods = q.mods
    n = state.n_players
    seats = range(n)
    active = [x == 0 for x in state.status.tolist()]
    act = [1.0 if on else 0.0 for on in active]
    power_price = np.asarray(mods.apply("region.power_price", world.reg_power_price), float)
    spend = research_spend(state, q)
    q.research_spend = spend
    interest_rate = mods.scalar("finance.interest_rate", market.interest_rate)
    # The axes are tiny: one numpy call per input, then plain floats.
    reserved_due = state.reserved_pay[:, :, 0].sum(axis=1).tolist()
    dc_due = state.dc_pay[:, :, 0].sum(axis=1).tolist()
    used = np.array(q.power_mw_used, dtype=np.float64).reshape(n, -1)
    power_mw = (used @ power_price).tolist() if used.size else [0.0] * n
    dc_mw = state.dc_mw.sum(axis=1).tolist()
    chips = state.chips_perf.sum(axis=1).tolist()
    research = spend.sum(axis=1).tolist()
    revenue = _floats(q.revenue, n)
    sublease_income = _floats(q.sublease_income, n)
    spot_bill = _floats(q.spot_bill, n)
    offload = _floats(q.offload_cost, n)
    opex = _floats(mods.apply("finance.opex", world.ind_operating_cost), n)
    capex_now = q.capex_now.tolist()
    borrow = q.borrow.tolist()
    repay_asked = q.repay.tolist()
    cash0 = state.cash.tolist()
    debt0 = state.debt.tolist()
    upkeep_mw, upkeep_chip = market.facility_upkeep_per_mw, market.chip_upkeep_per_kgpu
    hours = HOURS_PER_QUARTER / 1e6
    costs = {
        "reserved": [reserved_due[i] * act[i] for i in seats],
        "spot": [spot_bill[i] * act[i] for i in seats],
        "power": [power_mw[i] * hours for i in seats],
        "upkeep": [(dc_mw[i] * upkeep_mw + chips[i] * upkeep_chip) * act[i] for i in seats],
        "edge": [offload[i] * act[i] for i in seats],
        "operating": [revenue[i] * opex[i] for i in seats],
        "research": research,
        "capex": [(capex_now[i] + dc_due[i]) * act[i] for i in seats],
        "interest": [debt0[i] * interest_rate * act[i] for i in seats],
        "fees": [0.0] * n,
    }
    repay = [_min(_min(repay_asked[i], debt0[i] + borrow[i]), _max(cash0[i], 0.0)) for i in seats]
    cash = []
    debt = []
    for i in seats:
        value = cash0[i] + (revenue[i] + sublease_income[i]) + borrow[i] - repay[i]
        bills = 0.0
        for key in COST_KEYS:
            bills += costs[key][i]
        cash.append(value - bills)
        debt.append(debt0[i] + borrow[i] - repay[i])

    # Credit line: follows revenue and assets.
    depreciation = state.assets_book * np.array(
        [market.chip_depreciation, market.chip_depreciation, market.facility_depreciation]
    )
    state.assets_book[...] -= depreciation
    if any(dc_due):
        state.assets_book[:, 2] += [dc_due[i] * act[i] for i in seats]
    book = state.assets_book.sum(axis=1).tolist()
    t = state.turn
    # A bankrupt player's history is NaN (frozen); its line no longer matters but stays finite.
    trailing = list(revenue)
    for row in state.history.rows()[max(0, t - 3) : t]:
        trailing = [
            (0.0 if a != a else a) + b for a, b in zip(row["revenue"], trailing, strict=True)
        ]
    floor = world.ind_credit_limit.tolist()
    credit = [_max(floor[i], 0.5 * trailing[i] + 0.5 * book[i]) for i in seats]
    credit = _floats(mods.apply("finance.credit", np.array(credit)), n)
    state.credit_limit[:] = credit

    # Running out of cash draws on what is left of the credit line, at a penalty.
    penalty = market.penalty_rate
    fees = costs["fees"]
    for i in seats:
        short = -cash[i] if active[i] and cash[i] < 0 else 0.0
        # The draw covers the shortfall and its own fee, as far as the line allows.
        draw = _min(short / (1.0 - penalty), _max(credit[i] - debt[i], 0.0))
        fee = draw * penalty
        fees[i] = fee
        borrow[i] = borrow[i] + draw
        if active[i]:
            cash[i] = cash[i] + draw - fee
            debt[i] = debt[i] + draw
        else:
            cash[i], debt[i] = cash0[i], debt0[i]
    state.cash[:] = cash
    state.debt[:] = debt
    q.costs = costs
    q.borrow = np.array(borrow)
    q.repay = np.array(repay)

    dep_total = depreciation.sum(axis=1).tolist()
    compute = [
        costs["reserved"][i]
        + costs["spot"][i]
        + costs["power"][i]
        + costs["upkeep"][i]
        + costs["edge"][i]
        - sublease_income[i]
        for i in seats
    ]
    q.compute_cost = [(compute[i] + dep_total[i]) * act[i] for i in seats]
    q.operating_profit = [(revenue[i] - compute[i] - costs["operating"][i]) * act[i] for i in seats]

    for seat in seats:
        if active[seat] and cash[seat] < -1e-6:
            _bankrupt(state, q, seat)


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
