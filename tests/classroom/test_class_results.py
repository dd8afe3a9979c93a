"""``capwars class export`` and ``capwars class results``: a class's leaderboard, refusals."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from game.arena.match import run_match
from game.arena.replay import ReplayWriter, replay_to_state
from game.classroom.results import export_result, merge_results
from game.cli import main
from game.rules import load_content

SCENARIO, SEED = "grid-queue", 7


@pytest.fixture(scope="module")
def content():
    return load_content()


def play_team(content, folder: Path, name: str, bot: str, seed: int = SEED, scenario=SCENARIO):
    """A team's save: the team in seat 0 (recorded as a human, as the TUI does), rivals after."""
    path = folder / f"{name}.jsonl"
    n = len(content.scenario(scenario).seats)
    names = [name, *(f"Rival {i}" for i in range(1, n))]
    labels = ["human", *(["balanced"] * (n - 1))]
    bots = [bot, *(["balanced"] * (n - 1))]
    writer = ReplayWriter(path, labels=labels)
    run_match(content, scenario, seed, bots=bots, names=names, recorders=[writer])
    return path


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory, content) -> Path:
    saves = tmp_path_factory.mktemp("saves")
    results = tmp_path_factory.mktemp("results")
    for name, bot in (("Red", "balanced"), ("Blue", "idle"), ("Green", "hoarder")):
        save = play_team(content, saves, name, bot)
        assert main(["class", "export", str(save), "--out", str(results / f"{name}.json")]) == 0
    other_seed = play_team(content, saves, "Yellow", "balanced", seed=SEED + 1)
    assert main(["class", "export", str(other_seed), "--out", str(results / "yellow.json")]) == 0
    other_scenario = play_team(content, saves, "Purple", "balanced", scenario="tutorial")
    assert main(["class", "export", str(other_scenario), "--out", str(results / "p.json")]) == 0
    (results / "notes.json").write_text('{"hello": 1}')
    (results / "broken.json").write_text('{"kind": ')  # cut short
    return results


def test_export_holds_what_the_merge_needs(tmp_path: Path, content) -> None:
    save = play_team(content, tmp_path, "Red", "balanced")
    result = export_result(save, content)
    state = replay_to_state(save, content)
    assert result["scenario"] == SCENARIO and result["seed"] == SEED
    assert result["content_hash"] == state.world.content_hash
    assert result["final_hash"] == state.last_hash and result["finished"]
    [team] = result["teams"]
    assert team["name"] == "Red" and team["seat"] == 0
    assert team["figures"]["cash"] == [round(float(x), 6) for x in state.history["cash"][:, 0]]
    assert {"rank", "score", "title", "verdict", "status"} <= set(team)
    assert len(result["table"]) == 4
    json.dumps(result, allow_nan=False)
    # A bot match has no human seat: the seat must be chosen.
    bots = tmp_path / "bots.jsonl"
    run_match(content, "tutorial", 1, recorders=[ReplayWriter(bots)])
    out = tmp_path / "r.json"
    assert main(["class", "export", str(bots), "--out", str(out)]) == 2
    assert main(["class", "export", str(bots), "--out", str(out), "--seat", "1"]) == 0
    assert json.loads(out.read_text())["teams"][0]["seat"] == 1


def test_merge_ranks_the_class_and_refuses_the_others(class_dir: Path, tmp_path: Path) -> None:
    expect = tmp_path / "names.txt"
    expect.write_text("# the class\nRed\nBlue\nGreen\nOrange\n\nyellow\n")
    out = tmp_path / "merged"
    code = main(["class", "results", str(class_dir), "--out", str(out), "--expect", str(expect)])
    assert code == 1  # refusals and missing teams
    merged = merge_results(class_dir, ["Red", "Blue", "Green", "Orange", "yellow"])
    assert merged.scenario == SCENARIO and merged.seed == SEED
    assert [r.name for r in merged.teams] == sorted(
        ["Red", "Blue", "Green"], key=lambda n: -next(r.score for r in merged.teams if r.name == n)
    )
    refused = dict(merged.refused)
    assert refused["yellow.json"] == f"seed {SEED + 1}, but the class played seed {SEED}"
    assert refused["p.json"] == f"scenario 'tutorial', but the class played '{SCENARIO}'"
    assert "not a capwars class result file" in refused["notes.json"]
    assert refused["broken.json"].startswith("cut short: the file stops in the middle (line 1)")
    assert merged.missing == ["Orange", "yellow"]
    for name in ("results.md", "results.html", "results.csv", "figures.csv"):
        assert (out / name).is_file()
    markdown = (out / "results.md").read_text()
    assert "`yellow.json`: seed 8" in markdown and "- Orange" in markdown
    # The chart draws each team in the colour it is named after (Red was drawn purple).
    page = (out / "results.html").read_text()
    for name, color in (("Red", "#d62728"), ("Blue", "#1f77b4"), ("Green", "#2ca02c")):
        assert re.search(rf'stroke="{color}" stroke-width="3"/><text[^>]*>{name}<', page), name
    # Every title with what it means (the engine's words), not a list of bare names.
    assert "Stranded (paid a lot for compute and still turned customers away)" in markdown
    assert "Lean but Short (kept compute cheap, but turned customers away)" in markdown
    with (out / "results.csv").open() as handle:
        board = list(csv.DictReader(handle))
    assert [row["team"] for row in board] == [r.name for r in merged.teams]
    assert [float(row["score"]) for row in board] == sorted(
        (float(row["score"]) for row in board), reverse=True
    )
    for row in board:
        assert row["title"] in {"Capacity Strategist", "Big Spender", "Lean but Short", "Stranded"}
    with (out / "figures.csv").open() as handle:
        figures = list(csv.DictReader(handle))
    quarter0 = [row for row in figures if row["quarter"] == "0"]
    mean = next(row for row in quarter0 if row["team"] == "class mean")
    cash = [float(row["cash"]) for row in quarter0 if row["team"] != "class mean"]
    assert float(mean["cash"]) == pytest.approx(sum(cash) / len(cash))


def test_a_file_edited_after_the_export_is_refused(class_dir: Path, tmp_path: Path) -> None:
    """The result file carries its save: the merge re-simulates it and compares every figure."""
    folder = tmp_path / "c"
    folder.mkdir()
    red = json.loads((class_dir / "Red.json").read_text())
    blue = json.loads((class_dir / "Blue.json").read_text())
    green = json.loads((class_dir / "Green.json").read_text())
    orange = json.loads((class_dir / "Green.json").read_text())
    green["game_version"] = "9.9.9"
    blue["teams"][0]["score"] = 9999
    orange["teams"][0]["name"] = "Orange"
    orange["save"]["data"] = "not base64!"
    for name, data in (("red.json", red), ("blue.json", blue), ("green.json", green)):
        (folder / name).write_text(json.dumps(data))
    (folder / "orange.json").write_text(json.dumps(orange))
    (folder / "red-copy.json").write_text(json.dumps(red))
    merged = merge_results(folder)
    refused = dict(merged.refused)
    assert refused["green.json"] == (
        "edited after the export: game_version is '9.9.9' in the file, but"
        f" {red['game_version']!r} in the save it holds"
    )
    assert refused["blue.json"].startswith(
        "edited after the export: teams[0].score is 9999 in the file, but its save gives"
    )
    assert refused["orange.json"] == "its save is damaged (not base64): export it again"
    # Files are read in name order: "red-copy.json" sorts before "red.json".
    assert refused["red.json"] == "team 'Red' is already in red-copy.json"
    assert [r.name for r in merged.teams] == ["Red"]
    assert merged.teams[0].verified
    assert main(["class", "results", str(tmp_path / "nowhere")]) == 2


def test_an_old_result_file_is_refused_with_what_to_do(class_dir: Path, tmp_path: Path) -> None:
    old = json.loads((class_dir / "Red.json").read_text())
    old["format"] = 1
    del old["setup"], old["save"]
    (tmp_path / "old.json").write_text(json.dumps(old))
    [(name, reason)] = merge_results(tmp_path).refused
    assert name == "old.json"
    assert reason.startswith("exported by an older capwars (result format 1)")
    assert "capwars class export SAVE --out FILE" in reason


def write_game(
    content, path: Path, name: str, *, catch_up: bool = False, inject: str = "", labels=None
) -> Path:
    """A save of SCENARIO/SEED played step by step: ``name`` in seat 0 (a human), idle bots,
    the catch-up rule as given, ``inject`` started by a facilitator in quarter 1."""
    from game.engine.setup import new_match
    from game.engine.step import step

    n = len(content.scenario(SCENARIO).seats)
    names = [name, *(f"Rival {i}" for i in range(1, n))]
    state = new_match(content, SCENARIO, SEED, names, catch_up=catch_up)
    writer = ReplayWriter(path, labels=labels or ["human", *(["idle"] * (n - 1))])
    writer.start(state, [])
    while not state.over:
        injected = [inject] if inject and state.turn == 1 else []
        state, report = step(state, [[] for _ in range(n)], inject=injected)
        writer.quarter(report, {})
    writer.save()
    return path


def test_games_at_another_table_are_refused_saying_how(
    content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same scenario and seed, but another table: more humans, another bot, the catch-up rule,
    a facilitator's live event. Each is refused naming the difference."""
    saves, results = tmp_path / "saves", tmp_path / "results"
    saves.mkdir()
    n = len(content.scenario(SCENARIO).seats)
    games = {
        "a": write_game(content, saves / "a.jsonl", "Ants"),
        "b": write_game(content, saves / "b.jsonl", "Bees"),
        "hot": write_game(
            content, saves / "hot.jsonl", "Hot", labels=["human", "human", *["idle"] * (n - 2)]
        ),
        "hard": write_game(
            content,
            saves / "hard.jsonl",
            "Hard",
            labels=["human", "idle:hard", *["idle"] * (n - 2)],
        ),
        "catch": write_game(content, saves / "catch.jsonl", "Catch", catch_up=True),
        "live": write_game(content, saves / "live.jsonl", "Live", inject="stratus_outage"),
    }
    for key, save in games.items():
        assert main(["class", "export", str(save), "--out", str(results / f"{key}.json")]) == 0
    capsys.readouterr()
    assert main(["class", "results", str(results), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    refused = dict(
        line.removeprefix("capwars: refused ").split(": ", 1)
        for line in err.splitlines()
        if line.startswith("capwars: refused")
    )
    assert set(refused) == {"hot.json", "hard.json", "catch.json", "live.json"}
    assert refused["hot.json"].startswith("seat 1 (")
    assert "was played by a team, in the class by bot idle" in refused["hot.json"]
    assert "was played by bot idle:hard, in the class by bot idle" in refused["hard.json"]
    assert refused["catch.json"] == ("the catch-up rule was on, but the class played with it off")
    assert refused["live.json"] == (
        "facilitator events stratus_outage at turn 1, but the class had none"
        " (a live event affects only the game it was started in)"
    )


def test_more_seats_is_another_table() -> None:
    from game.classroom.results import _setup_differences

    seat = {"industry": "bank", "rival": None, "player": "human"}
    bot = {"industry": "hospital", "rival": "halden-health", "player": "hoarder:normal"}
    three = {"seats": [seat, bot, bot], "catch_up": False, "injected": []}
    four = {"seats": [seat, bot, bot, {**seat, "industry": "hospital"}], "catch_up": False}
    assert _setup_differences(four, three) == [
        "4 seats (2 human), but the class played with 3 seats (1 human)"
        " (a hot-seat game with more teams?)"
    ]
    # One team each, one company fewer: was "a hot-seat game with more teams?" too, though
    # the cause is a lesson seat without a rival, left out by the terminal game.
    two = {"seats": [seat, bot], "catch_up": False, "injected": []}
    assert _setup_differences(two, three) == [
        "2 seats (1 human), but the class played with 3 seats (1 human) (played in the"
        " terminal game and headless? The terminal game leaves out a seat without a rival that"
        " no team takes)"
    ]


def test_the_class_can_be_pinned_and_the_others_are_listed(
    class_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files on each seed: the first by name wins, a note says so and how to choose."""
    folder = tmp_path / "tie"
    folder.mkdir()
    red = json.loads((class_dir / "Red.json").read_text())
    blue = json.loads((class_dir / "Blue.json").read_text())
    yellow = json.loads((class_dir / "yellow.json").read_text())
    (folder / "red.json").write_text(json.dumps(red))
    (folder / "blue.json").write_text(json.dumps(blue))
    (folder / "a-yellow.json").write_text(json.dumps(yellow))
    assert main(["class", "results", str(folder), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert (
        f"capwars: refused a-yellow.json: seed {SEED + 1}, but the class played seed {SEED}" in err
    )
    assert "no game has the most files" not in err  # 2 files on SEED, 1 on SEED + 1
    merged = merge_results(folder)
    assert merged.seed == SEED
    assert merged.notes == [
        f"1 file (a-yellow.json) played seed {SEED + 1}, but the class played seed {SEED};"
        f" to merge those instead, run with --seed {SEED + 1}"
    ]
    pinned = merge_results(folder, seed=SEED + 1)
    assert pinned.seed == SEED + 1 and [r.name for r in pinned.teams] == ["Yellow"]
    assert dict(pinned.refused)["red.json"].startswith(
        f"seed {SEED}, but the class played seed {SEED + 1}"
    )
    (folder / "blue.json").unlink()
    tie = merge_results(folder)
    assert tie.seed == SEED + 1  # a-yellow.json is the first file by name
    assert tie.notes[0].startswith("no game has the most files (2 games have 1 file each)")
    assert "--seed N" in tie.notes[0]
    none = merge_results(folder, seed=99, scenario="tutorial")
    assert not none.teams
    assert dict(none.refused)["red.json"] == (
        f"seed {SEED}, but --seed 99 was asked; scenario {SCENARIO!r}, but --scenario tutorial"
        " was asked"
    )


def test_an_unfinished_game_is_exported_with_a_warning_and_marked(
    content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = write_game(content, tmp_path / "full.jsonl", "Early")
    lines = full.read_text().splitlines()
    save = tmp_path / "autosave.jsonl"
    save.write_text("\n".join(lines[:2]) + "\n")  # the header and quarter 0 only
    results = tmp_path / "results"
    assert main(["class", "export", str(save), "--out", str(results / "early.json")]) == 0
    err = capsys.readouterr().err
    quarters = content.scenario(SCENARIO).quarters
    assert f"warning: this game is unfinished: 1 of {quarters} quarters played" in err
    assert "export the newest save of its game (in saves/)" in err
    assert main(["class", "results", str(results), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert f"Early (unfinished: 1 of {quarters} quarters)" in out


def test_a_folder_without_result_files_is_refused_and_the_old_leaderboard_kept(
    class_dir: Path, content, tmp_path: Path, capsys
) -> None:
    # Before: an empty leaderboard, exit status 0, written over the last good one.
    board = tmp_path / "leaderboard"
    main(["class", "results", str(class_dir), "--out", str(board)])
    good = (board / "results.csv").read_text()
    assert "Red" in good
    saves = tmp_path / "saves"
    saves.mkdir()
    play_team(content, saves, "Red", "balanced")
    empty = tmp_path / "empty"
    empty.mkdir()
    capsys.readouterr()
    assert main(["class", "results", str(saves), "--out", str(board)]) == 2
    err = capsys.readouterr().err
    assert f"{saves} holds no result files (*.json), only saves (Red.jsonl)" in err
    assert f"capwars class export {saves} --out class-results/ (one file per game)" in err
    assert main(["class", "results", str(empty), "--out", str(board)]) == 2
    assert f"{empty} holds no result files (*.json): give the folder" in capsys.readouterr().err
    # A result file given instead of its folder is named as a file, not "no such folder".
    one = next(class_dir.glob("*.json"))
    assert main(["class", "results", str(one), "--out", str(board)]) == 2
    err = capsys.readouterr().err
    assert f"{one} is a file: give the folder" in err and f"class results {class_dir})" in err
    assert (board / "results.csv").read_text() == good


def test_export_never_writes_over_another_teams_result_or_a_save(
    content, tmp_path: Path, capsys
) -> None:
    # Before, two teams typing --out result.json in a shared folder left only the second one,
    # and --out naming the save itself replaced the save: both silently, exit status 0.
    red = play_team(content, tmp_path, "Red", "balanced")
    blue = play_team(content, tmp_path, "Blue", "idle")
    out = tmp_path / "result.json"
    assert main(["class", "export", str(red), "--out", str(out)]) == 0
    kept = out.read_bytes()
    capsys.readouterr()
    assert main(["class", "export", str(blue), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"capwars: error: {out} already holds the result of 'Red' (scenario")
    assert f"pick another --out name (e.g. {tmp_path / 'result-2.json'})" in err
    assert out.read_bytes() == kept
    save = red.read_bytes()
    assert main(["class", "export", str(red), "--out", str(red)]) == 2
    err = capsys.readouterr().err
    assert f"{red} exists and is not a class result file" in err
    assert f"(e.g. {tmp_path / 'Red.json'})" in err
    assert red.read_bytes() == save
    # The same team exporting its game again (it played on) replaces its own file.
    assert main(["class", "export", str(red), "--out", str(out)]) == 0


def test_a_team_exports_again_over_its_result_file_after_notepad_saved_it(
    content, tmp_path: Path, capsys
) -> None:
    # The merge reads a result file Notepad saved again (a byte-order mark added); exporting
    # the same game over it said it "is not a class result file (a save, a lesson file ...?)".
    red = play_team(content, tmp_path, "Red", "balanced")
    out = tmp_path / "red.json"
    assert main(["class", "export", str(red), "--out", str(out)]) == 0
    out.write_bytes(b"\xef\xbb\xbf" + out.read_bytes())
    capsys.readouterr()
    assert main(["class", "export", str(red), "--out", str(out)]) == 0, capsys.readouterr().err
    assert merge_results(tmp_path).teams[0].name == "Red"


def test_a_names_file_from_a_windows_editor_is_read_or_refused_clearly(
    class_dir: Path, tmp_path: Path, capsys
) -> None:
    # Before: Notepad's byte-order mark made the first team "missing" though its file was
    # there, and a file in Windows-1252 ended in a UnicodeDecodeError traceback.
    for name, data in (
        ("bom.txt", b"\xef\xbb\xbfRed\r\nBlue\r\nOrange\r\n"),
        ("utf16.txt", "Red\r\nBlue\r\nOrange\r\n".encode("utf-16")),
    ):
        (tmp_path / name).write_bytes(data)
        out = tmp_path / f"out-{name}"
        args = ["class", "results", str(class_dir), "--out", str(out)]
        assert main([*args, "--expect", str(tmp_path / name)]) == 1
        missing = [x for x in capsys.readouterr().err.splitlines() if "missing team" in x]
        assert missing == ["capwars: missing team: Orange"]
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Red\nBlue\nJosé\n".encode("cp1252"))
    out = tmp_path / "out-latin"
    args = ["class", "results", str(class_dir), "--out", str(out), "--expect", str(latin)]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(
        f"capwars: error: {latin}:3: not UTF-8 text: the list of names was saved in another"
        " encoding"
    )
    assert not out.exists()


def test_a_result_file_saved_again_with_a_byte_order_mark_is_merged(
    class_dir: Path, tmp_path: Path
) -> None:
    # A teacher who opens a result file in Notepad and saves it adds a BOM: it was refused as
    # "not JSON (line 1: Unexpected UTF-8 BOM ...)" though nothing in it changed.
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "red.json").write_bytes(b"\xef\xbb\xbf" + (class_dir / "Red.json").read_bytes())
    merged = merge_results(folder)
    assert merged.refused == [] and [t.name for t in merged.teams] == ["Red"]
    assert merged.teams[0].verified
    # ... and its debrief is written from the save it carries.
    assert main(["report", str(folder / "red.json"), "--out", str(tmp_path / "deb")]) == 0


def test_two_teams_with_one_name_are_both_ranked_and_an_earlier_export_gives_way(
    content, tmp_path: Path, capsys
) -> None:
    # Before: the second file of a name was refused as "team 'Red' is already in a.json",
    # whether it was another team that typed the same name (its result lost) or a newer
    # export of the same game (the older one, first by file name, counted).
    saves, results = tmp_path / "saves", tmp_path / "results"
    saves.mkdir()
    mine = play_team(content, saves, "Red", "balanced").rename(saves / "red.jsonl")
    theirs = play_team(content, saves, "Red", "hoarder")  # another team, the same name
    early = saves / "early.jsonl"
    early.write_text("\n".join(mine.read_text().splitlines()[:3]) + "\n")  # 2 quarters played
    for save, out in ((early, "a-red-early.json"), (mine, "b-red.json"), (theirs, "c-red.json")):
        assert main(["class", "export", str(save), "--out", str(results / out)]) == 0
    capsys.readouterr()
    merged = merge_results(results)
    assert sorted(r.file for r in merged.teams) == ["b-red.json", "c-red.json"]
    assert merged.refused == [
        (
            "a-red-early.json",
            "an earlier export of team 'Red''s game (2 quarters played); b-red.json holds the"
            f" same game further on ({content.scenario(SCENARIO).quarters} quarters), and that"
            " one counts",
        )
    ]
    assert merged.notes[-1].startswith(
        "2 teams are named 'Red' (b-red.json, c-red.json) and played different games"
    )
    assert main(["class", "results", str(results), "--out", str(tmp_path / "board")]) == 1
    board = capsys.readouterr().out
    assert "| Red (b-red.json) |" in board and "| Red (c-red.json) |" in board


def test_an_export_never_replaces_another_teams_game_of_the_same_name(
    content, tmp_path: Path, capsys
) -> None:
    # Two teams both typed "Red" and export into the class's shared folder: the second export
    # replaced the first team's result (same scenario, seed and name were taken for the same
    # game), so one team's result was lost without a word.
    saves, shared = tmp_path / "saves", tmp_path / "class-results"
    saves.mkdir()
    first = play_team(content, saves, "Red", "balanced").rename(saves / "first.jsonl")
    second = play_team(content, saves, "Red", "hoarder")
    assert main(["class", "export", str(first), "--out", f"{shared}/"]) == 0
    kept = (shared / "red.json").read_bytes()
    capsys.readouterr()
    assert main(["class", "export", str(second), "--out", f"{shared}/"]) == 2
    err = capsys.readouterr().err
    assert "already holds the result of 'Red'" in err and "another game" in err
    assert f"{shared / 'red-2.json'}" in err and "Nothing was written" in err
    assert (shared / "red.json").read_bytes() == kept
    # The same team exporting its game again (further on, or the same save twice) still
    # replaces its own earlier export.
    early = saves / "early.jsonl"
    early.write_text("\n".join(first.read_text().splitlines()[:3]) + "\n")
    again = tmp_path / "again"
    assert main(["class", "export", str(early), "--out", f"{again}/"]) == 0
    assert main(["class", "export", str(first), "--out", f"{again}/"]) == 0
    assert main(["class", "export", str(first), "--out", f"{again}/"]) == 0
    assert json.loads((again / "red.json").read_text())["finished"]
    # ... but an older save of it does not replace the export further on.
    capsys.readouterr()
    assert main(["class", "export", str(early), "--out", f"{again}/"]) == 2
    assert "further on" in capsys.readouterr().err
    assert json.loads((again / "red.json").read_text())["finished"]


def test_the_debrief_marks_a_facilitators_event_as_such(content, tmp_path: Path) -> None:
    # The price table, the chart's key and the timeline name how each event started; a live
    # one is "(facilitator)", never "(random)" or "(scripted)".
    save = write_game(content, tmp_path / "live.jsonl", "Live", inject="recession")
    out = tmp_path / "deb"
    assert main(["report", str(save), "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    title = next(e.title for e in content.events if e.id == "recession")
    assert html.count(f"{title} (facilitator)") >= 3
    assert f"{title} (random)" not in html and f"{title} (scripted)" not in html


def test_export_and_report_read_the_save_once(tmp_path: Path, content, monkeypatch) -> None:
    # Export and the debrief each read the file once: the result file's check, the re-simulation
    # and the packed copy all use the same bytes (a save changed between reads cannot differ
    # from the copy the result file carries).
    from game.classroom.report import load_debrief

    save = play_team(content, tmp_path, "Red", "balanced", scenario="tutorial")
    reads: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    result = export_result(save, content)
    assert reads.count(save) == 1
    out = tmp_path / "red.json"
    out.write_text(json.dumps(result))
    reads.clear()
    for path in (save, out):
        load_debrief(path, content)
        assert reads.count(path) == 1
