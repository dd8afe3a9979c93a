"""The one table of the player's orders in the TUI: per order, the engine action type (hence
the scenario mechanic it needs, :data:`game.engine.actions.MECHANIC_OF`), its key, the main
screen action it runs, its footer label, palette entry and the words of the section hints and
the help screen.

The main screen's key bindings and which of them a scenario hides, the command palette, the
key hint lines of the Market, Infrastructure, Research and Orders sections and the help
screen's "off in this scenario" list are all derived from :data:`ORDER_KEYS`; a new order
needs one row here (``tests/tui`` checks that every engine action type has one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OrderKey:
    """One order the player can place from the main screen."""

    action: str
    """The main screen's action (``MainScreen.action_<action>``)."""
    order: str
    """The engine action type it places (``Action.type``)."""
    keys: str
    """Textual key names, comma-separated (``"dollar_sign"``)."""
    key: str
    """The key as the player reads it (``"$"``)."""
    section: str
    """The main screen section whose hint line shows the key."""
    hint: str
    """Its words in that hint line (``"bid spot"``)."""
    footer: str
    """Its label in the footer and key panel."""
    tooltip: str
    show: bool
    """Shown in the footer (the others are in the key panel, help and palette)."""
    palette: str
    """Its command-palette entry (ctrl+p) and the entry's help."""
    palette_help: str
    off: str
    """What the help screen calls it when a scenario has its mechanic off."""

    @property
    def mechanic(self) -> str:
        """The scenario mechanic this order needs switched on."""
        # Imported here: the engine (numpy, pydantic) loads when a game starts, not with the
        # title screen (the app's start time is one of the benchmark's figures).
        from game.engine.actions import MECHANIC_OF

        return MECHANIC_OF[self.order]


ORDER_KEYS: tuple[OrderKey, ...] = (
    OrderKey(
        "bid", "bid_spot", "b", "b", "market", "bid spot", "Bid",
        "Bid for spot capacity (Market)", True,
        "Bid on spot capacity", "Uniform-price auction for this quarter", "spot bids",
    ),
    OrderKey(
        "reserve", "reserve", "r", "r", "market", "reserve", "Reserve",
        "Ask for a reserved contract (Market)", True,
        "Reserve capacity", "Take-or-pay contract for 4, 8 or 12 quarters", "reserved contracts",
    ),
    OrderKey(
        "order_chips", "order_chips", "c", "c", "infrastructure", "order chips", "Chips",
        "Order accelerators (Infrastructure)", False,
        "Order chips", "Accelerators for one of your regions", "chips",
    ),
    OrderKey(
        "order_network", "order_network", "n", "n", "infrastructure", "order network",
        "Network", "Order network fabric", False,
        "Order network fabric", "Network gear so chips can be used", "network fabric",
    ),
    OrderKey(
        "build", "build_datacenter", "d", "d", "infrastructure", "build data centre", "Build",
        "Build a data centre", False,
        "Build a data centre", "Joins the region's grid queue", "data centres",
    ),
    OrderKey(
        "fund", "fund_research", "f", "f", "research", "fund the highlighted technology",
        "Fund", "Fund a technology (Research)", False,
        "Fund research", "Quarterly funding for a technology", "research",
    ),
    OrderKey(
        "service_price", "set_service_price", "p", "p", "orders", "price", "Price",
        "Set your service price", False,
        "Set service price", "What customers pay per kGPU served", "service price",
    ),
    OrderKey(
        "training_share", "set_training_share", "t", "t", "orders", "training", "Training",
        "Set your training share", False,
        "Set training share", "Share of capacity spent on model quality", "training share",
    ),
    OrderKey(
        "sublease", "sublease", "u", "u", "market", "sublease", "Sublease",
        "Resell reserved capacity", False,
        "Sublease capacity", "Resell reserved capacity on the spot market", "sublease",
    ),
    OrderKey(
        "borrow", "borrow", "dollar_sign", "$", "orders", "borrow", "Borrow",
        "Draw on the credit line", False,
        "Borrow", "Draw on the credit line", "borrowing",
    ),
    OrderKey(
        "repay", "repay", "y", "y", "orders", "repay", "Repay",
        "Pay back debt", False,
        "Repay debt", "Pay back what you owe", "borrowing",
    ),
)  # fmt: skip
"""Every order, in the order of the key bindings and the command palette."""

BY_ACTION: dict[str, OrderKey] = {o.action: o for o in ORDER_KEYS}
"""The row of each main screen action that places an order."""

HINT_SECTIONS = ("market", "infrastructure", "research", "orders")
"""The sections with key hints, in tab order (the help screen lists orders in this order)."""


def mechanic_of(action: str) -> str | None:
    """The scenario mechanic the screen action ``action`` needs (``None``: always there)."""
    row = BY_ACTION.get(action)
    return row.mechanic if row is not None else None


def section_keys(section: str) -> tuple[tuple[str, str, str], ...]:
    """``(mechanic, key, words)`` of the orders whose hint shows in ``section`` (for
    :func:`game.tui.widgets.section.key_hints`)."""
    return tuple((o.mechanic, o.key, o.hint) for o in ORDER_KEYS if o.section == section)


def by_section() -> list[OrderKey]:
    """The orders grouped by the section that shows them, sections in tab order."""
    return sorted(ORDER_KEYS, key=lambda o: HINT_SECTIONS.index(o.section))


def off_keys(mechanics: Iterable[str]) -> str:
    """The orders a scenario has switched off, with their keys, e.g. ``chips (c), research
    (f)``; orders of one mechanic share an entry (``borrowing ($ y)``); empty when everything
    is on.

    >>> off_keys(["spot", "reserved"])[:40]
    'sublease (u), chips (c), network fabric '
    """
    on = set(mechanics)
    keys: dict[str, list[str]] = {}
    words: dict[str, str] = {}
    for o in by_section():
        if o.mechanic not in on:
            keys.setdefault(o.mechanic, []).append(o.key)
            words.setdefault(o.mechanic, o.off)
    return ", ".join(f"{words[m]} ({' '.join(k)})" for m, k in keys.items())


def off_key_notice(key: str, mechanics: Iterable[str], scenario: str) -> str | None:
    """What pressing ``key`` (a Textual key name) says when its order is switched off in this
    scenario, with the orders the player can place instead; ``None`` when the key is no order's
    or its order is on. A key that did nothing at all left a newcomer guessing whether it was
    broken.

    >>> off_key_notice("c", ["spot", "reserved"], "Tutorial")
    'No chips in Tutorial: c does nothing in this scenario. You can: bid spot (b), reserve (r).'
    """
    on = set(mechanics)
    row = next((o for o in ORDER_KEYS if key in o.keys.split(",")), None)
    if row is None or row.mechanic in on:
        return None
    can = ", ".join(f"{o.hint} ({o.key})" for o in ORDER_KEYS if o.mechanic in on)
    return f"No {row.off} in {scenario}: {row.key} does nothing in this scenario. You can: {can}."


FOOTER_ROOM = 3
"""The most order keys the footer shows at once in a narrow terminal: with End quarter, Save,
Help and Quit they fill an 80-column footer."""

FOOTER_WIDE = 90
"""Terminal width from which the footer shows every order key of the open section (the
Orders section's fourth, y repay, was left out at any width)."""


def footer_orders(section: str, mechanics: Iterable[str], width: int = 80) -> tuple[str, ...]:
    """The screen actions whose keys the footer shows while ``section`` is open in a terminal
    ``width`` columns wide: the orders that section's hint line lists (those the scenario has
    on; below :data:`FOOTER_WIDE` columns the first :data:`FOOTER_ROOM`), or in a section
    without orders of its own the ones marked ``show`` (bid and reserve).

    >>> footer_orders("infrastructure", ["chips", "network", "datacenters"])
    ('order_chips', 'order_network', 'build')
    >>> footer_orders("overview", ["spot", "reserved"])
    ('bid', 'reserve')
    >>> footer_orders("orders", ["service_price", "borrowing"], width=120)
    ('service_price', 'borrow', 'repay')
    """
    on = set(mechanics)
    own = section in HINT_SECTIONS
    rows = [o for o in ORDER_KEYS if o.mechanic in on and (o.section == section if own else o.show)]
    return tuple(o.action for o in (rows if width >= FOOTER_WIDE else rows[:FOOTER_ROOM]))
