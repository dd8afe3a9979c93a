"""Writing the teacher's files (result files, the class leaderboard, a debrief): every file is
rendered first, then each is written atomically (:func:`game.arena.files.write_atomic`: a
hidden temporary file beside it, synced, renamed over it; one left by a crash goes on the next
write).

So a failure while rendering writes nothing; a failure while writing (a full disk) or a crash
keeps every file not yet replaced as it was (a result file written again over a good one keeps
the good one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from game.arena.files import write_atomic


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
        write_atomic(path, text.encode("utf-8"))
    return [path for path, _ in files]
