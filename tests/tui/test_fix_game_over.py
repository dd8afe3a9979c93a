"""The final standings at 100x32 and 80x24: verdicts in full under the table, and the export
command on lines of its own, never broken inside a word (it is copied and pasted), or copied
with c."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static
from tui_helpers import new_app

from game.rules import load_content
from game.tui.screens.game_over import GameOverScreen, export_command
from game.tui.session import GameSession


@pytest.mark.asyncio
async def test_game_over_keeps_verdicts_whole_and_the_command_copyable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    while not session.over:
        session.end_quarter()
    monkeypatch.chdir(tmp_path)  # saves are relative to the current folder, as in a class
    saves = Path("class-7b-saves")
    path = session.autosave(saves)
    copied: list[str] = []
    app = new_app(saves, load=str(path))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    command = export_command(path, "Bank 1")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GameOverScreen)
        for width, height in ((100, 32), (80, 24)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            saved = str(screen.query_one("#over-saved", Static).render())
            lines = saved.split("Hand in your result with this command (c copies it):\n")[1]
            rows = lines.splitlines()
            # No padding: the left margin is a space of each row (test_review_export_copy).
            assert all(len(row) <= width - 1 for row in rows), rows
            # Each line but the last ends in the shell's line continuation: pasted, it is
            # the same command.
            assert all(row.endswith(" \\") for row in rows[:-1]), rows
            joined = " ".join(row.removesuffix(" \\").strip() for row in rows)
            assert joined == command, (joined, command)
            table = screen.query_one("#standings", DataTable)
            assert "Verdict" not in [str(c.label) for c in table.columns.values()]
            verdicts = str(screen.query_one("#verdicts", Static).render())
            for s in session.standings():
                assert s.verdict in verdicts.replace("\n", " "), verdicts
        await pilot.press("c")
        await pilot.pause()
    assert copied == [command]
