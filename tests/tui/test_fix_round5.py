"""Fix round 5: one calendar (the world's quarter labels), one table of orders per mechanic,
one funding rule for the order dialog and the plan."""

from __future__ import annotations

import pytest

from game.engine import BuildDatacenter
from game.engine.tables import World
from game.rules import load_content
from game.tui.session import GameSession
from game.tui.widgets.infrastructure import grid_ready_text

CONTENT = load_content()


def _history_with_queue() -> GameSession:
    """The ``history`` scenario (it starts in 2023 Q1) two quarters in, 20 MW in a grid queue."""
    session = GameSession.new(CONTENT, "history", 7)
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.end_quarter()
    session.end_quarter()
    return session


def test_tui_dates_follow_a_scenario_that_starts_in_2023() -> None:
    session = _history_with_queue()
    view = session.view()
    assert view.obs.label == "2023 Q3"
    assert view.quarters_played(2) == ("2023 Q1", "2023 Q2")
    k = int(view.obs.me.grid_ready_quarters[view.obs.me.region_ids.index("us-central")])
    text = grid_ready_text(view.obs, "us-central", view.quarter_label)
    assert f"(by {session.state.world.quarter_label(view.obs.turn + k - 1)})" in text, text


def test_tui_asks_the_world_for_quarter_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI never does arithmetic on a label: a calendar in another form shows as such."""
    session = _history_with_queue()
    monkeypatch.setattr(World, "quarter_label", lambda self, turn: f"FY{turn + 23}")
    view = session.view()
    assert view.quarters_played(2) == ("FY23", "FY24")
    text = grid_ready_text(view.obs, "us-central", view.quarter_label)
    assert "(by FY" in text, text
