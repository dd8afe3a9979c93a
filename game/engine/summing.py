"""Adding up floats the same way on every Python version.

Python 3.12 changed the built-in ``sum()`` of floats to compensated (Neumaier) summation, so
``sum([0.1] * 10)`` gives ``1.0`` there and ``0.9999999999999999`` on 3.11. A state hash covers
every bit of the state, so one changed last bit would make a replay recorded on one Python
fail to verify on another. The engine and the built-in bots therefore never call ``sum()`` on
floats; they call :func:`add_up`, a plain left-to-right sum (what 3.11's ``sum()`` computes).
"""

from __future__ import annotations

from collections.abc import Iterable


def add_up(values: Iterable[float]) -> float:
    """``values`` added left to right, starting from ``0.0``: the same bits on every Python.

    >>> add_up([0.1] * 10)
    0.9999999999999999
    """
    total = 0.0
    for value in values:
        total += value
    return total
