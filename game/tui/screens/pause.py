"""The facilitator's pause: covers the game and takes every key until it is lifted."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class PauseScreen(ModalScreen[None]):
    """Paused: nothing below can be seen or used; the turn timer stands still.

    With a facilitator PIN, lifting the pause asks for it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resume", "Resume", id="pause.resume"),
    ]
    stops_clock = True
    AUTO_FOCUS = None

    def __init__(self, check_pin: Callable[[str], bool] | None = None):
        """``check_pin``: the facilitator PIN's check (``None``: no PIN, Enter resumes)."""
        super().__init__()
        self.check_pin = check_pin

    def compose(self) -> ComposeResult:
        with Vertical(id="pause-box"):
            yield Static("⏸  Paused", id="pause-title")
            yield Static("The facilitator has paused the game. Eyes to the front.", classes="dim")
            with Center():
                button = Button(
                    "Resume (facilitator PIN)" if self.check_pin else "Resume (Enter)",
                    id="resume",
                    variant="primary",
                )
                # Enter resumes through the screen's binding; a focused button would swallow
                # a second Enter while it shows its press.
                button.can_focus = False
                yield button

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_resume()

    def action_resume(self) -> None:
        if self.check_pin is None:
            self.dismiss(None)
            return
        from game.tui.dialogs.facilitator import PinDialog

        def checked(ok: bool | None) -> None:
            if ok:
                self.dismiss(None)

        self.app.push_screen(PinDialog(self.check_pin, "Resume"), checked)
