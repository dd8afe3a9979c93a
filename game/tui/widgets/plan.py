"""The cash plan of a quarter: what the pending orders and the known bills move this quarter.

The engine's legality check counts what an order *commits* (a build's down payment must be
free, a reserved contract's first quarter must be affordable); the plan counts what is *paid*
this quarter: a build's first instalment, a reserved contract only if it starts now, borrowing
in, repayment out, the research the programmes can spend, the reserved payments already due.
Revenue and running costs are not known before the quarter resolves and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from game.engine import Action, BuildDatacenter, FundResearch, Observation, OrderChips
from game.engine.observation import TechView
from game.engine.state import MatchState
from game.engine.validate import build_cost_per_mw, build_quarters, current_modifiers
from game.tui.format import exact_money, money
from game.tui.session import PendingOrder


def research_cap(obs: Observation, tech: TechView) -> float:
    """The most a programme can spend this quarter, $M (the engine's own cap)."""
    return obs.research_caps.get(tech.id, 0.0)


def research_cost(tech: TechView) -> float:
    """What ``tech`` costs in all now, $M: its cost with its slips as the events in force change
    it (``tech.cost``), or what it spent if that is more (an event that raised the cost ended
    after the money was spent)."""
    return max(tech.cost, tech.spent)


def research_cost_note(tech: TechView) -> str:
    """``"$400M raised 20% by an event in force, 6 News"`` when the events in force change what
    ``tech`` costs; ``""`` otherwise."""
    base = tech.base_cost
    if tech.done or abs(tech.cost - base) <= 0.05 or base <= 0:
        return ""
    change = tech.cost / base - 1
    way = "raised" if change > 0 else "cut"
    return f"{money(base)} {way} {abs(change):.0%} by an event in force, 6 News"


def research_spend(obs: Observation, tech: TechView, funding: float | None = None) -> float:
    """What ``tech`` spends this quarter at ``funding`` (default: its standing funding)."""
    amount = tech.funding if funding is None else funding
    return max(min(amount, research_cap(obs, tech)), 0.0)


def reserved_lead(state: MatchState, provider: str) -> int:
    """Quarters between signing a reserved contract with ``provider`` and its first quarter."""
    world = state.world
    p = world.provider_index.get(provider)
    return int(world.prov_reserved_lead[p]) if p is not None else 1


def order_cash(state: MatchState, seat: int, action: Action, cost: float) -> float:
    """Cash ``action`` takes this quarter, $M (negative: brings in). ``cost`` is what the
    legality check said it commits."""
    kind = action.type
    if kind == "reserve":
        return cost if reserved_lead(state, action.provider) == 0 else 0.0  # type: ignore[union-attr]
    if kind == "build_datacenter":
        r = state.world.region_index.get(action.region)  # type: ignore[union-attr]
        if r is None:
            return 0.0
        per_mw = build_cost_per_mw(state, current_modifiers(state), r)
        return action.megawatts * per_mw / build_quarters(state, seat, r)  # type: ignore[union-attr]
    if kind == "borrow":
        return -float(action.amount)  # type: ignore[union-attr]
    if kind == "repay":
        return min(float(action.amount), float(state.debt[seat]))  # type: ignore[union-attr]
    if kind == "fund_research":
        return 0.0  # counted with the research bill
    return cost


def standing_funding(
    obs: Observation, orders: Sequence[PendingOrder], skip: int | None = None
) -> dict[str, float]:
    """Each programme's funding this quarter, $M a quarter: what it stands at, changed by the
    legal pending orders (the last one for a technology wins; the one at ``skip`` left out)."""
    funding = {t.id: t.funding for t in obs.me.research}
    for i, order in enumerate(orders):
        action = order.action
        if i != skip and order.verdict.ok and isinstance(action, FundResearch):
            funding[action.tech] = float(action.amount)
    return funding


def order_effect(
    state: MatchState,
    obs: Observation,
    orders: Sequence[PendingOrder],
    action: Action,
    cost: float,
    replace: int | None = None,
) -> float:
    """Cash ``action`` moves this quarter, $M (negative: brings in), placed with ``orders`` (in
    place of the one at ``replace``); ``cost``: what the legality check said it commits. Funding
    research moves what the programme spends against its funding without ``action``
    (:func:`standing_funding`, as :func:`cash_plan` counts it)."""
    if not isinstance(action, FundResearch):
        return order_cash(state, obs.seat, action, cost)
    tech = next((t for t in obs.me.research if t.id == action.tech), None)
    if tech is None:
        return 0.0
    before = standing_funding(obs, orders, replace)[tech.id]
    return research_spend(obs, tech, float(action.amount)) - research_spend(obs, tech, before)


@dataclass(frozen=True)
class CashPlan:
    """This quarter's known cash flows."""

    cash: float
    orders: float
    """Paid for this quarter's orders (spot bids at their limit), $M."""
    borrowed: float
    repaid: float
    reserved_due: float
    """Reserved contracts' payments due this quarter (signed before), $M."""
    research: float
    """What the funded programmes spend this quarter, $M."""
    building_due: float = 0.0
    """Instalments of data centres ordered in earlier quarters due this quarter, $M: the plan
    left them out, so a start-up building 60 MW read "$0.0M projected" each quarter while
    $114M more was billed (and covered by emergency credit)."""

    @property
    def after(self) -> float:
        return (
            self.cash
            + self.borrowed
            - self.repaid
            - self.orders
            - self.reserved_due
            - self.building_due
            - self.research
        )

    def text(self) -> str:
        parts = [f"Cash {exact_money(self.cash)}"]
        if self.borrowed > 0.05:
            parts.append(f"+ borrowed {exact_money(self.borrowed)}")
        parts.append(f"− orders {exact_money(self.orders)}")
        if self.repaid > 0.05:
            parts.append(f"− repaid {exact_money(self.repaid)}")
        parts.append(f"− reserved due {exact_money(self.reserved_due)}")
        if self.building_due > 0.05:
            parts.append(f"− building due {exact_money(self.building_due)}")
        if self.research > 0.05:
            parts.append(f"− research {exact_money(self.research)}")
        return (
            " ".join(parts)
            + f" = [b]{money(self.after)}[/b] projected, before revenue and running costs"
        )


def shortfall_text(plan: CashPlan, penalty_rate: float) -> str:
    """What a projection below zero means (``""`` when it is not): the quarter's bills beyond
    its revenue are drawn as emergency credit at a fee, and bankruptcy follows once the credit
    line is used up; the plan showed a negative figure and said nothing of either.

    >>> shortfall_text(CashPlan(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 114.0), 0.04)[:40]
    ' ⚠ Below zero: whatever revenue does not'
    """
    if plan.after >= -0.05:
        return ""
    return (
        " ⚠ Below zero: whatever revenue does not cover is drawn from the credit line as"
        f" emergency credit, with a {penalty_rate:.0%} fee on top, and a company still short"
        " once its line is used up goes bankrupt."
    )


def cash_plan(
    state: MatchState, obs: Observation, orders: Sequence[PendingOrder], skip: int | None = None
) -> CashPlan:
    """The plan for ``orders`` (the one at index ``skip`` left out: it is being edited)."""
    seat = obs.seat
    paid = borrowed = repaid = 0.0
    for i, order in enumerate(orders):
        if i == skip or not order.verdict.ok:
            continue
        action = order.action
        amount = order_cash(state, seat, action, order.verdict.cost)
        if action.type == "borrow":
            borrowed -= amount
        elif action.type == "repay":
            repaid += amount
        else:
            paid += amount
    funding = standing_funding(obs, orders, skip)
    research = 0.0
    for tech in obs.me.research:
        research += research_spend(obs, tech, funding[tech.id])
    due = float(obs.me.reserved_payments[0]) if len(obs.me.reserved_payments) else 0.0
    building = float(state.dc_pay[seat, :, 0].sum()) if state.dc_pay.size else 0.0
    return CashPlan(obs.me.cash, paid, borrowed, min(repaid, obs.me.debt), due, research, building)


@dataclass(frozen=True)
class Contract:
    """One reserved contract (or several signed alike) of a seat, as its contract book shows."""

    provider: str
    kgpu: float
    price: float
    """$M per kGPU-quarter."""
    start: int
    """First quarter (turn index); at or before the current quarter for a running one."""
    end: int
    """Last quarter it runs (turn index)."""
    running: bool
    """Already running when the book was read (its real start may be earlier)."""


def contracts(state: MatchState, seat: int) -> list[Contract]:
    """The seat's reserved contracts, running and signed to start, read from its contract book
    (kGPU and payments for each coming quarter, by provider), soonest end first."""
    world = state.world
    turn = state.turn
    found: list[Contract] = []
    for p, pid in enumerate(world.provider_ids):
        qty = [float(x) for x in state.reserved_qty[seat, p].tolist()]
        pay = [float(x) for x in state.reserved_pay[seat, p].tolist()]
        open_: list[list[float]] = []  # [kGPU, $M a quarter, start offset]
        level, paid = 0.0, 0.0
        for k in range(len(qty) + 1):
            q = qty[k] if k < len(qty) else 0.0
            m = pay[k] if k < len(pay) else 0.0
            if q > level + 1e-6:
                open_.append([q - level, m - paid, float(k)])
            elif q < level - 1e-6:
                gone, cost = level - q, paid - m
                while gone > 1e-6 and open_:
                    top = open_[-1]
                    take = min(gone, top[0])
                    share = cost * take / gone if gone > 0 else 0.0
                    found.append(
                        Contract(
                            pid,
                            take,
                            share / take if take > 0 else 0.0,
                            turn + int(top[2]),
                            turn + k - 1,
                            top[2] == 0,
                        )
                    )
                    top[0] -= take
                    top[1] -= share
                    gone -= take
                    cost -= share
                    if top[0] <= 1e-6:
                        open_.pop()
            level, paid = q, m
    return sorted(found, key=lambda c: (c.end, c.start, c.provider))


def ending_soon(state: MatchState, seat: int) -> list[Contract]:
    """Contracts whose last quarter is the current one (capacity drops next quarter)."""
    return [c for c in contracts(state, seat) if c.end == state.turn]


def locked_chips(state: MatchState, obs: Observation) -> dict[str, str]:
    """Custom chips the seat may not order yet, by id, with the research programme that
    unlocks each (its name; ``"its research"`` when none does)."""
    world = state.world
    names = {t.id: t.name for t in obs.me.research}
    done = {t.id for t in obs.me.research if t.done}
    locked = {}
    for k, sku in enumerate(world.sku_ids):
        if not world.sku_custom[k]:
            continue
        tech = world.techs.unlocks.get(k)
        tid = world.tech_ids[tech] if tech is not None else None
        if tid not in done:
            locked[sku] = names.get(tid, "its research") if tid else "its research"
    return locked


def power_room(
    state: MatchState, obs: Observation, orders: Sequence[PendingOrder], skip: int | None = None
) -> dict[str, tuple[float, float]]:
    """Per region where you have or order a data centre: its MW (built, being built and
    ordered this quarter) and the MW your chips there draw at full load (installed, arriving
    and ordered this quarter; the order at ``skip`` left out: it is being edited). A chip order
    said what it needs but not whether your data centres hold it with the chips already there."""
    world = state.world
    seat = obs.seat
    kw = {c.id: c.power_kw for c in obs.chips}
    building: dict[str, float] = {}
    drawing: dict[str, float] = {}
    for i, order in enumerate(orders):
        action = order.action
        if i == skip or not order.verdict.ok:
            continue
        if isinstance(action, BuildDatacenter):
            building[action.region] = building.get(action.region, 0.0) + action.megawatts
        elif isinstance(action, OrderChips):
            mw = float(action.quantity) * kw.get(action.sku, 0.0)
            drawing[action.region] = drawing.get(action.region, 0.0) + mw
    room: dict[str, tuple[float, float]] = {}
    for r, rid in enumerate(world.region_ids):
        dc = (
            float(state.dc_mw[seat, r])
            + float(state.dc_pipe[seat, r].sum())
            + building.get(rid, 0.0)
        )
        if dc <= 1e-9:
            continue
        chips = (
            float(state.chips_power[seat, r])
            + float(state.chip_pipe_power[:, seat, r].sum())
            + drawing.get(rid, 0.0)
        )
        room[rid] = (dc, chips)
    return room


def standing_capacity(obs: Observation) -> tuple[float, float]:
    """This quarter's capacity before any order: the reserved kGPU running now and your own
    (as last quarter used it; before any quarter, the chips installed). The Orders section's
    projection and the training dialog count from it; spot bids come on top."""
    me = obs.me
    reserved = float(sum(float(q[0]) for q in me.reserved_schedule.values() if len(q)))
    last_owned = float(me.last.get("owned", math.nan))
    owned = float(me.chips_perf.sum()) if math.isnan(last_owned) else last_owned
    return reserved, owned


def grid_queue(state: MatchState, seat: int) -> dict[str, tuple[float, float, int]]:
    """Per region, the MW waiting in its grid queue as this quarter began (everyone's requests),
    the MW its grid releases in a normal quarter, and the quarters a data centre of ``seat``'s
    takes to build there (its research speed-ups counted, as the engine builds it): what dates
    a data centre ordered now, whose request joins the queue's tail (see
    :func:`game.tui.dialogs.forms.quarters_to_power`). A region's ``grid_wait_quarters`` is the
    queue over the rate rounded up, a quarter late when the queue is not a whole number of
    quarters long (as after the first quarter, nearly always); its ``build_quarters`` leaves
    out the speed-ups (prefabricated modules build two quarters faster)."""
    world = state.world
    waiting = [0.0] * len(world.region_ids)
    for row in state.grid_queue.tolist():
        waiting[int(row[0])] += float(row[2])
    rates = world.reg_interconnect.tolist()
    return {
        rid: (waiting[r], float(rates[r]), build_quarters(state, seat, r))
        for r, rid in enumerate(world.region_ids)
    }
