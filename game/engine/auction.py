"""The spot market's sealed-bid uniform-price auction (DESIGN §4, phase 5).

Background demand from the rest of the world follows ``Q_bg(p) = B · (p / p_ref)^(−η)``. The
clearing price is the lowest price, at or above the reserve, at which background demand plus the
player bids whose limit is at or above it fit in the free capacity. Bids above the price fill,
bids at it share what is left pro rata, and everyone pays the clearing price.

    >>> r = clear(supply=10.0, background=8.0, p_ref=6.0, eta=1.5, floor=2.0, cap=18.0,
    ...           bids=((0, 4.0, 9.0),))
    >>> round(r.price, 2), r.fills
    (7.27, (4.0,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.engine.summing import add_up

Bid = tuple[int, float, float]
"""(seat, quantity in kGPU, limit price in $M per kGPU-quarter)."""

Outcome = tuple[float, tuple[float, ...], float, "int | None", bool]
"""A :class:`Clearing` as a plain tuple: (price, fills, background, setter, rationed)."""


@dataclass(frozen=True)
class Clearing:
    """The outcome of one auction."""

    price: float
    fills: tuple[float, ...]
    """kGPU filled for each bid, in the order the bids were given."""
    background: float
    """kGPU the rest of the world bought."""
    setter: int | None
    """Seat whose bid limit set the price (bids at the price shared pro rata), if any."""
    rationed: bool
    """True when the price hit the ceiling and demand was rationed."""


def background_demand(price: float, background: float, p_ref: float, eta: float) -> float:
    """Rest-of-world demand at ``price``."""
    return background * (price / p_ref) ** (-eta)


def _price_for(residual: float, background: float, p_ref: float, eta: float) -> float:
    """The price at which background demand equals ``residual`` (inf if nothing is left)."""
    if residual <= 0.0:
        return float("inf")
    if background <= 0.0:
        return 0.0
    return p_ref * (background / residual) ** (1.0 / eta)


def clear(
    supply: float,
    background: float,
    p_ref: float,
    eta: float,
    floor: float,
    cap: float,
    bids: tuple[Bid, ...] = (),
) -> Clearing:
    """Run the auction. Pure and deterministic; bids with equal limits keep their given order."""
    return Clearing(*clear_outcome(supply, background, p_ref, eta, floor, cap, bids))


def clear_outcome(
    supply: float,
    background: float,
    p_ref: float,
    eta: float,
    floor: float,
    cap: float,
    bids: tuple[Bid, ...] = (),
) -> Outcome:
    """:func:`clear` as a plain :data:`Outcome` tuple.

    The spot phase runs one auction per provider every quarter, and building the frozen
    :class:`Clearing` would cost about as much as clearing a small auction.
    """
    n = len(bids)
    if supply <= 1e-12:
        return cap, (0.0,) * n, 0.0, None, True
    if n == 0:  # the rest of the world alone: the same steps as below, without the bid loop
        # _price_for(supply, ...) and background_demand(price, ...) written out (supply > 0),
        # and max(a, b) as ``b if b > a else a``, min(a, b) as ``b if b < a else a`` (the
        # same results, NaN and signed zeros included, without the cost of a call)
        price = 0.0 if background <= 0.0 else p_ref * (background / supply) ** (1.0 / eta)
        if not price > floor:
            price = floor
        if price > cap:
            return _rationed(supply, background, p_ref, eta, cap, bids, [])
        bg = background * (price / p_ref) ** (-eta)
        if supply < bg:
            bg = supply
        return price, (), 0.0 if bg < 0.0 else bg, None, False
    _, quantities, limits = zip(*bids)
    lowest = min(limits)
    order: Sequence[int]
    if lowest >= floor and limits.count(lowest) == n:
        # The usual case: one limit for every bid, at or above the reserve. Sorting would
        # change nothing (the sort is stable), so the bids stay in their given order.
        order = range(n)
        active_qty = add_up(quantities)
    else:
        order = sorted([i for i in range(n) if limits[i] >= floor], key=limits.__getitem__)
        active_qty = add_up([quantities[i] for i in order])
    fills = [0.0] * n
    low = floor
    position = 0
    while True:
        price = _price_for(supply - active_qty, background, p_ref, eta)
        if not price > low:  # max(low, price)
            price = low
        if position == len(order) or price <= limits[order[position]]:
            if price > cap:
                return _rationed(supply, background, p_ref, eta, cap, bids, order[position:])
            if position == 0 and len(order) == n:  # every bid fills in full (the usual case)
                filled = quantities
            else:
                for i in order[position:]:
                    fills[i] = quantities[i]
                filled = tuple(fills)
            bg = background_demand(price, background, p_ref, eta)
            if supply - active_qty < bg:  # min(bg, supply - active_qty)
                bg = supply - active_qty
            return price, filled, 0.0 if bg < 0.0 else bg, None, False
        limit = limits[order[position]]
        if price > cap and limit >= cap:
            # Everyone still bidding would pay more than the ceiling allows: ration at the cap.
            return _rationed(supply, background, p_ref, eta, cap, bids, order[position:])
        group_end = position
        while group_end < len(order) and limits[order[group_end]] == limit:
            group_end += 1
        group = order[position:group_end]
        group_qty = add_up([quantities[i] for i in group])
        without = active_qty - group_qty
        if limit <= cap:
            bg_at_limit = background_demand(limit, background, p_ref, eta)
            if bg_at_limit + without <= supply:
                share = (supply - bg_at_limit - without) / group_qty if group_qty > 0 else 0.0
                for i in group:
                    fills[i] = quantities[i] * min(1.0, share)
                for i in order[group_end:]:
                    fills[i] = quantities[i]
                setter = bids[group[0]][0] if len({bids[i][0] for i in group}) == 1 else None
                return limit, tuple(fills), bg_at_limit, setter, False
        active_qty = without
        low = limit
        position = group_end


def _rationed(
    supply: float,
    background: float,
    p_ref: float,
    eta: float,
    cap: float,
    bids: tuple[Bid, ...],
    still_in: Sequence[int],
) -> Outcome:
    """Demand exceeds supply even at the ceiling: everyone left gets the same share."""
    fills = [0.0] * len(bids)
    bg = background_demand(cap, background, p_ref, eta)
    wanted = bg + add_up(bids[i][1] for i in still_in)
    ratio = min(1.0, supply / wanted) if wanted > 0 else 0.0
    for i in still_in:
        fills[i] = bids[i][1] * ratio
    return cap, tuple(fills), bg * ratio, None, True
