"""Found playing `standard`: a 20 MW data centre ordered in US Central in 2027 Q1 and C300s
ordered with it were warned "Nothing of yours is powered in US Central (Texas) before about
2028 Q4", while the quarter report and the Infrastructure section said, a quarter later,
"powered in about 8 quarters (by 2029 Q1)", which is when the engine powers it. The build form
itself named no date, nor warned that a build powered after the game's last quarter never
serves anyone."""

from __future__ import annotations

from game.engine import BuildDatacenter, OrderChips
from game.rules import load_content
from game.tui.dialogs.forms import build_form, chips_form, quarters_to_power
from game.tui.session import GameSession
from game.tui.widgets.infrastructure import grid_ready_text


def _powered_turn(session: GameSession, region: str) -> int:
    """The turn whose resolution first powers a data centre of the player's in ``region``."""
    for _ in range(20):
        turn = session.state.turn
        session.end_quarter()
        holding = next(h for h in session.view().obs.me.holdings if h.region == region)
        if min(holding.datacenter_mw, holding.grid_mw) > 1e-9:
            return turn
    raise AssertionError("never powered")


def test_forms_name_the_quarter_the_engine_powers_a_new_data_centre() -> None:
    session = GameSession.new(load_content(), "standard", 11)
    obs, label = session.view().obs, session.state.world.quarter_label
    building = frozenset({"us-central"})
    build = build_form(obs, "us-central", None, label)
    info = build.info({"region": "us-central", "megawatts": 20})
    chips = chips_form(obs, "us-central", None, building, label, {})
    assert chips.warn is not None
    warning = chips.warn({"sku": "c300", "region": "us-central", "quantity": 1})
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.add_order(OrderChips(sku="c300", region="us-central", quantity=1))
    session.end_quarter()
    after = grid_ready_text(session.view().obs, "us-central", label)
    powered = label(_powered_turn(session, "us-central"))
    assert powered == "2029 Q1"
    assert f"(by {powered})" in after, after
    assert f"before about {powered} (9 quarters)" in warning, warning
    assert f"Built and powered by about {powered}" in info, info


def test_build_form_warns_when_the_power_comes_after_the_last_quarter() -> None:
    session = GameSession.new(load_content(), "standard", 11)
    obs, label = session.view().obs, session.state.world.quarter_label
    slow = max(obs.regions, key=lambda r: max(r.build_quarters, r.grid_wait_quarters))
    assert obs.turn + max(slow.build_quarters, slow.grid_wait_quarters) > obs.quarters - 1
    info = build_form(obs, slow.id, None, label).info({"region": slow.id, "megawatts": 20})
    assert "after the game's last quarter" in info and "never serve a customer" in info, info


def test_a_data_centre_being_built_counts_its_last_quarter() -> None:
    """``datacenter_arriving[k]`` is standing after k + 1 quarters (the engine's pipeline)."""
    session = GameSession.new(load_content(), "standard", 11)
    session.add_order(BuildDatacenter(region="gulf", megawatts=20))
    session.end_quarter()
    obs = session.view().obs
    assert quarters_to_power(obs, "gulf", frozenset()) == 8
    assert quarters_to_power(obs, "us-east", frozenset({"us-east"})) == 17
