"""``capwars class export`` and ``capwars class results``: a class's leaderboard, refusals."""

from __future__ import annotations

import csv
import json
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
    (results / "broken.json").write_text('{"kind": ')
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
    assert refused["broken.json"].startswith("not JSON")
    assert merged.missing == ["Orange", "yellow"]
    for name in ("results.md", "results.html", "results.csv", "figures.csv"):
        assert (out / name).is_file()
    markdown = (out / "results.md").read_text()
    assert "`yellow.json`: seed 8" in markdown and "- Orange" in markdown
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


def test_another_game_version_or_content_is_refused(class_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    red = json.loads((class_dir / "Red.json").read_text())
    blue = json.loads((class_dir / "Blue.json").read_text())
    green = json.loads((class_dir / "Green.json").read_text())
    green["game_version"] = "9.9.9"
    blue["content_hash"] = "0" * 32
    for name, data in (("red.json", red), ("blue.json", blue), ("green.json", green)):
        (folder / name).write_text(json.dumps(data))
    (folder / "red-copy.json").write_text(json.dumps(red))
    merged = merge_results(folder)
    refused = dict(merged.refused)
    assert refused["green.json"].startswith("game version 9.9.9, but the class played version")
    assert refused["blue.json"].startswith(f"content {'0' * 32}, but the class played content")
    # Files are read in name order: "red-copy.json" sorts before "red.json".
    assert refused["red.json"] == "team 'Red' is already in red-copy.json"
    assert [r.name for r in merged.teams] == ["Red"]
    assert main(["class", "results", str(tmp_path / "nowhere")]) == 2
