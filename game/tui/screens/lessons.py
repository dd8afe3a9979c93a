"""Lesson notes so far: every note the scenario has shown up to this quarter, to read again."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.tui.session import GameSession


def lesson_text(session: GameSession) -> str:
    """The lesson notes up to the current quarter, newest last (markup)."""
    world = session.state.world
    parts = [
        f"[b]{escape(world.quarter_label(turn))} · {escape(title)}[/b]\n{escape(text)}"
        for turn, title, text in session.lessons()
    ]
    return "\n\n".join(parts) or "This scenario has no lesson notes (yet)."


class LessonsScreen(Screen[None]):
    """The lesson notes, re-readable at any time (key i, or Help)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,i", "close", "Close", id="lessons.close")
    ]
    section = "lessons"

    def __init__(self, session: GameSession):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(
            f"Lesson notes · {escape(self.session.state.world.scenario.name)}",
            classes="screen-title",
        )
        with VerticalScroll(id="lessons-body"):
            yield Static(lesson_text(self.session), id="lessons-text")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
