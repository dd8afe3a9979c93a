"""Class play: ``capwars play --fixed`` keeps the teacher's scenario, seed and table."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select
from tui_helpers import SIZE, new_app, start_game

from game.tui.screens.new_game import NewGameScreen


@pytest.mark.asyncio
async def test_a_fixed_table_keeps_scenario_seed_and_rivals(tmp_path: Path) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False, fixed=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen) and form.fixed
        for selector in ("#scenario", "#seed", "#industry", "#humans", "#rivals", "#rival-0"):
            assert form.query_one(selector).disabled, selector
        assert not form.query_one("#company", Input).disabled  # the team names itself
        assert "your teacher set the scenario" in str(form.query_one("#fixed-note").render())
        # Keys cannot change what the teacher set: typing into the seed does nothing.
        form.query_one("#seed", Input).focus()
        await pilot.press("9")
        assert form.query_one("#seed", Input).value == "7"
        assert form.query_one("#scenario", Select).value == "tutorial"
        form.query_one("#company", Input).value = "Team Red"
        await start_game(pilot)
        session = app.session
        assert session is not None
        assert session.state.seed == 7 and session.state.world.scenario.id == "tutorial"
        assert session.state.names[0] == "Team Red"
