"""Tournaments with external bots, resume safety, shutdown on signals, filler seats, interrupts."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.arena.results import RESULTS_NAME, read_results
from game.arena.tournament import TournamentConfig, TournamentInterrupted, run_tournament

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
