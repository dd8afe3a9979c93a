"""Explanations (DESIGN §8): every spot price move split into its causes by the engine.

The move from last quarter's price to this quarter's is attributed by sequential substitution:
starting from last quarter's auction inputs, this quarter's values are swapped in one factor at a
time, in a fixed order, and the auction is re-cleared after each swap. Each factor's effect is
the change in log price it caused; these add up to the whole move in log terms.

What a student reads is the headline percentage move, so each factor gets its share of that
move in proportion to its log effect, and the shares are rounded (largest remainder) so that the
printed parts add up to the printed headline.
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
    ("capacity_shock", ("capacity_shock",)),
    ("outage", ("outage",)),
    ("reserved", ("reserved_out",)),
    ("background", ("background_trend", "background_noise")),
    ("background_shock", ("background_shock",)),
    ("list_price", ("p_ref", "floor", "cap", "eta")),
    ("bids", ("bids",)),
)

RESIDUAL = 1e-6
"""Log points (×100) of the move no factor accounts for below which there is no "other" cause:
the factors' effects telescope, so only float rounding is left when the inputs are complete."""


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


def _sign(before: float, after: float) -> int:
    return (after > before) - (after < before)


ENDED = "end of: "
"""Marks an event that moved a factor by ending (event titles are sentences: "A frontier model
launches", so "end of: A frontier model launches" reads better than a suffix)."""


def _moved(before: SpotInputs, after: SpotInputs, targets: tuple[str, ...], way: int) -> list[str]:
    """The events that moved ``targets`` the ``way`` shown (+1 up, -1 down) this quarter.

    An event that started this quarter counts if its effect goes that way; one that ended
    counts (as "end of: …") if its effect went the other way. Events in force in both quarters
    moved nothing; one that sets its target (direction 0) counts either way."""
    then = [(title, d) for target, title, d in before.event_effects if target in targets]
    now = [(title, d) for target, title, d in after.event_effects if target in targets]
    names: list[str] = []
    for title, d in now:
        if (title, d) not in then and (d == way or d == 0) and title not in names:
            names.append(title)
    for title, d in then:
        over = f"{ENDED}{title}"
        if (title, d) not in now and (d == -way or d == 0) and over not in names:
            names.append(over)
    return names


def _named(text: str, names: list[str]) -> str:
    return f"{text} ({', '.join(names)})" if names else text


def _label(factor: str, before: SpotInputs, after: SpotInputs) -> str:
    def pct(a: float, b: float) -> str:
        return f"{(b / a - 1) * 100:+.0f}%" if a > 0 else "new"

    if factor == "capacity":
        return f"capacity growth {pct(before.capacity_trend, after.capacity_trend)}"
    if factor == "capacity_shock":
        way = _sign(before.capacity_shock, after.capacity_shock)
        names = _moved(before, after, ("provider.capacity",), way)
        return _named(f"capacity {pct(before.capacity_shock, after.capacity_shock)}", names)
    if factor == "outage":
        way = _sign(before.outage, after.outage)
        names = _moved(before, after, ("provider.outage",), way)
        if way > 0 and after.outage_from_roll and not before.outage_from_roll:
            names.append("random outage")
        if way < 0 and before.outage_from_roll and not after.outage_from_roll:
            names.append(f"{ENDED}random outage")
        if after.outage <= 0:  # every name is an ending: said once, up front
            text = f"outage over: {before.outage * 100:.0f}% of capacity back online"
            return _named(text, [n.removeprefix(ENDED) for n in names])
        if before.outage <= 0:
            return _named(f"outage: {after.outage * 100:.0f}% of capacity offline", names)
        text = f"outage {before.outage * 100:.0f}% → {after.outage * 100:.0f}% of capacity offline"
        return _named(text, names)
    if factor == "reserved":
        change = after.reserved_out - before.reserved_out
        return f"reserved contracts {change:+.1f} kGPU (to {after.reserved_out:.1f})"
    if factor == "background":
        return "background demand (growth and noise) " + pct(
            before.background_trend * before.background_noise,
            after.background_trend * after.background_noise,
        )
    if factor == "background_shock":
        way = _sign(before.background_shock, after.background_shock)
        names = _moved(before, after, ("market.background_demand",), way)
        text = f"background demand {pct(before.background_shock, after.background_shock)}"
        return _named(text, names)
    if factor == "list_price":
        prices = ("provider.list_price", "provider.spot_floor")
        if after.p_ref != before.p_ref:
            names = _moved(before, after, prices, _sign(before.p_ref, after.p_ref))
            return _named(f"list price {pct(before.p_ref, after.p_ref)}", names)
        if after.floor != before.floor:
            names = _moved(before, after, prices, _sign(before.floor, after.floor))
            return _named(f"spot floor {pct(before.floor, after.floor)}", names)
        return "price terms"
    wanted_before = add_up(q for _, q, _ in before.bids)
    wanted = add_up(q for _, q, _ in after.bids)
    change = wanted - wanted_before
    limits = _limits_moved(before.bids, after.bids)
    if abs(change) < 0.05:
        if limits:
            return f"player bid limits {limits} ({wanted:.1f} kGPU, as before)"
        return f"player bid prices changed ({wanted:.1f} kGPU, as before)"
    if limits:
        # More kGPU bid at lower limits can lower the price: say both, or the move reads wrong.
        return f"player bids {change:+.1f} kGPU (to {wanted:.1f}), limits {limits}"
    return f"player bids {change:+.1f} kGPU (to {wanted:.1f})"


LIMITS_MOVED = 0.02
"""A change of the bids' average price limit (by kGPU) from which the bids cause names it."""


def _limits_moved(
    before: tuple[tuple[int, float, float], ...], after: tuple[tuple[int, float, float], ...]
) -> str:
    """``$6.48M → $4.98M/kGPU on average`` when both quarters had bids and the kGPU-weighted
    average price limit moved by :data:`LIMITS_MOVED` or more, else ``""``."""

    def average(bids: tuple[tuple[int, float, float], ...]) -> float:
        total = add_up(q for _, q, _ in bids)
        return add_up(q * p for _, q, p in bids) / total if total > 0 else 0.0

    then, now = average(before), average(after)
    if then <= 0 or now <= 0 or abs(now / then - 1) < LIMITS_MOVED:
        return ""
    return f"${then:,.2f}M → ${now:,.2f}M/kGPU on average"


def _rounded(shares: list[float], total: int) -> list[int]:
    """``shares`` rounded to whole numbers that add up to ``total`` (largest remainder).

    Each is its share rounded down or up, never further off than that; the units still
    missing go to the shares with the largest fractional parts (ties: the larger share)."""
    shown = [math.floor(s) for s in shares]
    missing = total
    for value in shown:
        missing -= value
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - shown[i]), -abs(shares[i]), i))
    step = 1 if missing > 0 else -1
    while missing != 0 and order:
        for i in order if step > 0 else reversed(order):
            if missing == 0:
                break
            shown[i] += step
            missing -= step
    return shown


def spot_causes(
    before: SpotInputs,
    after: SpotInputs,
    start: float | None = None,
    end: float | None = None,
) -> tuple[Cause, ...]:
    """The causes of the move from ``before`` to ``after``, largest first.

    ``start`` and ``end`` are the prices the headline shows (by default the auction's prices
    for ``before`` and ``after``). Each cause's ``change_pct`` is its share of the headline
    move ``(end / start - 1) × 100``; ``shown`` is that share rounded so that the shown parts
    add up to the rounded headline. Causes whose rounded share is zero are left out. A part of
    the move no factor accounts for (only when ``start`` or ``end`` is not the auction's own
    price) is an "other" cause."""
    current = before
    price = _price(current)
    start = price if start is None else start
    effects: list[tuple[str, str, float]] = []
    for factor, fields in FACTORS:
        changed = dataclasses.replace(current, **{f: getattr(after, f) for f in fields})
        if changed == current:
            continue
        new_price = _price(changed)
        if price > 0 and new_price > 0:
            delta = (math.log(new_price) - math.log(price)) * 100.0
            if delta != 0.0:
                effects.append((factor, _label(factor, before, after), delta))
        current, price = changed, new_price
    end = price if end is None else end
    if not (start > 0 and end > 0):
        return ()
    whole = (math.log(end) - math.log(start)) * 100.0
    other = whole - add_up(d for _, _, d in effects)
    if abs(other) >= RESIDUAL:
        effects.append(("other", "other changes", other))
    headline = (end / start - 1.0) * 100.0
    # Each log point of the move is worth headline / whole percentage points (→ 1 as the move
    # shrinks), so the shares add up to the headline move.
    rate = headline / whole if whole != 0.0 else 1.0
    shares = [d * rate for _, _, d in effects]
    shown = _rounded(shares, round(headline))
    causes = [
        Cause(factor, label, share, part, delta)
        for (factor, label, delta), share, part in zip(effects, shares, shown, strict=True)
        if part != 0
    ]
    causes.sort(key=lambda c: -abs(c.change_pct))
    return tuple(causes)


def spot_sentence(result: SpotResult, seat: int | None = None) -> str:
    """``"Stratus spot $9.10M (+38%): capacity -22% (packaging fire) → price +35%; ..."``.

    Each cause names what changed (and by how much), then its share of the price move; the
    shares add up to the move in the headline."""
    head = f"{result.name} spot ${result.price:.2f}M ({round(result.change_pct):+d}%)"
    parts = [f"{c.label} → price {c.shown:+d}%" for c in result.causes]
    if result.rationed:
        parts.append("demand rationed at the price ceiling")
    elif result.setter is not None:
        who = "your bid" if seat is not None and result.setter == seat else "a player's bid"
        parts.append(f"{who} set the price")
    elif result.price <= result.inputs.floor + 1e-9:
        parts.append("at the spot floor (its reserve price): supply exceeds demand")
    return head + (": " + "; ".join(parts) if parts else ": no change in supply or demand")
