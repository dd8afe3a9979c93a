"""How a team's answer to a prediction question is judged, once the quarter is played: the same
words in the game's quarter report and in the class debrief."""

from __future__ import annotations

import math

FLAT = 0.02
"""A change within ±2% counts as flat."""

DIRECTIONS = ("up", "flat", "down")


def direction(before: float, after: float) -> str:
    """Where the figure went: ``up``, ``flat`` or ``down`` (``""`` while it is not known)."""
    if not (math.isfinite(before) and math.isfinite(after)):
        return ""
    change = (after - before) / (abs(before) or 1.0)
    return "flat" if abs(change) <= FLAT else ("up" if change > 0 else "down")


def verdict(answer: str | float, before: float, after: float) -> str:
    """``right`` or ``it went down`` for a direction, ``spot on`` (within 5%) or ``1.20 too
    high`` (``too low``) for a number; ``""`` before the quarter is played or for an answer that
    is neither. ("off by +1.20", as it read before, did not say which way a team was wrong.)"""
    went = direction(before, after)
    if not went:
        return ""
    if isinstance(answer, str):
        text = answer.strip().casefold()
        if text in DIRECTIONS:
            return "right" if text == went else f"it went {went}"
        try:
            answer = float(text)
        except ValueError:
            return ""
    miss = answer - after
    if abs(miss) < 0.05 * max(abs(after), 1.0):
        return "spot on"
    return f"{abs(miss):,.2f} too {'high' if miss > 0 else 'low'}"
