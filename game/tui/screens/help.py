"""Help: key bindings, help for the section you came from, and the glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.tui.format import pct, price
from game.tui.order_keys import HINT_SECTIONS, ORDER_KEYS, off_keys

if TYPE_CHECKING:
    from game.tui.app import CapwarsApp

KEYS = """\
[b]1-7[/b] sections (Overview, Market, Infra, Research, Rivals, News, Orders)
[b]e[/b] end quarter   [b]s[/b] save   [b]l[/b] load   [b]?[/b]/[b]F1[/b] help
[b]ctrl+p[/b] command palette
{orders}
[b]x[/b] remove order   [b]Enter[/b] edit order
[b]Tab[/b] then [b]↓[/b] or [b]End[/b]: what is under a table, when it says more below
In help [b]g[/b] glossary, [b]k[/b] keys · in order dialogs [b]F1[/b] help, [b]Esc[/b] cancel
[b]?[/b] help too, but not in a text field (it types ?) · a browser may keep F1
[b]i[/b] lesson notes   [b]F9[/b]/[b]ctrl+f[/b] facilitator menu (live events, pause)
[b]ctrl+t[/b] light/dark theme   [b]Esc[/b] back   [b]ctrl+q[/b] quit"""


def _order_lines() -> str:
    """The order keys (from the one table of orders), one line for the orders of each section
    that hints them (Market, Infra, Research, Orders); every key works from any section."""
    return "\n".join(
        "   ".join(f"[b]{o.key}[/b] {o.hint}" for o in ORDER_KEYS if o.section == section)
        for section in HINT_SECTIONS
    )


KEYS = KEYS.replace("{orders}", _order_lines())


FACILITATOR_KEYS = "   [b]F9[/b]/[b]ctrl+f[/b] facilitator menu (live events, pause)"


def keys_text(fixed: bool = False) -> str:
    """The key list; class play (``--fixed``) has no facilitator menu, so no F9 in it."""
    return KEYS.replace(FACILITATOR_KEYS, "") if fixed else KEYS


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        # The glossary comes after the keys, a dozen pages down at 80x24: a newcomer
        # looking up 'take-or-pay' scrolled through everything else first.
        Binding("g", "jump('glossary-title')", "Glossary", id="help.glossary"),
        Binding("k", "jump('keys-title')", "Keys", id="help.keys"),
    ]
    section = "help"

    def __init__(self, context: str | None = None):
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        yield Static("Help", classes="screen-title")
        with VerticalScroll(id="help-body"):
            context = self._context_help()
            if context:
                yield Static("This section", classes="subtitle")
                yield Static(context, id="context-help")
            session = app.session
            if session is not None and not session.over:
                from game.tui.screens.lessons import lesson_text

                yield Static("This game", classes="subtitle")
                yield Static(self._rules(), id="game-rules")
                if session.state.world.scenario.lessons:
                    yield Static("Lesson notes so far", classes="subtitle")
                    yield Static(lesson_text(session), id="help-lessons")
            yield Static("Keys", classes="subtitle", id="keys-title")
            yield Static(keys_text(app.fixed), id="keys")
            yield Static("Glossary", classes="subtitle", id="glossary-title")
            yield Static(
                "\n".join(
                    f"[b]{g.term}[/b]: {' '.join(g.text.split())}" for g in app.content.glossary
                ),
                id="glossary",
            )
            yield Static("Verdict titles", classes="subtitle")
            yield Static(self._verdicts(), id="verdicts")
        yield Footer()

    def action_jump(self, target: str) -> None:
        """Scroll the help so that ``target`` (a heading) is at the top."""
        self.query_one("#help-body", VerticalScroll).scroll_to_widget(
            self.query_one(f"#{target}"), top=True, animate=False
        )

    def _verdicts(self) -> str:
        """The four titles the Overview (so far) and the final standings give, with the
        engine's own sentence for each and the two marks that pick one; with a game open, the
        marks of its scenario."""
        from game.engine.scoring import TITLES  # on first use: the title screen stays light

        app: CapwarsApp = self.app  # type: ignore[assignment]
        session = app.session
        aims = "each against the scenario's aim (the Overview shows it)"
        if session is not None:
            victory = session.state.world.scenario.victory
            aims = (
                f"in this game good is serving at least {pct(victory.served_share_good)} at"
                f" a cost of at most {price(victory.cost_per_kgpu_good)}"
            )
        lines = [
            "Each company's title weighs two figures over the whole game: the share of its"
            f" customers' demand it served and its compute cost per kGPU served; {aims}."
        ]
        for (served_ok, cost_ok), (title, meaning) in TITLES.items():
            marks = (
                f"served {'enough' if served_ok else 'too little'},"
                f" cost {'low' if cost_ok else 'high'}"
            )
            lines.append(f"[b]{escape(title)}[/b] ({marks}): {escape(meaning)}")
        return "\n".join(lines)

    def _rules(self) -> str:
        """The rules this game is played with, as chosen at new game."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        session = app.session
        assert session is not None
        f = session.facilitation
        lines = [
            f"{escape(session.state.world.scenario.name)}, seed {session.state.seed}.",
            "[b]Catch-up rule on[/b]: the team with the lowest enterprise value each quarter gets"
            " extra appeal with customers the next quarter; the debrief says whom it helped."
            if session.catch_up
            else "Catch-up rule off.",
            f"Turn timer: {f.turn_seconds} s per team turn; when it runs out the quarter ends"
            " with the orders placed so far."
            if f.turn_seconds
            else "No turn timer.",
        ]
        off = off_keys(session.state.world.scenario.mechanics)
        if off:
            lines.append(f"Off in this scenario (their keys only say so): {off}.")
        if f.lesson_mode and session.state.world.scenario.predictions:
            lines.append(
                "Lesson mode: before some quarters resolve, each team is asked a prediction;"
                " the quarter report shows it against what happened."
            )
        return "\n".join(lines)

    def _context_help(self) -> str:
        from game.tui.screens.main import SECTIONS

        for sid, _, cls in SECTIONS:
            if sid == self.context:
                return cls.HELP_TEXT
        return ""

    def action_close(self) -> None:
        self.dismiss(None)
