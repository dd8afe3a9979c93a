"""The tournament leaderboard, computed from the match records alone.

Per bot: OpenSkill Plackett–Luce rating (``mu``, ``sigma``, ``ordinal = mu − 3·sigma``, the sort
key), games, wins, win rate with its Wilson 95% interval, mean rank, bankruptcy rate and the
matches in which it failed (raised, returned junk, broke a limit). Beside it a **pairwise
matrix**: the share of the matches two bots met in where the row bot finished above the column
bot (ties count for neither; a bot never meets itself).

Filler seats (``filler:SPEC`` in a record's ``bots``: a house bot in a seat the entrants could not
fill) are left out of everything: no rating, games, wins or meetings for them or on their behalf.
The entrants of such a match are rated on their order among themselves.

Because it is a pure function of the records, sorted by match id, the leaderboard is the same
whatever order the matches finished in: ``capwars tournament leaderboard DIR`` recomputes it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.arena.files import write_atomic
from game.arena.ratings import rate_matches, wilson_interval
from game.arena.schedule import FILLER_PREFIX, is_filler

BANKRUPT = "bankrupt"


@dataclass(frozen=True)
class Row:
    """One bot's line on the leaderboard."""

    bot: str
    mu: float
    sigma: float
    ordinal: float
    games: int
    wins: int
    win_rate: float
    win_low: float
    win_high: float
    mean_rank: float
    bankruptcy_rate: float
    failed_matches: int


MAX_KIND_EXAMPLES = 3
"""Ways of failing shown with an example each, per bot."""
Match = tuple[str, int, tuple[str, ...]]
"""A match of a tournament as ``capwars match`` plays it: scenario, seed, line-up in seat order."""


@dataclass(frozen=True)
class FailureSummary:
    """How one bot failed over a tournament: enough for its author to know what to fix."""

    bot: str
    failed_matches: int
    games: int
    kinds: tuple[tuple[str, int], ...]
    """(kind, failures) most frequent first: a seat status (``timeout``, ``error``,
    ``invalid``) or the exception an in-process bot raised."""
    example: str
    """The first failure of the most frequent kind, with where it happened."""
    malformed: int = 0
    """Actions it sent that were not actions (dropped: it played on without them)."""
    example_match: Match | None = None
    """The match of :attr:`example`: scenario, seed and line-up (seat order), to play it again
    with ``capwars match`` (:func:`again_command`)."""
    more_examples: tuple[tuple[str, str], ...] = ()
    """(kind, first failure) of the next kinds (at most :data:`MAX_KIND_EXAMPLES` in all with
    :attr:`example`): a bot whose bad return every quarter was the example never showed the
    exception it raised now and then, nor its line."""

    def to_json(self) -> dict[str, Any]:
        match = self.example_match
        return {
            "bot": self.bot,
            "failed_matches": self.failed_matches,
            "games": self.games,
            "kinds": dict(self.kinds),
            "example": self.example,
            "example_match": (
                None
                if match is None
                else {"scenario": match[0], "seed": match[1], "bots": list(match[2])}
            ),
            "malformed": self.malformed,
            "examples": {self.kinds[0][0]: self.example, **dict(self.more_examples)}
            if self.kinds and self.example
            else {},
        }


@dataclass(frozen=True)
class Leaderboard:
    """Rows best first, and the pairwise matrix over the same bots in the same order."""

    rows: tuple[Row, ...]
    pairwise: dict[str, dict[str, float | None]]
    """``pairwise[a][b]``: share of a's matches against b where a finished above b (``None``:
    never met)."""
    meetings: dict[str, dict[str, int]]
    """``meetings[a][b]``: how many matches a and b played together."""
    matches: int
    filler_seats: int = 0
    """Seats played by fillers (counted for no bot)."""
    failures: tuple[FailureSummary, ...] = ()
    """What went wrong, per bot that failed at least once (in leaderboard order)."""

    @property
    def bots(self) -> list[str]:
        return [r.bot for r in self.rows]

    def to_json(self) -> dict[str, Any]:
        return {
            "matches": self.matches,
            "filler_seats": self.filler_seats,
            "rows": [_row_json(r) for r in self.rows],
            "pairwise": self.pairwise,
            "meetings": self.meetings,
            "failures": [f.to_json() for f in self.failures],
        }

    def to_csv(self) -> str:
        """The table as CSV, then a blank line, then the pairwise matrix as CSV."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["rank", *CSV_COLUMNS])
        for place, row in enumerate(self.rows, start=1):
            data = _row_json(row)
            writer.writerow([place, *(data[c] for c in CSV_COLUMNS)])
        writer.writerow([])
        writer.writerow(["above \\ below", *self.bots])
        for a in self.bots:
            writer.writerow(
                [a, *("" if (v := self.pairwise[a][b]) is None else round(v, 6) for b in self.bots)]
            )
        return out.getvalue()


CSV_COLUMNS = (
    "bot",
    "ordinal",
    "mu",
    "sigma",
    "games",
    "wins",
    "win_rate",
    "win_low",
    "win_high",
    "mean_rank",
    "bankruptcy_rate",
    "failed_matches",
)


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "bot": row.bot,
        "ordinal": round(row.ordinal, 6),
        "mu": round(row.mu, 6),
        "sigma": round(row.sigma, 6),
        "games": row.games,
        "wins": row.wins,
        "win_rate": round(row.win_rate, 6),
        "win_low": round(row.win_low, 6),
        "win_high": round(row.win_high, 6),
        "mean_rank": round(row.mean_rank, 6),
        "bankruptcy_rate": round(row.bankruptcy_rate, 6),
        "failed_matches": row.failed_matches,
    }


def pairwise_matrix(
    records: Iterable[dict[str, Any]],
) -> tuple[dict[str, dict[str, float | None]], dict[str, dict[str, int]]]:
    """``(share above, meetings)`` for every ordered pair of distinct bots that met."""
    above: dict[tuple[str, str], int] = {}
    met: dict[tuple[str, str], int] = {}
    names: set[str] = set()
    for record in records:
        seats = list(zip(record["bots"], record["ranks"], strict=True))
        names.update(record["bots"])
        pairs: set[tuple[str, str]] = set()
        wins: set[tuple[str, str]] = set()
        for a, rank_a in seats:
            for b, rank_b in seats:
                if a == b:
                    continue
                pairs.add((a, b))
                if rank_a < rank_b:
                    wins.add((a, b))
        # A pair meets once per match, even when a bot holds two seats: the row bot is "above"
        # if any of its seats beat any of the other's.
        for pair in pairs:
            met[pair] = met.get(pair, 0) + 1
            above[pair] = above.get(pair, 0) + (pair in wins)
    order = sorted(names)
    share = {
        a: {b: (above[(a, b)] / met[(a, b)]) if (a, b) in met else None for b in order}
        for a in order
    }
    meetings = {a: {b: met.get((a, b), 0) for b in order} for a in order}
    return share, meetings


def entrant_seats(record: dict[str, Any]) -> dict[str, Any]:
    """A record cut down to its entrants' seats (filler seats dropped, failures renumbered).

    Ranks keep their values: only their order among the entrants matters to the ratings."""
    keep = [seat for seat, name in enumerate(record["bots"]) if not is_filler(name)]
    if len(keep) == len(record["bots"]):
        return record
    new_seat = {old: new for new, old in enumerate(keep)}
    return {
        **record,
        "bots": [record["bots"][seat] for seat in keep],
        "ranks": [record["ranks"][seat] for seat in keep],
        "statuses": [record["statuses"][seat] for seat in keep],
        **(
            {"malformed": [record["malformed"][seat] for seat in keep]}
            if len(record.get("malformed", [])) == len(record["bots"])
            else {}
        ),
        "failures": [
            {**f, "seat": new_seat[f["seat"]]}
            for f in record.get("failures", [])
            if f.get("seat") in new_seat
        ],
    }


def build_leaderboard(records: Iterable[dict[str, Any]]) -> Leaderboard:
    """The leaderboard of a set of match records (ids already unique)."""
    ordered = sorted(records, key=lambda r: r["match_id"])
    filler_seats = sum(is_filler(name) for record in ordered for name in record["bots"])
    matches = len(ordered)
    ordered = [entrant_seats(record) for record in ordered]
    entrants = sorted({name for record in ordered for name in record["bots"]})
    ratings = rate_matches((r for r in ordered if len(r["bots"]) > 1), bots=entrants)
    stats: dict[str, dict[str, float]] = {}
    seen: dict[str, list[tuple[str, str, Match | None]]] = {}
    """Per bot, (kind, where: text, its match) of every failure, in match-id order."""
    malformed: dict[str, int] = {}
    for record in ordered:
        failed = {f["seat"] for f in record.get("failures", [])}
        for f in record.get("failures", []):
            seat = f.get("seat", -1)
            if 0 <= seat < len(record["bots"]):
                seen.setdefault(record["bots"][seat], []).append(
                    (*_failure_kind(f, record.get("turns")), _match_of(record))
                )
        for name, count in zip(record["bots"], record.get("malformed", []), strict=False):
            malformed[name] = malformed.get(name, 0) + int(count)
        failed_bots = {record["bots"][seat] for seat in failed if 0 <= seat < len(record["bots"])}
        for seat, name in enumerate(record["bots"]):
            s = stats.setdefault(
                name, {"games": 0, "wins": 0, "rank": 0, "bankrupt": 0, "failed": 0}
            )
            s["games"] += 1
            s["wins"] += record["ranks"][seat] == 1
            s["rank"] += record["ranks"][seat]
            s["bankrupt"] += record["statuses"][seat] == BANKRUPT
        for name in failed_bots:
            stats[name]["failed"] += 1
    rows = []
    for name, s in stats.items():
        games, wins = int(s["games"]), int(s["wins"])
        low, high = wilson_interval(wins, games)
        rating = ratings[name]
        rows.append(
            Row(
                bot=name,
                mu=rating.mu,
                sigma=rating.sigma,
                ordinal=rating.ordinal,
                games=games,
                wins=wins,
                win_rate=wins / games,
                win_low=low,
                win_high=high,
                mean_rank=s["rank"] / games,
                bankruptcy_rate=s["bankrupt"] / games,
                failed_matches=int(s["failed"]),
            )
        )
    rows.sort(key=lambda r: (-r.ordinal, -r.win_rate, r.bot))
    share, meetings = pairwise_matrix(ordered)
    order = [r.bot for r in rows]
    summaries = []
    for row in rows:
        dropped = malformed.get(row.bot, 0)
        if row.bot not in seen and not dropped:
            continue
        kinds = Counter(kind for kind, _, _ in seen.get(row.bot, []))
        ranked = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        firsts: dict[str, tuple[str, Match | None]] = {}
        """Each kind's first failure and its match."""
        for kind, text, where in seen.get(row.bot, []):
            firsts.setdefault(kind, (text, where))
        first = firsts[ranked[0][0]] if ranked else ("", None)
        more = tuple((kind, firsts[kind][0]) for kind, _ in ranked[1:MAX_KIND_EXAMPLES])
        summaries.append(
            FailureSummary(
                row.bot,
                row.failed_matches,
                row.games,
                tuple(ranked),
                first[0],
                dropped,
                first[1],
                more,
            )
        )
    return Leaderboard(
        rows=tuple(rows),
        pairwise={a: {b: share[a][b] for b in order} for a in order},
        meetings={a: {b: meetings[a][b] for b in order} for a in order},
        matches=matches,
        filler_seats=filler_seats,
        failures=tuple(summaries),
    )


def _match_of(record: dict[str, Any]) -> Match | None:
    """The :data:`Match` of a results record (``None`` for one without a scenario or seed)."""
    scenario, seed = record.get("scenario"), record.get("seed")
    if not isinstance(scenario, str) or not isinstance(seed, int):
        return None
    return scenario, seed, tuple(str(b) for b in record["bots"])


REPORTED = "the bot reported: "
"""As :data:`game.arena.match.REPORTED` (not imported: this module stays light)."""

STATUSES = ("invalid", "timeout", "error")
"""Seat statuses that eliminate an external bot (its failure text starts with one)."""


def _failure_kind(failure: dict[str, Any], turns: Any = None) -> tuple[str, str]:
    """(kind, "turn N: text") of one recorded failure of a match of ``turns`` quarters."""
    text = str(failure.get("error", ""))
    turn = failure.get("turn", -1)
    if not isinstance(turn, int) or turn < 0:
        where = "setup"
    elif isinstance(turns, int) and turn >= turns:
        where = "end of match"  # on_end() raised, after the last quarter: not "turn 8" of 0-7
    else:
        where = f"turn {turn}"
    # What a cmd: bot reported itself (the SDK's caught exception) is classed by what it says.
    own = text.removeprefix(REPORTED)
    head = own.split(":", 1)[0].strip()
    if head in STATUSES:
        kind = head
    elif own.startswith("act() returned"):
        kind = "bad return"
    elif head and " " not in head:
        kind = head  # an exception's class name
    else:
        kind = "failure"
    return kind, f"{where}: {text}"


MATRIX_MAX_WIDTH = 160
"""Widest pairwise matrix printed: a wider one (a class of 30 bots: 270 columns) wraps into an
unreadable screen; it is in the CSV and JSON exports instead."""


LEGEND = (
    "rating = mu − 3·sigma (OpenSkill): a cautious skill estimate, low until enough games make\n"
    "sigma small. Where two bots' win-rate intervals (95%, Wilson) overlap, their order is not\n"
    "settled: play more seeds (--seeds N --extend keeps the matches already played)."
)
"""Printed under the table: what a teacher needs to read it (docs/BOTS.md says more)."""


def format_leaderboard(
    board: Leaderboard, matrix: bool = True, match_options: str = "", scenario: str | None = None
) -> str:
    """The leaderboard as a plain-text table (and the pairwise matrix below it); see
    :func:`format_failures` for ``match_options`` and ``scenario``."""
    if not board.rows:
        return "no finished matches yet"
    header = (
        "#",
        "bot",
        "rating",
        "mu",
        "sigma",
        "games",
        "win rate (95% CI)",
        "mean rank",
        "bankrupt",
        "failed",
    )
    lines = [header]
    for place, r in enumerate(board.rows, start=1):
        lines.append(
            (
                str(place),
                r.bot,
                f"{r.ordinal:.2f}",
                f"{r.mu:.2f}",
                f"{r.sigma:.2f}",
                str(r.games),
                f"{r.win_rate:6.1%} ({r.win_low:.0%}–{r.win_high:.0%})",
                f"{r.mean_rank:.2f}",
                f"{r.bankruptcy_rate:.0%}",
                str(r.failed_matches),
            )
        )
    text = _table(lines, right={0, 2, 3, 4, 5, 6, 7, 8, 9})
    heading = f"{board.matches} matches"
    if board.filler_seats:
        heading += f" ({board.filler_seats} filler seats, counted for no bot)"
    out = [heading, text, LEGEND]
    if matrix and len(board.rows) > 1:
        names = board.bots
        short = [str(i) for i in range(1, len(names) + 1)]
        grid = [("above \\ below", *short)]
        for i, a in enumerate(names):
            cells = []
            for b in names:
                value = board.pairwise[a][b]
                cells.append("·" if value is None else f"{value:.0%}")
            grid.append((f"{i + 1} {a}", *cells))
        table = _table(grid, right=set(range(1, len(names) + 1)))
        width = max(len(line) for line in table.splitlines())
        if width <= MATRIX_MAX_WIDTH:
            out += [
                "",
                "Pairwise: share of meetings where the row bot finished above the column bot",
                table,
            ]
        else:
            out += [
                "",
                f"Pairwise matrix ({len(names)} × {len(names)}, {width} columns wide) not shown:"
                " write it with --csv PATH (a spreadsheet) or --json PATH",
            ]
    if board.failures:
        out += ["", format_failures(board, match_options, scenario)]
    return "\n".join(out)


def again_command(match: Match, options: str = "", scenario: str | None = None) -> str:
    """The ``capwars match`` command that plays a tournament's match again, bit for bit, into a
    replay: its scenario, seed and line-up in seat order (a filler seat as the bot that played
    it), plus ``options`` (the tournament's limits of ``cmd:`` bots, as typed). ``scenario``:
    the tournament's ``--scenario`` as given, when the record's id is not enough (a scenario
    file: the record holds the id inside it, which ``--scenario`` does not know)."""
    recorded, seed, bots = match
    scenario = scenario or recorded
    words = ["capwars", "match", "--scenario", scenario, "--seed", str(seed)]
    for bot in bots:
        words += ["--bot", bot.removeprefix(FILLER_PREFIX)]
    command = " ".join(shlex.quote(w) for w in words)
    return f"{command}{' ' + options if options else ''} --replay again.jsonl"


def format_failures(
    board: Leaderboard, match_options: str = "", scenario: str | None = None
) -> str:
    """Per bot that failed: in how many of its matches, how, and the first such failure with
    the command that plays its match again (``match_options``: the limits, as options)."""
    lines = [
        "Failures by bot (matches with a failure / matches played; how; the first example of"
        f" each of its {MAX_KIND_EXAMPLES} commonest ways; actions that were not actions):"
    ]
    width = max(len(f.bot) for f in board.failures)
    for f in board.failures:
        kinds = [f"{kind} ×{n}" for kind, n in f.kinds]
        if f.malformed:
            kinds.append(f"malformed actions ×{f.malformed} (dropped; it played on without them)")
        lines.append(f"  {f.bot.ljust(width)}  {f.failed_matches}/{f.games}  {', '.join(kinds)}")
        if f.example:
            lines.append(f"  {' ' * width}  e.g. {f.example}")
        for _, text in f.more_examples:  # the first of each other way it failed
            lines.append(f"  {' ' * width}       {text}")
        if f.example_match is not None:
            command = again_command(f.example_match, match_options, scenario)
            lines.append(f"  {' ' * width}  again: {command}")
    lines.append(
        "An eliminated bot holds for the rest of the match and ranks last. To see a failing"
        " bot's own log (stderr, traceback) and which actions were malformed and why:"
        " capwars validate SPEC; to watch the match, run its 'again' command, then capwars"
        " replay show again.jsonl"
    )
    return "\n".join(lines)


def _table(rows: Sequence[tuple[str, ...]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in right and n > 0 else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(board: Leaderboard, path: str | os.PathLike[str]) -> None:
    """Write the leaderboard as JSON (atomically: a reader never sees half a file)."""
    _write_text(Path(path), json.dumps(board.to_json(), indent=2) + "\n")


def write_csv(board: Leaderboard, path: str | os.PathLike[str]) -> None:
    """Write the leaderboard and the pairwise matrix as CSV (atomically)."""
    _write_text(Path(path), board.to_csv())


def _write_text(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))
