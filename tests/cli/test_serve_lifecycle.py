"""``capwars serve``: a student's game process stops with its server, however the server ends.

A server killed with ``kill -9`` (or crashed) left every student's game process running until
someone killed it by hand; each now notices within a second that its server is gone and quits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.serve import SERVER_PID, session_saves
from tests.serve_kit import children, class_game, free_port, open_page, wait_listening

ROOT = Path(__file__).resolve().parents[2]
LINUX = Path("/proc/self/stat").exists()
needs_proc = pytest.mark.skipif(not LINUX, reason="reads the process table from /proc")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(SERVER_PID, None)
    return env


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie nobody reaped has stopped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pids: list[int], seconds: float) -> float:
    """Seconds until every process of ``pids`` stopped; fails after ``seconds``."""
    start = time.monotonic()
    while any(_running(pid) for pid in pids):
        if time.monotonic() - start > seconds:
            for pid in pids:  # leave nothing behind for the next test
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            pytest.fail(f"game process still running {seconds:.0f} s after its server died")
        time.sleep(0.05)
    return time.monotonic() - start


def test_a_game_started_after_its_server_died_does_not_start() -> None:
    """The race: the server dies between starting a game process and the game's first check.
    A game told of a server that is not its parent stops at once, before any screen."""
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    proc = subprocess.run(
        [sys.executable, "-m", "game.serve", "play", "--scenario", "tutorial"],
        env={**_env(), SERVER_PID: str(gone.pid)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 1
    assert proc.stdout == "" and "Traceback" not in proc.stderr


SERVER = """
import subprocess, sys
game = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
print(game.pid, flush=True)
game.wait()
"""
GAME = """
import os, signal, sys, time
from game.serve import watch_server
if {ignore_term}:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a game too busy to quit when asked
assert watch_server(os.getppid(), every=0.05, grace=0.5)
print("watching", flush=True)
time.sleep(60)
"""


@needs_proc
@pytest.mark.parametrize("ignore_term", [False, True], ids=["quits-when-asked", "does-not-quit"])
def test_a_process_watching_its_server_stops_when_the_server_is_killed(ignore_term: bool) -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, GAME.format(ignore_term=ignore_term)],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    game = int(server.stdout.readline())  # the game shares the server's output
    assert server.stdout.readline() == "watching\n"
    assert _running(game)
    server.kill()  # kill -9: no chance to stop its games itself
    server.wait()
    took = _wait_gone([game], 10)
    assert took < (4 if ignore_term else 3), f"took {took:.1f} s"


@needs_proc
async def test_kill_9_on_the_server_stops_every_game_and_keeps_its_save(tmp_path: Path) -> None:
    """Two students in class play, one back in their game (its save loaded), one on the form;
    the server is killed with kill -9: both game processes quit within seconds, and the save
    is as the last quarter left it, with no temporary file beside it."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    import aiohttp

    back, new = "c" * 32, "d" * 32
    save = class_game(session_saves(tmp_path, back))
    saved = save.read_bytes()
    port = free_port()
    fixed = ("--scenario", "tutorial", "--seed", "7", "--fixed")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "game",
            "serve",
            "--port",
            str(port),
            "--saves",
            str(tmp_path),
            *fixed,
        ],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    games: list[int] = []
    try:
        await wait_listening(server, port)
        async with aiohttp.ClientSession() as http:
            pages = [
                await open_page(http, port, back, "2027 Q2"),  # in the game, a quarter played
                await open_page(http, port, new, "Class play:"),  # the new-game form
            ]
            games = children(server.pid)
            assert len(games) == 2
            server.kill()
            server.wait()
            took = await asyncio.to_thread(_wait_gone, games, 15)
            for page in pages:
                await page.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert took < 8, f"the game processes took {took:.1f} s to stop"
    assert save.read_bytes() == saved
    assert sorted(p.name for p in save.parent.iterdir()) == [save.name]
    assert list(session_saves(tmp_path, new).iterdir()) == []
