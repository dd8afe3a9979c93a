"""``capwars serve`` as a teacher runs it for a class: the whole class opening the page at once.

Every page's game process spends about a second of CPU drawing its first screen. Started all at
once, twelve games on two cores drew together and every student waited about 20 s; the server
now starts them in turn, one per core, each until its first screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from game.serve import StartQueue, collect_hint, make_server, session_saves
from tests.serve_kit import children, class_game, free_port, open_page, wait_listening


async def test_the_start_queue_lets_pages_start_in_turn() -> None:
    queue = StartQueue(2)
    first, second = await queue.turn(), await queue.turn()
    third = asyncio.create_task(queue.turn())
    await asyncio.sleep(0.05)
    assert not third.done() and queue.waiting == 1  # both places taken
    first()
    first()  # a second give-back (the game stopped after drawing) frees nothing more
    give_back = await asyncio.wait_for(third, 1)
    fourth = asyncio.create_task(queue.turn())
    await asyncio.sleep(0.05)
    assert not fourth.done()
    second()
    (await asyncio.wait_for(fourth, 1))()
    give_back()


async def test_a_game_that_never_draws_gives_its_place_back_by_itself() -> None:
    queue = StartQueue(1)
    await queue.turn(seconds=0.1)  # never given back
    give_back = await asyncio.wait_for(queue.turn(), 2)
    give_back()


@contextlib.asynccontextmanager
async def _server_here(saves: Path, queue: StartQueue) -> AsyncIterator[str]:
    """``capwars serve`` in this process, starting games as ``queue`` says: its base URL."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    from aiohttp import web

    port = free_port()
    server = make_server(port=port, saves=saves)
    server.starting = queue
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()  # closes every page: their games stop
        for _ in range(100):
            if not _games():
                break
            await asyncio.sleep(0.1)
        gc.collect()  # the games' pipes, closed while the loop still runs


def _games() -> list[int]:
    """The game processes this process (the server) runs."""
    found = []
    for pid in children(os.getpid()):
        with contextlib.suppress(OSError):
            if b"game.serve" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_a_class_opening_the_page_at_once_starts_its_games_in_turn(tmp_path: Path) -> None:
    """Four pages opened together with one place: never more game processes than the pages
    already playing plus the one starting (and one more whose page is reading its first
    screen); each page still gets its title screen. All four started at once before."""
    import aiohttp

    async with _server_here(tmp_path, StartQueue(1)) as url, aiohttp.ClientSession() as http:
        drawn: list[Any] = []

        async def student(session: str) -> None:
            drawn.append(await open_page(http, url, session, "survive the AI compute crunch"))

        pages = [asyncio.create_task(student(c * 32)) for c in "abcd"]
        seen = []
        while not all(p.done() for p in pages):
            running = len(_games())
            seen.append((running, len(drawn)))
            await asyncio.sleep(0.02)
        for page in pages:
            page.result()
        assert seen and max(running - playing for running, playing in seen) <= 2, seen
        for page in drawn:
            await page.close()


def test_stopping_the_server_tells_the_teacher_how_to_collect_the_results(tmp_path: Path) -> None:
    """Ctrl+C at the end of the lesson: the terminal said only that the sessions were closed;
    it now gives the commands that turn every browser's game into the class's leaderboard."""
    import signal
    import subprocess
    import sys

    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    saves = tmp_path / "class 3b"  # a space: the command must still run as printed
    class_game(session_saves(saves, "5" * 32))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves)],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        asyncio.run(wait_listening(proc, port))
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "Event loop is closed" not in out, out
    assert f'capwars class export "{saves}" --out class-results/\n' in out
    assert "capwars class results class-results/ --out leaderboard/" in out
    # No game saved (the server was only tried out): nothing to collect, no advice.
    empty = tmp_path / "empty"
    assert collect_hint(empty) == ""
    (empty / f"session-{'6' * 32}").mkdir(parents=True)  # a page opened, no game played
    assert collect_hint(empty) == ""


def test_the_collect_commands_carry_a_lesson_file_however_it_is_spelt(tmp_path: Path) -> None:
    """capwars serve --scenario MY_LESSON.TOML plays the lesson file (the server takes any
    case), but the export command printed at the end left it out: every export then failed
    with "unknown scenario"."""
    saves = tmp_path / "saves"
    class_game(session_saves(saves, "5" * 32))
    for lesson in ("MY_LESSON.TOML", "lessons/grid.toml"):
        assert f"--out class-results/ --scenario {lesson}\n" in collect_hint(saves, None, lesson)
    assert "--scenario" not in collect_hint(saves, None, "tutorial")  # an id: content has it


class _HeldQueue(StartQueue):
    """A start queue whose places the test hands out."""

    def __init__(self) -> None:
        super().__init__(1)
        self.go = asyncio.Event()
        self.asked = asyncio.Event()

    async def turn(self, seconds: float = 10.0) -> Any:
        self.asked.set()
        await self.go.wait()
        return lambda: None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_a_page_closed_while_it_waits_for_its_turn_starts_no_game(tmp_path: Path) -> None:
    """A student who closes the tab before its game's turn: the game started anyway, for
    nobody, taking a second of the server's CPU from the students still waiting."""
    import aiohttp

    held = _HeldQueue()
    async with _server_here(tmp_path, held) as url, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(
            url.replace("http", "ws") + "/ws",
            headers={"Cookie": f"capwars_session={'f' * 32}"},
            timeout=aiohttp.ClientWSTimeout(ws_close=0.5),  # the tab closes; nobody answers
        )
        await asyncio.wait_for(held.asked.wait(), 10)  # the page waits for its turn
        await ws.close()
        await asyncio.sleep(0.3)
        held.go.set()
        for _ in range(20):
            assert not _games(), "a game started for a page that was closed"
            await asyncio.sleep(0.05)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="sets the CPU affinity")
def test_the_games_start_one_per_core_the_server_may_use() -> None:
    """A server limited to one core (taskset, a container) starts one game at a time, not one
    per core of the machine."""
    from game.serve import cores

    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        assert cores() == 1
    finally:
        os.sched_setaffinity(0, allowed)
    assert cores() == len(allowed)


def test_the_teacher_s_status_counts_the_pages_waiting_for_their_game(tmp_path: Path) -> None:
    """Students looking at "starting your game…": the teacher's status said only how many
    pages were open, not that some were waiting their turn to start (and would, shortly)."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    server = make_server(port=free_port(), saves=tmp_path)
    server.starting = StartQueue(2)
    server.pages = {c * 32: object() for c in "abcde"}
    assert server.status() == "5 pages open."
    server.starting.waiting = 3
    assert server.status() == (
        "5 pages open, 3 of them waiting for their game to start (the games start in turn, 2"
        " at a time)."
    )
