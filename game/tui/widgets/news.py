"""News: every item with its headline and explanation, filterable by category."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from game.tui.session import SeatView
from game.tui.widgets.section import Section

CATEGORIES = ("supply", "demand", "price", "geopolitics", "tech", "provider", "finance")


class NewsSection(Section):
    HELP_TEXT = (
        "News: last quarter's events and price moves, each with the cause the engine computed."
        " Filter by category with the selector."
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._view: SeatView | None = None

    def compose(self) -> ComposeResult:
        yield Select([(c, c) for c in CATEGORIES], prompt="All categories", id="news-filter")
        with VerticalScroll(id="news-scroll"):
            yield Static("", id="news-items")

    def on_select_changed(self, event: Select.Changed) -> None:
        if self._view is not None:
            self.show(self._view)

    def show(self, view: SeatView) -> None:
        self._view = view
        choice = self.query_one("#news-filter", Select).value
        items = [n for n in view.obs.news if choice is Select.NULL or n.category == choice]
        if not items:
            text = (
                "No news yet: it arrives after the first quarter."
                if not view.obs.news
                else ("No news in this category.")
            )
        else:
            text = "\n\n".join(
                f"[b]{n.headline}[/b]  [dim]{n.category}"
                f"{' · private' if n.seat is not None else ''}"
                f"[/]\n{n.explain}"
                for n in items
            )
        self.query_one("#news-items", Static).update(text)
