"""Explanations (DESIGN §8): every spot price move split into its causes by the engine.

The move from last quarter's price to this quarter's is attributed by sequential substitution:
starting from last quarter's auction inputs, this quarter's values are swapped in one factor at a
time, in a fixed order, and the auction is re-cleared after each swap. Each factor's share of the
move is the change in log price it caused, so the shares add up to the whole move.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from game.engine.auction import clear_outcome
from game.engine.report import Cause, SpotInputs
from game.engine.summing import add_up

if TYPE_CHECKING:
    from game.engine.report import SpotResult

FACTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("capacity", ("capacity_trend",)),
    ("capacity_shock", ("capacity_shock", "outage")),
    ("reserved", ("reserved_out",)),
    ("background", ("background_trend", "background_noise")),
    ("background_shock", ("background_shock",)),
    ("list_price", ("p_ref", "floor", "cap", "eta")),
    ("bids", ("bids",)),
)


def _price(inputs: SpotInputs) -> float:
    return clear_outcome(
        inputs.supply,
        inputs.background,
        inputs.p_ref,
        inputs.eta,
        inputs.floor,
        inputs.cap,
        inputs.bids,
    )[0]


def _label(factor: str, before: SpotInputs, after: SpotInputs) -> str:
    def pct(a: float, b: float) -> str:
        return f"{(b / a - 1) * 100:+.0f}%" if a > 0 else "new"

    if factor == "capacity":
        return f"capacity growth {pct(before.capacity_trend, after.capacity_trend)}"
    if factor == "capacity_shock":
        gross_b = before.capacity_shock * (1 - before.outage)
        gross_a = after.capacity_shock * (1 - after.outage)
        causes = list(after.capacity_events)
        if after.outage > 0 and after.outage_from_roll:
            causes.append("an outage")
        elif after.outage > 0:
            causes.append("outage")
        if not causes:
            causes.append("shock over")
        return f"capacity {pct(gross_b, gross_a)} ({', '.join(causes)})"
    if factor == "reserved":
        return f"reserved contracts {after.reserved_out - before.reserved_out:+.1f} kGPU"
    if factor == "background":
        return "background demand " + pct(
            before.background_trend * before.background_noise,
            after.background_trend * after.background_noise,
        )
    if factor == "background_shock":
        names = ", ".join(after.background_events) or "shock over"
        return f"background demand {pct(before.background_shock, after.background_shock)} ({names})"
    if factor == "list_price":
        names = ", ".join(after.price_events) or "price list"
        return f"list price {pct(before.p_ref, after.p_ref)} ({names})"
    wanted = add_up(q for _, q, _ in after.bids)
    return f"player bids {wanted:.1f} kGPU"


def spot_causes(before: SpotInputs, after: SpotInputs) -> tuple[Cause, ...]:
    """The causes of the move from ``before`` to ``after``, largest first (≥ 0.5% only)."""
    current = before
    price = _price(current)
    causes: list[Cause] = []
    for factor, fields in FACTORS:
        changed = dataclasses.replace(current, **{f: getattr(after, f) for f in fields})
        if changed == current:
            continue
        new_price = _price(changed)
        if price > 0 and new_price > 0:
            delta = (math.log(new_price) - math.log(price)) * 100.0
            if abs(delta) >= 0.5:
                causes.append(Cause(factor, _label(factor, before, after), delta))
        current, price = changed, new_price
    causes.sort(key=lambda c: -abs(c.change_pct))
    return tuple(causes)


def spot_sentence(result: SpotResult, seat: int | None = None) -> str:
    """``"Stratus spot $9.10M (+38%): capacity −22% (packaging fire) → price +35%; ..."``.

    Each cause names what changed (and by how much), then what it did to the price."""
    head = f"{result.name} spot ${result.price:.2f}M ({result.change_pct:+.0f}%)"
    parts = [f"{c.label} → price {c.change_pct:+.0f}%" for c in result.causes]
    if result.rationed:
        parts.append("demand rationed at the price ceiling")
    elif result.setter is not None:
        who = "your bid" if seat is not None and result.setter == seat else "a player's bid"
        parts.append(f"{who} set the price")
    elif result.price <= result.inputs.floor + 1e-9:
        parts.append("at the reserve price: supply exceeds demand")
    return head + (": " + "; ".join(parts) if parts else ": no change in supply or demand")
