"""Pilot tests of the fourth fix round: the keys offered match the scenario's mechanics; a
loaded game autosaves into its own file; saves can be deleted from Load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList
from tui_helpers import dismiss_notes, end_quarter, new_app, planning, start_game

from game.arena.saves import autosave_path, read_save
from game.rules import load_content
from game.rules.loader import resolve_scenario
from game.tui.commands import CapwarsCommands
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.load import LoadDialog
from game.tui.screens.main import MainScreen
from game.tui.session import GameSession

NO_SPOT = """\
id = "no-spot"
name = "No spot market"
summary = "Reserved contracts only."
quarters = 4
mechanics = ["reserved", "service_price", "events"]
providers = ["stratus", "nimbus"]

[[seats]]
industry = "bank"

[[seats]]
industry = "startup"
rival = "loopwise"

[market]
demand = 20.0
demand_growth = 0.05
"""


def action_name(action: str) -> str:
    """``bid`` for ``bid`` and for the footer's ``shown('bid')``."""
    shown = re.fullmatch(r"shown\('(\w+)'\)", action)
    return shown.group(1) if shown else action.split("(")[0]


def footer_actions(screen: Any) -> set[str]:
    """The actions the footer shows (Textual leaves out bindings whose check fails)."""
    return {
        action_name(b.action)
        for _, b, enabled, _ in screen.active_bindings.values()
        if b.show and enabled
    }


def active_actions(screen: Any) -> set[str]:
    return {b.action.split("(")[0] for _, b, _, _ in screen.active_bindings.values()}


async def palette_names(screen: Any) -> list[str]:
    provider = CapwarsCommands(screen)
    return [hit.text or "" async for hit in provider.discover()]


@pytest.mark.asyncio
async def test_footer_hides_keys_of_mechanics_the_scenario_has_off(tmp_path: Path) -> None:
    scenario_file = tmp_path / "no-spot.toml"
    scenario_file.write_text(NO_SPOT)
    content, sid = resolve_scenario(load_content(), str(scenario_file))
    app = new_app(tmp_path / "saves", sid, content=content, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        shown = footer_actions(screen)
        assert "bid" not in shown and "reserve" in shown, shown
        active = active_actions(screen)
        assert not {"bid", "order_chips", "build", "fund", "sublease", "borrow"} & active
        names = await palette_names(screen)
        assert "Reserve capacity" in names and "Bid on spot capacity" not in names, names
        assert "Fund research" not in names and "Borrow" not in names, names
        await pilot.press("b")  # the key of a switched-off order does nothing
        await pilot.pause()
        assert pilot.app.screen is screen


@pytest.mark.asyncio
async def test_tutorial_offers_only_its_orders_in_palette_hints_and_help(tmp_path: Path) -> None:
    app = new_app(tmp_path, "tutorial", autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        assert {"bid", "reserve"} <= footer_actions(screen)
        names = await palette_names(screen)
        for off in ("Order chips", "Build a data centre", "Fund research", "Sublease capacity"):
            assert off not in names, names
        assert "Borrow" in names and "Set service price" in names, names
        await planning(pilot, "7")
        hint = str(screen.query_one("#orders-hint").render())
        assert "borrow" in hint and "price" in hint, hint
        await pilot.press("question_mark")
        await pilot.pause()
        rules = str(pilot.app.screen.query_one("#game-rules").render())
        assert "Off in this scenario" in rules and "research (f)" in rules, rules
        assert "spot bids" not in rules, rules


@pytest.mark.asyncio
async def test_a_named_save_loads_into_its_games_own_autosave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    game.end_quarter()
    own = game.autosave(tmp_path)
    named = game.save(tmp_path / "my game.jsonl")
    app = new_app(tmp_path, load=str(named), autosave=True)
    toasts: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: toasts.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await dismiss_notes(pilot)
        assert isinstance(app.screen, MainScreen)
        await end_quarter(pilot)
    # One game, one autosave file: the game's own, two quarters long now; the named save
    # is as it was.
    assert sorted(p.name for p in tmp_path.glob("autosave-*")) == [own.name]
    assert len(read_save(own).quarters) == 2
    assert len(read_save(named).quarters) == 1
    assert not any("is kept" in t for t in toasts), toasts


@pytest.mark.asyncio
async def test_an_earlier_save_never_overwrites_a_finished_autosave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    game.end_quarter()
    named = game.save(tmp_path / "early.jsonl")
    while not game.over:
        game.end_quarter()
    own = game.autosave(tmp_path)
    app = new_app(tmp_path, load=str(named), autosave=True)
    toasts: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: toasts.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await dismiss_notes(pilot)
        await end_quarter(pilot)
    assert read_save(own).finished  # the finished game is untouched
    assert any(f"{own.name} is further along (finished" in t for t in toasts), toasts
    autos = sorted(tmp_path.glob("autosave-*"))
    assert len(autos) == 2 and len(read_save(next(p for p in autos if p != own)).quarters) == 2


@pytest.mark.asyncio
async def test_load_deletes_a_save_only_after_asking_and_warns_for_a_finished_game(
    tmp_path: Path,
) -> None:
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    while not game.over:
        game.end_quarter()
    finished = game.autosave(tmp_path)
    other = GameSession.new(content, "tutorial", 5).save(tmp_path / "spare.jsonl")
    app = new_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoadDialog)
        note = str(dialog.query_one("#load-note").render())
        assert "d delete" in note and "keeps autosaving into its own autosave file" in note, note
        options = dialog.query_one(OptionList)
        index = next(i for i, info in enumerate(dialog.infos) if info.path == finished)
        options.highlighted = index
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        body = str(app.screen.query_one("#confirm-body").render())
        assert "This game is finished (8/8):" in body and "class export" in body, body
        await pilot.press("enter")  # the focused button is Keep
        await pilot.pause()
        assert finished.exists() and app.screen is dialog
        options.highlighted = index
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not finished.exists() and other.exists()
        assert app.screen is dialog
        assert [i.path for i in dialog.infos] == [other]
        await pilot.press("escape")
    assert autosave_path(tmp_path, game.game_id) == finished
