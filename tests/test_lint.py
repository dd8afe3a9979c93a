"""The test command also runs ruff and mypy over game/ and fails on their errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing_in_game():
    proc = run_tool("ruff", "check", "game")
    assert proc.returncode == 0, f"ruff check game:\n{proc.stdout}{proc.stderr}"


def test_mypy_finds_nothing_in_game():
    proc = run_tool("mypy", "game")
    assert proc.returncode == 0, f"mypy game:\n{proc.stdout}{proc.stderr}"
