"""Game over: final standings, the verdict titles, charts of the whole game, and the file that
holds the finished game with the command that turns it into a class result file."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from game.arena.saves import slug
from game.tui.format import money, pct, price
from game.tui.session import GameSession
from game.tui.widgets.chart import LineChart
from game.tui.widgets.section import GameTable, yours

if TYPE_CHECKING:
    from game.engine import Standing
    from game.tui.app import CapwarsApp

SCORE_LABELS = {"value_created": "Value created", "enterprise_value": "Enterprise value"}
"""The score column's heading under each victory rule (game.engine.scoring)."""


def export_args(path: Path, team: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The words of the command a team runs to hand in its result."""
    out = slug(team, 60) or "team"
    return ["capwars", "class", "export", str(path), *extra, "--out", f"{out}.json"]


def export_command(path: Path, team: str, extra: tuple[str, ...] = ()) -> str:
    """The command a team runs to hand in its result.

    >>> export_command(Path("saves/autosave-x.jsonl"), "Team Red")
    'capwars class export saves/autosave-x.jsonl --out team-red.json'
    """
    return shlex.join(export_args(path, team, extra))


def report_args(path: Path, team: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The words of the command that writes the game's debrief page (``capwars report``)."""
    out = f"{slug(team, 60) or 'team'}-debrief"
    return ["capwars", "report", str(path), *extra, "--out", out]


def command_lines(args: list[str], width: int, indent: str = "", head: int = 3) -> list[str]:
    r"""``args`` as one shell command in lines of at most ``width`` cells, each starting with
    ``indent``: whole when it fits, else broken between words with a backslash at each line's
    end (the shell reads it as one command, so it still copies and pastes). A word longer than
    a line (a save's path in a deep folder) is broken too, with a backslash right after its
    last character and the rest from the line's first column: POSIX shells remove a backslash
    and newline inside a word, so it pastes as one word (indenting the rest would split it).

    >>> command_lines(["capwars", "class", "export", "a.jsonl", "--out", "t.json"], 80)
    ['capwars class export a.jsonl --out t.json']
    >>> command_lines(["capwars", "class", "export", "a.jsonl", "--out", "t.json"], 24)
    ['capwars class export \\', '  a.jsonl --out t.json']
    >>> command_lines(["capwars", "class", "export", "/saves/autosave-x.jsonl"], 20)
    ['capwars class export \\', '  /saves/autosave-x\\', '.jsonl']
    """
    whole = shlex.join(args)
    if len(indent) + len(whole) <= width:
        return [indent + whole]
    # Keep an option with its value: "--out team.json" on one line.
    # The program and its subcommand (``head`` words) start the first line.
    groups: list[list[str]] = [args[:head]]
    rest = args[head:]
    while rest:
        word = rest.pop(0)
        if word.startswith("--") and rest and not rest[0].startswith("--"):
            groups.append([word, rest.pop(0)])
        else:
            groups.append([word])
    lines: list[str] = []
    for group in groups:
        text = shlex.join(group)
        if lines and len(lines[-1]) + 1 + len(text) + 2 <= width and len(lines) > 1:
            lines[-1] += " " + text
        else:
            lines.append(indent + text if not lines else indent + "  " + text)
    out: list[str] = []
    for k, line in enumerate(lines):
        tail = "" if k == len(lines) - 1 else " \\"
        if tail and len(line) + len(tail) > width >= len(line) + 1:
            tail = "\\"  # right after the word still ends it: the next line is indented
        word = line.strip()
        # Only a lone unquoted word: inside quotes a backslash and newline stay as they are.
        if " " not in word and shlex.quote(word) == word:
            while len(line) + len(tail) > width and width - 1 > len(line) - len(line.lstrip()):
                out.append(line[: width - 1] + "\\")
                line = line[width - 1 :]
        out.append(line + tail)
    return out


class GameOverScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "title", "Title screen", id="over.title"),
        Binding(
            "d",
            "download",
            "Download save",
            id="over.download",
            tooltip="Download the finished game's save file (to hand in)",
        ),
        Binding(
            "s",
            "save",
            "Save again",
            id="over.save",
            tooltip="Write the finished game's save again (its autosave failed)",
        ),
        Binding(
            "c",
            "copy",
            "Copy command",
            id="over.copy",
            tooltip="Copy the command that makes your result file",
        ),
    ]
    section = "game_over"

    def __init__(self, session: GameSession):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        state = self.session.state
        standings = self.session.standings()
        winner = standings[0]
        human_best = min(
            (s for s in standings if s.seat in self.session.humans), key=lambda s: s.rank
        )
        yield Static(
            f"Game over after {state.turn} quarters · {winner.name} wins · "
            f"{human_best.name} finished #{human_best.rank}: [b]{human_best.title}[/b]"
            f" ({human_best.verdict})",
            classes="screen-title",
            id="over-title",
        )
        self.team = human_best.name
        yield Static(self._saved_text(), id="over-saved")
        with VerticalScroll():
            yield GameTable(id="standings", cursor_type="none", zebra_stripes=True)
            yield Static(self._why(standings, human_best), id="over-why")
            yield Static(self._debrief_text(), id="over-debrief")
            yield Static("", id="verdicts")
            with Horizontal(classes="charts"):
                yield LineChart(id="over-ev")
                yield LineChart(id="over-share")
                yield LineChart(id="over-spot")
        yield Footer()

    def _why(self, standings: list[Standing], you: Standing) -> str:
        """Why you finished where you did: how the score is counted, yours against the
        winner's (or the runner-up's when you won), and the parts of your enterprise value."""
        from game.tui.widgets.overview import value_parts

        state = self.session.state
        rule = state.world.scenario.victory.rule
        other = standings[1] if you.rank == 1 and len(standings) > 1 else standings[0]
        if other.seat == you.seat:
            return ""

        def built(s: Standing) -> str:
            if rule != "value_created":
                return f"enterprise value {money(s.score)}"
            opening = float(state.world.industries[s.seat].starting_cash)
            return f"{money(s.score + opening)} from {money(opening)} = {money(s.score)}"

        lines = [
            "Ranked by "
            + (
                "value created: enterprise value at the end − opening cash, so a rich start"
                " does not win by itself."
                if rule == "value_created"
                else "enterprise value at the end."
            ),
            f"You ({escape(you.name)}): {built(you)}. {escape(other.name)}: {built(other)}"
            f" ({'behind you by' if you.rank == 1 else 'ahead of you by'}"
            f" {money(abs(other.score - you.score))}).",
        ]
        if you.cost_per_kgpu < float("inf") and other.cost_per_kgpu < float("inf"):
            lines.append(
                f"Compute per kGPU served: yours {price(you.cost_per_kgpu)},"
                f" {escape(other.name)}'s {price(other.cost_per_kgpu)}; served"
                f" {pct(you.served_share)} and {pct(other.served_share)} of demand."
            )
        value = float(state.history["enterprise_value"][state.turn - 1, you.seat])
        parts = value_parts(self.session, you.seat, value).strip()
        if parts:
            lines.append(f"Your {parts[0].lower()}{parts[1:]}.")
        return "\n".join(lines)

    def _saved(self) -> Path | None:
        """The file that holds the finished game; ``None`` when nothing does: autosave is off,
        or its last write failed (a read-only saves folder, a full disk). An earlier autosave
        or the file the game was loaded from holds it quarters short: the screen named it
        "Saved in" and offered its export command to hand in."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        if app.autosave_problem is not None:
            return None
        return app.saved_path(self.session)

    def _command(self) -> list[str] | None:
        """The words of the export command (``None`` when nothing was saved)."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        path = self._saved()
        if path is None:
            return None
        return export_args(path, self.team, app.replay_args)

    def _saved_text(self) -> str | Text:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        path = self._saved()
        if path is None and app.autosave_problem is not None:
            return (
                f" [b]This game is not saved[/b]: its last autosave failed"
                f" ({escape(app.autosave_problem)}). Make the folder writable, then press"
                " [b]s[/b] to save the finished game: your result is made from that save."
            )
        if path is None:
            return " Autosave is off: this game was not saved."
        if app.is_web:
            # In a browser (capwars serve) the file is on the server: download it to hand in.
            name = escape(path.name)
            return (
                f" Press [b]d[/b] to download your save ({name}) and hand it to your teacher,"
                " who makes the result file with [b]capwars class export SAVE --out FILE[/b]."
            )
        args = export_args(path, self.team, app.replay_args)
        # The command on lines of its own, never broken inside a word (it is copied and
        # pasted): split between words, with the shell's line continuation, when too wide.
        lines = command_lines(args, max(self.app.size.width - 2, 32), indent="  ")
        # Outside class play (--fixed) the player may have no class: 'Hand in your result'
        # alone left a newcomer playing on their own asking to whom.
        who = "Hand in" if app.fixed else "Playing for a class? Hand in"
        text = Text.from_markup(
            f" Saved in [b]{escape(str(path))}[/b]\n"
            f" {who} your result with this command ([b]c[/b] copies it):"
        )
        for line in lines:  # plain text: markup would read a line's final backslash
            text.append("\n")
            # The widget has no padding: the screen's margin is a space of the line's own,
            # except on the rest of a word broken at a line's end, which must start in the
            # first column. With the padding, a mouse copy of the command pasted
            # "saves/autosave-…-93ce.j sonl" (the space before "sonl" split the path in two).
            text.append(" " + line if line.startswith(" ") else line)
            text.stylize("bold", len(text) - len(line), len(text))
        return text

    def _debrief_text(self) -> str | Text:
        """The command that turns the finished game into a debrief page (the whole game's
        charts, every decision and CSV files): the game over named only the class export."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        path = self._saved()
        if path is None or app.is_web:  # in a browser the save is on the server
            return ""
        args = report_args(path, self.team, app.replay_args)
        text = Text.from_markup(
            "\nGo over the whole game quarter by quarter (charts, every decision, CSV files):"
        )
        for line in command_lines(args, max(self.app.size.width - 4, 32), indent="  ", head=2):
            text.append("\n")
            text.append(line, style="bold")
        text.append(f"\nthen open {args[-1]}/report.html in a browser.")
        return text

    def on_resize(self) -> None:
        self.query_one("#over-saved", Static).update(self._saved_text())
        self.query_one("#over-debrief", Static).update(self._debrief_text())
        self._standings_table()

    TITLE_WIDTH = 100
    """Narrower, the standings table has no Title column: it was cut to 'St' and 'Bi' at 80
    columns, and the titles are listed in full under the table anyway."""

    def _standings_table(self) -> None:
        state = self.session.state
        rule = state.world.scenario.victory.rule
        table = self.query_one("#standings", DataTable)
        titled = self.app.size.width >= self.TITLE_WIDTH
        if table.columns and (len(table.columns) == self._columns(rule, titled)):
            return
        table.clear(columns=True)
        score_columns = [SCORE_LABELS[rule]]
        if rule == "value_created":  # the score is EV − opening cash; show EV itself too
            score_columns.append(SCORE_LABELS["enterprise_value"])
        title = ["Title"] if titled else []
        table.add_columns("#", "Company", *score_columns, "Served", "Cost/kGPU", *title)
        for s in self.session.standings():
            who = " (you)" if s.seat in self.session.humans else ""
            scores = [money(s.score)]
            if rule == "value_created":
                scores.append(money(s.score + state.world.industries[s.seat].starting_cash))
            table.add_row(
                str(s.rank),
                s.name + who,
                *scores,
                pct(s.served_share),
                price(s.cost_per_kgpu),
                *([s.title] if titled else []),
            )

    @staticmethod
    def _columns(rule: str, titled: bool) -> int:
        return 5 + (rule == "value_created") + titled

    def action_copy(self) -> None:
        args = self._command()
        if args is None:
            self.notify("Autosave is off: there is no save to export.", severity="warning")
            return
        self.app.copy_to_clipboard(shlex.join(args))
        self.notify("Copied the export command (paste it in a terminal).")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        if action == "download":  # in a browser, where the file is on the server
            return app.is_web and self._saved() is not None
        if action == "copy":
            return not app.is_web and self._saved() is not None
        if action == "save":
            return app.autosave_problem is not None
        return True

    def action_save(self) -> None:
        """Write the autosave again (its last write failed); the screen then names the file
        and its export command, or the warning says why it failed once more."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        app.autosave()
        if app.autosave_problem is None:
            self.notify("Saved: the finished game is in its autosave.")
        self.on_resize()
        self.refresh_bindings()

    def confirm_leave(self, leave: Callable[[], None]) -> None:
        """``leave`` at once, or after asking while the finished game is not saved."""
        from game.tui.dialogs.confirm import ConfirmDialog

        app: CapwarsApp = self.app  # type: ignore[assignment]
        if app.autosave_problem is None:
            leave()
            return
        app.push_screen(
            ConfirmDialog(
                "Leave without saving?",
                f"[b]The finished game is not saved[/b]: its last autosave failed"
                f" ({escape(app.autosave_problem)}), and your result is made from the save."
                " To keep it, press n (Back), make the folder writable and press s.",
                yes="Leave (y)",
                careful=True,
            ),
            lambda yes: leave() if yes else None,
        )

    def action_download(self) -> None:
        """Send the save to the browser as a download (``capwars serve``)."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        path = self._saved()
        if path is not None:
            app.deliver_binary(path, save_filename=path.name, mime_type="application/x-ndjson")

    def on_mount(self) -> None:
        state = self.session.state
        # The verdicts are sentences: listed under the table, where they wrap (a column would
        # cut them at 100 columns).
        self._standings_table()
        verdicts = []
        for s in self.session.standings():
            who = " (you)" if s.seat in self.session.humans else ""
            verdicts.append(
                f"{s.rank}. [b]{escape(s.name)}[/b]{who}, {s.title}: {escape(s.verdict)}"
            )
        self.query_one("#verdicts", Static).update("\n".join(verdicts))
        t = state.turn
        # Each human's own line is named so in the charts (the glyphs tell lines apart, the
        # name says which is yours), as the Rivals section's share chart does: a legend keeps
        # 14 characters of a name, so the name is cut to leave room for the mark. Not in a
        # hot-seat game: every team is "you" there, and cut alike ("Table 1 Anna", "Table 1
        # Ben": "Table 1… (you)") two teams' lines had one name and one of them was lost.
        humans = self.session.humans
        names = [
            yours(name) if len(humans) == 1 and seat in humans else name
            for seat, name in enumerate(state.names)
        ]
        h = state.history
        quarters = tuple(state.world.quarter_label(q) for q in range(t))  # the x axis
        self.query_one("#over-ev", LineChart).show(
            "Enterprise value $M",
            {n: tuple(h["enterprise_value"][:t, i]) for i, n in enumerate(names)},
            quarters=quarters,
        )
        self.query_one("#over-share", LineChart).show(
            "Market share %",
            {n: tuple(float(x) * 100 for x in h["share"][:t, i]) for i, n in enumerate(names)},
            quarters=quarters,
        )
        ids = state.world.provider_ids
        first_word = {p: self.session.names.provider(p).split()[0] for p in ids}
        self.query_one("#over-spot", LineChart).show(
            "Spot prices",
            {first_word[p]: tuple(h["spot_price"][:t, k]) for k, p in enumerate(ids)},
            quarters=quarters,
        )

    def action_title(self) -> None:
        self.confirm_leave(self._to_title)

    def _to_title(self) -> None:
        from game.tui.screens.title import TitleScreen

        app: CapwarsApp = self.app  # type: ignore[assignment]
        if app.autosave_problem is not None:  # left unsaved: Continue says its file is older
            state = self.session.state
            app.note_left_unsaved(
                self.session, f"its end ({state.world.quarter_label(max(state.turn - 1, 0))})"
            )
        while len(app.screen_stack) > 1 and not isinstance(app.screen, TitleScreen):
            app.pop_screen()
