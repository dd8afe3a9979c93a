"""``capwars serve``: the terminal game in web browsers, through textual-serve (extra ``web``).

Each browser that opens the page gets a cookie naming its session; every websocket the page
opens starts its own ``capwars play`` process with ``CAPWARS_SAVES`` set to that session's own
folder under ``--saves`` (default ``saves/web``), so two students never see each other's saves,
and the same browser finds its saves again: after a reload, and for 30 days also after the
browser was closed. With ``--fixed`` (class play) a session that has played the class's game
opens straight into it (``capwars play --load``), not on the new-game form.

The server binds to the loopback address by default: only this machine can connect. Any other
address is refused unless ``--allow-remote`` is given (with a warning: anyone who can reach
the port can play, and there is no login). The page and its JavaScript and CSS come from the
textual-serve package itself; the one remote link in its page template (a web font, which
falls back to a local monospace font) is removed, so the page works without a network.

A game process stops with its server, however the server ends: each runs as ``python -m
game.serve play ...`` (:func:`run_game`), told the server's process id, and a thread of its own
(:func:`watch_server`) notices when its parent is no longer that server (killed with ``kill -9``,
crashed) and ends the game as the server's own stop does, keeping every quarter played (the
game is saved at the end of each). Before, each student's game process ran on, orphaned, until
killed by hand.

The teacher pauses every student's game from the server's terminal: ``pause`` (optionally
followed by a message for the students) and Enter covers every game with a pause screen the
students cannot close, the turn timer standing still; ``resume`` lifts it. A game that starts
while the pause lasts opens paused. The server tells each game process in a "meta" packet on the
pipe textual-serve already feeds its keys through (:mod:`game.tui.web`, whose driver each game
runs). When the server's standard input is not a terminal (a service), nothing is read from it.
``status`` lists how far each browser's game is.

A class opening the page at once has its games started in turn (:class:`StartQueue`): one per
core, each until its first screen, in the order the pages came.

This module imports neither Textual nor textual-serve until the command runs, so registering
the command costs the headless CLI nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import re
import secrets
import shlex
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.rules.problems import counted

if TYPE_CHECKING:
    from aiohttp import web

DEFAULT_PORT = 8000
DEFAULT_SAVES = Path("saves") / "web"
COOKIE = "capwars_session"
"""The cookie that names a browser's session (and with it its saves folder)."""
COOKIE_DAYS = 30
"""How long a browser keeps its session: a browser closed by mistake (or a class that plays over
several lessons) finds its games again; a cookie that ended with the browser lost them."""
SESSION_RE = re.compile(r"[0-9a-f]{32}")
REMOTE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.DOTALL)
"""textual-serve's template links a Google web font; offline it only delays the page."""
STARTING = "Capacity Wars: starting your game…"
"""The page's card until the game draws (textual-serve showed only the title)."""
ENDED = (
    "Your game was closed: the server stopped, the connection dropped, or the game was opened"
    " in another tab. Every quarter you ended is saved: Restart, then Continue (orders not yet"
    " sent with End quarter must be given again)."
)
"""The page's card when the game stops or the server is stopped."""
ENDED_FIXED = (
    "Your game was closed: the server stopped, the connection dropped, or the game was opened"
    " in another tab. Every quarter you ended is saved: Restart brings you back into your game"
    " (orders not yet sent with End quarter must be given again)."
)
"""The card in class play (``--fixed``), where Restart opens the student's game itself: there
is no title screen, so "then Continue" sent students looking for a menu that never came."""
OTHER_TAB = b"this game was opened in another tab"
"""Why a page was closed: the same browser opened the game in a newer tab."""
SERVER_PID = "CAPWARS_SERVER_PID"
"""Set for each game process: the process id of the ``capwars serve`` that started it."""
WATCH_SECONDS = 0.25
"""How often a game process checks that its server is still there."""
GRACE_SECONDS = 5.0
"""How long a game process whose server is gone has to quit before it is ended anyway."""
DRIVER = "game.tui.web:CapwarsWebDriver"
"""Textual's driver in each game process: the web driver, plus the teacher's pause."""
PAUSE_META = "capwars_pause"
RESUME_META = "capwars_resume"
"""The meta packets of the teacher's pause and resume (:mod:`game.tui.web`)."""
COMMANDS_HELP = (
    "Type pause (and a message) and Enter to pause every game; resume to go on; status to see"
    " how far each game is; move OLD NEW to give a student on another computer their game."
)
"""The line that tells the teacher the server's terminal takes commands."""
MAX_GAMES = 50
"""How many pages may play at once by default (``--max-games``). Each open page runs a game
process of its own, about 75 MB on the new-game form and 90 MB in a game: 50 take some 4.5 GB.
Without a limit every page opened (by anyone who can reach the port, or a script) started one
more process, until the machine ran out of memory and every student's game slowed or died."""
FULL = (
    "The game server is full: {open} open, the most it takes (capwars serve"
    " --max-games {games}). Reload this page when a student has closed theirs, or ask your"
    " teacher."
)
"""What a page opened beyond ``--max-games`` shows, instead of starting one more game."""
FIRST_SCREEN_BYTES = 1024
"""A write this large from a starting game is its first screen (what comes before it is a few
terminal set-up codes of a dozen bytes each)."""
FIRST_SCREEN_SECONDS = 10.0
"""The longest a starting game keeps its place in the :class:`StartQueue` without drawing."""
WEB_EXTRA_HINT = (
    "capwars serve needs the optional web extra (textual-serve), which is not installed here."
    " Install it, then run capwars serve again:\n"
    "  in the game's folder:  .venv/bin/pip install -e '.[web]'\n"
    "  an installed game:     pip install 'capacity-wars[web]'"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def session_saves(root: Path, session: str) -> Path:
    """The saves folder of one browser session."""
    if not SESSION_RE.fullmatch(session):
        raise ValueError(f"not a session id: {session!r}")
    return root / f"session-{session}"


def play_command(
    saves: Path,
    content: str | None = None,
    scenario: str | None = None,
    seed: int | None = None,
    fixed: bool = False,
    load: Path | None = None,
    server: int | None = None,
) -> str:
    """The shell command textual-serve runs for one browser session: ``capwars play`` with the
    session's own saves folder (``CAPWARS_SAVES``), opening the save ``load`` if given. With
    ``server`` (the serving process's id) the game stops when that process is gone
    (:func:`run_game`)."""
    argv = [sys.executable, "-m", "game.serve" if server is not None else "game"]
    if content is not None:
        argv += ["--content", str(Path(content).resolve())]
    argv.append("play")
    if scenario is not None:
        is_file = scenario.endswith(".toml") or os.sep in scenario
        argv += ["--scenario", str(Path(scenario).resolve()) if is_file else scenario]
    if seed is not None:
        argv += ["--seed", str(seed)]
    if fixed:
        argv.append("--fixed")
    if load is not None:
        argv += ["--load", str(load.resolve())]
    env = [f"CAPWARS_SAVES={saves.resolve()}"]
    if server is not None:
        # After textual-serve's own TEXTUAL_DRIVER: the web driver that also takes the pause.
        env += [f"{SERVER_PID}={server}", f"TEXTUAL_DRIVER={DRIVER}"]
    # exec: stopping the session stops the game itself, not just a shell around it (and the
    # game's parent is the server itself, which is what watch_server checks).
    return f"exec {shlex.join(['env', *env, *argv])}"


def watch_server(server: int, every: float = WATCH_SECONDS, grace: float = GRACE_SECONDS) -> bool:
    """Stop this process when its parent is no longer ``server``: False at once if it is not
    now (the server was gone before the game started), else True, with a daemon thread
    checking every ``every`` seconds.

    When the server is gone, the thread asks the game to quit with SIGTERM, the way the
    server's own stop asks it (Textual's web driver quits the app on it; before the app runs,
    SIGTERM ends the process at once, with nothing to save yet). Every quarter played is in
    the game's autosave already, and saves are written atomically, so quitting loses nothing
    saved. Should the game not have quit ``grace`` seconds later, the process ends anyway.
    The parent is checked, not a signal asked for at start (PR_SET_PDEATHSIG is Linux-only
    and fires when the server's thread that started the game ends, not the server)."""
    if os.getppid() != server:
        return False

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(1)

    threading.Thread(target=watch, name="capwars-server-watch", daemon=True).start()
    return True


def run_game(argv: Sequence[str]) -> int:
    """A browser session's game process (``python -m game.serve play ...``): ``capwars ARGV``
    that stops when the server that started it (``$CAPWARS_SERVER_PID``) is gone."""
    server = os.environ.pop(SERVER_PID, "")
    if server.isdigit() and not watch_server(int(server)):
        return 1  # the server stopped before its game started: nobody would see it
    from game.cli import main

    return main(list(argv))


def class_game(folder: Path, scenario_id: str | None, seed: int | None) -> Path | None:
    """The session's newest save of the class's game (scenario and seed) with at least one
    quarter played, finished or not; None if there is none. Found as the game finds its saves
    (plain and gzip), each file only peeked at: it runs on the server's event loop while other
    students play."""
    from game.arena.saves import newest_started

    return newest_started(folder, scenario_id, seed)


def takes_commands() -> bool:
    """Whether the teacher can type commands (``pause``, ``resume``) to the server: only when
    its standard input is a terminal, not when a service or a script started it."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):  # closed or detached
        return False


def read_commands(fd: int, command: Any) -> None:
    """Read the teacher's lines from ``fd`` (a terminal) and call ``command(line)`` for each,
    until the input ends or ``command`` raises RuntimeError (the server's loop is gone). Runs
    on a daemon thread; ``os.read`` holds no lock the interpreter's exit would wait for.

    A server sent to the background (``capwars serve &``, or ``bg``) reads nothing: with
    SIGTTIN ignored (:meth:`start_commands`) a read from the background fails with EIO instead
    of stopping the whole server; it is tried again each second, so the commands work once the
    server is back in the foreground."""
    import errno

    pending = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EINTR, errno.EAGAIN):
                time.sleep(1.0)
                continue
            return
        if not data:
            return
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                command(line.decode("utf-8", "replace").strip())
            except RuntimeError:
                return


def cores() -> int:
    """The processor cores this server may use (those it is allowed to run on, where the system
    says: a server limited to some cores starts as many games at once)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class StartQueue:
    """Which games may start now: at most ``slots`` at once, each until its first screen.

    A game process spends about a second of CPU drawing its first screen (mostly Textual laying
    out the new-game form), and nothing after that until its student acts. Started all at once,
    a class's games shared the cores and drew together: with 12 pages opened at once on two
    cores every page waited about 20 s. Started a few at a time (one per core), in the order the
    pages came, the first pages play within seconds, the last no later than before, and a page
    closed or reloaded while it waits starts nothing."""

    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        self._free: asyncio.Semaphore | None = None
        self.waiting = 0
        """Pages waiting for their turn to start."""

    async def turn(self, seconds: float = FIRST_SCREEN_SECONDS) -> Any:
        """Wait for a free place; returns the function that gives it back (call it when the
        game has drawn its first screen or stopped; more calls do nothing). The place is given
        back by itself ``seconds`` after it was taken, so a game that never draws holds up
        nobody for long."""
        if self._free is None:  # created on the server's own loop
            self._free = asyncio.Semaphore(self.slots)
        free = self._free
        self.waiting += 1
        try:
            await free.acquire()
        finally:
            self.waiting -= 1
        done = False

        def give_back() -> None:
            nonlocal done
            if not done:
                done = True
                timer.cancel()
                free.release()

        timer = asyncio.get_running_loop().call_later(seconds, give_back)
        return give_back


def make_server(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    saves: Path = DEFAULT_SAVES,
    content: str | None = None,
    scenario: str | None = None,
    seed: int | None = None,
    fixed: bool = False,
    scenario_id: str | None = None,
    commands: bool = False,
    max_games: int = MAX_GAMES,
) -> Any:
    """A textual-serve :class:`Server` that plays Capacity Wars, one saves folder per browser
    session (raises ImportError without the ``web`` extra). With ``commands`` the teacher's
    lines on standard input (a terminal) pause and resume every game (:func:`read_commands`).
    At most ``max_games`` pages play at once; a page opened beyond that is told the server is
    full and starts no game (a student's second tab, which replaces their first, always may)."""
    import aiohttp_jinja2
    from aiohttp import WSCloseCode, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, log, to_int

    class CapwarsServer(Server):
        """textual-serve with sessions: a cookie per browser, a saves folder per cookie."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.live: set[web.WebSocketResponse] = set()
            """The open browser sessions, closed first when the teacher stops the server."""
            self.pages: dict[str, web.WebSocketResponse] = {}
            """Each session's page: one at a time, so two tabs never play one game."""
            self.games: dict[web.WebSocketResponse, AppService] = {}
            """Each open page's game process (once started), told of the teacher's pause."""
            self.paused: str | None = None
            """The teacher's pause while it lasts: its message ("" for none); else None."""
            self.collect = ""
            """What to run to collect the class's results, printed when the server stopped."""
            self.starting = StartQueue(cores())
            """The games drawing their first screen, one per core (the others wait in turn)."""
            self.turned_away = 0
            """Pages refused because ``max_games`` were open (told to the teacher)."""

        def full(self, session: str) -> bool:
            """Whether a page of ``session`` would be one game too many: ``max_games`` pages are
            open, not counting this session's own page (which a new one replaces)."""
            own = self.pages.get(session)
            return len(self.live) - (own is not None and own in self.live) >= max_games

        def turn_away(self, session: str) -> str:
            """Count and tell the teacher a page refused for ``session``; what the page says."""
            self.turned_away += 1
            print(
                f"A browser was turned away: session-{session[:8]}… ({max_games} playing, the"
                f" most --max-games allows). Each game takes about 90 MB; with the memory for"
                f" more, start the server again with a larger --max-games.",
                flush=True,
            )
            return FULL.format(games=max_games, open=counted(max_games, "game"))

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # A line per request (each page load is five, wrapped) pushed the address to give
            # the students off the teacher's screen; sessions joining and leaving say enough.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            """No banner: :func:`cmd_serve` has said where to connect (textual-serve's named the
            command it runs, ``capwars play``, and a second address). Closing the terminal
            window (SIGHUP) stops the server as Ctrl+C does: it ended it at once, and every
            student's game process ran on, orphaned, until the machine restarted."""
            loop = asyncio.get_running_loop()
            if hasattr(signal, "SIGHUP"):
                loop.add_signal_handler(signal.SIGHUP, self.request_exit)
            if commands:
                self.start_commands(loop)

        def start_commands(self, loop: asyncio.AbstractEventLoop) -> None:
            """Read the teacher's commands from the terminal (:func:`read_commands`)."""
            if hasattr(signal, "SIGTTIN"):  # see read_commands: never stop the server
                signal.signal(signal.SIGTTIN, signal.SIG_IGN)

            def command(line: str) -> None:
                # From the reading thread; RuntimeError once the loop is closed ends it.
                asyncio.run_coroutine_threadsafe(self.teacher(line), loop)

            threading.Thread(
                target=read_commands,
                args=(sys.stdin.fileno(), command),
                name="capwars-teacher",
                daemon=True,
            ).start()

        async def teacher(self, line: str) -> None:
            """One line the teacher typed: ``pause [message]``, ``resume``, ``status`` or
            ``help``."""
            if not line.split():
                return
            word, *more = line.split(None, 1)
            word, rest = word.lower(), "".join(more)
            if word == "pause":
                self.paused = " ".join(rest.split())
                told = await self.tell_games({"type": PAUSE_META, "message": self.paused})
                shown = f': "{self.paused}"' if self.paused else "."
                print(
                    f"Paused {counted(told, 'game')}{shown}\n"
                    "  Games that start now open paused too. Type resume to go on.",
                    flush=True,
                )
            elif word == "resume":
                was = self.paused
                self.paused = None
                told = await self.tell_games({"type": RESUME_META})
                print(
                    f"Resumed {counted(told, 'game')}."
                    if was is not None
                    else "Nothing was paused.",
                    flush=True,
                )
            elif word == "move":
                print(await self.move(rest.split()), flush=True)
            elif word in ("status", "who"):
                print(await asyncio.to_thread(self.status), flush=True)
            else:
                unknown = "" if word in ("help", "?") else f"Unknown command: {line}. "
                print(f"{unknown}{COMMANDS_HELP}", flush=True)

        def session_named(self, prefix: str) -> str | None:
            """The one browser session whose id starts with ``prefix`` (as ``status`` and the
            join lines show it, ``session-`` and ``…`` allowed), open or with a folder."""
            prefix = prefix.removeprefix("session-").rstrip("…").lower()
            if not re.fullmatch(r"[0-9a-f]{4,32}", prefix):
                return None
            known = set(self.pages)
            if saves.is_dir():
                known |= {f.name[8:] for f in saves.glob("session-*")}
            found = [s for s in known if SESSION_RE.fullmatch(s) and s.startswith(prefix)]
            return found[0] if len(found) == 1 else None

        async def move(self, words: list[str]) -> str:
            """The teacher's ``move OLD NEW``: a student who changed computer or browser (a
            new session, the games left in the old one) gets the old session's saves in the
            new one; the new page is closed so its Restart opens the game."""
            import shutil

            from game.arena.saves import peek_newest, save_files

            usage = (
                "move OLD NEW: copy the games of browser session OLD (the student's old"
                " computer, see status) to session NEW (the page they opened now, named in its"
                " 'A browser joined' line), e.g. move 1a2b3c4d 5e6f7a8b"
            )
            if len(words) != 2:
                return usage
            old, new = (self.session_named(w) for w in words)
            for word, found in zip(words, (old, new), strict=True):
                if found is None:
                    return f"No single browser session starts with {word}. {usage}"
            assert old is not None and new is not None
            if old == new:
                return f"OLD and NEW are the same session. {usage}"
            source, target = session_saves(saves, old), session_saves(saves, new)
            files = [path for _, path in save_files(source, old=False)]
            if not files:
                return f"session-{old[:8]}… has no saved game to move."
            target.mkdir(parents=True, exist_ok=True)
            # Oldest first, each dated now: the moved game is the newest there, the one the
            # page opens (--fixed) and Continue offers, even over a game begun on the new page.
            for path in reversed(files):
                if not (target / path.name).exists():
                    await asyncio.to_thread(shutil.copyfile, path, target / path.name)
            newest = peek_newest(target)
            what = f" (newest: {newest[1]})" if newest else ""
            page = self.pages.get(new)
            then = "then Continue" if not fixed else "into the game"
            if page is not None:
                await page.close(code=WSCloseCode.GOING_AWAY, message=b"games moved here")
                told = f" Its page was closed: the student presses Restart ({then})."
            else:
                told = f" The student opens the page in that browser ({then})."
            return (
                f"Copied {counted(len(files), 'save')} of session-{old[:8]}… to"
                f" session-{new[:8]}…{what}.{told}"
            )

        def status(self) -> str:
            """How far each browser's game is (the teacher's ``status``): its newest save's
            team, game and last quarter, one line per browser session with a save, the open
            pages first. Only each save's first and last lines are read."""
            from game.arena.saves import peek_newest

            open_now = set(self.pages)
            folders = sorted(saves.glob("session-*")) if saves.is_dir() else []
            lines, unplayed = [], 0
            for folder in sorted(folders, key=lambda f: f.name[8:] not in open_now):
                session = folder.name.removeprefix("session-")
                found = peek_newest(folder)
                if found is None or not found[1] or found[1].endswith("not started"):
                    unplayed += session in open_now
                    continue
                closed = "" if session in open_now else "  (page closed)"
                lines.append(f"  session-{session[:8]}…  {found[1]}{closed}")
            paused = ", paused" if self.paused is not None else ""
            waiting = self.starting.waiting
            head = f"{counted(len(open_now), 'page')} open{paused}" + (
                f", {waiting} of them waiting for their game to start (the games start in"
                f" turn, {self.starting.slots} at a time)."
                if waiting
                else "."
            )
            if lines:
                head += " Each browser's newest game, as saved after its last quarter:"
            if unplayed:
                lines.append(
                    f"  {counted(unplayed, 'open page')} with no quarter played yet"
                    " (the new-game form, or the first quarter)."
                )
            return "\n".join([head, *lines])

        async def tell_games(self, meta: dict[str, str | int | bool | None]) -> int:
            """Send ``meta`` to every running game; how many got it."""
            sent = await asyncio.gather(*(g.send_meta(meta) for g in list(self.games.values())))
            return sum(1 for ok in sent if ok)

        def say(self, what: str, session: str) -> None:
            paused = ", paused" if self.paused is not None else ""
            print(f"{what}: session-{session[:8]}… ({len(self.live)} playing{paused})", flush=True)

        async def on_shutdown(self, app: web.Application) -> None:
            # Found while the loop runs: the imports it takes, after the loop closed, had the
            # game processes' pipes collected then, each with an "Event loop is closed" traceback.
            self.collect = collect_hint(saves, content, scenario)
            # Without this, Ctrl+C waits for every open page: ~20 s of silence, then a traceback.
            if self.live:
                print(
                    f"Stopping: closing {len(self.live)} browser session(s); their games are"
                    " saved at the end of every quarter.",
                    flush=True,
                )
            for websocket in list(self.live):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

        async def handle_index(self, request: web.Request) -> web.Response:
            session = request.cookies.get(COOKIE, "")
            if not SESSION_RE.fullmatch(session):
                session = secrets.token_hex(16)
            # URLs from the request, so the page works under whatever name reached it.
            scheme = "https" if request.secure else "http"
            base = f"{scheme}://{request.host}"
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ("wss" if request.secure else "ws") + f"://{request.host}/ws",
                "config": {"static": {"url": f"{base}/static/"}},
                # Shown until the game's first screen, which takes seconds when a whole class
                # joins at once: a page that looks stuck gets reloaded, adding one more game.
                "application": {"name": STARTING},
            }
            if self.full(session):
                note = self.turn_away(session)
                return web.Response(
                    status=503,
                    content_type="text/html",
                    headers={"Retry-After": "30"},
                    text=FULL_PAGE.format(note=note),
                )
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
            page = REMOTE_FONT.sub("", response.text or "")
            page = page.replace("<head>", "<head>\n    <title>Capacity Wars</title>", 1)
            ended = ENDED_FIXED if fixed else ENDED
            response.text = page.replace(">Session ended.<", f">{ended}<", 1)
            response.set_cookie(
                COOKIE, session, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Strict"
            )
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            session = request.cookies.get(COOKIE, "")
            if not SESSION_RE.fullmatch(session):
                session = secrets.token_hex(16)  # no cookie (a script): a folder of its own
            if self.full(session):  # past the page (which says so): a script, or a race
                note = self.turn_away(session)
                refused = web.WebSocketResponse()
                await refused.prepare(request)
                await refused.send_bytes(f"{note}\r\n".encode())
                await refused.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"server full")
                return refused
            folder = session_saves(saves, session)
            folder.mkdir(parents=True, exist_ok=True)
            # Class play: a student back after a reload or a closed browser is in their game
            # again, not on the new-game form (where starting over replaced their result).
            resume = class_game(folder, scenario_id, seed) if fixed else None
            command = play_command(
                folder, content, scenario, seed, fixed, load=resume, server=os.getpid()
            )
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            service: AppService | None = None
            give_back = None

            async def close() -> None:
                await websocket.close()

            async def write_bytes(data: bytes) -> None:
                if give_back is not None and len(data) >= FIRST_SCREEN_BYTES:
                    give_back()  # its first screen: the next page's game may start
                await websocket.send_bytes(data)

            try:
                await websocket.prepare(request)
                # A second tab of the same browser would run a second game process on the
                # same saves (with --fixed, the same game: each tab overwriting the other's
                # quarters). The newest tab plays; the older one is closed.
                older = self.pages.get(session)
                self.pages[session] = websocket
                if older is not None:
                    await older.close(code=WSCloseCode.POLICY_VIOLATION, message=OTHER_TAB)
                self.live.add(websocket)
                self.say("A browser joined", session)
                # The page says "starting your game…" while it waits for its turn.
                give_back = await self.starting.turn()
                # Reloaded or closed meanwhile (a closed tab only shows as its connection
                # gone: nothing reads the page's messages yet), or the server stopped.
                transport = request.transport
                if websocket.closed or transport is None or transport.is_closing():
                    return websocket
                service = AppService(
                    command,
                    write_bytes=write_bytes,
                    write_str=websocket.send_str,
                    close=close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await service.start(width, height)
                # No await between: a pause typed now reaches this game, in the pipe's order.
                self.games[websocket] = service
                if self.paused is not None:  # the class is paused: this game opens paused
                    await service.send_meta({"type": PAUSE_META, "message": self.paused})
                await self._process_messages(websocket, service)
            except Exception as error:  # a broken session must not stop the server
                log.exception(error)
            finally:
                if give_back is not None:
                    give_back()
                self.games.pop(websocket, None)
                if self.pages.get(session) is websocket:
                    del self.pages[session]
                if websocket in self.live:
                    self.live.discard(websocket)
                    self.say("A browser left", session)
                if service is not None:
                    await service.stop()
            return websocket

    return CapwarsServer(
        "capwars play",
        host=host,
        port=port,
        title="Capacity Wars",
        # Only printed (the page takes its URLs from each request): an address that works.
        public_url=urls(host, port)[0].rstrip("/"),
    )


FULL_PAGE = """<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>Capacity Wars: server full</title></head>
  <body style="background:#0c181f;color:#eee;font-family:monospace;font-size:18px;padding:3em">
    <p>{note}</p>
  </body>
</html>
"""
"""The page a browser gets beyond ``--max-games`` (no game, no script)."""


def check_game(content_dir: str | None, scenario: str | None, seed: int | None) -> str | None:
    """Refuse, before serving, what would leave every browser without a game: a broken content
    folder or scenario file (:class:`~game.rules.problems.ContentError`, every problem listed
    with its file and line), an unknown scenario id (``UserError`` with a did-you-mean) or a
    seed out of range. Each browser's ``capwars play`` would only fail where nobody sees it.
    Returns the scenario's id (what saves record), if a scenario was given."""
    from game.cli import UserError
    from game.rules.loader import load_content, resolve_scenario

    if seed is not None and not 0 <= seed < 2**63:
        raise UserError(f"--seed must be between 0 and 2**63 - 1, got {seed}")
    if content_dir is not None and not Path(content_dir).is_dir():
        raise UserError(f"no content folder at {content_dir}")
    content = load_content(content_dir)
    if scenario is None:
        return None
    try:
        return resolve_scenario(content, scenario)[1]
    except KeyError as exc:
        raise UserError(str(exc.args[0]) if exc.args else str(exc)) from None


def addresses() -> list[str]:
    """This machine's IPv4 addresses other machines may reach (no loopback), best guess first:
    the address of the interface that routes outward (found without sending a packet), then the
    host name's addresses."""
    import socket

    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: connect() on UDP sends nothing
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        found += [str(info[4][0]) for info in infos]
    except OSError:
        pass
    usable = []
    for address in found:
        ip = ipaddress.ip_address(address)
        if not (ip.is_loopback or ip.is_unspecified or ip.is_link_local) and address not in usable:
            usable.append(address)
    return usable


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every address of this machine (``0.0.0.0``, ``::``)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return host == ""


def urls(host: str, port: int, found: list[str] | None = None) -> list[str]:
    """The addresses to open the game at: for a wildcard ``--host`` (``0.0.0.0``, ``::``) this
    machine's LAN addresses (or a placeholder to fill in when none is found), else ``host``.

    >>> urls("127.0.0.1", 8000)
    ['http://127.0.0.1:8000/']
    >>> urls("0.0.0.0", 8766, ["192.168.1.20"])
    ['http://192.168.1.20:8766/']
    >>> urls("::", 8766, [])
    ["http://<this machine's address>:8766/"]
    """
    if not is_wildcard(host):
        shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return [f"http://{shown}:{port}/"]
    found = addresses() if found is None else found
    return [f"http://{a}:{port}/" for a in found] or [f"http://<this machine's address>:{port}/"]


def bind_problem(host: str, port: int) -> str | None:
    """Why ``capwars serve`` could not listen on ``host``:``port`` (a port in use, a port that
    needs administrator rights, an address of another machine), in words a teacher can act on;
    None when it can. Checked before serving: the server prints its welcome before it binds."""
    import socket

    try:
        socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return f"--host {host} is not an address or a name this machine knows"
    exc = bind_error(host, port)
    return None if exc is None else explain_bind_error(exc, host, port)


def bind_error(host: str, port: int) -> OSError | None:
    """The error listening on ``host``:``port`` would meet now, or None (tried, then let go)."""
    import socket

    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        for family, kind, proto, _, address in infos:
            with socket.socket(family, kind, proto) as probe:
                if os.name == "posix":  # as the server will: a port left in TIME_WAIT is free
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
    except OSError as exc:
        return exc
    return None


def free_port_after(host: str, port: int, tries: int = 50) -> int | None:
    """The first port after ``port`` that ``host`` can listen on now, or None within ``tries``:
    the port to suggest when ``port`` is taken (the next one may be taken too, by a second
    server of the same teacher)."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if bind_error(host, candidate) is None:
            return candidate
    return None


def saves_problem(root: Path) -> str | None:
    """Why the sessions could not save under ``root`` (it cannot be created or written), or
    None. Checked before serving: otherwise every page closed at once, with a traceback each
    in the teacher's terminal."""
    import tempfile

    if root.exists() and not root.is_dir():  # "File exists" said nothing a teacher could use
        return (
            f"--saves {root.resolve()} is a file, not a folder. Pick a folder (it is created"
            " if missing): capwars serve --saves DIR"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        return (
            f"the games cannot be saved in {root.resolve()} ({exc.strerror or exc}). Pick a"
            " folder you can write: capwars serve --saves DIR"
        )
    return None


def explain_bind_error(exc: OSError, host: str, port: int) -> str:
    """An error from listening on ``host``:``port`` in words a teacher can act on."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        free = free_port_after(host, port)
        pick = (
            f"pick a free port: capwars serve --port {free}"
            if free is not None
            else "pick a free port: capwars serve --port N"
        )
        return (
            f"port {port} is already in use on {host} (another capwars serve, or another"
            f" program). Stop that one (Ctrl+C in its terminal) or {pick}"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"no permission to listen on port {port} (ports below 1024 need administrator"
            f" rights). Pick another port: capwars serve --port {DEFAULT_PORT}"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"--host {host} is not an address of this machine. Use one of its own addresses,"
            " or --host 0.0.0.0 --allow-remote for all of them"
        )
    return f"cannot listen on {host} port {port}: {exc.strerror or exc}"


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the game to browsers until Ctrl+C."""
    host: str = args.host
    if not is_loopback(host):
        if not args.allow_remote:
            print(
                f"capwars: error: --host {host} lets other machines connect; this server has"
                " no login. Add --allow-remote if that is what you want (a lab network).",
                file=sys.stderr,
            )
            return 2
        print(
            f"capwars: warning: serving on {host}: anyone who can reach port {args.port} can"
            " play and use this machine's CPU. Use it on a lab network only.",
            file=sys.stderr,
        )
    if args.max_games < 1:
        print(
            f"capwars: error: --max-games must be at least 1, not {args.max_games}",
            file=sys.stderr,
        )
        return 2
    if not 0 < args.port < 65536:
        print(f"capwars: error: --port must be 1-65535, not {args.port}", file=sys.stderr)
        return 2
    scenario_id = check_game(getattr(args, "content", None), args.scenario, args.seed)
    if args.fixed and (args.scenario is None or args.seed is None):
        print("capwars: error: --fixed needs the class's --scenario and --seed", file=sys.stderr)
        return 2
    try:
        server = make_server(
            host,
            args.port,
            Path(args.saves),
            content=getattr(args, "content", None),
            scenario=args.scenario,
            seed=args.seed,
            fixed=args.fixed,
            scenario_id=scenario_id,
            commands=takes_commands(),
            max_games=args.max_games,
        )
    except ImportError as exc:
        print(f"capwars: error: {WEB_EXTRA_HINT}\n  (Python said: {exc})", file=sys.stderr)
        return 2  # could not run as asked (README: exit status)
    if not args.saves.strip():  # "" is the current folder: its session folders mixed in
        print(
            f"capwars: error: --saves needs a folder name (default: {DEFAULT_SAVES})",
            file=sys.stderr,
        )
        return 2
    problem = bind_problem(host, args.port) or saves_problem(Path(args.saves))
    if problem is not None:
        print(f"capwars: error: {problem}", file=sys.stderr)
        return 2
    links = urls(host, args.port)
    where = "Open" if len(links) == 1 else "Open one of"
    lines = [f"Capacity Wars is being served. {where}:", *(f"  {link}" for link in links)]
    if is_wildcard(host):
        lines.append(f"  (on this machine also http://127.0.0.1:{args.port}/)")
    lines.append(
        # Absolute: the teacher collects the saves later, maybe from another folder.
        f"Each browser session saves under {Path(args.saves).resolve() / 'session-*'}."
        " Ctrl+C stops it."
    )
    if takes_commands():
        lines.append(COMMANDS_HELP)
    print("\n".join(lines), flush=True)
    try:
        server.serve()
    except OSError as exc:  # taken between the check and the server's own bind
        print(f"capwars: error: {explain_bind_error(exc, host, args.port)}", file=sys.stderr)
        return 2
    if server.collect:
        print(server.collect, flush=True)
    return 0


def collect_hint(saves: Path, content: str | None = None, scenario: str | None = None) -> str:
    """What the teacher runs next, printed when the server stops (if any game was saved): the
    commands that make every browser's game a result file and the class's leaderboard."""
    from game.classroom.results import games_in, shell_word
    from game.rules.loader import is_scenario_path

    if not games_in(saves):
        return ""

    options = f" --content {shell_word(content)}" if content else ""
    if scenario is not None and is_scenario_path(scenario):  # a lesson file: export needs it
        options += f" --scenario {shell_word(scenario)}"
    return (
        "Stopped. Every game is saved (each at the end of its last quarter played). To collect"
        " the class's results, run:\n"
        f"  capwars class export {shell_word(saves)} --out class-results/{options}\n"
        "  capwars class results class-results/ --out leaderboard/"
    )


def register_cli(subparsers: Any) -> None:
    """Add ``capwars serve`` to the CLI's subcommands."""
    serve = subparsers.add_parser(
        "serve",
        help="play in web browsers (needs the 'web' extra; loopback only by default)",
        description="Serve the game to web browsers through textual-serve. Each browser"
        " session plays its own game with its own saves folder; nothing is loaded from the"
        " internet. While it runs, type 'pause [message]' and Enter in its terminal to pause"
        " every game (students cannot lift it), 'resume' to go on, 'status' to see how far"
        " each browser's game is.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (there is no login)",
    )
    serve.add_argument(
        "--saves",
        default=str(DEFAULT_SAVES),
        metavar="DIR",
        help=f"folder for the sessions' saves folders (default: {DEFAULT_SAVES})",
    )
    serve.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content folder to use instead of the game's own",
    )
    serve.add_argument(
        "--scenario",
        default=None,
        metavar="ID_OR_FILE",
        help="open every session on this scenario's new-game form (an id or a .toml file)",
    )
    serve.add_argument("--seed", type=int, default=None, metavar="N", help="the class's seed")
    serve.add_argument(
        "--fixed",
        action="store_true",
        help="class play: every session keeps --scenario, --seed and the scenario's table;"
        " students only name their company",
    )
    serve.add_argument(
        "--max-games",
        type=int,
        default=MAX_GAMES,
        metavar="N",
        help=f"most pages playing at once, each a game process of about 90 MB (default:"
        f" {MAX_GAMES}); a page opened beyond that is told the server is full",
    )
    serve.set_defaults(handler=cmd_serve)


if __name__ == "__main__":  # a game process of capwars serve (play_command)
    sys.exit(run_game(sys.argv[1:]))
