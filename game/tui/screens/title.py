"""The title screen: new game, continue, load, tutorial, help, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.arena.saves import (
    SaveInfo,
    is_autosave,
    iter_saves,
    peek_newest,
    save_label,
    save_name,
)

if TYPE_CHECKING:
    from game.tui.app import CapwarsApp

LOGO = """\
 ▄▄▄  ▄▄▄ ▄▄▄▄  ▄▄▄  ▄▄▄ ▄ ▄▄▄ ▄   ▄   ▄   ▄  ▄▄▄ ▄▄▄▄  ▄▄▄
 █   █▄▄█ █▄▄▀ █▄▄█ █    █  █  ▀▄▀    █ ▄ █ █▄▄█ █▄▄▀ ▀▄▄
 ▀▀▀ ▀  ▀ ▀    ▀  ▀  ▀▀▀ ▀  ▀   ▀      ▀ ▀  ▀  ▀ ▀  ▀ ▄▄▄▀"""

WEB_LOGO = r"""  ___   _   ___  _   ___ ___ _______   __ __      ___   ___  ___
 / __| /_\ | _ \/_\ / __|_ _|_   _\ \ / / \ \    / /_\ | _ \/ __|
| (__ / _ \|  _/ _ \ (__ | |  | |  \ V /   \ \/\/ / _ \|   /\__ \
 \___/_/ \_\_|/_/ \_\___|___| |_|   |_|     \_/\_/_/ \_\_|_\|___/"""
"""The logo in a browser (``capwars serve``): plain ASCII. The page's fallback fonts draw the
half-block characters of :data:`LOGO` at uneven widths and heights, which breaks up its letters."""

TAGLINE = "Spot, reserve, build, or design your own chips: survive the AI compute crunch."


class TitleScreen(Screen[None]):
    """The first screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "choose('new')", "New game", id="title.new"),
        Binding("c", "choose('continue')", "Continue", id="title.continue"),
        Binding("l", "choose('load')", "Load", id="title.load"),
        Binding("t", "choose('tutorial')", "Tutorial", id="title.tutorial"),
        Binding("question_mark,f1", "choose('help')", "Help", id="title.help"),
        Binding("q,ctrl+q", "choose('quit')", "Quit", id="title.quit"),
    ]
    section = "title"

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(WEB_LOGO if self.app.is_web else LOGO, id="logo", markup=False)
            yield Static(TAGLINE, id="tagline")
            with Center():
                yield OptionList(id="title-menu")
            yield Static("", id="continue-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def refresh_menu(self) -> None:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        last = peek_newest(app.saves_dir)
        menu = self.query_one("#title-menu", OptionList)
        menu.clear_options()
        menu.add_options(
            [
                Option("[b]N[/b]ew game", id="new"),
                Option("[b]C[/b]ontinue", id="continue", disabled=last is None),
                Option("[b]L[/b]oad a saved game", id="load"),
                Option("[b]T[/b]utorial (8 quarters, rent only)", id="tutorial"),
                Option("Help and glossary [b]?[/b]", id="help"),
                Option("[b]Q[/b]uit", id="quit"),
            ]
        )
        menu.highlighted = 1 if last is not None else 0
        if last is None:
            hint = "No saved game yet."
        else:
            hint = f"Continue: {last[1] or last[0]}{self._older_note(last[0])}"
        self.query_one("#continue-hint", Static).update(hint)
        menu.focus()
        if last is not None:
            # The newest file may be a game made with other content: once the screen is up,
            # name the game Continue really loads (reading the content takes a moment).
            self.call_after_refresh(self._check_continue)

    def _older_note(self, name: str) -> str:
        """Whether the save named ``name`` (Continue's) is a file of the game left unsaved,
        and older than it: said after it on this screen for the rest of the app's run."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        left = app.left_unsaved
        path = next((p for p in left[0] if save_name(p) == name), None) if left else None
        return app.left_unsaved_note(path) if path is not None else ""

    def _continue_target(self) -> tuple[SaveInfo | None, list[tuple[SaveInfo, str]]]:
        """The newest save that loads with this content, and the newer ones that do not
        (with why); ``(None, [])`` when the content itself cannot be read."""
        from game.rules import ContentError
        from game.tui.dialogs.load import save_problem

        app: CapwarsApp = self.app  # type: ignore[assignment]
        try:
            content = app.content
        except ContentError:  # broken content: loading says so, with every problem
            return None, []
        skipped: list[tuple[SaveInfo, str]] = []
        unplayed: SaveInfo | None = None
        for info in iter_saves(app.saves_dir):  # reads no further than the game it loads
            problem = save_problem(info, content)
            if problem is None:
                # An autosave of a game left before its first quarter (earlier versions wrote
                # them) is passed over for an older game that was played; alone, it loads.
                if info.save is not None and not info.save.quarters and is_autosave(info.path):
                    unplayed = unplayed or info
                    continue
                return info, skipped
            skipped.append((info, problem))
        if unplayed is not None:
            return unplayed, [s for s in skipped if s[0].modified_ns > unplayed.modified_ns]
        return None, skipped

    def _check_continue(self) -> None:
        target, skipped = self._continue_target()
        if not skipped:
            return
        app: CapwarsApp = self.app  # type: ignore[assignment]
        menu = self.query_one("#title-menu", OptionList)
        hint = self.query_one("#continue-hint", Static)
        if target is None:
            menu.disable_option("continue")
            menu.highlighted = 0
            hint.update(
                f"Nothing to continue: {skipped[0][0].name} {skipped[0][1]}"
                + (
                    f" (and {len(skipped) - 1} more save(s) cannot be loaded)."
                    if len(skipped) > 1
                    else "."
                )
            )
            return
        save = target.save
        where = f" · {save_label(save)}" if save is not None else ""
        newer = len(skipped)
        hint.update(
            f"Continue: {target.name}{where}{app.left_unsaved_note(target.path)}"
            f" (skips {newer} newer save{'s' if newer > 1 else ''} that cannot be loaded:"
            " Load says why)"
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_choose(event.option.id)

    def action_choose(self, choice: str) -> None:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        if choice in ("new", "tutorial"):
            app.new_game("tutorial" if choice == "tutorial" else None)
        elif choice == "continue":
            if not app.content_ready():
                return
            last, skipped = self._continue_target()
            if last is not None:
                if app.load_game(last.path) and skipped:
                    app.notify(
                        f"Skipped the newer {skipped[0][0].name}: {skipped[0][1]}.", timeout=8
                    )
            else:
                from game.tui.dialogs.message import MessageDialog

                why = f" The newest, {skipped[0][0].name}, {skipped[0][1]}." if skipped else ""
                app.push_screen(
                    MessageDialog(
                        "Nothing to continue",
                        f"No save {app.saves_place} can be loaded.{why} Load lists every save"
                        " with the reason.",
                    )
                )
        elif choice == "load":
            from game.tui.dialogs.load import LoadDialog

            if app.content_ready():  # saves made with other content are marked in the list
                app.push_screen(LoadDialog(app.saves_dir, app.content), self._loaded)
        elif choice == "help":
            app.action_help()
        elif choice == "quit":
            app.exit(0)

    def _loaded(self, path: object) -> None:
        from pathlib import Path

        if isinstance(path, Path):
            app: CapwarsApp = self.app  # type: ignore[assignment]
            app.load_game(path)
