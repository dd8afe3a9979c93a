"""Saved games: replay files in the saves folder, one autosave file per game, a listing that
survives broken files.

A save is a replay (:mod:`game.arena.replay`) without its result line: the header (content hash,
scenario, seed, each seat's name, industry, rival and who played it) and one line per played
quarter with every seat's submitted actions and the state hash. ``capwars replay show`` and
``capwars replay verify`` read saves as they read replays. Loading re-simulates the match from
the seed and checks every hash, so a loaded game is exactly the game that was saved. A finished
game is saved with its result line: it is then a complete replay.

Every game has an id (:func:`new_game_id`: scenario, seed, the players' company names and the
time it started, e.g. ``tutorial-seed7-team-red-20261128-013512-a3f9``), kept in the save's
header (``settings["game"]``). Its autosave, ``autosave-<game id>.jsonl``, is rewritten after
every quarter: a new game never touches another game's file, so a finished game's final save
stays until its owner deletes it; the team's name in it tells a class's handed-in files apart.
Autosaves of older versions (``autosave-007.jsonl``, named by quarters played, or without the
team's name) still load: a loaded game keeps the id its save recorded.

A loaded game goes on in its own autosave file (:func:`continue_autosave`): loading the
autosave continues it; loading a named save continues the game's autosave too, unless that
file is further along or went another way (the player loaded an earlier save to try again):
then the game goes on in a new autosave file and the other one is kept. So one game is one
autosave file, and a save is never overwritten by a shorter game. Nothing is deleted but by
the player: :func:`delete_save` (Load's delete key) and ``capwars saves prune`` (unfinished
autosaves older than a number of days, never a finished game or a named save).

Writes are atomic (:func:`game.arena.replay.write_lines`: temp file in the same folder, fsync,
``os.replace``): a kill in the middle of a save leaves the previous file intact.

The replay module (and with it the engine) is imported on first use, so listing the module
costs nothing at start-up.

>>> from pathlib import Path
>>> save_path(Path("saves"), "my game").name
'my game.jsonl'
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.rules.problems import counted

if TYPE_CHECKING:  # the engine loads only when a save is read (keeps start-up fast)
    from game.arena.replay import Replay
    from game.engine.report import QuarterReport
    from game.engine.state import MatchState
    from game.rules.models import Content

SUFFIX = ".jsonl"
"""Saves are written as plain JSON lines (readable in any text editor); ``.jsonl.gz`` files are
read too."""
SUFFIXES = (".jsonl", ".jsonl.gz")
OLD_SUFFIX = ".capwars.json"
"""The single-object format of the first TUI; listed as unreadable with the reason."""
AUTOSAVE_PREFIX = "autosave-"
GAME_KEY = "game"
"""The key of the game id in a save header's ``settings``."""
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


def _safe(name: str, limit: int = 60) -> str:
    return "".join(c if c.isalnum() or c in "-_ " else "_" for c in name.strip())[:limit].strip()


SAVE_NAME_LIMIT = 60
"""At most this many characters of a save's name in its file name."""


def safe_save_name(name: str) -> str:
    """``name`` as the file name of a save (without its suffix): letters (any alphabet),
    digits, ``-``, ``_`` and single spaces kept; a run of anything else (``/``, ``.``, ``:``,
    tabs) one ``_``; spaces, ``_`` and ``-`` trimmed at both ends; at most
    :data:`SAVE_NAME_LIMIT` characters. Empty when the name has no letter or digit: the
    caller refuses it (``///`` would otherwise be saved as ``___.jsonl``).

    >>> safe_save_name("  my   game  "), safe_save_name("v1.2: ../final")
    ('my game', 'v1_2_final')
    >>> safe_save_name("Équipe 团队"), safe_save_name("autosave-x.jsonl")
    ('Équipe 团队', 'autosave-x_jsonl')
    >>> safe_save_name("///"), safe_save_name(" . _ - "), len(safe_save_name("x" * 500))
    ('', '', 60)
    """
    name = unicodedata.normalize("NFC", name)  # é typed or pasted decomposed: one file name
    kept = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name)
    kept = re.sub(r"[ _]*_[ _]*", "_", kept)
    kept = re.sub(r" +", " ", kept).strip(" _-")[:SAVE_NAME_LIMIT].strip(" _-")
    return kept if any(c.isalnum() for c in kept) else ""


def save_path(directory: Path, name: str) -> Path:
    """Where a save called ``name`` lives (the name made safe for a file system by
    :func:`safe_save_name`). A name without a letter or digit, or one an autosave's file name
    starts with (``capwars saves prune`` deletes old autosaves), is refused."""
    safe = safe_save_name(name)
    if not safe:
        shown = name.strip()
        raise SaveError(
            f"'{shown}' has no letter or digit to make a file name of: type a name with a"
            " letter or digit in it."
            if shown
            else "Type a name for the save (letters or digits)."
        )
    if safe.casefold().startswith(AUTOSAVE_PREFIX):
        raise SaveError(
            f"Names starting with '{AUTOSAVE_PREFIX}' are kept for the game's own autosaves"
            " (capwars saves prune deletes old ones): type another name."
        )
    return directory / f"{safe}{SUFFIX}"


TEAM_SLUG_LIMIT = 30
"""At most this many characters of the players' names in a game id (and its file name)."""


def slug(name: str, limit: int = TEAM_SLUG_LIMIT) -> str:
    """``name`` as a file-name word: lower case ASCII letters and digits joined by ``-``
    (accents dropped, anything else a separator); empty when nothing is left.

    >>> slug("  Team Red!  "), slug("Équipe Rouge"), slug("../../etc"), slug("团队")
    ('team-red', 'equipe-rouge', 'etc', '')
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold())[:limit].strip("-")


def new_game_id(
    scenario: str,
    seed: int,
    when: datetime | None = None,
    tag: str | None = None,
    teams: Sequence[str] = (),
) -> str:
    """The id of a game started now (or ``when``, local time): scenario, seed, the company
    names of the players (``teams``, as file-name words: a class's files then differ by team),
    start time and four random hex digits (``tag``), so two games started in the same second
    still differ.

    >>> new_game_id("tutorial", 7, datetime(2026, 11, 28, 1, 35, 12), "a3f9", ["Team Red"])
    'tutorial-seed7-team-red-20261128-013512-a3f9'
    >>> new_game_id("tutorial", 7, datetime(2026, 11, 28, 1, 35, 12), "a3f9")
    'tutorial-seed7-20261128-013512-a3f9'
    """
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    who = slug("-".join(slug(t) for t in teams))
    return "-".join(
        part for part in (scenario, f"seed{seed}", who, stamp, tag or secrets.token_hex(2)) if part
    )


def autosave_path(directory: Path, game_id: str) -> Path:
    """The autosave file of the game ``game_id``.

    >>> autosave_path(Path("saves"), "tutorial-seed7-20261128-013512").name
    'autosave-tutorial-seed7-20261128-013512.jsonl'
    """
    return directory / f"{AUTOSAVE_PREFIX}{_safe(game_id, 120) or 'game'}{SUFFIX}"


def game_id_of(save: Replay) -> str | None:
    """The game id a save recorded (``None`` for a save from before games had ids)."""
    value = save.header.settings.get(GAME_KEY)
    return value if isinstance(value, str) and value else None


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
    return list(iter_saves(directory))


def iter_saves(directory: Path) -> Iterator[SaveInfo]:
    """:func:`list_saves` one file at a time: files are ordered by their dates alone and each
    is read when it is reached, so a caller that stops at the first it wants reads no more."""
    for modified, path in save_files(directory):
        name = save_name(path)
        try:
            yield SaveInfo(path, name, modified, save=read_save(path))
        except SaveError as exc:
            yield SaveInfo(path, name, modified, error=str(exc))


def save_files(directory: Path, *, old: bool = True) -> list[tuple[int, Path]]:
    """The save files in the folder, ``(modified_ns, path)`` newest first (by date, then by
    name): plain (``.jsonl``) and gzip (``.jsonl.gz``) saves, and with ``old`` the first TUI's
    ``.capwars.json`` files too. Hidden files (a save being written) are not saves. What every
    listing of the folder goes by: Load, Continue, the title screen's hint, class play's
    game lookup in ``capwars serve``."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if not _is_save(path) or (not old and path.name.endswith(OLD_SUFFIX)):
            continue
        try:
            modified = path.stat().st_mtime_ns
        except OSError:
            continue
        found.append((-modified, save_name(path), path))
    found.sort(key=lambda item: item[:2])
    return [(-negative, path) for negative, _, path in found]


def latest_save(directory: Path) -> SaveInfo | None:
    """The newest readable save (what "continue" loads)."""
    return next((i for i in iter_saves(directory) if i.ok), None)


PEEK_TAIL = 65536
"""How much of a plain save's end :func:`peek_save` reads for its last line."""


def peek_save(path: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A save's first and last lines (its header, and its last quarter or its result), read
    cheaply: of a plain file its first line and its last 64 kB, a gzip file as a stream (it
    cannot be read from its end). Nothing is checked (loading checks everything); None when
    the file cannot be read or either line is not a JSON object."""
    import gzip
    import zlib

    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                first = json.loads(stream.readline())
                tail = b""
                for line in stream:
                    if line.strip():
                        tail = line
                last = json.loads(tail) if tail else first
        else:
            with path.open("rb") as handle:
                first = json.loads(handle.readline())
                handle.seek(max(0, os.fstat(handle.fileno()).st_size - PEEK_TAIL))
                last = json.loads(handle.read().splitlines()[-1])
    except (OSError, EOFError, zlib.error, ValueError, IndexError):
        return None
    if not (isinstance(first, dict) and isinstance(last, dict)):
        return None
    return first, last


def peek_newest(directory: Path) -> tuple[str, str] | None:
    """The newest save file's name and a hint of whose game it is and where it stands
    (``Bank 1 · tutorial, seed 7 · after 2027 Q3``), cheaply (for the title screen): only its
    first and last lines are parsed (:func:`peek_save`), nothing is checked; loading checks
    everything. An autosave of a game left before its first quarter (earlier versions wrote
    them) is passed over for an older game that was played, as Continue does."""
    files = save_files(directory, old=False)
    if not files:
        return None
    for _, path in files:
        peeked = peek_save(path)
        unplayed = peeked is not None and peeked[1].get("kind") == "header"
        if not (unplayed and is_autosave(path)):
            return save_name(path), _hint(peeked)
    path = files[0][1]
    return save_name(path), _hint(peek_save(path))


def is_autosave(path: Path) -> bool:
    """Whether ``path`` is named as a game's autosave (its contents are not read)."""
    return Path(path).name.startswith(AUTOSAVE_PREFIX)


def _hint(peeked: tuple[dict[str, Any], dict[str, Any]] | None) -> str:
    if peeked is None:
        return ""
    first, last = peeked
    try:
        players = first.get("players", [])
        humans = [p.get("name", "?") for p in players if p.get("bot") == "human"]
        game = f"{first.get('scenario', '?')}, seed {first.get('seed', '?')}"
        hint = f"{', '.join(humans)} · {game}" if humans else game
    except (AttributeError, TypeError):
        return ""
    if last.get("kind") == "quarter":
        hint += f" · after {last.get('label', '?')}"
    elif last.get("kind") == "result":
        hint += " · finished"
    elif last.get("kind") == "header":
        hint += " · not started"
    return hint


def newest_started(directory: Path, scenario: str | None, seed: int | None) -> Path | None:
    """The folder's newest save of the game ``scenario`` and ``seed`` with at least one quarter
    played, finished or not (None if there is none), found as :func:`peek_newest` finds the
    newest save: plain and gzip saves, newest first, each only peeked at (the first match
    stops the search). ``capwars serve --fixed`` opens it for a student back in class."""
    for _, path in save_files(directory, old=False):
        peeked = peek_save(path)
        if peeked is None:
            continue
        first, last = peeked
        same = first.get("scenario") == scenario and first.get("seed") == seed
        if same and last.get("kind") in ("quarter", "result"):
            return path
    return None


def autosave(directory: Path, lines: Sequence[dict[str, Any]], game_id: str) -> Path:
    """Write the game's autosave (``autosave-<game id>.jsonl``) over its previous one.

    Only this game's file is written: other games' saves, finished or not, are never touched.
    """
    return write_save(autosave_path(directory, game_id), lines)


@dataclass(frozen=True)
class Continuation:
    """Where a loaded game autosaves: ``game_id`` names its autosave file (``None``: a new
    game id, hence a new file); ``kept`` is the game's autosave left alone because it is
    further along or went another way than the loaded save (``None`` when there is none)."""

    game_id: str | None
    kept: Path | None = None
    why: str = ""
    """Why ``kept`` is left alone, e.g. ``is further along (after 2028 Q3 (12/24))``."""


def _hashes(save: Replay) -> list[str]:
    return [q.hash for q in save.quarters]


def continue_autosave(save: Replay, directory: Path | None = None) -> Continuation:
    """Where the game loaded from ``save`` goes on autosaving into ``directory`` (default:
    the save's folder).

    * the game's own autosave file: goes on in it;
    * a named save of a game whose autosave is missing, behind it or at the same quarter
      (its quarters are the save's first quarters): goes on in that autosave, which loses
      nothing, so the game stays one file;
    * a named save whose game's autosave is further along, went another way, is finished
      later or cannot be read: a new autosave file, the other is kept (never overwritten);
    * a save from before games had ids: a new autosave file.
    """
    game_id = game_id_of(save)
    if game_id is None:
        return Continuation(None)
    own = autosave_path(directory if directory is not None else save.path.parent, game_id)
    if not own.exists() or own.resolve() == Path(save.path).resolve():
        return Continuation(game_id)
    try:
        other = read_save(own)
    except SaveError:
        return Continuation(None, own, "cannot be read")
    mine, theirs = _hashes(save), _hashes(other)
    behind = len(theirs) <= len(mine) and mine[: len(theirs)] == theirs
    if behind and (not other.finished or save.finished):
        return Continuation(game_id)
    ahead = len(mine) <= len(theirs) and theirs[: len(mine)] == mine
    how = "is further along" if ahead else "went another way"
    return Continuation(None, own, f"{how} ({save_label(other)})")


def delete_save(path: Path) -> None:
    """Delete one save file (the player chose it; nothing else is touched)."""
    Path(path).unlink()


def stale_autosaves(directory: Path, days: float, now: float | None = None) -> list[SaveInfo]:
    """Autosaves not written for ``days`` days whose game is not finished: what ``capwars
    saves prune`` deletes. Finished games, named saves and unreadable files are never listed."""
    import time

    limit = (now if now is not None else time.time()) - days * 86400
    return [
        info
        for info in list_saves(directory)
        if info.path.name.startswith(AUTOSAVE_PREFIX)
        and info.save is not None
        and not info.save.finished
        and info.modified_ns / 1e9 < limit
    ]


def replay_state(
    save: Replay,
    content: Content,
    before_step: Callable[[MatchState], None] | None = None,
    after_step: Callable[[MatchState, QuarterReport], None] | None = None,
) -> MatchState:
    """Re-simulate a save from its seed; every quarter's hash must match the recorded one.

    ``before_step(state)`` runs before each quarter (the TUI uses it to let rival bots see
    the same observations they saw when the game was played, so they resume in step);
    ``after_step(state, report)`` after each (the TUI keeps the reports: news, last report).
    """
    from game.arena.replay import NotReproduced, ReplayError, opening_state
    from game.engine.step import MatchOverError, step

    try:
        state = opening_state(save, content)
    except NotReproduced:  # other content: said in a player's words, without the hashes
        message = (
            "the save was made with different game content (a different --content folder, an"
            " edited lesson file or another game version); it cannot be replayed"
        )
        raise SaveError(_plain(message, save.path)) from None
    except ReplayError as exc:
        raise SaveError(_plain(str(exc), save.path)) from None
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
        if after_step is not None:
            after_step(state, report)
    return state


# ---------------------------------------------------------------------- capwars saves
def _when(info: SaveInfo) -> str:
    return datetime.fromtimestamp(info.modified_ns / 1e9).strftime("%Y-%m-%d %H:%M")


def _describe(info: SaveInfo) -> str:
    """One listing line: file, when written, whose game and where it stands (or why broken)."""
    if info.save is None:
        return f"{info.path.name}  {_when(info)}  cannot be loaded: {info.error}"
    header = info.save.header
    humans = ", ".join(p.name for p in header.players if p.bot == "human") or "bots"
    return (
        f"{info.path.name}  {_when(info)}  {humans} · {header.scenario}, seed {header.seed}"
        f" · {save_label(info.save)}"
    )


def cmd_saves(args: Any) -> int:
    """``capwars saves [list|prune]``: list the saves folder, or delete its stale autosaves."""
    directory = saves_dir(args.dir)
    if getattr(args, "action", None) != "prune":
        infos = list_saves(directory)
        if not infos:
            print(f"No saves in {directory}.")
            return 0
        print(f"{counted(len(infos), 'save')} in {directory}, newest first:")
        for info in infos:
            print(f"  {_describe(info)}")
        return 0
    if not (0 <= args.older_than < float("inf")):  # NaN too: it matched no file, silently
        print(
            f"capwars: error: --older-than needs a number of days, 0 or more (such as"
            f" --older-than 30); got {args.older_than!r}",
            file=sys.stderr,
        )
        return 2
    stale = stale_autosaves(directory, args.older_than)
    days = f"{args.older_than:g} day{'' if args.older_than == 1 else 's'}"
    if not stale:
        print(
            f"No unfinished autosave in {directory} is older than {days}. (Finished games and"
            " named saves are never pruned.)"
        )
        return 0
    if not args.yes:
        print(f"{counted(len(stale), 'unfinished autosave')} in {directory} not played for {days}:")
        for info in stale:
            print(f"  {_describe(info)}")
        print(
            f"Nothing deleted. To delete {'it' if len(stale) == 1 else 'them'}: capwars saves"
            f" prune --older-than {args.older_than:g} --yes"
            + (f" --dir {directory}" if args.dir is not None else "")
            + " (finished games and named saves are never pruned)."
        )
        return 0
    failed = 0
    for info in stale:
        try:
            delete_save(info.path)
        except OSError as exc:
            failed += 1
            print(f"  could not delete {info.path.name}: {exc}")
        else:
            print(f"  deleted {_describe(info)}")
    print(
        f"Deleted {counted(len(stale) - failed, 'unfinished autosave')} not played for"
        f" {days}; finished games and named saves are kept."
    )
    return 1 if failed else 0


def register_cli(subparsers: Any) -> None:
    """Add ``capwars saves`` (``list``, ``prune``) to the CLI's subcommands."""
    parser = subparsers.add_parser(
        "saves", help="list saved games; delete old unfinished autosaves"
    )
    parser.add_argument(
        "--dir",
        default=None,
        metavar="DIR",
        help=f"the saves folder (default: ${ENV_VAR}, else ./saves)",
    )
    actions = parser.add_subparsers(dest="action", metavar="{list,prune}")
    listing = actions.add_parser(
        "list", help="every save, newest first, with where its game stands"
    )
    prune = actions.add_parser(
        "prune",
        help="delete unfinished autosaves not played for some days (asks for --yes first);"
        " finished games and named saves are never deleted",
    )
    prune.add_argument(
        "--older-than",
        type=float,
        default=30.0,
        metavar="DAYS",
        help="autosaves last written more than DAYS days ago (default: 30)",
    )
    prune.add_argument(
        "--yes", action="store_true", help="delete them (without it, only list them)"
    )
    for sub in (listing, prune):  # --dir after the action too; SUPPRESS keeps one before it
        sub.add_argument("--dir", default=argparse.SUPPRESS, metavar="DIR", help="saves folder")
    parser.set_defaults(handler=cmd_saves)
