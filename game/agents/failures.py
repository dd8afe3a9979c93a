"""How a bot's exception is told to its author: one line, pointing at the author's own code.

A raw traceback's last frame is usually inside a library (``pydantic/main.py`` when an action
model is built with a wrong field, ``importlib`` when a file does not import), and a pydantic
error spans several lines with a link. A failure is shown once a quarter in match output and
replays, so it is one line: the exception, its first problem and the deepest frame that is
neither the game's own code nor a library.
"""

from __future__ import annotations

import re
import sys
import sysconfig
import traceback
from pathlib import Path

from pydantic import ValidationError

_GAME = str(Path(__file__).resolve().parents[1])
"""The ``game`` package folder: frames in it are the engine's, not the bot author's."""
_LIBRARIES = tuple(
    {
        str(Path(p).resolve())
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
    | {str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())}
)


def author_frame(exc: BaseException, prefer: Path | None = None) -> traceback.FrameSummary | None:
    """The deepest frame of ``exc`` in the author's code (in ``prefer``'s file if given)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if prefer is not None:
        wanted = str(prefer.resolve())
        mine = [f for f in frames if _resolved(f.filename) == wanted]
        if mine:
            return mine[-1]
    for frame in reversed(frames):
        name = _resolved(frame.filename)
        if name.startswith(_GAME) or name.startswith(_LIBRARIES) or name.startswith("<frozen"):
            continue
        return frame
    return frames[-1] if frames else None


def _resolved(filename: str) -> str:
    if filename.startswith("<"):
        return filename
    try:
        return str(Path(filename).resolve())
    except OSError:  # pragma: no cover (a vanished file)
        return filename


def problem_text(exc: BaseException) -> str:
    """``Type: message`` on one line (a pydantic error: its first problem, without the link)."""
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False)
        if errors:
            # Two problems at most: a misspelt field is a missing one plus an unknown one.
            shown = "; ".join(
                f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
                for e in errors[:2]
            )
            more = f" (and {len(errors) - 2} more)" if len(errors) > 2 else ""
            return f"ValidationError: {exc.title}: {shown}{more}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe(exc: BaseException, prefer: Path | None = None, limit: int | None = None) -> str:
    """One line for a bot's failure: the problem and where in the author's code it happened.

    ``limit``: the longest line wanted. A long message (a list of fields, a codec's
    explanation) is cut, with ``…``, before the place, which stays: cutting the whole line
    dropped the file and line, the one thing its author needed."""
    text = problem_text(exc)
    where = ""
    if not isinstance(exc, SyntaxError):  # its message already names the file and line
        frame = author_frame(exc, prefer)
        if frame is not None:
            # The file's name, not its path: this line goes into replays and tournament
            # records, which must read the same on every machine (and a student knows where
            # their bot.py is).
            where = f" ({Path(frame.filename).name}:{frame.lineno})"
    return text + where if limit is None else shorten(text + where, limit)


_PLACE = re.compile(r" \((?:[^()]|\([^()]*\))+:\d+\)$")
"""A failure's closing `` (bot.py:41)``; the file's name may hold spaces and a pair of
brackets (``my bot (1).py``, as a browser names a second download)."""


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut with ``…`` where it is longer, keeping a
    closing place (`` (bot.py:41)``) as the end, so a long message does not push it out."""
    if len(text) <= limit:
        return text
    found = _PLACE.search(text)
    place = found.group(0) if found and len(found.group(0)) < limit // 2 else ""
    body = text[: len(text) - len(place)]
    return body[: max(limit - len(place) - 1, 0)].rstrip() + "…" + place
