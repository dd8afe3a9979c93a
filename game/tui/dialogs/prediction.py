"""Lesson mode's prediction question: asked of each team before a chosen quarter resolves.

The team chooses up, flat or down, or types the number it expects; the answer goes into the save
(the quarter line's ``predictions``) and the quarter report compares it with what happened.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Answer = str | float | None
"""``"up"``, ``"flat"``, ``"down"``, a number, or ``None`` for a skipped question."""

MAX_ANSWER = 1e9


def parse_number(text: str) -> float | None:
    """The number a team typed (``"5"``, ``"6.5"``, ``"1,200"``), or ``None`` if it is not one."""
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        return None
    if not math.isfinite(value) or abs(value) > MAX_ANSWER:
        return None
    return int(value) if value.is_integer() else value


class PredictionDialog(ModalScreen[Answer]):
    """Asks one team the quarter's prediction question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "skip", "Skip", id="prediction.skip"),
        Binding("f1,question_mark", "app.help", "Help", id="prediction.help"),
        Binding("ctrl+q", "app.quit", "Quit", id="prediction.quit"),
    ]
    stops_clock = True
    """The turn timer waits while a team answers."""

    def __init__(self, team: str, question: str, now: str, numeric: bool):
        super().__init__()
        self.team = team
        self.question = question
        self.now = now
        self.numeric = numeric
        """Whether the question asks for a number first (lead times, grid waits)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prediction-dialog"):
            yield Static(f"Prediction · {escape(self.team)}", classes="dialog-title")
            yield Static(escape(self.question), id="prediction-question")
            yield Static(f"Now: {escape(self.now)}", classes="dim", id="prediction-now")
            with Horizontal(classes="buttons"):
                yield Button("▲ Up", id="up", compact=True)
                yield Button("■ Flat", id="flat", compact=True)
                yield Button("▼ Down", id="down", compact=True)
            with Horizontal(classes="row"):
                yield Label("Or your number:", classes="label")
                # The level itself, as 'Now' gives it: a team that typed 10 for '+10%' was
                # compared with a price of $10M.
                yield Input(
                    placeholder="the new level, as Now shows it; Enter",
                    id="prediction-number",
                    compact=True,
                    select_on_focus=False,
                )
            yield Static("", id="prediction-error", classes="error")
            yield Static(
                "Your answer is saved with the game and compared with what happened in the"
                " quarter report and the debrief. Esc skips.",
                classes="dim",
            )

    def on_mount(self) -> None:
        if self.numeric:
            self.query_one("#prediction-number", Input).focus()
        else:
            self.query_one("#up", Button).focus()

    def on_key(self, event: Key) -> None:
        """Typing while a button has the focus goes into the number field (Enter then
        submits what was typed, not the button); ? is no number's: it opens help there."""
        field = self.query_one("#prediction-number", Input)
        char = event.character
        if self.focused is field or not char or not char.isprintable() or char in " ?":
            return
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(char)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = parse_number(event.value)
        typed = event.value.strip()
        if value is None and typed.endswith("%") and parse_number(typed[:-1]) is not None:
            self.query_one("#prediction-error", Static).update(
                f"Type the new level itself, as Now shows it ({escape(self.now)}), not a change"
                " in percent; or choose up, flat or down."
            )
            return
        if value is None:
            said = f"'{escape(typed)}' is not a number. " if typed else ""
            self.query_one("#prediction-error", Static).update(
                f"{said}Type a number (for example 5 or 6.5) and Enter, or choose up, flat or down."
            )
            return
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)
