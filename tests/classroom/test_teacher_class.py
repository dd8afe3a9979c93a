"""A teacher collecting a class's games: ``capwars class export`` and ``capwars class results``
on the saves of real games (as the terminal game and ``capwars serve`` write them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.classroom.results import merge_results
from game.cli import main
from game.rules import load_content
from game.tui.session import GameSession


@pytest.fixture(scope="module")
def content():
    return load_content()


def team_game(content, folder: Path, name: str, quarters: int = 2, scenario: str = "tutorial"):
    """A team's game as the game saves it (with its game id): ``quarters`` ended without an
    order, as a team that only presses End quarter plays."""
    seats = list(content.scenario(scenario).seats)
    seats[0] = seats[0].model_copy(update={"name": name})
    players = list(GameSession.new(content, scenario, 7).seats)
    game = GameSession.create(content, scenario, 7, seats, players)
    for _ in range(quarters):
        game.end_quarter()
    folder.mkdir(parents=True, exist_ok=True)
    return game.autosave(folder)


def test_two_teams_of_one_name_that_played_alike_are_two_teams(
    content, tmp_path: Path, capsys
) -> None:
    """Two browsers (or lab machines) whose teams both typed "Blue" and both only ended their
    quarters play the same figures: the second export replaced the first team's result in the
    shared folder, and the leaderboard refused one as a copy ("already in"). The games' ids
    tell them apart."""
    first = team_game(content, tmp_path / "session-1", "Blue")
    second = team_game(content, tmp_path / "session-2", "Blue")
    shared = tmp_path / "class-results"
    assert main(["class", "export", str(first), "--out", f"{shared}/"]) == 0
    kept = (shared / "blue.json").read_bytes()
    capsys.readouterr()
    assert main(["class", "export", str(second), "--out", f"{shared}/"]) == 2
    err = capsys.readouterr().err
    assert "another game (another team that typed the same name?)" in err
    assert (shared / "blue.json").read_bytes() == kept
    assert main(["class", "export", str(second), "--out", str(shared / "blue-2.json")]) == 0
    merged = merge_results(shared)
    assert sorted(r.file for r in merged.teams) == ["blue-2.json", "blue.json"]
    assert merged.refused == []
    # The same game exported twice is still one team, and its earlier export gives way.
    again = shared / "again.json"
    assert main(["class", "export", str(first), "--out", str(again)]) == 0
    assert merge_results(shared).refused == [("blue.json", "team 'Blue' is already in again.json")]
