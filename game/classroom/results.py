"""Class results: every team plays the same scenario and seed, exports a result file, and the
teacher merges them into one leaderboard.

``capwars class export SAVE --out FILE`` re-simulates a team's save or replay (every hash
checked) and writes a small JSON result file: the scenario, seed, content hash and game version
the match was played with, the team's name(s), its figures per quarter, its final standing,
score and verdict title, and the replay's final hash.

``capwars class results DIR [--out DIR] [--expect names.txt]`` reads every ``*.json`` in DIR and
writes ``results.md``, ``results.html`` and ``results.csv`` (the leaderboard) plus
``figures.csv`` (every team's figures per quarter and the class mean). The class plays the
scenario, seed, game version and content most files share; a file from another scenario, seed,
version or content is refused by name with the reason, never mixed in. With ``--expect`` the
teams that sent nothing are listed by name. The exit status is 1 when a file was refused or a
team is missing (the results of the others are still written), 0 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import gzip
import io
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import game
from game.arena.files import output_problem
from game.arena.replay import Replay, ReplayError, parse_replay, read_replay
from game.arena.saves import GAME_KEY
from game.classroom.output import csv_text, write_texts
from game.engine.record import PLAYER_SERIES
from game.engine.scoring import TITLES
from game.rules.problems import counted
from game.rules.text import decode_text, read_text, shell_word

__all__ = [
    "ClassResults",
    "content_for_result",
    "export_result",
    "merge_results",
    "read_save_or_result",
    "register_cli",
]

KIND = "capwars-class-result"
FORMAT = 2
"""Format 2 added ``setup`` (the table: seats, catch-up, facilitator events) and ``save``."""

PathLike = str | os.PathLike[str]


class ResultError(Exception):
    """A save that cannot be exported as asked; the message says why."""


class FurtherOn(ResultError):
    """The result file there already holds this game further on (not replaced)."""

    def __init__(self, message: str, path: Path, there: Any, here: Any) -> None:
        super().__init__(message)
        self.path = path
        self.there = there
        """The quarters played in the file already there."""
        self.here = here
        """The quarters played in this export."""


# ---------------------------------------------------------------------------------------------
# Export


def export_result(
    save: PathLike,
    content: Any = None,
    seats: Sequence[int] | None = None,
) -> dict[str, Any]:
    """The result file of the team(s) in ``save``: the human seats, or ``seats``.

    The file carries the save itself (gzip, base64), so that ``class results`` can re-simulate
    it and refuse a file edited after the export."""
    from game.rules.loader import load_content

    raw = _read_save(Path(save))
    replay, data = _save_or_result(raw, save)
    if data is not None:
        raise ResultError(
            f"{save} is already a class result file, not a save: it needs no export. Put it in"
            " the class's folder for capwars class results as it is; capwars report"
            f" {save} writes its debrief"
        )
    content = content if content is not None else load_content()
    players = replay.header.players
    if seats is None or not seats:
        chosen = [p.seat for p in players if p.bot == "human"]
        if not chosen:
            raise ResultError(
                f"{replay.path}: no human seat in this match: choose the team's seat with"
                " --seat N (seats: " + ", ".join(f"{p.seat} {p.name}" for p in players) + ")"
            )
    else:
        chosen = list(dict.fromkeys(seats))
        for seat in chosen:
            if not 0 <= seat < len(players):
                raise ResultError(f"{replay.path}: no seat {seat}; it has {len(players)} seats")
    if not replay.quarters:
        # Nothing to rank: the file said "Stranded, -900.0 $M" (no enterprise value yet).
        raise ResultError(
            f"{replay.path}: no quarter of this game was played yet (saved on the new-game form"
            " or before the first End quarter): there is nothing to rank. Export the game's"
            " save once it has played a quarter or more (the newest file for the game in its"
            " saves folder)"
        )
    result = _result_of(replay, content, chosen)
    result["save"] = {"encoding": "gzip+base64", "data": _pack(raw)}
    scenario = next((s for s in content.scenarios if s.id == replay.header.scenario), None)
    if scenario is not None:
        # A lesson file's scenario travels with the result: the merge can re-simulate the save
        # without the file (the content hash in the save tells whether it is the same).
        result["scenario_data"] = scenario.model_dump(mode="json")
    return result


def read_save_or_result(path: PathLike) -> tuple[Replay, dict[str, Any] | None]:
    """A save or replay (with ``None``), or the save a class result file carries (see
    :func:`export_result`) with the file's data; the file is read once. Raises
    :class:`~game.arena.replay.ReplayError` naming what cannot be read."""
    return _save_or_result(_read_save(Path(path)), path)


def _read_save(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        read_replay(path, require_result=False)  # raises ReplayError: the save reader says why
        raise


def _save_or_result(raw: bytes, path: PathLike) -> tuple[Replay, dict[str, Any] | None]:
    """:func:`read_save_or_result` of a file's bytes already in memory."""
    target = Path(path)
    data = _result_data(raw)
    if data is None and raw.lstrip()[:1] == b"{" and f'"kind": "{KIND}"'.encode() in raw[:400]:
        try:
            json.loads(decode_text(raw))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            why = _not_json(exc) if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise ReplayError(f"{target}: a class result file, but {why}") from None
    if data is None:
        return parse_replay(raw, target, require_result=False), None
    save = data.get("save")
    packed = None
    if isinstance(save, dict) and isinstance(save.get("data"), str):
        try:
            packed = base64.b64decode(save["data"], validate=True)
        except (binascii.Error, ValueError):
            packed = None
    if packed is None:
        raise ReplayError(
            f"{target}: this class result file does not carry a readable save (exported by an"
            " older capwars, or edited): use the game's save itself (saves/autosave-....jsonl)"
        )
    return parse_replay(packed, target, require_result=False), data


def _result_data(raw: bytes) -> dict[str, Any] | None:
    """The data of a class result file's bytes; ``None`` if they are not one (a save)."""
    if raw[:2] == b"\x1f\x8b":
        return None
    try:
        text = decode_text(raw)  # a result file saved again by Notepad is still one
        if text.lstrip()[:1] != "{":
            return None
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None  # JSON lines (a save) are not one JSON document
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None
    return data


def content_for_result(data: dict[str, Any], replay: Replay, content: Any) -> Any:
    """The content that re-simulates the save of a result file: ``content``, or ``content``
    with the lesson scenario the file carries; ``content`` as it is if neither is recorded in
    the save (re-simulating then says how it differs)."""
    found = _content_of(data, replay.header.content_hash, content)
    return found if found is not None else content


def _result_of(
    replay: Replay, content: Any, chosen: Sequence[int], played: Any = None
) -> dict[str, Any]:
    """Everything a result file says about ``chosen`` seats, re-simulated from ``replay`` (or
    from ``played``, its re-simulation already done)."""
    from game.classroom.figures import resimulate
    from game.engine.scoring import standings

    if played is None:
        played = resimulate(replay, content)
    players = replay.header.players
    final = played.final
    ranked = {s.seat: s for s in standings(final)}
    history = final.history
    n = len(played.states)
    last_hash = replay.quarters[-1].hash if replay.quarters else final.last_hash

    def figures(seat: int) -> dict[str, list[float | None]]:
        return {
            key: [_json_number(float(history[key][t, seat])) for t in range(n)]
            for key in PLAYER_SERIES
        }

    def entry(seat: int) -> dict[str, Any]:
        s = ranked[seat]
        return {
            "seat": seat,
            "name": s.name,
            "industry": final.world.industries[seat].id,
            "rank": s.rank,
            "score": s.score,
            "status": s.status,
            "title": s.title,
            "verdict": s.verdict,
            "served_share": round(s.served_share, 6),
            "cost_per_kgpu": _json_number(s.cost_per_kgpu),
        }

    return {
        "kind": KIND,
        "format": FORMAT,
        "scenario": replay.header.scenario,
        "scenario_name": final.world.scenario.name,
        "seed": replay.header.seed,
        "content_hash": replay.header.content_hash,
        "game_version": replay.header.engine,
        "exported_by": game.__version__,
        "quarters": replay.header.quarters,
        "played": n,
        "finished": bool(final.over),
        "labels": [r.label for r in played.reports],
        "final_hash": last_hash,
        "setup": table_setup(replay, bool(played.opening.world.scenario.catch_up)),
        "teams": [{**entry(seat), "figures": figures(seat)} for seat in chosen],
        "table": [{**entry(s.seat), "bot": players[s.seat].bot} for s in standings(final)],
    }


def table_setup(replay: Replay, catch_up: bool) -> dict[str, Any]:
    """What makes two games the same table besides scenario and seed: every seat (industry,
    rival, and who played it: ``human`` or the bot with its level), the catch-up rule, and the
    events a facilitator started by hand (``[turn, event]``)."""
    return {
        "seats": [
            {"industry": p.industry, "rival": p.rival, "player": p.bot}
            for p in replay.header.players
        ],
        "catch_up": catch_up,
        "injected": [[q.turn, event] for q in replay.quarters for event in q.injected],
    }


def _pack(raw: bytes) -> str:
    if raw[:2] != b"\x1f\x8b":
        raw = gzip.compress(raw, mtime=0)
    return base64.b64encode(raw).decode("ascii")


def _json_number(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def write_result(result: dict[str, Any], out: PathLike) -> Path:
    """Write a result file atomically (one written again over a good one keeps it on a crash).

    It replaces a file already at ``out`` only if that is an export of the same team(s)' same
    game, as far along or less (the team exported again after playing on); anything else
    there (another team's result, even one of the same name, scenario and seed; a later export
    of this game; the save itself, a lesson file) is refused with :class:`ResultError`, so
    that two teams typing the same name lose nothing."""
    path = Path(out)
    _refuse_to_overwrite(result, path)
    write_texts([(path, json.dumps(result, indent=1, allow_nan=False) + "\n")])
    return path


def result_file_name(result: dict[str, Any], save: PathLike) -> str:
    """The name of a result file written into a folder (``class export --out DIR``): its
    team names as file-name words (``team-red.json``), else the save's name
    (``autosave-tutorial-seed7-….json``)."""
    from game.arena.saves import save_name, slug

    teams = "-".join(word for _, name in _teams_of(result) if (word := slug(str(name))))
    return f"{teams or save_name(Path(save))}.json"


def _teams_of(result: dict[str, Any]) -> list[tuple[Any, Any]]:
    teams = result.get("teams")
    if not isinstance(teams, list):
        return []
    return [(t.get("seat"), t.get("name")) for t in teams if isinstance(t, dict)]


def _refuse_to_overwrite(result: dict[str, Any], path: Path) -> None:
    """Raise :class:`ResultError` if ``path`` holds something other than an earlier export of
    the same team(s) of the same game (see :func:`write_result`)."""
    if not path.is_file():
        return
    try:
        # read_text: a result file saved again in Notepad is still the team's (as merged).
        there = json.loads(read_text(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        there = None
    instead = f"pick another --out name (e.g. {_free_name(path)}), or delete {path} first"
    if not isinstance(there, dict) or there.get("kind") != KIND:
        raise ResultError(
            f"{path} exists and is not a class result file (a save, a lesson file or another"
            f" file?): it is not replaced; {instead}. Nothing was written."
        )
    same = all(there.get(key) == result.get(key) for key in ("scenario", "seed")) and (
        _teams_of(there) == _teams_of(result)
    )
    teams = ", ".join(repr(name) for _, name in _teams_of(there)) or "no team"
    if not same:
        raise ResultError(
            f"{path} already holds the result of {teams} (scenario {there.get('scenario')!r},"
            f" seed {there.get('seed')}), another team or game than this save's: it is not"
            f" replaced; {instead}. Nothing was written."
        )
    # The same names in the same scenario and seed may still be two teams (both typed "Red"):
    # only the same game, exported as far or further on, replaces the file.
    pairs = _paired_teams(there, result)
    relations = {
        _same_game(TeamResult("", new, result), TeamResult("", old, there)) for old, new in pairs
    }
    if "other" in relations or not relations:
        raise ResultError(
            f"{path} already holds the result of {teams} in the same scenario and seed, but of"
            " another game (another team that typed the same name?): it is not replaced;"
            f" {instead}. Nothing was written."
        )
    if "later" in relations:
        raise FurtherOn(
            f"{path} already holds this game further on ({there.get('played')} quarters"
            f" played; this save has {result.get('played')}): it is not replaced; export the"
            f" newest save of the game, or {instead}. Nothing was written.",
            path,
            there.get("played"),
            result.get("played"),
        )


def _paired_teams(
    there: dict[str, Any], result: dict[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The teams of the file already there and of the new export, pair by pair (the same
    seats and names: checked before)."""
    old, new = there.get("teams"), result.get("teams")
    if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
        return []
    return [
        (a, b) for a, b in zip(old, new, strict=True) if isinstance(a, dict) and isinstance(b, dict)
    ]


def _free_name(path: Path) -> str:
    """A result file name beside ``path`` that is free: ``red-2.json``; ``my.json`` for
    ``my.jsonl``."""
    stem = path.name.split(".")[0] or "result"
    candidate = path.with_name(f"{stem}.json")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}-{number}.json")
        number += 1
    return str(candidate)


# ---------------------------------------------------------------------------------------------
# Merge


@dataclass(frozen=True)
class TeamResult:
    """One team of one result file."""

    file: str
    team: dict[str, Any]
    result: dict[str, Any]
    verified: bool = False
    """Whether the file's figures were re-simulated from the save inside it."""

    @property
    def name(self) -> str:
        return str(self.team.get("name", "?"))

    @property
    def score(self) -> float:
        value = self.team.get("score")
        return float(value) if isinstance(value, int | float) else -math.inf

    def final(self, key: str) -> float:
        values = self.team.get("figures", {}).get(key) or []
        last = next((v for v in reversed(values) if isinstance(v, int | float)), None)
        return float(last) if last is not None else math.nan


@dataclass(frozen=True)
class ClassPrediction:
    """One prediction question of the class's scenario: every team's answer, what happened in
    its own game (each team's decisions move its market) and the verdict."""

    label: str
    question: str
    answers: list[tuple[str, str, str, str]]
    """``(team, answer, what happened in its game, verdict)`` in leaderboard order; an empty
    answer for a team that gave none."""


@dataclass
class ClassResults:
    """The merge of a folder of result files."""

    scenario: str = ""
    scenario_name: str = ""
    seed: int | None = None
    game_version: str = ""
    content_hash: str = ""
    setup: dict[str, Any] = field(default_factory=dict)
    """The table the class played (see :func:`table_setup`)."""
    quarters: int = 0
    labels: list[str] = field(default_factory=list)
    teams: list[TeamResult] = field(default_factory=list)
    """Ranked: survivors by score, then bankrupt teams."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """``(file, reason)`` for every file left out."""
    missing: list[str] = field(default_factory=list)
    """Expected team names that no accepted file holds."""
    notes: list[str] = field(default_factory=list)
    """How the class was chosen, the other games found, and why some files were not checked."""
    predictions: list[ClassPrediction] = field(default_factory=list)
    """The scenario's prediction questions with every team's answer (the debrief's table)."""

    @property
    def ok(self) -> bool:
        return not self.refused and not self.missing

    @property
    def unverified(self) -> list[str]:
        """The accepted files whose figures could not be re-simulated from their save."""
        return list(dict.fromkeys(r.file for r in self.teams if not r.verified))

    def class_mean(self, key: str) -> list[float]:
        """The class mean of a series per quarter (teams without a value that quarter skipped)."""
        means = []
        for t in range(len(self.labels)):
            values = []
            for r in self.teams:
                series = r.team.get("figures", {}).get(key) or []
                if t < len(series) and isinstance(series[t], int | float):
                    values.append(float(series[t]))
            means.append(sum(values) / len(values) if values else math.nan)
        return means


Identity = tuple[str, int, str, str, str]
"""What a class shares: scenario, seed, game version, content hash, and the table's setup as
canonical JSON."""


def _identity(result: dict[str, Any]) -> Identity:
    return (
        str(result.get("scenario")),
        int(result.get("seed", -1)),
        str(result.get("game_version")),
        str(result.get("content_hash")),
        json.dumps(result.get("setup"), sort_keys=True),
    )


def _refuse_a_folder_without_results(folder: Path) -> None:
    """A folder with no ``*.json`` at all is the wrong folder, or saves not yet exported: say
    which, before an empty leaderboard overwrites a good one (``--out`` of a previous run)."""
    if any(folder.glob("*.json")):
        return
    saves = sorted(
        path.name
        for pattern in ("*.jsonl", "*.jsonl.gz")
        for path in folder.glob(pattern)
        if path.is_file()
    )
    if saves:
        shown = ", ".join(saves[:3]) + (f" and {len(saves) - 3} more" if len(saves) > 3 else "")
        raise ResultError(
            f"{folder} holds no result files (*.json), only saves ({shown}): turn them into"
            f" result files first, with capwars class export {shell_word(folder)} --out"
            " class-results/ (one"
            " file per game), then run capwars class results class-results/ (see 'Result"
            " files' in docs/TEACHING.md). Nothing was written."
        )
    if games_in(folder):  # capwars serve's folder: a session-* folder of saves per browser
        raise ResultError(
            f"{folder} holds no result files (*.json), only folders of saves (capwars serve's"
            " browser sessions): turn them into result files first, with capwars class export"
            f" {shell_word(folder)} --out class-results/, then run capwars class results"
            " class-results/."
            " Nothing was written."
        )
    raise ResultError(
        f"{folder} holds no result files (*.json): give the folder the teams' files were put in"
        " (each made with capwars class export SAVE --out TEAM.json). Nothing was written."
    )


def _not_json(exc: json.JSONDecodeError) -> str:
    """Why a ``*.json`` file in the class's folder is not read: a file that stops in the middle
    (copied before it was all written, a full USB stick) says so and what to do."""
    # A string left open runs to the end of the file: the error names where it started.
    if not exc.doc[exc.pos :].strip() or exc.msg.startswith("Unterminated string"):
        return (
            f"cut short: the file stops in the middle (line {exc.lineno}), as a copy made before"
            " it was all written does, or one to a full disk: copy it again, or export the"
            " team's save again"
        )
    return f"not JSON (line {exc.lineno}: {exc.msg})"


def merge_results(
    directory: PathLike,
    expect: Sequence[str] | None = None,
    *,
    seed: int | None = None,
    scenario: str | None = None,
    content: Any = None,
) -> ClassResults:
    """Merge every result file in ``directory`` (see the module docstring).

    ``seed`` and ``scenario`` pin the class; otherwise it is the game most files share.
    ``content`` (default: the game's own) re-simulates each file's save: a file whose figures
    differ from its save is refused; one whose content is not ``content`` is accepted
    unchecked (listed in ``notes``)."""
    folder = Path(directory)
    if folder.is_file():
        raise ResultError(
            f"{folder} is a file: give the folder that holds the class's result files"
            f" (capwars class results {folder.parent if str(folder.parent) != '.' else 'DIR'})"
        )
    if not folder.is_dir():
        raise ResultError(f"{folder}: no such folder")
    _refuse_a_folder_without_results(folder)
    if content is None:
        from game.rules.loader import load_content

        content = load_content()
    merged = ClassResults()
    loaded: list[tuple[str, dict[str, Any], bool]] = []
    unchecked: list[str] = []
    debriefs: dict[str, Any] = {}
    """Each checked file's save, re-simulated once: its predictions come from the same run."""
    for path in sorted(folder.glob("*.json")):
        try:
            # read_text: a file opened and saved again in Notepad gains a byte-order mark.
            data = json.loads(read_text(path))
        except (OSError, UnicodeDecodeError) as exc:
            merged.refused.append((path.name, f"cannot read it ({exc})"))
            continue
        except json.JSONDecodeError as exc:
            merged.refused.append((path.name, _not_json(exc)))
            continue
        problem = _shape_problem(data)
        if problem:
            merged.refused.append((path.name, problem))
            continue
        verified, problem, debrief = _verify(data, content)
        if problem and verified is False:
            merged.refused.append((path.name, problem))
            continue
        if problem:
            unchecked.append(path.name)
        if debrief is not None:
            debriefs[path.name] = debrief
        loaded.append((path.name, data, bool(verified)))
    reference = _choose_class(merged, [(name, data) for name, data, _ in loaded], seed, scenario)
    if reference is not None:
        merged.scenario, merged.seed, merged.game_version, merged.content_hash, setup = reference
        merged.setup = json.loads(setup) or {}
        first = next((d for _, d, _ in loaded if _identity(d) == reference), None)
        if first is not None:
            merged.scenario_name = str(first.get("scenario_name", merged.scenario))
            merged.quarters = int(first.get("quarters", 0))
            merged.labels = [str(x) for x in first.get("labels", [])]
    for name, data, verified in loaded:
        reason = _mismatch(data, reference, seed, scenario)
        if reason:
            merged.refused.append((name, reason))
            continue
        labels = [str(x) for x in data.get("labels", [])]
        if len(labels) > len(merged.labels):
            merged.labels = labels
        for team in data["teams"]:
            _add_team(merged, TeamResult(name, team, data, verified))
    _note_shared_names(merged)
    if unchecked and merged.teams:
        accepted = [name for name in unchecked if name in {r.file for r in merged.teams}]
        files = dict((name, data) for name, data, _ in loaded)
        missing = sorted({m for name in accepted for m in unknown_in_lesson(files[name], content)})
        if accepted and missing:
            # The files carry their lesson file: what is missing is the world it was played in.
            merged.notes.append(
                f"not checked against their saves: {', '.join(accepted)}: the lesson they carry"
                f" names what this content does not have ({', '.join(missing)}), so it was"
                " played with a content folder of its own; pass it with --content DIR to check"
                " them"
            )
        elif accepted:
            merged.notes.append(
                f"not checked against their saves: {', '.join(accepted)}: they were played with"
                " content this capwars does not have (a lesson file?); pass it with --scenario"
                " path/to/lesson.toml (and --content DIR) to check them"
            )
    merged.teams.sort(key=lambda r: (*_standing(r), r.name.casefold()))
    merged.predictions = class_predictions(merged, debriefs)
    if expect:
        _match_expected(merged, expect)
    return merged


def _name_key(name: str) -> str:
    """A team name as ``--expect`` matches it: capitals and spacing aside ("Blue  Team", "blue
    team " and "Blue Team" are one team; a name typed in the game or a list can carry a double
    space, a trailing space or a non-breaking space pasted from a document)."""
    return " ".join(name.split()).casefold()


def _match_expected(merged: ClassResults, expect: Sequence[str]) -> None:
    """The expected teams with no result (``merged.missing``), and a note for each expected name
    that matched a team written otherwise, so the teacher sees which is which. A name written
    exactly as a team is that team, even when another team differs from it only by spacing or
    capitals ("Gold Rush" and "Gold  Rush" are two teams then, never merged); a name that is
    neither and matches several teams is noted with all of them, not taken for one."""
    exact = {r.name for r in merged.teams}
    teams: dict[str, list[str]] = {}
    for r in merged.teams:
        if r.name not in teams.setdefault(_name_key(r.name), []):
            teams[_name_key(r.name)].append(r.name)
    merged.missing = []
    for name in expect:
        if name in exact:
            continue
        alike = teams.get(_name_key(name), [])
        if not alike:
            merged.missing.append(name)
        elif len(alike) == 1:
            merged.notes.append(
                f"expected team {_quoted(name)} is the team {_quoted(alike[0])} (matched with"
                " capitals and spaces ignored)"
            )
        else:
            merged.notes.append(
                f"expected team {_quoted(name)} could be any of {len(alike)} teams whose names"
                " differ only in capitals or spaces:"
                f" {', '.join(_quoted(team) for team in sorted(alike))}; in the list, write each"
                " of them exactly as the team wrote its name"
            )


def _quoted(name: str) -> str:
    """A name in quotes with its spaces as they are, a non-breaking one shown as such."""
    return '"' + name.replace("\u00a0", "<non-breaking space>") + '"'


def _choose_class(
    merged: ClassResults,
    loaded: list[tuple[str, dict[str, Any]]],
    seed: int | None,
    scenario: str | None,
) -> Identity | None:
    """The game the class played: the one most files (matching the pins) share; notes say how
    it was chosen and which other games were found."""
    pinned = [
        (name, data)
        for name, data in loaded
        if (seed is None or data["seed"] == seed)
        and (scenario is None or data["scenario"] == scenario)
    ]
    if not pinned:
        if loaded:
            asked = " and ".join(
                text
                for text in (
                    f"seed {seed}" if seed is not None else "",
                    f"scenario {scenario!r}" if scenario is not None else "",
                )
                if text
            )
            merged.notes.append(f"no file played {asked}")
        return None
    counts = Counter(_identity(data) for _, data in pinned)
    best = max(counts.values())
    reference = next(_identity(d) for _, d in pinned if counts[_identity(d)] == best)
    tied = [identity for identity, n in counts.items() if n == best and identity != reference]
    groups: dict[Identity, list[str]] = {}
    for name, data in loaded:
        groups.setdefault(_identity(data), []).append(name)
    for identity, names in groups.items():
        if identity == reference or not _pins_for(identity, reference):
            continue  # the refusal of each file says how it differs
        how = _differences(identity, reference)
        files = ", ".join(names)
        pins = _pins_for(identity, reference)
        hint = f"; to merge those instead, run with {pins}" if pins else ""
        merged.notes.append(
            f"{counted(len(names), 'file')} ({files}) played {how[0]}{hint}" if how else f"{files}"
        )
    if tied:
        first = next(n for n, d in pinned if _identity(d) == reference)
        choose = (
            "to choose, run with --seed N (and --scenario ID)"
            if any(_pins_for(identity, reference) for identity in tied)
            else "the others are refused below, each saying how its game differs"
        )
        merged.notes.insert(
            0,
            f"no game has the most files ({len(tied) + 1} games have {counted(best, 'file')}"
            f" each): the class was taken to be the game of {first}, the first file by name;"
            f" {choose}",
        )
    return reference


def _pins_for(identity: Identity, reference: Identity) -> str:
    """The options that would choose ``identity`` over ``reference``, if they can."""
    options = []
    if identity[0] != reference[0]:
        options.append(f"--scenario {identity[0]}")
    if identity[1] != reference[1]:
        options.append(f"--seed {identity[1]}")
    return " ".join(options)


def _add_team(merged: ClassResults, entry: TeamResult) -> None:
    """Add ``entry`` to the leaderboard, unless a team of that name already there played the
    same game: a copy of its file is refused, and of two exports of one game at different
    quarters the one further along stays. Teams that share a name but played different games
    (two teams both typed "Red") are both kept."""
    key = entry.name.casefold()
    for index, other in enumerate(merged.teams):
        if other.name.casefold() != key:
            continue
        relation = _same_game(other, entry)
        if relation == "copy":
            merged.refused.append((entry.file, f"team {entry.name!r} is already in {other.file}"))
            return
        if relation == "earlier":
            merged.refused.append((entry.file, _earlier_export(entry, other)))
            return
        if relation == "later":
            merged.refused.append((other.file, _earlier_export(other, entry)))
            merged.teams[index] = entry
            return
    merged.teams.append(entry)


def _earlier_export(old: TeamResult, new: TeamResult) -> str:
    return (
        f"an earlier export of team {old.name!r}'s game ({old.result.get('played')} quarters"
        f" played); {new.file} holds the same game further on ({new.result.get('played')}"
        " quarters), and that one counts"
    )


def _same_game(first: TeamResult, second: TeamResult) -> str:
    """How ``second`` relates to ``first`` of the same name: ``"copy"`` (the same game, as far
    along), ``"earlier"`` or ``"later"`` (the same game exported at another quarter: every
    figure of the shorter one is the start of the longer), or ``"other"`` (another game)."""
    if first.team.get("seat") != second.team.get("seat"):
        return "other"
    ids = _game_id(first.result), _game_id(second.result)
    if None not in ids and ids[0] != ids[1]:
        # Two games started apart (two browsers, two machines) whose teams typed the same
        # name: the same decisions (none at all, say) give the same figures, but not a copy.
        return "other"
    ours, theirs = first.team.get("figures"), second.team.get("figures")
    if not isinstance(ours, dict) or not isinstance(theirs, dict) or set(ours) != set(theirs):
        return "other"
    n_first = max((len(v) for v in ours.values() if isinstance(v, list)), default=0)
    n_second = max((len(v) for v in theirs.values() if isinstance(v, list)), default=0)
    common = min(n_first, n_second)
    for key, values in ours.items():
        other = theirs[key]
        if not isinstance(values, list) or not isinstance(other, list):
            return "other"
        if values[:common] != other[:common]:
            return "other"
    if n_first == n_second:
        return (
            "copy" if first.result.get("final_hash") == second.result.get("final_hash") else "other"
        )
    return "earlier" if n_second < n_first else "later"


def _game_id(data: dict[str, Any]) -> str | None:
    """The game id recorded in the save a result file carries (None if it has none, or the
    save cannot be read: then the figures alone tell whether two files are one game)."""
    save = data.get("save")
    if not isinstance(save, dict) or not isinstance(save.get("data"), str):
        return None
    try:
        raw = base64.b64decode(save["data"], validate=True)
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                first = stream.readline()
        else:
            first = raw.split(b"\n", 1)[0]
        header = json.loads(first)
    except (binascii.Error, ValueError, OSError, EOFError):
        return None
    settings = header.get("settings") if isinstance(header, dict) else None
    game = settings.get(GAME_KEY) if isinstance(settings, dict) else None
    return game if isinstance(game, str) and game else None


def _note_shared_names(merged: ClassResults) -> None:
    """A note for each name that two different games' teams share: the leaderboard tells them
    apart by their files."""
    files: dict[str, list[TeamResult]] = {}
    for r in merged.teams:
        files.setdefault(_name_key(r.name), []).append(r)
    for r in merged.teams:
        shared = files.pop(_name_key(r.name), [])
        if len(shared) < 2:
            continue
        if len({o.name for o in shared}) == 1:
            named = f"named {r.name!r} ({', '.join(o.file for o in shared)})"
        else:  # "Gold Rush" and "Gold  Rush": alike on the page, which collapses spaces
            named = (
                "named alike, but for capitals or spaces ("
                + ", ".join(f"{_quoted(o.name)} in {o.file}" for o in shared)
                + ")"
            )
        merged.notes.append(
            f"{len(shared)} teams are {named} and played different games: each is ranked,"
            " shown with its file name. If one team played twice, take out the file that"
            " should not count and run this again"
        )


def class_predictions(merged: ClassResults, debriefs: dict[str, Any]) -> list[ClassPrediction]:
    """Every team's answers to the scenario's prediction questions, against what happened in
    its game, judged as the game's quarter report judges them: for the debrief, where a team's
    own report shows only its answers. ``debriefs``: each checked file's save as re-simulated
    when it was checked (by file name); a team whose save was not (its content not this
    content) is left out. Empty if no team answered."""
    from game.classroom.report import prediction_outcomes

    shared = shared_names(merged)
    questions: dict[tuple[int, str, str], list[tuple[str, str, str, str]]] = {}
    for r in merged.teams:
        debrief = debriefs.get(r.file)
        if debrief is None:
            continue
        team = f"{r.name} ({r.file})" if _name_key(r.name) in shared else r.name
        seat = r.team.get("seat")
        for outcome in prediction_outcomes(debrief):
            answer = outcome.answers.get(seat, "") if isinstance(seat, int) else ""
            verdict = outcome.verdict(answer) if answer else ""
            key = (outcome.turn, outcome.label, outcome.question)
            questions.setdefault(key, []).append((team, answer, outcome.happened, verdict))
    if not any(answer for rows in questions.values() for _, answer, _, _ in rows):
        return []
    return [
        ClassPrediction(label, question, rows)
        for (_, label, question), rows in sorted(questions.items())
    ]


def _prediction_cells(prediction: ClassPrediction) -> tuple[list[str], list[list[str]]]:
    header = ["team", "prediction", "what happened in its game", "verdict"]
    rows = [
        [team, answer or "–", happened, verdict]
        for team, answer, happened, verdict in prediction.answers
    ]
    return header, rows


def shared_names(merged: ClassResults) -> set[str]:
    """The names of the leaderboard that more than one team has, as ``_name_key`` writes them:
    "Gold Rush" and "Gold  Rush" are two teams a page shows alike (HTML and SVG collapse
    spaces), so each is shown with its file."""
    counts = Counter(_name_key(r.name) for r in merged.teams)
    return {name for name, n in counts.items() if n > 1}


def _shape_problem(data: Any) -> str:
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return "not a capwars class result file (make one with 'capwars class export')"
    if data.get("format") == 1:
        return (
            "exported by an older capwars (result format 1), which does not record the table"
            " (seats, rivals, catch-up, facilitator events): export it again from the save with"
            " 'capwars class export SAVE --out FILE'"
        )
    if data.get("format") != FORMAT:
        return f"result format {data.get('format')!r}; this capwars reads format {FORMAT}"
    for key in ("scenario", "seed", "content_hash", "game_version", "setup", "teams", "save"):
        if key not in data:
            return f"missing {key!r}"
    if not isinstance(data["teams"], list) or not all(isinstance(t, dict) for t in data["teams"]):
        return "'teams' must be a list of teams"
    if not all(isinstance(t.get("seat"), int) for t in data["teams"]):
        return "every team must have its 'seat'"
    if not isinstance(data["seed"], int):
        return "'seed' must be a whole number"
    return ""


def _verify(data: dict[str, Any], content: Any) -> tuple[bool | None, str, Any]:
    """Re-simulate the save inside a result file and compare: ``(True, "", debrief)`` if every
    figure matches (the save re-simulated, a :class:`~game.classroom.report.Debrief`),
    ``(False, why, None)`` if the file cannot be trusted, ``(None, why, None)`` if its content
    is not ``content`` (not checked)."""
    save = data.get("save")
    if not isinstance(save, dict) or not isinstance(save.get("data"), str):
        return (
            False,
            "its save is missing or damaged: export it again with 'capwars class export'",
            None,
        )
    try:
        raw = base64.b64decode(save["data"], validate=True)
    except (binascii.Error, ValueError):
        return False, "its save is damaged (not base64): export it again", None
    name = Path("save.jsonl.gz")  # how the save is named in what is wrong with it
    try:
        replay = parse_replay(raw, name, require_result=False)
    except ReplayError as exc:
        why = str(exc).removeprefix(f"{name}:").strip()
        return False, f"its save is damaged ({why}): export it again", None
    header = replay.header
    recorded = {
        "scenario": header.scenario,
        "seed": header.seed,
        "content_hash": header.content_hash,
        "game_version": header.engine,
    }
    for key, value in recorded.items():
        if data.get(key) != value:
            why = (
                f"edited after the export: {key} is {data.get(key)!r} in the file, but"
                f" {value!r} in the save it holds"
            )
            return False, why, None
    content = _content_of(data, header.content_hash, content)
    if content is None:
        return None, "not checked: its content is not this content", None
    seats = [int(team["seat"]) for team in data["teams"]]
    if not all(0 <= seat < len(header.players) for seat in seats):
        return False, "edited after the export: a team's seat is not in its save", None
    from game.classroom.figures import resimulate
    from game.classroom.report import Debrief

    try:
        played = resimulate(replay, content)
        expected = _result_of(replay, content, seats, played)
    except ReplayError as exc:
        return False, f"its save does not re-simulate: {exc}", None
    for key, value in expected.items():
        if key == "exported_by":
            continue
        where = _first_difference(key, data.get(key), value)
        if where:
            return False, f"edited after the export: {where}", None
    return True, "", Debrief(replay, content, played)


def unknown_in_lesson(data: dict[str, Any], content: Any) -> list[str]:
    """What the lesson scenario a result file carries names and ``content`` does not have
    (``event 'gas_supply_cut'``): the sign that it was played with a content folder of its
    own, which ``--content DIR`` must name again."""
    embedded = data.get("scenario_data")
    if not isinstance(embedded, dict):
        return []
    kinds = {
        "event": {e.id for e in content.events},
        "provider": {p.id for p in content.providers},
        "region": {r.id for r in content.regions},
        "industry": {i.id for i in content.industries},
        "rival": {r.id for r in content.rivals},
    }
    named: list[tuple[str, Any]] = [
        *(("event", item.get("event")) for item in _dicts(embedded.get("scripted_events"))),
        *(("event", e) for e in embedded.get("events_enabled") or []),
        *(("event", e) for e in embedded.get("events_disabled") or []),
        *(("provider", p) for p in embedded.get("providers") or []),
        *(("region", r) for r in embedded.get("regions") or []),
        *(("industry", seat.get("industry")) for seat in _dicts(embedded.get("seats"))),
        *(("rival", seat.get("rival")) for seat in _dicts(embedded.get("seats"))),
    ]
    missing: list[str] = []
    for kind, value in named:
        if isinstance(value, str) and value not in kinds[kind]:
            text = f"{kind} {value!r}"
            if text not in missing:
                missing.append(text)
    return missing


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _content_of(data: dict[str, Any], recorded: str, content: Any) -> Any:
    """``content``, or ``content`` with the scenario the file carries in place of its own, if
    that is the content the save records; ``None`` if neither is."""
    from pydantic import ValidationError

    from game.rules.loader import match_content_hash, with_scenario
    from game.rules.models import Scenario

    scenario_id = data.get("scenario")
    own = scenario_id in {s.id for s in content.scenarios}
    if own and match_content_hash(content, str(scenario_id)) == recorded:
        return content
    embedded = data.get("scenario_data")
    if not isinstance(embedded, dict):
        return None
    try:
        scenario = Scenario.model_validate(embedded)
    except ValidationError:
        return None
    others = tuple(s for s in content.scenarios if s.id != scenario.id)
    candidate = with_scenario(content.model_copy(update={"scenarios": others}), scenario)
    return candidate if match_content_hash(candidate, scenario.id) == recorded else None


def _first_difference(path: str, found: Any, expected: Any) -> str:
    """``teams[0].score is 9999 in the file, its save gives 216.2``, or ``""`` if equal."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in expected:
            where = _first_difference(f"{path}.{key}", found.get(key), expected[key])
            if where:
                return where
        extra = sorted(set(found) - set(expected))
        return f"{path}.{extra[0]} is not in the save" if extra else ""
    if isinstance(expected, list) and isinstance(found, list) and len(found) == len(expected):
        for index, (mine, theirs) in enumerate(zip(found, expected, strict=True)):
            where = _first_difference(f"{path}[{index}]", mine, theirs)
            if where:
                return where
        return ""
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (found, expected))
    if found == expected and (numbers or type(found) is type(expected)):
        return ""
    shown = json.dumps(found)
    given = json.dumps(expected)
    if len(shown) > 60 or len(given) > 60:
        return f"{path} differs from what its save gives"
    return f"{path} is {shown} in the file, but its save gives {given}"


def _mismatch(
    data: dict[str, Any], reference: Identity | None, seed: int | None, scenario: str | None
) -> str:
    """Why a file is not of the class, or ``""``."""
    if reference is None:
        asked = []
        if seed is not None and data["seed"] != seed:
            asked.append(f"seed {data['seed']}, but --seed {seed} was asked")
        if scenario is not None and data["scenario"] != scenario:
            asked.append(f"scenario {data['scenario']!r}, but --scenario {scenario} was asked")
        return "; ".join(asked) or "no class to compare with"
    differences = _differences(_identity(data), reference)
    return "; ".join(differences)


def _differences(mine: Identity, reference: Identity) -> list[str]:
    """How a game differs from the class's, in words, most telling first."""
    scenario, seed, version, content, setup = mine
    out = []
    if scenario != reference[0]:
        out.append(f"scenario {scenario!r}, but the class played {reference[0]!r}")
    if seed != reference[1]:
        out.append(f"seed {seed}, but the class played seed {reference[1]}")
    if version != reference[2]:
        out.append(f"game version {version}, but the class played version {reference[2]}")
    if content != reference[3] and scenario == reference[0]:
        out.append(
            f"content {content}, but the class played content {reference[3]}"
            " (another content folder, or the lesson file was edited)"
        )
    if setup != reference[4] and scenario == reference[0]:
        out.extend(_setup_differences(json.loads(setup) or {}, json.loads(reference[4]) or {}))
    return out


def _setup_differences(mine: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    out = []
    seats, theirs = mine.get("seats") or [], reference.get("seats") or []
    if len(seats) != len(theirs):
        humans = sum(1 for seat in seats if seat.get("player") == "human")
        class_humans = sum(1 for seat in theirs if seat.get("player") == "human")
        # The guess follows the numbers: more teams at the keyboard, or the same teams at a
        # table with another number of companies (the terminal game leaves out a lesson's
        # seats without a rival that no team takes; capwars match plays them with a bot).
        guess = (
            "a hot-seat game with more teams?"
            if humans > class_humans
            else "a hot-seat game with fewer teams?"
            if humans < class_humans
            else "played in the terminal game and headless? The terminal game leaves out a"
            " seat without a rival that no team takes"
        )
        out.append(f"{_seats(seats)}, but the class played with {_seats(theirs)} ({guess})")
    else:
        for index, (seat, other) in enumerate(zip(seats, theirs, strict=True)):
            if seat == other:
                continue
            if {**seat, "player": None} == {**other, "player": None}:
                out.append(
                    f"seat {index} ({_place(seat)}) was played by {_player(seat)}, in the class"
                    f" by {_player(other)}"
                )
            else:
                out.append(
                    f"seat {index} was {_place(seat)} played by {_player(seat)}, in the class"
                    f" {_place(other)} played by {_player(other)}"
                )
    if bool(mine.get("catch_up")) != bool(reference.get("catch_up")):
        on = "on" if mine.get("catch_up") else "off"
        other = "on" if reference.get("catch_up") else "off"
        out.append(f"the catch-up rule was {on}, but the class played with it {other}")
    injected, class_injected = mine.get("injected") or [], reference.get("injected") or []
    if injected != class_injected:
        out.append(
            f"facilitator events {_injected(injected)}, but the class had"
            f" {_injected(class_injected)} (a live event affects only the game it was started in)"
        )
    return out or ["the table differs"]


def _seats(seats: list[dict[str, Any]]) -> str:
    humans = sum(1 for seat in seats if seat.get("player") == "human")
    return f"{counted(len(seats), 'seat')} ({humans} human)"


def _place(seat: dict[str, Any]) -> str:
    """``hospital, rival halden-health``."""
    rival = f", rival {seat['rival']}" if seat.get("rival") else ""
    return f"{seat.get('industry')}{rival}"


def _player(seat: dict[str, Any]) -> str:
    return "a team" if seat.get("player") == "human" else f"bot {seat.get('player')}"


def _injected(events: list[Any]) -> str:
    if not events:
        return "none"
    return ", ".join(
        f"{e[1]} at turn {e[0]}" if isinstance(e, list) and len(e) == 2 else str(e) for e in events
    )


# ---------------------------------------------------------------------------------------------
# Writing the merge

LEADERBOARD_COLUMNS = (
    "rank",
    "team",
    "file",
    "industry",
    "score",
    "title",
    "status",
    "served_share",
    "cost_per_kgpu",
    "final_cash",
    "final_enterprise_value",
    "rank_in_match",
    "quarters_played",
    "finished",
    "checked",
)


def _standing(r: TeamResult) -> tuple[bool, bool, float]:
    """What places a team on the leaderboard: still in the game, finished, score."""
    return (r.team.get("status") != "active", not r.result.get("finished", False), -r.score)


def shared_ranks(merged: ClassResults) -> list[int]:
    """Each team's rank, shared by teams with the same standing (``1, 1, 3``): two teams that
    played alike were ranked 1 and 2 by their names' order."""
    ranks: list[int] = []
    for index, r in enumerate(merged.teams):
        tied = index and _standing(merged.teams[index - 1]) == _standing(r)
        ranks.append(ranks[-1] if tied else index + 1)
    return ranks


def leaderboard_rows(merged: ClassResults) -> list[dict[str, Any]]:
    rows = []
    for rank, r in zip(shared_ranks(merged), merged.teams, strict=True):
        team = r.team
        rows.append(
            {
                "rank": rank,
                "team": r.name,
                "file": r.file,
                "industry": team.get("industry", ""),
                "score": team.get("score"),
                "title": team.get("title", ""),
                "status": team.get("status", ""),
                "served_share": team.get("served_share"),
                "cost_per_kgpu": team.get("cost_per_kgpu"),
                "final_cash": _round(r.final("cash")),
                "final_enterprise_value": _round(r.final("enterprise_value")),
                "rank_in_match": team.get("rank"),
                "quarters_played": r.result.get("played"),
                "finished": bool(r.result.get("finished")),
                "checked": r.verified,
            }
        )
    return rows


def _round(value: float) -> float | str:
    return round(value, 6) if math.isfinite(value) else ""


def figure_rows(merged: ClassResults) -> list[dict[str, Any]]:
    rows = []
    for t, label in enumerate(merged.labels):
        for r in merged.teams:
            figures = r.team.get("figures", {})
            row: dict[str, Any] = {"quarter": t, "label": label, "team": r.name}
            for key in PLAYER_SERIES:
                values = figures.get(key) or []
                value = values[t] if t < len(values) else None
                row[key] = "" if value is None else value
            rows.append(row)
        mean = {"quarter": t, "label": label, "team": "class mean"}
        for key in PLAYER_SERIES:
            mean[key] = _round(merged.class_mean(key)[t])
        rows.append(mean)
    return rows


def write_results(merged: ClassResults, out: PathLike) -> list[Path]:
    """Write the leaderboard into ``out`` (created if needed): every file rendered first, then
    each written atomically (:mod:`game.classroom.output`); the paths written."""
    folder = Path(out)
    columns = ("quarter", "label", "team", *PLAYER_SERIES)
    return write_texts(
        [
            (folder / "results.md", render_markdown(merged)),
            (folder / "results.html", render_html(merged)),
            (folder / "results.csv", csv_text(leaderboard_rows(merged), LEADERBOARD_COLUMNS)),
            (folder / "figures.csv", csv_text(figure_rows(merged), columns)),
        ]
    )


MEAN_KEYS = (
    ("cash", "cash $M"),
    ("enterprise_value", "EV $M"),
    ("capacity", "capacity kGPU"),
    ("served", "served kGPU"),
    ("demand", "demand kGPU"),
    ("compute_cost", "compute $M"),
)


def _fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–" if value in (None, "") else str(value)
    if not math.isfinite(value):
        return "–"
    return f"{value:,.{digits}f}"


def _board_cells(merged: ClassResults) -> tuple[list[str], list[list[str]]]:
    header = ["rank", "team", "industry", "score $M", "title", "served", "cost $M/kGPU", "EV $M"]
    rows = []
    shared = shared_names(merged)
    for row in leaderboard_rows(merged):
        share = row["served_share"]
        played = row["quarters_played"]
        note = (
            ""
            if row["finished"]
            else f" (unfinished: {played} of {counted(merged.quarters, 'quarter')})"
        )
        if _name_key(str(row["team"])) in shared:
            note = f" ({row['file']}){note}"
        rows.append(
            [
                str(row["rank"]),
                f"{row['team']}{note}",
                str(row["industry"]),
                _fmt(row["score"]),
                str(row["title"]),
                f"{share * 100:.1f}%" if isinstance(share, int | float) else "–",
                _fmt(row["cost_per_kgpu"], 2),
                _fmt(row["final_enterprise_value"]),
            ]
        )
    return header, rows


def _mean_cells(merged: ClassResults) -> tuple[list[str], list[list[str]]]:
    header = ["quarter", *(label for _, label in MEAN_KEYS)]
    means = {key: merged.class_mean(key) for key, _ in MEAN_KEYS}
    rows = [
        [label, *(_fmt(means[key][t]) for key, _ in MEAN_KEYS)]
        for t, label in enumerate(merged.labels)
    ]
    return header, rows


def _about(merged: ClassResults) -> str:
    if merged.seed is None:
        return "No result files were accepted."
    setup = merged.setup
    table = _seats(setup.get("seats") or [])
    catch_up = "catch-up rule on" if setup.get("catch_up") else "catch-up rule off"
    injected = setup.get("injected") or []
    events = f"facilitator events: {_injected(injected)}" if injected else "no facilitator events"
    teams = len(merged.teams)
    unchecked = len(merged.unverified)
    checked = (
        f"{counted(unchecked, 'file')} not checked against"
        f" {'the save it holds' if unchecked == 1 else 'the saves they hold'}"
        if unchecked
        else "every file checked against the save it holds"
    )
    return (
        f"Scenario {merged.scenario_name} ({merged.scenario}), seed {merged.seed}, capwars"
        f" {merged.game_version}, content {merged.content_hash}; {table}, {catch_up},"
        f" {events}; {counted(teams, 'team')}; {checked}."
    )


def render_markdown(merged: ClassResults) -> str:
    def table(header: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines)

    parts = ["# Class results", "", _about(merged), ""]
    parts += ["## Leaderboard", "", table(*_board_cells(merged)), ""]
    parts += [
        "Teams are ranked by score (the value they created); bankrupt and unfinished teams come"
        " last. Titles: "
        + "; ".join(f"{title} ({meaning})" for title, meaning in TITLES.values())
        + ".",
        "",
    ]
    parts += ["## Class means per quarter", "", table(*_mean_cells(merged)), ""]
    if merged.predictions:  # after the means: the terminal shows the part before them
        parts += ["## Predictions against what happened", ""]
        for prediction in merged.predictions:
            parts += [f"### {prediction.label}: {prediction.question}", ""]
            parts += [table(*_prediction_cells(prediction)), ""]
    if merged.refused:
        parts += ["## Refused files", ""]
        parts += [f"- `{name}`: {reason}" for name, reason in merged.refused]
        parts.append("")
    if merged.missing:
        parts += ["## Missing teams", ""]
        parts += [f"- {name}" for name in merged.missing]
        parts.append("")
    if merged.notes:
        parts += ["## Notes", ""]
        parts += [f"- {note}" for note in merged.notes]
        parts.append("")
    return "\n".join(parts)


def render_html(merged: ClassResults) -> str:
    from game.classroom.svg import CSS as SVG_CSS
    from game.classroom.svg import Series, line_chart, team_colors

    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    chart = ""
    if merged.teams and merged.labels:
        series = []
        shared = shared_names(merged)
        colors = team_colors([r.name for r in merged.teams])
        for r, team_color in zip(merged.teams, colors, strict=True):
            values = r.team.get("figures", {}).get("enterprise_value") or []
            label = f"{r.name} ({r.file})" if _name_key(r.name) in shared else r.name
            series.append(
                Series(
                    label,
                    [float(v) if isinstance(v, int | float) else math.nan for v in values],
                    team_color,
                )
            )
        series.append(
            Series("class mean", merged.class_mean("enterprise_value"), "#222222", dashed=True)
        )
        chart = (
            "<figure>"
            + line_chart("Enterprise value by team", "$M", merged.labels, series, zero=False)
            + "</figure>"
        )
    refused = "".join(
        f"<li><code>{escape(name)}</code>: {escape(reason)}</li>" for name, reason in merged.refused
    )
    missing = "".join(f"<li>{escape(name)}</li>" for name in merged.missing)
    notes = "".join(f"<li>{escape(note)}</li>" for note in merged.notes)
    predicted = "".join(
        f"<h3>{escape(p.label)}: {escape(p.question)}</h3>{table(*_prediction_cells(p))}"
        for p in merged.predictions
    )
    if predicted:
        predicted = f"<h2>Predictions against what happened</h2>{predicted}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class results'
        "</title><style>body{font-family:system-ui,sans-serif;max-width:980px;margin:0 auto;"
        "padding:1.5rem;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px"
        " solid #ddd;padding:.3rem .5rem;text-align:left}th{background:#f3f3f3}"
        ".warn{background:#fff0f0;border-left:4px solid #c00;padding:.5rem 1rem}"
        f"{SVG_CSS}</style></head><body><h1>Class results</h1><p>{escape(_about(merged))}</p>"
        f"<h2>Leaderboard</h2>{table(*_board_cells(merged))}{chart}{predicted}"
        f"<h2>Class means per quarter</h2>{table(*_mean_cells(merged))}"
        + (f'<div class="warn"><h2>Refused files</h2><ul>{refused}</ul></div>' if refused else "")
        + (f'<div class="warn"><h2>Missing teams</h2><ul>{missing}</ul></div>' if missing else "")
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + "</body></html>\n"
    )


# ---------------------------------------------------------------------------------------------
# The command line


def read_expect(path: PathLike) -> list[str]:
    """Team names, one a line; blank lines and ``#`` comments ignored."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ResultError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        # Notepad saves "UTF-8 with BOM" or "Unicode" (UTF-16): the mark is not part of a name.
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ResultError(
            f"{path}:{line}: not UTF-8 text: the list of names was saved in another encoding"
            " (an accented letter on this line): save it as UTF-8 (in your editor's Save as,"
            " choose the encoding UTF-8) and run the command again"
        ) from None
    names = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [name for name in names if name]


def games_in(root: Path) -> list[Path]:
    """The saves to export from a folder: of every game in it, its save furthest on (the newest
    of those as far), skipping games with no quarter played (nothing to rank). The folder is
    one of saves (a lab machine's ``saves/``, the saves a class handed in, one browser
    session's folder) or, if it holds none itself, a folder of such folders (``capwars serve
    --saves DIR``: a ``session-*`` folder per browser). Saves are only peeked at; exporting
    reads each in full. A save that cannot be peeked at is kept, so that its export says what
    is wrong with it."""
    from game.arena.saves import peek_save, save_files

    folders = [root] if save_files(root, old=False) else []
    if not folders and root.is_dir():
        folders = sorted(p for p in root.iterdir() if p.is_dir() and save_files(p, old=False))
    chosen: list[Path] = []
    furthest: dict[str, tuple[tuple[bool, int], Path]] = {}
    for folder in folders:
        for _, path in save_files(folder, old=False):  # newest first
            peeked = peek_save(path)
            if peeked is None:
                chosen.append(path)
                continue
            first, last = peeked
            if last.get("kind") not in ("quarter", "result"):
                continue  # not played yet
            settings = first.get("settings")
            game_id = settings.get(GAME_KEY) if isinstance(settings, dict) else None
            key = str(game_id) if isinstance(game_id, str) and game_id else str(path)
            # Not the newest file: saves copied off a USB stick or out of a download folder
            # have the dates of the copy, and a save made by hand at quarter 2 may be newer.
            turn = last.get("turn")
            progress = (last.get("kind") == "result", turn if isinstance(turn, int) else -1)
            if key not in furthest or progress > furthest[key][0]:
                furthest[key] = (progress, path)
    return sorted(chosen + [path for _, path in furthest.values()])


def _write_into(result: dict[str, Any], folder: Path, save: Path) -> Path:
    """Write ``result`` into ``folder`` under its team's name (``blue.json``), or the first
    ``blue-2.json``, ``blue-3.json``... that is free or holds an earlier export of the same
    game: another team of the same name keeps its file, and exporting the class again
    replaces each team's own file."""
    name = result_file_name(result, save)
    stem = name.removesuffix(".json")
    number = 1
    while True:
        path = folder / (name if number == 1 else f"{stem}-{number}.json")
        try:
            return write_result(result, path)
        except FurtherOn:
            raise
        except ResultError:
            if not path.exists():
                raise
        except OSError as exc:  # the file named, not only the folder: a folder in its place
            raise ResultError(f"cannot write {path}: {exc.strerror or exc}") from exc
        number += 1


def _export_folder(args: argparse.Namespace) -> int:
    """``capwars class export FOLDER --out DIR``: every game in a folder of saves (or in each
    browser session's folder of ``capwars serve``), one result file each in ``DIR``."""
    from game.classroom.figures import NotReproduced
    from game.classroom.report import replay_content
    from game.rules.loader import ContentError

    root = Path(args.save)
    refused = output_problem(args.out, "--out", folder=True, example="class-results")
    if not refused and args.out.lower().endswith(".json") and not Path(args.out).is_dir():
        refused = (
            f"--out {args.out} names a file, but {root} is a folder, with a result file to"
            " write for each game in it: give the folder to write them into, e.g. --out"
            " class-results/. Nothing was written"
        )
    if refused:
        print(f"capwars: error: {refused}", file=sys.stderr)
        return 2
    saves = games_in(root)
    if not saves and any(root.glob("*.json")):
        print(
            f"capwars: error: {root} holds no saves, but .json files: if they are the teams'"
            " result files, they need no export; merge them with capwars class results"
            f" {shell_word(root)}. Nothing was written.",
            file=sys.stderr,
        )
        return 2
    if not saves:
        from game.arena.saves import save_files

        folders = [root, *(p for p in root.iterdir() if p.is_dir())]
        unplayed = sum(len(save_files(folder, old=False)) for folder in folders)
        why = (
            f"every save in it ({counted(unplayed, 'save')}) is of a game with no quarter"
            " played yet (saved on the new-game form, or before the first End quarter): there"
            " is nothing to rank. Export again once the teams have played"
            if unplayed
            else "no save (autosave-....jsonl) in it, nor in its folders (capwars serve's"
            " session-* folders). Give a save, or the folder the games were saved in"
            " (capwars serve's --saves folder)"
        )
        print(
            f"capwars: error: {root} holds no game with a quarter played: {why}. Nothing was"
            " written.",
            file=sys.stderr,
        )
        return 2
    try:
        content = replay_content(args.content, args.scenario)
    except ContentError as exc:
        print_content_error(exc, args)
        return 1
    out, unfinished, failed = Path(args.out), [], 0
    for save in saves:
        shown = save.relative_to(root) if save.is_relative_to(root) else save
        try:
            result = export_result(save, content, args.seat)
            path = _write_into(result, out, save)
        except FurtherOn as exc:
            # Exported before from a save further on (another folder, or the teacher's
            # earlier run): the class has this game's result, nothing to fix.
            print(
                f"{exc.path}: kept, it holds this game further on ({exc.there} quarters played)"
                f" than {shown} ({exc.here})",
            )
            continue
        except (NotReproduced, ReplayError, ResultError) as exc:
            why = str(exc)  # most name the save already
            print(
                f"capwars: error: {why if str(save) in why else f'{shown}: {why}'}", file=sys.stderr
            )
            failed += 1
            continue
        except ContentError as exc:
            print(f"capwars: error: {shown}: its content is not this game's:", file=sys.stderr)
            print_content_error(exc, args)
            failed += 1
            continue
        teams = ", ".join(
            f"{t['name']} ({t['title']}, {t['score']:,.1f} $M)" for t in result["teams"]
        )
        print(f"{path}: {teams}, from {shown}")
        if not result["finished"]:
            names = ", ".join(str(t["name"]) for t in result["teams"])
            played, quarters = result["played"], result["quarters"]
            unfinished.append(f"{names} ({played} of {quarters} quarters played)")
    if unfinished:
        print(
            f"capwars: warning: {counted(len(unfinished), 'game')} unfinished, marked so and"
            f" ranked after the finished teams: {'; '.join(unfinished)}. Export again when"
            " they have played on: each team's file is replaced.",
            file=sys.stderr,
        )
    if failed:
        print(
            f"capwars: error: {failed} of {counted(len(saves), 'game')} not exported (see"
            " above). Fix what is said and run the same command again: the result files"
            " already written are replaced by the same, nothing is added.",
            file=sys.stderr,
        )
    return 1 if failed else 0


def print_content_error(exc: Any, args: argparse.Namespace) -> None:
    """A save's content that does not load: its problems, and the hint of the content to give."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    from game.rules.check import other_world_hint

    hint = other_world_hint(exc.problems, getattr(args, "content", None))
    if hint:
        print(hint, file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from game.classroom.figures import NotReproduced
    from game.classroom.report import replay_content
    from game.rules.loader import ContentError

    if Path(args.save).is_dir():
        return _export_folder(args)
    # An --out that is a folder (or ends in "/") gets the result file under the team's name,
    # as a class collecting into a shared folder expects; checked before re-simulating.
    into_folder = Path(args.out).is_dir() or args.out.endswith(("/", os.sep))
    refused = output_problem(args.out, "--out", folder=into_folder, example="class-results")
    if refused:
        print(f"capwars: error: {refused}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        result = export_result(args.save, replay_content(args.content, args.scenario), args.seat)
        if into_folder:
            out = out / result_file_name(result, args.save)
        path = write_result(result, out)
    except NotReproduced as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 1
    except (ReplayError, ResultError) as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print_content_error(exc, args)
        return 1
    except OSError as exc:
        print(f"capwars: error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    teams = ", ".join(f"{t['name']} ({t['title']}, {t['score']:,.1f} $M)" for t in result["teams"])
    print(f"{path}: {teams}")
    if not result["finished"]:
        played, quarters = result["played"], result["quarters"]
        print(
            f"capwars: warning: this game is unfinished: {played} of"
            f" {counted(quarters, 'quarter')} played. The result is marked unfinished and ranked"
            " after the finished teams. If the team played on, export the newest save of its"
            " game (in saves/) instead.",
            file=sys.stderr,
        )
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from game.classroom.report import replay_content
    from game.rules.loader import ContentError, is_scenario_path, resolve_scenario

    scenario = args.scenario
    refused = args.out and output_problem(args.out, "--out", folder=True, example="leaderboard")
    if refused:
        print(f"capwars: error: {refused}", file=sys.stderr)
        return 2
    try:
        content = replay_content(getattr(args, "content", None))
        if scenario is not None and is_scenario_path(scenario):
            content, scenario = resolve_scenario(content, scenario)
        expect = read_expect(args.expect) if args.expect else None
        merged = merge_results(
            args.directory, expect, seed=args.seed, scenario=scenario, content=content
        )
        written = write_results(merged, args.out or args.directory)
    except (ResultError, ReplayError) as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print_content_error(exc, args)
        return 1
    except OSError as exc:  # a full disk, a folder that cannot be written: files as they were
        where = args.out or args.directory
        print(f"capwars: error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(render_markdown(merged).split("## Class means")[0].rstrip())
    for name, reason in merged.refused:
        print(f"capwars: refused {name}: {reason}", file=sys.stderr)
    for name in merged.missing:
        print(f"capwars: missing team: {name}", file=sys.stderr)
    for note in merged.notes:
        print(f"capwars: note: {note}", file=sys.stderr)
    print("written: " + ", ".join(str(p) for p in written))
    return 0 if merged.ok else 1


def register_cli(subparsers: Any) -> None:
    """Add ``class export`` and ``class results`` to the ``capwars`` sub-command parsers."""

    def content_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--content",
            metavar="DIR",
            default=argparse.SUPPRESS,
            help="content folder to use instead of the game's own",
        )

    group = subparsers.add_parser(
        "class", help="class play: export a team's result, merge a class's results"
    )
    content_option(group)
    actions = group.add_subparsers(dest="class_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write a team's result file from its save or replay (or one per game in a folder)",
        description="Re-simulate a save or replay and write the result file of its human"
        " seats (or --seat N): scenario, seed, content hash, game version, team names,"
        " figures per quarter, final standing, score and title, final hash. Given a folder of"
        " saves, every game in it gets its result file in the --out folder.",
    )
    content_option(export)
    export.add_argument(
        "save",
        metavar="SAVE",
        help="a save or replay (.jsonl[.gz]); or a folder: every game in it (its save furthest on)"
        " or in its folders (capwars serve --saves DIR: one folder per browser), with --out"
        " the folder to write the result files into",
    )
    export.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="FILE_OR_FOLDER",
        help="result file (.json); a folder (or a path ending in /) gets the file under the"
        " team's name, such as class-results/red-team.json (with a SAVE folder, a folder)",
    )
    export.add_argument(
        "--seat",
        type=int,
        action="append",
        metavar="N",
        help="the team's seat (repeatable; default: the human seats)",
    )
    export.add_argument(
        "--scenario",
        default=None,
        metavar="FILE",
        help="the scenario file the match was played with, if it was not in the content folder",
    )
    export.set_defaults(handler=cmd_export)
    results = actions.add_parser(
        "results",
        help="merge a folder of result files into a class leaderboard",
        description="Merge every result file (*.json) in DIR into results.md, results.html,"
        " results.csv and figures.csv. The class is the game most files share (or the one"
        " --seed and --scenario pin); a file from another scenario, seed, game version, content"
        " or table (seats, rivals, catch-up rule, facilitator events) is refused by name, saying"
        " how it differs, and so is a file whose figures differ from the save it holds. Exit"
        " status 1 if a file was refused or a team is missing.",
    )
    content_option(results)
    results.add_argument("directory", metavar="DIR", help="folder of result files")
    results.add_argument(
        "--seed", type=int, metavar="N", help="the seed the class played (default: most files')"
    )
    results.add_argument(
        "--scenario",
        metavar="ID_OR_FILE",
        help="the scenario the class played (default: most files'); a lesson file also lets"
        " the results of its games be checked against their saves",
    )
    results.add_argument("--out", "-o", metavar="DIR", help="where to write (default: DIR)")
    results.add_argument(
        "--expect", metavar="FILE", help="team names, one a line: report those missing"
    )
    results.set_defaults(handler=cmd_results)
