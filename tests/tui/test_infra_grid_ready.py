"""Infrastructure: when your own MW waiting in the grid queue is powered (me.grid_ready_quarters),
in the section and in the build dialog, within 80 columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import dismiss_notes, end_quarter, fill_order, new_app, start_game, submit

from game.tui.dialogs.action import ActionDialog
from game.tui.screens.report import ReportScreen


def _text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_infra_section_and_build_dialog_say_when_your_queued_mw_is_powered(
    tmp_path: Path,
) -> None:
    app = new_app(tmp_path, scenario="standard", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_game(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert not screen.query_one("#grid-ready", Static).display  # nothing queued yet
        await fill_order(pilot, "d", {"region": "gulf", "megawatts": 40})
        await submit(pilot)
        await end_quarter(pilot)
        session = app.session
        assert session is not None
        obs = session.view().obs
        gulf = obs.me.region_ids.index("gulf")
        k = int(obs.me.grid_ready_quarters[gulf])
        assert k >= 2 and obs.me.queued_mw[gulf] == 40.0
        by = session.state.world.quarter_label(obs.turn + k - 1)
        expected = f"your 40 MW: powered in about {k} quarters (by {by}) at the normal rate"
        # The quarter's report says it.
        assert isinstance(app.screen, ReportScreen), app.screen
        report = " ".join(" ".join(str(w.render()).split()) for w in app.screen.query(Static))
        assert f"Grid queue Gulf: {expected}." in report, report
        await dismiss_notes(pilot)
        await pilot.press("3")
        await pilot.pause()
        note = _text(app.screen, "#grid-ready")
        assert app.screen.query_one("#grid-ready", Static).display
        assert expected in " ".join(line.strip() for line in note.splitlines()), note
        assert note.startswith("Gulf"), note
        # The per-region lines are wrapped to fit 80 columns; the footnote is one paragraph
        # that the section wraps to its own width (no hard break to leave a word alone).
        *regions, footnote = note.splitlines()
        assert all(len(line) <= 80 for line in regions), note
        assert footnote.startswith("The grid queue is first come")
        assert footnote.endswith("Grid events can change the rate.")
        # The build dialog in that region says it too (a new request queues behind it).
        dialog = await fill_order(pilot, "d", {"region": "gulf", "megawatts": 20})
        assert isinstance(dialog, ActionDialog)
        info = " ".join(_text(dialog, "#order-info").split())
        assert f"Already queued here: {expected}." in info, info
        await pilot.press("escape")
