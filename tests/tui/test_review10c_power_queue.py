"""Found checking the order forms' power dates against the engine after the first quarter: the
grid queues are then no longer a whole number of quarters long (the rest of the world's requests
join each quarter), and the forms dated a new data centre from the region's wait rounded up.
In `standard` (seed 11) in 2027 Q3 a 20 MW build in the Gulf read "Built and powered by about
2029 Q3", chips ordered with it "nothing powered before about 2029 Q3", while a quarter later
the Infrastructure section said "by 2029 Q2", the quarter the engine powers it."""

from __future__ import annotations

import re
from pathlib import Path

from tui_helpers import SIZE, new_app, settle, start_game

from game.engine import BuildDatacenter, OrderChips
from game.rules import load_content
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.forms import build_form, chips_form
from game.tui.session import GameSession
from game.tui.widgets.infrastructure import grid_ready_text
from game.tui.widgets.plan import grid_queue


def _powered(session: GameSession, region: str) -> tuple[str, str]:
    """The quarters whose resolution first powers the player's data centre in ``region`` and
    powers all of it."""
    label = session.state.world.quarter_label
    first = ""
    for _ in range(20):
        turn = session.state.turn
        session.end_quarter()
        h = next(h for h in session.view().obs.me.holdings if h.region == region)
        if not first and min(h.datacenter_mw, h.grid_mw) > 1e-9:
            first = label(turn)
        if h.datacenter_mw > 1e-9 and h.queued_mw <= 1e-9:
            return first, label(turn)
    raise AssertionError("never powered")


def test_the_forms_date_power_from_the_queue_not_its_rounded_wait() -> None:
    session = GameSession.new(load_content(), "standard", 11)
    session.end_quarter()
    session.end_quarter()
    obs, label = session.view().obs, session.state.world.quarter_label
    gulf = next(r for r in obs.regions if r.id == "gulf")
    assert obs.label == "2027 Q3" and gulf.grid_wait_quarters == 8  # 7.8 quarters, rounded up
    grid = grid_queue(session.state, session.seat)
    info = build_form(obs, "gulf", None, label, grid).info({"region": "gulf", "megawatts": 20})
    chips = chips_form(obs, "gulf", None, frozenset({"gulf"}), label, grid=grid)
    assert chips.warn is not None
    warning = chips.warn({"sku": "c300", "region": "gulf", "quantity": 1})
    session.add_order(BuildDatacenter(region="gulf", megawatts=20))
    session.add_order(OrderChips(sku="c300", region="gulf", quantity=1))
    session.end_quarter()
    after = grid_ready_text(session.view().obs, "gulf", label)
    first, full = _powered(session, "gulf")
    assert first == full == "2029 Q2"
    assert f"(by {full})" in after, after
    assert f"Built and powered by about {full} " in info, info
    assert f"before about {first} (8 quarters)" in warning, warning


async def test_the_build_dialog_reads_the_queue(tmp_path: Path) -> None:
    """The dialog the d key opens gets the queues from the game (not only the forms)."""
    async with new_app(tmp_path, "standard", seed=11).run_test(size=SIZE) as pilot:
        screen = await start_game(pilot)
        screen.session.end_quarter()
        screen.session.end_quarter()
        screen.refresh_view()
        await settle(pilot)
        screen.action_build()
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionDialog)
        info = dialog.form.info({"region": "gulf", "megawatts": 20})
        assert re.search(r"Built and powered by about 2029 Q2\b", info), info


def test_the_build_form_counts_the_research_that_speeds_building() -> None:
    """Found reviewing: with prefabricated modules researched (two quarters off construction) the
    build form still said "$228M over 6 quarters" while the engine bills and builds it over 4
    (and the dialog's own "pays ... this quarter" was a quarter of the cost)."""
    from game.engine import FundResearch

    session = GameSession.new(load_content(), "standard", 11)
    for _ in range(12):
        tech = next(t for t in session.view().obs.me.research if t.id == "prefab_datacenters")
        if tech.done:
            break
        session.add_order(FundResearch(tech="prefab_datacenters", amount=60))
        session.end_quarter()
    assert tech.done
    obs, label = session.view().obs, session.state.world.quarter_label
    grid = grid_queue(session.state, session.seat)
    info = build_form(obs, "us-central", None, label, grid).info(
        {"region": "us-central", "megawatts": 20}
    )
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.end_quarter()
    r = session.state.world.region_index["us-central"]
    billed = int((session.state.dc_pay[session.seat, r] > 1e-9).sum()) + 1  # one paid already
    assert billed == 4
    assert " over 4 quarters · " in info, info
