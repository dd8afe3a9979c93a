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
import csv
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
from game.arena.replay import ReplayError, read_replay
from game.engine.record import PLAYER_SERIES

__all__ = ["ClassResults", "export_result", "merge_results", "register_cli"]

KIND = "capwars-class-result"
FORMAT = 1

PathLike = str | os.PathLike[str]


class ResultError(Exception):
    """A save that cannot be exported as asked; the message says why."""


# ---------------------------------------------------------------------------------------------
# Export


def export_result(
    save: PathLike,
    content: Any = None,
    seats: Sequence[int] | None = None,
) -> dict[str, Any]:
    """The result file of the team(s) in ``save``: the human seats, or ``seats``."""
    from game.classroom.figures import resimulate
    from game.engine.scoring import standings
    from game.rules.loader import load_content

    replay = read_replay(save, require_result=False)
    content = content if content is not None else load_content()
    played = resimulate(replay, content)
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
        "teams": [{**entry(seat), "figures": figures(seat)} for seat in chosen],
        "table": [{**entry(s.seat), "bot": players[s.seat].bot} for s in standings(final)],
    }


def _json_number(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def write_result(result: dict[str, Any], out: PathLike) -> Path:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Merge


@dataclass(frozen=True)
class TeamResult:
    """One team of one result file."""

    file: str
    team: dict[str, Any]
    result: dict[str, Any]

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


@dataclass
class ClassResults:
    """The merge of a folder of result files."""

    scenario: str = ""
    scenario_name: str = ""
    seed: int | None = None
    game_version: str = ""
    content_hash: str = ""
    quarters: int = 0
    labels: list[str] = field(default_factory=list)
    teams: list[TeamResult] = field(default_factory=list)
    """Ranked: survivors by score, then bankrupt teams."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """``(file, reason)`` for every file left out."""
    missing: list[str] = field(default_factory=list)
    """Expected team names that no accepted file holds."""

    @property
    def ok(self) -> bool:
        return not self.refused and not self.missing

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


def _identity(result: dict[str, Any]) -> tuple[str, int, str, str]:
    return (
        str(result.get("scenario")),
        int(result.get("seed", -1)),
        str(result.get("game_version")),
        str(result.get("content_hash")),
    )


def merge_results(directory: PathLike, expect: Sequence[str] | None = None) -> ClassResults:
    """Merge every result file in ``directory`` (see the module docstring)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ResultError(f"{folder}: no such folder")
    merged = ClassResults()
    loaded: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            merged.refused.append((path.name, f"cannot read it ({exc})"))
            continue
        except json.JSONDecodeError as exc:
            merged.refused.append((path.name, f"not JSON (line {exc.lineno}: {exc.msg})"))
            continue
        problem = _shape_problem(data)
        if problem:
            merged.refused.append((path.name, problem))
            continue
        loaded.append((path.name, data))
    if loaded:
        counts = Counter(_identity(data) for _, data in loaded)
        # The class: what most files share (ties: the first file in name order).
        best = max(counts.values())
        reference = next(_identity(d) for _, d in loaded if counts[_identity(d)] == best)
        merged.scenario, merged.seed, merged.game_version, merged.content_hash = reference
        first = next(d for _, d in loaded if _identity(d) == reference)
        merged.scenario_name = str(first.get("scenario_name", merged.scenario))
        merged.quarters = int(first.get("quarters", 0))
        merged.labels = [str(x) for x in first.get("labels", [])]
        seen: dict[str, str] = {}
        for name, data in loaded:
            reason = _mismatch(_identity(data), reference)
            if reason:
                merged.refused.append((name, reason))
                continue
            labels = [str(x) for x in data.get("labels", [])]
            if len(labels) > len(merged.labels):
                merged.labels = labels
            for team in data["teams"]:
                key = str(team.get("name", "")).casefold()
                if key in seen:
                    merged.refused.append(
                        (name, f"team {team.get('name')!r} is already in {seen[key]}")
                    )
                    continue
                seen[key] = name
                merged.teams.append(TeamResult(name, team, data))
    merged.teams.sort(
        key=lambda r: (
            r.team.get("status") != "active",
            not r.result.get("finished", False),
            -r.score,
            r.name.casefold(),
        )
    )
    if expect:
        present = {r.name.casefold() for r in merged.teams}
        merged.missing = [name for name in expect if name.casefold() not in present]
    return merged


def _shape_problem(data: Any) -> str:
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return "not a capwars class result file (make one with 'capwars class export')"
    if data.get("format") != FORMAT:
        return f"result format {data.get('format')!r}; this capwars reads format {FORMAT}"
    for key in ("scenario", "seed", "content_hash", "game_version", "teams"):
        if key not in data:
            return f"missing {key!r}"
    if not isinstance(data["teams"], list) or not all(isinstance(t, dict) for t in data["teams"]):
        return "'teams' must be a list of teams"
    if not isinstance(data["seed"], int):
        return "'seed' must be a whole number"
    return ""


def _mismatch(mine: tuple[str, int, str, str], reference: tuple[str, int, str, str]) -> str:
    scenario, seed, version, content = mine
    if scenario != reference[0]:
        return f"scenario {scenario!r}, but the class played {reference[0]!r}"
    if seed != reference[1]:
        return f"seed {seed}, but the class played seed {reference[1]}"
    if version != reference[2]:
        return f"game version {version}, but the class played version {reference[2]}"
    if content != reference[3]:
        return (
            f"content {content}, but the class played content {reference[3]}"
            " (another content folder or scenario file)"
        )
    return ""


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
)


def leaderboard_rows(merged: ClassResults) -> list[dict[str, Any]]:
    rows = []
    for rank, r in enumerate(merged.teams, start=1):
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
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    board = folder / "results.csv"
    _write_csv(board, leaderboard_rows(merged), LEADERBOARD_COLUMNS)
    figures = folder / "figures.csv"
    _write_csv(figures, figure_rows(merged), ("quarter", "label", "team", *PLAYER_SERIES))
    markdown = folder / "results.md"
    markdown.write_text(render_markdown(merged), encoding="utf-8")
    page = folder / "results.html"
    page.write_text(render_html(merged), encoding="utf-8")
    return [markdown, page, board, figures]


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


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
    for row in leaderboard_rows(merged):
        share = row["served_share"]
        note = "" if row["finished"] else f" (unfinished: {row['quarters_played']} quarters)"
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
    return (
        f"Scenario {merged.scenario_name} ({merged.scenario}), seed {merged.seed}, capwars"
        f" {merged.game_version}, content {merged.content_hash}; {len(merged.teams)} team(s)."
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
        " last. Titles: Capacity Strategist (served its customers cheaply), Big Spender, Lean"
        " but Short, Stranded.",
        "",
    ]
    parts += ["## Class means per quarter", "", table(*_mean_cells(merged)), ""]
    if merged.refused:
        parts += ["## Refused files", ""]
        parts += [f"- `{name}`: {reason}" for name, reason in merged.refused]
        parts.append("")
    if merged.missing:
        parts += ["## Missing teams", ""]
        parts += [f"- {name}" for name in merged.missing]
        parts.append("")
    return "\n".join(parts)


def render_html(merged: ClassResults) -> str:
    from game.classroom.svg import CSS as SVG_CSS
    from game.classroom.svg import Series, line_chart

    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    chart = ""
    if merged.teams and merged.labels:
        series = []
        for r in merged.teams:
            values = r.team.get("figures", {}).get("enterprise_value") or []
            series.append(
                Series(
                    r.name, [float(v) if isinstance(v, int | float) else math.nan for v in values]
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
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class results'
        "</title><style>body{font-family:system-ui,sans-serif;max-width:980px;margin:0 auto;"
        "padding:1.5rem;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px"
        " solid #ddd;padding:.3rem .5rem;text-align:left}th{background:#f3f3f3}"
        ".warn{background:#fff0f0;border-left:4px solid #c00;padding:.5rem 1rem}"
        f"{SVG_CSS}</style></head><body><h1>Class results</h1><p>{escape(_about(merged))}</p>"
        f"<h2>Leaderboard</h2>{table(*_board_cells(merged))}{chart}"
        f"<h2>Class means per quarter</h2>{table(*_mean_cells(merged))}"
        + (f'<div class="warn"><h2>Refused files</h2><ul>{refused}</ul></div>' if refused else "")
        + (f'<div class="warn"><h2>Missing teams</h2><ul>{missing}</ul></div>' if missing else "")
        + "</body></html>\n"
    )


# ---------------------------------------------------------------------------------------------
# The command line


def read_expect(path: PathLike) -> list[str]:
    """Team names, one a line; blank lines and ``#`` comments ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultError(f"{path}: cannot read: {exc.strerror or exc}") from None
    names = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [name for name in names if name]


def cmd_export(args: argparse.Namespace) -> int:
    from game.classroom.report import replay_content
    from game.rules.loader import ContentError

    try:
        result = export_result(args.save, replay_content(args.content, args.scenario), args.seat)
        path = write_result(result, args.out)
    except (ReplayError, ResultError) as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"capwars: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    teams = ", ".join(f"{t['name']} ({t['title']}, {t['score']:,.1f} $M)" for t in result["teams"])
    print(f"{path}: {teams}")
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    try:
        expect = read_expect(args.expect) if args.expect else None
        merged = merge_results(args.directory, expect)
        written = write_results(merged, args.out or args.directory)
    except ResultError as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 2
    print(render_markdown(merged).split("## Class means")[0].rstrip())
    for name, reason in merged.refused:
        print(f"capwars: refused {name}: {reason}", file=sys.stderr)
    for name in merged.missing:
        print(f"capwars: missing team: {name}", file=sys.stderr)
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
        help="write a team's result file from its save or replay",
        description="Re-simulate a save or replay and write the result file of its human"
        " seats (or --seat N): scenario, seed, content hash, game version, team names,"
        " figures per quarter, final standing, score and title, final hash.",
    )
    content_option(export)
    export.add_argument("save", metavar="SAVE", help="a save or replay (.jsonl[.gz])")
    export.add_argument("--out", "-o", required=True, metavar="FILE", help="result file (.json)")
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
        " results.csv and figures.csv. Files from another scenario, seed, game version or"
        " content are refused by name. Exit status 1 if a file was refused or a team is missing.",
    )
    results.add_argument("directory", metavar="DIR", help="folder of result files")
    results.add_argument("--out", "-o", metavar="DIR", help="where to write (default: DIR)")
    results.add_argument(
        "--expect", metavar="FILE", help="team names, one a line: report those missing"
    )
    results.set_defaults(handler=cmd_results)
