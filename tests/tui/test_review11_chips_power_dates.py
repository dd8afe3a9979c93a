"""Found playing: ordering chips with a large data centre ordered the same quarter, the chips
form said nothing of yours was powered "before about" one quarter (the first MW the grid
releases) while the build form and the Infrastructure section dated the same data centre from
its last MW, quarters later: the two dates seemed to disagree."""

from __future__ import annotations

import re
from pathlib import Path

from tui_helpers import SIZE, new_app, settle, start_game

from game.engine import BuildDatacenter, OrderChips
from game.rules import load_content
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.forms import build_form, chips_form, network_form
from game.tui.session import GameSession
from game.tui.widgets.plan import grid_queue

MW = 100.0


def _powered(session: GameSession, region: str) -> tuple[str, float, str]:
    """The quarter whose resolution first powers the player's data centre in ``region``, the
    MW it powers, and the quarter that powers all of it (as the engine does)."""
    label = session.state.world.quarter_label
    first, part = "", 0.0
    for _ in range(24):
        turn = session.state.turn
        session.end_quarter()
        h = next(h for h in session.view().obs.me.holdings if h.region == region)
        if not first and min(h.datacenter_mw, h.grid_mw) > 1e-9:
            first, part = label(turn), min(h.datacenter_mw, h.grid_mw)
        if h.datacenter_mw > 1e-9 and h.queued_mw <= 1e-9:
            return first, part, label(turn)
    raise AssertionError("never powered")


def test_the_chips_warning_dates_the_first_mw_and_all_of_it() -> None:
    session = GameSession.new(load_content(), "standard", 11)
    session.end_quarter()
    session.end_quarter()
    obs, label = session.view().obs, session.state.world.quarter_label
    grid = grid_queue(session.state, session.seat)
    info = build_form(obs, "gulf", None, label, grid).info({"region": "gulf", "megawatts": MW})
    built = re.search(r"Built and powered by about (\d{4} Q\d)", info)
    assert built is not None, info
    chips = chips_form(
        obs, "gulf", None, frozenset({"gulf"}), label, grid=grid, building_mw={"gulf": MW}
    )
    assert chips.warn is not None
    warning = chips.warn({"sku": "c300", "region": "gulf", "quantity": 1})
    network = network_form(
        obs, "gulf", None, frozenset({"gulf"}), label=label, grid=grid, building_mw={"gulf": MW}
    )
    assert network.warn is not None
    fabric = network.warn({"region": "gulf", "quantity": 1})

    session.add_order(BuildDatacenter(region="gulf", megawatts=MW))
    session.add_order(OrderChips(sku="c300", region="gulf", quantity=1))
    first, part, full = _powered(session, "gulf")
    assert first != full  # released over several quarters
    assert built.group(1) == full, info
    said = re.search(
        r"before about (\d{4} Q\d) \(\d+ quarters\), when the data centre you order here has"
        r" its first (\d+) MW powered \(all 100 MW by about (\d{4} Q\d)",
        warning,
    )
    assert said is not None, warning
    assert f"before about {first} " in warning, warning
    assert (said.group(1), said.group(3)) == (first, full), warning
    assert said.group(2) == f"{part:.0f}", (part, warning)
    assert f"all 100 MW by about {full}" in fabric, fabric


def test_a_build_powered_at_once_in_full_is_dated_once() -> None:
    """A small data centre, released in one quarter: one date, as before."""
    session = GameSession.new(load_content(), "standard", 11)
    session.end_quarter()
    session.end_quarter()
    obs, label = session.view().obs, session.state.world.quarter_label
    grid = grid_queue(session.state, session.seat)
    chips = chips_form(
        obs, "gulf", None, frozenset({"gulf"}), label, grid=grid, building_mw={"gulf": 20.0}
    )
    assert chips.warn is not None
    warning = chips.warn({"sku": "c300", "region": "gulf", "quantity": 1})
    assert "before about 2029 Q2 (8 quarters):" in warning, warning
    assert "first" not in warning, warning


async def test_the_chips_dialog_knows_the_size_of_the_build(tmp_path: Path) -> None:
    """The dialog the c key opens gets the MW ordered from the game's pending orders."""
    async with new_app(tmp_path, "standard", seed=11).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen.session.end_quarter()
        screen.session.end_quarter()
        screen.session.add_order(BuildDatacenter(region="gulf", megawatts=MW))
        screen.refresh_view()
        await settle(pilot)
        screen.action_order_chips()
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionDialog)
        assert dialog.form.warn is not None
        warning = dialog.form.warn({"sku": "c300", "region": "gulf", "quantity": 1})
        assert "all 100 MW by about" in warning, warning
