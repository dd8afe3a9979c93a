"""Pilot tests of what playing a full standard game showed was missing for an informed
decision: what research does, what a data centre's megawatts hold, every chip on sale with its
cost per kGPU, the score and how the game is won, you among the rivals, and why demand and
reputation moved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_helpers import dismiss_notes, end_quarter, fill_order, new_app, planning, start_game

from game.engine import OrderChips
from game.rules import load_content
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.report import ReportScreen
from game.tui.session import GameSession


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("play"), "standard", autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_game(pilot)
        yield pilot


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.asyncio(loop_scope="module")
async def test_research_says_what_each_technology_does(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot, "4")
    screen = pilot.app.screen
    table = screen.query_one("#techs", DataTable)
    table.focus()
    ids = [str(key.value) for key in table.rows]
    table.move_cursor(row=ids.index("quantization"))
    await pilot.pause()
    detail = text(screen, "#tech-description")
    assert "serves 20% more demand on the same capacity" in detail, detail
    table.move_cursor(row=ids.index("asic_g1") if "asic_g1" in ids else 0)
    await pilot.pause()
    detail = text(screen, "#tech-description")
    assert "your own chip: 1.8× an H100 each" in detail, detail


@pytest.mark.asyncio(loop_scope="module")
async def test_build_and_chip_dialogs_say_what_the_megawatts_hold(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot, "3")
    dialog = await fill_order(pilot, "d", {"megawatts": 20})
    shown = text(dialog, "#order-info")
    assert "Powers about 15.4 kGPU of H100s" in shown, shown
    await pilot.press("escape")
    dialog = await fill_order(pilot, "c", {"sku": "h100", "quantity": 2})
    shown = text(dialog, "#order-info")
    assert "2.0 kGPU ($30.0M per kGPU), needs 2.6 MW of powered data centre" in shown, shown
    await pilot.press("escape")
    # Network fabric says how many units the chips there (ordered now too) still need.
    session = pilot.app.session  # type: ignore[attr-defined]
    session.add_order(OrderChips(sku="h100", region="us-central", quantity=3))
    pilot.app.screen.refresh_view()
    dialog = await fill_order(pilot, "n", {"region": "us-central", "quantity": 1})
    shown = text(dialog, "#order-info")
    assert "Your chips here (installed, arriving, ordered now) 3.0 kGPU" in shown, shown
    assert "3 more units connect them all" in shown, shown
    await pilot.press("escape")
    session.pending = {seat: [] for seat in session.humans}
    pilot.app.screen.refresh_view()
    note = text(pilot.app.screen, "#chips-note")
    assert "Verdant H100: $30.0M/kGPU" in note, note
    on_sale = [c.name for c in session.view().obs.chips if c.available and not c.custom]
    assert all(name in note for name in on_sale), (on_sale, note)  # every one, not three


@pytest.mark.asyncio(loop_scope="module")
async def test_report_overview_and_rivals_say_how_you_stand(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot, "1")
    assert not pilot.app.screen.query_one("#score", Static).display  # nothing played yet
    note = text(pilot.app.screen, "#chart-note")
    assert "Customers want about 40.0 kGPU a quarter in all" in note, note
    assert "roughly 10.0 kGPU each" in note and "You start with 4.0 kGPU" in note, note
    await end_quarter(pilot)
    report = pilot.app.screen
    assert isinstance(report, ReportScreen), report
    figures = text(report, "#report-figures")
    assert "Customers compare: your price $13.00M" in figures, figures
    assert "Reputation" in figures and "(was 80%)" in figures, figures  # the bank's opening
    if "turned away" in figures:
        assert "bank customers punish it 2× as hard" in figures, figures
    await dismiss_notes(pilot)
    await planning(pilot, "1")
    score = text(pilot.app.screen, "#score")
    assert "value created (enterprise value" in score and "rank" in score, score
    assert "aim ≥ 85%" in score, score
    assert "Enterprise value = cash $" in score and "average quarterly operating profit" in score
    await planning(pilot, "7")
    plan = text(pilot.app.screen, "#projected")
    assert "Capacity this quarter: reserved 4.0 + own 0.0 (last quarter's) = 4.0 kGPU" in plan
    assert "demand last quarter" in plan, plan
    await pilot.press("t")
    await pilot.pause()
    shown = text(pilot.app.screen, "#order-info")
    assert "kGPU to training," in shown and "left to serve customers" in shown, shown
    await pilot.press("escape")
    await planning(pilot, "5")
    rows = pilot.app.screen.query_one("#rivals-table", DataTable)
    first = [str(cell) for cell in rows.get_row_at(0)]
    assert "(you)" in first[0] and first[1] == "Bank", first


@pytest.mark.asyncio
async def test_game_over_says_why_you_finished_where_you_did(tmp_path: Path) -> None:
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    while not game.over:
        game.end_quarter()
    path = game.autosave(tmp_path)
    app = new_app(tmp_path, load=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, GameOverScreen), screen
        why = text(screen, "#over-why")
        assert "Ranked by value created: enterprise value at the end − opening cash" in why
        assert "You (Bank 1): $" in why and ("ahead of you by" in why or "behind you by" in why)
        assert "Compute per kGPU served: yours $" in why, why
        assert "Your enterprise value = cash $" in why, why
