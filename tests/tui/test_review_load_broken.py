"""Found playing: choosing a broken file in Load said "The other saves are fine." while two
more broken files were listed next to it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static
from tui_helpers import SIZE

from game.rules import load_content
from game.tui.app import make_app
from game.tui.dialogs.load import LoadDialog
from game.tui.session import GameSession


def _saves(folder: Path, broken: int) -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    session.end_quarter()
    good = session.save(folder / "good.jsonl")
    text = good.read_text()
    names = ["a-cut", "b-empty", "c-garbage"][:broken]
    contents = [text[: len(text) // 2], "", "garbage\n"]
    for name, content in zip(names, contents, strict=False):
        (folder / f"{name}.jsonl").write_text(content)


async def _chosen_note(folder: Path, name: str) -> str:
    async with make_app(saves=folder).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        dialog = pilot.app.screen
        assert isinstance(dialog, LoadDialog), dialog
        index = next(i for i, info in enumerate(dialog.infos) if info.path.stem == name)
        options = dialog.query_one(OptionList)
        options.highlighted = index
        await pilot.press("enter")
        assert pilot.app.screen is dialog  # a broken file is not loaded
        return str(dialog.query_one("#load-error", Static).render())


async def test_a_broken_save_says_how_many_others_can_be_loaded(tmp_path: Path) -> None:
    _saves(tmp_path, broken=3)
    note = await _chosen_note(tmp_path, "b-empty")
    assert note.startswith("b-empty cannot be loaded"), note
    assert "The other saves are fine" not in note, note
    assert note.endswith("1 of the 3 other saves can be loaded."), note


async def test_a_lone_broken_save_still_says_the_others_are_fine(tmp_path: Path) -> None:
    _saves(tmp_path, broken=1)
    note = await _chosen_note(tmp_path, "a-cut")
    assert note.endswith("The other saves are fine."), note
