"""Command-palette entries for the main actions (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from game.tui.order_keys import ORDER_KEYS

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("End quarter", "end_quarter", "Review your orders and resolve the quarter"),
    *((o.palette, o.action, o.palette_help) for o in ORDER_KEYS),
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
