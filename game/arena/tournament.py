"""Tournaments: many matches between bots, results on disk, a leaderboard with ratings.

>>> from game.arena.tournament import TournamentConfig, run_tournament
>>> config = TournamentConfig(bots=("idle", "random", "balanced"), scenario="tutorial", seeds=2)
>>> summary = run_tournament(config, "runs/t1", jobs=2)           # doctest: +SKIP
>>> print(format_leaderboard(summary.leaderboard))                 # doctest: +SKIP

A **round robin** plays every group of bots the scenario seats, on every seed, in every seat
rotation; a **gauntlet** (``challenger=...``) plays one bot against groups from the pool. See
:mod:`game.arena.schedule`.

Each finished match is one line of ``results.jsonl`` in the output folder (see
:mod:`game.arena.results`), written durably before the next is counted. Beside it,
``tournament.json`` records the tournament's **design**: mode (round robin or gauntlet and its
challenger), bots, filler, scenario, seeds, the content hash (and the ``--content`` folder as
given, for the leaderboard's 'again' commands), the folders ``cmd:`` bots may read
(``--bot-read``: for the 'again' commands, and a resume without ``--bot-read`` gives the bots
the same folders), the limits of ``cmd:`` bots (time:
``--turn-seconds``, ``--bank-seconds``, ``--init-seconds``; resources: ``--memory-mb``,
``--cpu-seconds``, ``--max-open-files``, ``--max-file-mb``, ``--max-processes``), and a SHA-256
of every bot file (the file of a ``path/to/bot.py[:Class]`` spec, and each argument of a
``cmd:`` spec that is an existing file). Run the same tournament again into the same folder and
only the matches missing from the file are played: a killed run resumes, and a finished one is
a no-op. A run whose design differs from the folder's (other bots, seeds, scenario or limits, or
a bot file edited since) is refused with what differs, before any match is played;
``restart=True`` (``--restart``) discards the old results first, and ``extend=True``
(``--extend``) keeps them when every match already in the folder belongs to the new tournament
too (more bots or seeds), no bot file has changed and the limits are the same.

The leaderboard (:mod:`game.arena.leaderboard`) is a pure function of the records, applied in
match-id order, so it does not depend on ``--jobs``, the executor, or where the run was
interrupted. Bot specs are part of a match's id, so resume with the same spelling of each spec
(``bots/a.py`` and ``./bots/a.py`` are different entrants).

The CLI (``capwars tournament run|leaderboard`` and ``capwars validate``) is added to the
``capwars`` parser by :func:`register_cli`; ``python -m game.arena.tournament`` runs it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.agents.registry import BotSpecError, file_spec
from game.arena.executors import (
    ExecutorError,
    check_executor,
    interrupt,
    run_tasks,
    worker_content,
    worker_scenario,
)
from game.arena.files import output_problem, write_atomic
from game.arena.host import (
    LIMIT_OPTIONS,
    LimitsError,
    command_argv,
    command_files,
    describe_limits,
    external_command,
    is_external,
    limits_json,
    limits_of_args,
)
from game.arena.leaderboard import (
    Leaderboard,
    build_leaderboard,
    format_leaderboard,
    write_csv,
    write_json,
)
from game.arena.options import limit_options
from game.arena.progress import Progress
from game.arena.protocol import Limits
from game.arena.results import RESULTS_NAME, ResultsError, ResultsFile, read_results
from game.arena.schedule import (
    DEFAULT_FILLER,
    MatchTask,
    gauntlet,
    round_robin,
    seeds_from,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
DESIGN_NAME = "tournament.json"
"""The design of the tournament a folder's ``results.jsonl`` belongs to."""
DESIGN_FORMAT = 1


class TournamentError(ValueError):
    """A tournament that cannot run as asked: the message says why and what to do instead."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so a ``kill PID`` winds down like Ctrl-C."""

    signum = signal.SIGTERM


class TournamentInterrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM; every finished match is on disk."""

    def __init__(self, done: int, scheduled: int, signum: int = signal.SIGINT):
        super().__init__(f"{done} of {scheduled} matches done")
        self.done = done
        self.scheduled = scheduled
        self.signum = signum


@dataclass(frozen=True)
class TournamentConfig:
    """What to play. ``challenger`` set: a gauntlet of it against ``bots``; else a round robin."""

    bots: tuple[str, ...]
    scenario: str = "standard"
    seeds: int = 1
    """Seeds per group; each seed is played in every seat rotation."""
    base_seed: int = 0
    challenger: str | None = None
    filler: str = DEFAULT_FILLER
    """Plays the seats the entrants cannot fill (fewer bots than seats); counts for no bot."""
    limits: Limits | None = None
    """Time and resource limits of the ``cmd:`` bots (``--turn-seconds``, ``--memory-mb`` ...;
    ``None``: the defaults). Part of the design: they change outcomes (a slow bot times out or
    not, a big one runs out of memory or not)."""

    @property
    def specs(self) -> list[str]:
        """Every bot spec the tournament builds: entrants, challenger, filler."""
        return [*self.bots, *([self.challenger] if self.challenger else []), self.filler]


@dataclass
class TournamentSummary:
    """What a run did and where things stand."""

    directory: Path
    scheduled: int
    already_done: int
    played: int
    seconds: float
    leaderboard: Leaderboard
    repaired_bytes: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    bot_read: tuple[str, ...] = ()
    """The folders the ``cmd:`` bots could read (``--bot-read``, given or recorded)."""

    @property
    def matches_per_second(self) -> float:
        return self.played / self.seconds if self.seconds > 0 else 0.0


def schedule(config: TournamentConfig, seats: int) -> list[MatchTask]:
    """The matches of a tournament in a scenario with ``seats`` seats."""
    try:
        seeds = seeds_from(config.base_seed, config.seeds)
        if config.challenger is not None:
            return gauntlet(
                config.challenger, config.bots, seats, config.scenario, seeds, config.filler
            )
        return round_robin(config.bots, seats, config.scenario, seeds, config.filler)
    except ValueError as exc:
        raise TournamentError(str(exc)) from None


BIG_TOURNAMENT = 5000
"""Matches above which the plan line suggests a smaller design."""


def plan_line(config: TournamentConfig, seats: int, scheduled: int, done: int) -> str:
    """What is about to be played, said before the first match: a 30-bot round robin of a
    4-seat scenario is 109,620 matches, and a teacher should know that before starting it."""
    bots = len(dict.fromkeys(config.bots))
    kind = (
        f"gauntlet of {config.challenger} against {bots} bots"
        if config.challenger
        else f"round robin of {bots} bots"
    )
    seeds = f"{config.seeds} seed{'s' if config.seeds != 1 else ''}"
    text = f"{kind} on {config.scenario} ({seats} seats), {seeds}: {scheduled:,} matches"
    if done:
        text += f", {done:,} already done, {scheduled - done:,} to play"
    if scheduled - done > BIG_TOURNAMENT and not config.challenger and seats > 2:
        text += (
            f" (a round robin plays every group of {seats} bots in every seat rotation: a"
            " 2-seat scenario such as --scenario tutorial, or a gauntlet with --challenger,"
            " plays far fewer)"
        )
    if any(is_external(spec) for spec in config.specs):
        # What a stalling external bot will cost each of its matches, and how to change it.
        limits = config.limits or Limits()
        text += (
            f"; cmd: bots get {limits.turn_seconds:g} s a turn plus a {limits.bank_seconds:g} s"
            " time bank (--turn-seconds, --bank-seconds)"
        )
    return text


def _same_bot_twice(specs: Sequence[str]) -> None:
    """Refuse one bot file given twice under two spellings (``steady.py`` and ``./steady.py``):
    it would play itself as two entrants, each rated on its own."""
    seen: dict[tuple[Path, str | None], str] = {}
    for spec in dict.fromkeys(s.strip() for s in specs):
        named = file_spec(spec)
        if named is None:
            continue
        key = (named[0].resolve(), named[1])
        first = seen.setdefault(key, spec)
        if first != spec:
            raise TournamentError(f"{first} and {spec} name the same bot file: give it once")


def check_bots(specs: Sequence[str]) -> None:
    """Build every bot once here, so a bad spec fails now, not in a worker mid-tournament."""
    import game.arena.host  # noqa: F401  (registers the ``cmd:`` spec prefix for external bots)
    from game.agents.registry import BotSpecError, make_bot

    _same_bot_twice(specs)
    for spec in dict.fromkeys(specs):
        try:
            bot = make_bot(spec)
        except BotSpecError as exc:
            if file_spec(spec) is None:
                raise TournamentError(str(exc)) from None
            # A student's file in a class tournament: the teacher needs to know what to do.
            quoted = shlex.quote(spec)
            raise TournamentError(
                f"{exc}\nNo match is played until every bot builds: fix it (capwars validate"
                f" {quoted} checks it) or leave {quoted} out of the tournament."
            ) from None
        close = getattr(bot, "close", None)  # an external bot may hold a process or a folder
        if callable(close):
            close()


def run_tournament(
    config: TournamentConfig,
    directory: str | os.PathLike[str],
    *,
    jobs: int = 1,
    executor: str | None = None,
    content_dir: str | None = None,
    quiet: bool = True,
    stream: Any = None,
    limit: int | None = None,
    pool: Executor | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    restart: bool = False,
    extend: bool = False,
    bot_read: Sequence[str] | None = None,
) -> TournamentSummary:
    """Play the tournament's missing matches into ``directory`` and rebuild the leaderboard.

    ``bot_read``: the folders (or files) every ``cmd:`` bot may read besides its own
    (``--bot-read``), on every worker; ``None`` resumes with those the folder's design records
    (none for a new tournament or with ``restart``), a sequence (even empty) replaces them.

    ``limit`` stops after that many new matches (for tests and for slicing long runs);
    ``on_record`` sees each record just after it is on disk; ``pool`` is a started process pool
    to reuse (:func:`~game.arena.executors.start_pool`), left open. A folder holding another
    tournament's results raises :class:`TournamentError` unless ``restart`` (discard them) or
    ``extend`` (keep them, when they all belong to this tournament too) is set.
    """
    if restart and extend:
        raise TournamentError("--restart and --extend do not go together: choose one")
    try:  # before anything is written: a typo must not leave a folder behind
        check_executor(jobs, executor)
    except ExecutorError as exc:
        raise TournamentError(str(exc)) from None
    from game.rules.loader import match_content_hash

    try:
        # An id, or a scenario file path/to/lesson.toml (every worker reads the same file).
        content, scenario_id = worker_scenario(content_dir, config.scenario)
    except KeyError as exc:
        raise TournamentError(str(exc.args[0]) if exc.args else str(exc)) from None
    # A ContentError (a broken content folder or scenario file) goes up as it is: the command
    # line lists every problem and exits 1, as every command does.
    local_hash = match_content_hash(content, scenario_id)  # what the records carry
    scenario = content.scenario(scenario_id)
    tasks = schedule(config, len(scenario.seats))
    check_bots(config.specs)
    folder = Path(directory)
    recorded = [] if restart else _recorded_reads(folder)
    reads = [os.path.abspath(p) for p in (bot_read if bot_read is not None else recorded)]
    if bot_read is None and recorded:
        gone = [p for p in reads if not os.path.exists(p)]
        if gone:
            raise TournamentError(
                f"this tournament was run with --bot-read {shlex.quote(gone[0])}, which is not"
                " there now: rerun with --bot-read naming where it is now (each folder the"
                " bots need), or add --restart to start over"
            )
        if not quiet:
            note = stream if stream is not None else sys.stderr
            given = " ".join(f"--bot-read {shlex.quote(p)}" for p in reads)
            print(f"resuming with the tournament's {given} (from {DESIGN_NAME})", file=note)
    design = design_of(config, local_hash, content_dir, reads)
    if restart:
        for name in (RESULTS_NAME, DESIGN_NAME):
            (folder / name).unlink(missing_ok=True)
    interrupted: KeyboardInterrupt | None = None
    with ResultsFile.open(directory) as results:
        _check_design(folder, results, design, tasks, extend)
        _check_content(results, local_hash)
        _write_json(folder / DESIGN_NAME, design)
        done = results.done
        # In match-id order (a hash: a fixed shuffle), not schedule order: the schedule lists a
        # bot's matches together, so a bot that stalls every turn slowed one stretch of the run
        # to a crawl and the eta swung from minutes to hours; spread out, the pace is even.
        pending = sorted((t for t in tasks if t.id not in done), key=lambda t: t.id)
        already_done = len(tasks) - len(pending)
        if limit is not None:
            pending = pending[: max(0, limit)]
        if not quiet:
            note = stream if stream is not None else sys.stderr
            print(plan_line(config, len(scenario.seats), len(tasks), already_done), file=note)
            note.flush()
        start = time.perf_counter()
        # The whole tournament on the bar (a resumed run starts part-way), this run's pace.
        progress = Progress(
            already_done + len(pending), stream=stream, quiet=quiet, done=already_done
        )
        played = 0
        records = run_tasks(
            pending,
            content_dir,
            jobs=jobs,
            executor=executor,
            pool=pool,
            limits=config.limits,
            bot_read=reads,
        )
        try:
            for record in records:
                if record.get("content_hash") != local_hash:
                    raise TournamentError(
                        f"a worker played match {record['match_id']} with other content"
                        f" (hash {record.get('content_hash')}): install the same game version"
                        " and content on every worker"
                    )
                results.append(record)
                played += 1
                progress.advance()
                if on_record is not None:
                    on_record(record)
        except ExecutorError as exc:
            raise TournamentError(str(exc)) from None
        except KeyboardInterrupt as exc:
            interrupted = exc
        finally:
            # Shut the pool down now (drop queued matches, wait for running ones), not whenever
            # the generator is collected.
            close = getattr(records, "close", None)
            if callable(close):
                close()
            progress.close()
        if interrupted is None:
            seconds = time.perf_counter() - start
            board = build_leaderboard(results.records)
            failures = [
                {"match_id": r["match_id"], **f}
                for r in results.records
                for f in r.get("failures", [])
            ]
            return TournamentSummary(
                directory=Path(directory),
                scheduled=len(tasks),
                already_done=already_done,
                played=played,
                seconds=seconds,
                leaderboard=board,
                repaired_bytes=results.repaired_bytes,
                failures=failures,
                bot_read=tuple(reads),
            )
    # Count what a rerun will find on disk (the interrupt may have landed mid-append).
    scheduled = {t.id for t in tasks}
    saved = sum(r["match_id"] in scheduled for r in read_results(directory))
    signum = getattr(interrupted, "signum", signal.SIGINT)
    raise TournamentInterrupted(saved, len(tasks), signum) from None


def _check_content(results: ResultsFile, content_hash: str) -> None:
    for record in results.records:
        other = record.get("content_hash")
        if other is not None and other != content_hash:
            raise TournamentError(
                f"{results.path} holds matches played with other content (hash {other}, now"
                f" {content_hash}): use a new --out folder, or add --restart to discard them"
            )


# ---------------------------------------------------------------------------------------------
# The design a results folder belongs to


def design_of(
    config: TournamentConfig,
    content_hash: str,
    content_dir: str | None = None,
    bot_read: Sequence[str] = (),
) -> dict[str, Any]:
    """What makes a tournament this tournament: ``tournament.json`` of its results folder.

    ``content_dir`` is the ``--content`` folder as given (``None``: the game's own content):
    not part of what is compared (the content hash is), but what a later ``tournament
    leaderboard`` puts into its 'again' commands. ``bot_read``: the ``--bot-read`` folders
    (absolute), not compared either: for the 'again' commands and a resume without them."""
    entrants = list(dict.fromkeys(b.strip() for b in config.bots))
    if config.challenger is not None:
        entrants = [b for b in entrants if b != config.challenger]
    return {
        "format": DESIGN_FORMAT,
        "mode": "gauntlet" if config.challenger is not None else "round robin",
        "challenger": config.challenger,
        "bots": entrants,
        "filler": config.filler.strip(),
        "scenario": config.scenario,
        "seeds": config.seeds,
        "base_seed": config.base_seed,
        "content_hash": content_hash,
        "content_dir": content_dir,
        "bot_read": list(bot_read),
        "limits": limits_json(config.limits or Limits()),
        "bot_files": {
            spec: files for spec in dict.fromkeys(config.specs) if (files := bot_files(spec))
        },
    }


def bot_files(spec: str) -> dict[str, str]:
    """SHA-256 of each file a bot spec runs: a Python bot's file; the arguments of a ``cmd:``
    bot that the host takes for files (:func:`~game.arena.host.command_files`: ``bot.js``, the
    file of the SDK's ``bot.py:MyBot``).

    Paths as written in the spec (relative to the working directory)."""
    command = external_command(spec)
    if command is not None:
        try:
            argv = command_argv(command)
        except BotSpecError:
            return {}
        candidates = [name for name, _ in command_files(argv, Path.cwd()).values()]
    else:
        # A Python file (path/to/bot.py[:Class]), named as written in the spec.
        candidates = [spec.strip().partition(":")[0]] if file_spec(spec) is not None else []
    out = {}
    for name in candidates:
        path = Path(name)
        if path.is_file():
            with path.open("rb") as handle:
                out[name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return out


def _check_design(
    folder: Path,
    results: ResultsFile,
    design: dict[str, Any],
    tasks: Sequence[MatchTask],
    extend: bool,
) -> None:
    """Refuse to mix this tournament's results with another's (see the module docstring)."""
    if not results.records:
        return  # nothing played yet: whatever design was written down, this one replaces it
    path = folder / DESIGN_NAME
    scheduled = {t.id for t in tasks}
    strays = sum(r["match_id"] not in scheduled for r in results.records)
    if not path.is_file():
        # A folder from before tournament.json: adopt it if it holds only this tournament's
        # matches (its bot files cannot be checked).
        if strays:
            raise TournamentError(
                f"{results.path} holds {strays} matches that are not part of this tournament,"
                f" and no {DESIGN_NAME} saying which tournament played them: use a new --out"
                " folder, or add --restart to discard them and start over"
            )
        return
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TournamentError(
            f"cannot read {path} ({exc}): use a new --out folder, or add --restart to discard"
            " its results and start over"
        ) from None
    if not isinstance(old, dict):
        old = {}
    changes, edited = _design_changes(old, design)
    if not changes:
        return
    timed = _old_limits(old) != design["limits"]
    can_extend = not edited and not strays and not timed
    if extend and can_extend:
        return
    lines = [f"{folder} already holds results of a tournament that differs from this run:"]
    lines += [f"  - {change}" for change in changes]
    if extend:
        if edited:
            why = "a bot file has changed since its matches were played"
        elif timed:
            why = "its matches were played with other limits for cmd: bots"
        else:
            why = f"{strays} of its matches are not part of this tournament"
        lines.append(f"--extend cannot keep them: {why}.")
    options = "use a new --out folder to keep both, or add --restart to discard them and start over"
    if can_extend:
        options += ", or add --extend to keep them and play only this tournament's new matches"
    lines.append(f"To run this tournament, {options}.")
    raise TournamentError("\n".join(lines))


def _design_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], bool]:
    """Sentences saying how ``new`` differs from ``old``, and whether a bot file was edited."""
    changes = []

    def kind(d: dict[str, Any]) -> str:
        challenger = d.get("challenger")
        return f"a gauntlet of {challenger}" if challenger else "a round robin"

    if kind(old) != kind(new):
        changes.append(f"it was {kind(old)}; this run is {kind(new)}")
    old_bots, new_bots = list(old.get("bots") or []), list(new["bots"])
    added = [b for b in new_bots if b not in old_bots]
    removed = [b for b in old_bots if b not in new_bots]
    if added or removed:
        parts = []
        if added:
            parts.append(f"adds {', '.join(added)}")
        if removed:
            parts.append(f"leaves out {', '.join(removed)}")
        changes.append(f"bots: this run {' and '.join(parts)}")
    if old.get("filler") != new["filler"]:
        changes.append(f"filler: {old.get('filler')} there, {new['filler']} now")
    if old.get("scenario") != new["scenario"]:
        changes.append(f"scenario: {old.get('scenario')} there, {new['scenario']} now")
    elif old.get("content_hash") != new["content_hash"]:
        before, now = old.get("content_dir"), new.get("content_dir")
        if "content_dir" in old and before != now:
            changes.append(f"content: {_content_words(before)} there, {_content_words(now)} now")
        else:
            changes.append("the game content or scenario file has changed since")
    if (old.get("seeds"), old.get("base_seed")) != (new["seeds"], new["base_seed"]):
        changes.append(
            f"seeds: --seeds {old.get('seeds')} --seed {old.get('base_seed')} there,"
            f" --seeds {new['seeds']} --seed {new['base_seed']} now"
        )
    before_limits = _old_limits(old)
    if before_limits != new["limits"]:
        differ = [f for f, value in new["limits"].items() if before_limits.get(f) != value]
        there = describe_limits(Limits(**before_limits), differ)
        now = describe_limits(Limits(**new["limits"]), differ)
        changes.append(f"limits of cmd: bots: {there} there, {now} now")
    edited = False
    old_files = old.get("bot_files") or {}
    for spec, files in new["bot_files"].items():
        before = old_files.get(spec)
        if not isinstance(before, dict):
            continue
        for name, digest in files.items():
            if name in before and before[name] != digest:
                edited = True
                changes.append(f"{name} (bot {spec}) has changed since its matches were played")
    if old.get("content_hash") not in (None, new["content_hash"]):
        edited = True  # matches played with other content are never kept
    return changes, edited


def _recorded_reads(folder: Path) -> list[str]:
    """The ``--bot-read`` folders the design in ``folder`` records (none without one)."""
    try:
        design = json.loads((folder / DESIGN_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return _reads_of(design)


def _reads_of(design: object) -> list[str]:
    """The ``--bot-read`` folders a parsed ``tournament.json`` records."""
    reads = design.get("bot_read") if isinstance(design, dict) else None
    if not isinstance(reads, list):
        return []
    return [p for p in reads if isinstance(p, str) and p]


def _content_words(content_dir: object) -> str:
    """How a design's content folder reads in a sentence: ``--content DIR`` or the game's own."""
    if isinstance(content_dir, str):
        return f"--content {shlex.quote(content_dir)}"
    return "the game's own content"


def _old_limits(old: dict[str, Any]) -> dict[str, float | int]:
    """The limits a design records; a folder from before they were recorded (or with an
    unreadable entry) played with the defaults, and so did one from before the resource limits
    (``memory_mb`` ...) could be set, for those."""
    recorded = old.get("limits")
    defaults = limits_json(Limits())
    if not isinstance(recorded, dict):
        return defaults
    try:
        return limits_json(Limits(**{k: recorded[k] for k in defaults if k in recorded}))
    except (TypeError, ValueError):
        return defaults


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` atomically (a reader never sees half a file)."""
    write_atomic(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def leaderboard_of(directory: str | os.PathLike[str]) -> Leaderboard:
    """The leaderboard recomputed from a folder's ``results.jsonl``."""
    return build_leaderboard(read_results(directory))


# ---------------------------------------------------------------------------------------------
# The command line


def cmd_tournament_run(args: argparse.Namespace) -> int:
    """``capwars tournament run``: play (or resume) a tournament and print the leaderboard."""
    try:
        limits = limits_of_args(args)
    except LimitsError as exc:
        return _usage(str(exc))
    config = TournamentConfig(
        bots=tuple(args.bots),
        scenario=args.scenario,
        seeds=args.seeds,
        base_seed=args.seed,
        challenger=args.challenger,
        filler=args.filler,
        limits=limits,
    )
    if args.seed < 0 or args.seed + max(args.seeds, 1) > 2**63:
        return _usage(f"seeds must lie between 0 and 2**63 - 1, got --seed {args.seed}")
    if problem := _export_problem(args) or output_problem(args.out, "--out", folder=True):
        return _usage(problem)
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    from game.arena.match import bot_prints_to_stderr

    try:
        with _sigterm_as_interrupt(), bot_prints_to_stderr():
            summary = run_tournament(
                config,
                args.out,
                jobs=jobs,
                executor=args.executor,
                content_dir=getattr(args, "content", None),
                quiet=args.quiet,
                restart=args.restart,
                extend=args.extend,
                # Absolute as main() gave them to the bots; None: the recorded ones on a resume.
                bot_read=args.bot_read,
            )
    except (TournamentError, ResultsError) as exc:
        return _usage(str(exc))
    except TournamentInterrupted as exc:
        print(
            f"capwars: interrupted: {exc.done} of {exc.scheduled} matches done in {args.out};"
            " rerun the same command to resume",
            file=sys.stderr,
        )
        return 128 + int(exc.signum)
    except KeyboardInterrupt as exc:
        print(
            "capwars: interrupted; every finished match is saved: rerun the same command to resume",
            file=sys.stderr,
        )
        return 128 + int(getattr(exc, "signum", signal.SIGINT))
    note = sys.stderr
    if summary.repaired_bytes:
        print(
            f"capwars: cut an unfinished last line ({summary.repaired_bytes} bytes) from"
            f" {summary.directory / 'results.jsonl'}",
            file=note,
        )
    if not args.quiet:
        print(
            f"{summary.played} played, {summary.already_done} already done, of"
            f" {summary.scheduled} scheduled ({summary.matches_per_second:.1f} matches/s)"
            f" → {summary.directory / 'results.jsonl'}",
            file=note,
        )
    _export(summary.leaderboard, args)
    print(
        format_leaderboard(
            summary.leaderboard,
            match_options=_again_options(limits, getattr(args, "content", None), summary.bot_read),
            scenario=config.scenario,
        )
    )
    if args.challenger:
        print(
            f"\nA gauntlet: every other bot met only {args.challenger}, so their order among"
            " themselves says little; read the challenger's row of the pairwise matrix."
        )
    return EXIT_OK


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While inside, a SIGTERM (plain ``kill PID``) stops the run like Ctrl-C: the pool is shut
    down, finished matches stay on disk. A second SIGTERM kills at once (pool workers notice
    their parent is gone and exit on their own)."""

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        interrupt(Terminated())  # at once, or once the pool's wait has released its locks

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_tournament_leaderboard(args: argparse.Namespace) -> int:
    """``capwars tournament leaderboard DIR``: recompute the leaderboard from results.jsonl."""
    try:
        board = leaderboard_of(args.directory)
    except ResultsError as exc:
        return _usage(str(exc))
    if problem := _export_problem(args):
        return _usage(problem)
    _export(board, args)
    design = _design_of_folder(args.directory)
    given = getattr(args, "content", None)
    # The folder the tournament was played with, unless this command names another.
    content_dir = given if given is not None else design.content_dir
    options = _again_options(design.limits, content_dir, design.bot_read)
    print(format_leaderboard(board, match_options=options, scenario=design.scenario))
    if board.failures and given is None and (note := _content_note(design)):
        print(f"capwars: note: {note}", file=sys.stderr)
    return EXIT_OK


def _content_note(design: FolderDesign) -> str | None:
    """What to tell the reader of 'again' commands that may lack the tournament's content
    folder: the folder recorded is not there any more, or a folder from before the content
    folder was recorded was played with other content than the game's own."""
    if design.content_dir is not None:
        if Path(design.content_dir).is_dir():
            return None
        return (
            f"the tournament was played with --content {shlex.quote(design.content_dir)},"
            " which is not there now (relative paths are from where it was run): run this"
            " command with --content DIR naming where that folder is now, and its 'again'"
            " commands will carry it"
        )
    if design.content_recorded or design.content_hash is None or design.scenario is None:
        return None
    from game.rules.loader import ContentError, match_content_hash

    try:
        content, scenario_id = worker_scenario(None, design.scenario)
        own = match_content_hash(content, scenario_id)
    except KeyError:  # a scenario the game's own content does not have
        own = None
    except (ContentError, OSError, ValueError):
        return None  # cannot tell (a scenario file gone)
    if own == design.content_hash:
        return None
    return (
        "these matches were played with other content than the game's own, and this folder"
        " does not record which content folder (it is older than that): run this command with"
        " --content DIR, the folder the tournament was run with, and its 'again' commands"
        " will carry it"
    )


def _again_options(limits: Limits, content_dir: str | None, bot_read: Sequence[str] = ()) -> str:
    """The options a command that plays one of the tournament's matches again needs besides
    scenario, seed and bots: the limits that differ from the defaults, the content folder
    (without it, ``capwars match`` plays the game's own content: another match, or none) and
    the folders the bots could read (without them a bot that reads one fails otherwise)."""
    default = Limits()
    options = describe_limits(
        limits, [f for f in LIMIT_OPTIONS if getattr(limits, f) != getattr(default, f)]
    )
    reads = " ".join(f"--bot-read {shlex.quote(path)}" for path in bot_read)
    if content_dir is not None:
        reads = " ".join(filter(None, (f"--content {shlex.quote(content_dir)}", reads)))
    return " ".join(filter(None, (reads, options)))


@dataclass(frozen=True)
class FolderDesign:
    """What the 'again' commands of a results folder need from its ``tournament.json``."""

    limits: Limits = field(default_factory=Limits)
    scenario: str | None = None
    """The ``--scenario`` as given (``None``: no readable design)."""
    content_dir: str | None = None
    """The ``--content`` folder as given (``None``: the game's own, or not recorded)."""
    content_recorded: bool = False
    """Whether the design says which content folder (older designs do not)."""
    content_hash: str | None = None
    bot_read: tuple[str, ...] = ()
    """The ``--bot-read`` folders (absolute) the tournament's bots could read."""


def _design_of_folder(directory: str | os.PathLike[str]) -> FolderDesign:
    """The limits, the ``--scenario`` and the ``--content`` a results folder's
    ``tournament.json`` records (the defaults and ``None`` without one)."""
    folder = Path(directory)
    if folder.is_file():  # its results.jsonl, which the leaderboard reads as well
        folder = folder.parent
    try:
        design = json.loads((folder / DESIGN_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FolderDesign()
    if not isinstance(design, dict):
        return FolderDesign()

    def text(key: str) -> str | None:
        value = design.get(key)
        return value if isinstance(value, str) else None

    return FolderDesign(
        limits=Limits(**_old_limits(design)),
        scenario=text("scenario"),
        content_dir=text("content_dir"),
        content_recorded="content_dir" in design,
        content_hash=text("content_hash"),
        bot_read=tuple(_reads_of(design)),
    )


def cmd_validate(args: argparse.Namespace) -> int:
    """``capwars validate BOTSPEC``: a short self-check match, pass or fail with reasons."""
    import json

    from game.arena.validate import format_validation, validate_bot

    try:
        limits = limits_of_args(args)
    except LimitsError as exc:
        return _usage(str(exc))
    from game.arena.match import bot_prints_to_stderr

    try:
        with bot_prints_to_stderr():
            report = validate_bot(
                args.bot,
                content=worker_content(getattr(args, "content", None)),
                scenario=args.scenario,
                seed=args.seed,
                opponent=args.opponent,
                # the slowest turn that passes: --turn-limit, else the --turn-seconds a bot gets
                turn_limit=args.turn_limit,
                limits=limits,
            )
    except KeyError as exc:
        return _usage(str(exc.args[0]) if exc.args else str(exc))
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(format_validation(report))
    return EXIT_OK if report.passed else EXIT_FAILED


def _export_problem(args: argparse.Namespace) -> str | None:
    """Why ``--csv`` or ``--json`` cannot be written, found before anything is played."""
    for option, path in (("--csv", args.csv), ("--json", args.json)):
        if path and (problem := output_problem(path, option)):
            return problem
    return None


def _export(board: Leaderboard, args: argparse.Namespace) -> None:
    if args.csv:
        write_csv(board, args.csv)
    if args.json:
        write_json(board, args.json)


def _usage(message: str) -> int:
    print(f"capwars: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _content_option(parser: argparse.ArgumentParser) -> None:
    # Like every capwars command: --content may come before or after the command. SUPPRESS keeps
    # this copy from overwriting a value given before it.
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content folder to use instead of the game's own",
    )


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", metavar="PATH", help="also write the leaderboard as CSV")
    parser.add_argument("--json", metavar="PATH", help="also write the leaderboard as JSON")


def register_cli(subparsers: Any) -> None:
    """Add ``tournament`` and ``validate`` to the ``capwars`` sub-command parsers.

    Each parser sets ``handler`` (a function of the parsed arguments returning the exit
    status), as the other ``capwars`` commands do.
    """
    tournament = subparsers.add_parser(
        "tournament", help="run bot tournaments and show their leaderboards"
    )
    _content_option(tournament)
    actions = tournament.add_subparsers(dest="tournament_command", metavar="ACTION", required=True)

    run = actions.add_parser(
        "run",
        help="play (or resume) a round robin or a gauntlet",
        description="Play every match of a tournament that is not yet in OUT/results.jsonl,"
        " then print the leaderboard. Rerun the same command to resume an interrupted run."
        " OUT/tournament.json records the tournament's design (mode, bots, filler, scenario,"
        " seeds, content, cmd: bots' time and resource limits, and a hash of each bot file); a"
        " run with another design, or after a bot file was edited, is refused: use a new --out, or"
        " --restart or --extend. A bot that stalls costs each of its matches --turn-seconds"
        " plus --bank-seconds (11 s by default): for a class, try --turn-seconds 0.5"
        " --bank-seconds 2.",
    )
    _content_option(run)
    run.add_argument(
        "bots",
        nargs="+",
        metavar="BOT",
        help="bot specs: built-in names, path/to/bot.py[:Class] or cmd:...",
    )
    run.add_argument(
        "--challenger",
        metavar="SPEC",
        help="play a gauntlet: this bot against groups of the BOTs (default: round robin)",
    )
    run.add_argument(
        "--filler",
        default=DEFAULT_FILLER,
        metavar="SPEC",
        help="bot for the seats left empty when there are fewer bots than the scenario has"
        f" seats; its seats count for no bot (default: {DEFAULT_FILLER})",
    )
    run.add_argument(
        "--scenario",
        default="standard",
        metavar="ID_OR_FILE",
        help="scenario id or scenario file path/to/lesson.toml (default: standard)",
    )
    run.add_argument(
        "--games",
        "--seeds",
        dest="seeds",
        type=int,
        default=1,
        metavar="N",
        help="seeds per group, each played in every seat rotation (default: 1)",
    )
    run.add_argument("--seed", type=int, default=0, metavar="N", help="first seed (default: 0)")
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="local worker processes (default: one per CPU; 1 runs in this process)",
    )
    run.add_argument(
        "--executor",
        metavar="dask://HOST:PORT",
        help="run the matches on a Dask cluster: the address `dask scheduler` prints (needs"
        " the 'distributed' extra; the scheduler and every worker need this game, the same"
        " version, and the bot files at the same paths: docs/BOTS.md)",
    )
    run.add_argument(
        "--out",
        "-o",
        default="tournament",
        metavar="DIR",
        help="folder for results.jsonl (default: ./tournament)",
    )
    again = run.add_mutually_exclusive_group()
    again.add_argument(
        "--restart",
        action="store_true",
        help="discard the results already in OUT and start this tournament over",
    )
    again.add_argument(
        "--extend",
        action="store_true",
        help="keep OUT's results for a tournament with more bots or seeds (refused if a bot"
        " file changed, the limits of cmd: bots differ or a match in OUT is not part of this"
        " tournament)",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar or notes")
    limit_options(run)
    _export_options(run)
    run.set_defaults(handler=cmd_tournament_run)

    board = actions.add_parser(
        "leaderboard", help="recompute a tournament's leaderboard from its results.jsonl"
    )
    _content_option(board)
    board.add_argument("directory", metavar="DIR", help="a tournament folder (or its results file)")
    _export_options(board)
    board.set_defaults(handler=cmd_tournament_leaderboard)

    validate = subparsers.add_parser(
        "validate",
        help="play a short self-check match with a bot and report pass or fail",
        description="Play a short match with the bot in every seat against a built-in bot and"
        " check that it imports, sets up, returns valid actions without failing, and answers in"
        " time. Exit status 0 if it passes, 1 if not.",
    )
    _content_option(validate)
    validate.add_argument("bot", metavar="BOTSPEC", help="the bot to check")
    validate.add_argument(
        "--scenario",
        default="tutorial",
        metavar="ID_OR_FILE",
        help="scenario id or scenario file path/to/lesson.toml (default: tutorial)",
    )
    validate.add_argument("--seed", type=int, default=1, metavar="N", help="default: 1")
    validate.add_argument(
        "--opponent", default="balanced", metavar="SPEC", help="default: balanced"
    )
    validate.add_argument(
        "--turn-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="slowest turn that passes (default: --turn-seconds if given, else 1.0)",
    )
    limit_options(validate)
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(handler=cmd_validate)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m game.arena.tournament``: the tournament and validate commands alone."""
    parser = argparse.ArgumentParser(prog="capwars")
    parser.add_argument("--content", metavar="DIR", default=None)
    register_cli(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("capwars: interrupted (rerun the same command to resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
