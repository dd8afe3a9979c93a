"""Phase 11, record: metrics history, news with causes, the state's public record, the end check."""

from __future__ import annotations

import math

import numpy as np

from game.engine.deliveries import shift
from game.engine.history import History
from game.engine.quarter import Quarter
from game.engine.scoring import enterprise_values
from game.engine.state import MatchState, NewsItem, construct
from game.engine.summing import add_up

PRICE_NEWS_THRESHOLD = 15.0
"""A spot price that moves more than this many percent makes the news, with its causes."""

PLAYER_SERIES = (
    "cash",
    "debt",
    "capacity",
    "reserved",
    "spot",
    "owned",
    "training",
    "demand",
    "served",
    "revenue",
    "costs",
    "operating_profit",
    "compute_cost",
    "share",
    "reputation",
    "quality",
    "service_price",
    "enterprise_value",
)
PROVIDER_SERIES = ("spot_price", "provider_capacity")
MARKET_SERIES = ("market_demand",)


def empty_history(quarters: int, n_players: int, n_providers: int) -> History:
    widths = dict.fromkeys(PLAYER_SERIES, n_players)
    widths.update(dict.fromkeys(PROVIDER_SERIES, n_providers))
    widths.update(dict.fromkeys(MARKET_SERIES, 1))
    return History(quarters, widths)


def run(state: MatchState, q: Quarter) -> None:
    t = state.turn
    status = state.status.tolist()
    bankrupt_turn = state.bankrupt_turn.tolist()
    costs_total = [add_up(bills) for bills in zip(*q.costs.values(), strict=True)]
    row: dict[str, tuple[float, ...]] = {
        "cash": tuple(state.cash.tolist()),
        "debt": tuple(state.debt.tolist()),
        "capacity": tuple(q.capacity),
        "reserved": tuple(q.reserved_total),
        "spot": tuple(q.spot_total),
        "owned": tuple(q.owned_total),
        "training": tuple(q.training),
        "demand": tuple(q.demand),
        "served": tuple(q.served),
        "revenue": tuple(q.revenue),
        "costs": tuple(costs_total),
        "operating_profit": tuple(q.operating_profit),
        "compute_cost": tuple(q.compute_cost),
        "share": tuple(q.share),
        "reputation": tuple(state.reputation.tolist()),
        "quality": tuple(state.quality.tolist()),
        "service_price": tuple(state.service_price.tolist()),
        "enterprise_value": tuple(enterprise_values(state, q.operating_profit)),
    }
    # A player eliminated in an earlier quarter has no figures any more: NaN.
    gone = [s != 0 and b < t for s, b in zip(status, bankrupt_turn, strict=True)]
    if any(gone):
        nan = math.nan
        for key in PLAYER_SERIES:
            row[key] = tuple(nan if out else v for v, out in zip(row[key], gone, strict=True))
    row["spot_price"] = tuple(state.spot_price.tolist())
    row["provider_capacity"] = tuple(np.asarray(q.capacity_eff, dtype=np.float64).tolist())
    row["market_demand"] = (float(q.market_demand),)
    q.history_row = row

    # Spend with each provider over the last four quarters decides reserved priority.
    spend = state.spend
    shift(spend)
    # reserved_pay[:, :, 0] + spot_won * spot_price, written straight into the last slot
    # (np.multiply takes spot_won's lists as they are: cheaper than the same sums in Python
    # and a nested list written back into the array)
    np.add(
        state.reserved_pay[:, :, 0], np.multiply(q.spot_won, state.spot_price), out=spend[:, :, -1]
    )
    shift(state.reserved_qty)
    shift(state.reserved_pay)
    shift(state.dc_pay)

    for result in q.spot_results:
        change = result.change_pct
        if abs(change) >= PRICE_NEWS_THRESHOLD:
            q.news.append(
                construct(
                    NewsItem,
                    turn=t,
                    category="price",
                    headline=f"{result.name} spot ${result.price:.2f}M ({change:+.0f}%)",
                    text="",
                    event=None,
                    seat=None,
                    cause=result,
                )
            )
