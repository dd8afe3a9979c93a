"""Run ``capwars`` the way a user does: ``python -m game`` in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

Capwars = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def capwars(tmp_path: Path) -> Capwars:
    """``capwars(*args, env={...})``: run the CLI in ``tmp_path``, return the finished process."""

    def run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        full_env.pop("CAPWARS_CONTENT", None)
        return subprocess.run(
            [sys.executable, "-m", "game", *args],
            cwd=tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
