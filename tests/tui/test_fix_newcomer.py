"""Fix round found by a newcomer playing the tutorial and then a standard game at 80x24: keys
of switched-off orders that did nothing at all, a save that kept no pending orders without
saying so, a chip price in the wrong unit, and sections whose last lines no key could reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent
from textual.widgets._footer import FooterKey
from tui_helpers import end_quarter, new_app, planning, start_game

from game.engine import (
    BidSpot,
    BuildDatacenter,
    OrderChips,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
)
from game.rules import load_content
from game.tui.dialogs.action import ActionDialog
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.forms import training_effect
from game.tui.dialogs.load import LoadDialog
from game.tui.dialogs.prediction import PredictionDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.format import kgpu
from game.tui.screens.help import HelpScreen
from game.tui.screens.main import MainScreen
from game.tui.screens.report import figure_lines, standing, standing_lines
from game.tui.session import GameSession


def notices(pilot: Pilot[Any]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tutorial(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("newcomer"), "tutorial", seed=3, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_a_switched_off_order_key_says_so_and_what_to_do_instead(
    tutorial: Pilot[Any],
) -> None:
    """In the tutorial (rent only) c, n, d, f and u did nothing at all: no message, no sound.
    A newcomer who read 'c order chips' in the help could not tell a broken key from an order
    the scenario leaves out."""
    pilot = tutorial
    await planning(pilot, "3")
    pilot.app.clear_notifications()
    await pilot.press("c")
    assert isinstance(pilot.app.screen, MainScreen)
    said = notices(pilot)
    assert len(said) == 1, said
    assert said[0].startswith("No chips in Tutorial: c does nothing in this scenario.")
    assert "bid spot (b)" in said[0] and "reserve (r)" in said[0]
    pilot.app.clear_notifications()
    await pilot.press("f")
    assert notices(pilot)[0].startswith("No research in Tutorial")
    # A key whose order is on opens its dialog as before, with no notice.
    pilot.app.clear_notifications()
    await pilot.press("b")
    assert not isinstance(pilot.app.screen, MainScreen)
    assert notices(pilot) == []
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_saving_with_pending_orders_says_they_are_not_in_the_save(
    tutorial: Pilot[Any],
) -> None:
    """A save holds the game as the quarter began. Saving with a bid placed said only 'Saved
    …': loading it later the bid was gone, and nothing had said it would be."""
    pilot = tutorial
    session = await planning(pilot, "2")
    await pilot.press("s")
    dialog = pilot.app.screen
    assert isinstance(dialog, SaveDialog)
    assert str(dialog.query_one("#save-pending", Static).render()) == ""
    await pilot.press("escape")
    session.add_order(SetServicePrice(price=14.0))
    pilot.app.screen.refresh_view()
    await pilot.press("s")
    dialog = pilot.app.screen
    assert isinstance(dialog, SaveDialog)
    note = str(dialog.query_one("#save-pending", Static).render())
    label = session.state.quarter_label
    assert note.startswith(f"The game is saved as {label} began: the 1 pending order is not")
    assert note.endswith("To keep it, end the quarter (e) first.")
    assert dialog.query_one("#save-pending").region.bottom <= 24  # seen at 80x24
    pilot.app.clear_notifications()
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, MainScreen)
    assert notices(pilot)[-1].endswith("(without this quarter's 1 pending order)")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def standard(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pilot[Any]]:
    app = new_app(tmp_path_factory.mktemp("newcomer-std"), "standard", seed=5, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(pilot)
        yield pilot


@pytest.mark.asyncio(loop_scope="module")
async def test_research_description_is_whole_at_80x24_and_prices_chips_per_kgpu(
    standard: Pilot[Any],
) -> None:
    """At 80x24 the line under the research table lost its last line (the most a programme
    can spend a quarter, its slip risk) below the footer, and no key scrolled to it. It also
    said 'an H100 costs $30.0M', the price of a thousand of them, next to the custom chip's
    '$7.8M per kGPU'."""
    pilot = standard
    await planning(pilot, "4")
    screen = pilot.app.screen
    table = screen.query_one("#techs", DataTable)
    ids = [str(key.value) for key in table.rows]
    table.move_cursor(row=ids.index("custom_g1"))
    await pilot.pause()
    box = screen.query_one("#tech-description", Static)
    detail = str(box.render())
    assert "$7.8M per kGPU of compute (H100s: $30.0M)" in detail, detail
    assert "an H100 costs" not in detail
    assert "slip risk" in detail
    section = screen.query_one("#section-research")
    assert box.region.bottom <= section.region.bottom, (box.region, section.region)
    assert box.region.height == box.content_region.height >= 4


@pytest.mark.asyncio(loop_scope="module")
async def test_infrastructure_below_the_regions_scrolls_into_view_by_keyboard(
    standard: Pilot[Any],
) -> None:
    """At 80x24 one data centre in the grid queue and two chip orders pushed 'Chips on sale'
    under the footer: the section did not scroll and no key reached the list."""
    pilot = standard
    session = await planning(pilot, None)
    session.add_order(BuildDatacenter(region="gulf", megawatts=20))
    session.add_order(BuildDatacenter(region="us-central", megawatts=20))
    session.add_order(OrderChips(sku="h100", quantity=1, region="gulf"))
    session.add_order(OrderChips(sku="h100", quantity=1, region="us-east"))
    await end_quarter(pilot)
    await planning(pilot, "3")
    screen = pilot.app.screen
    more = screen.query_one("#infra-more", VerticalScroll)
    note = screen.query_one("#chips-note", Static)
    assert "Verdant H100" in str(note.render())
    assert note.region.bottom > more.region.bottom  # more than fits: it must scroll
    assert more.can_focus
    assert "Tab" in str(screen.query_one("#infra-hint", Static).render())
    assert isinstance(screen.focused, DataTable) and screen.focused.id == "regions"
    await pilot.press("tab")
    assert screen.focused is more
    await pilot.press("end")
    assert more.scroll_y == more.max_scroll_y > 0
    # The last chip line is now on screen, above the footer.
    assert note.region.bottom <= more.region.bottom


@pytest.mark.asyncio(loop_scope="module")
async def test_market_contracts_scroll_into_view_by_keyboard(standard: Pilot[Any]) -> None:
    """A player who had reserved at five providers saw three of the contracts at 80x24; the
    rest were under the footer and no key reached them."""
    pilot = standard
    session = await planning(pilot, None)
    for provider in ("nimbus", "azimuth", "ironlattice", "tensorport", "bluefin"):
        session.add_order(Reserve(provider=provider, quantity=0.5, term=4))
    await end_quarter(pilot)
    await planning(pilot, "2")
    screen = pilot.app.screen
    more = screen.query_one("#market-more", VerticalScroll)
    contracts = screen.query_one("#contracts", Static)
    assert str(contracts.render()).count("•") >= 6
    assert contracts.region.bottom > more.region.bottom
    assert str(screen.query_one("#market-hint", Static).render()).endswith("Tab then ↓: more below")
    await pilot.press("tab")
    assert screen.focused is more
    await pilot.press("end")
    assert contracts.region.bottom <= more.region.bottom


@pytest.mark.asyncio(loop_scope="module")
async def test_orders_projection_scrolls_into_view_by_keyboard(standard: Pilot[Any]) -> None:
    """With a dozen orders at 80x24 the end of the projected cash and capacity and the key
    line under it were under the footer, and no key reached them."""
    pilot = standard
    session = await planning(pilot, None)
    for provider in ("nimbus", "azimuth", "ironlattice", "tensorport", "bluefin", "stratus"):
        session.add_order(Reserve(provider=provider, quantity=0.5, term=4))
        session.add_order(BidSpot(provider=provider, quantity=0.5, max_price=9.0))
    session.add_order(SetServicePrice(price=14.0))
    session.add_order(SetTrainingShare(share=0.1))
    pilot.app.screen.refresh_view()
    await pilot.press("7")
    await pilot.pause()
    screen = pilot.app.screen
    hint = screen.query_one("#orders-hint", Static)
    assert str(hint.render()).startswith("Enter edit")
    assert hint.region.bottom <= screen.query_one("#section-orders").region.bottom
    more = screen.query_one("#orders-more", VerticalScroll)
    projected = screen.query_one("#projected", Static)
    assert "Capacity this quarter" in str(projected.render())
    assert more.max_scroll_y > 0  # more than it shows
    assert str(hint.render()).endswith("Tab then ↓: more below")
    await pilot.press("tab")
    assert screen.focused is more
    await pilot.press("end")
    assert more.scroll_y == more.max_scroll_y
    assert projected.region.bottom <= more.region.bottom
    session.pending = {seat: [] for seat in session.humans}


@pytest.mark.asyncio(loop_scope="module")
async def test_6_opens_the_news_from_infrastructure(standard: Pilot[Any]) -> None:
    """With a data centre queued, 6 in Infrastructure left the player in Infrastructure: the
    focus, left on a table of the hidden section, moved to the next widget of that section
    and the tabs followed it back. (Runs after the test above, which queues two.)"""
    pilot = standard
    await planning(pilot, "3")
    screen = pilot.app.screen
    tabs = screen.query_one(TabbedContent)
    for keys in (["6"], ["3", "tab", "6"]):
        await pilot.press("3")
        await pilot.press(*keys)
        await pilot.pause()
        assert tabs.active == "news", keys
        # The arrow keys scroll the news at once.
        assert screen.focused is screen.query_one("#news-scroll")


def footer_keys(screen: Any) -> list[str]:
    """The keys the footer shows, left to right (the command palette's left out)."""
    keys = sorted(screen.query_one(Footer).query(FooterKey), key=lambda k: k.region.x)
    return [k.key for k in keys if k.key != "ctrl+p"]


@pytest.mark.asyncio(loop_scope="module")
async def test_footer_shows_the_order_keys_of_the_open_section(standard: Pilot[Any]) -> None:
    """The footer showed b and r in every section and no other order key: in Infrastructure a
    newcomer read 'b Bid r Reserve' and not the c, n and d the section is about. Each
    section now shows its own (every key works everywhere as before), all within 80 columns."""
    pilot = standard
    expected = {
        "1": ["b", "r"],
        "2": ["b", "r", "u"],
        "3": ["c", "n", "d"],
        "4": ["f"],
        "6": ["b", "r"],
        "7": ["p", "t", "dollar_sign"],
    }
    for section, orders in expected.items():
        await planning(pilot, section)
        await pilot.pause()
        screen = pilot.app.screen
        assert footer_keys(screen) == ["e", "s", "question_mark", *orders, "ctrl+q"], section
        palette = screen.query_one(Footer).query(FooterKey).last()
        assert palette.key == "ctrl+p"
        quit_key = next(k for k in screen.query(FooterKey) if k.key == "ctrl+q")
        assert quit_key.region.right <= palette.region.x, section  # nothing cut off
    # A key the open section does not show still places its order.
    await planning(pilot, "3")
    await pilot.press("b")
    assert isinstance(pilot.app.screen, ActionDialog)
    assert pilot.app.screen.query_one("#field-provider")
    await pilot.press("escape")
    # A click on a footer key is its key.
    screen = pilot.app.screen
    chips = next(k for k in screen.query(FooterKey) if k.key == "c")
    await pilot.click(chips)
    assert isinstance(pilot.app.screen, ActionDialog)
    await pilot.press("escape")


@pytest.mark.asyncio(loop_scope="module")
async def test_tutorial_footer_offers_no_switched_off_order(tutorial: Pilot[Any]) -> None:
    pilot = tutorial
    await planning(pilot, "3")
    await pilot.pause()
    assert footer_keys(pilot.app.screen) == ["e", "s", "question_mark", "ctrl+q"]
    await planning(pilot, "2")
    await pilot.pause()
    assert footer_keys(pilot.app.screen) == ["e", "s", "question_mark", "b", "r", "ctrl+q"]


def test_quarter_report_says_how_much_capacity_stood_idle() -> None:
    """Renting twice what customers wanted read 'Served 7.8 kGPU: every customer served.' and
    nothing more, while the value created fell: the report now says what stood idle."""
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    game.add_order(BidSpot(provider="stratus", quantity=12.0, max_price=20.0))
    report = game.end_quarter()
    me = report.players[game.seat]
    assert me.unserved <= 0.05 and me.inference - me.served > 4.0
    served = next(line for line in figure_lines(game, game.seat, report) if "Served" in line)
    idle = me.inference - me.served
    assert f"every customer served; {kgpu(idle)} kGPU of your capacity stood idle" in served
    # Advice the player can follow here: no "rent less" for chips of one's own, no sublease in
    # the rent-only tutorial (u is switched off there).
    assert "(a lower price wins more customers)." in served, served
    game = GameSession.new(content, "standard", 4)
    game.add_order(BidSpot(provider="stratus", quantity=30.0, max_price=20.0))
    report = game.end_quarter()
    served = next(line for line in figure_lines(game, game.seat, report) if "Served" in line)
    assert "; u subleases reserved capacity you will not need)." in served, served
    # A quarter that used (nearly) all its capacity says nothing of the kind.
    game = GameSession.new(content, "tutorial", 4)
    report = game.end_quarter()
    served = next(line for line in figure_lines(game, game.seat, report) if "Served" in line)
    assert "idle" not in served
    # Customers turned away: the sentence ends like the others.
    assert "turned away" in served and served.endswith(" kGPU."), served


@pytest.mark.asyncio(loop_scope="module")
async def test_glossary_explains_the_terms_the_screens_use(tutorial: Pilot[Any]) -> None:
    """'n order network', 'Fab: fabric units' and 'binding input: chips, network fabric or
    power' all named the fabric; the glossary had no entry for it."""
    pilot = tutorial
    await planning(pilot, None)
    await pilot.press("question_mark")
    glossary = str(pilot.app.screen.query_one("#glossary", Static).render())
    assert "network fabric: The switches, optics and cables" in glossary
    # The quarter report's 'turned away because inference capacity was 4.8 kGPU' used a
    # term the glossary did not have either; and reputation is shown in percent.
    assert "inference capacity: The capacity left to serve customers" in glossary
    assert "reputation: How much customers trust you, from 0% to 100%." in glossary
    assert "slip risk: The chance that a research programme, when it would finish" in glossary
    await pilot.press("escape")


def test_training_dialog_counts_this_quarters_capacity() -> None:
    """After a quarter with 7 kGPU of spot the training dialog said 'At last quarter's 10.3
    kGPU: 2.1 kGPU to training, 8.3 kGPU left', while the quarter being planned had the 3.3
    kGPU reserved and nothing else until a new bid."""
    content = load_content()
    game = GameSession.new(content, "tutorial", 4)
    game.add_order(BidSpot(provider="stratus", quantity=7.0, max_price=20.0))
    game.end_quarter()
    obs = game.view().obs
    reserved = float(sum(float(q[0]) for q in obs.me.reserved_schedule.values() if len(q)))
    assert float(obs.me.last["capacity"]) > reserved + 5
    text = training_effect(obs, 0.2)
    assert text.startswith(
        f"\nOf this quarter's reserved and own {kgpu(reserved)} kGPU (spot bids come on top):"
    ), text
    assert f"{kgpu(reserved * 0.8)} kGPU left to serve customers" in text


@pytest.mark.asyncio(loop_scope="module")
async def test_opening_overview_says_what_to_do_next(tutorial: Pilot[Any]) -> None:
    """The opening Overview said 'roughly 10.0 kGPU each ... You start with 3.3 kGPU' and
    stopped there: a newcomer did not know that the next step was the Market."""
    pilot = tutorial
    await planning(pilot, "1")
    assert pilot.app.session.state.turn == 0  # type: ignore[attr-defined]
    screen = pilot.app.screen
    note = screen.query_one("#chart-note", Static)
    text = str(note.render())
    assert text.endswith(
        "You start with 3.3 kGPU. Next: 2 Market, b bid spot or r reserve; e ends the quarter."
    ), text
    assert note.region.bottom <= screen.query_one("#section-overview").region.bottom


@pytest.mark.asyncio
@pytest.mark.parametrize("fixed", [False, True])
async def test_game_over_asks_for_a_hand_in_only_in_class_play(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed: bool
) -> None:
    """A newcomer who finished the tutorial alone read 'Hand in your result with this
    command' and wondered to whom; in class play (--fixed) it is the instruction it was."""
    session = GameSession.new(load_content(), "tutorial", 7)
    while not session.over:
        session.end_quarter()
    monkeypatch.chdir(tmp_path)
    path = session.autosave(Path("saves"))
    app = new_app(Path("saves"), "tutorial", 7, load=str(path), fixed=fixed)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        saved = str(app.screen.query_one("#over-saved", Static).render())
    assert "Hand in your result with this command (c copies it):" in saved
    assert ("Playing for a class?" in saved) is not fixed


@pytest.mark.asyncio(loop_scope="module")
async def test_load_dialog_says_pending_orders_are_lost(tutorial: Pilot[Any]) -> None:
    """Quitting and going to the title screen with orders placed warned that they are lost;
    l (Load) chose another game and dropped them without a word."""
    pilot = tutorial
    session = await planning(pilot, None)
    session.save(pilot.app.saves_dir / "to-load.jsonl")  # type: ignore[attr-defined]
    await pilot.press("l")
    assert isinstance(pilot.app.screen, LoadDialog)
    assert "pending" not in str(pilot.app.screen.query_one("#load-note", Static).render())
    await pilot.press("escape")
    session.add_order(SetServicePrice(price=14.0))
    session.add_order(SetTrainingShare(share=0.1))
    pilot.app.screen.refresh_view()
    await pilot.press("l")
    dialog = pilot.app.screen
    assert isinstance(dialog, LoadDialog)
    note = dialog.query_one("#load-note", Static)
    # No quarter is played yet: no autosave holds the game (session 9 fixed the wording).
    assert str(note.render()).endswith(
        "loading now leaves it and its 2 pending orders (Esc, s saves it first)."
    )
    assert note.region.bottom <= 24
    await pilot.press("escape")
    assert len(session.pending[session.seat]) == 2  # Esc keeps them


def test_report_ranks_figures_as_it_prints_them() -> None:
    """'Customers compare: ... reputation 74% (lowest; rivals 74%)': the ranking used the
    unrounded figures, the sentence the rounded ones."""

    def percent(value: float) -> float:
        return round(value * 100)

    assert standing(0.736, [0.741], True, percent) == "level"
    assert standing(0.736, [0.741, 0.80], True, percent) == "middle"
    assert standing(0.70, [0.741, 0.80], True, percent) == "[red]lowest[/]"
    assert standing(13.0, [12.0], False, lambda v: round(v, 2)) == "[red]highest[/]"
    assert standing(12.004, [12.0], False, lambda v: round(v, 2)) == "level"


def test_report_says_what_the_score_is_made_of() -> None:
    """'value created +$56.2M (was +$53.3M)' after cash went into a data centre: the report
    said nothing of why; the Overview's breakdown shows only from 110 columns."""
    game = GameSession.new(load_content(), "standard", 4)
    game.add_order(BuildDatacenter(region="gulf", megawatts=20))
    report = game.end_quarter()
    lines = standing_lines(game, game.seat, report)
    assert lines[1].startswith("Your enterprise value = cash $1.46B − debt $0.0M + equipment")
    assert "equipment $50.0M + earnings" in lines[1]
    assert lines[1].endswith("; value created = that − opening cash $1.50B.")


@pytest.mark.asyncio
async def test_prediction_number_is_the_level_not_a_change(tmp_path: Path) -> None:
    """'Higher or lower, and by roughly how much?': a newcomer typed 10% (refused as 'not a
    number') or 10 (taken as a price of $10M). The field says it wants the level, and a
    percentage is answered with what to type instead."""
    # An app of its own: a dialog made here belongs to the app last started in this context
    # (with the module's two apps, it dismissed the other app's main screen).
    app = new_app(tmp_path, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await prediction_typed(pilot)


async def prediction_typed(pilot: Pilot[Any]) -> None:
    answers: list[object] = []
    now = "Stratus Cloud spot price 6.51 $M/kGPU"
    dialog = PredictionDialog("Bank 1", "Higher or lower, and by how much?", now, True)
    pilot.app.push_screen(dialog, answers.append)
    await pilot.pause()
    field = dialog.query_one("#prediction-number", Input)
    assert field.placeholder == "the new level, as Now shows it; Enter"
    await pilot.press("1", "0", "%", "enter")
    assert pilot.app.screen is dialog
    error = str(dialog.query_one("#prediction-error", Static).render())
    assert error.startswith(f"Type the new level itself, as Now shows it ({now}), not a change")
    await pilot.press("backspace", "backspace", "backspace", "7", ".", "2", "enter")
    await pilot.pause()
    assert answers == [7.2]


@pytest.mark.asyncio(loop_scope="module")
async def test_fund_dialog_says_what_slip_risk_is(standard: Pilot[Any]) -> None:
    """'slip risk 35%' in the dialog that commits $50M a quarter, with no word of what a slip
    is (and no glossary entry)."""
    pilot = standard
    await planning(pilot, "4")
    await pilot.press("f")
    dialog = pilot.app.screen
    assert isinstance(dialog, ActionDialog)
    info = str(dialog.query_one("#order-info", Static).render())
    assert "slip risk 35% (the chance it needs more quarters and money when it would" in info
    assert dialog.query_one("#submit").region.bottom <= 24  # still fits at 80x24
    await pilot.press("escape")


@pytest.mark.asyncio
async def test_f1_and_ctrl_q_work_in_an_order_dialog(tmp_path: Path) -> None:
    """In the reserve dialog, where 'take-or-pay' is read, F1 did nothing (the app's keys do
    not reach past a dialog) and neither did ctrl+q, which the footer had just shown."""
    app = new_app(tmp_path, "tutorial", seed=5, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_game(pilot)
        app.session.add_order(SetServicePrice(price=14.0))  # type: ignore[attr-defined]
        screen.refresh_view()
        await pilot.press("2", "r")
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        dialog.query_one("#field-quantity", Input).value = "3"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is dialog  # back where it was, with what was typed
        assert dialog.query_one("#field-quantity", Input).value == "3"
        await pilot.press("ctrl+q")  # asks first: an order is pending
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.title_text == "Quit with 1 pending order?"
        await pilot.press("escape")
        assert app.screen is dialog


@pytest.mark.asyncio(loop_scope="module")
async def test_help_jumps_to_the_glossary_and_the_keys(tutorial: Pilot[Any]) -> None:
    """At 80x24 the glossary began a dozen pages down the help, after the section's help, the
    game's rules, every lesson note and the keys; g and k now go straight there."""
    pilot = tutorial
    await planning(pilot, None)
    await pilot.press("question_mark")
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    body = help_screen.query_one("#help-body")
    for key, heading in (("g", "#glossary-title"), ("k", "#keys-title"), ("g", "#glossary-title")):
        await pilot.press(key)
        await pilot.pause()
        top = help_screen.query_one(heading).region.y
        assert body.region.y <= top <= body.region.y + 1, key  # (its margin above)
    assert {"g", "k"} <= {k.key for k in help_screen.query(FooterKey)}
    await pilot.press("escape")
