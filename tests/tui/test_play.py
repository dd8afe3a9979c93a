"""Pilot tests: the game played through its screens, as a player would."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static
from tui_helpers import (
    SIZE,
    dismiss_notes,
    end_quarter,
    fill_order,
    new_app,
    one_line,
    planning,
    settle,
    start_game,
    submit,
)

from game.arena.saves import read_save
from game.engine import (
    BidSpot,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
)
from game.rules import load_content
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.message import MessageDialog
from game.tui.format import money
from game.tui.screens.content_error import ContentErrorScreen
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.handover import HandoverScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.new_game import NewGameScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.title import TitleScreen
from game.tui.screens.too_small import TooSmallScreen
from game.tui.session import GameSession


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    """One `standard` game shared by the tests of orders and dialogs (starting an app and a
    game is most of a Pilot test's time); each test begins with :func:`planning`."""
    app = new_app(tmp_path_factory.mktemp("standard"), "standard", autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_market_orders_bid_and_reserve(standard: Pilot[Any]) -> None:
    pilot = standard
    session = await planning(pilot)
    turn = session.state.turn
    await pilot.press("2")
    await fill_order(pilot, "b", {"provider": "nimbus", "quantity": 3, "max_price": 7})
    await submit(pilot)
    await fill_order(pilot, "r", {"provider": "stratus", "quantity": 2, "term": 4})
    await pilot.click("#submit")  # the mouse works too
    await pilot.pause()
    assert session.pending[0] == [
        BidSpot(provider="nimbus", quantity=3, max_price=7),
        Reserve(provider="stratus", quantity=2, term=4),
    ]
    await end_quarter(pilot)
    assert session.state.turn == turn + 1
    assert session.last_report is not None
    assert session.last_report.applied[0]


@pytest.mark.asyncio(loop_scope="module")
async def test_infrastructure_and_research_orders(standard: Pilot[Any]) -> None:
    pilot = standard
    session = await planning(pilot)
    obs = session.view().obs
    sku = next(c.id for c in obs.chips if c.available and not c.custom)
    region = obs.regions[0].id
    await pilot.press("3")
    await fill_order(pilot, "c", {"sku": sku, "region": region, "quantity": 0.5})
    await submit(pilot)
    await fill_order(pilot, "n", {"region": region, "quantity": 1})
    await submit(pilot)
    await fill_order(pilot, "d", {"region": region, "megawatts": 20})
    await submit(pilot)
    tech = next(t.id for t in obs.me.research if not t.prerequisites)
    await pilot.press("4")
    await fill_order(pilot, "f", {"tech": tech, "amount": 10})
    await submit(pilot)
    await fill_order(pilot, "p", {"price": 11})
    await submit(pilot)
    await fill_order(pilot, "t", {"share": 30})
    await submit(pilot)
    kinds = [type(a) for a in session.pending[0]]
    assert kinds == [
        OrderChips,
        OrderNetwork,
        BuildDatacenter,
        FundResearch,
        SetServicePrice,
        SetTrainingShare,
    ]
    await end_quarter(pilot)
    report = session.last_report
    assert report is not None and len(report.applied[0]) == 6, report.rejected[0]
    assert abs(session.state.training_share[0] - 0.3) < 1e-9


@pytest.mark.asyncio(loop_scope="module")
async def test_dialog_rejects_bad_quantities_inline(standard: Pilot[Any]) -> None:
    pilot = standard
    session = await planning(pilot)
    dialog = await fill_order(pilot, "b", {})
    for text, expected in (
        ("abc", "not a number"),
        ("-5", "must not be negative"),
        ("1e12", "must be at most 100,000 kGPU"),
        ("", "enter a number"),
    ):
        field = dialog.query_one("#field-quantity", Input)
        field.value = text
        await pilot.pause()
        verdict = str(dialog.query_one("#verdict", Static).render())
        assert expected in verdict, (text, verdict)
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog  # nothing submitted
    await pilot.press("escape")
    await pilot.pause()
    # An illegal action shows its reason before submission.
    dialog = await fill_order(pilot, "b", {"provider": "stratus", "max_price": 0.5})
    assert "reserve price" in str(dialog.query_one("#verdict", Static).render())
    assert dialog.query_one("#submit").disabled
    await pilot.press("escape")
    await pilot.pause()
    assert session.pending[0] == []


@pytest.mark.asyncio(loop_scope="module")
async def test_orders_can_be_edited_and_removed(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot)
    await fill_order(pilot, "b", {"provider": "nimbus", "quantity": 3, "max_price": 7})
    await submit(pilot)
    await fill_order(pilot, "p", {"price": 12})
    await submit(pilot)
    await pilot.press("7")
    await pilot.pause()
    await pilot.press("enter")  # edit the first order
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog)
    dialog.query_one("#field-quantity", Input).value = "4"
    await submit(pilot)
    session = pilot.app.session
    assert session is not None
    assert session.pending[0][0] == BidSpot(provider="nimbus", quantity=4, max_price=7)
    await pilot.press("x")
    await pilot.pause()
    assert session.pending[0] == [SetServicePrice(price=12)]
    assert "projected" in str(pilot.app.screen.query_one("#projected", Static).render())


async def test_save_then_load_restores_the_same_state(tmp_path: Path) -> None:
    async with new_app(tmp_path, "standard").run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        # Quarters are ended through the UI elsewhere; here they only make the game worth saving.
        for _ in range(3):
            session.add_order(BidSpot(provider="nimbus", quantity=2, max_price=9))
            session.end_quarter()
        screen.refresh_view()
        await pilot.press("s")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "mygame"
        await pilot.press("enter")
        await pilot.pause()
        saved_hash = session.state.last_hash
    path = tmp_path / "mygame.jsonl"
    assert read_save(path).quarters[-1].hash == saved_hash
    app = new_app(tmp_path, load=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.session is not None and app.session.state.last_hash == saved_hash
        # Continue from the title screen picks the newest save: the autosave made on leaving.
        await pilot.press("escape", "y")
        assert isinstance(app.screen, TitleScreen)
        app.session = None
        await pilot.press("c")
        await pilot.pause()
        await dismiss_notes(pilot)
        assert app.session is not None and app.session.state.last_hash == saved_hash
        assert isinstance(app.screen, MainScreen)


async def test_broken_saves_get_a_clear_message_and_the_rest_stay_listed(tmp_path: Path) -> None:
    session = GameSession.new(load_content(), "tutorial", 11)
    session.end_quarter()
    good = session.autosave(tmp_path)
    text = good.read_text()
    (tmp_path / "truncated.jsonl").write_text(text[: len(text) - 40])
    (tmp_path / "garbage.jsonl").write_bytes(b"\x00\xff not json")
    header, *rest = text.splitlines(keepends=True)
    data = json.loads(header)
    data["format"] = 99
    (tmp_path / "future.jsonl").write_text(json.dumps(data) + "\n" + "".join(rest))
    app = new_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoadDialog)
        options = dialog.query_one(OptionList)
        assert options.option_count == 4
        texts = [str(options.get_option_at_index(i).prompt) for i in range(4)]
        assert any("truncated" in t and "the file is truncated" in t for t in texts)
        assert any("future" in t and "format 99" in t for t in texts)
        bad = next(i for i, info in enumerate(dialog.infos) if not info.ok)
        options.highlighted = bad
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot be loaded" in str(dialog.query_one("#load-error", Static).render())
        good_index = next(i for i, info in enumerate(dialog.infos) if info.ok)
        options.highlighted = good_index
        await pilot.press("enter")
        await pilot.pause()
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen)
    # Loading a broken file directly: a dialog, no crash.
    app = new_app(tmp_path, load=str(tmp_path / "garbage.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)


async def test_hot_seat_hands_over_and_hides_figures(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start_game(pilot, humans=2)
        session = pilot.app.session
        assert session is not None and session.humans == (0, 1)
        await fill_order(pilot, "p", {"price": 12})
        await submit(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HandoverScreen)
        assert not pilot.app.screen.query("#status")
        assert session.state.names[0] not in str(
            pilot.app.screen.query_one("#handover-name", Static).render()
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        assert session.seat == 1
        await end_quarter(pilot)
        assert session.state.turn == 1
        assert isinstance(pilot.app.screen, HandoverScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReportScreen)
        assert pilot.app.screen.seat == 0
        assert abs(session.state.service_price[0] - 12) < 1e-9


async def test_the_whole_tutorial_through_the_ui(tmp_path: Path) -> None:
    async with new_app(tmp_path, "tutorial").run_test(size=SIZE) as pilot:
        await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        for quarter in range(8):
            await dismiss_notes(pilot)
            assert isinstance(pilot.app.screen, MainScreen), (quarter, pilot.app.screen)
            if quarter == 0:
                await fill_order(pilot, "r", {"provider": "nimbus", "quantity": 3, "term": 4})
                await submit(pilot)
            if quarter % 2 == 0:  # a spot bid every other quarter; the rest hold
                await fill_order(
                    pilot, "b", {"provider": "ironlattice", "quantity": 2, "max_price": 8}
                )
                await submit(pilot)
            await end_quarter(pilot)
            if quarter == 0:  # the quarter report explains the spot prices
                assert isinstance(pilot.app.screen, ReportScreen)
                spot = str(pilot.app.screen.query_one("#report-spot", Static).render())
                assert "spot $" in spot
            if quarter == 1:  # an autosave every quarter, in this game's own file
                assert [p.name for p in tmp_path.glob("autosave-*")] == [
                    f"autosave-{session.game_id}.jsonl"
                ]
                assert len(read_save(session.autosave_path(tmp_path)).quarters) == 2
        assert session.over
        # The last quarter's report comes first, then the final standings.
        assert isinstance(pilot.app.screen, ReportScreen), pilot.app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GameOverScreen)
        title = str(pilot.app.screen.query_one("#over-title", Static).render())
        assert "Game over after 8 quarters" in title
        # Where the finished game is, and how to hand in the result.
        saved = str(pilot.app.screen.query_one("#over-saved", Static).render())
        path = tmp_path / f"autosave-{session.game_id}.jsonl"
        assert read_save(path).finished
        assert f"Saved in {path}" in saved
        assert f"capwars class export {path} --out player-1.json" in one_line(saved)
        # The score column is named by the victory rule (value_created), EV shown beside it.
        table = pilot.app.screen.query_one("#standings", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[2:4] == ["Value created", "Enterprise value"]
        rows = {table.get_row_at(i)[1]: table.get_row_at(i) for i in range(table.row_count)}
        me = next(s for s in session.standings() if s.seat == 0)
        row = rows[f"{me.name} (you)"]
        opening = session.state.world.industries[0].starting_cash
        assert row[2:4] == [money(me.score), money(me.score + opening)]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen)


@pytest.mark.asyncio(loop_scope="module")
async def test_help_shows_context_and_glossary(standard: Pilot[Any]) -> None:
    pilot = standard
    await planning(pilot)
    await pilot.press("2")
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    assert "spot auction" in str(pilot.app.screen.query_one("#context-help", Static).render())
    assert "kGPU" in str(pilot.app.screen.query_one("#glossary", Static).render())


async def test_too_small_terminal_asks_for_room(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


async def test_new_game_from_the_title_screen_builds_the_table(tmp_path: Path) -> None:
    async with new_app(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen)
        await pilot.press("n")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, NewGameScreen)
        # A scenario's own seat name is the default company name (startup-squeeze: "Your
        # start-up"); a typed name wins.
        screen.query_one("#scenario", Select).value = "startup-squeeze"
        await pilot.pause()
        assert screen.table()[0][0].name == "Your start-up"
        assert "Your start-up" in str(screen.query_one("#company", Input).placeholder)
        screen.query_one("#scenario", Select).value = "standard"
        await pilot.pause()
        assert screen.table()[0][0].name == "Player 1"  # an unnamed company is its player's
        # The scenario's table is the default: three rivals with their content archetypes.
        assert screen.query_one("#rivals", Select).value == 3
        assert screen.table()[1] == [
            "human",
            "builder:normal",
            "builder:normal",
            "spot_trader:normal",
        ]
        screen.query_one("#industry", Select).value = "startup"
        screen.query_one("#company", Input).value = "Tiny Labs"
        screen.query_one("#rivals", Select).value = 2
        await pilot.pause()
        assert not screen.query_one("#rival-row-2").display
        screen.query_one("#rival-1", Select).value = "kestrel"
        await pilot.pause()
        assert screen.query_one("#rival-archetype-1", Select).value == "hoarder"
        screen.query_one("#rival-archetype-0", Select).value = "hedger"
        screen.query_one("#rival-level-0", Select).value = "hard"
        screen.query_one("#seed", Input).value = "99"
        await pilot.pause()
        assert "$150M cash" in str(screen.query_one("#industry-description", Static).render())
        await pilot.click("#start")
        await pilot.pause()
        await dismiss_notes(pilot)
        session = pilot.app.session
        assert session is not None and isinstance(pilot.app.screen, MainScreen)
        assert session.seats == ("human", "hedger:hard", "hoarder:normal")
        assert session.state.names == ("Tiny Labs", "Northwind Motors", "Kestrel Industries")
        assert [s.industry for s in session.state.world.scenario.seats] == [
            "startup",
            "manufacturer",
            "conglomerate",
        ]
        assert session.state.seed == 99
        assert "Tiny Labs" in str(pilot.app.screen.query_one("#status", Static).render())
        header = session.lines[0]
        assert [p["industry"] for p in header["players"]] == [
            "startup",
            "manufacturer",
            "conglomerate",
        ]


async def test_broken_content_lists_every_problem(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parents[2] / "content", content)
    providers = content / "providers.toml"
    providers.write_text(providers.read_text().replace("id = ", "idd = ", 1))
    industries = content / "industries.toml"
    industries.write_text(
        industries.read_text().replace("starting_cash = 600.0", "starting_cash = -1")
    )
    app = new_app(tmp_path, "standard", content_dir=str(content))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ContentErrorScreen)
        problems = [str(s.render()) for s in screen.query(".problem")]
        assert len(problems) >= 2
        assert any("providers.toml:" in p for p in problems)
        assert any("industries.toml:" in p and "starting_cash" in p for p in problems)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n")  # still broken: the same screen, no crash
        await pilot.pause()
        assert isinstance(app.screen, ContentErrorScreen)
