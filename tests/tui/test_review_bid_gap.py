"""Found playing the tutorial: the spot bid said "Your plan is 7.3 kGPU short for customers:
9.2 kGPU bid and filled closes it." with nothing on why 9.2 closes a 7.3 gap (training takes
20% of all capacity, the bid's too): it read as an arithmetic slip. (Its first wording,
"20% of it goes to training, as of all your capacity", read "as of" like a date.)"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import new_app, start_game

from game.tui.dialogs.action import ActionDialog


async def test_the_bid_that_closes_the_gap_says_training_takes_its_part(tmp_path: Path) -> None:
    async with new_app(tmp_path, "standard", seed=5, autosave=False).run_test(
        size=(80, 24)
    ) as pilot:
        await start_game(pilot)
        await pilot.press("2", "b")
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionDialog), dialog
        info = " ".join(str(dialog.query_one("#order-info", Static).render()).split())
        assert (
            "6.8 kGPU short for customers: 8.5 kGPU bid and filled closes it (training takes"
            " 20% of it, as it does of all your capacity)." in info
        ), info
