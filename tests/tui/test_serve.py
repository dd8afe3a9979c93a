"""``capwars serve``: loopback by default, its page served with local assets, a browser session
(a websocket client, and headless Chromium where installed) shows the title screen, and each
browser session gets its own saves folder."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.serve import (
    SESSION_RE,
    addresses,
    class_game,
    is_loopback,
    play_command,
    session_saves,
    urls,
)
from tests.serve_kit import ANSI, children, free_port, open_page, wait_listening

ROOT = Path(__file__).resolve().parents[2]
TAGLINE = "survive the AI compute crunch"


def test_loopback_hosts_are_recognised() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "::", "lab-pc"))


def test_serve_refuses_a_remote_host_without_allow_remote(capsys: pytest.CaptureFixture) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_without_the_web_extra_the_teacher_is_told_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for module in ("textual_serve", "textual_serve.server", "textual_serve.app_service"):
        monkeypatch.setitem(sys.modules, module, None)  # as if textual-serve were not installed
    assert main(["serve", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    # One error, worded like the others, with the command to run on a line of its own.
    assert err.startswith("capwars: error: capwars serve needs the optional web extra")
    assert "\n  in the game's folder:  .venv/bin/pip install -e '.[web]'\n" in err
    assert "capwars: capwars" not in err


def _serve(tmp_path: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``capwars serve ARGS`` in a fresh process; a timeout means it started serving."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "game", "serve", "--port", str(free_port()), *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_serve_refuses_a_game_no_browser_could_play_before_serving(tmp_path: Path) -> None:
    # A mistyped id: refused like `capwars match` does, not Standard in every browser.
    proc = _serve(tmp_path, "--scenario", "grid_queue")
    assert proc.returncode == 2
    assert "unknown scenario 'grid_queue' (did you mean 'grid-queue'?)" in proc.stderr
    # A broken scenario file: its problems with file and line, not a splash screen forever.
    (tmp_path / "bad.toml").write_text('id = "bad"\nname = 3\n')
    proc = _serve(tmp_path, "--scenario", "bad.toml")
    assert proc.returncode == 1
    assert "bad.toml:2: name:" in proc.stderr and "problems in the content" in proc.stderr
    proc = _serve(tmp_path, "--seed", "-5")
    assert proc.returncode == 2 and "--seed must be between 0" in proc.stderr
    assert "Serving" not in proc.stdout + proc.stderr


def test_a_port_in_use_is_named_before_anything_says_it_is_served(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path, "--port", str(port))
    assert proc.returncode == 2
    # One line the teacher can act on, not a traceback after a welcome that was not true.
    assert proc.stderr.strip() == (
        f"capwars: error: port {port} is already in use on 127.0.0.1 (another capwars serve,"
        f" or another program). Stop that one (Ctrl+C in its terminal) or pick a free port:"
        f" capwars serve --port {port + 1}"
    )
    assert proc.stdout == ""
    proc = _serve(tmp_path, "--host", "192.0.2.1", "--allow-remote")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--host 192.0.2.1 is not an address of this machine" in proc.stderr


def test_a_saves_folder_that_cannot_be_written_is_refused_before_serving(
    tmp_path: Path,
) -> None:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    (tmp_path / "a-file").write_text("")
    proc = _serve(tmp_path, "--saves", "a-file/web")
    # Not 'being served' and then every page closing at once with a traceback each.
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(
        f"capwars: error: the games cannot be saved in {tmp_path / 'a-file' / 'web'} ("
    )
    assert proc.stderr.rstrip().endswith("Pick a folder you can write: capwars serve --saves DIR")


def test_the_teacher_is_told_where_the_saves_are_wherever_it_started(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    with pytest.raises(subprocess.TimeoutExpired) as served:  # it served until stopped
        _serve(tmp_path, timeout=5)
    out = served.value.stdout
    out = out.decode() if isinstance(out, bytes) else out or ""
    # The full path, not 'saves/web/session-*' relative to a folder the teacher may not recall.
    saves = tmp_path.resolve() / "saves" / "web" / "session-*"
    assert f"Each browser session saves under {saves}. Ctrl+C stops it." in out


def test_a_server_on_every_address_prints_addresses_students_can_open() -> None:
    assert urls("0.0.0.0", 8766, ["192.168.1.20", "10.0.0.5"]) == [
        "http://192.168.1.20:8766/",
        "http://10.0.0.5:8766/",
    ]
    assert urls("0.0.0.0", 8766, []) == ["http://<this machine's address>:8766/"]
    assert urls("192.168.1.20", 8766) == ["http://192.168.1.20:8766/"]
    assert urls("::1", 8766) == ["http://[::1]:8766/"]
    found = addresses()
    assert "0.0.0.0" not in found and not any(a.startswith("127.") for a in found)


def test_each_session_plays_with_its_own_saves_folder(tmp_path: Path) -> None:
    folder = session_saves(tmp_path, "ab" * 16)
    command = play_command(folder, scenario="packaging-fire", seed=7)
    assert f"CAPWARS_SAVES={folder.resolve()}" in command
    assert command.startswith("exec env ") and " play --scenario packaging-fire --seed 7" in command
    fixed = play_command(folder, scenario="packaging-fire", seed=7, fixed=True)
    assert fixed.endswith(" play --scenario packaging-fire --seed 7 --fixed")
    with pytest.raises(ValueError):
        session_saves(tmp_path, "../../etc")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``capwars serve`` on a free loopback port: ``(base URL, saves root)``."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    saves = tmp_path_factory.mktemp("web-saves")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"capwars serve did not start: {out}")
            time.sleep(0.1)
        yield url, saves
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_page_is_served_with_its_websocket_url_and_local_assets(
    served: tuple[str, Path],
) -> None:
    url, _ = served
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        html = response.read().decode()
        cookie = response.headers["Set-Cookie"]
    assert f'data-session-websocket-url="{url.replace("http", "ws")}/ws"' in html
    assert "Capacity Wars" in html
    # Everything the page loads comes from this server: no CDN, no web font.
    remote = re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", html)
    assert remote and all(u.startswith(url) for u in remote)
    assert "googleapis" not in html
    assert re.search(r"capwars_session=[0-9a-f]{32}", cookie)
    # Kept when the browser closes (a session cookie was not: the student's game was gone).
    assert "Max-Age=2592000" in cookie
    for asset in ("/static/js/textual.js", "/static/css/xterm.css"):
        with urllib.request.urlopen(url + asset, timeout=10) as response:
            assert response.status == 200


def _class_saves(folder: Path) -> Path:
    """A session folder as class play leaves it: the class's game (tutorial, seed 7) after two
    quarters, a newer game of another seed, a game not started and a broken file."""
    from game.engine import BidSpot
    from game.rules import load_content
    from game.tui.session import GameSession

    content = load_content()
    folder.mkdir(parents=True)
    ours = GameSession.new(content, "tutorial", 7)
    for _ in range(2):
        ours.add_order(BidSpot(provider="nimbus", quantity=2, max_price=9))
        ours.end_quarter()
    path = ours.autosave(folder)
    time.sleep(0.02)
    other = GameSession.new(content, "tutorial", 8)
    other.end_quarter()
    other.autosave(folder)
    GameSession.new(content, "tutorial", 7).autosave(folder)  # not started: nothing to lose
    (folder / "broken.jsonl").write_text("{not json\n")
    return path


async def test_a_student_back_in_class_play_is_in_their_game_not_on_a_new_form(
    tmp_path: Path,
) -> None:
    """--fixed: a page opened again (a reload, a closed browser) opens the session's game of
    the class; it opened the new-game form, where starting over replaced the student's result
    (the export keeps the newest game)."""
    import aiohttp

    back, new = "6" * 32, "7" * 32
    ours = _class_saves(session_saves(tmp_path, back))
    assert class_game(session_saves(tmp_path, back), "tutorial", 7) == ours
    assert class_game(session_saves(tmp_path, new), "tutorial", 7) is None
    fixed = ("--scenario", "tutorial", "--seed", "7", "--fixed")
    async with _live_server(tmp_path, *fixed) as (_, url), aiohttp.ClientSession() as http:
        # The game after two quarters: the lesson note of the third (turn 2) greets it.
        ws = await _open_title(http, url, back, until="Your service price rations demand")
        await ws.close()
        ws = await _open_title(http, url, new, until="Class play:")  # a new student: the form
        await ws.close()


async def test_a_second_tab_of_the_same_browser_takes_over_its_game(tmp_path: Path) -> None:
    """Two tabs of one browser ran two game processes on the same saves (with --fixed the same
    game, each tab overwriting the other's quarters): the newer tab plays, the older closes."""
    import aiohttp

    async with _live_server(tmp_path) as (_, url), aiohttp.ClientSession() as http:
        first = await _open_title(http, url, "8" * 32)
        other_student = await _open_title(http, url, "9" * 32)
        second = await _open_title(http, url, "8" * 32)
        message = await first.receive(timeout=10)
        while message.type == aiohttp.WSMsgType.BINARY:  # the frames still on their way
            message = await first.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == aiohttp.WSCloseCode.POLICY_VIOLATION
        assert message.extra == "this game was opened in another tab"
        assert not second.closed and not other_student.closed
        await second.close()
        await other_student.close()


def test_the_page_says_what_it_is_doing(served: tuple[str, Path]) -> None:
    """A tab title students can find, a card that says the game is starting (it was the bare
    title for the seconds a class-wide start takes, and students reloaded), and a closing card
    that says the game is saved."""
    url, _ = served
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        html = response.read().decode()
    assert "<title>Capacity Wars</title>" in html
    assert "<div>Capacity Wars: starting your game…</div>" in html
    ended = (
        "Your game was closed: the server stopped, the connection dropped, or the game was"
        " opened in another tab. Every quarter you ended is saved: Restart, then Continue"
        " (orders not yet sent with End quarter must be given again)."
    )
    assert f">{ended}<" in html


async def _title_frames(url: str, session: str) -> str:
    """Connect as a browser of ``session`` would and read until the title screen shows."""
    import aiohttp

    text = ""
    ws_url = url.replace("http", "ws") + "/ws?width=100&height=30"
    headers = {"Cookie": f"capwars_session={session}"}
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url, headers=headers) as ws:
        deadline = time.monotonic() + 45
        while TAGLINE not in text and time.monotonic() < deadline:
            with contextlib.suppress(asyncio.TimeoutError):
                message = await ws.receive(timeout=2)
                if message.type == aiohttp.WSMsgType.BINARY:
                    text += ANSI.sub("", message.data.decode("utf-8", "replace"))
                elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
    return text


async def test_a_websocket_session_shows_the_title_screen_with_its_own_saves(
    served: tuple[str, Path],
) -> None:
    url, saves = served
    first, second = "1" * 32, "2" * 32
    texts = await asyncio.gather(_title_frames(url, first), _title_frames(url, second))
    for text in texts:
        assert TAGLINE in text
        assert "oad a saved game" in text  # the title menu (its L is drawn bold)
        # In a browser the logo is plain ASCII (fallback fonts break up the half blocks).
        assert r"\_/\_/" in text and "▄▄▄" not in text
    assert session_saves(saves, first).is_dir() and session_saves(saves, second).is_dir()


@contextlib.asynccontextmanager
async def _live_server(saves: Path, *args: str) -> AsyncIterator[tuple[subprocess.Popen[str], str]]:
    """``capwars serve ARGS`` in a process of the test's own: ``(process, base URL)``."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--saves", str(saves), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,  # not the terminal pytest runs in: no teacher's commands
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await wait_listening(proc, port)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:  # as the teacher would, so its game processes stop too
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(proc.communicate, timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


async def _open_title(http: Any, url: str, session: str, until: str = TAGLINE) -> Any:
    """A page's websocket of browser ``session``, read until ``until`` (the title screen's
    tagline) shows."""
    return (await open_page(http, url, session, until)).ws


def _stop(proc: subprocess.Popen[str], how: int = signal.SIGINT) -> tuple[str, float]:
    """The teacher's Ctrl+C (or ``how``): the server's whole output and how long it took."""
    proc.send_signal(how)
    stopped = time.monotonic()
    out, _ = proc.communicate(timeout=60)
    return out, time.monotonic() - stopped


@pytest.mark.parametrize(
    "how",
    [signal.SIGINT, getattr(signal, "SIGHUP", signal.SIGINT)],
    ids=["ctrl-c", "terminal-window-closed"],
)
async def test_stopping_with_students_playing_is_quick_and_clean(tmp_path: Path, how: int) -> None:
    """Ctrl+C while pages are open closes their sessions and stops: it used to wait ~20 s in
    silence, then print an 'Event loop is closed' traceback. Closing the terminal window
    (SIGHUP) does the same: it killed the server and left every game process running."""
    import aiohttp

    async with _live_server(tmp_path) as (proc, url), aiohttp.ClientSession() as http:
        pages = [await _open_title(http, url, s * 32) for s in ("3", "4")]
        games = children(proc.pid)
        out, took = await asyncio.to_thread(_stop, proc, how)
        codes = []
        for ws in pages:  # each page was told the server went away
            with contextlib.suppress(asyncio.TimeoutError):
                while not ws.closed:
                    message = await ws.receive(timeout=1)
                    if message.type == aiohttp.WSMsgType.CLOSE:
                        codes.append(message.data)
    assert proc.returncode == 0, out
    assert codes == [aiohttp.WSCloseCode.GOING_AWAY] * 2, out
    assert took < 8, f"stopping took {took:.1f} s"
    assert "Stopping: closing 2 browser session(s)" in out
    assert "Traceback" not in out and "Event loop is closed" not in out
    if Path("/proc/self/stat").exists():  # no game process outlives the server
        assert len(games) == 2
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in games):
            assert time.monotonic() < deadline, "a game process outlived the server"
            await asyncio.sleep(0.1)


async def test_the_teachers_terminal_keeps_the_address_in_view(tmp_path: Path) -> None:
    """A line per session joining and leaving, not five wrapped access-log lines per page load
    (which scrolled the address to give the students away), and no second banner."""
    import aiohttp

    async with _live_server(tmp_path) as (proc, url), aiohttp.ClientSession() as http:
        for path in ("/", "/static/js/textual.js", "/static/css/xterm.css"):
            async with http.get(url + path) as response:
                assert response.status == 200
        ws = await _open_title(http, url, "5" * 32)
        await ws.close()
        await asyncio.sleep(1)
        out, _ = await asyncio.to_thread(_stop, proc)
    lines = out.splitlines()
    assert lines[:3] == [
        "Capacity Wars is being served. Open:",
        f"  {url}/",
        f"Each browser session saves under {tmp_path / 'session-*'}. Ctrl+C stops it.",
    ]
    assert lines[3:] == [
        "A browser joined: session-55555555… (1 playing)",
        "A browser left: session-55555555… (0 playing)",
    ], out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
)
async def test_headless_chromium_renders_the_title_screen(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    """A real browser opens the page; its terminal gets the app's output (the page's
    ``-first-byte`` class), its session folder appears, and the screenshot is saved."""
    import aiohttp

    assert CHROMIUM is not None
    url, saves = served
    before = set(saves.iterdir())
    profile = tmp_path / "profile"
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--window-size=1200,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and active.read_text().strip()):
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            await asyncio.sleep(0.1)
        port = active.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            page = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as cdp:
                calls = 0

                async def call(method: str, **params: object) -> dict:
                    nonlocal calls
                    calls += 1
                    await cdp.send_json({"id": calls, "method": method, "params": params})
                    while True:
                        reply = await cdp.receive_json()
                        if reply.get("id") == calls:
                            return dict(reply.get("result", {}))

                await call("Page.navigate", url=url + "/")
                started = time.monotonic()
                rendered = False
                while not rendered and time.monotonic() - started < 45:
                    await asyncio.sleep(0.25)
                    result = await call(
                        "Runtime.evaluate",
                        expression="document.body.classList.contains('-first-byte')",
                        returnByValue=True,
                    )
                    rendered = bool(result.get("result", {}).get("value"))
                assert rendered, "the page never received the app's output"
                # The title screen's first frames: the intro card alone compresses to ~11 kB,
                # the title screen's text and logo to ~25 kB.
                png = b""
                while len(png) <= 18_000 and time.monotonic() - started < 45:
                    await asyncio.sleep(0.25)
                    shot = await call("Page.captureScreenshot", format="png")
                    png = base64.b64decode(shot["data"])
        (tmp_path / "title.png").write_bytes(png)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(png) > 18_000, len(png)
        new = set(saves.iterdir()) - before
        assert len(new) == 1 and SESSION_RE.fullmatch(next(iter(new)).name[len("session-") :])
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
