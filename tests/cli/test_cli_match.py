"""``capwars match``: standings, JSON, determinism across processes, and bad bots."""

from __future__ import annotations

import json
from pathlib import Path

from game.arena.replay import read_replay


def match_json(capwars, *args: str, env: dict[str, str] | None = None) -> dict:
    proc = capwars("match", "--scenario", "tutorial", "--json", *args, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    return json.loads(lines[0])


def test_match_json_has_the_documented_fields(capwars):
    data = match_json(capwars, "--seed", "3", "--bot", "balanced", "--bot", "random")
    assert data["scenario"] == "tutorial"
    assert data["seed"] == 3
    assert data["turns"] == 8
    assert isinstance(data["final_hash"], str) and len(data["final_hash"]) == 32
    assert sorted(p["rank"] for p in data["players"]) == [1, 2]
    for player in data["players"]:
        assert {"name", "bot", "rank", "score", "status"} <= set(player)
        assert player["status"] in {"active", "bankrupt"}
    assert {p["bot"] for p in data["players"]} == {"balanced", "random"}


def test_without_bots_every_seat_plays_balanced(capwars):
    data = match_json(capwars, "--seed", "1")
    assert [p["bot"] for p in data["players"]] == ["balanced", "balanced"]


def test_same_seed_same_hash_across_processes_and_hash_seeds(capwars):
    first = match_json(capwars, "--seed", "7", "--bot", "random", env={"PYTHONHASHSEED": "1"})
    second = match_json(capwars, "--seed", "7", "--bot", "random", env={"PYTHONHASHSEED": "987"})
    other = match_json(capwars, "--seed", "8", "--bot", "random", env={"PYTHONHASHSEED": "1"})
    assert first["final_hash"] == second["final_hash"]
    assert first == second
    assert other["final_hash"] != first["final_hash"]


def test_table_shows_standings(capwars):
    proc = capwars("match", "--scenario", "tutorial", "--seed", "2", "--bot", "idle")
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if line.startswith("rank"))
    for column in ("name", "bot", "score $M", "status", "title", "served %", "cost/kGPU"):
        assert column in header
    assert "idle" in proc.stdout and "final hash" in proc.stdout


def test_unknown_bot_spec_is_one_line_exit_2(capwars):
    proc = capwars("match", "--scenario", "tutorial", "--bot", "balancd")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip().splitlines()[0]]
    assert "unknown bot 'balancd'" in proc.stderr and "did you mean 'balanced'" in proc.stderr


def test_too_many_bots_and_unknown_scenario(capwars):
    proc = capwars("match", "--scenario", "tutorial", *["--bot", "idle"] * 3)
    assert proc.returncode == 2 and "2 seats" in proc.stderr and "Traceback" not in proc.stderr
    proc = capwars("match", "--scenario", "tutorail")
    assert proc.returncode == 2 and "did you mean 'tutorial'" in proc.stderr


def test_bot_file_that_does_not_import(capwars, tmp_path: Path):
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n")
    proc = capwars("match", "--scenario", "tutorial", "--bot", "broken.py")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "broken.py failed to import" in proc.stderr
    assert "not_a_module_anywhere" in proc.stderr


def test_bot_that_raises_in_act_holds_and_is_recorded(capwars, tmp_path: Path):
    (tmp_path / "flaky.py").write_text(
        "from game.agents import Bot\n"
        "class Flaky(Bot):\n"
        "    def act(self, observation):\n"
        "        raise ValueError('no idea what to do')\n"
    )
    proc = capwars(
        "match",
        "--scenario",
        "tutorial",
        "--seed",
        "4",
        "--bot",
        "flaky.py:Flaky",
        "--replay",
        "flaky.jsonl.gz",
    )
    assert proc.returncode == 0, proc.stderr
    assert "ValueError: no idea what to do" in proc.stdout
    replay = read_replay(tmp_path / "flaky.jsonl.gz")
    assert replay.bots == ("flaky.py:Flaky", "balanced")
    assert all("no idea what to do" in q.bot_failures[0] for q in replay.quarters)
    assert capwars("replay", "verify", "flaky.jsonl.gz").returncode == 0


def test_an_in_process_bot_printing_does_not_corrupt_json(capwars, tmp_path: Path):
    # A bot that prints at import and every turn: stdout must stay one JSON object, and the
    # prints are not lost (they go to stderr, like a hosted bot's log).
    (tmp_path / "chatty.py").write_text(
        "from game.agents import Bot\n"
        "print('loading chatty')\n"
        "class Chatty(Bot):\n"
        "    def act(self, observation):\n"
        "        print('thinking about turn', observation.turn)\n"
        "        return []\n"
    )
    proc = capwars("match", "--scenario", "tutorial", "--json", "--bot", "chatty.py:Chatty")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {p["seat"]: p["bot"] for p in data["players"]}[0] == "chatty.py:Chatty"
    assert "loading chatty" in proc.stderr and "thinking about turn 7" in proc.stderr


def test_the_table_folds_repeated_failures_and_counts_rejections(capwars, tmp_path: Path):
    (tmp_path / "typo.py").write_text(
        "from game.agents import Bot\n"
        "from game.engine.actions import BidSpot\n"
        "class Typo(Bot):\n"
        "    def act(self, observation):\n"
        "        return [BidSpot(provider='stratus', qty=3, max_price=9)]\n"
    )
    (tmp_path / "wrong.py").write_text(
        "from game.agents import Bot\n"
        "class Wrong(Bot):\n"
        "    def act(self, observation):\n"
        "        return [{'type': 'bid_spot', 'provider': 'amazon', 'quantity': 2,"
        " 'max_price': 3}]\n"
    )
    proc = capwars("match", "--scenario", "tutorial", "--bot", "typo.py", "--bot", "wrong.py")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # One line for eight identical failures, naming the misspelt field and the author's line.
    failures = [line for line in out.splitlines() if "(typo.py)" in line]
    assert len(failures) == 1 and "quarters 0-7" in failures[0], out
    assert "qty: Extra inputs are not permitted" in failures[0]
    assert failures[0].rstrip().endswith("typo.py:5)")
    assert "wrong.py): 8 rejected: unknown_provider ×8" in out


def test_rivals_fills_the_remaining_seats_with_the_scenarios_own_rivals(capwars):
    from game.agents.registry import rival_spec
    from game.rules.loader import load_content

    content = load_content()
    seats = content.scenario("standard").seats
    expected = ["idle"] + [rival_spec(content, seat.rival) for seat in seats[1:]]
    assert any(spec != "balanced" for spec in expected[1:])  # standard names real rivals
    proc = capwars(
        "match", "--scenario", "standard", "--seed", "2", "--bot", "idle", "--rivals", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    bots = {p["seat"]: p["bot"] for p in json.loads(proc.stdout)["players"]}
    assert [bots[seat] for seat in range(len(seats))] == expected


def test_an_unwritable_output_is_one_line_before_anything_is_played(capwars, tmp_path: Path):
    # These used to play the whole match or tournament, then end in a traceback.
    (tmp_path / "afile").write_text("x")
    (tmp_path / "folder").mkdir()
    run = ("tournament", "run", "idle", "balanced", "--scenario", "tutorial")
    cases = [
        (("match", "--scenario", "tutorial", "--replay", "afile/m.jsonl"), "cannot write --replay"),
        (("match", "--scenario", "tutorial", "--replay", "folder"), "--replay folder is a folder"),
        (
            (*run, "--out", "afile"),
            "--out afile is a file, not a folder",
        ),
        (
            (*run, "--out", "t", "--csv", "afile/x.csv"),
            "cannot write --csv afile/x.csv",
        ),
        (
            (*run, "--out", "t", "--json", "folder"),
            "--json folder is a folder: give a file path, such as folder/leaderboard.json",
        ),
    ]
    for args, message in cases:
        proc = capwars(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.strip() == f"capwars: error: {message}" or (
            proc.stderr.startswith(f"capwars: error: {message}")
            and len(proc.stderr.strip().splitlines()) == 1
        ), proc.stderr
        assert proc.stdout == ""
    assert not (tmp_path / "t").exists()  # nothing was played


def test_a_refused_command_leaves_no_output_folder_behind(capwars, tmp_path: Path):
    # The output was checked (and its folder made) before the bots: a bad --bot left an empty
    # folder, which the next run's --out then had to live with.
    cases = [
        ("match", "--scenario", "tutorial", "--bot", "nosuchbot", "--replay", "new/m.jsonl"),
        ("tournament", "run", "nosuchbot", "balanced", "--scenario", "tutorial", "--out", "new/t"),
        ("tournament", "run", "idle", "idle", "--scenario", "nosuch", "--out", "new/t"),
    ]
    for args in cases:
        proc = capwars(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("capwars: error: "), proc.stderr
        assert not (tmp_path / "new").exists(), args
    # The folders are made when the run starts.
    proc = capwars("match", "--scenario", "tutorial", "--replay", "new/deep/m.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert read_replay(tmp_path / "new" / "deep" / "m.jsonl").quarters
    run = ("tournament", "run", "idle", "balanced", "--scenario", "tutorial", "--jobs", "1")
    proc = capwars(*run, "--out", "new/t", "--csv", "new/c/board.csv")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "new" / "t" / "results.jsonl").is_file()
    assert (tmp_path / "new" / "c" / "board.csv").is_file()


def test_a_bot_file_calling_sdk_run_at_import_is_told_to_guard_it(capwars, tmp_path: Path):
    # game.sdk.run() recognises an in-process import by the module name game.agents.registry
    # gives a bot file (registry.IN_PROCESS_MODULE_PREFIX); without it run() serves capwars'
    # own stdin and the match hangs without a word.
    (tmp_path / "top.py").write_text(
        "from game.agents import Bot\nfrom game.sdk import run\n\n"
        "class Quiet(Bot):\n    def act(self, observation):\n        return []\n\nrun(Quiet)\n"
    )
    proc = capwars("match", "--scenario", "tutorial", "--bot", "top.py", timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("capwars: error: top.py failed to import: RuntimeError:")
    assert 'put it under `if __name__ == "__main__":`' in proc.stderr
