"""Fix round 5: one calendar (the world's quarter labels), one table of orders per mechanic,
one funding rule for the order dialog and the plan."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from game.engine import Borrow, BuildDatacenter, FundResearch
from game.engine.actions import ACTION_TYPES, MECHANIC_OF
from game.engine.tables import World
from game.rules import load_content
from game.tui.commands import COMMANDS
from game.tui.order_keys import HINT_SECTIONS, ORDER_KEYS, mechanic_of, off_keys
from game.tui.screens.help import keys_text
from game.tui.screens.main import MainScreen
from game.tui.session import GameSession, PendingOrder
from game.tui.widgets.infrastructure import grid_ready_text
from game.tui.widgets.plan import (
    cash_plan,
    order_effect,
    research_cap,
    research_spend,
    standing_funding,
)

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


def test_every_order_has_one_row_in_the_order_table() -> None:
    """A new engine order missing from ORDER_KEYS would have no key, no palette entry and no
    hint; every row's screen action exists and is bound to its key."""
    assert sorted(o.order for o in ORDER_KEYS) == sorted(ACTION_TYPES)
    assert len({o.action for o in ORDER_KEYS}) == len(ORDER_KEYS)
    assert len({o.key for o in ORDER_KEYS}) == len(ORDER_KEYS)
    bound = {b.action: b.key for b in MainScreen.BINDINGS if isinstance(b, Binding)}
    palette = {action for _, action, _ in COMMANDS}
    for o in ORDER_KEYS:
        assert callable(getattr(MainScreen, f"action_{o.action}", None)), o
        assert bound[o.action] == o.keys, o
        assert o.action in palette, o
        assert mechanic_of(o.action) == MECHANIC_OF[o.order]
        assert o.section in HINT_SECTIONS
    keys = keys_text()
    assert all(f"[b]{o.key}[/b] {o.hint}" in keys for o in ORDER_KEYS), keys


def test_orders_a_scenario_has_off_are_listed_by_section_with_their_keys() -> None:
    assert off_keys(MECHANIC_OF.values()) == ""
    assert off_keys(["spot", "reserved"]) == (
        "sublease (u), chips (c), network fabric (n), data centres (d), research (f),"
        " service price (p), training share (t), borrowing ($ y)"
    )
    tutorial = CONTENT.scenario("tutorial").mechanics
    assert off_keys(tutorial) == (
        "sublease (u), chips (c), network fabric (n), data centres (d), research (f)"
    )


def test_an_orders_effect_is_what_it_moves_in_the_cash_plan() -> None:
    """The order dialog's "pays … this quarter" and the plan count research funding alike:
    the last funding of a technology wins, an edited order is left out of the standing one."""
    session = GameSession.new(CONTENT, "standard", 7)
    state, obs = session.state, session.view().obs
    a, b = [t for t in obs.me.research if research_cap(obs, t) > 1][:2]
    session.add_order(FundResearch(tech=a.id, amount=research_cap(obs, a) / 2))
    session.add_order(FundResearch(tech=b.id, amount=research_cap(obs, b)))
    session.add_order(Borrow(amount=100))
    orders = session.view().orders
    new = FundResearch(tech=a.id, amount=research_cap(obs, a))
    verdict = session.check(new)
    assert verdict.ok, verdict
    before = cash_plan(state, obs, orders).after
    effect = order_effect(state, obs, orders, new, verdict.cost)
    assert effect == pytest.approx(research_cap(obs, a) / 2)
    after = cash_plan(state, obs, (*orders, PendingOrder(new, verdict))).after
    assert after == pytest.approx(before - effect)
    # Editing the first order: measured against the plan without it.
    edited = order_effect(state, obs, orders, new, verdict.cost, replace=0)
    assert edited == pytest.approx(research_spend(obs, a, research_cap(obs, a)) - a.funding)
    changed = (PendingOrder(new, verdict), *orders[1:])
    without = cash_plan(state, obs, orders, skip=0).after
    assert cash_plan(state, obs, changed).after == pytest.approx(without - edited)
    assert standing_funding(obs, orders)[a.id] == research_cap(obs, a) / 2
    assert standing_funding(obs, orders, skip=0)[a.id] == a.funding
