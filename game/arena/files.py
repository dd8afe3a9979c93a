"""Writing a file so that a reader never sees half of it, and a crash keeps the old one."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 600
"""A temporary file of :func:`write_atomic` this old was left by a crash (no write takes
minutes); a younger one may be another process's, writing."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, synced, then
    renamed over it (the folder is made if needed). A file that exists keeps its mode.

    A failure removes the temporary file. A process killed mid-write leaves it, hidden beside
    its file (``.<name>.<random>.tmp``); the next write of that file removes it once it is
    :data:`STALE_SECONDS` old."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_left_over(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); the file is as shareable as any other.
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(target.parent)


_EXAMPLE_NAMES = {
    "--replay": "match.jsonl",
    "--csv": "leaderboard.csv",
    "--json": "leaderboard.json",
}


def output_problem(
    path: str | os.PathLike[str], what: str, *, folder: bool = False, example: str = ""
) -> str | None:
    """Why ``path`` cannot be written (``None`` if it can): checked before a match or a
    tournament is played, so that a bad ``--replay``, ``--csv``, ``--json`` or ``--out`` is one
    line at once instead of a traceback after all the play.

    Creates nothing: a folder that does not exist yet is made by the writer when the run
    starts, so a command refused later (a bad bot spec) leaves no empty folder behind. The
    nearest folder that exists is probed with a temporary file, removed at once.

    ``what`` names the option (``--replay``); ``folder``: ``path`` is a folder to write in;
    ``example``: a name to show in the message (a file name in the folder ``path`` names, or,
    with ``folder``, a folder name)."""
    target = Path(path)
    directory = target if folder else target.parent
    if not folder and target.is_dir():
        example = example or _EXAMPLE_NAMES.get(what, "out")
        return f"{what} {path} is a folder: give a file path, such as {target / example}"
    if folder and target.exists() and not target.is_dir():
        return (
            f"{what} {path} is a file, not a folder: {what} takes the folder to write the files"
            f" into (created if needed), e.g. {what} {example or 'results'}. Nothing was written"
        )
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot write {what} {path}: {existing} is a file, not a folder"
    try:
        fd, probe = tempfile.mkstemp(prefix=".capwars-probe.", suffix=".tmp", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"cannot write {what} {path}: {exc.strerror or exc}"
    return None


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_left_over(target: Path) -> None:
    """Remove the temporary files a crash left while writing ``target``."""
    limit = time.time() - STALE_SECONDS
    for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < limit:
                temp.unlink()
