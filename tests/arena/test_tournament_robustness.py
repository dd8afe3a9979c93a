"""Tournaments with external bots, resume safety, shutdown on signals, filler seats, interrupts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.arena.results import RESULTS_NAME

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
