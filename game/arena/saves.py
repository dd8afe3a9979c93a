"""Saved games: atomic writes, autosave with rotation, and a listing that survives bad files.

A save is a replay: the scenario, the seed, the seat names, who played each seat, and every
quarter's submitted actions with the state hash it produced. Loading re-simulates the match
from the seed and checks every hash, so a loaded game is exactly the game that was saved.

Writes are atomic (temp file in the same folder, fsync, ``os.replace``): a kill in the middle
of a save leaves the previous file intact.

>>> from game.arena.saves import SaveGame
>>> SaveGame(scenario="tutorial", seed=1, names=("A", "B"), seats=("human", "balanced")).turns
0
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine loads only when a save is replayed (keeps start-up fast)
    from game.engine.state import MatchState
    from game.rules.models import Content

FORMAT = "capwars-save"
VERSION = 1
"""The save format this code writes and reads; a newer file is refused with a clear message."""
SUFFIX = ".capwars.json"
AUTOSAVE_PREFIX = "autosave-"
AUTOSAVE_KEEP = 5
"""Autosaves kept; older ones are deleted after each new one."""
ENV_VAR = "CAPWARS_SAVES"


class SaveError(ValueError):
    """A save that cannot be read or does not replay; the message says why in plain words."""


@dataclass(frozen=True)
class SaveGame:
    """Everything needed to rebuild a game exactly."""

    scenario: str
    seed: int
    names: tuple[str, ...]
    seats: tuple[str, ...]
    """``"human"`` or the bot spec playing each seat."""
    quarters: tuple[tuple[tuple[dict[str, Any], ...], ...], ...] = ()
    """Per played quarter, per seat, the actions submitted (JSON form)."""
    hashes: tuple[str, ...] = ()
    """The state hash after each played quarter."""
    content_hash: str = ""
    label: str = ""
    """The quarter about to be played when saved, e.g. ``2027 Q3``."""

    @property
    def turns(self) -> int:
        return len(self.quarters)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": self.scenario,
            "seed": self.seed,
            "names": list(self.names),
            "seats": list(self.seats),
            "content_hash": self.content_hash,
            "label": self.label,
            "hashes": list(self.hashes),
            "quarters": [[list(seat) for seat in q] for q in self.quarters],
        }

    @classmethod
    def from_json(cls, data: Any) -> SaveGame:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SaveError("not a Capacity Wars save")
        version = data.get("version")
        if not isinstance(version, int):
            raise SaveError("the save has no format version")
        if version > VERSION:
            raise SaveError(
                f"made by a newer version of the game (format {version}; this one reads"
                f" up to {VERSION})"
            )
        try:
            quarters = tuple(
                tuple(tuple(dict(a) for a in seat) for seat in q) for q in data["quarters"]
            )
            save = cls(
                scenario=str(data["scenario"]),
                seed=int(data["seed"]),
                names=tuple(str(n) for n in data["names"]),
                seats=tuple(str(s) for s in data["seats"]),
                quarters=quarters,
                hashes=tuple(str(h) for h in data["hashes"]),
                content_hash=str(data.get("content_hash", "")),
                label=str(data.get("label", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SaveError(f"the save is damaged ({type(exc).__name__}: {exc})") from None
        if len(save.names) != len(save.seats) or len(save.hashes) != len(save.quarters):
            raise SaveError("the save is damaged (seats or quarters do not line up)")
        return save


@dataclass(frozen=True)
class SaveInfo:
    """One file in the saves folder, readable or not."""

    path: Path
    name: str
    modified_ns: int
    save: SaveGame | None = None
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


def write_save(path: Path, save: SaveGame) -> Path:
    """Write atomically: temp file beside the target, fsync, ``os.replace``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(save.to_json(), separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the replace is still atomic
        return path
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return path


def read_save(path: Path) -> SaveGame:
    """Read a save file; a missing, truncated, corrupted or too-new file raises SaveError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SaveError(f"cannot read {Path(path).name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SaveError("the file is not text: it is corrupted") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # A save always ends with its closing brace; a file cut short by a crash does not.
        hint = "corrupted" if text.rstrip().endswith("}") else "truncated"
        raise SaveError(f"the file is {hint} (line {exc.lineno}, column {exc.colno})") from None
    return SaveGame.from_json(data)


def list_saves(directory: Path) -> list[SaveInfo]:
    """Every save in the folder, newest first; broken ones are listed with their error."""
    if not directory.is_dir():
        return []
    infos = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            modified = path.stat().st_mtime_ns
        except OSError:
            continue
        name = path.name[: -len(SUFFIX)]
        try:
            infos.append(SaveInfo(path, name, modified, save=read_save(path)))
        except SaveError as exc:
            infos.append(SaveInfo(path, name, modified, error=str(exc)))
    infos.sort(key=lambda i: (-i.modified_ns, i.name))
    return infos


def latest_save(directory: Path) -> SaveInfo | None:
    """The newest readable save (what "continue" loads)."""
    return next((i for i in list_saves(directory) if i.ok), None)


def autosave(directory: Path, save: SaveGame, keep: int = AUTOSAVE_KEEP) -> Path:
    """Write ``autosave-NNN`` for the current quarter and delete all but the newest ``keep``."""
    path = write_save(directory / f"{AUTOSAVE_PREFIX}{save.turns:03d}{SUFFIX}", save)
    autos = sorted(
        (p for p in directory.glob(f"{AUTOSAVE_PREFIX}*{SUFFIX}")),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    for old in autos[keep:]:
        old.unlink(missing_ok=True)
    return path


def replay_state(
    save: SaveGame,
    content: Content,
    before_step: Callable[[MatchState], None] | None = None,
) -> MatchState:
    """Re-simulate a save from its seed; every quarter's hash must match the recorded one.

    ``before_step(state)`` runs before each quarter (the TUI uses it to let rival bots see
    the same observations they saw when the game was played, so they resume in step).
    """
    from game.engine.setup import new_match
    from game.engine.step import step

    try:
        state = new_match(content, save.scenario, save.seed, save.names)
    except (KeyError, ValueError) as exc:
        raise SaveError(f"the save does not fit this game: {exc}") from None
    if save.content_hash and save.content_hash != state.world.content_hash:
        raise SaveError("the save was made with different game content; it cannot be replayed")
    for turn, (actions, expected) in enumerate(zip(save.quarters, save.hashes, strict=True)):
        if state.over:
            raise SaveError(f"the save has more quarters than its scenario ({turn})")
        if before_step is not None:
            before_step(state)
        state, _ = step(state, [list(seat) for seat in _pad(actions, state.n_players)])
        if state.last_hash != expected:
            raise SaveError(f"the save does not replay: quarter {turn + 1} gives a different state")
    return state


def _pad(actions: Sequence[Sequence[dict[str, Any]]], n: int) -> list[Sequence[dict[str, Any]]]:
    out = list(actions)[:n]
    return out + [()] * (n - len(out))
