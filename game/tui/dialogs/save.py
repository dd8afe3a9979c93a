"""Save the game under a name in the saves folder."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from game.arena.saves import SaveError, save_path
from game.tui.format import folder
from game.tui.session import GameSession


class SaveDialog(ModalScreen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save.cancel")
    ]

    def __init__(self, session: GameSession, directory: Path):
        super().__init__()
        self.session = session
        self.directory = directory

    def compose(self) -> ComposeResult:
        state = self.session.state
        default = f"{state.names[self.session.seat]} {state.quarter_label}".replace(" ", "-")
        with Vertical(classes="dialog"):
            yield Static("Save game", classes="dialog-title")
            yield Input(default, id="save-name", max_length=60)
            yield Static(self._where(), id="save-where", classes="dim")
            yield Static("", id="save-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="do-save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _where(self) -> str:
        """Where the save goes. In a browser (``capwars serve``) the folder is on the server
        and its path (a session id among it) means nothing to the student: say what to do."""
        if self.app.is_web:
            return "Saved on the class server (Load lists it)."
        return f"in {folder(self.directory)}"

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.do_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "do-save":
            self.do_save()
        else:
            self.action_cancel()

    def do_save(self) -> None:
        error = self.query_one("#save-error", Static)
        try:
            path = save_path(self.directory, self.query_one(Input).value)
            self.session.save(path)
        except (SaveError, OSError) as exc:
            error.update(str(exc))
            return
        self.app.notify(f"Saved {path.name}")
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
