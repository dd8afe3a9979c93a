"""``results.jsonl``: one JSON object per finished match, appended as matches finish.

Each line is written whole, flushed and fsynced before the next match is counted as done, so a
tournament killed at any moment leaves every finished match on disk and at most one partial last
line. :func:`read_results` drops (and :meth:`ResultsFile.open` cuts off) such a line; every other
line must be a valid record, and a damaged one is reported as ``file:line``.

A record (see :func:`record_from_outcome`)::

    {"match_id": "...", "scenario": "tutorial", "seed": 1, "bots": ["idle", "random"],
     "ranks": [2, 1], "scores": [...], "statuses": ["active", "active"],
     "bot_statuses": ["ok", "ok"], "turns": 8,
     "final_hash": "...", "content_hash": "...", "failures": [], "malformed": [0, 0]}

Lists are by seat. ``bots`` holds each seat's spec, or ``filler:SPEC`` for a filler seat (a house
bot in a seat the entrants could not fill; it counts for no entrant). ``statuses`` is the seat's
place in the game (``active``, ``bankrupt``, ``eliminated``); ``bot_statuses`` is how its bot
behaved (``ok``, or ``invalid``, ``timeout``, ``error`` for an external bot that was eliminated).
``malformed`` counts the actions each seat sent that were not actions at all (dropped by the
rules as ``malformed`` or ``too_many_actions``): a bot can lose every match that way without a
single failure.
Nothing in a record depends on the machine, the worker or the clock, so the same tournament gives
byte-identical records however it is run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.arena.match import MatchOutcome

RESULTS_NAME = "results.jsonl"
REQUIRED_KEYS = frozenset({"match_id", "scenario", "seed", "bots", "ranks", "statuses"})


class ResultsError(ValueError):
    """A results file that cannot be read: names the file and line."""


def record_from_outcome(
    match_id: str,
    outcome: MatchOutcome,
    labels: Sequence[str] | None = None,
    malformed: Sequence[int] | None = None,
) -> dict[str, Any]:
    """The results line of a finished match; ``labels``: the seats' names (default: the bots');
    ``malformed``: per seat, the actions rejected as ``malformed`` or ``too_many_actions``
    (dropped; the bot played on without them)."""
    by_seat = sorted(outcome.standings, key=lambda s: s.seat)
    extra = {} if malformed is None else {"malformed": [int(n) for n in malformed]}
    return {
        **extra,
        "match_id": match_id,
        "scenario": outcome.state.world.scenario.id,
        "seed": int(outcome.state.seed),
        "bots": list(outcome.bots if labels is None else labels),
        "ranks": [s.rank for s in by_seat],
        "scores": [s.score for s in by_seat],
        "statuses": [s.status for s in by_seat],
        "bot_statuses": [outcome.seat_report(seat).status for seat in range(len(by_seat))],
        "turns": int(outcome.state.turn),
        "final_hash": outcome.final_hash,
        "content_hash": outcome.state.world.content_hash,
        "failures": [
            {"turn": t, "seat": seat, "error": text} for t, seat, text in outcome.failures
        ],
    }


def dumps(record: dict[str, Any]) -> str:
    """One record as one canonical line (sorted keys, no spaces, no trailing newline)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _parse(path: Path, text: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ResultsError(f"{path}:{number}: not a JSON object")
    missing = REQUIRED_KEYS - record.keys()
    if missing:
        raise ResultsError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
    return record


def _scan(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The records of a file and the byte length of its complete part.

    A last line without its newline is a write the kill interrupted: it is left out (whether or
    not it happens to parse, since its fsync never finished).
    """
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    records = []
    for number, raw in enumerate(data[:end].split(b"\n")[:-1], start=1):
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            records.append(_parse(path, line, number))
    return records, end


def read_results(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete record in a results file (or folder holding ``results.jsonl``).

    Records with an id seen before are dropped: the first copy counts.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_NAME
        if not path.is_file():
            raise ResultsError(
                f"no results file at {path}: no tournament has finished a match in"
                f" {path.parent} yet (capwars tournament run ... --out {path.parent})"
            )
    if not path.is_file():
        raise ResultsError(f"no tournament folder or results file {path}")
    records, _ = _scan(path)
    return list(_unique(records))


def _unique(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for record in records:
        if record["match_id"] not in seen:
            seen.add(record["match_id"])
            yield record


class ResultsFile:
    """An open ``results.jsonl`` that matches are appended to, one durable line at a time."""

    def __init__(self, path: Path, handle: IO[str], records: list[dict[str, Any]], repaired: int):
        self.path = path
        self._handle = handle
        self.records = records
        """The records already in the file when it was opened (first copy of each id)."""
        self.repaired_bytes = repaired
        """Bytes of an interrupted last line that :meth:`open` cut off (0 if none)."""

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> ResultsFile:
        """Open (creating if needed) the results of a tournament folder for appending."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / RESULTS_NAME
        records: list[dict[str, Any]] = []
        repaired = 0
        if path.exists():
            records, end = _scan(path)
            size = path.stat().st_size
            if end < size:
                with path.open("r+b") as raw:
                    raw.truncate(end)
                    raw.flush()
                    os.fsync(raw.fileno())
                repaired = size - end
        handle = path.open("a", encoding="utf-8", newline="\n")
        return cls(path, handle, list(_unique(records)), repaired)

    @property
    def done(self) -> set[str]:
        return {r["match_id"] for r in self.records}

    def append(self, record: dict[str, Any]) -> None:
        """Write one record and make it durable before returning."""
        self._handle.write(dumps(record) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.records.append(record)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
