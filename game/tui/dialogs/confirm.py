"""Yes/no confirmation with a summary (end quarter, quit, delete a save)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Back", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(
        self, title: str, body: str, yes: str = "Yes", no: str = "Back", careful: bool = False
    ):
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes
        self.no = no
        self.careful = careful
        """Focus the "no" button (Enter keeps things as they are): for deleting."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            # Scrolls when long (a dozen orders at 80x24), so the buttons stay on the screen.
            with VerticalScroll(id="confirm-scroll"):
                yield Static(self.body, id="confirm-body")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error" if self.careful else "primary")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.careful else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
