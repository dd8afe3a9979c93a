"""Fix round 7, found by a player in an 80x24 terminal: chart legends over the lines, charts
without units, verdict titles the help did not explain, odd save names and empty autosaves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input, Static
from tui_helpers import dismiss_notes, end_quarter, new_app, settle, start_game

from game.arena.saves import SaveError, peek_newest, save_name, save_path
from game.engine.scoring import TITLES
from game.tui.app import make_app
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.save import SaveDialog
from game.tui.format import pct
from game.tui.screens.help import HelpScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.chart import LineChart

SIZE = (80, 24)


def chart_text(screen: object, selector: str) -> str:
    chart = screen.query_one(selector, LineChart)  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in chart._lines())


async def test_capacity_charts_give_their_unit(tmp_path: Path) -> None:
    """The opening 'Capacity now' bars and the 'Capacity vs demand' lines had no unit; the spot
    chart beside them said $M/kGPU-q."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=(120, 40)) as pilot:
        screen = await start_game(pilot)
        assert "Capacity now kGPU" in chart_text(screen, "#chart-capacity")
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        await settle(pilot)
        assert "Capacity vs demand kGPU" in chart_text(pilot.app.screen, "#chart-capacity")


async def test_a_save_name_without_letters_or_digits_is_refused(tmp_path: Path) -> None:
    """Saving as '///' wrote ___.jsonl: a name the listing shows as '___'. The dialog now says
    why it cannot save and writes nothing; an odd name shows the file it makes before saving."""
    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        before = set(tmp_path.iterdir())
        await pilot.press("s")
        dialog = pilot.app.screen
        assert isinstance(dialog, SaveDialog), dialog
        dialog.query_one("#save-name", Input).value = "///"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog
        error = str(dialog.query_one("#save-error", Static).render())
        assert "no letter or digit" in error, error
        assert set(tmp_path.iterdir()) == before
        dialog.query_one("#save-name", Input).value = "v1.2: ../final"
        await pilot.pause()
        where = str(dialog.query_one("#save-where", Static).render())
        assert where.startswith("as v1_2_final.jsonl in "), where
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "v1_2_final.jsonl").exists()


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("my game", "my game.jsonl"),
        ("  two   spaces  ", "two spaces.jsonl"),
        ("v1.2", "v1_2.jsonl"),
        ("../../etc/passwd", "etc_passwd.jsonl"),
        (".hidden", "hidden.jsonl"),
        ("Équipe 团队", "Équipe 团队.jsonl"),
        ("E\u0301quipe", "Équipe.jsonl"),  # decomposed é: the same file as the composed one
        ("a" * 200, "a" * 60 + ".jsonl"),
        ("x" * 59 + "...y", "x" * 59 + ".jsonl"),  # no trailing _ where the cut falls
    ],
)
def test_odd_save_names_make_sane_file_names(name: str, file: str) -> None:
    assert save_path(Path("saves"), name).name == file


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("///", "no letter or digit"),
        ("_-_ . _", "no letter or digit"),
        ("   ", "Type a name"),
        ("autosave-mine", "kept for the game's own autosaves"),
        ("Autosave-2", "kept for the game's own autosaves"),
    ],
)
def test_unusable_save_names_are_refused(name: str, why: str) -> None:
    """'autosave-…' too: capwars saves prune deletes old files named so, and a named save must
    never be pruned."""
    with pytest.raises(SaveError, match=why):
        save_path(Path("saves"), name)


def verdicts_shown(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, HelpScreen), screen
    return str(screen.query_one("#verdicts", Static).render())


async def test_help_explains_the_verdict_titles(tmp_path: Path) -> None:
    """The Overview and the final standings call a company 'Stranded' or 'Big Spender'; the
    help (from the title screen, or F1 in a game) did not say what the titles mean."""
    async with make_app(saves=tmp_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = verdicts_shown(pilot.app)
        for title, meaning in TITLES.values():
            assert f"{title} (" in text and meaning in text, (title, text)
        assert "against the scenario's aim" in text, text
    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = verdicts_shown(pilot.app)
        victory = pilot.app.session.state.world.scenario.victory  # type: ignore[attr-defined]
        assert f"serving at least {pct(victory.served_share_good)} at" in text, text
        assert "Stranded (served too little, cost high)" in text, text


async def test_a_game_left_before_its_first_quarter_leaves_no_autosave(tmp_path: Path) -> None:
    """Each game opened and left at once (Escape, back to the title) wrote a 'not started
    (0/8)' autosave: the Load list filled with them and Continue offered one over the game the
    player had played. A game is autosaved from its first quarter on, and then always."""
    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await pilot.press("escape")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog), dialog
        body = str(dialog.query_one("#confirm-body", Static).render())
        assert "No quarter is played yet, so nothing is saved" in body, body
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TitleScreen), pilot.app.screen
        assert list(tmp_path.iterdir()) == []
        assert "No saved game yet" in str(pilot.app.screen.query_one("#continue-hint").render())
    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        files = list(tmp_path.iterdir())
        assert [f.name.startswith("autosave-") for f in files] == [True], files
        await pilot.press("escape")
        await pilot.pause()
        body = str(pilot.app.screen.query_one("#confirm-body", Static).render())
        assert "The game is autosaved" in body, body
        await pilot.press("y")
        await pilot.pause()
        hint = str(pilot.app.screen.query_one("#continue-hint").render())
        assert "(1/8)" in hint or "2027 Q1" in hint, hint


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_spot_chart_legend_leaves_the_lines_visible(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """At 80x24 the seven providers' legend, drawn inside the spot chart, covered nearly all
    of its eight rows of lines. A legend that would take more than a third of the plot now
    goes under it; every provider is named, none over the lines, and the title stays."""
    async with new_app(tmp_path, "standard", seed=3).run_test(size=size) as pilot:
        screen = await start_game(pilot)
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        await settle(pilot)
        screen = pilot.app.screen
        chart = screen.query_one("#chart-spot", LineChart)
        rows = [strip.text for strip in chart._lines()]
        assert len(rows) == chart.size.height
        assert chart._data is not None
        names = [str(name) for name, _ in chart._data[2]]  # type: ignore[attr-defined]
        assert len(names) == 7
        shown = "\n".join(rows)
        framed = [row for row in rows if "┤" in row or "│" in row]
        legend = [row for row in rows if any(name in row for name in names)]
        for name in names:
            assert any(name in row for row in rows), (name, shown)
        # The legend takes at most a third of the plot's rows, and no line runs under it.
        assert sum(row in legend for row in framed) * 3 <= len(framed), shown
        for row in legend:
            assert not any("\u2800" <= c <= "\u28ff" for c in row.replace("⢕", "")), shown
        assert "Spot $M/kGPU-q" in rows[0]
        title = "\n".join(s.text for s in screen.query_one("#chart-capacity", LineChart)._lines())
        assert "Capacity vs demand kGPU" in title, title


async def test_continue_passes_over_autosaves_of_games_never_played(tmp_path: Path) -> None:
    """Earlier versions left 'not started' autosaves of games opened and left at once; the
    newest of them made Continue open an empty game instead of the one the player played."""
    async with new_app(tmp_path, "tutorial", seed=3).run_test(size=SIZE) as pilot:
        await start_game(pilot)
        await end_quarter(pilot)
        await dismiss_notes(pilot)
    (played,) = tmp_path.iterdir()
    header = played.read_text().splitlines()[0]
    unplayed = tmp_path / "autosave-tutorial-seed3-20261128-093000-beef.jsonl"
    unplayed.write_text(header + "\n")
    os.utime(unplayed, ns=(played.stat().st_mtime_ns + 10**9,) * 2)
    newest = peek_newest(tmp_path)
    assert newest is not None and newest[0] == save_name(played), newest
    async with make_app(saves=tmp_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        hint = str(pilot.app.screen.query_one("#continue-hint", Static).render())
        assert "after 2027 Q1" in hint and "not started" not in hint, hint
        await pilot.press("c")
        await settle(pilot)
        await dismiss_notes(pilot)
        session = pilot.app.session  # type: ignore[attr-defined]
        assert session is not None and session.turns == 1, session
    played.unlink()  # alone, the unplayed autosave still loads
    newest = peek_newest(tmp_path)
    assert newest is not None and newest[0] == save_name(unplayed), newest
