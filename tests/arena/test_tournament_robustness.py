"""Tournaments with external bots, resume safety, shutdown on signals, filler seats, interrupts."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from game.arena.leaderboard import build_leaderboard, format_leaderboard
from game.arena.results import RESULTS_NAME, read_results
from game.arena.schedule import gauntlet, round_robin
from game.arena.tournament import (
    DESIGN_NAME,
    TournamentConfig,
    TournamentError,
    TournamentInterrupted,
    bot_files,
    run_tournament,
)

ROOT = Path(__file__).resolve().parents[2]
PYTHON_BOT = f"cmd:{sys.executable} examples/python_bot.py"


def capwars(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``capwars ARGS`` in a fresh interpreter (nothing imported beforehand)."""
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def records(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / RESULTS_NAME).read_text().splitlines()]


# --- external (cmd:) bots ---------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_tournament_plays_an_external_bot(tmp_path: Path, jobs: str):
    out = tmp_path / "out"
    proc = capwars(
        "tournament", "run", "balanced", PYTHON_BOT, "--scenario", "tutorial", "--seeds", "1",
        "--jobs", jobs, "--out", str(out), "-q",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    played = records(out)
    assert len(played) == 2 and all(PYTHON_BOT in r["bots"] for r in played)
    assert all(r["bot_statuses"] == ["ok", "ok"] and r["failures"] == [] for r in played)
    assert PYTHON_BOT in proc.stdout


# --- signals and interrupts -------------------------------------------------------------------


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (the pool workers and the resource tracker)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def start_long_tournament(out: Path, jobs: int) -> subprocess.Popen[str]:
    """A tutorial round robin of 1,200 matches (a minute or so), stopped long before the end."""
    args = ["tournament", "run", "idle", "random", "balanced", "--scenario", "tutorial"]
    args += ["--games", "200", "--jobs", str(jobs), "--out", str(out), "-q"]
    return subprocess.Popen(
        [sys.executable, "-m", "game", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str], out: Path, signum: int) -> tuple[set[int], str]:
    """Wait for a few results (and the workers), send ``signum``; the children it had, stderr."""
    results = out / RESULTS_NAME
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if results.exists() and results.read_text().count("\n") >= 4:
                break
            time.sleep(0.01)
        children = descendants(process.pid)
        assert process.poll() is None, "the tournament ended before it could be stopped"
        os.kill(process.pid, signum)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return children, err


def wait_gone(pids: set[int], seconds: float = 5.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


def cleanup(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_sigterm_shuts_the_pool_down_and_keeps_the_results(tmp_path: Path):
    process = start_long_tournament(tmp_path, jobs=2)
    children, err = stop(process, tmp_path, signal.SIGTERM)
    survivors = wait_gone(children)
    cleanup(survivors)
    assert len(children) >= 2  # two workers (and the resource tracker)
    assert not survivors, f"still running after SIGTERM: {survivors}"
    assert process.returncode == 128 + signal.SIGTERM, err
    saved = len(read_results(tmp_path))
    assert f"interrupted: {saved} of 1200 matches done" in err
    assert "rerun the same command to resume" in err


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_pool_workers_exit_when_the_tournament_is_killed(tmp_path: Path):
    process = start_long_tournament(tmp_path, jobs=2)
    children, _ = stop(process, tmp_path, signal.SIGKILL)
    survivors = wait_gone(children)
    cleanup(survivors)
    assert len(children) >= 2 and process.returncode == -signal.SIGKILL
    assert not survivors, f"still running after the parent was killed: {survivors}"


SLOW_BOT = """
import json, sys, time
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print(json.dumps({"type": "ready"}), flush=True)
    elif msg["type"] == "turn":
        time.sleep(0.8)  # within the 1 s a turn: a whole match takes about 7 s
        print(json.dumps({"type": "actions", "turn": msg["turn"], "actions": []}), flush=True)
    elif msg["type"] == "end":
        break
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_kill_pid_stops_the_matches_in_progress_at_once(tmp_path: Path):
    # `kill PID` (or Ctrl-C seen by the main process only) used to wait for every match already
    # handed to a worker: here about 14 s of silence, for results that were then thrown away.
    bot = tmp_path / "slow_bot.py"
    bot.write_text(SLOW_BOT)
    args = ["tournament", "run", f"cmd:{sys.executable} {bot}", "idle", "random"]
    args += ["--scenario", "tutorial", "--jobs", "2", "--out", str(tmp_path / "out"), "-q"]
    temp = tmp_path / "tmp"  # where the bots' folders go
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "game", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # both workers are in a match with the slow bot
            running = [p for p in descendants(process.pid) if "slow_bot" in _cmdline(p)]
            if len(running) >= 2:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        children = descendants(process.pid)
        started = time.monotonic()
        os.kill(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    cleanup(wait_gone(children))
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "rerun the same command to resume" in err
    assert took < 4, f"took {took:.1f} s to stop"
    assert not list(temp.glob("capwars-bot-*")), "a bot's folder was left behind"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_a_match_pool_drops_its_matches_when_told_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # stop_workers signalled the pids in ProcessPoolExecutor._processes, a private attribute a
    # newer Python may drop (the stop would then silently do nothing). The pool now shares an
    # event with its workers; each worker's watchdog interrupts its own match.
    from game.arena.executors import ParentGone, play_match, start_pool, stop_workers
    from game.arena.schedule import MatchTask

    bot = tmp_path / "slow_bot.py"
    bot.write_text(SLOW_BOT)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the worker's bots make their folders here
    task = MatchTask(scenario="tutorial", seed=0, bots=(f"cmd:{sys.executable} {bot}", "idle"))
    pool = start_pool(1)
    try:
        future = pool.submit(play_match, task)
        deadline = time.monotonic() + 30
        while not any("slow_bot" in _cmdline(p) for p in descendants(os.getpid())):
            assert time.monotonic() < deadline, "the match never started"
            time.sleep(0.05)
        started = time.monotonic()
        stop_workers(pool)
        with pytest.raises(ParentGone):
            future.result(timeout=30)
        took = time.monotonic() - started
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    assert took < 3, f"took {took:.1f} s to stop (a match takes about 7 s)"
    assert not list(temp.glob("capwars-bot-*")), "a bot's folder was left behind"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_worker_whose_tournament_died_starts_no_further_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # After a kill -9 of the tournament, the pool had more matches queued on each worker; one
    # started while the worker exits left its bots' temporary folders (and a bot that ignores
    # its closed stdin) behind.
    from game.arena import executors
    from game.arena.schedule import MatchTask

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(executors, "_parent_gone", executors.threading.Event())
    executors._parent_gone.set()
    task = MatchTask(scenario="tutorial", seed=0, bots=(PYTHON_BOT, "idle"))
    with pytest.raises(executors.ParentGone):
        executors.play_match(task)
    assert list(tmp_path.iterdir()) == []


def test_a_bot_interrupted_before_its_program_started_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from game.arena.host import ExternalBot
    from game.arena.match import setup_info
    from game.engine.setup import new_match

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("subprocess.Popen", interrupted)
    bot = ExternalBot([sys.executable, "-c", "pass"])
    with pytest.raises(KeyboardInterrupt):
        bot.setup(setup_info(new_match(scenario="tutorial", seed=0), 0))
    assert bot.workdir is not None and Path(bot.workdir).is_dir()
    bot.close()
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_says_how_far_it_got(tmp_path: Path):
    config = TournamentConfig(bots=("idle", "random", "balanced"), scenario="tutorial", seeds=2)

    def interrupt_after_three(record: dict) -> None:
        if len(read_results(tmp_path)) == 3:
            raise KeyboardInterrupt

    with pytest.raises(TournamentInterrupted) as caught:
        run_tournament(config, tmp_path, jobs=1, on_record=interrupt_after_three)
    assert (caught.value.done, caught.value.scheduled) == (3, 12)
    again = run_tournament(config, tmp_path, jobs=1)
    assert (again.already_done, again.played) == (3, 9)


# --- filler seats -----------------------------------------------------------------------------


def test_a_gauntlet_short_of_opponents_gets_filler_seats_and_filler_specs_are_refused():
    tasks = gauntlet("x", ["balanced"], seats=4, scenario="s", seeds=[0])
    assert tasks[0].bots == ("x", "balanced", "filler:balanced", "filler:balanced")
    assert all(Counter(t.bots) == Counter(tasks[0].bots) for t in tasks) and len(tasks) == 4
    with pytest.raises(ValueError, match="marks filler seats"):
        round_robin(["a", "filler:balanced"], seats=2, scenario="s", seeds=[0])


def test_filler_seats_count_for_no_entrant(tmp_path: Path):
    """Three entrants in a four-seat scenario: the fourth seat is a filler, even though it is
    played by ``balanced`` and ``balanced`` is an entrant."""
    config = TournamentConfig(bots=("balanced", "idle", "random"), scenario="packaging-fire")
    summary = run_tournament(config, tmp_path, jobs=1)
    played = records(tmp_path)
    assert summary.scheduled == len(played) == 4
    assert all(r["bots"].count("filler:balanced") == 1 and len(r["bots"]) == 4 for r in played)
    assert {r["bots"].index("filler:balanced") for r in played} == {0, 1, 2, 3}
    board = summary.leaderboard
    assert sorted(board.bots) == ["balanced", "idle", "random"]
    assert {row.bot: row.games for row in board.rows} == {"balanced": 4, "idle": 4, "random": 4}
    assert board.filler_seats == 4 and board.matches == 4
    assert all("filler" not in row for row in board.meetings)
    assert "4 filler seats, counted for no bot" in format_leaderboard(board)


def test_the_leaderboard_rates_entrants_on_their_order_among_themselves():
    record = {
        "match_id": "1",
        "bots": ["filler:balanced", "a", "b", "filler:balanced"],
        "ranks": [1, 3, 2, 4],
        "statuses": ["active"] * 4,
        "failures": [{"turn": 1, "seat": 3, "error": "x"}, {"turn": 1, "seat": 1, "error": "y"}],
    }
    board = build_leaderboard([record])
    rows = {r.bot: r for r in board.rows}
    assert set(rows) == {"a", "b"} and rows["b"].mu > rows["a"].mu
    assert (rows["a"].failed_matches, rows["b"].failed_matches) == (1, 0)
    assert (rows["a"].games, rows["b"].wins) == (1, 0) and board.pairwise["b"]["a"] == 1.0


# --- the design a results folder belongs to ---------------------------------------------------

BOT_FILE = """
from game.agents.base import Bot


class MyBot(Bot):
    def act(self, observation):
        return []
"""


def gauntlet_config(*pool: str, seeds: int = 1) -> TournamentConfig:
    return TournamentConfig(
        bots=pool, challenger="mybot.py:MyBot", scenario="tutorial", seeds=seeds
    )


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mybot.py").write_text(BOT_FILE)
    return tmp_path


def test_the_design_is_recorded_and_an_identical_rerun_resumes(in_tmp: Path):
    config = gauntlet_config("idle", "random")
    run_tournament(config, "out", limit=3)
    design = json.loads((in_tmp / "out" / DESIGN_NAME).read_text())
    assert design["mode"] == "gauntlet" and design["challenger"] == "mybot.py:MyBot"
    assert design["bots"] == ["idle", "random"] and design["scenario"] == "tutorial"
    assert (design["seeds"], design["base_seed"], design["filler"]) == (1, 0, "balanced")
    assert set(design["bot_files"]) == {"mybot.py:MyBot"}
    again = run_tournament(config, "out")
    assert (again.already_done, again.played) == (3, 1)


def test_an_edited_bot_file_is_refused_until_restart(in_tmp: Path):
    config = gauntlet_config("idle", "random")
    run_tournament(config, "out")
    (in_tmp / "mybot.py").write_text(BOT_FILE + "# better now\n")
    for extend in (False, True):
        with pytest.raises(TournamentError) as caught:
            run_tournament(config, "out", extend=extend)
        message = str(caught.value)
        assert "mybot.py (bot mybot.py:MyBot) has changed" in message
        assert "--restart" in message and "new --out" in message
    assert len(records(in_tmp / "out")) == 4
    fresh = run_tournament(config, "out", restart=True)
    assert (fresh.already_done, fresh.played) == (0, 4) and len(records(in_tmp / "out")) == 4


def test_another_bot_set_is_refused_and_extend_keeps_only_a_superset(in_tmp: Path):
    run_tournament(gauntlet_config("idle", "random"), "out")
    other = gauntlet_config("idle", "balanced")
    with pytest.raises(TournamentError, match="adds balanced and leaves out random") as caught:
        run_tournament(other, "out")
    assert "--extend" not in str(caught.value)  # its random matches would stay in the board
    with pytest.raises(TournamentError, match="2 of its matches are not part"):
        run_tournament(other, "out", extend=True)
    bigger = gauntlet_config("idle", "random", "balanced", seeds=2)
    with pytest.raises(TournamentError, match="add --extend to keep them") as caught:
        run_tournament(bigger, "out")
    assert "--seeds 1 --seed 0 there, --seeds 2 --seed 0 now" in str(caught.value)
    extended = run_tournament(bigger, "out", extend=True)
    assert (extended.already_done, extended.scheduled) == (4, 12)
    assert json.loads((in_tmp / "out" / DESIGN_NAME).read_text())["seeds"] == 2
    assert run_tournament(bigger, "out").played == 0


def test_a_folder_without_a_design_is_adopted_only_if_it_fits(in_tmp: Path):
    run_tournament(gauntlet_config("idle", "random"), "out")
    (in_tmp / "out" / DESIGN_NAME).unlink()  # as written before tournament.json existed
    assert run_tournament(gauntlet_config("idle", "random"), "out").played == 0
    (in_tmp / "out" / DESIGN_NAME).unlink()
    with pytest.raises(TournamentError, match=f"2 matches that are not part.*no {DESIGN_NAME}"):
        run_tournament(gauntlet_config("idle", "balanced"), "out")


def test_bot_files_hash_python_files_and_file_arguments_of_commands(in_tmp: Path):
    digest = bot_files("mybot.py")["mybot.py"]
    assert bot_files("mybot.py:MyBot") == {"mybot.py": digest} and len(digest) == 64
    assert bot_files("cmd:python3 mybot.py --fast") == {"mybot.py": digest}
    assert bot_files("balanced") == bot_files("hoarder:hard") == bot_files("cmd:node gone.js") == {}


def test_cli_restart_and_extend_exclude_each_other(tmp_path: Path):
    proc = capwars(
        "tournament", "run", "idle", "random", "--restart", "--extend", "-o", str(tmp_path)
    )
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr


def test_jobs_below_one_is_one_line_not_a_traceback(tmp_path: Path):
    # `--jobs 0` ended in a traceback (ExecutorError raised before the run's error handling).
    result = capwars(
        "tournament", "run", "balanced", "idle", "--scenario", "tutorial", "--jobs", "0",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--jobs must be at least 1 (matches at a time), got 0" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [({"executor": "dask://localhost"}, "has no port"), ({"jobs": 0}, "--jobs must be at least 1")],
)
def test_a_bad_executor_is_refused_before_the_folder_is_made(
    tmp_path: Path, options: dict, message: str
):
    config = TournamentConfig(bots=("balanced", "idle"), scenario="tutorial")
    with pytest.raises(TournamentError, match=message):
        run_tournament(config, tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()
