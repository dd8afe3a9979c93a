"""Save the game under a name in the saves folder."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from game.arena.saves import SUFFIX, SaveError, peek_save, safe_save_name, save_path
from game.tui.format import folder, unwritable
from game.tui.session import GameSession


def existing(path: Path) -> str:
    """Whose game a save file holds and where it stands, as `` (Bank 1 · tutorial · after
    2027 Q3)``; empty when its first and last lines say nothing readable."""
    peeked = peek_save(path)
    if peeked is None:
        return ""
    first, last = peeked
    players = first.get("players")
    humans = [
        str(p.get("name", "?"))
        for p in (players if isinstance(players, list) else [])
        if isinstance(p, dict) and p.get("bot") == "human"
    ]
    where = {"quarter": f"after {last.get('label', '?')}", "result": "finished"}.get(
        str(last.get("kind")), "not started"
    )
    parts = [", ".join(humans), str(first.get("scenario", "")), where]
    return f" ({' · '.join(p for p in parts if p)})"


class SaveDialog(ModalScreen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save.cancel")
    ]

    def __init__(self, session: GameSession, directory: Path):
        super().__init__()
        self.session = session
        self.directory = directory
        self._replacing: Path | None = None
        """The existing file the player was told about: Save again replaces it."""

    def compose(self) -> ComposeResult:
        state = self.session.state
        default = f"{state.names[self.session.seat]} {state.quarter_label}".replace(" ", "-")
        with Vertical(classes="dialog"):
            yield Static("Save game", classes="dialog-title")
            yield Input(default, id="save-name", max_length=60)
            yield Static(self._where(default), id="save-where", classes="dim")
            yield Static(self._pending(), id="save-pending", classes="error")
            yield Static("", id="save-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="do-save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _pending(self) -> str:
        """A save holds the game as this quarter began: orders placed since are not in it.
        Saving with orders pending and loading later lost them without a word. In a hot-seat
        game, whose orders they are, and that the quarter ends only when every player has
        ended it (e hands over to the next player, it does not resolve the quarter)."""
        session = self.session
        count = session.pending_count
        if not count:
            return ""
        orders, is_, them = (
            ("1 pending order", "is", "it")
            if count == 1
            else (f"{count} pending orders", "are", "them")
        )
        label = session.state.quarter_label
        if not session.hot_seat:
            return (
                f"The game is saved as {label} began: the {orders} {is_} not in the save."
                f" To keep {them}, end the quarter (e) first."
            )
        names = session.state.names
        whose = " and ".join(f"{names[seat]}'s" for seat, queue in session.pending.items() if queue)
        return (
            f"The game is saved as {label} began: the {orders} ({whose}) {is_} not in the save."
            f" To keep {them}, save once {label} is over (every player has ended it with e)."
        )

    def _where(self, name: str) -> str:
        """Where the save goes: the file the name makes (when it differs from the name, e.g.
        ``v1_2.jsonl`` for ``v1.2``) and its folder. In a browser (``capwars serve``) the folder
        is on the server and its path (a session id among it) means nothing to the student:
        say what to do."""
        if self.app.is_web:
            return "Saved on the class server (Load lists it)."
        safe = safe_save_name(name)
        where = f"in {escape(folder(self.directory))}"
        return f"as {escape(safe + SUFFIX)} {where}" if safe and safe != name else where

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.do_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "do-save":
            self.do_save()
        else:
            self.action_cancel()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Another name: a file it replaces is asked about again."""
        self._replacing = None
        self.query_one("#save-error", Static).update("")
        self.query_one("#save-where", Static).update(self._where(event.value))

    def do_save(self) -> None:
        error = self.query_one("#save-error", Static)
        try:
            path = save_path(self.directory, self.query_one(Input).value)
            if path.exists() and path != self._replacing:
                # Saving over a file silently lost it (another game's save, or its autosave).
                self._replacing = path
                error.update(
                    f"{escape(path.name)} is already there{escape(existing(path))}. Press"
                    " Save (or Enter) again to replace it, or type another name."
                )
                return
            self.session.save(path)
        except SaveError as exc:
            error.update(escape(str(exc)))
            return
        except OSError as exc:
            place = getattr(self.app, "saves_place", f"in {folder(self.directory)}")
            error.update(
                escape(f"Not saved: {unwritable(exc, place)}.")
                + " Make the folder writable and press Save again; the game goes on meanwhile."
            )
            return
        if hasattr(self.app, "autosave_problem"):
            self.app.autosave_problem = None  # the game is saved after all
        pending = self.session.pending_count
        orders = "1 pending order" if pending == 1 else f"{pending} pending orders"
        self.app.notify(
            f"Saved {path.name}" + (f" (without this quarter's {orders})" if pending else "")
        )
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
