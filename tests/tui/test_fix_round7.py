"""Fix round 7, found by a player in an 80x24 terminal: chart legends over the lines, charts
without units, verdict titles the help did not explain, odd save names and empty autosaves."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import dismiss_notes, end_quarter, new_app, settle, start_game

from game.tui.widgets.chart import LineChart

SIZE = (80, 24)


def chart_text(screen: object, selector: str) -> str:
    chart = screen.query_one(selector, LineChart)  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in chart._lines())


async def test_capacity_charts_give_their_unit(tmp_path: Path) -> None:
    """The opening 'Capacity now' bars and the 'Capacity vs demand' lines had no unit; the spot
    chart beside them said $M/kGPU-q."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        assert "Capacity now kGPU" in chart_text(screen, "#chart-capacity")
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        await settle(pilot)
        assert "Capacity vs demand kGPU" in chart_text(pilot.app.screen, "#chart-capacity")
