"""``capwars serve``'s ``move OLD NEW``: a student whose computer or browser changed (a new
session, their game left in the old one) gets their game back from the teacher's terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from game.serve import make_server, session_saves
from tests.serve_kit import class_game, free_port

OLD, NEW = "1a2b3c4d" + "0" * 24, "5e6f7a8b" + "0" * 24


class FakePage:
    """An open page's websocket: records how it was closed."""

    def __init__(self) -> None:
        self.closed_with: Any = None

    async def close(self, **how: Any) -> None:
        self.closed_with = how


def test_move_gives_a_student_on_another_computer_their_game(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The game lived only in the old browser's session folder: a student whose laptop died
    opened the page on another one and found a new-game form (with --fixed, starting over),
    and nothing in the docs or the terminal said how to bring the game back."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    from game.arena.saves import newest_started

    saved = class_game(session_saves(tmp_path, OLD))
    # On the new computer the student already began the class's game again, later.
    (begun := class_game(tmp_path / "elsewhere")).rename(
        session_saves(tmp_path, NEW).mkdir() or session_saves(tmp_path, NEW) / "begun.jsonl"
    )
    assert begun.name != saved.name
    server = make_server(
        port=free_port(),
        saves=tmp_path,
        scenario="tutorial",
        seed=7,
        fixed=True,
        scenario_id="tutorial",
    )
    page = FakePage()
    server.pages = {NEW: page}  # the student's new page, on the form
    asyncio.run(server.teacher("move 1a2b3c4d session-5e6f7a8b…"))
    said = capsys.readouterr().out
    moved = session_saves(tmp_path, NEW) / saved.name
    assert moved.read_bytes() == saved.read_bytes()
    assert saved.exists()  # copied, not taken away: the old browser keeps its game too
    # What the next page of that browser opens with --fixed: the class's game.
    assert newest_started(session_saves(tmp_path, NEW), "tutorial", 7) == moved
    assert page.closed_with is not None  # its Restart opens the game now
    assert said.startswith("Copied 1 save of session-1a2b3c4d… to session-5e6f7a8b…")
    assert "the student presses Restart (into the game)" in said


def test_move_explains_itself_when_it_cannot(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    server = make_server(port=free_port(), saves=tmp_path)
    asyncio.run(server.teacher("move"))
    assert capsys.readouterr().out.startswith("move OLD NEW: copy the games of browser session")
    session_saves(tmp_path, NEW).mkdir()
    asyncio.run(server.teacher("move 99999999 5e6f7a8b"))
    assert "No single browser session starts with 99999999." in capsys.readouterr().out
    session_saves(tmp_path, OLD).mkdir()
    asyncio.run(server.teacher("move 1a2b 5e6f"))
    assert "session-1a2b3c4d… has no saved game to move." in capsys.readouterr().out
    asyncio.run(server.teacher("help"))
    assert "move OLD NEW to give a student on another computer their game" in (
        capsys.readouterr().out
    )
