"""``capwars serve`` under a class's load: a limit on the games open at once (``--max-games``),
told to the student's page and the teacher's terminal."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.serve_kit import live_server, open_page

TAGLINE = "survive the AI compute crunch"


async def test_pages_beyond_max_games_are_told_the_server_is_full(tmp_path: Path) -> None:
    """Every page opened started one more game process (75-90 MB each) without limit: a class
    reloading, or anyone on the network, could run the machine out of memory for everyone.
    Beyond --max-games a page is told the server is full; a student's own reload still plays."""
    import aiohttp

    async with live_server(tmp_path, "--max-games", "1") as (proc, url):
        async with aiohttp.ClientSession() as http:
            first = await open_page(http, url, "a" * 32, TAGLINE)
            # Another student's page: no game, a page saying why and what to do.
            other = {"Cookie": f"capwars_session={'b' * 32}"}
            async with http.get(url + "/", headers=other) as response:
                assert response.status == 503
                html = await response.text()
            assert "The game server is full: 1 game open, the most it takes" in html
            assert "Reload this page when a student has closed theirs" in html
            assert "textual.js" not in html  # no terminal that would start a game
            # A script's websocket, past the page: refused too, with no game process.
            async with http.ws_connect(
                url.replace("http", "ws") + "/ws", headers={"Cookie": f"capwars_session={'c' * 32}"}
            ) as ws:
                message = await ws.receive(timeout=10)
                assert b"server is full" in message.data
                message = await ws.receive(timeout=10)
                assert message.type == aiohttp.WSMsgType.CLOSE
                assert message.data == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            assert not list(tmp_path.glob(f"session-{'c' * 32}"))
            # The same browser reloading replaces its own page: never refused.
            own = {"Cookie": f"capwars_session={'a' * 32}"}
            async with http.get(url + "/", headers=own) as response:
                assert response.status == 200
            await first.close()
            await asyncio.sleep(1)  # its game stops: a place is free again
            async with http.get(url + "/", headers=other) as response:
                assert response.status == 200
        proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.to_thread(proc.communicate, timeout=30)
    assert "A browser was turned away: session-bbbbbbbb… (1 playing, the most --max-games" in out
    assert "larger --max-games" in out


def test_max_games_must_allow_a_game(capsys: object) -> None:
    from game.cli import main

    assert main(["serve", "--max-games", "0"]) == 2
    assert "--max-games must be at least 1, not 0" in capsys.readouterr().err  # type: ignore[attr-defined]


async def test_in_class_play_the_closed_card_says_restart_opens_the_game(tmp_path: Path) -> None:
    """With --fixed, Restart opens the student's game itself (no title screen): the card said
    "Restart, then Continue", and students looked for a Continue that never came. Either way
    it says why the page closed and that the quarter's orders not yet ended are lost."""
    import aiohttp

    fixed = ("--scenario", "tutorial", "--seed", "7", "--fixed")
    async with (
        live_server(tmp_path, *fixed) as (_, url),
        aiohttp.ClientSession() as http,
        http.get(url + "/") as response,
    ):
        html = await response.text()
    assert "Restart brings you back into your game" in html
    assert "then Continue" not in html
    assert "orders not yet sent with End quarter must be given again" in html
