"""``class results --expect``: a name in the list matches its team whatever its spacing."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.arena.match import run_match
from game.arena.replay import ReplayWriter
from game.cli import main
from game.rules import load_content

SCENARIO, SEED = "tutorial", 5


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory) -> Path:
    content = load_content()
    saves = tmp_path_factory.mktemp("saves")
    results = tmp_path_factory.mktemp("results")
    n = len(content.scenario(SCENARIO).seats)
    for index, name in enumerate(("Blue Team", "Gold  Rush", "Red")):
        save = saves / f"{index}.jsonl"
        names = [name, *(f"Rival {i}" for i in range(1, n))]
        writer = ReplayWriter(save, labels=["human", *(["balanced"] * (n - 1))])
        run_match(content, SCENARIO, SEED, names=names, recorders=[writer])
        assert main(["class", "export", str(save), "--out", str(results / f"{index}.json")]) == 0
    return results


def test_expected_names_match_their_teams_whatever_their_spacing(
    class_dir: Path, tmp_path: Path, capsys
) -> None:
    """A teacher's list with "Blue  Team" (two spaces, as typed) reported the team Blue Team
    missing, and so did a team that typed "Gold  Rush" in the game, listed as "Gold Rush"."""
    expect = tmp_path / "names.txt"
    expect.write_text("Blue  Team\nGold Rush \nred\nRed\nGreen\n")
    out = tmp_path / "board"
    capsys.readouterr()
    code = main(["class", "results", str(class_dir), "--out", str(out), "--expect", str(expect)])
    err = capsys.readouterr().err
    assert code == 1  # Green is missing
    assert [line for line in err.splitlines() if "missing team" in line] == [
        "capwars: missing team: Green"
    ]
    # Which expected name was taken for which team, where they are written differently.
    assert 'expected team "Blue  Team" is the team "Blue Team"' in err
    assert 'expected team "Gold Rush" is the team "Gold  Rush"' in err
    assert 'expected team "red" is the team "Red"' in err
    assert 'expected team "Red"' not in err  # written as the team is: nothing to say
    assert 'expected team "Blue  Team" is the team "Blue Team"' in (out / "results.md").read_text()


def test_a_non_breaking_space_pasted_from_a_document_matches_too(class_dir: Path) -> None:
    from game.classroom.results import merge_results

    merged = merge_results(class_dir, ["Blue\u00a0Team", " Red", "Gold Rush"])
    assert merged.missing == []
    assert any('"Blue<non-breaking space>Team" is the team "Blue Team"' in n for n in merged.notes)


def test_two_real_teams_that_differ_only_by_spacing_are_never_taken_for_one(
    tmp_path_factory,
) -> None:
    """With teams "Gold Rush" and "Gold  Rush" both in the class, a list naming "Gold Rush"
    exactly was told it "is the team "Gold  Rush"", and "gold rush" was quietly taken for
    whichever of the two came first in the standings."""
    from game.classroom.results import merge_results

    content = load_content()
    saves = tmp_path_factory.mktemp("twins")
    results = tmp_path_factory.mktemp("twin-results")
    n = len(content.scenario(SCENARIO).seats)
    for index, name in enumerate(("Gold Rush", "Gold  Rush")):
        save = saves / f"{index}.jsonl"
        writer = ReplayWriter(save, labels=["human", *(["balanced"] * (n - 1))])
        names = [name, *(f"Rival {i}" for i in range(1, n))]
        run_match(content, SCENARIO, SEED, names=names, recorders=[writer])
        assert main(["class", "export", str(save), "--out", str(results / f"{index}.json")]) == 0

    def expected_notes(expect: list[str]) -> list[str]:
        merged = merge_results(results, expect)
        assert merged.missing == []
        return [note for note in merged.notes if note.startswith("expected team")]

    # Each written exactly as a team: that team, nothing to say.
    assert expected_notes(["Gold Rush"]) == []
    assert expected_notes(["Gold  Rush", "Gold Rush"]) == []
    # Written as neither: both named, neither chosen.
    (note,) = expected_notes(["gold rush"])
    assert 'expected team "gold rush" could be any of 2 teams whose names differ only' in note
    assert '"Gold  Rush", "Gold Rush"; in the list, write each of them exactly' in note
    # The page collapses spaces, so it showed two teams "Gold Rush" alike: each is shown with
    # its file, as two teams of one name are.
    board = tmp_path_factory.mktemp("twin-board")
    assert main(["class", "results", str(results), "--out", str(board)]) == 0
    html = (board / "results.html").read_text()
    assert "<td>Gold  Rush (1.json)</td>" in html and "<td>Gold Rush (0.json)</td>" in html
    assert ">Gold Rush (0.json)</tspan>" in html or ">Gold Rush (0.json)<title>" in html
    assert "named alike, but for capitals or spaces (&quot;Gold Rush&quot; in 0.json" in html
