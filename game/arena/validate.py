"""``capwars validate BOTSPEC``: a quick self-check of a bot before it enters a tournament.

The bot plays one short match from every seat of a small scenario (``tutorial`` by default: two
seats, eight quarters, a few hundredths of a second) against a built-in opponent, and each
check passes or fails with its reasons:

- **imports**: the spec builds a bot (the file imports, the class exists and constructs);
- **setup**: ``setup()`` returns without raising;
- **no failures**: ``act()`` and ``on_end()`` never raise, the match records no failure for it,
  it ends every match with a normal status (not ``invalid``, ``timeout`` or ``error``), and a
  ``cmd:`` bot's log shows no exception it caught and played on (the SDK holds such a quarter);
- **valid actions**: ``act()`` returns lists, and none of their items is malformed or over the
  per-quarter action limit;
- **end of match** (a note, only when it happens): a ``cmd:`` bot whose log shows an error
  after the ``end`` message (it read ``end`` as a turn, say): harmless to its matches, which
  were over, so it does not fail the bot;
- **rejected actions**: legal-looking actions the rules turned down, counted by reason code
  (informational: a bot may bid for what it cannot afford);
- **time per turn**: mean and slowest ``act()``; the slowest must be under the turn limit.
"""

from __future__ import annotations

import re
import shlex
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from game.agents.base import Bot, MatchResult, SetupInfo
from game.arena.protocol import Limits, SeatStatus
from game.engine.actions import Reason
from game.engine.observation import Observation
from game.engine.report import QuarterReport
from game.engine.scoring import Standing
from game.engine.state import MatchState
from game.rules.models import Content

PASS, FAIL, NOTE = "pass", "fail", "note"
INVALID_CODES = frozenset({Reason.MALFORMED.value, Reason.TOO_MANY_ACTIONS.value})
"""Rejections that mean the bot sent something wrong, not something the game refused."""
NORMAL_STATUSES = frozenset({"active", "bankrupt"})
MAX_EXAMPLES = 3
MAX_DISTINCT = 12
"""Distinct malformed actions shown (each one its own fix), before "... and N more"."""
MAX_LOG_LINES = 8
"""Lines of an eliminated bot's log shown (a short traceback)."""
ERROR_LINE = re.compile(r"^(?:Uncaught )?(?:[A-Za-z_][\w.]*\.)?\w*(?:Error|Exception)\b(?::|$)")
"""The line that names an exception: ``ZeroDivisionError: ...``, ``MemoryError``, Node's
``TypeError: ...``."""
TRACEBACK = "Traceback (most recent call last):"
SDK_FRAME = "game/sdk.py"
ENGINE_ONLY = {
    "check actions": "observation.check()",
    "give research caps": "observation.research_caps",
}
"""What an in-process bot asked that only an engine-built observation answers, as it wrote it."""
AT_END = 1 << 62
"""The turn of a failure in ``on_end``, after the match's last quarter."""
SDK_SETUP_FAILED = "the bot reported: setup failed: "
"""How a failure begins that the SDK reports for a bot whose ``setup`` raised."""
RUNTIME_NOISE = re.compile(r"^\s+at (?:.*\()?node:|^Node\.js v\d")
"""Node.js's own stack frames and version line: they fill a short log and say nothing about
the bot (the error and the bot's own frames come before them)."""


@dataclass(frozen=True)
class Check:
    """One line of the verdict."""

    name: str
    status: str
    detail: str
    reasons: tuple[str, ...] = ()


@dataclass
class ValidationReport:
    """Every check on one bot; it passes when no check failed."""

    spec: str
    scenario: str
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_json(self) -> dict[str, Any]:
        return {
            "bot": self.spec,
            "scenario": self.scenario,
            "passed": self.passed,
            "checks": [
                {"name": c.name, "status": c.status, "detail": c.detail, "reasons": list(c.reasons)}
                for c in self.checks
            ],
        }


class Probe(Bot):
    """Wraps the bot under test: times its calls and remembers what ``act`` returned."""

    def __init__(self, bot: Bot):
        self.bot = bot
        self.name = getattr(bot, "name", type(bot).__name__)
        self.setup_seconds = 0.0
        self.turn_seconds: list[float] = []
        self.thinking_seconds: list[float] = []
        """The turns timed for speed: all but one the bot ended by crashing."""
        self.returned: list[str] = []
        self.checked = 0
        """Turns an in-process bot asked its observation what only the engine's can answer
        (``check``, ``check_all``, ``research_caps``), which raises in the same file played as
        a ``cmd:`` program."""
        self.engine_only: dict[str, str] = {}
        """What it asked (``check actions``, ``give research caps``) → what to do instead."""

    def setup(self, info: SetupInfo) -> None:
        start = time.perf_counter()
        try:
            self.bot.setup(info)
        finally:
            self.setup_seconds = time.perf_counter() - start

    def act(self, observation: Observation) -> Any:
        from game.arena.host import seat_failure

        start = time.perf_counter()
        try:
            with _counting_checks(self, observation):
                actions = self.bot.act(observation)
        finally:
            seconds = time.perf_counter() - start
            self.turn_seconds.append(seconds)
            failure = seat_failure(self.bot)
            # A turn the bot ended by crashing or closing its stdout measures the host's
            # wait for it to exit, not its thinking: the failure says what went wrong.
            if failure is None or failure.status == SeatStatus.TIMEOUT:
                self.thinking_seconds.append(seconds)
        if failure is None:  # the [] a hosted bot that failed holds with is not its answer
            self.returned.append(type(actions).__name__)
        return actions

    def on_end(self, result: MatchResult) -> None:
        self.bot.on_end(result)

    def __getattr__(self, name: str) -> Any:
        # Everything else the match runner asks of a bot (an external bot's ``failure`` and
        # ``close``) is the wrapped bot's.
        if name == "bot":
            raise AttributeError(name)
        return getattr(self.bot, name)


@contextmanager
def _counting_checks(probe: Probe, observation: Any) -> Iterator[None]:
    """While the bot plays this turn, note whether it asks the engine-built observation what
    only the engine's can answer: ``check``, ``check_all`` and ``research_caps`` all go through
    ``_engine_state``, which raises on an observation rebuilt from JSON. Patched on the class
    for the call only, so the bot gets the engine's own object, unchanged."""
    cls = type(observation)
    original = getattr(cls, "_engine_state", None)
    if not isinstance(observation, Observation) or original is None:
        yield
        return
    used: dict[str, str] = {}

    def engine_state(obs: Any, what: str, instead: str) -> Any:
        if obs is observation:
            used[what] = instead
        return original(obs, what, instead)

    cls._engine_state = engine_state
    try:
        yield
    finally:
        cls._engine_state = original
        probe.checked += bool(used)
        probe.engine_only.update(used)


class RejectionLog:
    """A match recorder keeping one seat's rejected actions."""

    def __init__(self, seat: int):
        self.seat = seat
        self.rejected: list[tuple[int, str, str, str]] = []
        """(turn, action type, reason code, message)."""

    def start(self, state: MatchState, bots: Sequence[str]) -> None:
        pass

    def quarter(self, report: QuarterReport, failures: dict[int, str]) -> None:
        for kind, code, message in report.rejected[self.seat]:
            self.rejected.append((report.turn, kind, code, message))

    def end(self, state: MatchState, final: list[Standing]) -> None:
        pass


_END_OF_INPUT = (
    "EOFError",  # input() at the end of stdin
    "Expecting value: line 1 column 1 (char 0)",  # json.loads(sys.stdin.readline()) of ""
    "Unexpected end of JSON input",  # JSON.parse("") in Node.js
)
"""Errors of a bot that reads on after `end` once the host has closed its stdin."""


def validate_bot(
    spec: str,
    content: Content | None = None,
    scenario: str = "tutorial",
    seed: int = 1,
    opponent: str = "balanced",
    turn_limit: float | None = None,
    limits: Limits | None = None,
) -> ValidationReport:
    """Check a bot by playing it from every seat of ``scenario``; see the module docstring.

    ``limits``: what a ``cmd:`` bot is allowed (``--turn-seconds``, ``--memory-mb`` ...; default:
    the defaults).
    ``turn_limit``: the slowest turn that passes the speed check (default: the limits' turn
    time, 1 s unless ``limits`` says otherwise)."""
    if turn_limit is None:
        turn_limit = (limits or Limits()).turn_seconds
    from game.agents.registry import BotSpecError
    from game.arena.host import NO_READY, is_external, make_seat_bot, seat_failure
    from game.arena.match import REPORTED, run_match
    from game.rules.loader import load_content, resolve_scenario

    content = content if content is not None else load_content()
    # An id, or a scenario file path/to/lesson.toml (ContentError lists its problems).
    content, scenario = resolve_scenario(content, scenario)  # KeyError names an unknown id
    seats = len(content.scenario(scenario).seats)
    report = ValidationReport(spec=spec, scenario=scenario)
    external = is_external(spec)
    try:
        first = make_seat_bot(spec, limits)
    except BotSpecError as exc:
        report.checks.append(Check("imports", FAIL, str(exc)))
        return report
    built = (
        "the command parses and its files exist (the program starts at setup)"
        if external
        else f"{spec} → {type(first).__name__}"
    )
    report.checks.append(Check("imports", PASS, built))

    probes: list[Probe] = []
    logs: list[RejectionLog] = []
    failure_items: list[tuple[int, int, str]] = []
    """The match's failures of the seat played, as (seat, turn, text): the turn -1 at setup,
    :data:`AT_END` in ``on_end``; grouped when shown."""
    statuses: list[str] = []
    eliminated: dict[int, tuple[int, str]] = {}
    """Seat → (turn, -1 at setup; ``status: reason``) of each elimination."""
    setup_logs: list[str] = []
    """The log of a bot eliminated at setup, under the setup check."""
    elimination_logs: list[str] = []
    logged: list[str] = []
    """Errors in the log of a hosted bot that was not eliminated."""
    end_notes: list[str] = []
    """A cmd: bot that failed on the `end` message, after the match (it played fine)."""
    logs_shown: set[tuple[str, ...]] = set()
    untried = 0
    """Seats not played: the bot sent no `ready` in the first, and each would wait as long."""
    for seat in range(seats):
        probe = Probe(first if seat == 0 else make_seat_bot(spec, limits))
        log = RejectionLog(seat)
        line_up: list[Bot | str] = [opponent] * seats
        line_up[seat] = probe
        outcome = run_match(content, scenario, seed, line_up, recorders=[log], limits=limits)
        probes.append(probe)
        logs.append(log)
        failure_items += [
            (seat, _failure_turn(turn, text, outcome.state.turn), text)
            for turn, at, text in outcome.failures
            if at == seat
        ]
        statuses += [f"seat {seat}: {s.status}" for s in outcome.standings if s.seat == seat]
        seat_report = outcome.seat_report(seat)
        if seat_report.status != "ok":
            turn = seat_report.eliminated_turn
            at = -1 if turn is None or turn < 0 else turn
            eliminated[seat] = (at, f"{seat_report.status}: {seat_report.reason}")
            # Enough of the log for a traceback's "File ..., line N" (the same log once).
            tail = log_excerpt(seat_report.stderr_tail)
            if tail and tail not in logs_shown:
                logs_shown.add(tail)
                shown = setup_logs if at < 0 else elimination_logs
                shown += [f"seat {seat} stderr: {line[:200]}" for line in tail]
        else:
            # A hosted bot that caught its own exception still answered (with no actions): a
            # bot on the SDK reports it with its answer (a failure above); for any other, the
            # match saw nothing wrong, but the log did.
            reported = any(
                at == seat and text.startswith(REPORTED) for _, at, text in outcome.failures
            )
            own_log = str(getattr(probe.bot, "stderr_tail", "") or "")
            after_end = str(getattr(probe.bot, "after_end", "") or "")
            if after_end and own_log.endswith(after_end):
                own_log = own_log[: -len(after_end)]  # after the match: reported below
            end_notes += _end_of_match_notes(seat, probe.bot, after_end, logs_shown)
            count, block = (0, ()) if reported else caught_errors(own_log)
            if count:
                logged.append(
                    f"seat {seat}: the bot's log shows {count} error(s) it caught and played on"
                    " (each such quarter it held: no actions)"
                )
                if block not in logs_shown:
                    logs_shown.add(block)
                    logged += [f"seat {seat} stderr: {line[:200]}" for line in block]
        failure = seat_failure(probe.bot)
        if failure is not None and failure.turn < 0 and failure.reason.startswith(NO_READY):
            # Silent at start-up (an unflushed stdout, a read of all input first): every seat
            # would wait out the same init time for nothing.
            untried = seats - seat - 1
            break

    def is_elimination(item: tuple[int, int, str]) -> bool:
        """The match also records an elimination as that quarter's failure (its text cut to
        a length): shown once, whole, with the elimination."""
        seat, turn, text = item
        if seat not in eliminated or eliminated[seat][0] != turn:
            return False
        whole = eliminated[seat][1]
        return whole.startswith(text.rstrip("…")[:60])

    # By when they happened, not by their words: a message of the bot's own may read
    # ", setup:" (and the failure went missing from both checks).
    turn_failures = [item for item in failure_items if item[1] >= 0]
    # The same setup failure from every seat is one line with its count; an elimination at
    # setup (no `ready`, a crash) whole, with its log, here only.
    setup_reasons = group_failures(
        [item for item in failure_items if item[1] < 0 and not is_elimination(item)]
        + [(seat, -1, text) for seat, (at, text) in eliminated.items() if at < 0]
    )
    setup_reasons += setup_logs
    setup_ms = max(p.setup_seconds for p in probes) * 1000
    if untried:
        setup_reasons.append(
            f"(the other {untried} seat(s) not tried: each would wait out the same init time)"
        )
    report.checks.append(
        Check("setup", FAIL, "setup failed", tuple(setup_reasons))
        if setup_reasons
        else Check(
            "setup",
            PASS,
            f"the program started and sent `ready` in {setup_ms:.1f} ms"
            if external
            else f"setup() returned in {setup_ms:.1f} ms",
        )
    )

    turns = sum(len(p.turn_seconds) for p in probes)
    bad_status = [s for s in statuses if s.split(": ", 1)[1] not in NORMAL_STATUSES]
    if turn_failures or bad_status or logged:
        report.checks.append(
            Check(
                "no failures",
                FAIL,
                "; ".join(
                    part
                    for part in (
                        (
                            f"{len(turn_failures)} failure(s) in {turns} turns"
                            if turns and (turn_failures or not logged)
                            else ("" if turns else "no turn played")
                        ),
                        f"ended {', '.join(bad_status)}" if bad_status else "",
                        "its log shows errors it caught and played on" if logged else "",
                    )
                    if part
                ),
                tuple(
                    group_failures([item for item in turn_failures if not is_elimination(item)])
                    + group_failures(
                        [
                            (seat, at, f"bot {text}")
                            for seat, (at, text) in eliminated.items()
                            if at >= 0
                        ]
                    )
                    + elimination_logs
                    + logged
                    + (
                        ["eliminated at setup: see 'setup' above"]
                        if any(at < 0 for at, _ in eliminated.values())
                        else []
                    )
                ),
            )
        )
    else:
        report.checks.append(Check("no failures", PASS, f"{turns} turns in {seats} matches"))

    rejected = [r for log in logs for r in log.rejected]
    invalid = [r for r in rejected if r[2] in INVALID_CODES]
    not_lists = Counter(t for p in probes for t in p.returned if t not in ("list", "tuple"))
    if invalid or not_lists:
        reasons = [f"act() returned {kind} {n} time(s)" for kind, n in not_lists.items()]
        reasons += distinct_rejections(invalid)
        report.checks.append(
            Check(
                "valid actions",
                FAIL,
                f"{len(invalid)} malformed action(s), {sum(not_lists.values())} bad return(s)",
                # Every distinct mistake is one to fix: three of them hid the rest.
                tuple(at_most(reasons, MAX_DISTINCT, "problem")),
            )
        )
    elif not any(p.returned for p in probes):
        never = "it never answered a turn" if external else "act() never returned any actions"
        report.checks.append(Check("valid actions", FAIL, never))
    else:
        returned = sum(len(p.returned) for p in probes)
        # A cmd: bot in any language has no act(): its answers are what it sent.
        calls = "answers held" if external else "act() calls returned"
        detail = f"{returned} of {turns} {calls} a list, nothing malformed"
        report.checks.append(Check("valid actions", PASS, detail))

    if end_notes:
        report.checks.append(
            Check(
                "end of match",
                NOTE,
                "it played every match, but went wrong after it",
                tuple(end_notes),
            )
        )

    checked = sum(p.checked for p in probes)
    asked = {what: instead for p in probes for what, instead in p.engine_only.items()}
    if checked and not external:
        # The SDK hosts the spec as it is: `python my_bot.py` plays only a file that calls
        # run() itself, and one that does not exits at once, before `ready`.
        program = shlex.join(["python", "-m", "game.sdk", spec])
        report.checks.append(
            Check(
                "as a program",
                NOTE,
                f"act() used {' and '.join(ENGINE_ONLY.get(w, w) for w in asked)} in"
                f" {checked} of {turns} turns: that works in-process only",
                (
                    f'played as a program (--bot "cmd:{program}", sandboxed,'
                    " as a tournament may play it) the observation comes from JSON and"
                    " each use raises RuntimeError; catch it there, or "
                    + "; or ".join(asked.values()),
                ),
            )
        )

    legal_rejections = Counter(r[2] for r in rejected if r[2] not in INVALID_CODES)
    if legal_rejections:
        summary = ", ".join(f"{code} ×{n}" for code, n in sorted(legal_rejections.items()))
        examples = distinct_rejections([r for r in rejected if r[2] not in INVALID_CODES])
        report.checks.append(
            Check(
                "rejected actions",
                NOTE,
                f"{sum(legal_rejections.values())} rejected: {summary}",
                tuple(at_most(examples, MAX_EXAMPLES, "rejection")),
            )
        )
    else:
        report.checks.append(Check("rejected actions", PASS, "none rejected"))

    times = [t for p in probes for t in p.thinking_seconds]
    if times:
        mean_ms, max_ms = 1000 * sum(times) / len(times), 1000 * max(times)
        detail = (
            f"mean {mean_ms:.2f} ms, slowest {max_ms:.2f} ms (limit {turn_limit * 1000:.0f} ms)"
        )
        status = FAIL if max(times) > turn_limit else PASS
        report.checks.append(Check("time per turn", status, detail))
    elif turns:
        detail = "not measured: the bot failed in its first turn (see 'no failures' above)"
        report.checks.append(Check("time per turn", NOTE, detail))
    else:
        never = "no turn was played" if external else "act() was never called"
        report.checks.append(Check("time per turn", FAIL, never))
    return report


def spans(numbers: Iterable[int]) -> str:
    """Numbers as runs: ``0, 1, 2, 5`` → ``0-2, 5``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _end_of_match_notes(
    seat: int, bot: Any, after_end: str, logs_shown: set[tuple[str, ...]]
) -> list[str]:
    """What a hosted bot that played every match did wrong after it, from ``after_end`` (its
    log after the `end` message): it lingered, or an error (its on_end(), or how it read
    `end`), with the log once (``logs_shown``: the blocks shown already)."""
    notes: list[str] = []
    ended, end_block = caught_errors(after_end)
    lingered = getattr(bot, "end_sent", False) and (getattr(bot, "exit_after_end", 0) is None)
    if lingered and not ended:
        grace = getattr(getattr(bot, "limits", None), "end_seconds", 1.0)
        notes.append(
            f"seat {seat}: it did not exit within {grace:g} s of the `end` message and"
            f" was killed: exit when `end` comes (each of its tournament matches waits"
            f" those {grace:g} s)"
        )
    if ended:
        code = getattr(bot, "exit_after_end", None)
        exited = f" (it exited with code {code})" if code else ""
        if _sdk_on_end_raised(after_end):
            # A bot on the SDK: its own on_end() raised, which the SDK called with the
            # match's result; the `end` message itself was read right.
            notes.append(
                f"seat {seat}: its on_end() raised after the match{exited}: the"
                " match was over and its result stands, but in-process the same bug"
                " fails the bot; fix it as any exception"
            )
        elif any(marker in line for line in end_block for marker in _END_OF_INPUT):
            # It read on past `end` and failed when the host closed its stdin: nothing
            # was wrong with how it read `end` itself.
            notes.append(
                f"seat {seat}: its log shows an error after the match{exited}: it read"
                " on after the `end` message and failed when its input closed (nothing"
                " follows `end`); when `end` comes, exit"
            )
        else:
            notes.append(
                f"seat {seat}: its log shows an error after the match, on the `end`"
                f" message{exited}: `end` has no observation (rank, score, status,"
                " standings); when it comes, exit"
            )
        if end_block not in logs_shown:
            logs_shown.add(end_block)
            notes += [f"seat {seat} stderr: {line[:200]}" for line in end_block]
    return notes


def _failure_turn(turn: int, text: str, played: int) -> int:
    """When a recorded failure happened: -1 at setup (also a bot on the SDK whose ``setup``
    raised, which it reports with its first answer, as the same file's in-process),
    :data:`AT_END` for an ``on_end`` that raised (recorded after the last of the ``played``
    quarters, not in a turn that never was), else its turn."""
    if text.startswith(SDK_SETUP_FAILED):
        return -1
    return AT_END if turn >= played else turn


def _when(turn: int) -> str:
    """Where a failure of ``turn`` happened, in words."""
    if turn < 0:
        return "setup"
    return "end of match" if turn >= AT_END else f"turn {turn}"


def group_failures(items: Sequence[tuple[int, int, str]]) -> list[str]:
    """Each distinct failure once, where it first happened, then how often and where: a bot
    failing the same way every quarter from every seat used to fill the examples with copies of
    its first failure and hide the next one (an exception after a bad return, say).

    ``items`` are ``(seat, turn, text)`` in the order they happened."""
    where: dict[str, list[tuple[int, int]]] = {}
    for seat, turn, text in items:
        where.setdefault(text, []).append((seat, turn))
    lines = []
    for text, places in where.items():
        seat, turn = places[0]
        line = f"seat {seat}, {_when(turn)}: {text}"
        if len(places) > 1:
            seats = sorted({s for s, _ in places})
            turns = sorted({t for _, t in places if 0 <= t < AT_END})
            parts = [f"seat{'s' if len(seats) > 1 else ''} {spans(seats)}"]
            if turns:
                parts.append(f"turn{'s' if len(turns) > 1 else ''} {spans(turns)}")
            line += f" (×{len(places)}: {', '.join(parts)})"
        lines.append(line)
    return at_most(lines, MAX_DISTINCT, "failure")


def distinct_rejections(rows: Sequence[tuple[int, str, str, str]]) -> list[str]:
    """Each distinct rejected action (``(turn, kind, code, message)`` rows, in the order they
    happened) once, at its first turn, with how often: a bot repeats the same mistake every
    quarter from every seat, and copies of the first one hid the others."""
    count = Counter((kind, code, msg) for _, kind, code, msg in rows)
    first: dict[tuple[str, str, str], int] = {}
    for turn, kind, code, msg in rows:
        first.setdefault((kind, code, msg), turn)
    return [
        f"turn {first[key]}: {key[0]}: {key[1]}: {key[2]}"
        + (f" (×{count[key]})" if count[key] > 1 else "")
        for key in count
    ]


def at_most(lines: list[str], most: int, what: str) -> list[str]:
    """``lines``, the ones past ``most`` as one "... and N more distinct ``what``(s)"."""
    if len(lines) <= most:
        return lines
    return [*lines[:most], f"... and {len(lines) - most} more distinct {what}(s)"]


def format_validation(report: ValidationReport) -> str:
    """The verdict as text: one line per check, its reasons indented below."""
    label = {PASS: "PASS", FAIL: "FAIL", NOTE: "NOTE"}
    lines = [f"validate {report.spec} ({report.scenario}, every seat)"]
    for check in report.checks:
        lines.append(f"  {label[check.status]}  {check.name}: {check.detail}")
        lines += [f"          {reason}" for reason in check.reasons]
    lines.append("result: PASS" if report.passed else "result: FAIL")
    return "\n".join(lines)


def _is_sdk_frame(line: str) -> bool:
    return line.startswith('  File "') and SDK_FRAME in line.replace("\\", "/")


def _sdk_on_end_raised(log: str) -> bool:
    """Whether ``log`` holds a traceback through the SDK's call of the bot's ``on_end``."""
    return any(
        SDK_FRAME in line.replace("\\", "/") and line.rstrip().endswith(", in end")
        for line in log.splitlines()
    )


def log_excerpt(log: str, lines: int = MAX_LOG_LINES) -> tuple[str, ...]:
    """The last ``lines`` lines of a bot's log that say something about the bot.

    Node.js prints its error first (``file.js:118``, the code, ``SyntaxError: ...``) and then
    a dozen frames of its own and its version: those are dropped, so the error stays in view."""
    kept = [line for line in log.splitlines() if line.strip() and not RUNTIME_NOISE.match(line)]
    return tuple(kept[-lines:])


def caught_errors(log: str) -> tuple[int, tuple[str, ...]]:
    """Errors a bot that kept playing wrote to its log: ``(how many, the first one's lines)``.

    The SDK (and the JavaScript starter) catch an exception in ``act``, log its traceback and
    hold that quarter, so the host sees a bot that answered; only the log tells. Python
    tracebacks are counted by their ``Traceback`` line and shown up to their last line; other
    errors (Node's ``TypeError: ...`` and its stack) from their error line on."""
    text = [line for line in log.splitlines() if not RUNTIME_NOISE.match(line)]
    starts = [i for i, line in enumerate(text) if line.strip() == TRACEBACK]
    if starts:
        first = starts[0]
        end = next((i for i in range(first + 1, len(text)) if ERROR_LINE.match(text[i])), None)
        block = text[first + 1 : (end + 1 if end is not None else len(text))]
        # From the bot's own first frame after the SDK's (which called act() or on_end() and
        # say nothing; nor does the bot's `run(MyBot)` line or python -m's runpy before them).
        # After the SDK's first frame: a field the bot misspelt raises in the SDK's own
        # __getattr__, called from the bot's frame, which is the one to show.
        sdk = next((i for i, line in enumerate(block) if _is_sdk_frame(line)), -1)
        own = next(
            (
                i
                for i, line in enumerate(block)
                if i > sdk
                and line.startswith('  File "')
                and not line.startswith('  File "<frozen ')
                and not _is_sdk_frame(line)
            ),
            0,
        )
        return len(starts), tuple(block[own:][-MAX_LOG_LINES:])
    errors = [i for i, line in enumerate(text) if ERROR_LINE.match(line.strip())]
    if not errors:
        return 0, ()
    first = errors[0]
    return len(errors), tuple(text[first : first + MAX_LOG_LINES])
