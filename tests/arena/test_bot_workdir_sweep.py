"""Bot folders left by a host killed with ``kill -9`` are removed by the next host."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from game.arena import host


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder(name: str, age: float) -> Path:
    folder = Path(tempfile.gettempdir()) / name
    folder.mkdir()
    (folder / "log.txt").write_text("left behind")
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


def test_stale_folders_of_dead_hosts_go_and_nothing_else(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _folder(f"{host.WORKDIR_PREFIX}{dead}-stale", 2 * host.STALE_AFTER_SECONDS)
    recent = _folder(f"{host.WORKDIR_PREFIX}{dead}-recent", 60)
    mine = _folder(f"{host.WORKDIR_PREFIX}{os.getpid()}-live", 2 * host.STALE_AFTER_SECONDS)
    target = tmp_path / "teacher"
    target.mkdir()
    link = Path(tempfile.gettempdir()) / f"{host.WORKDIR_PREFIX}{dead}-link"
    link.symlink_to(target)
    os.utime(link, (0, 0), follow_symlinks=False)
    try:
        host.sweep_stale_workdirs.cache_clear()
        host.sweep_stale_workdirs()
        assert not stale.exists()
        assert recent.exists() and mine.exists()  # too young; its host is alive
        assert link.is_symlink() and target.is_dir()  # never followed
    finally:
        for leftover in (recent, mine, stale):
            if leftover.exists():
                for item in leftover.iterdir():
                    item.unlink()
                leftover.rmdir()
        link.unlink()
