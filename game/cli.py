"""The ``capwars`` command (also ``python -m game``).

``capwars`` alone starts the terminal UI, like ``capwars play``. Everything else is headless:
``match``, ``replay verify|show``, ``scenarios``, ``content check`` and ``bench``. The TUI (and
with it Textual) is imported only by ``play``, so headless commands start fast and run where
Textual cannot.

User errors (an unknown scenario, a bad bot spec, a broken content folder, a damaged replay)
end in a one-line message, or a list of problems, and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import game
from game.arena.errors import NotReproduced, ReplayError
from game.arena.options import limit_options
from game.rules.paths import resolve_content_dir
from game.rules.problems import ContentError

if TYPE_CHECKING:
    from game.arena.match import MatchOutcome
    from game.engine.report import QuarterReport
    from game.engine.state import MatchState
    from game.rules.models import Content, Scenario

EXIT_OK = 0
EXIT_FAILED = 1
"""The command ran and found a problem: broken content, a replay that does not verify."""
EXIT_USAGE = 2
"""The command could not run as asked: bad arguments, unknown bot, unreadable file."""


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_play(args: argparse.Namespace) -> int:
    """Start the terminal UI."""
    if args.load is not None and not Path(args.load).is_file():
        raise UserError(f"no save file at {args.load}")
    if args.seed is not None:
        _check_seed(args.seed)
    fixed = bool(getattr(args, "fixed", False))
    if fixed and (args.scenario is None or args.seed is None):
        raise UserError("--fixed needs the class's --scenario and --seed")
    try:
        from game.tui.app import run_app
    except ImportError as exc:
        print(
            f"capwars: the terminal UI is not available here ({exc}).\n"
            "Play a headless match instead, for example:\n"
            "  capwars match --scenario standard --seed 1 --bot balanced --bot random",
            file=sys.stderr,
        )
        return EXIT_FAILED
    # What `class export` and `report` need besides a save of this game, for the game-over hint.
    extra: tuple[str, ...] = () if args.content is None else ("--content", args.content)
    if args.scenario is not None and _is_scenario_path(args.scenario):
        # The terminal UI loads a content folder: play a scenario file from a temporary copy
        # of the folder with the file added (last, so the content hash is that of
        # resolve_scenario and the saves verify with --scenario FILE). A file with problems
        # stops here with every problem listed (ContentError).
        with scenario_folder(args.content, args.scenario) as (folder, scenario_id):
            return run_app(
                scenario=scenario_id,
                seed=args.seed,
                load=args.load,
                content_dir=str(folder),
                replay_args=(*extra, "--scenario", args.scenario),
                fixed=fixed,
            )
    content = None
    if args.scenario is not None:
        # A mistyped id must not open the new-game form on another scenario: refuse it here,
        # as `capwars match` does, and hand the checked content to the app.
        content = _content(args)
        _scenario(content, args.scenario)
    return run_app(
        scenario=args.scenario,
        seed=args.seed,
        load=args.load,
        content_dir=args.content,
        content=content,
        replay_args=extra,
        fixed=fixed,
    )


@contextlib.contextmanager
def scenario_folder(content_dir: str | None, scenario_file: str) -> Iterator[tuple[Path, str]]:
    """A temporary copy of a content folder with one scenario file added, and its id."""
    from game.rules.loader import SCENARIO_DIR, load_content, load_scenario_file

    root = resolve_content_dir(content_dir)
    if content_dir is not None and not root.is_dir():
        raise UserError(f"no content folder at {content_dir}")
    scenario = load_scenario_file(scenario_file, load_content(root))
    with tempfile.TemporaryDirectory(prefix="capwars-content-") as temp:
        folder = Path(temp)
        (folder / SCENARIO_DIR).mkdir()
        for source in root.glob("*.toml"):
            shutil.copyfile(source, folder / source.name)
        for source in (root / SCENARIO_DIR).glob("*.toml"):
            shutil.copyfile(source, folder / SCENARIO_DIR / source.name)
        # "~" sorts after every letter: the file is the folder's last scenario.
        shutil.copyfile(scenario_file, folder / SCENARIO_DIR / f"~{scenario.id}.toml")
        yield folder, scenario.id


def cmd_match(args: argparse.Namespace) -> int:
    """Play one headless match and print the standings."""
    from game.agents.registry import BotSpecError, rival_spec
    from game.arena.files import output_problem
    from game.arena.host import (
        ExternalBot,
        LimitsError,
        is_external,
        limits_json,
        limits_of_args,
        make_seat_bot,
    )
    from game.arena.match import bot_prints_to_stderr, run_match
    from game.arena.replay import ReplayWriter

    try:
        limits = limits_of_args(args)
    except LimitsError as exc:
        raise UserError(str(exc)) from None
    content, scenario = _scenario_of(args, _content(args))
    seats = len(scenario.seats)
    specs = list(args.bot or [])
    if len(specs) > seats:
        raise UserError(
            f"scenario {scenario.id!r} has {seats} seats, got {len(specs)} --bot options"
        )
    if args.rivals:
        specs += [rival_spec(content, seat.rival) for seat in scenario.seats[len(specs) :]]
    else:
        specs += ["balanced"] * (seats - len(specs))
    _check_seed(args.seed)
    if args.replay and (problem := output_problem(args.replay, "--replay")):
        raise UserError(problem)
    if args.transcript and (
        problem := output_problem(args.transcript, "--transcript", example="transcript.txt")
    ):
        raise UserError(problem)
    if args.transcript and not any(is_external(spec) for spec in specs):
        raise UserError(
            "--transcript writes what cmd: bots read and write, and no --bot is one (such as"
            ' --bot "cmd:node my_bot.js")'
        )
    # With --json, stdout carries one JSON object: whatever an in-process bot prints (at import
    # or while it plays, also through a child process) goes to stderr instead, like a hosted
    # bot's log.
    bot_output = bot_prints_to_stderr() if args.json else contextlib.nullcontext()
    with bot_output:
        try:
            bots = [make_seat_bot(spec, limits) for spec in specs]
        except BotSpecError as exc:
            raise UserError(str(exc)) from None
        # The bots are built here so that a bad spec is a one-line error before the match
        # starts; run_match would label instances by class, so the specs typed label them.
        # The limits the cmd: bots had, kept in the replay's header (they may explain a timeout
        # or a bot that ran out of memory).
        external = any(is_external(spec) for spec in specs)
        settings = {"limits": limits_json(limits)} if external else None
        recorders = (
            [ReplayWriter(args.replay, labels=specs, settings=settings)] if args.replay else []
        )
        rejected: list[Counter[str]] = [Counter() for _ in specs]
        first_rejected: list[dict[str, str]] = [{} for _ in specs]

        @contextlib.contextmanager
        def transcript() -> Iterator[None]:
            """Every line of the cmd: bots' conversations into --transcript, if given."""
            if not args.transcript:
                yield
                return
            Path(args.transcript).parent.mkdir(parents=True, exist_ok=True)
            with Path(args.transcript).open("w", encoding="utf-8") as stream:
                for bot in bots:
                    if isinstance(bot, ExternalBot):
                        bot.transcript = stream
                yield

        def count_rejections(_state: MatchState, report: QuarterReport) -> None:
            for seat, items in enumerate(report.rejected):
                rejected[seat].update(code for _, code, _ in items)
                for kind, code, message in items:
                    first_rejected[seat].setdefault(
                        code, f"turn {report.turn} ({report.label}), {kind}: {message}"
                    )

        with transcript():
            outcome = run_match(
                content,
                scenario.id,
                args.seed,
                bots=bots,
                recorders=recorders,
                on_quarter=count_rejections,
            )
    outcome.bots = specs
    stopped = [e for bot in bots if (e := getattr(bot, "transcript_error", None))]
    if stopped:
        print(
            f"capwars: warning: the transcript {args.transcript} stops short: {stopped[0]}"
            " (the match was played in full)",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(outcome.to_json(), separators=(",", ":")))
    else:
        print(format_standings(outcome, rejected, args.replay, first_rejected))
        if args.replay:
            print(f"replay written to {args.replay}")
    return EXIT_OK


def format_standings(
    outcome: MatchOutcome,
    rejected: Sequence[Counter[str]] = (),
    replay: str | None = None,
    first_rejected: Sequence[dict[str, str]] = (),
) -> str:
    """The standings table of ``capwars match``, then what went wrong for which bot: failures
    (repeats folded), the log tail of an eliminated external bot, rejected actions by code
    (with the first of each code, ``first_rejected[seat][code]``, when given)."""
    from game.arena.validate import SDK_SETUP_FAILED, log_excerpt

    state = outcome.state
    header = ("rank", "name", "bot", "score $M", "status", "title", "served %", "cost/kGPU")
    rows = [header]
    for s in outcome.standings:
        cost = f"{s.cost_per_kgpu:,.2f}" if math.isfinite(s.cost_per_kgpu) else "-"
        rows.append(
            (
                str(s.rank),
                s.name,
                outcome.bots[s.seat],
                f"{s.score:,.1f}",
                s.status,
                s.title,
                f"{s.served_share * 100:.1f}",
                cost,
            )
        )
    right = {0, 3, 6, 7}
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        f"{state.world.scenario.name} ({state.world.scenario.id}), seed {state.seed},"
        f" {state.turn} quarters, final hash {outcome.final_hash}",
        "",
    ]
    for number, row in enumerate(rows):
        cells = [
            row[i].rjust(widths[i]) if i in right else row[i].ljust(widths[i])
            for i in range(len(row))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    if outcome.failures:
        lines.append("")
        lines.append(f"bot failures ({len(outcome.failures)}; the bot held those quarters):")
        runs = _failure_runs(outcome.failures)
        for first, last, seat, text in runs[:10]:
            if first < 0 or (first == 0 and text.startswith(SDK_SETUP_FAILED)):
                when = "setup"  # a bot on the SDK tells its setup's failure with its first answer
            elif first >= state.turn:
                # on_end() raised, recorded after the last quarter played: there is no quarter
                # 8 of 8 (nor quarter 5 of a match that ended there, everyone out)
                when = "end of match"
            elif first == last:
                when = f"quarter {first}"
            else:
                when = f"quarters {first}-{last}"
            lines.append(f"  {state.names[seat]} ({outcome.bots[seat]}), {when}: {text}")
        if len(runs) > 10:
            lines.append(f"  ... and {len(runs) - 10} more")
    for report in outcome.seats:
        if report.stderr_tail:
            # Node's own stack frames and version dropped: the error and its line stay in view.
            tail = log_excerpt(report.stderr_tail, 8)
            lines.append("")
            lines.append(f"{state.names[report.seat]} ({outcome.bots[report.seat]}), its log:")
            lines.extend(f"  | {line}" for line in tail)
    refused = [(seat, counts) for seat, counts in enumerate(rejected) if counts]
    if refused:
        lines.append("")
        how = f"`capwars replay show {replay}`" if replay else "write a --replay and replay show it"
        lines.append(f"rejected actions (dropped; each one with its reason: {how}):")
        for seat, counts in refused:
            codes = ", ".join(f"{code} ×{n}" for code, n in counts.most_common())
            lines.append(
                f"  {state.names[seat]} ({outcome.bots[seat]}): {counts.total()} rejected: {codes}"
            )
            firsts = first_rejected[seat] if seat < len(first_rejected) else {}
            lines.extend(
                f"    first {code}: {firsts[code]}"
                for code, _ in counts.most_common()
                if code in firsts
            )
    return "\n".join(lines)


def _failure_runs(failures: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Failures as runs (first turn, last turn, seat, text): a bot failing the same way in
    quarter after quarter is one line, not one per quarter."""
    runs: list[tuple[int, int, int, str]] = []
    last_of: dict[int, int] = {}  # seat -> index of its latest run
    for turn, seat, text in failures:
        at = last_of.get(seat)
        if at is not None:
            first, last, _, previous = runs[at]
            if previous == text and first >= 0 and turn == last + 1:
                runs[at] = (first, turn, seat, text)
                continue
        last_of[seat] = len(runs)
        runs.append((turn, turn, seat, text))
    return runs


def cmd_replay_verify(args: argparse.Namespace) -> int:
    """Re-simulate a replay and check every quarter's hash."""
    from game.arena.replay import read_replay, verify_replay

    # A save is a replay without its result line: verify what it holds, and say which it is.
    replay = read_replay(args.path, require_result=False)
    result = verify_replay(replay, replay_content(args))
    if result.mismatch is not None:
        print(f"MISMATCH: {args.path}: {result.mismatch}", file=sys.stderr)
        print(f"MISMATCH at quarter {result.mismatch.turn} ({result.mismatch.label})")
        return EXIT_FAILED
    if replay.result is None:
        print(
            f"OK: {result.quarters} of {replay.header.quarters} quarters, hash"
            f" {result.final_hash} (no result line: a save in progress, or a replay cut short)"
        )
    else:
        print(f"OK: {result.quarters} quarters, final hash {result.final_hash}")
    return EXIT_OK


def cmd_replay_show(args: argparse.Namespace) -> int:
    """Print a replay (or a save) quarter by quarter."""
    from game.arena.replay import read_replay

    replay = read_replay(args.path, require_result=False)
    out = sys.stdout
    h = replay.header
    print(
        f"{h.scenario}, seed {h.seed}, {len(replay.quarters)} of {h.quarters} quarters,"
        f" recorded by capwars {h.engine}, content {h.content_hash}",
        file=out,
    )
    for p in h.players:
        print(f"  seat {p.seat}: {p.name} ({p.bot})", file=out)
    for q in replay.quarters:
        print(file=out)
        print(f"{q.label} (quarter {q.turn})  hash {q.hash}", file=out)
        print(f"  events: {', '.join(q.events) if q.events else 'none'}", file=out)
        for p in h.players:
            applied, rejected = q.applied[p.seat], q.rejected[p.seat]
            failure = q.bot_failures.get(p.seat)
            if not applied and not rejected and not failure:
                print(f"  {p.name}: holds", file=out)
                continue
            print(f"  {p.name}:", file=out)
            for action in applied:
                print(f"    + {describe_action(action)}", file=out)
            for kind, code, message in rejected:
                print(f"    - {kind} rejected [{code}]: {message}", file=out)
            if failure:
                print(f"    ! bot failed, held: {failure}", file=out)
    print(file=out)
    if replay.result is None:
        print("no result: a save of a match in progress", file=out)
    else:
        print(f"result (final hash {replay.result.final_hash}):", file=out)
        for s in replay.result.standings:
            score = s.get("score")
            score_text = f"{score:,.1f}" if isinstance(score, int | float) else str(score)
            print(
                f"  {s.get('rank')}. {s.get('name')}: {score_text} $M, {s.get('status')},"
                f" {s.get('title')}",
                file=out,
            )
    return EXIT_OK


def describe_action(action: dict[str, Any]) -> str:
    """``bid_spot provider=stratus quantity=4 max_price=9``."""
    fields = " ".join(f"{k}={_short(v)}" for k, v in action.items() if k != "type")
    return f"{action.get('type', '?')} {fields}".rstrip()


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the scenarios."""
    content = _content(args)  # (main names a broken folder's files under it, as typed)
    rows = [("id", "quarters", "seats", "summary")]
    for s in sorted(content.scenarios, key=lambda s: s.id):
        rows.append((s.id, str(s.quarters), str(len(s.seats)), s.summary))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(
            f"{row[0].ljust(widths[0])}  {row[1].rjust(widths[1])}  {row[2].rjust(widths[2])}"
            f"  {row[3]}"
        )
    return EXIT_OK


def cmd_content_check(args: argparse.Namespace) -> int:
    """Check a content folder and report every problem."""
    from game.rules.check import run_content_check

    directory = args.directory if args.directory is not None else args.content
    given = args.content if args.directory is not None else None  # for a file or lessons
    if given is not None and not Path(given).is_dir():
        raise UserError(f"no content folder at {given}")
    if args.directory is not None and Path(args.directory).is_file():
        from game.rules.check import run_scenario_check

        return run_scenario_check(args.directory, args.content)
    if directory is not None and not Path(directory).is_dir():
        if args.directory is None:
            raise UserError(f"no content folder at {directory}")
        what = (
            "scenario file"
            if args.directory.lower().endswith(".toml")
            else ("content folder or scenario file")
        )
        hint = (
            _scenario_id_hint(args.directory, args.content)
            or _nearby(Path(args.directory))
            or _not_a_scenario_hint(args.directory, args.content)
        )
        raise UserError(f"no {what} at {args.directory}{hint}")
    return run_content_check(directory, content_dir=given)


def _scenario_id_hint(word: str, content_dir: str | None) -> str:
    """For ``content check bullwhip``: the word is a scenario id (or close to one) of the content,
    which is checked whole, not a file; ``""`` when it is not, or the content does not load."""
    from game.rules.loader import ContentError, is_scenario_path, load_content
    from game.rules.problems import did_you_mean

    if is_scenario_path(word):
        return ""
    try:
        ids = [scenario.id for scenario in load_content(content_dir).scenarios]
    except (ContentError, OSError):
        return ""
    check = "capwars content check" + (
        f" --content {shlex.quote(content_dir)}" if content_dir else ""
    )
    if word in ids:
        return (
            f": {word!r} is a scenario id, not a file. Run {check} to check the content with"
            " all its scenarios, or give a scenario file's path (lessons/my_lesson.toml)"
        )
    if content_dir is None and (folders := _folders_with_scenario(word)):
        # A scenario of the teacher's own content folder, given without --content.
        run = f"capwars content check --content {shlex.quote(folders[0])}"
        where = ", ".join(str(Path(f) / "scenarios" / f"{word}.toml") for f in folders)
        return (
            f": {word!r} is not a scenario of the game's own content, but {where} is here."
            f" To check that content folder with all its scenarios, run: {run}"
        )
    if hint := did_you_mean(word, ids):
        return f"{hint}: a scenario id; {check} checks the content with all its scenarios"
    return ""


SCENARIO_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _folders_with_scenario(word: str) -> list[str]:
    """The folders here (this one, ``.``, or one in it) that hold ``scenarios/<word>.toml``:
    a content folder of the teacher's own with that scenario."""
    found = ["."] if _holds(Path("scenarios") / f"{word}.toml") else []
    with contextlib.suppress(OSError):
        found += sorted(
            entry.name
            for entry in Path(".").iterdir()
            if _holds(entry / "scenarios" / f"{word}.toml")
        )
    return found


def _holds(path: Path) -> bool:
    """Whether ``path`` is a file; ``False`` where it cannot be looked at (a folder the user may
    not open, as a USB stick's lost+found or a Mac's ~/.Trash, left out the folders that do hold
    the scenario: the whole look-around failed on it)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _not_a_scenario_hint(word: str, content_dir: str | None) -> str:
    """For ``content check nordic-crunch`` where the word is shaped like a scenario id but is
    none of the content's (and no folder here holds it): where such a scenario would come from
    and what to pass."""
    from game.rules.loader import ContentError, load_content

    if not word or not set(word) <= SCENARIO_ID_CHARS:
        return ""
    try:
        ids = sorted(scenario.id for scenario in load_content(content_dir).scenarios)
        listed = f" (its scenarios: {', '.join(ids)})"
    except (ContentError, OSError):
        listed = ""  # a folder that does not load: its check says why
    if content_dir is not None:
        return (
            f": {word!r} is not a scenario id of the content folder {content_dir}{listed};"
            f" run capwars content check --content {shlex.quote(content_dir)} to check that"
            " folder with all its scenarios, or give a scenario file's path"
        )
    if not listed:
        return ""
    return (
        f": {word!r} is not a scenario of the game's own content{listed}. If it is a scenario"
        f" of a content folder of your own (the folder that holds scenarios/{word}.toml), pass"
        " that folder: capwars content check --content DIR"
    )


def _nearby(path: Path) -> str:
    """`` (did you mean 'content/scenarios'?)`` when the folder holds a close name."""
    from game.rules.problems import close_name

    hint = close_name(path)
    return f" (did you mean {str(path.parent / hint)!r}?)" if hint else ""


BENCH_SECTIONS = ("engine", "bots", "tournament", "rl", "tui")
"""What ``capwars bench`` can measure; ``--only`` picks some, the default is all of them."""


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure engine, match, bot-host, tournament, RL and TUI speed."""
    from game.arena.bench import format_table, run_bench

    sections = _bench_sections(args.only)
    content = _content(args)
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 5)
    min_seconds = 0.2 if args.quick else 1.0
    if repeats < 1:
        raise UserError("--repeats must be at least 1")
    progress = None if args.json else _progress(sys.stderr)
    report: dict[str, Any] = {}
    if "engine" in sections:
        result = run_bench(content, repeats=repeats, min_seconds=min_seconds, progress=progress)
        report["engine"] = result.to_json()
        if not args.json:
            print(format_table(result), flush=True)
    if "bots" in sections:
        from game.arena.bench_bots import measure_bot_host

        bots = measure_bot_host(turns=60 if args.quick else 200, starts=3 if args.quick else 10)
        report["bots"] = bots
        if not args.json:
            print(_format_flat("External bot host (trivial subprocess bot)", bots), flush=True)
    if "tournament" in sections:
        from game.arena.bench_tournament import format_tournament_bench, run_tournament_bench

        # --repeats counts for every section (it was read by the engine's alone).
        tournament = run_tournament_bench(
            matches=16 if args.quick else 48,
            repeats=args.repeats if args.repeats is not None else (1 if args.quick else 3),
        )
        report["tournament"] = tournament
        if not args.json:
            print(format_tournament_bench(tournament), flush=True)
    if "rl" in sections:
        report["rl"] = _bench_rl(args.quick, content, args.repeats)
        if not args.json:
            print(_format_flat("RL environment (PettingZoo ParallelEnv)", report["rl"]), flush=True)
    if "tui" in sections:
        from game.tui.bench import run_tui_bench

        tui = run_tui_bench(quarters=8 if args.quick else 24)
        report["tui"] = tui
        if not args.json:
            print(_format_flat("Terminal UI", tui), flush=True)
    if args.json:
        print(json.dumps(report))
    return EXIT_OK


def _bench_sections(only: str | None) -> tuple[str, ...]:
    if not only:
        return BENCH_SECTIONS
    chosen = tuple(part.strip() for part in only.split(",") if part.strip())
    unknown = [part for part in chosen if part not in BENCH_SECTIONS]
    if unknown:
        raise UserError(
            f"unknown bench section {unknown[0]!r}; choose from {', '.join(BENCH_SECTIONS)}"
        )
    return chosen


def _bench_rl(quick: bool, content: Any, repeats: int | None = None) -> dict[str, Any]:
    try:
        from game.rl.bench import run_rl_bench
    except ImportError as exc:
        return {"skipped": f"the RL extra is not installed ({exc}); pip install '.[rl]'"}
    return run_rl_bench(
        repeats=repeats if repeats is not None else (2 if quick else 5),
        min_seconds=0.3 if quick else 1.0,
        content=content,
    )


def _number(value: float) -> str:
    return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"


def _format_flat(title: str, figures: dict[str, Any]) -> str:
    lines = [title, "-" * len(title)]
    for key, value in figures.items():
        if isinstance(value, float):
            shown = _number(value)
        elif isinstance(value, dict):
            shown = ", ".join(
                f"{k} {_number(v) if isinstance(v, float) else v}" for k, v in value.items()
            )
        elif isinstance(value, list):
            shown = json.dumps(value)[:120]
        else:
            shown = str(value)
        lines.append(f"  {key:<34} {shown}")
    return "\n".join(lines) + "\n"


def _progress(stream: TextIO) -> Any:
    interactive = stream.isatty()

    def say(text: str) -> None:
        if interactive:
            stream.write(f"\r{text:<60}")
            stream.flush()

    return say


# ---------------------------------------------------------------------------------------------
# Helpers


def _content(args: argparse.Namespace) -> Content:
    from game.rules.loader import load_content

    if args.content is not None and not Path(args.content).is_dir():
        raise UserError(f"no content folder at {args.content}")
    return load_content(args.content)


def _scenario(content: Content, scenario_id: str) -> Any:
    try:
        return content.scenario(scenario_id)
    except KeyError as exc:
        raise UserError(str(exc.args[0]) if exc.args else str(exc)) from None


def _scenario_of(args: argparse.Namespace, content: Content) -> tuple[Content, Scenario]:
    """The content to play with and the scenario ``--scenario ID_OR_PATH`` names: a scenario
    file's problems raise :class:`ContentError` (each listed), an unknown id a one-line error."""
    from game.rules.loader import resolve_scenario

    try:
        content, scenario_id = resolve_scenario(content, args.scenario)
    except KeyError as exc:
        raise UserError(str(exc.args[0]) if exc.args else str(exc)) from None
    return content, content.scenario(scenario_id)


def replay_content(args: argparse.Namespace) -> Content:
    """The content a replay is re-simulated with: ``--content``, plus ``--scenario FILE`` for a
    match of a scenario file."""
    from game.rules.loader import is_scenario_path, resolve_scenario

    content = _content(args)
    scenario_file = getattr(args, "scenario", None)
    if scenario_file:
        if not is_scenario_path(scenario_file):
            raise UserError(
                "--scenario takes a scenario file here (path/to/lesson.toml),"
                f" not {scenario_file!r}"
            )
        content, _ = resolve_scenario(content, scenario_file)
    return content


def add_scenario_file_option(parser: argparse.ArgumentParser) -> None:
    """``--scenario FILE`` for commands that re-simulate a replay of a scenario file."""
    parser.add_argument(
        "--scenario",
        default=None,
        metavar="FILE",
        help="the scenario file the match was played with, if it was not in the content folder",
    )


def _check_seed(seed: int) -> None:
    if not 0 <= seed < 2**63:
        raise UserError(f"--seed must be between 0 and 2**63 - 1, got {seed}")


# ---------------------------------------------------------------------------------------------
# The parser


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The capwars parser; with ``argv``, only the heavy command it names is fully loaded."""
    # --content is accepted before or after the command: the sub-parsers' copy defaults to
    # SUPPRESS so it does not overwrite a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content folder to use instead of the game's own",
    )
    parser = argparse.ArgumentParser(
        prog="capwars",
        description="Capacity Wars: a strategy game about the AI compute capacity crisis.",
        epilog="Run 'capwars COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"capwars {game.__version__}")
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=None,
        help="content folder to use instead of the game's own",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", parents=[common], help="play in the terminal UI (default)")
    _play_options(play)
    play.set_defaults(handler=cmd_play)

    match = commands.add_parser(
        "match", parents=[common], help="play one headless match between bots"
    )
    match.add_argument(
        "--scenario",
        default="standard",
        metavar="ID_OR_FILE",
        help="scenario id, or a scenario file path/to/lesson.toml (default: standard)",
    )
    match.add_argument("--seed", type=int, default=0, metavar="N", help="match seed (default: 0)")
    match.add_argument(
        "--bot",
        action="append",
        metavar="SPEC",
        help="a bot per seat, in seat order: a built-in (idle, random, balanced), a rival"
        " ARCHETYPE[:LEVEL] such as hoarder:hard, a Python file path/to/bot.py[:Class], or an"
        " external program 'cmd:node bot.js'; seats left over play 'balanced' (or, with"
        " --rivals, the scenario's rivals)",
    )
    match.add_argument(
        "--rivals",
        action="store_true",
        help="seats without a --bot play the scenario's own rivals (each one's archetype at"
        " normal level), as in the terminal game: to preview a lesson as the class will meet it",
    )
    match.add_argument("--replay", metavar="PATH", help="write a replay (.jsonl, or .jsonl.gz)")
    match.add_argument(
        "--transcript",
        metavar="PATH",
        help="write every line the cmd: bots read and write, in order: '0> ' before what the"
        " host sent seat 0, '0< ' before its answer (to see a whole observation, or what your"
        " bot really sent)",
    )
    limit_options(match)
    match.add_argument(
        "--json", action="store_true", help="print one JSON object instead of a table"
    )
    match.set_defaults(handler=cmd_match)

    replay = commands.add_parser("replay", parents=[common], help="check or print a replay")
    replay_commands = replay.add_subparsers(dest="replay_command", metavar="ACTION", required=True)
    verify = replay_commands.add_parser(
        "verify", parents=[common], help="re-simulate a replay and check every quarter's hash"
    )
    verify.add_argument("path", metavar="PATH")
    add_scenario_file_option(verify)
    verify.set_defaults(handler=cmd_replay_verify)
    show = replay_commands.add_parser(
        "show", parents=[common], help="print a replay quarter by quarter"
    )
    show.add_argument("path", metavar="PATH")

    class _NotNeeded(argparse.Action):
        """``replay show X --scenario F``, typed as for ``replay verify``: accepted (it stopped
        the command with argparse's usage), with a note that show does not need it."""

        def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
            print(
                f"capwars: note: replay show reads the replay alone (it prints what was"
                f" recorded): {option} {values} is not needed and was ignored (replay verify"
                " uses it, to re-simulate the match)",
                file=sys.stderr,
            )

    show.add_argument(
        "--scenario",
        metavar="FILE",
        dest="unused_scenario",
        action=_NotNeeded,
        help="not needed: show reads the replay alone (accepted, and ignored, as replay verify"
        " takes it)",
    )
    show.set_defaults(handler=cmd_replay_show)

    scenarios = commands.add_parser("scenarios", parents=[common], help="list the scenarios")
    scenarios.set_defaults(handler=cmd_scenarios)

    content = commands.add_parser("content", parents=[common], help="work with content folders")
    content_commands = content.add_subparsers(
        dest="content_command", metavar="ACTION", required=True
    )
    check = content_commands.add_parser(
        "check",
        parents=[common],
        help="check a content folder, or one scenario file, and list every problem",
    )
    check.add_argument(
        "directory",
        nargs="?",
        metavar="DIR_OR_FILE",
        help="folder (default: the game's own), or a scenario file checked against --content",
    )
    check.set_defaults(handler=cmd_content_check)

    bench = commands.add_parser(
        "bench",
        parents=[common],
        help="measure engine, match, bot-host, tournament, RL and TUI speed",
    )
    bench.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    bench.add_argument(
        "--repeats",
        type=int,
        metavar="N",
        help=(
            "repeats of the engine, tournament and RL sections (default: 5, 3 and 5; with"
            " --quick: 3, 1 and 2); the bots and tui sections do not repeat"
        ),
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument(
        "--only",
        metavar="SECTIONS",
        help=f"comma-separated sections to run (default: all of {','.join(BENCH_SECTIONS)})",
    )
    bench.set_defaults(handler=cmd_bench)

    _add_plugins(commands, argv)

    # No command at all means 'play'.
    _play_options(parser)
    parser.set_defaults(handler=cmd_play)
    return parser


PLUGINS: dict[str, tuple[str, str]] = {
    "tournament": ("game.arena.tournament", "run bot tournaments and show their leaderboards"),
    "validate": (
        "game.arena.tournament",
        "play a short self-check match with a bot and report pass or fail",
    ),
    "balance": ("game.arena.balance", "measure the rival roster's balance figures"),
    "report": (
        "game.classroom.report",
        "write a match's debrief: one HTML page with charts, and CSV files",
    ),
    "class": (
        "game.classroom.results",
        "class play: export a team's result, merge a class's results",
    ),
    "serve": (
        "game.serve",
        "play in web browsers (needs the 'web' extra; loopback only by default)",
    ),
    "saves": ("game.arena.saves", "list saved games; delete old unfinished autosaves"),
}
"""Commands whose modules are heavy (engine, rivals, reports): ``module``, one-line help."""


def _add_plugins(commands: Any, argv: Sequence[str] | None) -> None:
    """Register the heavy commands. Only the module of the command being run is imported (so
    ``capwars`` reaches its title screen without loading the engine); the others appear in
    ``--help`` with their one-line help. Without ``argv`` every module is loaded."""
    wanted = set(PLUGINS) if argv is None else {a for a in argv if a in PLUGINS}
    modules = {PLUGINS[name][0] for name in wanted}
    for module in sorted(modules):
        import_module(module).register_cli(commands)
    registered = {name for name in PLUGINS if PLUGINS[name][0] in modules}
    for name, (_, text) in PLUGINS.items():
        if name not in registered:
            commands.add_parser(name, help=text)


@contextlib.contextmanager
def _bot_reads(args: argparse.Namespace) -> Iterator[None]:
    """``--bot-read`` for the command's cmd: bots and its workers: in the environment."""
    given = getattr(args, "bot_read", None)
    if not given:
        yield
        return
    from game.arena.executors import readable_folders

    missing = [path for path in given if not os.path.exists(path)]
    if missing:
        raise UserError(f"--bot-read {missing[0]}: no such file or folder")
    # The folders reach the bots (and a pool's or Dask's workers) in one variable, separated by
    # os.pathsep: a path with one in it would be two paths, neither of them readable.
    if split := next((path for path in given if os.pathsep in path), None):
        raise UserError(
            f"--bot-read {split}: a path with {os.pathsep!r} in it cannot be given to the bots"
            f" ({os.pathsep!r} separates their folders): give a link to it whose path has"
            f" none, e.g. ln -s {shlex.quote(os.path.abspath(split))} data, then --bot-read data"
        )
    with readable_folders([os.path.abspath(path) for path in given]):
        yield


def _play_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        default=None,
        metavar="ID_OR_FILE",
        help="scenario to start: an id, or a scenario file path/to/lesson.toml",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="match seed")
    parser.add_argument("--load", default=None, metavar="SAVE", help="continue a saved game")
    parser.add_argument(
        "--fixed",
        action="store_true",
        default=None,
        help="class play: the new-game form keeps --scenario and --seed and the scenario's"
        " table; students only name their company (needs --scenario and --seed)",
    )


def _is_scenario_path(value: str) -> bool:
    from game.rules.loader import is_scenario_path

    return is_scenario_path(value)


def _as_typed(problems: list[Any], content: str | None) -> list[Any]:
    """Problems in a ``--content DIR`` folder's files named under DIR as typed (the loader
    names them relative to the folder: ``chips.toml``), as ``content check`` does; a scenario
    file's problems keep the path they were given by."""
    if not content:
        return problems
    from game.rules.check import in_folder

    return [
        in_folder([p], content)[0] if os.path.isfile(os.path.join(content, p.file)) else p
        for p in problems
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``capwars`` with ``argv`` (default: the command line); the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        with _bot_reads(args):
            return int(args.handler(args))
    except UserError as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return exc.code
    except NotReproduced as exc:  # a save or replay that does not verify
        print(f"capwars: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ReplayError as exc:  # one that cannot be read
        print(f"capwars: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        for problem in _as_typed(exc.problems, getattr(args, "content", None)):
            print(problem, file=sys.stderr)
        from game.rules.check import other_world_hint

        hint = other_world_hint(exc.problems, getattr(args, "content", None))
        if hint:  # a lesson written for a content folder of one's own, given without it
            print(hint, file=sys.stderr)
        noun = "problem" if len(exc.problems) == 1 else "problems"
        print(f"capwars: {len(exc.problems)} {noun} in the content", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("capwars: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``capwars replay show x | head``): not an error worth a trace.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
