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


def _folder(name: str, age: float, log_age: float | None = None) -> Path:
    """A bot folder last changed ``age`` seconds ago, its log ``log_age`` (default: the same)."""
    folder = Path(tempfile.gettempdir()) / name
    folder.mkdir()
    log = folder / "log.txt"
    log.write_text("left behind")
    then = time.time() - (age if log_age is None else log_age)
    os.utime(log, (then, then))
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


def test_stale_folders_of_dead_hosts_go_and_nothing_else(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _folder(f"{host.WORKDIR_PREFIX}{dead}-stale", 2 * host.STALE_AFTER_SECONDS)
    recent = _folder(f"{host.WORKDIR_PREFIX}{dead}-recent", 60)
    mine = _folder(f"{host.WORKDIR_PREFIX}{os.getpid()}-live", 2 * host.STALE_AFTER_SECONDS)
    # an old folder whose bot still writes (a host in another PID namespace looks dead here)
    busy = _folder(f"{host.WORKDIR_PREFIX}{dead}-busy", 2 * host.STALE_AFTER_SECONDS, log_age=5)
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
        assert busy.exists()  # something in it changed within the hour
        assert link.is_symlink() and target.is_dir()  # never followed
    finally:
        for leftover in (recent, mine, stale, busy):
            if leftover.exists():
                for item in leftover.iterdir():
                    item.unlink()
                leftover.rmdir()
        link.unlink()


def test_removing_a_bot_folder_never_changes_what_its_symlinks_point_to(
    tmp_path: Path, monkeypatch
) -> None:
    # A bot links to a file of the user running capwars and makes its folder read-only, so that
    # removing the link fails once: the retry must free the folder, not chmod the file.
    outside = tmp_path / "notes.txt"
    outside.write_text("the teacher's")
    outside.chmod(0o644)
    folder = tmp_path / f"{host.WORKDIR_PREFIX}1-bot"
    folder.mkdir()
    link = folder / "link"
    link.symlink_to(outside)
    real = host.shutil.rmtree

    def rmtree(path: str, onerror) -> None:  # root ignores modes: the failure is simulated
        onerror(os.unlink, str(link), None)
        real(path, onerror=onerror)

    monkeypatch.setattr(host.shutil, "rmtree", rmtree)
    host._remove_tree(str(folder))
    assert not folder.exists()
    assert outside.read_text() == "the teacher's"
    assert outside.stat().st_mode & 0o777 == 0o644


def test_removing_a_bot_folder_that_is_gone_leaves_the_temp_dir_as_it_was(tmp_path: Path) -> None:
    # A bot that removed its own folder (or a sweep that got there first): the cleanup must not
    # chmod the temp dir it was in (as root that succeeded: /tmp became 0700 for every user).
    temp = tmp_path / "tmp"
    temp.mkdir()
    temp.chmod(0o1777)
    host._remove_tree(str(temp / f"{host.WORKDIR_PREFIX}1-gone"))
    assert temp.stat().st_mode & 0o7777 == 0o1777


def test_folders_a_bot_locked_are_opened_before_they_are_removed(tmp_path: Path) -> None:
    # A bot's `chmod 000 sub` left its whole folder behind for a user who is not root (root
    # reads any folder, so the modes are checked rather than the removal).
    folder = tmp_path / "bot"
    locked = folder / "a" / "b"
    locked.mkdir(parents=True)
    (locked / "f").write_text("x")
    target = tmp_path / "teacher"
    target.mkdir(mode=0o755)
    (folder / "link").symlink_to(target)
    os.chmod(locked, 0)
    os.chmod(folder / "a", 0)
    host._open_up(str(folder))
    assert (folder / "a").stat().st_mode & 0o777 == 0o700
    assert locked.stat().st_mode & 0o777 == 0o700
    assert target.stat().st_mode & 0o777 == 0o755  # a symlink is never followed
    host._remove_tree(str(folder))
    assert not folder.exists() and target.is_dir()
