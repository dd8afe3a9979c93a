"""Hot-seat hand-over: hides the previous player's figures until the next one is ready."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static


class HandoverScreen(Screen[None]):
    """A blank screen naming who plays next."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "ready", "I'm ready", id="handover.ready")
    ]
    stops_clock = True

    def __init__(self, name: str, label: str, rules: str = ""):
        super().__init__()
        self.player = name
        self.label = label
        self.rules = rules
        """This turn's rules for the next team (turn timer, prediction question), if any."""

    def compose(self) -> ComposeResult:
        with Vertical(id="handover"):
            yield Static(f"{self.label}", classes="dim")
            yield Static(f"Pass the keyboard to [b]{self.player}[/b]", id="handover-name")
            yield Static("The previous player's figures are hidden.", classes="dim")
            if self.rules:
                yield Static(self.rules, id="handover-rules")
            with Center():
                yield Button(f"I am {self.player}: show my company", id="ready", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_ready()

    def action_ready(self) -> None:
        self.dismiss(None)
