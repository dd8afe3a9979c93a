"""Fix round 5: one calendar (the world's quarter labels), one table of orders per mechanic,
one funding rule for the order dialog and the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Select, Static
from tui_helpers import new_app, start_game

from game.engine import Borrow, BuildDatacenter, FundResearch, OrderChips, OrderNetwork
from game.engine.actions import ACTION_TYPES, MECHANIC_OF
from game.engine.tables import World
from game.rules import load_content
from game.tui.commands import COMMANDS
from game.tui.dialogs.forms import (
    bid_form,
    borrow_form,
    chips_form,
    network_form,
    quarters_to_power,
)
from game.tui.order_keys import HINT_SECTIONS, ORDER_KEYS, mechanic_of, off_keys
from game.tui.screens.help import keys_text
from game.tui.screens.main import MainScreen
from game.tui.screens.report import idle_lines
from game.tui.session import GameSession, PendingOrder
from game.tui.widgets.infrastructure import grid_ready_note, grid_ready_text
from game.tui.widgets.plan import (
    cash_plan,
    locked_chips,
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


def _standard_building() -> GameSession:
    """``standard`` one quarter in, with 20 MW queued for the grid in US Central."""
    session = GameSession.new(CONTENT, "standard", 7)
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.end_quarter()
    return session


def test_chip_form_says_what_chips_wait_for() -> None:
    """Found playing: C300s ordered for a data centre still in the grid queue arrived six
    quarters before power, without network fabric, and idled with no warning; the warning for
    a region without a data centre named b (bid) as the build key; locked custom chips were
    refused as "Custom accelerator, generation 1 needs Custom accelerator, generation 1"."""
    session = _standard_building()
    obs, label = session.view().obs, session.state.world.quarter_label
    locked = locked_chips(session.state, obs)
    assert set(locked) == {"asic-g1", "asic-g2", "asic-g3"}, locked
    form = chips_form(obs, "us-central", None, frozenset(), label, locked)
    values = {"sku": "c300", "region": "us-central", "quantity": 5}
    assert form.warn is not None
    warning = form.warn(values)
    ready = int(obs.me.grid_ready_quarters[obs.me.region_ids.index("us-central")])
    assert f"powered in US Central (Texas) before about {label(obs.turn + ready - 1)}" in warning
    assert "arrive in 2 and sit idle" in warning, warning
    assert "order network fabric (n) for the rest" in form.info(values), form.info(values)
    west = form.warn({**values, "region": "us-west"})
    assert "(d builds one)" in west, west
    shown = {sku: name for name, sku in form.fields[0].choices}
    assert shown["asic-g1"].endswith("(locked: research)") and "(locked" not in shown["c300"]
    tech = next(t.name for t in obs.me.research if t.id == "custom_g1")
    assert f"research programme {tech} is done (4 Research)" in form.info(
        {**values, "sku": "asic-g1"}
    )
    # Chips that arrive after the power do not warn; nor does a powered region.
    assert quarters_to_power(obs, "us-central", frozenset()) == ready
    assert quarters_to_power(obs, "gulf", frozenset()) == 0
    assert quarters_to_power(obs, "gulf", frozenset({"gulf"})) == 9


def test_borrow_and_bid_forms_name_their_terms() -> None:
    session = _standard_building()
    obs = session.view().obs
    rate = obs.interest_rate
    assert rate == pytest.approx(float(session.state.world.scenario.market.interest_rate))
    text = borrow_form(obs).info({"amount": 100})
    assert f"Interest {rate:.1%} a quarter" in text and "$2.0M a quarter" in text, text
    bid = bid_form(obs, "stratus").info({"provider": "stratus"})
    assert "floor $" in bid and "reserve" not in bid, bid


def test_report_names_idle_chips_and_why() -> None:
    session = _standard_building()
    session.add_order(OrderChips(sku="c300", region="us-central", quantity=5))
    for _ in range(3):
        report = session.end_quarter()
    lines = idle_lines(session, session.seat, report)
    assert len(lines) == 1, lines
    assert "Idle chips[/] US Central: 6.5 of your 6.5 kGPU could not run" in lines[0], lines
    assert "network ports for 0.0 (order fabric: n)" in lines[0]
    assert "power for 0.0" in lines[0]
    session.add_order(OrderNetwork(region="us-central", quantity=7))
    report = session.end_quarter()
    lines = idle_lines(session, session.seat, report)
    assert "network ports for 0.0 (fabric for the rest on order)" in lines[0], lines


def test_network_form_warns_of_power_and_bills_no_upkeep_for_fabric() -> None:
    """Network fabric pays no upkeep (the engine bills it per chip and per MW): its warnings
    said it did. Fabric that arrives before the power says so."""
    session = _standard_building()
    obs, label = session.view().obs, session.state.world.quarter_label
    form = network_form(obs, "us-central", None, frozenset(), label=label)
    assert form.warn is not None
    warning = form.warn({"region": "us-central", "quantity": 5})
    assert "Nothing of yours is powered in US Central (Texas)" in warning, warning
    assert "network fabric arrives in" in warning and "upkeep" not in warning, warning
    west = form.warn({"region": "us-west", "quantity": 5})
    assert west.startswith("No data centre in US West") and "upkeep" not in west, west


@pytest.mark.asyncio
async def test_research_table_fits_80_columns_with_a_programme_at_its_max(
    tmp_path: Path,
) -> None:
    """Found playing at 80x24: once a programme showed "$40.0M (max)" the funding column grew
    and pushed the Status column off the screen ("o", "l"), and it never narrowed again."""
    app = new_app(tmp_path, "standard", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        session = pilot.app.session  # type: ignore[attr-defined]
        session.add_order(FundResearch(tech="multicloud", amount=100))
        session.end_quarter()
        screen = pilot.app.screen
        screen.refresh_view()  # type: ignore[attr-defined]
        await pilot.press("4")
        await pilot.pause()
        table = screen.query_one("#techs", DataTable)
        cells = [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]
        assert any("(max)" in c for c in cells), cells
        widths = [c.get_render_width(table) for c in table.columns.values()]  # with padding
        assert sum(widths) + 2 <= 80 - 4, widths
        statuses = [str(table.get_row_at(r)[-1]) for r in range(table.row_count)]
        assert widths[-1] - 2 >= max(len(Text.from_markup(s).plain) for s in statuses), widths


@pytest.mark.asyncio
async def test_new_game_and_opening_market_read_in_words(tmp_path: Path) -> None:
    """Found playing: the rivals' play styles read as ids ("spot_trader")."""
    app = new_app(tmp_path, "standard", autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        select = pilot.app.screen.query_one("#rival-archetype-0", Select)
        prompts = [str(prompt) for prompt, _ in select._options]
        values = [value for _, value in select._options]
        assert "spot trader" in prompts and "spot_trader" in values, prompts
        assert not any("_" in p for p in prompts), prompts
        # Found playing: the Market said "Whole-market demand last quarter: — kGPU" before the
        # first quarter; it gives the scenario's opening figure instead.
        screen = await start_game(pilot)
        await pilot.press("2")
        await pilot.pause()
        notes = str(screen.query_one("#market-notes", Static).render())
        assert "Whole-market demand at the start: about 40.0 kGPU a quarter." in notes, notes
        assert "—" not in notes, notes


def test_grid_note_wraps_to_the_width_it_is_given() -> None:
    session = _history_with_queue()
    view = session.view()
    wide = grid_ready_note(view.obs, view.quarter_label, 118).splitlines()
    assert wide[0].startswith("US Central: your 20 MW") and wide[0].endswith("normal rate"), wide
    narrow = grid_ready_note(view.obs, view.quarter_label).splitlines()
    assert narrow[1].startswith("    "), narrow


def test_a_research_programme_named_as_its_chip_reads_as_research() -> None:
    """Found playing: a locked custom chip was refused as "Custom accelerator, generation 1
    needs Custom accelerator, generation 1 first" (the chip and its programme share a name)."""
    from game.rules import load_content
    from game.tui.names import Names

    names = Names.from_content(load_content())
    assert names.text("asic-g1 needs custom_g1 first") == (
        "Custom accelerator, generation 1 needs Custom accelerator, generation 1 research first"
    )
    # Other programmes keep their own names.
    tech = next(t for t in load_content().technologies if not t.id.startswith("custom"))
    assert names.text(f"fund {tech.id}") == f"fund {tech.name}"


def test_numbers_said_with_a_vowel_take_an() -> None:
    """Found playing: a rival "starts a 8 MW data centre" (the engine's announcement text is
    hashed state, so the screen corrects it)."""
    from game.tui.names import Names

    text = Names().text
    assert text("Rival starts a 8 MW data centre") == "Rival starts an 8 MW data centre"
    assert [text(f"a {n} MW") for n in ("80", "800", "11", "18,000", "8.5")] == [
        f"an {n} MW" for n in ("80", "800", "11", "18,000", "8.5")
    ]
    assert [text(f"a {n} MW") for n in ("5", "110", "180", "1,800", "1")] == [
        f"a {n} MW" for n in ("5", "110", "180", "1,800", "1")
    ]
