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
from typing import Any

import numpy as np

from game.engine.modifiers import Modifiers, in_force
from game.engine.quarter import Quarter, row_sum
from game.engine.state import BANKRUPT, MatchState, NewsItem
from game.engine.tables import HOURS_PER_QUARTER, FloatArray, World

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
    return _research_spend(state, q, [x == 0 for x in state.status.tolist()])[0]


def _research_spend(
    state: MatchState, q: Quarter, active: list[bool]
) -> tuple[FloatArray, list[float]]:
    """:func:`research_spend` and each player's total of it (``spend.sum(axis=1)``).

    Each open programme spends ``min(funding, cost per quarter, cost still unpaid)``. Only a
    few of the N × T programmes are funded; an unfunded one spends ``min(0, …) = 0`` as long
    as every cost is positive, so only the funded ones are computed, one float at a time.
    """
    level = state.research_level
    funded = level.ravel().nonzero()[0].tolist()  # flat indices, row by row
    n, n_tech = level.shape
    if not funded:
        return np.zeros(level.shape), [0.0] * n
    tables = _tables(state.world)
    if q.mods.has("research.cost"):
        cost = np.asarray(q.mods.apply("research.cost", state.world.tech_cost), float).tolist()
        if not all(c > 0.0 for c in cost):
            # A programme's extra cost (after a slip) could now be negative too: this world
            # keeps the array form from here on.
            tables["sparse_research"] = False
    else:
        cost = tables["tech_cost"]
    if not tables["sparse_research"]:
        spend = _research_spend_arrays(state, q.mods)
        return spend, spend.sum(axis=1).tolist()
    min_quarters = tables["min_quarters"]
    done = state.research_done
    extra = state.research_extra
    extra_quarters = state.research_extra_quarters
    spent = state.research_spent
    spend = np.zeros(level.shape)
    totals = [0.0] * n
    counts = [0] * n
    for k in funded:
        seat, t = divmod(k, n_tech)
        if not active[seat] or done.item(k) >= 0:
            continue  # a closed programme spends nothing
        total = cost[t] + extra.item(k)
        per_quarter = total / (min_quarters[t] + extra_quarters.item(k))
        # np.maximum(total - spent, 0.0), then np.minimum twice, inlined: NaN wins, and of
        # two equal values numpy returns the second.
        left = total - spent.item(k)
        remaining = left if left > 0.0 else (0.0 if left <= 0.0 else left + 0.0)
        funding = level.item(k)
        value = (
            funding
            if funding < per_quarter
            else (per_quarter if per_quarter <= funding else funding + per_quarter)
        )
        value = (
            value if value < remaining else (remaining if remaining <= value else value + remaining)
        )
        spend[seat, t] = value
        # Summing only the funded entries is exact for up to two of them (the zeros numpy
        # also adds change nothing); beyond that its pairwise order matters (below).
        totals[seat] += value
        counts[seat] += 1
    if max(counts) > 2:
        totals = spend.sum(axis=1).tolist()
    return spend, totals


def research_caps(state: MatchState, seat: int) -> list[float]:
    """The most each programme of ``seat`` can spend in the quarter ``state`` opens, $M (by
    technology, in content order; 0 for a finished one): its cost, slips included, over its
    minimum quarters, and never more than what is left to pay. Funding above it is not spent.
    The phase's own arithmetic, with unlimited funding."""
    mods = in_force(state.world, state.modifiers, state.turn)[1]
    caps: list[float] = _research_spend_arrays(state, mods, level=math.inf)[seat].tolist()
    return caps


def _research_spend_arrays(
    state: MatchState, mods: Modifiers, level: FloatArray | float | None = None
) -> FloatArray:
    """(N, T) :func:`research_spend` computed over every programme at once (at ``level``,
    default: each programme's funding)."""
    world = state.world
    cost = np.asarray(mods.apply("research.cost", world.tech_cost), float)
    total = cost[None, :] + state.research_extra
    per_quarter = total / (world.tech_min_quarters[None, :] + state.research_extra_quarters)
    remaining = np.maximum(total - state.research_spent, 0.0)
    open_ = (state.research_done < 0) & (state.status == 0)[:, None]
    funding = state.research_level if level is None else level
    spend: FloatArray = np.where(
        open_, np.minimum(np.minimum(funding, per_quarter), remaining), 0.0
    )
    return spend


def _tables(world: World) -> dict[str, Any]:
    """This world's static inputs of the phase as plain floats (computed once per world)."""
    return world.once("finance", _build_tables)


def _build_tables(world: World) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    tables["tech_cost"] = world.tech_cost.tolist()
    tables["min_quarters"] = world.tech_min_quarters.tolist()
    tables["power_price"] = world.reg_power_price.tolist()
    tables["power_price_finite"] = math.isfinite(row_sum(tables["power_price"]))
    tables["opex"] = world.ind_operating_cost.tolist()
    tables["credit_floor"] = world.ind_credit_limit.tolist()
    # The sparse form of research_spend needs positive costs and at least one quarter.
    tables["sparse_research"] = all(c > 0.0 for c in tables["tech_cost"]) and all(
        m >= 1 for m in tables["min_quarters"]
    )
    return tables


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


def _totals(rows: list[list[float]]) -> list[float]:
    """``array.sum(axis=1)`` from the array's rows as lists, bit for bit (see ``row_sum``)."""
    totals = []
    for row in rows:
        if len(row) < 8:
            total = 0.0
            for value in row:
                total += value
        else:
            total = row_sum(row)
        totals.append(total)
    return totals


def _power_mw(q: Quarter, n: int, price: list[float], price_array: FloatArray) -> list[float]:
    """(N,) MW drawn times the power price of its region: ``used @ price``.

    A player draws power in one region at most, usually: then the product is that one
    multiplication (the zero terms add nothing, whatever order the matrix product adds them
    in). With two or more, the matrix product itself decides the order of the additions.
    """
    mw: list[float] = []
    for row in q.power_mw_used:
        drawing = len(row) - row.count(0.0)
        if drawing == 0:
            mw.append(0.0)
        elif drawing == 1:
            for r, used in enumerate(row):
                if used != 0.0:
                    mw.append(used * price[r])
                    break
        else:
            used_array = np.array(q.power_mw_used, dtype=np.float64).reshape(n, -1)
            result: list[float] = (used_array @ price_array).tolist()
            return result
    return mw if len(mw) == n else [0.0] * n


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    market = world.scenario.market
    mods = q.mods
    n = state.n_players
    seats = range(n)
    active = [x == 0 for x in state.status.tolist()]
    tables = _tables(world)
    spend, research = _research_spend(state, q, active)
    q.research_spend = spend
    interest_rate = mods.scalar("finance.interest_rate", market.interest_rate)
    # The axes are tiny: one tolist per input, then plain floats in the array form's order.
    if mods.has("region.power_price"):
        price_array = np.asarray(mods.apply("region.power_price", world.reg_power_price), float)
        power_price = price_array.tolist()
        finite = math.isfinite(row_sum(power_price))
    else:
        price_array, power_price = world.reg_power_price, tables["power_price"]
        finite = tables["power_price_finite"]
    if finite:
        power_mw = _power_mw(q, n, power_price, price_array)
    else:  # 0 × inf is NaN: the matrix product, zero terms and all
        used_array = np.array(q.power_mw_used, dtype=np.float64).reshape(n, -1)
        power_mw = (used_array @ price_array).tolist() if used_array.size else [0.0] * n
    reserved_due = _totals(state.reserved_pay[:, :, 0].tolist())
    dc_due = _totals(state.dc_pay[:, :, 0].tolist())
    dc_mw = _totals(state.dc_mw.tolist())
    chips = _totals(state.chips_perf.tolist())
    revenue = _floats(q.revenue, n)
    sublease_income = q.sublease_income
    spot_bill = q.spot_bill
    offload = _floats(q.offload_cost, n)
    if mods.has("finance.opex"):
        opex = _floats(mods.apply("finance.opex", world.ind_operating_cost), n)
    else:
        opex = tables["opex"]
    capex_now = q.capex_now.tolist()
    borrow = q.borrow.tolist()
    repay_asked = q.repay.tolist()
    cash0 = state.cash.tolist()
    debt0 = state.debt.tolist()

    # Credit line: follows revenue and assets. Assets depreciate (chips and network at one
    # rate, facilities at another); construction instalments paid join the facilities.
    chip_rate, facility_rate = market.chip_depreciation, market.facility_depreciation
    add_dc = any(dc_due)
    t = state.turn
    # A bankrupt player's history is NaN (frozen); its line no longer matters but stays finite.
    recent = [row["revenue"] for row in state.history.rows()[max(0, t - 3) : t]]
    floor = tables["credit_floor"]
    books = state.assets_book.tolist()
    dep_total: list[float] = []
    credit: list[float] = []
    for i in seats:
        chips_book, network_book, facility_book = books[i]
        dep_chips = chips_book * chip_rate
        dep_network = network_book * chip_rate
        dep_facility = facility_book * facility_rate
        chips_book = chips_book - dep_chips
        network_book = network_book - dep_network
        facility_book = facility_book - dep_facility
        if add_dc:
            facility_book = facility_book + dc_due[i] * (1.0 if active[i] else 0.0)
        books[i] = [chips_book, network_book, facility_book]
        dep_total.append(0.0 + dep_chips + dep_network + dep_facility)
        trailing = revenue[i]
        for values in recent:
            a = values[i]
            trailing = (0.0 if a != a else a) + trailing
        book = 0.0 + chips_book + network_book + facility_book
        credit.append(_max(floor[i], 0.5 * trailing + 0.5 * book))
    state.assets_book[...] = books
    if mods.has("finance.credit"):
        credit = _floats(mods.apply("finance.credit", np.array(credit)), n)
    state.credit_limit[...] = credit

    upkeep_mw, upkeep_chip = market.facility_upkeep_per_mw, market.chip_upkeep_per_kgpu
    hours = HOURS_PER_QUARTER / 1e6
    penalty = market.penalty_rate
    reserved_cost: list[float] = []
    spot_cost: list[float] = []
    power_cost: list[float] = []
    upkeep_cost: list[float] = []
    edge_cost: list[float] = []
    operating_cost: list[float] = []
    capex_cost: list[float] = []
    interest_cost: list[float] = []
    fees: list[float] = []
    repay: list[float] = []
    cash: list[float] = []
    debt: list[float] = []
    compute_cost: list[float] = []
    operating_profit: list[float] = []
    for i in seats:
        on = 1.0 if active[i] else 0.0
        bill_reserved = reserved_due[i] * on
        bill_spot = spot_bill[i] * on
        bill_power = power_mw[i] * hours
        bill_upkeep = (dc_mw[i] * upkeep_mw + chips[i] * upkeep_chip) * on
        bill_edge = offload[i] * on
        bill_operating = revenue[i] * opex[i]
        bill_capex = (capex_now[i] + dc_due[i]) * on
        bill_interest = debt0[i] * interest_rate * on
        paid = _min(_min(repay_asked[i], debt0[i] + borrow[i]), _max(cash0[i], 0.0))
        value = cash0[i] + (revenue[i] + sublease_income[i]) + borrow[i] - paid
        # The bills in COST_KEYS order, added one by one from 0.0 (the fees are 0.0 so far).
        bills = (
            0.0
            + bill_reserved
            + bill_spot
            + bill_power
            + bill_upkeep
            + bill_edge
            + bill_operating
            + research[i]
            + bill_capex
            + bill_interest
            + 0.0
        )
        cash_i = value - bills
        debt_i = debt0[i] + borrow[i] - paid

        # Running out of cash draws on what is left of the credit line, at a penalty.
        short = -cash_i if active[i] and cash_i < 0 else 0.0
        # The draw covers the shortfall and its own fee, as far as the line allows.
        draw = _min(short / (1.0 - penalty), _max(credit[i] - debt_i, 0.0))
        fee = draw * penalty
        borrow[i] = borrow[i] + draw
        if active[i]:
            cash_i = cash_i + draw - fee
            debt_i = debt_i + draw
        else:
            cash_i, debt_i = cash0[i], debt0[i]

        compute = bill_reserved + bill_spot + bill_power + bill_upkeep + bill_edge
        compute = compute - sublease_income[i]
        reserved_cost.append(bill_reserved)
        spot_cost.append(bill_spot)
        power_cost.append(bill_power)
        upkeep_cost.append(bill_upkeep)
        edge_cost.append(bill_edge)
        operating_cost.append(bill_operating)
        capex_cost.append(bill_capex)
        interest_cost.append(bill_interest)
        fees.append(fee)
        repay.append(paid)
        cash.append(cash_i)
        debt.append(debt_i)
        compute_cost.append((compute + dep_total[i]) * on)
        operating_profit.append((revenue[i] - compute - bill_operating) * on)
    state.cash[...] = cash
    state.debt[...] = debt
    q.costs = {
        "reserved": reserved_cost,
        "spot": spot_cost,
        "power": power_cost,
        "upkeep": upkeep_cost,
        "edge": edge_cost,
        "operating": operating_cost,
        "research": research,
        "capex": capex_cost,
        "interest": interest_cost,
        "fees": fees,
    }
    q.borrow = np.array(borrow)
    q.repay = np.array(repay)
    q.compute_cost = compute_cost
    q.operating_profit = operating_profit

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
