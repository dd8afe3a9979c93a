"""Prices the built-in bots write into their bids."""

from __future__ import annotations

import math


def cents_at_least(price: float, floor: float) -> float:
    """``price`` rounded to cents, but never below ``floor``: a bid at a reserve price that is
    not a whole number of cents (2.3449), rounded down to 2.34, would be refused as below it."""
    cents = round(price, 2)
    return cents if cents >= floor else math.ceil(floor * 100) / 100
