"""A teacher collecting a class's games: ``capwars class export`` and ``capwars class results``
on the saves of real games (as the terminal game and ``capwars serve`` write them)."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import pytest

from game.arena.replay import read_replay
from game.classroom.results import leaderboard_rows, merge_results
from game.cli import main
from game.rules import load_content
from game.tui.session import GameSession


@pytest.fixture(scope="module")
def content():
    return load_content()


def new_game(content, name: str, scenario: str = "tutorial") -> GameSession:
    """A new game of seed 7 whose first seat's team typed ``name``."""
    seats = list(content.scenario(scenario).seats)
    seats[0] = seats[0].model_copy(update={"name": name})
    players = list(GameSession.new(content, scenario, 7).seats)
    return GameSession.create(content, scenario, 7, seats, players)


def team_game(
    content,
    folder: Path,
    name: str,
    quarters: int = 2,
    scenario: str = "tutorial",
    predict: str | None = None,
):
    """A team's game as the game saves it (with its game id): ``quarters`` ended without an
    order, as a team that only presses End quarter plays; ``predict`` answers every
    prediction question."""
    game = new_game(content, name, scenario)
    for _ in range(quarters):
        if predict is not None and game.needs_prediction() is not None:
            game.predict(predict)
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


def test_the_teacher_exports_a_whole_class_served_to_browsers_in_one_command(
    content, tmp_path: Path, capsys
) -> None:
    """``capwars serve --saves saves/class-3b`` keeps a folder per browser. Collecting them took
    a shell loop from TEACHING.md (no use on a Windows lab machine) that exported the save whose
    name sorted last, even one of a game never played; ``class export FOLDER --out DIR/`` now
    exports every game played, one result file each, named by its team."""
    served = tmp_path / "saves" / "class-3b"
    team_game(content, served / f"session-{'a' * 32}", "Red", quarters=8)
    team_game(content, served / f"session-{'b' * 32}", "Blue", quarters=3)
    team_game(content, served / f"session-{'c' * 32}", "Blue", quarters=8)  # the same name
    team_game(content, served / f"session-{'d' * 32}", "Idle", quarters=0)  # never played
    (served / f"session-{'e' * 32}").mkdir()  # a page opened, no game started
    # Before: "saves/class-3b: is a folder, not a replay file", and class results said only
    # "holds no result files".
    capsys.readouterr()
    assert main(["class", "results", str(served)]) == 2
    assert f"capwars class export {served} --out class-results/" in capsys.readouterr().err
    results = tmp_path / "class-results"
    assert main(["class", "export", str(served), "--out", f"{results}/"]) == 0
    out, err = capsys.readouterr()
    assert sorted(p.name for p in results.iterdir()) == ["blue-2.json", "blue.json", "red.json"]
    assert f"{results / 'red.json'}: Red (" in out and f"from session-{'a' * 32}/autosave-" in out
    assert "1 game unfinished" in err and "Blue (3 of 8 quarters played)" in err
    # Played on, exported again: each team's own file is replaced, nothing added.
    autosave = next((served / f"session-{'b' * 32}").iterdir())
    game = GameSession.from_save(content, read_replay(autosave, require_result=False))
    while not game.over:
        game.end_quarter()
    game.autosave(autosave.parent)
    assert main(["class", "export", str(served), "--out", f"{results}/"]) == 0
    assert "unfinished" not in capsys.readouterr().err
    assert sorted(p.name for p in results.iterdir()) == ["blue-2.json", "blue.json", "red.json"]
    merged = merge_results(results)
    assert len(merged.teams) == 3 and not merged.refused
    assert all(r.result["finished"] for r in merged.teams)
    # One browser's folder, or a folder of saves handed in, works the same way.
    one = tmp_path / "one"
    assert main(["class", "export", str(served / f"session-{'a' * 32}"), "--out", str(one)]) == 0
    assert [p.name for p in one.iterdir()] == ["red.json"]
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    assert main(["class", "export", str(nothing), "--out", str(tmp_path / "x")]) == 2
    assert "holds no game with a quarter played" in capsys.readouterr().err
    # The folder of result files given instead: they need no export.
    assert main(["class", "export", str(results), "--out", str(tmp_path / "again")]) == 2
    err = capsys.readouterr().err
    assert f"they need no export; merge them with capwars class results {results}." in err
    # A file for --out, as for one save, would have made a folder named results.json.
    assert main(["class", "export", str(served), "--out", str(tmp_path / "results.json")]) == 2
    assert "names a file, but" in capsys.readouterr().err
    assert not (tmp_path / "results.json").exists()


def test_a_result_file_cut_short_says_so(content, tmp_path: Path, capsys) -> None:
    """A result file copied before it was all written (or onto a full USB stick) was refused
    as "not JSON (line 355: Unterminated string starting at)", and its debrief said "line 1:
    not valid JSON (Expecting property name ...)": neither says what happened or what to do."""
    results = tmp_path / "class-results"
    for name in ("Red", "Blue"):
        save = team_game(content, tmp_path / name, name)
        assert main(["class", "export", str(save), "--out", f"{results}/"]) == 0
    whole = (results / "red.json").read_text()
    (results / "red.json").write_text(whole[: len(whole) // 2])
    cut = "cut short: the file stops in the middle (line "
    refused = dict(merge_results(results).refused)
    assert refused["red.json"].startswith(cut) and "copy it again" in refused["red.json"]
    (results / "red.json").write_text(whole.rstrip()[:-1])  # only the last brace missing
    assert dict(merge_results(results).refused)["red.json"].startswith(cut)
    capsys.readouterr()
    assert main(["report", str(results / "red.json"), "--out", str(tmp_path / "debrief")]) == 2
    err = capsys.readouterr().err
    assert f"{results / 'red.json'}: a class result file, but {cut}" in err


def test_a_report_of_a_folder_names_the_games_in_it(content, tmp_path: Path, capsys) -> None:
    """A teacher gives report the browser session's folder (or the class-results folder): it
    said only "is a folder, not a replay file"; it now names the games to choose from."""
    session = tmp_path / "saves" / f"session-{'a' * 32}"
    save = team_game(content, session, "Red")
    results = tmp_path / "class-results"
    assert main(["class", "export", str(save), "--out", f"{results}/"]) == 0
    capsys.readouterr()
    for folder, named in ((session, save), (session.parent, save), (results, results / "red.json")):
        assert main(["report", str(folder), "--out", str(tmp_path / "debrief")]) == 2
        err = capsys.readouterr().err
        assert f"{folder} is a folder: a debrief is of one game; give one of its" in err
        assert f"  capwars report {named} --out debrief/" in err
    assert not (tmp_path / "debrief").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty), "--out", str(tmp_path / "debrief")]) == 2
    assert "give its save (autosave-....jsonl) or its team's result" in capsys.readouterr().err


def test_a_game_with_no_quarter_played_is_not_exported(content, tmp_path: Path, capsys) -> None:
    """A save made before the first End quarter was exported as "Stranded, -900.0 $M" and
    ranked with that score (no enterprise value yet, all the opening cash counted as lost)."""
    save = team_game(content, tmp_path / "saves", "Early", quarters=0)
    out = tmp_path / "early.json"
    assert main(["class", "export", str(save), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no quarter of this game was played yet" in err and "nothing to rank" in err
    assert not out.exists()


def test_teams_with_the_same_standing_share_their_rank(content, tmp_path: Path) -> None:
    """Two teams that played alike were ranked 1 and 2 by the order of their names."""
    results = tmp_path / "class-results"
    for name, quarters in (("Red", 2), ("Blue", 2), ("Green", 3)):
        save = team_game(content, tmp_path / name, name, quarters=quarters)
        assert main(["class", "export", str(save), "--out", f"{results}/"]) == 0
    rows = leaderboard_rows(merge_results(results))
    by_team = {row["team"]: row for row in rows}
    assert by_team["Red"]["score"] == by_team["Blue"]["score"] != by_team["Green"]["score"]
    assert by_team["Red"]["rank"] == by_team["Blue"]["rank"]
    assert sorted(row["rank"] for row in rows) in ([1, 1, 3], [1, 2, 2])


def test_the_class_results_show_every_teams_predictions_against_what_happened(
    content, tmp_path: Path
) -> None:
    """The debrief asks "what did you predict at the shock?": a team's report shows only its
    own answers, and the class results none. They now list every team's answer to each
    question, what happened in its game and the verdict."""
    results = tmp_path / "class-results"
    for name, answer in (("Red", "up"), ("Blue", "down"), ("Green", None)):
        save = team_game(content, tmp_path / name, name, quarters=8, predict=answer)
        assert main(["class", "export", str(save), "--out", f"{results}/"]) == 0
    board = tmp_path / "board"
    assert main(["class", "results", str(results), "--out", str(board)]) == 0
    merged = merge_results(results)
    asked = content.scenario("tutorial").predictions
    assert [p.question for p in merged.predictions] == [q.question for q in asked]
    first = merged.predictions[0]
    answers = {team: (answer, verdict) for team, answer, _, verdict in first.answers}
    assert answers["Green"] == ("", "")
    assert answers["Red"][0] == "up" and answers["Blue"][0] == "down"
    assert {answers["Red"][1], answers["Blue"][1]} & {"right"}  # the spot price moved
    happened = first.answers[0][2]
    assert "spot price" in happened and "→" in happened
    html = (board / "results.html").read_text()
    assert "<h2>Predictions against what happened</h2>" in html
    # As the page writes it: the tutorial's question holds an apostrophe ("last quarter's").
    assert escape(f"{first.label}: {first.question}") in html
    md = (board / "results.md").read_text()
    assert md.index("## Class means") < md.index("## Predictions against what happened")
    # No team answered (lesson mode off): no empty section.
    quiet = tmp_path / "quiet"
    save = team_game(content, tmp_path / "Quiet", "Quiet", quarters=8)
    assert main(["class", "export", str(save), "--out", f"{quiet}/"]) == 0
    assert merge_results(quiet).predictions == []


def test_each_failed_export_of_a_folder_names_its_save_once(
    content, tmp_path: Path, capsys
) -> None:
    """A lesson file's games exported without --scenario: each error named the save twice
    ("session-…/autosave-….jsonl: saves/session-…/autosave-….jsonl: scenario ...")."""
    from game.rules.loader import resolve_scenario

    lesson = tmp_path / "my_lesson.toml"
    lesson.write_text(
        (Path(__file__).resolve().parents[2] / "content" / "scenarios" / "tutorial.toml")
        .read_text()
        .replace('id = "tutorial"', 'id = "my-lesson"', 1)
    )
    with_lesson, lesson_id = resolve_scenario(content, str(lesson))
    saves = tmp_path / "saves"
    save = team_game(with_lesson, saves / f"session-{'a' * 32}", "Alpha", scenario=lesson_id)
    assert main(["class", "export", str(saves), "--out", str(tmp_path / "results")]) == 1
    err = capsys.readouterr().err
    assert err.count(str(save)) == 1 and "session-" not in err.replace(str(save), "")
    assert "pass it with --scenario" in err
    out = str(tmp_path / "results")
    assert main(["class", "export", str(saves), "--out", out, "--scenario", str(lesson)]) == 0
    assert (tmp_path / "results" / "alpha.json").is_file()


def test_a_folder_export_takes_each_game_s_save_furthest_on_not_the_newest_file(
    content, tmp_path: Path, capsys
) -> None:
    """Saves handed in on a USB stick have the dates of the copy: a team's save made by hand at
    quarter 2, copied after its autosave of quarter 5, was exported as the team's result (and
    the autosave passed over as "an older save of the same game")."""
    import shutil

    handed_in = tmp_path / "handed-in"
    game = new_game(content, "Green")
    for _ in range(2):
        game.end_quarter()
    early = shutil.copy(game.autosave(handed_in), handed_in / "green-q2.jsonl")
    for _ in range(3):
        game.end_quarter()
    autosave = game.autosave(handed_in)
    os.utime(autosave, ns=(1, 1))
    os.utime(early, ns=(2, 2))
    results = tmp_path / "class-results"
    assert main(["class", "export", str(handed_in), "--out", f"{results}/"]) == 0
    out = capsys.readouterr().out
    assert [p.name for p in results.iterdir()] == ["green.json"]
    assert merge_results(results).teams[0].result["played"] == 5
    assert f"from {autosave.name}" in out


def test_a_folder_export_that_cannot_write_one_file_names_it_and_writes_the_others(
    content, tmp_path: Path, capsys
) -> None:
    """A file that could not be written stopped the whole export, saying only "cannot write
    into class-results: Is a directory" (the folder it writes into): the games after it were
    not exported, and nothing said which file was in the way."""
    saves = tmp_path / "saves"
    team_game(content, saves / f"session-{'a' * 32}", "Red")
    team_game(content, saves / f"session-{'b' * 32}", "Blue")
    results = tmp_path / "class-results"
    (results / "red.json").mkdir(parents=True)  # in the way of the first game's file
    assert main(["class", "export", str(saves), "--out", f"{results}/"]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {results / 'red.json'}: Is a directory" in err
    assert "1 of 2 games not exported (see above)" in err
    assert (results / "blue.json").is_file()


def test_a_folder_holding_an_older_copy_of_a_game_exported_before_keeps_the_result(
    content, tmp_path: Path, capsys
) -> None:
    """The class exported from the server, then the saves handed in on a USB stick, one of
    them an older copy of a game: that was an error ("pick another --out name"), whose advice
    made a second file of the same game. The result further on is kept, and that is said."""
    import shutil

    served = tmp_path / "served"
    game = new_game(content, "Green")
    for _ in range(2):
        game.end_quarter()
    handed_in = tmp_path / "handed-in"
    handed_in.mkdir()
    shutil.copy(game.autosave(served), handed_in)
    for _ in range(3):
        game.end_quarter()
    game.autosave(served)
    results = tmp_path / "class-results"
    assert main(["class", "export", str(served), "--out", f"{results}/"]) == 0
    kept = (results / "green.json").read_bytes()
    capsys.readouterr()
    assert main(["class", "export", str(handed_in), "--out", f"{results}/"]) == 0
    out, err = capsys.readouterr()
    assert "error" not in err
    assert f"{results / 'green.json'}: kept, it holds this game further on (5 quarters" in out
    assert [p.name for p in results.iterdir()] == ["green.json"]
    assert (results / "green.json").read_bytes() == kept


def test_a_folder_of_unplayed_games_says_its_saves_have_nothing_to_rank(
    content, tmp_path: Path, capsys
) -> None:
    """A server tried out before the lesson, every page left on the new-game form: the export
    said there was "no save (autosave-....jsonl)" in a folder full of them."""
    saves = tmp_path / "saves"
    team_game(content, saves / f"session-{'a' * 32}", "Red", quarters=0)
    team_game(content, saves / f"session-{'b' * 32}", "Blue", quarters=0)
    assert main(["class", "export", str(saves), "--out", str(tmp_path / "results")]) == 2
    err = capsys.readouterr().err
    assert "holds no game with a quarter played: every save in it (2 saves) is of a game" in err
    assert "no save (autosave" not in err
    assert not (tmp_path / "results").exists()


def test_commands_suggested_for_a_folder_with_a_space_can_be_copied_as_they_are(
    content, tmp_path: Path, capsys
) -> None:
    """A class folder named "class 3b": the commands the errors suggest split it in two words
    when pasted (the server's closing commands already quoted it)."""
    served = tmp_path / "class 3b"
    team_game(content, served / f"session-{'a' * 32}", "Red")
    assert main(["class", "results", str(served)]) == 2
    assert f'capwars class export "{served}" --out class-results/' in capsys.readouterr().err
    assert main(["report", str(served), "--out", str(tmp_path / "debrief")]) == 2
    assert f'  capwars report "{served}{os.sep}session-' in capsys.readouterr().err
    results = tmp_path / "results 3b"
    assert main(["class", "export", str(served), "--out", str(results)]) == 0
    capsys.readouterr()
    assert main(["class", "export", str(results), "--out", str(tmp_path / "again")]) == 2
    assert f'merge them with capwars class results "{results}".' in capsys.readouterr().err


def test_class_results_re_simulate_each_teams_save_once(
    content, tmp_path: Path, monkeypatch
) -> None:
    """Checking a result file re-simulates the save inside it; the predictions table then
    re-simulated every save a second time (a class's merge took twice as long)."""
    import game.classroom.figures as figures

    results = tmp_path / "class-results"
    for name, answer in (("Red", "up"), ("Blue", "down")):
        save = team_game(content, tmp_path / name, name, quarters=8, predict=answer)
        assert main(["class", "export", str(save), "--out", f"{results}/"]) == 0
    runs = []
    real = figures.resimulate

    def counted(replay, played_content):
        runs.append(replay)
        return real(replay, played_content)

    monkeypatch.setattr(figures, "resimulate", counted)
    merged = merge_results(results, content=content)
    assert len(runs) == 2
    assert {team for p in merged.predictions for team, *_ in p.answers} == {"Red", "Blue"}
