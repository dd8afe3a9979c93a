"""The pause: covers the game and takes every key until it is lifted.

Two pauses share this screen: the facilitator's, from the F9 menu of the game itself
(:class:`PauseScreen`, lifted with Enter or the facilitator PIN), and the teacher's, typed in the
terminal of ``capwars serve`` for every student's game at once (:class:`ClassPauseScreen`,
lifted only from that terminal: see :mod:`game.tui.web`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.markup import escape
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

    TITLE_TEXT = "⏸  Paused"

    def compose(self) -> ComposeResult:
        with Vertical(id="pause-box"):
            yield Static(self.TITLE_TEXT, id="pause-title")
            yield from self.explain()

    def explain(self) -> ComposeResult:
        """What the paused players read under the title, and how the pause ends."""
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


class ClassPauseScreen(PauseScreen):
    """The teacher's pause from the terminal of ``capwars serve``: the teacher's message, no
    way out for the student (no button; Enter does nothing). The app lifts it when the teacher
    types ``resume`` (:meth:`game.tui.app.CapwarsApp.class_pause`)."""

    TITLE_TEXT = "Paused by your teacher"
    """No ⏸: this pause shows in browsers, whose fonts may not have it (an empty box)."""
    DEFAULT_MESSAGE = "Your teacher has paused the game. Eyes to the front."

    def __init__(self, message: str = ""):
        super().__init__(None)
        self.message = message

    def explain(self) -> ComposeResult:
        yield Static(self._text(), id="pause-message")
        yield Static(
            "Your game waits here as it is; it goes on when your teacher resumes it.",
            classes="dim",
        )

    def _text(self) -> str:
        return escape(self.message) if self.message else self.DEFAULT_MESSAGE

    def show(self, message: str) -> None:
        """A new message from the teacher while paused."""
        self.message = message
        if self.is_mounted:
            self.query_one("#pause-message", Static).update(self._text())

    def action_resume(self) -> None:
        """Only the teacher resumes (from the server's terminal)."""
