"""Phase 11, record: metrics history, news with causes, the state's public record, the end check."""

from __future__ import annotations

import math

import numpy as np

from game.engine.deliveries import shift
from game.engine.history import History
from game.engine.quarter import Quarter
from game.engine.scoring import enterprise_value
from game.engine.state import MatchState, NewsItem

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
    active = state.status == 0
    frozen = ~active & (state.bankrupt_turn < t)
    reserved = q.reserved_received.sum(axis=1)
    spot = q.spot_won.sum(axis=1)
    owned = q.owned.sum(axis=1)
    costs_total = [sum(bills) for bills in zip(*q.costs.values(), strict=True)]
    series = {
        "cash": state.cash,
        "debt": state.debt,
        "capacity": q.capacity,
        "reserved": reserved,
        "spot": spot,
        "owned": owned,
        "training": q.training,
        "demand": q.demand,
        "served": q.served,
        "revenue": q.revenue,
        "costs": costs_total,
        "operating_profit": q.operating_profit,
        "compute_cost": q.compute_cost,
        "share": q.share,
        "reputation": state.reputation,
        "quality": state.quality,
        "service_price": state.service_price,
        "enterprise_value": enterprise_value(state, q.operating_profit),
    }
    row = {
        key: tuple(np.asarray(values, dtype=np.float64).tolist()) for key, values in series.items()
    }
    if frozen.any():
        gone = frozen.tolist()
        nan = math.nan
        for key in series:
            row[key] = tuple(nan if out else v for v, out in zip(row[key], gone, strict=True))
    row["spot_price"] = tuple(state.spot_price.tolist())
    row["provider_capacity"] = tuple(np.asarray(q.capacity_eff, dtype=np.float64).tolist())
    row["market_demand"] = (float(q.market_demand),)
    q.history_row = row

    # Spend with each provider over the last four quarters decides reserved priority.
    shift(state.spend)
    state.spend[:, :, -1] = state.reserved_pay[:, :, 0] + q.spot_won * state.spot_price[None, :]
    shift(state.reserved_qty)
    shift(state.reserved_pay)
    shift(state.dc_pay)

    for result in q.spot_results:
        if abs(result.change_pct) >= PRICE_NEWS_THRESHOLD:
            q.news.append(
                NewsItem(
                    t,
                    "price",
                    f"{result.name} spot ${result.price:.2f}M ({result.change_pct:+.0f}%)",
                    "",
                    cause=result,
                )
            )
