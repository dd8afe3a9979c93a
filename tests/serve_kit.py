"""What the tests of ``capwars serve`` share: a free port, a browser page over the server's
websocket (the text its game draws, keys to press), waiting for a server to listen, and the
class game a session's saves folder holds."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")
"""Terminal escapes, stripped from what a page's game draws to read its text."""


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_listening(proc: subprocess.Popen[Any], port: int, seconds: float = 30) -> None:
    """Until the server ``proc`` accepts connections on ``port`` (it must not exit first)."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
        await asyncio.sleep(0.1)


class Page:
    """A browser page's websocket, and the text its game has drawn so far."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.text = ""

    async def until(self, what: str, seconds: float = 45) -> None:
        """Read the game's output until ``what`` shows (in what is drawn from now on)."""
        import aiohttp

        self.text = ""
        deadline = time.monotonic() + seconds
        while what not in self.text and time.monotonic() < deadline:
            with contextlib.suppress(asyncio.TimeoutError):
                message = await self.ws.receive(timeout=2)
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.text += ANSI.sub("", message.data.decode("utf-8", "replace"))
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    break
        assert what in self.text, self.text[-2000:]

    async def press(self, key: str) -> None:
        await self.ws.send_json(["stdin", key])

    async def close(self) -> None:
        await self.ws.close()


async def open_page(http: Any, server: int | str, session: str, until: str) -> Page:
    """Browser ``session``'s page on ``server`` (a port on this machine, or a base URL), read
    until ``until`` shows."""
    base = f"http://127.0.0.1:{server}" if isinstance(server, int) else server
    ws = await http.ws_connect(
        base.replace("http", "ws", 1) + "/ws?width=100&height=30",
        headers={"Cookie": f"capwars_session={session}"},
    )
    page = Page(ws)
    await page.until(until)
    return page


def class_game(folder: Path) -> Path:
    """The class's game (tutorial, seed 7) after one quarter, as a session's folder holds it."""
    from game.rules import load_content
    from game.tui.session import GameSession

    folder.mkdir(parents=True)
    game = GameSession.new(load_content(), "tutorial", 7)
    game.end_quarter()
    return game.autosave(folder)


@contextlib.asynccontextmanager
async def live_server(
    saves: Path, *args: str, root: Path | None = None
) -> AsyncIterator[tuple[subprocess.Popen[str], str]]:
    """``capwars serve --saves SAVES ARGS`` on a free loopback port, in a process of the
    test's own: ``(process, base URL)``; stopped with Ctrl+C (SIGINT) as a teacher would."""
    import os
    import signal
    import sys

    import pytest

    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    root = root or Path(__file__).resolve().parents[1]
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves), *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdin=subprocess.DEVNULL,  # no teacher's commands
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await wait_listening(proc, port)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(proc.communicate, timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
