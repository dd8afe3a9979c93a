"""Saved games: replay files in the saves folder, autosave with rotation, a listing that survives.

A save is a replay (:mod:`game.arena.replay`) without its result line: the header (content hash,
scenario, seed, each seat's name, industry, rival and who played it) and one line per played
quarter with every seat's submitted actions and the state hash. ``capwars replay show`` and
``capwars replay verify`` read saves as they read replays. Loading re-simulates the match from
the seed and checks every hash, so a loaded game is exactly the game that was saved. A finished
game is saved with its result line: it is then a complete replay.

Writes are atomic (:func:`game.arena.replay.write_lines`: temp file in the same folder, fsync,
``os.replace``): a kill in the middle of a save leaves the previous file intact.

The replay module (and with it the engine) is imported on first use, so listing the module
costs nothing at start-up.

>>> from pathlib import Path
>>> save_path(Path("saves"), "my game").name
'my game.jsonl'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine loads only when a save is read (keeps start-up fast)
    from game.arena.replay import Replay
    from game.engine.state import MatchState
    from game.rules.models import Content

SUFFIX = ".jsonl"
"""Saves are written as plain JSON lines; ``.jsonl.gz`` files are read too."""
SUFFIXES = (".jsonl", ".jsonl.gz")
OLD_SUFFIX = ".capwars.json"
"""The single-object format of the first TUI; listed as unreadable with the reason."""
AUTOSAVE_PREFIX = "autosave-"
AUTOSAVE_KEEP = 5
"""Autosaves kept; older ones are deleted after each new one."""
ENV_VAR = "CAPWARS_SAVES"


class SaveError(ValueError):
    """A save that cannot be read or does not replay; the message says why in plain words."""


@dataclass(frozen=True)
class SaveInfo:
    """One file in the saves folder, readable or not."""

    path: Path
    name: str
    modified_ns: int
    save: Replay | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.save is not None


def saves_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """The saves folder: the argument, else ``$CAPWARS_SAVES``, else ``./saves``."""
    if directory is not None:
        return Path(directory)
    return Path(os.environ.get(ENV_VAR, "saves"))


def save_path(directory: Path, name: str) -> Path:
    """Where a save called ``name`` lives (the name is made safe for a file system)."""
    safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name.strip())[:60].strip()
    if not safe:
        raise SaveError("a save needs a name made of letters or digits")
    return directory / f"{safe}{SUFFIX}"


def save_name(path: Path) -> str:
    """The name a save is listed under (its file name without the suffix)."""
    for suffix in (*reversed(SUFFIXES), OLD_SUFFIX):
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def write_save(path: Path, lines: Sequence[dict[str, Any]]) -> Path:
    """Write a save's replay lines atomically (gzip if the name ends in ``.gz``)."""
    from game.arena.replay import write_lines

    write_lines(path, lines)
    return path


def _plain(message: str, path: Path) -> str:
    """A replay error without the path in front (the dialog names the save already)."""
    prefix = f"{path}:"
    if not message.startswith(prefix):
        return message
    rest = message[len(prefix) :]
    line = re.match(r"(\d+): ", rest)
    return f"line {line.group(1)}: {rest[line.end() :]}" if line else rest.lstrip()


def read_save(path: Path) -> Replay:
    """Read a save (or a finished replay); a missing, truncated, corrupted or too-new file
    raises :class:`SaveError` saying which line is wrong and how."""
    from game.arena.replay import ReplayError, read_replay

    path = Path(path)
    if path.name.endswith(OLD_SUFFIX):
        raise SaveError(
            "saved by an older version of the game in a format this one no longer reads"
        )
    try:
        return read_replay(path, require_result=False)
    except ReplayError as exc:
        raise SaveError(_plain(str(exc), path)) from None


def save_label(save: Replay) -> str:
    """Where a save stands, e.g. ``after 2027 Q3 (3/24)`` or ``finished``."""
    played, total = len(save.quarters), save.header.quarters
    if save.finished:
        return f"finished ({played}/{total})"
    if not save.quarters:
        return f"not started (0/{total})"
    return f"after {save.quarters[-1].label} ({played}/{total})"


def _is_save(path: Path) -> bool:
    return path.name.endswith((*SUFFIXES, OLD_SUFFIX)) and not path.name.startswith(".")


def list_saves(directory: Path) -> list[SaveInfo]:
    """Every save in the folder, newest first; broken ones are listed with their error."""
    if not directory.is_dir():
        return []
    infos = []
    for path in directory.iterdir():
        if not _is_save(path):
            continue
        try:
            modified = path.stat().st_mtime_ns
        except OSError:
            continue
        name = save_name(path)
        try:
            infos.append(SaveInfo(path, name, modified, save=read_save(path)))
        except SaveError as exc:
            infos.append(SaveInfo(path, name, modified, error=str(exc)))
    infos.sort(key=lambda i: (-i.modified_ns, i.name))
    return infos


def latest_save(directory: Path) -> SaveInfo | None:
    """The newest readable save (what "continue" loads)."""
    return next((i for i in list_saves(directory) if i.ok), None)


def peek_newest(directory: Path) -> tuple[str, str] | None:
    """The newest save file's name and a hint of where it stands, cheaply (for the title
    screen): only its last line is parsed, nothing is checked; loading checks everything."""
    if not directory.is_dir():
        return None
    newest: tuple[int, Path] | None = None
    for path in directory.iterdir():
        if _is_save(path) and not path.name.endswith(OLD_SUFFIX):
            try:
                stamp = path.stat().st_mtime_ns
            except OSError:
                continue
            if newest is None or stamp > newest[0]:
                newest = (stamp, path)
    if newest is None:
        return None
    path = newest[1]
    hint = ""
    if not path.name.endswith(".gz"):
        try:
            with path.open("rb") as handle:
                handle.seek(max(0, path.stat().st_size - 65536))
                last = json.loads(handle.read().splitlines()[-1])
            if last.get("kind") == "quarter":
                hint = f"after {last.get('label', '?')}"
            elif last.get("kind") == "result":
                hint = "finished"
            elif last.get("kind") == "header":
                hint = f"{last.get('scenario', '?')}, not started"
        except (OSError, ValueError, IndexError, AttributeError):
            hint = ""
    return save_name(path), hint


def autosave(directory: Path, lines: Sequence[dict[str, Any]], keep: int = AUTOSAVE_KEEP) -> Path:
    """Write ``autosave-NNN`` for the quarters played and delete all but the newest ``keep``."""
    turns = sum(1 for line in lines if line.get("kind") == "quarter")
    path = write_save(directory / f"{AUTOSAVE_PREFIX}{turns:03d}{SUFFIX}", lines)
    autos = []
    for p in directory.glob(f"{AUTOSAVE_PREFIX}*"):
        if _is_save(p):
            try:
                autos.append((p.stat().st_mtime_ns, p.name, p))
            except OSError:
                continue
    autos.sort(reverse=True)
    for _, _, old in autos[keep:]:
        old.unlink(missing_ok=True)
    return path


def replay_state(
    save: Replay,
    content: Content,
    before_step: Callable[[MatchState], None] | None = None,
) -> MatchState:
    """Re-simulate a save from its seed; every quarter's hash must match the recorded one.

    ``before_step(state)`` runs before each quarter (the TUI uses it to let rival bots see
    the same observations they saw when the game was played, so they resume in step).
    """
    from game.arena.replay import ReplayError, opening_state
    from game.engine.step import MatchOverError, step

    try:
        state = opening_state(save, content)
    except ReplayError as exc:
        message = str(exc)
        if "recorded with content" in message:
            message = (
                "the save was made with different game content (a different --content folder"
                " or game version); it cannot be replayed"
            )
        raise SaveError(_plain(message, save.path)) from None
    for quarter in save.quarters:
        if before_step is not None:
            before_step(state)
        try:
            state, report = step(state, quarter.submitted, inject=quarter.injected)
        except MatchOverError:
            raise SaveError(f"the save has more quarters than its match ({quarter.turn})") from None
        if report.state_hash != quarter.hash:
            raise SaveError(
                f"the save does not replay: {quarter.label} (quarter {quarter.turn + 1}) gives"
                " a different state with this version of the game"
            )
    return state
