"""Writing the teacher's files (result files, the class leaderboard, a debrief): every file is
rendered first, then each is written atomically (:func:`game.arena.files.write_atomic`: a
hidden temporary file beside it, synced, renamed over it).

So a failure while rendering writes nothing; a failure while writing (a full disk) or a crash
keeps every file not yet replaced as it was (a result file written again over a good one keeps
the good one), and a failure removes its temporary file. A crash that gave no chance to remove
it (the process killed mid-write) leaves it hidden beside its file; the next write of that file
removes it once it is :data:`STALE_SECONDS` old (a younger one may be another run's, writing).
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from game.arena.files import write_atomic

STALE_SECONDS = 600
"""A temporary file this old was left by a crash: no write of these files takes minutes."""


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as CSV with a header line of ``columns``."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_texts(files: Sequence[tuple[Path, str]]) -> list[Path]:
    """Write each ``(path, text)`` (UTF-8) atomically, in order; the paths written."""
    for path, text in files:
        _remove_left_over(path)
        write_atomic(path, text.encode("utf-8"))
    return [path for path, _ in files]


def _remove_left_over(path: Path) -> None:
    """Remove the temporary files a crash left while writing ``path`` (write_atomic names them
    ``.<name>.<random>.tmp`` in its folder)."""
    if not path.parent.is_dir():
        return
    limit = time.time() - STALE_SECONDS
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < limit:
                temp.unlink()
