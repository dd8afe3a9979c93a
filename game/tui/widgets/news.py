"""News: every item of the match so far, newest quarter first, filterable by category."""

from __future__ import annotations

from collections.abc import Iterable

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from game.engine.state import NewsItem
from game.tui.session import SeatView
from game.tui.widgets.section import Section

CATEGORIES = ("supply", "demand", "price", "geopolitics", "tech", "provider", "finance")


def news_text(item: NewsItem) -> tuple[str, str]:
    """``(headline, explanation)`` without the headline said twice (an explanation that
    starts with its own headline keeps only what follows)."""
    headline, explain = item.headline.strip(), item.explain.strip()
    if not headline or not explain.startswith(headline):
        return headline, explain
    after = explain[len(headline) :]
    if after.startswith((":", " —", " -")):
        return headline, after.lstrip(" :—-")
    # The headline is the sentence's subject ("Northwind Motors starts ..."): say it once.
    return explain, ""


def news_line(item: NewsItem, private: bool = False) -> str:
    """One news item as markup: headline in bold, then its explanation."""
    headline, explain = news_text(item)
    tag = "  [dim]private[/]" if private and item.seat is not None else ""
    return f"[b]{escape(headline)}[/b]{tag}" + (f" — {escape(explain)}" if explain else "")


class NewsSection(Section):
    HELP_TEXT = (
        "News: every event and price move of the match so far, newest quarter first, each with"
        " the cause the engine computed. Filter by category with the selector."
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

    def by_quarter(self, view: SeatView) -> list[tuple[int, str, tuple[NewsItem, ...]]]:
        """``(turn, label, items)`` for every quarter played, newest first."""
        obs = view.obs
        session = getattr(self.app, "session", None)
        quarters: dict[int, tuple[str, tuple[NewsItem, ...]]] = {}
        if session is not None:
            for report in session.reports:
                quarters[report.turn] = (report.label, report.news_for(obs.seat))
        if obs.turn > 0 and obs.turn - 1 not in quarters:
            label = (
                session.state.world.quarter_label(obs.turn - 1)
                if session is not None
                else "Last quarter"
            )
            quarters[obs.turn - 1] = (label, tuple(obs.news))
        return [(t, *quarters[t]) for t in sorted(quarters, reverse=True)]

    def show(self, view: SeatView) -> None:
        self._view = view
        choice = self.query_one("#news-filter", Select).value
        warnings = self._warnings(view)
        blocks: list[str] = []
        if warnings:
            blocks.append("\n".join(warnings))
        quarters = self.by_quarter(view)
        for _, label, items in quarters:
            shown = [n for n in items if choice is Select.NULL or n.category == choice]
            if shown:
                lines = "\n".join(f"• {news_line(n, private=True)}" for n in shown)
            elif items:
                lines = "[dim]Nothing in this category.[/]"
            else:
                lines = "[dim]A quiet quarter: no events and no big price moves.[/]"
            blocks.append(f"[b u]{label}[/]\n{lines}")
        if not quarters:
            blocks.append("No news yet: it arrives after the first quarter.")
        self.query_one("#news-items", Static).update("\n\n".join(blocks))

    def _warnings(self, view: SeatView) -> Iterable[str]:
        """Your reserved contracts in their last quarter (their capacity is gone next)."""
        from game.tui.widgets.plan import ending_soon

        session = getattr(self.app, "session", None)
        if session is None or session.state.over:
            return []
        label = session.state.world.quarter_label
        return [
            f"[yellow]⚠ Your {view.names.provider(c.provider)} contract ({c.kgpu:,.1f} kGPU)"
            f" runs its last quarter now ({label(c.end)}): that capacity is gone from"
            f" {label(c.end + 1)} unless you reserve again.[/]"
            for c in ending_soon(session.state, view.obs.seat)
        ]
