"""Final scoring: enterprise value (a published formula) and the two-axis verdict.

**Enterprise value** ($M), computed every quarter::

    EV = cash − debt + book value of chips, network and facilities
         + earnings_multiple × max(0, mean operating profit of the last 4 quarters)
           × (0.5 + 0.5 × reputation)

**Score**: under the default victory rule ``value_created`` it is the value a player created,
``EV at the end − EV at the start`` (the start is the opening cash), so a start-up and a bank
compete on what they did, not on what they were given; under ``enterprise_value`` it is EV.
Survivors rank by score; bankrupt players rank below every survivor, later bankruptcies first.

**The verdict** places each player on two axes over the whole match: the share of its
customers' demand it served, and its compute cost per kGPU served (reserved, spot, power,
upkeep, edge and depreciation, less sublease income). The scenario's ``victory`` table sets the
thresholds that name the four quadrants.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game.engine.state import MatchState
from game.engine.tables import FloatArray

TITLES = {
    (True, True): ("Capacity Strategist", "served its customers and paid little for it"),
    (True, False): ("Big Spender", "served its customers, but paid top dollar for compute"),
    (False, True): ("Lean but Short", "kept compute cheap, but turned customers away"),
    (False, False): ("Stranded", "paid a lot for compute and still turned customers away"),
}


def enterprise_value(
    state: MatchState, operating_profit: FloatArray | Sequence[float] | None = None
) -> FloatArray:
    """(N,) enterprise value now; ``operating_profit`` adds the quarter being recorded."""
    return np.array(enterprise_values(state, operating_profit))


def enterprise_values(
    state: MatchState, operating_profit: FloatArray | Sequence[float] | None = None
) -> list[float]:
    """:func:`enterprise_value` as plain floats (the engine's record phase wants a list)."""
    multiple = state.world.scenario.victory.earnings_multiple
    means = _mean_profits(state, operating_profit)
    cash = state.cash.tolist()
    debt = state.debt.tolist()
    reputation = state.reputation.tolist()
    result: list[float] = []
    for i, (chips, network, facilities) in enumerate(state.assets_book.tolist()):
        assets = 0.0 + chips + network + facilities  # assets_book.sum(axis=1), in order
        result.append(
            cash[i] - debt[i] + assets + multiple * max(means[i], 0.0) * (0.5 + 0.5 * reputation[i])
        )
    return result


@dataclass(frozen=True)
class ValueParts:
    """One seat's enterprise value in the formula's parts (for showing it to a player)."""

    cash: float
    debt: float
    equipment: float
    """Chips, network and facilities at book value, $M."""
    mean_profit: float
    """Mean operating profit of the last four quarters, $M (a loss earns nothing)."""
    reputation_factor: float
    """0.5 + 0.5 × reputation."""
    multiple: float

    @property
    def earnings(self) -> float:
        return self.multiple * max(self.mean_profit, 0.0) * self.reputation_factor


def value_parts(state: MatchState) -> list[ValueParts]:
    """Each seat's :func:`enterprise_value` in its parts, as it stands now."""
    multiple = state.world.scenario.victory.earnings_multiple
    means = _mean_profits(state, None)
    return [
        ValueParts(cash, debt, 0.0 + chips + network + facilities, mean, 0.5 + 0.5 * rep, multiple)
        for cash, debt, (chips, network, facilities), mean, rep in zip(
            state.cash.tolist(),
            state.debt.tolist(),
            state.assets_book.tolist(),
            means,
            state.reputation.tolist(),
            strict=True,
        )
    ]


def _mean_profits(
    state: MatchState, operating_profit: FloatArray | Sequence[float] | None
) -> list[float]:
    """Per seat, the mean operating profit of the last four quarters (``operating_profit``:
    the quarter being recorded counts as the last), made finite."""
    rows = state.history.rows()
    t = state.turn
    if operating_profit is not None:
        recent = [row["operating_profit"] for row in rows[max(0, t - 3) : t]]
        total = [float(x) for x in operating_profit]
        for values in recent:
            total = [a + b for a, b in zip(total, values, strict=True)]
        count = len(recent) + 1
    else:
        recent = [row["operating_profit"] for row in rows[max(0, t - 4) : t]]
        total = [0.0] * state.n_players
        for values in recent:
            total = [a + b for a, b in zip(total, values, strict=True)]
        count = max(len(recent), 1)
    means = []
    for value in total:
        e = value / count
        if e - e != 0.0:  # NaN or infinite
            e = _finite(e)
        means.append(e)
    return means


def _finite(x: float) -> float:
    """``np.nan_to_num`` for one float."""
    if math.isnan(x):
        return 0.0
    if math.isinf(x):
        return _MAX if x > 0 else -_MAX
    return x


_MAX = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class Standing:
    """One player's place at the end (or now)."""

    seat: int
    name: str
    rank: int
    score: float
    status: str
    bankrupt_turn: int | None
    served_share: float
    cost_per_kgpu: float
    title: str
    verdict: str


def standings(state: MatchState, turn: int | None = None) -> list[Standing]:
    """Players in rank order, each with the verdict on the whole match so far; as they stood
    after quarter ``turn`` (a turn index) when given, else after the last quarter played."""
    victory = state.world.scenario.victory
    played = state.turn if turn is None else turn + 1
    ev = state.history["enterprise_value"]
    served = np.nansum(state.history["served"][:played], axis=0)
    demand = np.nansum(state.history["demand"][:played], axis=0)
    compute = np.nansum(state.history["compute_cost"][:played], axis=0)
    rows = []
    for seat in range(state.n_players):
        out = int(state.bankrupt_turn[seat])  # the quarter it went bankrupt in, else -1
        alive = out < 0 or out >= played
        last = played - 1 if alive else out
        value = float(ev[last, seat]) if last >= 0 and not np.isnan(ev[last, seat]) else 0.0
        opening = float(state.world.industries[seat].starting_cash)
        score = value - opening if victory.rule == "value_created" else value
        share = float(served[seat] / demand[seat]) if demand[seat] > 0 else 0.0
        cost = float(compute[seat] / served[seat]) if served[seat] > 0 else float("inf")
        title, verdict = TITLES[
            (share >= victory.served_share_good, cost <= victory.cost_per_kgpu_good)
        ]
        if not alive:
            title, verdict = "Bankrupt", f"ran out of cash in {state.world.quarter_label(last)}"
        rows.append((seat, alive, last, score, share, cost, title, verdict))
    rows.sort(key=lambda r: (not r[1], -r[3] if r[1] else -r[2], r[0]))
    return [
        Standing(
            seat=seat,
            name=state.names[seat],
            rank=rank + 1,
            score=round(score, 6),
            status="active" if alive else "bankrupt",
            bankrupt_turn=None if alive else last,
            served_share=share,
            cost_per_kgpu=cost,
            title=title,
            verdict=verdict,
        )
        for rank, (seat, alive, last, score, share, cost, title, verdict) in enumerate(rows)
    ]
