"""Tournaments: schedules, match ids, durable resumable results, parallel runs, the leaderboard."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from game.arena.bench_tournament import format_tournament_bench, run_tournament_bench
from game.arena.leaderboard import build_leaderboard, format_leaderboard, pairwise_matrix
from game.arena.progress import Progress
from game.arena.ratings import rate_matches, wilson_interval
from game.arena.results import RESULTS_NAME, ResultsError, read_results
from game.arena.schedule import gauntlet, match_id, rotations, round_robin
from game.arena.tournament import (
    DESIGN_NAME,
    TournamentConfig,
    TournamentError,
    leaderboard_of,
    main,
    plan_line,
    run_tournament,
)

ROOT = Path(__file__).resolve().parents[2]
BOTS = ("idle", "random", "balanced")
CONFIG = TournamentConfig(bots=BOTS, scenario="tutorial", seeds=2, base_seed=5)
"""3 pairs x 2 rotations x 2 seeds = 12 tutorial matches (about 10 ms each)."""


def lines(directory: Path) -> list[str]:
    return (directory / RESULTS_NAME).read_text().splitlines()


def by_id(directory: Path) -> dict[str, str]:
    """Each match id's line, as written."""
    return {json.loads(line)["match_id"]: line for line in lines(directory)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole tournament, played inline without interruption."""
    directory = tmp_path_factory.mktemp("reference")
    summary = run_tournament(CONFIG, directory, jobs=1)
    assert summary.played == summary.scheduled == 12
    return directory


# --- schedules and ids -----------------------------------------------------------------------


def test_round_robin_plays_every_group_in_every_rotation_on_every_seed():
    tasks = round_robin(["a", "b", "c", "d"], seats=3, scenario="s", seeds=[1, 2])
    assert len(tasks) == 4 * 3 * 2  # C(4,3) groups x 3 rotations x 2 seeds
    for seed in (1, 2):
        orders = {t.bots for t in tasks if t.seed == seed}
        for group in [("a", "b", "c"), ("a", "b", "d"), ("a", "c", "d"), ("b", "c", "d")]:
            assert set(rotations(group)) <= orders
    seats = Counter((t.bots[seat], seat) for t in tasks for seat in range(3))
    assert set(seats.values()) == {6}  # every bot in every seat equally often


def test_round_robin_with_fewer_bots_than_seats_fills_the_table_with_filler_seats():
    tasks = round_robin(["a", "b"], seats=4, scenario="s", seeds=[0])
    f = "filler:balanced"
    assert [t.bots for t in tasks] == [
        ("a", "b", f, f),
        ("b", f, f, "a"),
        (f, f, "a", "b"),
        (f, "a", "b", f),
    ]
    tasks = round_robin(["a", "b"], seats=3, scenario="s", seeds=[0], filler="idle")
    assert {b for t in tasks for b in t.bots} == {"a", "b", "filler:idle"}


def test_gauntlet_seats_the_challenger_in_every_seat_against_every_group():
    tasks = gauntlet("x", ["a", "b", "c", "x"], seats=2, scenario="s", seeds=[0, 1])
    assert len(tasks) == 3 * 2 * 2
    assert all("x" in t.bots for t in tasks)
    assert {(t.bots.index("x"), t.seed) for t in tasks} == {(0, 0), (1, 0), (0, 1), (1, 1)}
    assert {b for t in tasks for b in t.bots} == {"x", "a", "b", "c"}


def test_a_round_robin_needs_two_different_bots():
    with pytest.raises(ValueError, match="two different bots"):
        round_robin(["a", "a"], seats=2, scenario="s", seeds=[0])


def test_match_ids_depend_on_scenario_seed_and_seat_order_only():
    base = match_id("tutorial", 1, ["idle", "random"])
    assert base == match_id("tutorial", 1, ("idle", "random"))
    assert len(base) == 16 and int(base, 16) >= 0
    others = {
        match_id("tutorial", 1, ["random", "idle"]),
        match_id("tutorial", 2, ["idle", "random"]),
        match_id("standard", 1, ["idle", "random"]),
        match_id("tutorial", 1, ["idle", "balanced"]),
    }
    assert base not in others and len(others) == 4


def test_match_ids_are_the_same_in_another_process_with_another_hash_seed():
    code = (
        "from game.arena.schedule import match_id as m; print(m('tutorial', 1, ['idle', 'random']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == match_id("tutorial", 1, ["idle", "random"])


# --- results, resume, parallelism -------------------------------------------------------------


def test_every_finished_match_is_one_complete_record(reference: Path):
    records = read_results(reference)
    assert len(records) == 12 and len({r["match_id"] for r in records}) == 12
    record = records[0]
    assert record["scenario"] == "tutorial" and record["seed"] in (5, 6)
    assert sorted(record["ranks"]) == [1, 2] and len(record["scores"]) == 2
    assert record["statuses"] == ["active", "active"] and record["failures"] == []
    assert len(record["final_hash"]) > 8 and record["turns"] == 8
    assert record["match_id"] == match_id(record["scenario"], record["seed"], record["bots"])


def test_a_killed_run_resumes_without_replaying_and_ends_identical(reference: Path, tmp_path: Path):
    first = run_tournament(CONFIG, tmp_path, jobs=1, limit=5)
    assert first.played == 5
    # The kill landed in the middle of writing the sixth line.
    missing = next(line for i, line in by_id(reference).items() if i not in by_id(tmp_path))
    with (tmp_path / RESULTS_NAME).open("a") as handle:
        handle.write(missing[: len(missing) // 2])
    assert len(read_results(tmp_path)) == 5  # a reader ignores the cut line

    second = run_tournament(CONFIG, tmp_path, jobs=1)
    assert second.repaired_bytes == len(missing) // 2
    assert (second.already_done, second.played) == (5, 7)
    ids = [json.loads(line)["match_id"] for line in lines(tmp_path)]
    assert len(ids) == len(set(ids)) == 12
    assert by_id(tmp_path) == by_id(reference)
    assert leaderboard_of(tmp_path).to_json() == leaderboard_of(reference).to_json()

    third = run_tournament(CONFIG, tmp_path, jobs=1)
    assert third.played == 0 and len(lines(tmp_path)) == 12


def test_two_workers_give_the_same_results_and_ratings_as_one(reference: Path, tmp_path: Path):
    summary = run_tournament(CONFIG, tmp_path, jobs=2)
    assert summary.played == 12
    assert by_id(tmp_path) == by_id(reference)
    assert summary.leaderboard.to_json() == leaderboard_of(reference).to_json()


def test_ratings_do_not_depend_on_the_order_records_arrive_in(reference: Path):
    records = read_results(reference)
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    assert rate_matches(shuffled) == rate_matches(records)
    assert build_leaderboard(shuffled).to_json() == build_leaderboard(records).to_json()


def test_a_damaged_line_in_the_middle_is_named_by_file_and_line(reference: Path, tmp_path: Path):
    text = lines(reference)
    text[3] = text[3][:20]
    (tmp_path / RESULTS_NAME).write_text("\n".join(text) + "\n")
    with pytest.raises(ResultsError, match=rf"{RESULTS_NAME}:4: not a JSON object"):
        read_results(tmp_path)


def test_a_bad_bot_spec_stops_the_tournament_before_any_match(tmp_path: Path):
    config = TournamentConfig(bots=("idle", "balanc"), scenario="tutorial")
    with pytest.raises(TournamentError, match="did you mean 'balanced'"):
        run_tournament(config, tmp_path)
    assert not (tmp_path / RESULTS_NAME).exists()


def test_results_played_with_other_content_are_refused(reference: Path, tmp_path: Path):
    record = json.loads(lines(reference)[0])
    record["content_hash"] = "0" * 32
    (tmp_path / RESULTS_NAME).write_text(json.dumps(record) + "\n")
    with pytest.raises(TournamentError, match="other content"):
        run_tournament(CONFIG, tmp_path)


# --- the leaderboard --------------------------------------------------------------------------


def test_wilson_interval_known_values():
    assert wilson_interval(5, 10) == pytest.approx((0.236593, 0.763407), abs=1e-6)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)
    assert wilson_interval(10, 10) == pytest.approx((0.722467, 1.0), abs=1e-6)
    # The roots of (p̂ − p)² = z²·p(1 − p)/n for 81 wins in 263 games.
    assert wilson_interval(81, 263) == pytest.approx((0.255289, 0.366210), abs=1e-6)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def record(bots: list[str], ranks: list[int], key: str, statuses: list[str] | None = None):
    return {
        "match_id": key,
        "scenario": "s",
        "seed": 0,
        "bots": bots,
        "ranks": ranks,
        "statuses": statuses or ["active"] * len(bots),
        "failures": [],
    }


def test_pairwise_matrix_counts_finishing_above_per_meeting():
    records = [
        record(["a", "b"], [1, 2], "1"),
        record(["b", "a"], [2, 1], "2"),
        record(["a", "b"], [2, 1], "3"),
        record(["a", "c", "b"], [3, 1, 2], "4"),
    ]
    share, meetings = pairwise_matrix(records)
    assert meetings["a"]["b"] == meetings["b"]["a"] == 4
    assert share["a"]["b"] == pytest.approx(2 / 4) and share["b"]["a"] == pytest.approx(2 / 4)
    assert share["c"]["a"] == 1.0 and share["a"]["c"] == 0.0
    assert share["c"]["b"] == 1.0 and meetings["c"]["b"] == 1
    assert share["a"]["a"] is None and meetings["a"]["a"] == 0


def test_leaderboard_rows_win_rates_ranks_and_bankruptcies():
    records = [
        record(["a", "b"], [1, 2], "1", ["active", "bankrupt"]),
        record(["b", "a"], [2, 1], "2"),
        record(["a", "b"], [1, 2], "3"),
        record(["c", "a"], [1, 2], "4"),
    ]
    board = build_leaderboard(records)
    rows = {r.bot: r for r in board.rows}
    assert board.rows[0].bot == "a" and board.matches == 4
    assert (rows["a"].games, rows["a"].wins, rows["a"].mean_rank) == (4, 3, 1.25)
    assert (rows["a"].win_low, rows["a"].win_high) == pytest.approx(wilson_interval(3, 4))
    assert rows["b"].bankruptcy_rate == pytest.approx(1 / 3)
    assert rows["a"].mu > rows["b"].mu
    assert board.pairwise["a"]["c"] == 0.0 and board.pairwise["b"]["c"] is None
    text = format_leaderboard(board)
    assert "win rate (95% CI)" in text and "Pairwise" in text and "75.0%" in text


def test_the_leaderboard_says_per_bot_how_it_failed_with_a_first_example():
    failing = [
        record(["ok", "loop"], [1, 2], "1"),
        record(["loop", "ok"], [2, 1], "2"),
        record(["ok", "raiser"], [2, 1], "3"),
    ]
    failing[0]["failures"] = [{"turn": 3, "seat": 1, "error": "timeout: no answer to turn 3"}]
    failing[1]["failures"] = [{"turn": -1, "seat": 0, "error": "error: exited with code 1"}]
    failing[2]["failures"] = [
        {"turn": 5, "seat": 1, "error": "ZeroDivisionError: oops (bot.py:7)"},
        {"turn": 6, "seat": 1, "error": "ZeroDivisionError: oops (bot.py:7)"},
    ]
    board = build_leaderboard(failing)
    summary = {f.bot: f for f in board.failures}
    assert set(summary) == {"loop", "raiser"}  # "ok" never failed
    assert summary["loop"].failed_matches == 2 and summary["loop"].games == 2
    assert dict(summary["loop"].kinds) == {"timeout": 1, "error": 1}
    assert summary["raiser"].kinds == (("ZeroDivisionError", 2),)
    assert summary["raiser"].example == "turn 5: ZeroDivisionError: oops (bot.py:7)"
    text = format_leaderboard(board)
    assert "Failures by bot" in text and "loop" in text and "e.g. setup: error: exited" in text
    # What the columns mean is said under the table, for a teacher who has not read BOTS.md.
    assert "rating = mu − 3·sigma (OpenSkill)" in text and "intervals (95%, Wilson)" in text
    assert "capwars validate" in text
    assert board.to_json()["failures"][0]["kinds"]


def test_a_failure_a_cmd_bot_reported_itself_is_classed_by_what_it_says():
    # The SDK's caught exception and its not-a-list report were all "failure" before.
    from game.arena import leaderboard, match

    assert leaderboard.REPORTED == match.REPORTED
    failing = [record(["ok", "sdk"], [1, 2], "1"), record(["sdk", "ok"], [2, 1], "2")]
    failing[0]["failures"] = [
        {"turn": 2, "seat": 1, "error": f"{match.REPORTED}KeyError: 'cash' (bot.py:5)"},
        {"turn": 3, "seat": 1, "error": f"{match.REPORTED}act() returned dict, not a list"},
    ]
    failing[1]["failures"] = [
        {"turn": 2, "seat": 0, "error": f"{match.REPORTED}KeyError: 'cash' (bot.py:5)"},
        {"turn": 4, "seat": 0, "error": f"{match.REPORTED}my model file is missing"},
    ]
    [summary] = build_leaderboard(failing).failures
    assert dict(summary.kinds) == {"KeyError": 2, "bad return": 1, "failure": 1}


def test_a_bot_whose_actions_are_all_malformed_is_named_though_it_never_failed(tmp_path: Path):
    junk = tmp_path / "junk_bot.py"
    junk.write_text(
        "from game.agents import Bot\n\n"
        "class Junk(Bot):\n"
        "    def act(self, observation):\n"
        "        return [{'type': 'buy', 'what': 'gpus'}, 'reserve 5']\n"
    )
    config = TournamentConfig(bots=(str(junk), "idle"), scenario="tutorial")
    summary = run_tournament(config, tmp_path / "out")
    assert [r["malformed"] for r in read_results(tmp_path / "out")] in (
        [[16, 0], [0, 16]],
        [[0, 16], [16, 0]],
    )
    failures = {f.bot: f for f in summary.leaderboard.failures}
    assert failures[str(junk)].malformed == 32 and failures[str(junk)].failed_matches == 0
    text = format_leaderboard(summary.leaderboard)
    assert "malformed actions ×32 (dropped" in text and "capwars validate" in text


def test_a_class_sized_pairwise_matrix_is_left_to_the_exports():
    names = [f"cmd:python students/bot_{i:02d}.py" for i in range(30)]
    records = [
        record([a, b], [1, 2], f"{a}-{b}") for i, a in enumerate(names) for b in names[i + 1 :]
    ]
    text = format_leaderboard(build_leaderboard(records))
    assert max(len(line) for line in text.splitlines()) <= 160
    assert "Pairwise matrix (30 × 30" in text and "--csv PATH" in text
    small = format_leaderboard(build_leaderboard(records[:3]))
    assert "Pairwise: share of meetings" in small


def test_a_bot_in_two_seats_is_rated_once_per_match():
    ratings = rate_matches([record(["a", "b", "a", "b"], [1, 2, 3, 4], "1")])
    assert set(ratings) == {"a", "b"} and ratings["a"].mu > ratings["b"].mu


def test_cli_exports_csv_and_json_and_recomputes_the_leaderboard(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out_csv, out_json = tmp_path / "board.csv", tmp_path / "board.json"
    status = main(
        [
            "tournament",
            "leaderboard",
            str(reference),
            "--csv",
            str(out_csv),
            "--json",
            str(out_json),
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "12 matches" in printed and "balanced" in printed
    data = json.loads(out_json.read_text())
    assert data == leaderboard_of(reference).to_json()
    assert data["rows"][0]["bot"] == "balanced"
    table, matrix = out_csv.read_text().split("\n\n")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["bot"] for r in rows] == [r["bot"] for r in data["rows"]]
    assert int(rows[0]["games"]) == 8 and float(rows[0]["win_low"]) <= float(rows[0]["win_rate"])
    grid = list(csv.reader(io.StringIO(matrix)))
    assert grid[0][1:] == [r["bot"] for r in data["rows"]] and grid[1][1] == ""


def test_cli_runs_a_tournament_and_resumes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    args = ["tournament", "run", "idle", "balanced", "--scenario", "tutorial", "--games", "2"]
    args += ["--jobs", "1", "--out", str(tmp_path), "--quiet"]
    assert main(args) == 0
    assert "4 matches" in capsys.readouterr().out and len(lines(tmp_path)) == 4
    assert main(args) == 0
    assert len(lines(tmp_path)) == 4


def test_cli_reports_user_errors_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["tournament", "run", "idle", "nope", "--out", str(tmp_path), "-q"]) == 2
    assert "unknown bot 'nope'" in capsys.readouterr().err
    assert main(["tournament", "leaderboard", str(tmp_path / "missing")]) == 2
    assert f"no tournament folder or results file {tmp_path / 'missing'}" in (
        capsys.readouterr().err
    )
    (tmp_path / "empty").mkdir()
    assert main(["tournament", "leaderboard", str(tmp_path / "empty")]) == 2
    assert "no tournament has finished a match in" in capsys.readouterr().err


# --- progress and the benchmark ---------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only_and_never_when_quiet():
    for stream, quiet, drawn in ((Terminal(), False, True), (io.StringIO(), False, False)):
        with Progress(4, stream=stream, quiet=quiet) as progress:
            for _ in range(4):
                progress.advance()
        assert bool(stream.getvalue()) is drawn
    quiet = Terminal()
    with Progress(4, stream=quiet, quiet=True) as progress:
        progress.advance()
    assert quiet.getvalue() == ""
    line = Progress(10, stream=io.StringIO())
    line.advance(5)
    assert "5/10 matches" in line.line() and "eta" in line.line()


def test_a_resumed_run_s_bar_shows_the_whole_tournament_and_this_run_s_pace():
    # 600 of 800 done before: the bar starts at 600/800, and the rate counts only new matches
    # (counting the old ones made the eta of a resumed run far too short).
    bar = Progress(800, stream=io.StringIO(), done=600)
    bar._start -= 10.0  # this run has been going 10 s ...
    bar.advance(20)  # ... and finished 20 matches: 2/s, 180 to go
    line = bar.line()
    assert "620/800 matches" in line and "2.0/s" in line and "eta 1m30s" in line


def test_a_resumed_tournament_counts_from_what_is_done(tmp_path: Path):
    config = TournamentConfig(bots=("idle", "random"), scenario="tutorial", seeds=2)
    run_tournament(config, tmp_path, limit=2)
    stream = Terminal()
    run_tournament(config, tmp_path, quiet=False, stream=stream)
    assert "4/4 matches" in stream.getvalue() and "/2 matches" not in stream.getvalue()


def test_matches_are_played_in_a_fixed_shuffle_so_a_slow_bot_s_matches_are_spread_out(
    tmp_path: Path,
):
    config = TournamentConfig(bots=("idle", "random", "balanced", "hoarder"), scenario="tutorial")
    played: list[str] = []
    run_tournament(config, tmp_path, on_record=lambda r: played.append(r["match_id"]))
    assert played == sorted(played) and len(played) == 12
    # In schedule order "idle"'s six matches came first, one after another.
    first_six = [r for r in read_results(tmp_path) if r["match_id"] in played[:6]]
    assert sum("idle" in r["bots"] for r in first_six) < 6


def test_a_run_says_what_it_is_about_to_play_before_the_first_match(tmp_path: Path):
    stream = io.StringIO()
    config = TournamentConfig(bots=("idle", "random"), scenario="tutorial", seeds=2)
    run_tournament(config, tmp_path, limit=1, quiet=False, stream=stream)
    assert stream.getvalue().splitlines()[0] == (
        "round robin of 2 bots on tutorial (2 seats), 2 seeds: 4 matches"
    )
    stream = io.StringIO()
    run_tournament(config, tmp_path, quiet=False, stream=stream)
    assert "4 matches, 1 already done, 3 to play" in stream.getvalue()
    # 30 bots in a 4-seat scenario: the size, and how to play fewer.
    big = TournamentConfig(bots=tuple(f"b{i}" for i in range(30)), scenario="standard")
    line = plan_line(big, 4, 109_620, 0)
    assert "109,620 matches" in line and "--challenger" in line


def test_tournament_bench_reports_rates_for_one_and_two_workers():
    result = run_tournament_bench(matches=4, workers=(1, 2), repeats=1, scenario="tutorial")
    assert result["matches"] == 4 and set(result["workers"]) == {"1", "2"}
    assert result["workers"]["2"]["startup_seconds"] > 0
    assert result["speedup"] > 0 and isinstance(result["meets_target"], bool)
    assert result["workers"]["1"]["cpu_ms_per_match"] > 0 and result["speedup_bound"] > 0
    assert "speedup 2 vs 1" in format_tournament_bench(result)


def test_a_run_killed_for_real_resumes_to_the_same_results(tmp_path: Path):
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    args = ["tournament", "run", *BOTS, "--scenario", "tutorial", "--games", "12", "-q"]
    process = subprocess.Popen(
        [sys.executable, "-m", "game.arena.tournament", *args, "--jobs", "1", "--out", str(killed)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        results = killed / RESULTS_NAME
        while time.monotonic() < deadline and process.poll() is None:
            if results.exists() and results.read_text().count("\n") >= 10:
                break
            time.sleep(0.005)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    interrupted = len(lines(killed))
    assert main([*args, "--jobs", "2", "--out", str(killed)]) == 0
    assert main([*args, "--jobs", "1", "--out", str(whole)]) == 0
    ids = [json.loads(line)["match_id"] for line in lines(killed)]
    assert len(ids) == len(set(ids)) == 72
    assert process.returncode == -signal.SIGKILL and 10 <= interrupted < 72
    assert by_id(killed) == by_id(whole)
    assert leaderboard_of(killed).to_json() == leaderboard_of(whole).to_json()


def test_cli_gauntlet_puts_the_challenger_in_every_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    args = ["tournament", "run", "idle", "random", "--challenger", "balanced"]
    args += ["--scenario", "tutorial", "--seed", "9", "-j", "1", "-o", str(tmp_path), "-q"]
    assert main(args) == 0
    records = read_results(tmp_path)
    assert len(records) == 4 and all("balanced" in r["bots"] for r in records)
    assert {r["seed"] for r in records} == {9}
    # The other bots never met each other: the teacher is told not to read their order.
    assert "every other bot met only balanced" in capsys.readouterr().out
    assert main([*args[:-3], "--seed", "-1", "-o", str(tmp_path)]) == 2
    assert "--seed -1" in capsys.readouterr().err


def test_a_failure_names_the_command_that_plays_its_match_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    import shlex

    from game.arena.replay import read_replay
    from game.cli import main as capwars

    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n"
        "        if observation.turn == 3:\n"
        "            raise ZeroDivisionError('oops')\n"
        "        return []\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "balanced", "--scenario", "tutorial", "--out", str(out)]
    assert capwars([*args, "--turn-seconds", "0.5", "-q"]) == 0
    text = capsys.readouterr().out
    again = next(line for line in text.splitlines() if "again: capwars match" in line)
    argv = shlex.split(again.split("again: ", 1)[1])
    assert argv[-2:] == ["--replay", "again.jsonl"] and "--turn-seconds" in argv
    argv[-1] = str(tmp_path / "again.jsonl")
    # The same match, bit for bit: the final hash of the results line that failed.
    bots = [argv[i + 1] for i, word in enumerate(argv) if word == "--bot"]
    [failed] = [r for r in read_results(out) if r["bots"] == bots]
    assert failed["failures"]
    assert capwars(argv[1:]) == 0
    assert f"final hash {failed['final_hash']}" in capsys.readouterr().out
    assert any(q.bot_failures for q in read_replay(argv[-1]).quarters)
    # The leaderboard command, from the folder alone, gives the same line (the limits too).
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    assert again in capsys.readouterr().out


def test_the_again_command_of_a_scenario_file_tournament_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    import shlex

    from game.cli import main as capwars

    lesson = tmp_path / "my_lesson.toml"
    text = (ROOT / "content" / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    lesson.write_text(text.replace('id = "tutorial"', 'id = "my-lesson"', 1), encoding="utf-8")
    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n        raise KeyError('cash')\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "idle", "--scenario", str(lesson), "--out", str(out)]
    assert capwars([*args, "-q"]) == 0
    for command in (args, ["tournament", "leaderboard", str(out)]):
        assert capwars(command if command is not args else [*args, "-q"]) == 0
        again = next(x for x in capsys.readouterr().out.splitlines() if "again: capwars" in x)
        argv = shlex.split(again.split("again: ", 1)[1])
        # The record holds the id inside the file, which --scenario alone does not know.
        assert argv[argv.index("--scenario") + 1] == str(lesson)
    argv[-1] = str(tmp_path / "again.jsonl")
    assert capwars(argv[1:]) == 0


def test_a_bot_file_that_does_not_import_stops_the_tournament_saying_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from game.cli import main as capwars

    broken = tmp_path / "broken.py"
    broken.write_text("from game.agents import Bot\nclass B(Bot)\n    pass\n")
    out = tmp_path / "t"
    assert capwars(["tournament", "run", str(broken), "idle", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "failed to import: SyntaxError" in err
    assert f"fix it (capwars validate {broken} checks it) or leave {broken} out" in err
    assert not (out / RESULTS_NAME).exists()


def test_one_bot_file_given_twice_under_two_spellings_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    from game.cli import main as capwars

    (tmp_path / "steady.py").write_text(
        "from game.agents import Bot\n\n\nclass S(Bot):\n    def act(self, observation):\n"
        "        return []\n"
    )
    monkeypatch.chdir(tmp_path)
    out = ["--scenario", "tutorial", "--out", "t"]
    assert capwars(["tournament", "run", "steady.py", "./steady.py", *out]) == 2
    assert "steady.py and ./steady.py name the same bot file: give it once" in (
        capsys.readouterr().err
    )
    assert (
        capwars(["tournament", "run", "idle", "steady.py", "--challenger", "./steady.py", *out])
        == 2
    )
    assert not (tmp_path / "t" / RESULTS_NAME).exists()


def test_the_again_command_of_a_content_folder_tournament_names_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A tournament played with --content DIR: its 'again' command without --content played the
    game's own content ('unknown scenario', or another match than the one that failed)."""
    import shlex
    import shutil

    from game.cli import main as capwars

    world = tmp_path / "world"
    shutil.copytree(ROOT / "content", world)
    text = (world / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    (world / "scenarios" / "my-lesson.toml").write_text(
        text.replace('id = "tutorial"', 'id = "my-lesson"', 1), encoding="utf-8"
    )
    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n        raise KeyError('cash')\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "idle", "--scenario", "my-lesson", "--out", str(out)]
    assert capwars(["--content", str(world), *args, "-q"]) == 0
    again = next(x for x in capsys.readouterr().out.splitlines() if "again: capwars" in x)
    argv = shlex.split(again.split("again: ", 1)[1])
    assert argv[argv.index("--content") + 1] == str(world)
    argv[-1] = str(tmp_path / "again.jsonl")
    bots = [argv[i + 1] for i, word in enumerate(argv) if word == "--bot"]
    [failed] = [r for r in read_results(out) if r["bots"] == bots]
    assert capwars(argv[1:]) == 0
    assert f"final hash {failed['final_hash']}" in capsys.readouterr().out


def test_the_leaderboard_of_a_results_file_gives_the_same_again_command_as_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """tournament leaderboard takes the folder or its results.jsonl; given the file, the 'again'
    command lost the scenario file and the limits recorded beside it in tournament.json."""
    from game.cli import main as capwars

    lesson = tmp_path / "my_lesson.toml"
    text = (ROOT / "content" / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    lesson.write_text(text.replace('id = "tutorial"', 'id = "my-lesson"', 1), encoding="utf-8")
    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n        raise KeyError('cash')\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "idle", "--scenario", str(lesson), "--out", str(out)]
    assert capwars([*args, "--turn-seconds", "0.5", "-q"]) == 0
    capsys.readouterr()
    lines_of = {}
    for target in (out, out / RESULTS_NAME):
        assert capwars(["tournament", "leaderboard", str(target)]) == 0
        text = capsys.readouterr().out
        lines_of[target] = next(x for x in text.splitlines() if "again: capwars" in x)
    assert lines_of[out] == lines_of[out / RESULTS_NAME]
    assert str(lesson) in lines_of[out] and "--turn-seconds" in lines_of[out]


def test_the_again_command_keeps_the_scenario_file_of_a_design_with_unreadable_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A tournament.json whose limits cannot be read (edited by hand): its limits count as the
    defaults, as a run into that folder reads them, and its scenario file still goes into the
    'again' command (it fell back to the id recorded inside the file, which --scenario does
    not know)."""
    from game.cli import main as capwars

    lesson = tmp_path / "my_lesson.toml"
    text = (ROOT / "content" / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    lesson.write_text(text.replace('id = "tutorial"', 'id = "my-lesson"', 1), encoding="utf-8")
    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n        raise KeyError('cash')\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "idle", "--scenario", str(lesson), "--out", str(out)]
    assert capwars([*args, "--turn-seconds", "0.5", "-q"]) == 0
    capsys.readouterr()
    design_path = out / DESIGN_NAME
    design = json.loads(design_path.read_text(encoding="utf-8"))
    design["limits"]["bank_seconds"] = -5
    design_path.write_text(json.dumps(design), encoding="utf-8")
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    again = next(x for x in capsys.readouterr().out.splitlines() if "again: capwars" in x)
    assert f"--scenario {lesson}" in again and "--turn-seconds" not in again
