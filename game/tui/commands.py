"""Command-palette entries for the main actions (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("End quarter", "end_quarter", "Review your orders and resolve the quarter"),
    ("Bid on spot capacity", "bid", "Uniform-price auction for this quarter"),
    ("Reserve capacity", "reserve", "Take-or-pay contract for 4, 8 or 12 quarters"),
    ("Order chips", "order_chips", "Accelerators for one of your regions"),
    ("Order network fabric", "order_network", "Network gear so chips can be used"),
    ("Build a data centre", "build", "Joins the region's grid queue"),
    ("Fund research", "fund", "Quarterly funding for a technology"),
    ("Set service price", "service_price", "What customers pay per kGPU served"),
    ("Set training share", "training_share", "Share of capacity spent on model quality"),
    ("Sublease capacity", "sublease", "Resell reserved capacity on the spot market"),
    ("Borrow", "borrow", "Draw on the credit line"),
    ("Repay debt", "repay", "Pay back what you owe"),
    ("Lesson notes", "lessons", "Read this scenario's lesson notes so far"),
    ("Facilitator menu", "facilitator", "Start an event live, pause the room (F9)"),
    ("Pause the game", "pause", "Facilitator: cover the screen until resumed"),
    ("Save game", "save", "Save to the saves folder"),
    ("Load game", "load", "Open a saved game"),
    ("Help and glossary", "help", "Key bindings, glossary, context help"),
)


class CapwarsCommands(Provider):
    """Game actions, offered on the main screen."""

    def _actions(self) -> list[tuple[str, str, str]]:
        """The commands the screen has and offers now: an order of a mechanic the scenario
        has off is hidden here as in the footer (the screen's ``check_action``)."""
        screen = self.screen
        return [
            c
            for c in COMMANDS
            if hasattr(screen, f"action_{c[1]}") and screen.check_action(c[1], ()) is not False
        ]

    async def discover(self) -> Hits:
        for name, action, help_text in self._actions():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )
