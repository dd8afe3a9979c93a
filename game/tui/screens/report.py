"""The quarter report: what happened to you and why, and what moved each spot price."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.engine import QuarterReport, observe
from game.engine.derived import offload
from game.engine.scoring import standings
from game.tui.format import BAD, GOOD, exact_money, kgpu, money, pct, price
from game.tui.order_keys import BY_ACTION
from game.tui.session import GameSession, PredictionResult
from game.tui.widgets.infrastructure import grid_ready_text
from game.tui.widgets.news import news_line
from game.tui.widgets.overview import value_parts
from game.tui.widgets.plan import ending_soon, reserved_lead

COST_LABELS = {
    "reserved": "reserved contracts",
    "spot": "spot capacity",
    "power": "power",
    "upkeep": "upkeep",
    "edge": "edge offload",
    "operating": "operating costs",
    "research": "research",
    "capex": "chips, network and building",
    "interest": "interest",
    "fees": "emergency credit fees",
}
"""How the cash bridge names each of the engine's cost lines."""


def _applied(report: QuarterReport, seat: int, kind: str) -> list[dict[str, Any]]:
    return [a for a in report.applied[seat] if a.get("type") == kind]


def cash_bridge(session: GameSession, seat: int, report: QuarterReport) -> str:
    """Cash at the start of the quarter, every flow of the quarter, cash at its end: a sum
    that adds up (borrowing, repayment and sublease income included)."""
    me = report.players[seat]
    history = session.state.history
    t = report.turn
    world = session.state.world
    if t > 0:
        was, debt_was = float(history["cash"][t - 1, seat]), float(history["debt"][t - 1, seat])
    else:
        was, debt_was = float(world.industries[seat].starting_cash), 0.0
    if math.isnan(was) or math.isnan(me.cash):
        return f"[b]Cash[/b] {money(me.cash)}, debt {money(me.debt)}."
    costs = {k: v for k, v in me.costs.items() if abs(v) > 1e-9}
    borrowed = add([float(a.get("amount", 0.0)) for a in _applied(report, seat, "borrow")])
    penalty = float(world.scenario.market.penalty_rate)
    fees = costs.get("fees", 0.0)
    drawn = fees / penalty if penalty > 0 and fees > 0 else 0.0
    repaid = max(borrowed + drawn - (me.debt - debt_was), 0.0)
    sublease = me.sublease_income
    # Anything the known flows leave unexplained (nothing, as the engine books cash today).
    other = (
        me.cash
        - was
        - me.revenue
        - sublease
        + add(list(costs.values()))
        - borrowed
        - drawn
        + repaid
    )
    flows: list[str] = [f"{exact_money(was)} at the start"]
    before = f" (was {exact_money(was)})" if t > 0 else ""
    flows.append(f"+ revenue {exact_money(me.revenue)}")
    if sublease > 0.05:
        flows.append(f"+ sublease income {exact_money(sublease)}")
    if abs(other) > 0.05:
        flows.append(f"{'+' if other > 0 else '−'} other {exact_money(abs(other))}")
    if borrowed > 0.05:
        flows.append(f"+ borrowed {exact_money(borrowed)}")
    if drawn > 0.05:
        flows.append(f"+ emergency credit {exact_money(drawn)}")
    for key, value in sorted(costs.items(), key=lambda kv: -kv[1]):
        if abs(value) > 0.05:
            flows.append(f"− {COST_LABELS.get(key, key.replace('_', ' '))} {exact_money(value)}")
    if repaid > 0.05:
        flows.append(f"− repaid {exact_money(repaid)}")
    return (
        f"[b]Cash[/b] {exact_money(me.cash)}{before}: {' '.join(flows)}"
        f" = [b]{exact_money(me.cash)}[/b]. Debt {exact_money(me.debt)}"
        + (f" (from {exact_money(debt_was)})." if abs(me.debt - debt_was) > 0.05 else ".")
    )


def add(values: list[float]) -> float:
    total = 0.0
    for v in values:
        total += v
    return total


def spot_won(report: QuarterReport, provider: str) -> list[tuple[tuple[int, float, float], float]]:
    """Each bid at ``provider`` with the kGPU it won, as the auction filled it."""
    result = next((s for s in report.spot if s.provider == provider), None)
    if result is None:
        return []
    return list(zip(result.inputs.bids, result.fills, strict=True))


def in_sentence(title: str) -> str:
    """An event's title inside a sentence: a leading article in lower case ("down because a
    public AI failure hit...", not "because A public AI failure"); a name stays as it is.

    >>> in_sentence("A public AI failure"), in_sentence("Texas grid emergency")
    ('a public AI failure', 'Texas grid emergency')
    """
    first, _, rest = title.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("A", "An", "The") else title


def reputation_cause(
    session: GameSession,
    report: QuarterReport,
    unserved: float,
    harsh: str,
    now: float,
    before: float,
) -> str:
    """Why the reputation moved: customers turned away, an event that hit every enterprise's
    reputation (a start-up that served every customer read "Reputation 52% (was 54%)" with no
    cause: an AI scandal had cost everyone 5 points), or a quarter of full service."""
    if pct(now) == pct(before):
        return ""
    events = {e.id: e for e in session.content.events}
    hits = [
        in_sentence(events[i].title)
        for i in report.events
        if i in events and any(f.target == "players.reputation" for f in events[i].effects)
    ]
    if now < before:
        causes = ([f"customers were turned away{harsh}"] if unserved > 0.05 else []) + [
            f"{title} hit every enterprise's reputation (6 News)" for title in hits
        ]
        return f": down because {' and '.join(causes)}" if causes else ""
    if unserved <= 0.05 and not hits:
        return ": up because every customer was served"
    return ""


def bid_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Each of your spot bids, the kGPU it won and the clearing price it met."""
    names = session.names
    results = {s.provider: s for s in report.spot}
    fills: dict[str, list[tuple[tuple[int, float, float], float]]] = {}
    lines = []
    for bid in _applied(report, seat, "bid_spot"):
        pid = str(bid.get("provider", ""))
        quantity, limit = float(bid.get("quantity", 0.0)), float(bid.get("max_price", 0.0))
        result = results.get(pid)
        if result is None:
            continue
        if pid not in fills:
            fills[pid] = spot_won(report, pid)
        # This bid's own fill: the first recorded bid of this seat with its quantity and limit.
        won = quantity
        for i, ((who, qty, lim), fill) in enumerate(fills[pid]):
            if who == seat and abs(qty - quantity) < 1e-9 and abs(lim - limit) < 1e-9:
                won = fill
                del fills[pid][i]
                break
        where = f"{kgpu(quantity)} kGPU at {names.provider(pid)}"
        if limit + 1e-9 < result.price or (won < 0.05 and quantity >= 0.05):
            lines.append(
                f"[b]Spot bid[/b] {where}: [yellow]not filled[/] — your limit {price(limit)}"
                f" < clearing price {price(result.price)}."
                if limit + 1e-9 < result.price
                else f"[b]Spot bid[/b] {where}: [yellow]not filled[/] at {price(result.price)}"
                + (
                    " (supply ran short: rationed)."
                    if result.rationed
                    else " (your limit set the price: bids at it share what is left)."
                )
            )
        elif won < quantity - 0.05:
            why = (
                "supply ran short: rationed"
                if result.rationed
                else "your limit set the price: bids at it share what is left"
            )
            lines.append(
                f"[b]Spot bid[/b] {names.provider(pid)}: [yellow]filled {kgpu(won)} of"
                f" {kgpu(quantity)} kGPU[/] at {price(result.price)}/kGPU ({why})."
            )
        else:
            lines.append(f"[b]Spot bid[/b] {where}: filled at {price(result.price)}/kGPU.")
    return lines


def sublease_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Each sublease of the quarter: where it went, the spot price it was sold at less the fee,
    and the income all of them brought in (until now only inside the cash line)."""
    leases = _applied(report, seat, "sublease")
    if not leases:
        return []
    fee = float(session.state.world.scenario.market.sublease_fee)
    prices = {s.provider: s.price for s in report.spot}
    lines = []
    for lease in leases:
        pid = str(lease.get("provider", ""))
        where = f"{kgpu(float(lease.get('quantity', 0.0)))} kGPU at {session.names.provider(pid)}"
        if pid in prices:
            lines.append(
                f"[b]Sublease[/b] {where}: sold into its spot market at {price(prices[pid])}/kGPU,"
                f" less the {fee:.0%} fee."
            )
    income = report.players[seat].sublease_income
    lines.append(f"[b]Sublease income[/b] {exact_money(income)} in all (in the cash line above).")
    return lines


def contract_warnings(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Reserved capacity that ended with the quarter just played, and contracts in their last
    quarter now (their capacity is gone next quarter)."""
    state = session.state
    if report.turn != state.turn - 1 or state.over or state.status[seat] != 0:
        return []
    names, label = session.names, state.world.quarter_label
    lines = []
    reserved_now = float(state.reserved_qty[seat, :, 0].sum())
    before = report.players[seat].reserved
    if reserved_now < before - 0.05:
        lines.append(
            f"[yellow]⚠ Reserved capacity[/] {kgpu(reserved_now)} kGPU this quarter"
            f" ({label(state.turn)}), {kgpu(before)} last quarter: contracts ended."
        )
    for c in ending_soon(state, seat):
        lines.append(
            f"[yellow]⚠ Contract ending[/] {names.provider(c.provider)} {kgpu(c.kgpu)} kGPU"
            f" runs its last quarter in {label(c.end)}, the quarter you plan next; from"
            f" {label(c.end + 1)} that capacity is gone unless you reserve again."
        )
    return lines


def grid_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Per region where the seat still has MW waiting in the grid queue after the quarter just
    played: when it is powered at the normal rate (``me.grid_ready_quarters``)."""
    state = session.state
    if report.turn != state.turn - 1 or state.over or state.status[seat] != 0:
        return []
    obs = observe(state, seat)
    lines = []
    for r in obs.regions:
        text = grid_ready_text(obs, r.id, state.world.quarter_label)
        if text:
            lines.append(f"[b]Grid queue[/b] {session.names.region(r.id)}: {text}.")
    return lines


def idle_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Per region where chips of the seat's own stood unconnected or unpowered last quarter:
    how much, and what to do (they cost upkeep whether used or not)."""
    state = session.state
    coming: dict[str, float] = {}  # kGPU of ports on order, by region (the latest quarter)
    if report.turn == state.turn - 1 and not state.over and state.status[seat] == 0:
        obs = observe(state, seat)
        ports = {r.id: r.ports_per_unit for r in obs.regions}
        coming = {h.region: sum(h.fabric_arriving) * ports[h.region] for h in obs.me.holdings}
    lines = []
    for row in report.players[seat].waterfall:
        usable = min(row.networked, row.powered)
        if row.installed - usable <= 0.05:
            continue
        why = []
        if row.installed - row.networked > 0.05:
            on_order = coming.get(row.region, 0.0)
            todo = (
                "fabric for the rest on order"
                if row.networked + on_order >= row.installed - 0.05
                else f"order fabric: {BY_ACTION['order_network'].key}"
            )
            why.append(f"network ports for {kgpu(row.networked)} ({todo})")
        if row.installed - row.powered > 0.05:
            why.append(f"power for {kgpu(row.powered)} (a powered data centre: see Infra)")
        lines.append(
            f"[yellow]Idle chips[/] {session.names.region(row.region)}:"
            f" {kgpu(row.installed - usable)} of your {kgpu(row.installed)} kGPU could not run,"
            f" paying upkeep: {' and '.join(why)}."
        )
    return lines


def serving_boost(session: GameSession, seat: int, report: QuarterReport) -> tuple[float, float]:
    """Research's serving boost and the kGPU it offloaded to the edge in the quarter of
    ``report`` (with the research done before that quarter)."""
    me = report.players[seat]
    state = session.state
    table = state.world.techs
    done = (state.research_done >= 0) & (state.research_done < report.turn)
    boost = 1.0
    if table.log_efficiency.size:
        boost = float(np.exp(done[seat].astype(np.float64) @ table.log_matrix)[0])
    share, _cost = offload(state, done)
    return boost, me.demand * float(share[seat])


def idle_capacity(session: GameSession, seat: int, report: QuarterReport) -> str:
    """When every customer was served: the kGPU of capacity for customers (after training)
    that none of them used, paid for all the same; empty when (almost) all was used. A
    newcomer who rented twice what customers wanted read only 'every customer served'."""
    me = report.players[seat]
    boost, edge = serving_boost(session, seat, report)
    idle = me.inference - max(me.served - edge, 0.0) / boost
    if idle <= 0.05 or idle < 0.05 * me.inference:
        return ""
    # What helps depends on what stood idle and what the scenario allows: "rent less" is no
    # advice for chips of your own, and a rent-only scenario has no sublease.
    sublease = "sublease" in session.state.world.scenario.mechanics
    helps = "a lower price wins more customers" + (
        "; u subleases reserved capacity you will not need" if sublease else ""
    )
    return (
        f"; {kgpu(idle)} kGPU of your capacity stood idle, paid for with no customer to use"
        f" it ({helps})"
    )


def serving_capacity(session: GameSession, seat: int, report: QuarterReport) -> str:
    """What capacity served customers: inference capacity times research's serving boost, plus
    what research offloads to the edge (the engine's arithmetic, with the research done before
    the quarter: ``served = inference × efficiency + edge`` when customers were turned away)."""
    me = report.players[seat]
    boost, edge = serving_boost(session, seat, report)
    text = f"inference capacity was {kgpu(me.inference)} kGPU"
    if abs(boost - 1.0) > 1e-3 and me.inference > 0.05:
        text += (
            f" × {boost:.2f} from research = {kgpu(me.inference * boost)} kGPU of serving capacity"
        )
    if edge > 0.05:
        text += f", plus {kgpu(edge)} kGPU offloaded to the edge"
    return text


def compare_line(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """What customers compared when they chose (public figures): your service price and
    reputation against the active rivals', each with where you stand. Empty without rivals.

    The demand a company wins grows with its quality and reputation and falls with its price
    (the appeal formula in the glossary); this names the two figures a player sets or earns."""
    history = session.state.history
    t = report.turn
    rivals = [
        i for i in range(len(report.players)) if i != seat and report.players[i].status == "active"
    ]
    if not rivals or t >= len(history["service_price"]):
        return []
    prices = [float(history["service_price"][t, i]) for i in rivals]
    # Customers chose with the reputations of the quarter before (the opening ones at first).
    industries = session.state.world.industries

    def rep_of(i: int) -> float:
        if t == 0:
            return float(industries[i].starting_reputation)
        return float(history["reputation"][t - 1, i])

    reps = [rep_of(i) for i in rivals]
    my_price = float(history["service_price"][t, seat])
    my_rep = rep_of(seat)

    def span(values: list[float], show: Callable[[float], str]) -> str:
        low, high = min(values), max(values)
        return show(low) if show(low) == show(high) else f"{show(low)}–{show(high)}"

    def cents(value: float) -> float:
        return round(value, 2)

    def percent(value: float) -> float:
        return round(value * 100)

    return [
        f"Customers compare: your price {price(my_price)}"
        f" ({standing(my_price, prices, False, cents)}; rivals {span(prices, price)}),"
        f" reputation {pct(my_rep)} ({standing(my_rep, reps, True, percent)}; rivals"
        f" {span(reps, pct)})."
    ]


def standing(
    mine: float, theirs: list[float], high_good: bool, shown: Callable[[float], float]
) -> str:
    """Where ``mine`` stands among the rivals' ``theirs``, compared as the report shows them
    (``shown`` rounds to the digits printed): 'reputation 74% (lowest; rivals 74%)' read as
    a contradiction.

    >>> standing(0.736, [0.741], True, lambda v: round(v * 100))
    'level'
    >>> standing(0.70, [0.741, 0.80], True, lambda v: round(v * 100))
    '[red]lowest[/]'
    """
    me, them = shown(mine), [shown(v) for v in theirs]
    if me > max(them):
        return "[green]best[/]" if high_good else "[red]highest[/]"
    if me < min(them):
        return "[red]lowest[/]" if high_good else "[green]lowest[/]"
    if me == max(them) == min(them):
        return "level"
    return "middle"


def standings_at(session: GameSession, turn: int) -> dict[int, tuple[int, float]]:
    """Each seat's rank and score after quarter ``turn`` (a turn index), as the engine's
    standings rank them then. Empty before the first."""
    state = session.state
    if turn < 0 or turn >= len(state.history["enterprise_value"]):
        return {}
    return {s.seat: (s.rank, s.score) for s in standings(state, turn)}


def standing_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Where you stand after the quarter and how that changed, then each rival's public moves:
    market share and price against the quarter before, and what it announced this quarter (its
    data centres, its large reserved deals). The report said nothing of either: rank 1 became
    rank 3 between two reports, and rivals' builds were only in the Rivals section."""
    state = session.state
    t = report.turn
    now, before = standings_at(session, t), standings_at(session, t - 1)
    if seat not in now:
        return []
    rank, score = now[seat]
    value_created = state.world.scenario.victory.rule == "value_created"

    def show(value: float) -> str:
        if not value_created:
            return money(value)
        return f"{'+' if value >= 0 else '−'}{money(abs(value))}"

    what = "value created" if value_created else "enterprise value"
    line = f"[b]You[/b]: {what} {show(score)}"
    if seat in before and show(before[seat][1]) != show(score):
        line += f" (was {show(before[seat][1])})"
    line += f", rank {rank} of {state.n_players}"
    if seat in before and before[seat][0] != rank:
        was = before[seat][0]
        # in words as well as colour (NO_COLOR, colour blindness): up is the better way
        moved = f"[{GOOD}]up from {was}[/]" if rank < was else f"[{BAD}]down from {was}[/]"
        line += f" ({moved})"
    lines = [line + "."]
    history = state.history
    # What the score is made of, for the latest quarter (the parts are the state's): a score
    # that fell while cash went into a data centre or contracts said nothing of why.
    if t == state.turn - 1:
        made_of = value_parts(session, seat, float(history["enterprise_value"][t, seat])).strip()
        if made_of:
            opening = float(state.world.industries[seat].starting_cash)
            lines.append(
                f"Your {made_of[0].lower()}{made_of[1:]}"
                + (
                    f"; value created = that − opening cash {money(opening)}."
                    if value_created
                    else "."
                )
            )
    names = session.names
    said: dict[int, list[str]] = {}
    for turn, who, text in state.announcements:
        if turn == t and who != seat:
            said.setdefault(who, []).append(names.text(text))
    for i in range(state.n_players):
        if i == seat:
            continue
        name = state.names[i]
        if report.players[i].status != "active":
            lines.append(f"{escape(name)}: out of the game.")
            continue
        share = float(history["share"][t, i])
        parts = [f"share {pct(share, 1)}"]
        if t > 0 and not math.isnan(float(history["share"][t - 1, i])):
            change = share - float(history["share"][t - 1, i])
            if abs(change) >= 0.0005:
                parts[0] += f" ({'+' if change > 0 else '−'}{abs(change) * 100:.1f} pts)"
        cost = float(history["service_price"][t, i])
        parts.append(f"price {price(cost)}")
        if t > 0:
            was_price = float(history["service_price"][t - 1, i])
            if not math.isnan(was_price) and price(was_price) != price(cost):
                parts[-1] += f" (was {price(was_price)})"
        moves = [
            text[len(name) :].strip() if text.startswith(name) else text for text in said.get(i, [])
        ]
        lines.append(
            f"{escape(name)}: {', '.join(parts)}"
            + (f"; {escape('; '.join(moves))}" if moves else "")
            + "."
        )
    return lines


def bankrupt_line(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """The first line of the report of the quarter that bankrupted ``seat`` (the engine's news
    item alone came last, under the spot prices)."""
    if seat not in report.bankruptcies:
        return []
    me = report.players[seat]
    return [
        f"[b red]Bankrupt[/]: cash {money(me.cash)} with the credit line used up (debt"
        f" {money(me.debt)}). {escape(session.state.names[seat])} is out of the game: its"
        " contracts are cancelled, its orders void and its customers go to the rivals."
    ]


def figure_lines(session: GameSession, seat: int, report: QuarterReport) -> list[str]:
    """Each key figure with its change and the reason the engine's numbers give for it."""
    me = report.players[seat]
    history = session.state.history
    t = report.turn
    prev = {
        k: float(history[k][t - 1, seat]) if t > 0 else math.nan
        for k in ("cash", "capacity", "demand", "served", "revenue", "reputation", "share")
    }
    if t == 0:  # the first quarter compares reputation with the industry's starting one
        prev["reputation"] = float(session.state.world.industries[seat].starting_reputation)
    unserved = me.unserved

    def was(key: str, show: Callable[[float], str]) -> str:
        # The first quarter has no earlier figure to compare with: say nothing rather than "—".
        if math.isnan(prev[key]) or show(prev[key]) == show(getattr(me, key)):
            return ""
        return f" (was {show(prev[key])})"

    rep_now = pct(me.reputation)
    industry = session.state.world.industries[seat]
    sensitivity = float(industry.outage_sensitivity)
    harsh = (
        f" ({industry.name.lower()} customers punish it {sensitivity:g}× as hard)"
        if sensitivity > 1.05
        else ""
    )
    lines = [
        *bankrupt_line(session, seat, report),
        f"[b]Capacity[/b] {kgpu(me.capacity)} kGPU{was('capacity', kgpu)}:"
        f" reserved {kgpu(me.reserved)} + spot {kgpu(me.spot)} + owned {kgpu(me.owned)};"
        f" {kgpu(me.training)} went to training.",
        f"[b]Demand[/b] {kgpu(me.demand)} kGPU{was('demand', kgpu)}; market"
        f" {kgpu(report.market_demand)} kGPU, your share {pct(me.market_share, 1)}.",
        *compare_line(session, seat, report),
        f"[b]Served[/b] {kgpu(me.served)} kGPU"
        + (
            f": [red]{kgpu(unserved)} kGPU turned away[/] because"
            f" {serving_capacity(session, seat, report)}."
            if unserved > 0.05
            else f": every customer served{idle_capacity(session, seat, report)}."
        ),
        cash_bridge(session, seat, report),
        f"[b]Reputation[/b] {rep_now}{was('reputation', pct)}"
        + reputation_cause(session, report, unserved, harsh, me.reputation, prev["reputation"])
        + f"; quality {me.quality:.2f}.",
    ]
    names = session.names
    label = session.state.world.quarter_label
    for fill in report.reserved:
        if fill.seat == seat:
            start = report.turn + reserved_lead(session.state, fill.provider)
            runs = (
                f", {label(start)} to {label(start + fill.term - 1)}" if fill.filled > 1e-9 else ""
            )
            lines.append(
                f"[b]Reserved[/b] {names.provider(fill.provider)}: asked"
                f" {kgpu(fill.requested)}, got {kgpu(fill.filled)} kGPU for {fill.term} quarters"
                f" at {price(fill.price)}{runs}"
                + (
                    " (partly filled: only that much was free; high-value customers first)"
                    if fill.filled < fill.requested - 1e-6
                    else ""
                )
            )
    lines += bid_lines(session, seat, report)
    lines += sublease_lines(session, seat, report)
    lines += contract_warnings(session, seat, report)
    lines += idle_lines(session, seat, report)
    lines += grid_lines(session, seat, report)
    for kind, _code, message in report.rejected[seat]:
        lines.append(
            f"[red]Rejected[/red] {names.action_kind(kind)}: {escape(names.text(message))}"
        )
    return lines


def prediction_lines(result: PredictionResult) -> str:
    """The question, the team's answer and what happened, with a short verdict."""
    answer = result.answer
    if answer is None:
        said = "You skipped this question."
    else:
        said = f"You said: [b]{escape(str(answer))}[/b]" + (
            f" ({result.unit})" if not isinstance(answer, str) else ""
        )
    verdict = result.verdict()
    colour = "green" if verdict in ("right", "spot on") else "yellow"
    return (
        f"{escape(result.prediction.question)}\n{said}\n"
        f"What happened: {escape(result.happened())}"
        + (f"  [{colour}]{escape(verdict)}[/]" if verdict and answer is not None else "")
    )


class ReportScreen(Screen[None]):
    """What happened in the quarter just played."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,space", "close", "Continue", id="report.close")
    ]
    section = "report"
    stops_clock = True

    def __init__(self, session: GameSession, seat: int, report: QuarterReport, final: bool = False):
        super().__init__()
        self.session = session
        self.seat = seat
        self.report = report
        self.final = final
        """The last quarter of the match: the final standings come next."""

    def compose(self) -> ComposeResult:
        report, seat = self.report, self.seat
        last = " (last quarter)" if self.final else ""
        yield Static(
            f"Quarter report: {report.label}{last} · {self.session.state.names[seat]}",
            classes="screen-title",
        )
        if self.final:
            yield Static(
                "[b]The match is over.[/b] Enter shows the final standings.",
                id="report-final",
            )
        with VerticalScroll(id="report-body"):
            yield Static("Your figures", classes="subtitle")
            yield Static("\n".join(figure_lines(self.session, seat, report)), id="report-figures")
            standing = standing_lines(self.session, seat, report)
            if standing:
                yield Static("Standings and rivals", classes="subtitle")
                yield Static("\n".join(standing), id="report-standings")
            predicted = self.session.prediction_result(seat, report.turn)
            if predicted is not None:
                yield Static("Your prediction", classes="subtitle")
                yield Static(prediction_lines(predicted), id="report-prediction")
            yield Static("Spot prices and why they moved", classes="subtitle")
            yield Static(
                "\n".join(s.explanation(seat) for s in report.spot) or "no spot market",
                id="report-spot",
            )
            yield Static("News", classes="subtitle")
            news = report.news_for(seat)
            yield Static(
                "\n".join(f"• {news_line(n)}" for n in news) or "A quiet quarter.",
                id="report-news",
            )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
