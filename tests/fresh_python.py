"""Running a piece of code in a fresh interpreter (nothing imported beforehand), as the tests
of what a module imports, and of the README's example, need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(code: str, cwd: Path = ROOT) -> str:
    """What ``code`` prints in a new Python process with this checkout importable; it must
    succeed (its stderr is the failure's message)."""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
