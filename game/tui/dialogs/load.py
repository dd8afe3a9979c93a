"""Load a game: every save is listed, newest first, by its players, scenario, seed and where it
stands; broken ones say why and cannot be chosen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from game.arena.saves import SaveInfo, list_saves, save_label


class LoadDialog(ModalScreen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="load.cancel")
    ]

    def __init__(self, directory: Path):
        super().__init__()
        self.directory = directory
        self.infos: list[SaveInfo] = []

    def compose(self) -> ComposeResult:
        self.infos = list_saves(self.directory)
        options = []
        for i, info in enumerate(self.infos):
            when = datetime.fromtimestamp(info.modified_ns / 1e9).strftime("%Y-%m-%d %H:%M")
            if info.save is not None:
                header = info.save.header
                players = ", ".join(p.name for p in header.players if p.bot == "human")
                text = (
                    f"[b]{escape(players or '?')}[/b] · {escape(header.scenario)}, seed"
                    f" {header.seed} · {save_label(info.save)}\n"
                    f"  [dim]saved {when} · {escape(info.path.name)}[/]"
                )
            else:
                text = f"[red]✗ {escape(info.name)}[/]\n  [dim]{escape(info.error)}[/]"
            options.append(Option(text, id=str(i)))
        with Vertical(classes="dialog", id="load-dialog"):
            yield Static("Load game", classes="dialog-title")
            if options:
                yield OptionList(*options, id="saves")
            else:
                yield Static(f"No saves in {self.directory} yet.")
            yield Static("", id="load-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        info = self.infos[int(event.option.id or 0)]
        if info.save is None:
            self.query_one("#load-error", Static).update(
                f"{info.name} cannot be loaded: {info.error}. The other saves are fine."
            )
            return
        self.dismiss(info.path)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)
