"""Broken content: every problem the loader found, one per line, instead of a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from game.rules import ContentError


class ContentErrorScreen(Screen[None]):
    """The content folder cannot be loaded: ``file:line: key.path: message`` for each problem."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the title", id="content.back"),
        Binding("q", "app.quit", "Quit", id="content.quit"),
    ]
    section = "content_error"

    def __init__(self, error: ContentError, folder: str | None):
        super().__init__()
        self.problems = [str(p) for p in error.problems] or [str(error)]
        self.folder = folder or "the game's own content"

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        yield Static(
            f"The game content has {count} problem{'s' if count != 1 else ''}",
            classes="screen-title",
        )
        yield Static(
            f"Content folder: {escape(self.folder)}. Fix these in the TOML files (each is"
            " file:line: key: message), then start again; `capwars content check` prints"
            " the same list.",
            classes="hint",
            id="content-folder",
        )
        with VerticalScroll(id="content-problems"):
            for problem in self.problems:
                yield Static(f"[red]✗[/] {escape(problem)}", classes="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#content-problems").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
