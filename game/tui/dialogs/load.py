"""Load a game: every save is listed, newest first, by its players, scenario, seed and where it
stands; broken ones say why and cannot be chosen. ``d`` deletes the highlighted save after a
confirmation that says what is lost (a finished game's result, the game being played)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from game.arena.saves import SaveInfo, delete_save, list_saves, save_label
from game.tui.format import folder

if TYPE_CHECKING:
    from game.rules.models import Content


def save_problem(info: SaveInfo, content: Content | None) -> str | None:
    """Why ``info`` cannot be loaded with ``content`` (``None`` if it can): a broken file, or
    a game made with other content, which cannot be re-simulated (a change to something its
    simulation reads changes the content hash the save records; see
    :func:`~game.rules.loader.match_content_hash`)."""
    if info.save is None:
        return info.error or "the file cannot be read"
    if content is None:
        return None
    from game.rules.loader import match_content_hash

    header = info.save.header
    if header.scenario not in {s.id for s in content.scenarios}:
        return (
            f"played from a scenario file ({header.scenario}): cannot be loaded here; start"
            " the game with that file (capwars play --scenario FILE) to load it"
        )
    if header.content_hash == match_content_hash(content, header.scenario):
        return None
    return (
        "made with other game content: cannot be loaded (the game's content, the scenario's"
        " market, seats or events, or the game version changed since)"
    )


LOAD_NOTE = (
    "[b]Enter[/b] load  [b]d[/b] delete (asks first)  [b]Esc[/b] cancel\n"
    "A loaded game keeps autosaving into its own autosave file."
)
"""The keys, and where a loaded game autosaves (if its autosave is further along than the
save loaded, the load's notice says that file is kept and which file the game goes on in)."""


def pending_note(count: int, started: bool = True) -> str:
    """What loading does to the game being played: its orders placed this quarter are lost,
    and before its first quarter (``started`` false) the game itself unless it was saved, as
    the autosave is first written when a quarter ends.

    >>> pending_note(2)[-40:]
    'began: its 2 pending orders are lost.[/]'
    >>> pending_note(1, started=False)[-71:]
    'loading now leaves it and its pending order (Esc, s saves it first).[/]'
    """
    if not started:
        orders = (
            ""
            if not count
            else " and its pending order"
            if count == 1
            else f" and its {count} pending orders"
        )
        return (
            "\n[yellow]The game you are playing is autosaved from its first quarter on:"
            f" loading now leaves it{orders} (Esc, s saves it first).[/]"
        )
    if not count:
        return ""
    orders = "its pending order is" if count == 1 else f"its {count} pending orders are"
    return f"\n[yellow]The game you are playing stays as this quarter began: {orders} lost.[/]"


def delete_warning(info: SaveInfo, playing: Path | None) -> str:
    """What deleting ``info`` loses, for the confirmation (``playing``: the autosave of the
    game being played, if any)."""
    name = f"[b]{escape(info.path.name)}[/b]"
    if info.save is None:
        return f"Delete {name}? It cannot be loaded ({escape(info.error)})."
    label = save_label(info.save)
    if info.save.finished:
        return (
            f"Delete {name}? [b]This game is {label}[/b]: its final standings and"
            " result are in this file only (a class export needs it). This cannot be undone."
        )
    if playing is not None and info.path.resolve() == playing.resolve():
        return (
            f"Delete {name}? It is the autosave of the game you are playing ({label}); it is"
            " written again when this quarter ends."
        )
    return f"Delete {name} ({label})? This cannot be undone."


class LoadDialog(ModalScreen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="load.cancel"),
        Binding("d,delete", "delete", "Delete", id="load.delete"),
    ]

    def __init__(
        self,
        directory: Path,
        content: Content | None = None,
        playing: Path | None = None,
        pending: int = 0,
        started: bool = True,
    ):
        super().__init__()
        self.directory = directory
        self.playing = playing
        """The autosave of the game being played (its deletion is said so)."""
        self.pending = pending
        """Orders placed this quarter in the game being played: loading another loses them,
        and the note says so (it was said on quitting and going to the title, not here)."""
        self.started = started
        """Whether the game being played (if any) has a quarter played: before that it is not
        autosaved, so loading leaves it whole, and the note says that instead."""
        self.content = content
        """The game's content: saves made with other content are marked and cannot be chosen."""
        self.infos: list[SaveInfo] = []
        self.problems: list[str | None] = []

    def compose(self) -> ComposeResult:
        self.infos = list_saves(self.directory)
        self.problems = [save_problem(info, self.content) for info in self.infos]
        options = []
        for i, info in enumerate(self.infos):
            when = datetime.fromtimestamp(info.modified_ns / 1e9).strftime("%Y-%m-%d %H:%M")
            problem = self.problems[i]
            if info.save is not None:
                header = info.save.header
                players = ", ".join(p.name for p in header.players if p.bot == "human")
                mark = "[red]✗[/] " if problem else ""
                text = (
                    f"{mark}[b]{escape(players or '?')}[/b] · {escape(header.scenario)}, seed"
                    f" {header.seed} · {save_label(info.save)}\n"
                    f"  [dim]saved {when} · {escape(info.path.name)}[/]"
                )
                if problem:
                    text += f"\n  [red]{escape(problem)}[/]"
            else:
                text = f"[red]✗ {escape(info.name)}[/]\n  [dim]{escape(info.error)}[/]"
            options.append(Option(text, id=str(i)))
        with Vertical(classes="dialog", id="load-dialog"):
            yield Static("Load game", classes="dialog-title")
            if options:
                yield OptionList(*options, id="saves")
            else:
                where = "on the class server" if self.app.is_web else f"in {folder(self.directory)}"
                yield Static(f"No saves {where} yet.", id="no-saves")
            yield Static("", id="load-error", classes="error")
            if options:
                yield Static(
                    LOAD_NOTE + pending_note(self.pending, self.started),
                    id="load-note",
                    classes="hint",
                )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        info, problem = self.infos[index], self.problems[index]
        if problem is not None:
            self.query_one("#load-error", Static).update(
                escape(f"{info.name} cannot be loaded: {problem}.")
                + (f" {self.others_note(index)}" if info.save is None else "")
            )
            return
        self.dismiss(info.path)

    def others_note(self, index: int) -> str:
        """How many of the other saves can be loaded, said after a broken file's reason (it
        said "The other saves are fine." with three broken files in the list)."""
        others = [p for i, p in enumerate(self.problems) if i != index]
        good = sum(1 for p in others if p is None)
        if good == len(others):
            return "The other saves are fine." if others else ""
        if not good:
            return "No other save here can be loaded either."
        return f"{good} of the {len(others)} other saves can be loaded."

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_cancel()

    def action_delete(self) -> None:
        """Delete the highlighted save once the player confirms (never without asking)."""
        from game.tui.dialogs.confirm import ConfirmDialog

        lists = self.query("#saves").results(OptionList)
        chosen = next(lists, None)
        if chosen is None or chosen.highlighted is None:
            return
        option = chosen.get_option_at_index(chosen.highlighted)
        info = self.infos[int(option.id or 0)]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                delete_save(info.path)
            except OSError as exc:
                self.query_one("#load-error", Static).update(
                    escape(f"{info.path.name} could not be deleted: {exc}")
                )
                return
            self.notify(f"Deleted {info.path.name}")
            self.refresh(recompose=True)

        self.app.push_screen(
            ConfirmDialog(
                "Delete save",
                delete_warning(info, self.playing),
                yes="Delete",
                no="Keep",
                careful=True,
            ),
            answered,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
