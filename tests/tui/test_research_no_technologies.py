"""A content folder with no technologies is valid (``content check`` passes it): its games
start and show the Research tab, empty, rather than a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tui_helpers import SIZE, new_app, start_game

from game.tui.widgets.research import ResearchSection


async def test_a_game_of_content_without_technologies(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parents[2] / "content", content)
    (content / "technologies.toml").unlink()
    chips = content / "chips.toml"  # custom chips need a technology to unlock them
    tables = re.split(r"(?m)^(?=\[\[chips\]\])", chips.read_text())
    chips.write_text("".join(t for t in tables if "custom = true" not in t))
    app = new_app(tmp_path, "standard", content_dir=str(content))
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("4")
        await pilot.pause()
        section = app.screen.query_one(ResearchSection)
        assert section.query_one("DataTable").row_count == 0
