"""``capwars serve``: the teacher pauses and resumes every student's game from the server's
terminal (``pause Look at the board``, ``resume``), including games that open while paused.

The server runs with a pseudo-terminal as its standard input, as in a teacher's terminal
window; run by a service (standard input not a terminal) it reads no commands."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from game.serve import COMMANDS_HELP, SERVER_PID, read_commands, session_saves
from tests.serve_kit import class_game, free_port, open_page, wait_listening

ROOT = Path(__file__).resolve().parents[2]
FIXED = ("--scenario", "tutorial", "--seed", "7", "--fixed")
pytestmark = pytest.mark.skipif(
    not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)"
)


class Served:
    """A running ``capwars serve``: its output so far, and its terminal to type into."""

    def __init__(self, proc: subprocess.Popen[str], port: int, terminal: int | None) -> None:
        self.proc = proc
        self.port = port
        self.terminal = terminal
        self.lines: list[str] = []
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=lambda: self.lines.extend(stdout), daemon=True).start()

    def type(self, line: str) -> None:
        assert self.terminal is not None
        os.write(self.terminal, line.encode() + b"\n")

    async def said(self, what: str, seconds: float = 30) -> str:
        """The server's output line with ``what`` in it (waits for it)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if what in line]
            if found:
                return found[-1].rstrip("\n")
            await asyncio.sleep(0.05)
        pytest.fail(f"the server never said {what!r}; it said:\n{''.join(self.lines)}")


@contextlib.asynccontextmanager
async def _serve(saves: Path, terminal: bool = True) -> AsyncIterator[Served]:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    port = free_port()
    master = slave = None
    if terminal:
        master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(SERVER_PID, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves), *FIXED],
        cwd=saves,
        env=env,
        stdin=slave if slave is not None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if slave is not None:
        os.close(slave)
    served = Served(proc, port, master)
    try:
        await wait_listening(proc, port)
        yield served
    finally:
        if proc.poll() is None:  # as the teacher would, so its game processes stop too
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if master is not None:
            os.close(master)


async def test_the_teacher_pauses_and_resumes_every_game_from_the_terminal(
    tmp_path: Path,
) -> None:
    import aiohttp

    back, new = "a" * 32, "b" * 32
    save = class_game(session_saves(tmp_path, back))
    saved = save.read_bytes()
    async with _serve(tmp_path) as served, aiohttp.ClientSession() as http:
        assert await served.said(COMMANDS_HELP) == COMMANDS_HELP
        playing = await open_page(http, served.port, back, "2027 Q2")  # in the game
        served.type("pause Look at the board")
        assert await served.said("Paused") == 'Paused 1 game: "Look at the board"'
        said = await served.said("open paused")
        assert said == "  Games that start now open paused too. Type resume to go on."
        await playing.until("Look at the board")
        # A student who joins during the pause finds it too, and says so in the log.
        joining = await open_page(http, served.port, new, "Look at the board")
        assert "(2 playing, paused)" in await served.said("A browser joined: session-bbbbbbbb")
        for key in ("\r", "\x1b", "e", "\x11"):  # Enter, Esc, End quarter, ctrl+q
            await playing.press(key)
        served.type("  PAUSE\tNow write  down your cash")
        said = await served.said("Paused 2 games")
        assert said == 'Paused 2 games: "Now write down your cash"'
        await playing.until("Now write down your cash")
        await joining.until("Now write down your cash")
        served.type("resume")
        assert await served.said("Resumed") == "Resumed 2 games."
        # The game again as the pause found it: the lesson note it opened with, which the
        # keys typed during the pause (Enter, Esc) did not close.
        await playing.until("Key i shows the lesson notes again")
        await joining.until("Class play")  # the new-game form of the class's game
        served.type("resume")
        assert await served.said("Nothing was paused") == "Nothing was paused."
        served.type("stop")
        assert COMMANDS_HELP in await served.said("Unknown command: stop.")
        # A pause that lasts until the server stops: the games still end cleanly.
        served.type("pause")
        await served.said("Paused 2 games.")
        await playing.until("Your teacher has paused the game")
        served.proc.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(served.proc.wait, 30) == 0
        await playing.ws.close()
        await joining.ws.close()
        out = "".join(served.lines)
    assert "Traceback" not in out, out
    assert "Stopping: closing 2 browser session(s)" in out
    assert save.read_bytes() == saved  # nothing lost, nothing half-written beside it
    assert sorted(p.name for p in save.parent.iterdir()) == [save.name]


async def test_a_server_without_a_terminal_takes_no_commands(tmp_path: Path) -> None:
    """Run by a service or a script: no help line, and its input is not read."""
    import aiohttp

    async with _serve(tmp_path, terminal=False) as served, aiohttp.ClientSession() as http:
        await served.said("Ctrl+C stops it.")
        page = await open_page(http, served.port, "c" * 32, "Class play")
        assert served.proc.stdin is not None
        served.proc.stdin.write("pause\n")
        served.proc.stdin.flush()
        await asyncio.sleep(1.0)
        await page.ws.close()
        out = "".join(served.lines)
    assert COMMANDS_HELP not in out and "Paused" not in out, out


def test_the_teachers_lines_are_read_whole_however_they_arrive() -> None:
    """A line typed in pieces (or two lines pasted at once) is one command each; the reader
    ends at the end of its input, or when the server's loop is gone (RuntimeError)."""
    lines: list[str] = []
    read, write = os.pipe()
    for chunk in (b"pau", b"se Look at\r\n", b"  resume \nhelp\n", b"unfinished"):
        os.write(write, chunk)
    os.close(write)
    read_commands(read, lines.append)
    os.close(read)
    assert lines == ["pause Look at", "resume", "help"]

    def gone(line: str) -> None:
        raise RuntimeError("Event loop is closed")

    read, write = os.pipe()
    os.write(write, b"pause\nresume\n")
    read_commands(read, gone)  # returns at once, though its input is still open
    os.close(read)
    os.close(write)


async def test_the_teacher_sees_how_far_each_game_is(tmp_path: Path) -> None:
    """Who has finished, who is still on the new-game form? The terminal could only pause and
    resume: ``status`` lists every browser's newest game and its last quarter played."""
    import aiohttp

    playing, gone, new = "a" * 32, "d" * 32, "e" * 32
    class_game(session_saves(tmp_path, playing))
    class_game(session_saves(tmp_path, gone))
    async with _serve(tmp_path) as served, aiohttp.ClientSession() as http:
        assert "status to see how far each game is" in await served.said("Type pause")
        page = await open_page(http, served.port, playing, "2027 Q2")
        form = await open_page(http, served.port, new, "Class play")
        served.type("status")
        assert await served.said("pages open") == (
            "2 pages open. Each browser's newest game, as saved after its last quarter:"
        )
        line = await served.said("session-aaaaaaaa…")
        assert line.endswith("· tutorial, seed 7 · after 2027 Q1")
        assert (await served.said("session-dddddddd…")).endswith("after 2027 Q1  (page closed)")
        assert await served.said("no quarter played") == (
            "  1 open page with no quarter played yet (the new-game form, or the first quarter)."
        )
        served.type("pause")
        await served.said("Paused 2 games.")
        served.type("who")
        assert await served.said("open, paused") == (
            "2 pages open, paused. Each browser's newest game, as saved after its last quarter:"
        )
        await page.close()
        await form.close()
