"""Facilitator controls: the PIN prompt, the facilitator menu and the live-event picker.

A teacher opens the menu with F9 (or ctrl+f, or the command palette) to start a curated event
live, pause the room, or cancel an event not yet started. With a PIN set at new game, the menu
(and lifting a pause) asks for it first, so students at the keyboard cannot use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from game.rules.models import Event


class PinDialog(ModalScreen[bool]):
    """Asks for the facilitator PIN; dismisses with True when it is right, False on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="pin.cancel")]
    stops_clock = True

    def __init__(self, check: Callable[[str], bool], why: str = "Facilitator menu"):
        """``check(pin)`` says whether a typed PIN is right (the session keeps only a hash)."""
        super().__init__()
        self.check = check
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pin-dialog"):
            yield Static(f"{self.why}: facilitator PIN", classes="dialog-title")
            yield Input(password=True, id="pin", placeholder="PIN, then Enter", compact=True)
            yield Static("", id="pin-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.check(event.value.strip()):
            self.dismiss(True)
            return
        event.input.value = ""
        self.query_one("#pin-error", Static).update("That is not the facilitator PIN.")

    def action_cancel(self) -> None:
        self.dismiss(False)


class FacilitatorMenu(ModalScreen[str | None]):
    """What a facilitator can do now; dismisses with the chosen item's id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="facilitator.close")
    ]
    stops_clock = True

    def __init__(self, rules: str, queued: Sequence[str]):
        super().__init__()
        self.rules = rules
        """This game's room rules in one or two lines (timer, catch-up, PIN)."""
        self.queued = tuple(queued)
        """Titles of the events that start when this quarter resolves."""

    def compose(self) -> ComposeResult:
        options = [
            Option("Start an event live…", id="inject"),
            Option("Pause the game", id="pause"),
        ]
        if self.queued:
            options.append(Option("Cancel the events not yet started", id="cancel-events"))
        options.append(Option("Close", id="close"))
        with Vertical(classes="dialog", id="facilitator-menu"):
            yield Static("Facilitator", classes="dialog-title")
            yield OptionList(*options, id="facilitator-options")
            queued = (
                "Starts when this quarter resolves: " + ", ".join(escape(q) for q in self.queued)
                if self.queued
                else "No event queued."
            )
            yield Static(queued, id="facilitator-queued")
            yield Static(self.rules, classes="dim", id="facilitator-rules")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id
        self.dismiss(None if choice == "close" else choice)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EventPicker(ModalScreen[str | None]):
    """The content's events, each with its title, category, duration and explanation."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="events.cancel")
    ]
    stops_clock = True

    def __init__(self, events: Sequence[Event]):
        super().__init__()
        self.events = sorted(events, key=lambda e: (e.category, e.title))

    def compose(self) -> ComposeResult:
        options = [
            Option(
                f"{escape(e.title)}  [dim]{e.category} · {e.duration}"
                f" quarter{'s' if e.duration != 1 else ''}[/]",
                id=e.id,
            )
            for e in self.events
        ]
        with Vertical(classes="dialog", id="event-picker"):
            yield Static("Start an event live", classes="dialog-title")
            yield OptionList(*options, id="events")
            yield Static("", id="event-explain")
            yield Static(
                "Enter starts it when this quarter resolves, for every team; the save and the"
                " debrief mark it as the facilitator's.",
                classes="dim",
            )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        chosen = next((e for e in self.events if e.id == event.option.id), None)
        if chosen is not None:
            self.query_one("#event-explain", Static).update(
                f"[b]{escape(chosen.title)}[/b]: {escape(' '.join(chosen.explain.split()))}"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)
