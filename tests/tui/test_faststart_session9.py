"""The new-game form opens fast (class play: ``capwars play --fixed``, where every page of a class
waits for its form) and still shows the teacher's table, as the scenario sets it.

Timing is not tested (the machines are shared); what made the form slow is counted instead:
select values changed after mounting (each restyles and refreshes) and nodes restyled.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Input, Select, Static
from tui_helpers import SIZE, new_app, start_game

from game.tui.app import CapwarsApp
from game.tui.screens.new_game import NewGameScreen
from game.tui.session import HUMAN


@pytest.mark.asyncio
async def test_the_fixed_form_shows_the_teachers_table_and_keeps_all_of_it(
    tmp_path: Path,
) -> None:
    app = new_app(tmp_path, "tutorial", 7, autosave=False, fixed=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen) and form.fixed
        values = {
            sid: form.query_one(f"#{sid}", Select).value
            for sid in ("scenario", "industry", "humans", "rivals", "catch-up")
        }
        assert values == {
            "scenario": "tutorial",
            "industry": "bank",
            "humans": 1,
            "rivals": 1,
            "catch-up": False,
        }
        assert form.query_one("#seed", Input).value == "7"
        assert form.query_one("#rival-0", Select).value == "forgeline"
        assert form.query_one("#rival-archetype-0", Select).value == "spot_trader"
        assert form.query_one("#rival-level-0", Select).value == "normal"
        assert "Forgeline Robotics" in str(form.query_one("#rival-blurb", Static).render())
        assert "8 quarters · 2 companies" in str(form.query_one("#scenario-description").render())
        # The rival's difficulty is the teacher's too: it was left enabled (the select's own
        # start re-enabled it after the table was fixed), one Tab from the name, so a team
        # could play a "hard" rival and its results no longer merged with the class's.
        for select in form.query(Select):
            if select.id not in ("lesson-mode", "turn-timer"):
                assert select.disabled, select.id
        company = form.query_one("#company", Input)
        assert form.focused is company
        await pilot.press("tab")
        assert form.focused is not None and form.focused.id == "lesson-mode"
        company.value = "Team Red"
        seats, players = form.table()
        assert [s.name for s in seats] == ["Team Red", "Forgeline Robotics"]
        assert players == [HUMAN, "spot_trader:normal"]
        await start_game(pilot)
        assert app.session is not None
        assert app.session.state.names == ("Team Red", "Forgeline Robotics")


class Counts:
    """Select values changed and nodes restyled while the form opens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.values = 0
        self.restyled = 0
        self.counting = False
        watch_value = Select._watch_value
        update_nodes = Stylesheet.update_nodes

        def counted_watch(select: Select[Any], value: Any) -> None:
            self.values += self.counting
            watch_value(select, value)

        def counted_update(
            sheet: Stylesheet, nodes: Iterable[DOMNode], animate: bool = False
        ) -> None:
            nodes = list(nodes)
            self.restyled += len(nodes) if self.counting else 0
            update_nodes(sheet, nodes, animate=animate)

        monkeypatch.setattr(Select, "_watch_value", counted_watch)
        monkeypatch.setattr(Stylesheet, "update_nodes", counted_update)


async def _open_the_form(app: CapwarsApp, counts: Counts, pilot: Any) -> NewGameScreen:
    await pilot.pause()
    while isinstance(app.screen, NewGameScreen):  # the one the start opened: back to the title
        app.pop_screen()
        await pilot.pause()
    counts.counting = True
    app.new_game("standard", 3)
    await pilot.pause()
    await pilot.pause()
    counts.counting = False
    form = app.screen
    assert isinstance(form, NewGameScreen)
    return form


@pytest.mark.asyncio
@pytest.mark.parametrize("fixed", [True, False], ids=["class-play", "ordinary"])
async def test_opening_the_form_sets_no_select_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed: bool
) -> None:
    # The form was composed with default selects, then filled (about 65 value and option
    # changes, each a restyle), and every select's own "changed" on mounting ran the form's
    # handlers again; focus went to the form's scroll first (restyling all of it twice).
    counts = Counts(monkeypatch)
    app = new_app(tmp_path, "tutorial", 7, autosave=False, fixed=fixed)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_the_form(app, counts, pilot)
        selects = len(form.query(Select))
        nodes = len(list(form.walk_children(with_self=True)))
        assert counts.values == selects  # each select's own start, nothing after
        assert form.changes_handled == 0 and form.option_rebuilds == 0
        assert counts.restyled < 2.5 * nodes, (counts.restyled, nodes)
        focused = form.focused
        assert focused is not None and focused.id == ("company" if fixed else "start")
        if fixed:  # only the rows it shows: the teacher's table never changes
            assert len(form.query(".table-row")) == 1
            assert selects == 10
        else:
            assert len(form.query(".table-row")) == 14


@pytest.mark.asyncio
async def test_a_change_is_acted_on_once_and_sets_only_what_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = Counts(monkeypatch)
    app = new_app(tmp_path, "standard", 3, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewGameScreen)
        assert form.query_one("#rivals", Select).value == 3
        counts.counting = True
        form.query_one("#scenario", Select).value = "tutorial"
        await pilot.pause()
        counts.counting = False
        # The scenario, then what it changes (the form's own sets are not acted on again): the
        # industry stays a bank, the rivals count (its range stays 1 to 7), the rows' rivals.
        assert form.changes_handled == 1
        assert form.option_rebuilds == 0
        assert form.query_one("#rivals", Select).value == 1
        assert form.query_one("#rival-0", Select).value == "forgeline"
        assert form.query_one("#rival-archetype-0", Select).value == "spot_trader"
        assert not form.query_one("#rival-row-1").display
        assert "Forgeline Robotics" in str(form.query_one("#rival-blurb", Static).render())
        changed_by_the_form = counts.values - 1
        assert 0 < changed_by_the_form < 30, counts.values
        # A rival chosen by hand: its archetype follows, acted on once.
        form.query_one("#rival-0", Select).value = "kestrel"
        await pilot.pause()
        assert form.changes_handled == 2
        assert form.query_one("#rival-archetype-0", Select).value == "hoarder"
        assert "Kestrel" in str(form.query_one("#rival-blurb", Static).render())
        # Three players leave room for 0 to 5 rivals: the count's options are rebuilt once.
        form.query_one("#humans", Select).value = 3
        await pilot.pause()
        assert form.changes_handled == 3 and form.option_rebuilds == 1
        rivals = form.query_one("#rivals", Select)
        assert rivals.value == 1 and [v for _, v in rivals._options] == [0, 1, 2, 3, 4, 5]
        assert form.query_one("#player-row-2").display
        assert not form.query_one("#player-row-3").display
