"""Replays and saves: a match as JSON lines, re-simulated from its seed to check every hash.

A replay file (``.jsonl``, or gzip-compressed when the name ends in ``.gz``) holds::

    {"kind": "header", "format": 1, "engine": "0.1.0", "content_hash": ..., "scenario": ...,
     "seed": ..., "players": [{"seat": 0, "name": ..., "bot": ...}, ...], "quarters": 24,
     "settings": {"lesson_mode": true, ...}}
    {"kind": "quarter", "turn": 0, "label": "2027 Q1", "submitted": [[action, ...], ...],
     "applied": [...], "rejected": [[[type, code, message], ...], ...], "events": [ids],
     "bot_failures": {"2": "ValueError: ..."},
     "predictions": {"0": {"question": ..., "answer": ...}}, "hash": ...}
    ...
    {"kind": "result", "final_hash": ..., "standings": [...]}

The header's ``settings`` (how the TUI's room was set up: lesson mode, turn timer, a salted hash
of the facilitator PIN; the limits ``capwars match`` gave its ``cmd:`` bots) is optional.
``injected`` (events a facilitator started) and ``predictions`` (lesson mode: each team's
answer to the quarter's prediction question, asked before it resolved) appear only when there
are some.
A *save* is the same file without the result line. The world is rebuilt from the seed and the
*submitted* actions (the engine decides again what is applied), so a replay is small and
:func:`verify_replay` proves that this engine and this content still play the match the same way.

>>> from game.arena.match import run_match
>>> from game.arena.replay import ReplayWriter, verify_replay
>>> run_match(scenario="tutorial", seed=3, recorders=[ReplayWriter("t.jsonl")])  # doctest: +SKIP
>>> verify_replay("t.jsonl").ok                                                  # doctest: +SKIP
True

Files are written atomically (a temporary file in the same folder, flushed to disk, then renamed
over the target), so a kill while saving leaves either the old file or the new one, never half.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

import game
from game.arena.errors import NotReproduced, ReplayError
from game.arena.files import write_atomic
from game.engine.report import QuarterReport
from game.engine.scoring import Standing, standings
from game.engine.setup import new_match
from game.engine.state import MatchState
from game.engine.step import MatchOverError, step
from game.rules.loader import content_hash, load_content, match_content_hash
from game.rules.models import Content, Seat
from game.rules.problems import counted

FORMAT = 1
"""The replay format version this module writes and reads."""

GZIP_MAGIC = b"\x1f\x8b"

PathLike = str | os.PathLike[str]


# ---------------------------------------------------------------------------------------------
# The lines of the file


class _Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ReplayPlayer(_Line):
    """One seat of the match: its name, its bot, and the industry (and rival) it played."""

    seat: int
    name: str
    bot: str
    industry: str | None = None
    rival: str | None = None


class ReplayHeader(_Line):
    """The first line: everything needed to rebuild the opening state."""

    kind: Literal["header"] = "header"
    format: int
    engine: str
    content_hash: str
    scenario: str
    seed: int
    players: list[ReplayPlayer]
    quarters: int
    catch_up: bool | None = None
    """The catch-up rule as played (a facilitator may switch it); absent in older files."""
    settings: dict[str, Any] = {}
    """Settings of the program that played the match which are not part of the world, kept so
    that a save resumes as it was left: the TUI writes ``lesson_mode``, ``turn_seconds`` and
    ``pin_hash`` (a salted hash of the facilitator PIN, never the PIN); ``capwars match`` with
    an external bot writes ``limits``, what its ``cmd:`` bots had (``turn_seconds``,
    ``bank_seconds``, ``init_seconds``, ``memory_mb``, ``cpu_seconds``, ``max_open_files``,
    ``max_file_mb``, ``max_processes``; older files only the first three). Replays,
    verification and reports ignore it; optional (absent in older files and in matches run by
    :func:`~game.arena.match.run_match`)."""


class ReplayQuarter(_Line):
    """One quarter: what each seat submitted, what the engine did with it, and the state hash."""

    kind: Literal["quarter"] = "quarter"
    turn: int
    label: str
    submitted: list[list[dict[str, Any]]]
    applied: list[list[dict[str, Any]]]
    rejected: list[list[tuple[str, str, str]]]
    events: list[str]
    injected: list[str] = []
    """Events a facilitator started by hand (replayed as they were)."""
    bot_failures: dict[int, str] = {}
    predictions: dict[int, dict[str, Any]] = {}
    """Lesson mode: each seat's answer to the scenario's prediction question for this quarter,
    asked before the quarter resolved: ``{seat: {"question": ..., "answer": ...}}`` (the
    answer as the team typed or chose it; more keys, such as ``"metric"``, may follow).
    Optional: a quarter without predictions omits the field."""
    hash: str


class ReplayResult(_Line):
    """The last line of a finished match."""

    kind: Literal["result"] = "result"
    final_hash: str
    standings: list[dict[str, Any]]


@dataclass(frozen=True)
class Replay:
    """A replay or save as read from disk."""

    path: Path
    header: ReplayHeader
    quarters: tuple[ReplayQuarter, ...]
    result: ReplayResult | None
    """``None`` for a save (a match still in progress)."""

    @property
    def finished(self) -> bool:
        return self.result is not None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.header.players)

    @property
    def bots(self) -> tuple[str, ...]:
        return tuple(p.bot for p in self.header.players)

    def actions(self) -> list[list[list[dict[str, Any]]]]:
        """``actions[quarter][seat]``: the submitted actions, ready for ``step()``."""
        return [[list(seat) for seat in q.submitted] for q in self.quarters]


# ---------------------------------------------------------------------------------------------
# Writing


def header_line(state: MatchState, bots: Sequence[str]) -> dict[str, Any]:
    """The header of a replay of the match that starts at ``state``."""
    world = state.world
    return ReplayHeader(
        format=FORMAT,
        engine=game.__version__,
        content_hash=world.content_hash,
        scenario=world.scenario.id,
        seed=state.seed,
        players=[
            ReplayPlayer(
                seat=seat,
                name=name,
                bot=bots[seat] if seat < len(bots) else "",
                industry=world.scenario.seats[seat].industry,
                rival=world.scenario.seats[seat].rival,
            )
            for seat, name in enumerate(state.names)
        ],
        quarters=world.scenario.quarters,
        catch_up=world.scenario.catch_up,
    ).model_dump(mode="json", exclude={"settings"})  # a front end adds its own settings


def quarter_line(
    report: QuarterReport,
    failures: dict[int, str] | None = None,
    predictions: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The line for one quarter, from the report :func:`~game.engine.step` returned, and the
    teams' lesson-mode answers for it (``{seat: {"question": ..., "answer": ...}}``)."""
    return {
        "kind": "quarter",
        "turn": report.turn,
        "label": report.label,
        "submitted": [[dict(a) for a in seat] for seat in report.submitted],
        "applied": [[dict(a) for a in seat] for seat in report.applied],
        "rejected": [[list(r) for r in seat] for seat in report.rejected],
        "events": list(report.events),
        **({"injected": list(report.injected)} if report.injected else {}),
        "bot_failures": {str(seat): text for seat, text in sorted((failures or {}).items())},
        **(
            {"predictions": {str(seat): dict(a) for seat, a in sorted(predictions.items())}}
            if predictions
            else {}
        ),
        "hash": report.state_hash,
    }


def standing_json(s: Standing) -> dict[str, Any]:
    """One standing as the result line records it (score in $M, shares 0 to 1)."""
    return {
        "seat": s.seat,
        "name": s.name,
        "rank": s.rank,
        "score": s.score,
        "status": s.status,
        "title": s.title,
        "served_share": round(s.served_share, 6),
        "cost_per_kgpu": round(s.cost_per_kgpu, 6) if math.isfinite(s.cost_per_kgpu) else None,
    }


def result_line(state: MatchState, final: Sequence[Standing]) -> dict[str, Any]:
    """The last line of a finished match: its final state hash and the standings."""
    return {
        "kind": "result",
        "final_hash": state.last_hash,
        "standings": [standing_json(s) for s in final],
    }


def write_lines(path: PathLike, lines: Sequence[dict[str, Any]]) -> None:
    """Write JSON lines to ``path`` atomically (gzip if the name ends in ``.gz``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(
        json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n" for line in lines
    )
    data = text.encode("utf-8")
    if target.name.endswith(".gz"):
        # mtime=0 keeps the bytes a pure function of the match.
        data = gzip.compress(data, mtime=0)
    write_atomic(target, data)


@dataclass
class ReplayWriter:
    """A :class:`~game.arena.match.Recorder` that writes a replay, or a save, to ``path``.

    As a recorder for :func:`~game.arena.match.run_match` it writes the finished replay when the
    match ends. A game driven step by step (the TUI) calls :meth:`start`, :meth:`quarter` after
    every :func:`~game.engine.step`, and :meth:`save` whenever it wants the game on disk; with
    ``autosave=True`` every quarter is saved as it is recorded.
    """

    path: PathLike
    autosave: bool = False
    labels: Sequence[str] | None = None
    """Bot labels for the header, overriding those the runner passes (e.g. the specs typed)."""
    settings: dict[str, Any] | None = None
    """The header's ``settings`` (e.g. ``capwars match``'s ``limits`` of its ``cmd:`` bots)."""
    lines: list[dict[str, Any]] = field(default_factory=list)

    def start(self, state: MatchState, bots: Sequence[str]) -> None:
        self.lines = [header_line(state, self.labels if self.labels is not None else bots)]
        if self.settings:
            self.lines[0]["settings"] = dict(self.settings)
        if self.autosave:
            self.save()

    def quarter(
        self,
        report: QuarterReport,
        failures: dict[int, str],
        predictions: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        """Record a quarter; ``predictions`` holds lesson mode's answers asked before it."""
        if not self.lines:
            raise ReplayError("ReplayWriter.quarter() called before start()")
        self.lines.append(quarter_line(report, failures, predictions))
        if self.autosave:
            self.save()

    def end(self, state: MatchState, final: list[Standing]) -> None:
        self.lines.append(result_line(state, final))
        self.save()

    def save(self, path: PathLike | None = None) -> Path:
        """Write what has been recorded so far (a save, until the result is in)."""
        target = Path(path if path is not None else self.path)
        write_lines(target, self.lines)
        return target

    @classmethod
    def resume(
        cls, replay: Replay, path: PathLike | None = None, autosave: bool = False
    ) -> ReplayWriter:
        """A writer that continues a loaded save (its quarters are kept)."""
        if replay.finished:
            raise ReplayError(f"{replay.path}: the match is over; there is nothing to continue")
        lines = [replay.header.model_dump(mode="json")]
        lines += [q.model_dump(mode="json") for q in replay.quarters]
        for line in lines[1:]:
            line["bot_failures"] = {str(k): v for k, v in line["bot_failures"].items()}
            if line.get("predictions"):
                line["predictions"] = {str(k): v for k, v in line["predictions"].items()}
            else:
                line.pop("predictions", None)
        target = path if path is not None else replay.path
        return cls(target, autosave=autosave, lines=lines)


# ---------------------------------------------------------------------------------------------
# Reading


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReplayError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReplayError(f"{path}: is a folder, not a replay file") from None
    except OSError as exc:
        raise ReplayError(f"{path}: cannot read: {exc.strerror or exc}") from None


MAX_UNPACKED_MB = 256
"""The most a gzip replay may unpack to: a 80-quarter match is well under 1 MB, and a file made
to unpack to gigabytes (a class result handed in by anyone) must not fill the reader's memory."""


AGAIN = "copy it again from where it was written, or use an earlier save or autosave"
"""What to do about a file cut short (a copy made while it was written, a full disk or USB stick):
the game writes its own files whole (into a hidden file, then renamed)."""


def _decode(raw: bytes, path: Path) -> str:
    """A replay file's bytes as text, gunzipped if they are gzip data."""
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = _gunzip(raw, MAX_UNPACKED_MB << 20)
        except EOFError:
            raise ReplayError(
                f"{path}: the gzip data is cut short (the file is truncated): {AGAIN}"
            ) from None
        except OverflowError:
            raise ReplayError(
                f"{path}: unpacks to more than {MAX_UNPACKED_MB} MB; this is not a replay file"
            ) from None
        except (OSError, zlib.error) as exc:
            raise ReplayError(f"{path}: the gzip data is corrupt ({exc})") from None
    elif path.name.endswith(".gz"):
        raise ReplayError(f"{path}: the name ends in .gz but the file is not gzip data")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReplayError(
            f"{path}:{line}: not UTF-8 text (byte {exc.start}); this is not a replay file"
        ) from None


def _gunzip(data: bytes, limit: int) -> bytes:
    """``gzip.decompress`` of every member, raising ``OverflowError`` past ``limit`` bytes."""
    out = bytearray()
    while data:
        member = zlib.decompressobj(wbits=31)  # one gzip member (header and trailer)
        out += member.decompress(data, limit + 1 - len(out))
        if len(out) > limit or member.unconsumed_tail:
            raise OverflowError(limit)
        if not member.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        data = member.unused_data.lstrip(b"\0")  # members may be followed by zero padding
    return bytes(out)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def read_replay(path: PathLike, *, require_result: bool = True) -> Replay:
    """Read and check a replay; with ``require_result=False`` a save (no result line) is fine.

    Raises :class:`ReplayError` naming the line and what is wrong with it.
    """
    path = Path(path)
    return parse_replay(_read_bytes(path), path, require_result=require_result)


def parse_replay(raw: bytes, path: PathLike, *, require_result: bool = True) -> Replay:
    """:func:`read_replay` of a file's bytes (plain or gzip) already in memory; ``path`` names
    the file in error messages and in :attr:`Replay.path`."""
    path = Path(path)
    text = _decode(raw, path)
    lines = text.split("\n")
    ends_cleanly = text.endswith("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header: ReplayHeader | None = None
    quarters: list[ReplayQuarter] = []
    result: ReplayResult | None = None
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        if result is not None:
            raise ReplayError(f"{where}: unexpected content after the result line")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines) and not ends_cleanly:
                after = f" after {counted(len(quarters), 'whole quarter')}" if quarters else ""
                raise ReplayError(
                    f"{where}: the line is cut short (the file is truncated{after}): {AGAIN}"
                ) from None
            raise ReplayError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            raise ReplayError(f'{where}: expected a JSON object with a "kind"')
        kind = data["kind"]
        if header is None:
            if kind != "header":
                raise ReplayError(f"{where}: the first line must be the header, found {kind!r}")
            version = data.get("format")
            if version != FORMAT:
                raise ReplayError(
                    f"{where}: replay format {version!r}; this capwars "
                    f"({game.__version__}) reads format {FORMAT}"
                )
            try:
                header = ReplayHeader.model_validate(data)
            except ValidationError as exc:
                raise ReplayError(f"{where}: bad header: {_problem(exc)}") from None
            continue
        if kind == "quarter":
            try:
                q = ReplayQuarter.model_validate(data)
            except ValidationError as exc:
                raise ReplayError(f"{where}: bad quarter: {_problem(exc)}") from None
            _check_quarter(where, header, q, len(quarters))
            quarters.append(q)
        elif kind == "result":
            try:
                result = ReplayResult.model_validate(data)
            except ValidationError as exc:
                raise ReplayError(f"{where}: bad result: {_problem(exc)}") from None
        elif kind == "header":
            raise ReplayError(f"{where}: a second header")
        else:
            raise ReplayError(f"{where}: unknown line kind {kind!r}")
    if header is None:
        raise ReplayError(f"{path}: empty file, no header line")
    if result is None and require_result:
        raise ReplayError(
            f"{path}: no result line after quarter {len(quarters)}: the file is truncated "
            "(or it is a save of a match in progress, not a finished replay)"
        )
    if result is not None and quarters and result.final_hash != quarters[-1].hash:
        raise ReplayError(
            f"{path}: the result's final hash {result.final_hash} is not the last quarter's"
            f" hash {quarters[-1].hash}"
        )
    return Replay(path=path, header=header, quarters=tuple(quarters), result=result)


def _check_quarter(where: str, header: ReplayHeader, q: ReplayQuarter, index: int) -> None:
    if q.turn != index:
        raise ReplayError(f"{where}: expected quarter {index}, found turn {q.turn}")
    if index >= header.quarters:
        raise ReplayError(
            f"{where}: quarter {index} is past the match's {header.quarters} quarters"
        )
    seats = len(header.players)
    for name in ("submitted", "applied", "rejected"):
        if len(getattr(q, name)) != seats:
            raise ReplayError(
                f"{where}: {name} has {len(getattr(q, name))} seats, the header has {seats}"
            )
    for seat in q.bot_failures:
        if not 0 <= seat < seats:
            raise ReplayError(f"{where}: bot_failures names seat {seat}, there are {seats}")
    for seat in q.predictions:
        if not 0 <= seat < seats:
            raise ReplayError(f"{where}: predictions names seat {seat}, there are {seats}")


def load_actions(path: PathLike) -> tuple[ReplayHeader, list[list[list[dict[str, Any]]]]]:
    """The header and ``actions[quarter][seat]`` of a replay or a save."""
    replay = read_replay(path, require_result=False)
    return replay.header, replay.actions()


# ---------------------------------------------------------------------------------------------
# Re-simulating


@dataclass(frozen=True)
class Mismatch:
    """The first quarter where the re-simulated match differs from the recording."""

    turn: int
    label: str
    detail: str
    """What differs: ``"recorded hash 1a2b…, re-simulated 3c4d…"``."""

    def __str__(self) -> str:
        return f"quarter {self.turn} ({self.label}) differs: {self.detail}"


@dataclass(frozen=True)
class Verification:
    """What :func:`verify_replay` found."""

    replay: Replay
    quarters: int
    """Quarters re-simulated and matching."""
    final_hash: str
    mismatch: Mismatch | None = None

    @property
    def ok(self) -> bool:
        return self.mismatch is None


def opening_state(replay: Replay, content: Content | None = None) -> MatchState:
    """The opening state of the recorded match, after checking the content is the same."""
    content = content if content is not None else load_content()
    header = replay.header
    known = header.scenario in {s.id for s in content.scenarios}
    here = match_content_hash(content, header.scenario) if known else content_hash(content)
    if header.content_hash != here and not known:
        raise ReplayError(
            f"{replay.path}: scenario {header.scenario!r} is not in this content: if the match"
            " was played from a scenario file, pass it with --scenario path/to/file.toml (and"
            " --content DIR if it was played with another content folder)"
        )
    if header.content_hash != here:
        hashes = f"Recorded content {header.content_hash}, this content {here}."
        if header.engine != game.__version__:
            raise NotReproduced(
                f"{replay.path}: this game was played with capwars {header.engine} and other"
                f" content than this capwars ({game.__version__}) has: re-simulate it with"
                f" capwars {header.engine}, or pass the content (and lesson file) it was played"
                f" with. {hashes}"
            )
        raise NotReproduced(
            f"{replay.path}: the scenario file or the content differs from the one this game"
            " was played with in something the simulation reads (was the lesson file's market,"
            " seats or events edited after the game was played, or a world file of the content"
            " folder: a provider, chip, technology or event?): pass"
            " the lesson file as it was when the game was played (--scenario FILE), and"
            " --content DIR with the content folder as it was (a copy made before the change)."
            f" {hashes}"
        )
    seats = None
    if all(p.industry is not None for p in header.players):
        seats = [
            Seat(industry=p.industry or "", name=p.name, rival=p.rival) for p in header.players
        ]
    try:
        return new_match(
            content,
            header.scenario,
            header.seed,
            list(replay.names),
            seats=seats,
            catch_up=header.catch_up,
        )
    except KeyError as exc:
        raise ReplayError(f"{replay.path}: {exc.args[0] if exc.args else exc}") from None
    except ValueError as exc:
        raise ReplayError(f"{replay.path}: {exc}") from None


def _resimulate(
    replay: Replay, content: Content | None, *, outcomes: bool = False
) -> tuple[MatchState, int, Mismatch | None]:
    """Re-simulate ``replay`` up to the first quarter that differs from it. ``outcomes``: also
    compare what each quarter records the engine did (see :func:`_outcome_mismatch`)."""
    state = opening_state(replay, content)
    for q in replay.quarters:
        try:
            state, report = step(state, q.submitted, inject=q.injected)
        except MatchOverError:
            over = Mismatch(q.turn, q.label, "the match was already over before this quarter")
            return state, q.turn, over
        if report.state_hash != q.hash:
            detail = f"recorded hash {q.hash}, re-simulated {report.state_hash}"
            return state, q.turn, Mismatch(q.turn, q.label, detail)
        if outcomes and (differs := _outcome_mismatch(q, report)):
            return state, q.turn, Mismatch(q.turn, q.label, differs)
    return state, len(replay.quarters), None


def _outcome_mismatch(q: ReplayQuarter, report: QuarterReport) -> str | None:
    """What a quarter line says the engine did (applied actions, rejections by type and code,
    events) that the re-simulation did not, or ``None``. The hash covers the state, not these
    records, which ``capwars replay show`` prints: an edited line verified. Rejection messages
    are left out: their wording may improve between versions without changing the game."""
    line = quarter_line(report)

    def plain(value: object) -> str:
        return json.dumps(value, sort_keys=True, allow_nan=True)

    for seat, (recorded, actual) in enumerate(zip(q.applied, line["applied"], strict=False)):
        if plain(recorded) != plain(actual):
            return (
                f"seat {seat}'s applied actions: recorded {plain(recorded)},"
                f" re-simulated {plain(actual)}"
            )
    if len(q.applied) != len(line["applied"]):
        seats = len(line["applied"])
        return f"applied actions of {len(q.applied)} seats recorded, {seats} re-simulated"
    recorded_codes = [[tuple(r[:2]) for r in seat] for seat in q.rejected]
    actual_codes = [[tuple(r[:2]) for r in seat] for seat in line["rejected"]]
    if recorded_codes != actual_codes:
        return (
            f"rejected actions (type, code): recorded {recorded_codes}, re-simulated {actual_codes}"
        )
    if list(q.events) != line["events"]:
        return f"events: recorded {list(q.events)}, re-simulated {line['events']}"
    return None


def verify_replay(path: PathLike | Replay, content: Content | None = None) -> Verification:
    """Re-simulate a replay from its seed and compare every quarter's hash and the result.

    Raises :class:`ReplayError` if the file cannot be read or was made with other content.
    """
    replay = path if isinstance(path, Replay) else read_replay(path)
    state, done, mismatch = _resimulate(replay, content, outcomes=True)
    if mismatch is None and replay.result is not None:
        mismatch = _check_result(replay, state)
    return Verification(replay, done, state.last_hash, mismatch)


def _check_result(replay: Replay, state: MatchState) -> Mismatch | None:
    assert replay.result is not None
    last = replay.quarters[-1] if replay.quarters else None
    turn, label = (last.turn, last.label) if last else (0, "start")
    if not state.over:
        return Mismatch(turn, label, "the result line says the match ended, but it goes on")
    recorded = [
        (s.get("seat"), s.get("rank"), s.get("score"), s.get("status"))
        for s in replay.result.standings
    ]
    # A hosted bot eliminated by the bot host (invalid, timeout, error) is a fact of that run,
    # not of the engine: the re-simulation cannot know it. Those seats are ranked below every
    # survivor in the order the file records; everything else (the survivors' order, every
    # score) must come out of the re-simulation.
    eliminated = [seat for seat, _, _, status in recorded if status == "eliminated"]
    for seat in eliminated:
        failed = [i for i, q in enumerate(replay.quarters) if seat in q.bot_failures]
        if (
            not failed
            or not isinstance(seat, int)
            or any(q.submitted[seat] for q in replay.quarters[failed[-1] + 1 :])
        ):
            return Mismatch(
                turn,
                label,
                f"the result says seat {seat} was eliminated, but no quarter records its bot"
                " failing for good (a bot failure, then no more actions)",
            )
    final = standings(state)
    ordered = [s for s in final if s.seat not in eliminated] + sorted(
        (s for s in final if s.seat in eliminated), key=lambda s: eliminated.index(s.seat)
    )
    actual = [
        (s.seat, rank, s.score, "eliminated" if s.seat in eliminated else s.status)
        for rank, s in enumerate(ordered, start=1)
    ]
    if recorded != actual:
        return Mismatch(turn, label, f"recorded standings {recorded}, re-simulated {actual}")
    return None


def replay_to_state(
    path: PathLike | Replay, content: Content | None = None, *, check_hashes: bool = True
) -> MatchState:
    """Rebuild the state a save (or replay) reached by re-simulating its quarters.

    Raises :class:`ReplayError` if the file is unreadable, was made with other content or, with
    ``check_hashes``, if the engine no longer reproduces a recorded hash.
    """
    replay = path if isinstance(path, Replay) else read_replay(path, require_result=False)
    if not check_hashes:
        state = opening_state(replay, content)
        for q in replay.quarters:
            try:
                state, _ = step(state, q.submitted, inject=q.injected)
            except MatchOverError:
                raise ReplayError(
                    f"{replay.path}: quarter {q.turn}: the match was already over"
                ) from None
        return state
    state, _, mismatch = _resimulate(replay, content)
    if mismatch is not None:
        raise ReplayError(f"{replay.path}: {mismatch}")
    return state


__all__ = [
    "FORMAT",
    "Mismatch",
    "Replay",
    "ReplayError",
    "ReplayHeader",
    "ReplayPlayer",
    "ReplayQuarter",
    "ReplayResult",
    "ReplayWriter",
    "Verification",
    "load_actions",
    "read_replay",
    "replay_to_state",
    "verify_replay",
    "write_lines",
]
