"""The Capacity Wars app: screens are pushed here; the game lives in a :class:`GameSession`.

``make_app`` is the factory shared by :func:`run_app` (the CLI entry point) and the tests.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import ModalScreen

from game.arena.saves import SaveError, read_save, saves_dir
from game.tui.commands import CapwarsCommands
from game.tui.format import folder, unwritable
from game.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH

if TYPE_CHECKING:  # the engine and content load on first use, after the title screen is up
    from textual.screen import Screen

    from game.rules.models import Content
    from game.tui.session import GameSession
    from game.tui.web import ClassPause

MIN_SIZE = (MIN_WIDTH, MIN_HEIGHT)
"""The smallest terminal the game lays out in; smaller gets a polite message."""

HELP_BINDINGS = ("app.help", "order.help", "prediction.help")
"""The help keys that are F1 first (the title and main screens put ? first): in a browser
(``capwars serve``), where F1 may open the browser's help, they are ? first, as footers show."""


class CapwarsApp(App[int]):
    """Capacity Wars in a terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "Capacity Wars"
    COMMANDS = App.COMMANDS | {CapwarsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave the game (autosaved)"),
        # ? as well as F1: a browser (capwars serve) may open its own help on F1. A text field
        # still types ? (it takes printable keys before any binding sees them).
        Binding(
            "f1,question_mark", "help", "Help", id="app.help", tooltip="Key bindings and glossary"
        ),
        Binding(
            "ctrl+t",
            "toggle_dark",
            "Theme",
            id="app.theme",
            show=False,
            tooltip="Switch between the dark and the light theme",
        ),
    ]

    def __init__(
        self,
        content_dir: str | None = None,
        saves: str | Path | None = None,
        scenario: str | None = None,
        seed: int | None = None,
        load: str | None = None,
        autosave: bool = True,
        content: Content | None = None,
        replay_args: tuple[str, ...] = (),
        fixed: bool = False,
    ):
        super().__init__()
        self.content_dir = content_dir
        self.saves_dir = saves_dir(saves)
        self.start_scenario = scenario
        self.start_seed = seed
        self.start_load = load
        self.autosave_enabled = autosave
        self.session: GameSession | None = None
        self._content: Content | None = content
        """Loaded on first use; ``capwars play --scenario`` passes the content it checked."""
        self.replay_args = replay_args
        """What commands that re-simulate this game's saves need besides the save
        (``--content DIR``, ``--scenario FILE``), for the hint on the game-over screen."""
        self.started = time.perf_counter()
        self.ready_seconds: float | None = None
        self.fixed = fixed
        """Class play: the new-game form keeps the scenario, seed and table as given."""
        self.exit_when_ready = False
        """Set by the benchmark: quit as soon as the title screen is interactive."""
        self.autosave_problem: str | None = None
        """Why the last autosave of the game being played failed (None: it did, or none was
        due): quitting and leaving for the title warn that the game is not saved."""
        self.left_unsaved: tuple[frozenset[Path], str] | None = None
        """The files of the last game left for the title screen unsaved (its autosave failed
        and the player left all the same), with the quarter that game had reached: the title
        screen's Continue, offering one of those files, says it is older than the game left
        (:meth:`note_left_unsaved`)."""
        self.paused_by_teacher: str | None = None
        """While the teacher's pause from ``capwars serve`` lasts, its message ("" for none);
        otherwise None (:meth:`class_pause`)."""

    async def action_quit(self) -> None:
        """ctrl+q: quit, but ask first while a game has pending orders (they are not saved)."""
        from game.tui.dialogs.confirm import ConfirmDialog
        from game.tui.screens.game_over import GameOverScreen
        from game.tui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None and not isinstance(self.screen, ConfirmDialog):
            main.confirm_quit()
        elif isinstance(self.screen, GameOverScreen):
            # The finished game's autosave failed: quitting at once lost it without a word.
            self.screen.confirm_leave(self.exit)
        else:
            self.exit()

    # ------------------------------------------------------------------ the teacher's pause
    def on_class_pause(self, message: ClassPause) -> None:
        """The teacher typed ``pause`` or ``resume`` in the terminal of ``capwars serve``."""
        self.class_pause(message.message)

    def class_pause(self, message: str | None) -> None:
        """Pause the game for the teacher, showing ``message`` (a second pause only changes the
        message), or lift that pause (None). Whatever is on screen stays under the pause as it
        was, the turn timer stands still, and no key reaches the game until it is lifted."""
        from game.tui.screens.pause import ClassPauseScreen

        self.paused_by_teacher = message
        top = self.screen
        if message is None:
            if isinstance(top, ClassPauseScreen):
                self.pop_screen()
            # A window made smaller during the pause gets its request for room now.
            self.call_after_refresh(self._check_size, self.size.width, self.size.height)
        elif isinstance(top, ClassPauseScreen):
            top.show(message)
        else:
            self.push_screen(ClassPauseScreen(message))

    def push_screen(self, screen: Screen[Any] | str, *args: Any, **kwargs: Any) -> Any:
        """Open ``screen``; during the teacher's pause it opens under the pause (a quarter that
        was resolving when the pause came shows its report once the pause is lifted)."""
        return self._under_the_pause(screen, super().push_screen, *args, **kwargs)

    def switch_screen(self, screen: Screen[Any] | str) -> Any:
        """Replace the top screen; during the teacher's pause, the one under the pause (the
        last quarter resolving as the pause comes switches to the game-over screen)."""
        return self._under_the_pause(screen, super().switch_screen)

    def _under_the_pause(
        self, screen: Screen[Any] | str, show: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """``show(screen, ...)`` (Textual's push or switch), under the teacher's pause while it
        lasts: the pause screen comes off, ``screen`` is shown, the pause goes back on top."""
        from game.tui.screens.pause import ClassPauseScreen

        if self.paused_by_teacher is None or isinstance(screen, ClassPauseScreen):
            return show(screen, *args, **kwargs)
        if bool(self.screen_stack) and isinstance(self.screen, ClassPauseScreen):
            self.pop_screen()
        shown = show(screen, *args, **kwargs)
        super().push_screen(ClassPauseScreen(self.paused_by_teacher))
        return shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """During the teacher's pause no key does anything: not quit, help or the palette."""
        return self.paused_by_teacher is None

    # ------------------------------------------------------------------ content
    @property
    def content(self) -> Content:
        if self._content is None:
            from game.rules import load_content

            self._content = load_content(self.content_dir)
        return self._content

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        from game.tui.screens.title import TitleScreen

        if self.is_web:  # the footers show ? for help, the key the browser leaves alone
            self.update_keymap(dict.fromkeys(HELP_BINDINGS, "question_mark,f1"))
        self.push_screen(TitleScreen())
        if self.start_load:
            self.load_game(Path(self.start_load))
        elif self.start_scenario:
            self.new_game(self.start_scenario, self.start_seed)
        self.call_after_refresh(self._interactive)

    def _interactive(self) -> None:
        self.ready_seconds = time.perf_counter() - self.started
        self.log.info(f"interactive after {self.ready_seconds * 1000:.0f} ms")
        if self.exit_when_ready:
            self.exit(0)
        self._check_size(self.size.width, self.size.height)

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._check_size, event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        """Cover the app with a request for room while the terminal is below 80×24."""
        from game.tui.screens.too_small import TooSmallScreen

        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

    def content_ready(self) -> bool:
        """Load the content if needed; broken content gets a screen listing every problem."""
        from game.rules import ContentError

        try:
            self.content  # noqa: B018 - loads and caches the content
        except ContentError as exc:
            from game.tui.screens.content_error import ContentErrorScreen

            self.push_screen(ContentErrorScreen(exc, self.content_dir))
            return False
        return True

    # ------------------------------------------------------------------ games
    def new_game(self, scenario: str | None = None, seed: int | None = None) -> None:
        """Open the new-game form (after checking the content). With a fixed table (class
        play: ``capwars play --fixed``) every new game is the teacher's scenario and seed."""
        if not self.content_ready():
            return
        from game.tui.screens.new_game import NewGameScreen

        if self.fixed:
            scenario, seed = self.start_scenario, self.start_seed
        self.push_screen(NewGameScreen(scenario, seed, fixed=self.fixed))

    def start_session(self, session: GameSession) -> None:
        """Show the main screen for a session (new or loaded), above the title screen."""
        from game.tui.screens.main import MainScreen
        from game.tui.screens.title import TitleScreen

        self.session = session
        self.autosave_problem = None
        # The content, the world and the opening state live as long as the game: move them out
        # of the collector's way, so its full passes (which stalled dialogs by 100 ms) stay short.
        gc.collect()
        gc.freeze()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()
        if session.over:
            from game.tui.screens.game_over import GameOverScreen

            self.push_screen(GameOverScreen(session))
            return
        self.push_screen(MainScreen(session))

    def load_game(self, path: Path) -> bool:
        """Load a save; a bad one gets a dialog saying why and the game goes on."""
        from game.tui.dialogs.message import MessageDialog
        from game.tui.session import GameSession

        if not self.content_ready():
            return False
        try:
            # A save restores its room's settings (timer, PIN, lesson mode); one from before
            # saves kept them plays with the settings of the game before it.
            facilitation = self.session.facilitation if self.session is not None else None
            session = GameSession.from_save(
                self.content, read_save(path), facilitation, self.saves_dir
            )
        except SaveError as exc:
            self.push_screen(MessageDialog("This save cannot be loaded", f"{path.name}: {exc}"))
            return False
        self.start_session(session)
        # The game by its teams' names, not the file's (a file name of 60 characters made a
        # toast of four lines over the dialog buttons at 80x24).
        state = session.state
        who = ", ".join(state.names[seat] for seat in session.humans) or state.world.scenario.name
        who = who if len(who) <= 28 else who[:27] + "…"
        if session.over:
            last = state.world.quarter_label(max(state.turn - 1, 0))
            self.notify(f"Loaded: {who}, finished in {last}. Here are the final standings.")
        else:
            self.notify(f"Loaded: {who}, {state.quarter_label}")
            going = session.continuation
            if going is not None and going.kept is not None and self.autosave_enabled:
                self.notify(
                    f"This game's autosave {going.kept.name} {going.why} and is kept as it is;"
                    f" from here the game autosaves to"
                    f" {session.autosave_path(self.saves_dir).name}.",
                    timeout=12,
                )
        return True

    def autosave(self) -> None:
        """Autosave the game now; a failure is shown as a warning."""
        unsaved = self.write_autosave()
        if unsaved is not None:
            self.notify(unsaved, severity="warning")

    def write_autosave(self) -> str | None:
        """Write the game's autosave (atomically: a file half-written is never left), if
        autosave is on; returns why it failed, else None. Touches no widget: the quarter's
        worker thread calls it as soon as a quarter is resolved.

        A game with no quarter played is not written: it holds nothing but its new-game
        settings, and games opened and left at once filled the Load list (and Continue) with
        "not started (0/24)" files. Its first quarter writes it."""
        if self.session is None or not self.autosave_enabled or not self.session.turns:
            return None
        try:
            self.session.autosave(self.saves_dir)
        except OSError as exc:
            self.autosave_problem = unwritable(exc, self.saves_place)
            return (
                f"Autosave failed: {self.autosave_problem}. This quarter is not saved: make the"
                " folder writable, then s saves the game; quitting now loses the quarters"
                " played since it was last saved."
            )
        self.autosave_problem = None
        if self.left_unsaved is not None and (
            self.session.autosave_path(self.saves_dir).resolve() in self.left_unsaved[0]
        ):
            self.left_unsaved = None  # that file holds a game played on since
        return None

    def note_left_unsaved(self, session: GameSession, reached: str) -> None:
        """``session`` is left unsaved at ``reached`` (a quarter's label): remember which files
        held it before (its autosave, the file it was loaded from) for the title screen."""
        paths = {session.autosave_path(self.saves_dir)}
        if session.source is not None:
            paths.add(Path(session.source))
        self.left_unsaved = (frozenset(p.resolve() for p in paths), reached)

    def left_unsaved_note(self, path: Path) -> str:
        """What Continue says after offering ``path``: that it is older than the game left
        unsaved, when it is one of that game's files ("" otherwise)."""
        if self.left_unsaved is None or Path(path).resolve() not in self.left_unsaved[0]:
            return ""
        return (
            f" (older than the game you left: it reached {self.left_unsaved[1]} and was not saved)"
        )

    @property
    def saves_place(self) -> str:
        """Where the saves are, as a player reads it: the folder in a terminal; in a browser
        (``capwars serve``) the folder is on the server and its path (with the session id in
        it) means nothing to the student."""
        return "on the class server" if self.is_web else f"in {folder(self.saves_dir)}"

    def saved_path(self, session: GameSession) -> Path | None:
        """The file that holds ``session`` as it stands: its autosave, else the file it was
        loaded from; ``None`` when neither exists (autosave off)."""
        candidates = [session.source]
        if self.autosave_enabled:
            candidates.insert(0, session.autosave_path(self.saves_dir))
        return next((p for p in candidates if p is not None and p.is_file()), None)

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        # From a dialog (F1 in an order dialog), the help of the section under it: the dialog
        # has none of its own, and the help opened without its 'This section' part.
        under = next(
            (s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None
        )
        section = getattr(self.screen, "section", None) or getattr(under, "section", None)
        self.push_screen(HelpScreen(section))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"


def make_app(
    scenario: str | None = None,
    seed: int | None = None,
    load: str | None = None,
    content_dir: str | None = None,
    saves: str | Path | None = None,
    autosave: bool = True,
    content: Content | None = None,
    replay_args: tuple[str, ...] = (),
    fixed: bool = False,
) -> CapwarsApp:
    """The app, configured (shared by :func:`run_app` and the tests)."""
    return CapwarsApp(
        content_dir, saves, scenario, seed, load, autosave, content, replay_args, fixed
    )


def run_app(
    scenario: str | None = None,
    seed: int | None = None,
    load: str | None = None,
    content_dir: str | None = None,
    content: Content | None = None,
    replay_args: tuple[str, ...] = (),
    fixed: bool = False,
) -> int:
    """Run the game in this terminal; returns the exit code."""
    app = make_app(
        scenario, seed, load, content_dir, content=content, replay_args=replay_args, fixed=fixed
    )
    result = app.run()
    return int(result or 0)
