"""Pilot tests of the fourth fix round: the keys offered match the scenario's mechanics; a
loaded game autosaves into its own file; saves can be deleted from Load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tui_helpers import new_app, planning, start_game

from game.rules import load_content
from game.rules.loader import resolve_scenario
from game.tui.commands import CapwarsCommands

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


def footer_actions(screen: Any) -> set[str]:
    """The actions the footer shows (Textual leaves out bindings whose check fails)."""
    return {
        b.action.split("(")[0]
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
