"""The bot host: an external program (any language) plays a seat over protocol ``capwars/1``.

    >>> from game.agents.registry import make_bot
    >>> import game.arena.host                     # registers the ``cmd:`` spec prefix
    >>> bot = make_bot("cmd:node examples/js_bot.js")     # doctest: +SKIP

:class:`ExternalBot` is an ordinary :class:`~game.agents.Bot`, so ``run_match`` plays it like any
other. The program runs confined:

- in its own session and process group, in a fresh temporary working directory (its ``HOME`` and
  ``TMPDIR`` too) that is removed afterwards, with a minimal environment;
- under :mod:`game.arena.sandbox` (resource limits; Landlock confinement of reads, writes and
  TCP: it reads only the system's files, its program's, its own folder and ``--bot-read``
  folders, and writes only in its working directory; a seccomp filter, :mod:`game.arena.seccomp`,
  refuses Unix sockets, io_uring, 32-bit system calls, mounts and new namespaces), and
  where ``unshare`` allows it, in new user, network, PID and mount namespaces (no network at
  all; the whole namespace dies with the bot; a fresh ``/proc`` lists only the bot's own
  processes, not the machine's, and Landlock and the seccomp filter keep the bot from unmounting
  it). Where the host refuses the mount namespace the bot runs without it, where it refuses them
  all without any; a warning says which, once. The host's own checks (the bot's children, who
  holds its stdout) read the host's ``/proc`` with the host's pids;
- against the clock: a per-turn allowance plus a time bank, read with ``selectors`` and
  non-blocking pipes so that a silent, flooding or stuck bot never stalls the match.

The first failure eliminates the seat: :attr:`ExternalBot.failure` says how (a
:class:`~game.arena.protocol.SeatStatus`, the reason, the turn, the tail of stderr), the process
group is killed, the folder removed, and the seat holds for the rest of the match.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import math
import os
import re
import select
import selectors
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from game.agents.base import Bot, MatchResult, SetupInfo
from game.agents.registry import BotSpecError, make_bot, register_prefix
from game.arena.codec import observation_json
from game.arena.protocol import (
    PROTOCOL,
    Actions,
    Limits,
    Ready,
    RivalInfo,
    SeatStatus,
)
from game.arena.sandbox import CPU_REACHED, NOT_CONFINED, PROCESSES_REACHED, is_broad
from game.engine.actions import ACTION_TYPES, MAX_ACTIONS_PER_QUARTER
from game.engine.observation import Observation
from game.rules.problems import close_name

log = logging.getLogger("capwars.host")

SANDBOX = Path(__file__).with_name("sandbox.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"]
"""The namespaces every isolated bot gets: user, network and PID."""
PROC_NAMESPACE = ["--mount", "--mount-proc"]
"""Added where the host allows it: a mount namespace with a fresh ``/proc`` that lists only the
bot's own processes, not the machine's (others' command lines and environments)."""
_READ_CHUNK = 1 << 16
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline (C0, DEL and C1)."""
_SANDBOX_KILLED = re.compile(r"^sandbox: bot killed by (SIG[A-Z0-9]+)$", re.MULTILINE)
BOT_READ_ENV = "CAPWARS_BOT_READ"
"""Extra paths (separated by ``os.pathsep``) every ``cmd:`` bot of this process and its workers
may read: what a command's ``--bot-read`` sets, or a Dask worker's own setting (see
:func:`extra_reads`). A tournament's matches hand their folders to their bots instead
(:attr:`ExternalBot.read`), so that matches of several tournaments can share a worker."""
BOT_READ_OPTION = "--bot-read"


@dataclass(frozen=True)
class SeatFailure:
    """Why a seat was eliminated."""

    status: SeatStatus
    reason: str
    turn: int
    """The quarter it failed in; -1 before the first quarter (start-up, ``ready``)."""
    stderr_tail: str

    def text(self) -> str:
        """One block for the replay's ``bot_failures`` and the CLI."""
        tail = f"\n--- stderr tail ---\n{self.stderr_tail}" if self.stderr_tail else ""
        return f"{self.status}: {self.reason}{tail}"


def seat_failure(bot: object) -> SeatFailure | None:
    """How ``bot`` was eliminated: a hosted bot's :attr:`ExternalBot.failure` (or a wrapper's
    that passes it on), else ``None``. An in-process bot's own attribute of that name (a
    counter, a flag) is not one, and never eliminates it."""
    failure = getattr(bot, "failure", None)
    return failure if isinstance(failure, SeatFailure) else None


class _Gone(Exception):
    """The bot's stdout closed: it exited or was killed."""


@cache
def namespace_prefix() -> tuple[str, ...]:
    """The ``unshare`` command that isolates a bot, or ``()`` where this host does not allow it.

    Tried once, from the most isolated: :data:`NAMESPACES` with :data:`PROC_NAMESPACE`, then
    without a ``/proc`` of its own, then none; what was not applied is logged once."""
    exe = shutil.which("unshare")
    if exe is None:
        why = "the unshare command is not installed"
    else:
        full = [exe, *NAMESPACES[1:], *PROC_NAMESPACE]
        why = _refused(full)
        if not why:
            return tuple(full)
        proc_why = why
        why = _refused(full[: len(NAMESPACES)])
        if not why:
            log.warning(
                "bots run without a /proc of their own (%s): a bot can list this machine's"
                " processes and read their command lines",
                proc_why,
            )
            return tuple(full[: len(NAMESPACES)])
    log.warning(
        "bots run without network, PID and mount namespaces (%s): network access is limited"
        " to Landlock's TCP rules where the kernel has them, escaped processes are not"
        " contained by a namespace, and a bot can list this machine's processes in /proc",
        why,
    )
    return ()


def _refused(command: list[str]) -> str:
    """Why ``command true`` fails here (its error, else its exit status), or ``""`` if it runs."""
    try:
        probe = subprocess.run([*command, "true"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc) or type(exc).__name__
    if probe.returncode == 0:
        return ""
    return probe.stderr.decode(errors="replace").strip() or f"exit {probe.returncode}"


def bot_path() -> str:
    """The ``PATH`` a bot's program is found on: the host's interpreter first, so that
    ``python bot.py`` finds the SDK it ships with."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)])


def minimal_env(workdir: str) -> dict[str, str]:
    """The whole environment a bot gets: nothing of the host's secrets."""
    return {
        "PATH": bot_path(),
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "CAPWARS_PROTOCOL": PROTOCOL,
    }


SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".lua", ".sh", ".jar")
"""An argument ending like this names a file the bot needs: a missing one is a spec error."""


def names_script(arg: str) -> bool:
    """Whether a command's argument names a script file (``bot.py``, the SDK's ``bot.py:MyBot``)
    that must exist: not one with white space in it, the text of a shell script (``sh -c
    'python3 /x/bot.py'``) or a name no check can tell from one."""
    return arg.partition(":")[0].endswith(SCRIPT_SUFFIXES) and not any(c.isspace() for c in arg)


CMD_PREFIX = "cmd:"
"""The spec prefix of an external bot: ``cmd:PROGRAM [ARGS...]``."""


def external_command(spec: str) -> str | None:
    """The command of a ``cmd:`` spec (the text after ``cmd:``, spaces around it allowed), or
    ``None`` for any other spec."""
    text = spec.strip()
    return text[len(CMD_PREFIX) :].strip() if text.startswith(CMD_PREFIX) else None


def command_argv(command: str | Sequence[str]) -> list[str]:
    """A ``cmd:`` bot's command split into arguments as a POSIX shell would; a
    :class:`BotSpecError` if the quoting is broken or nothing is left."""
    try:
        argv = shlex.split(command) if isinstance(command, str) else list(command)
    except ValueError as exc:
        raise BotSpecError(f"cannot parse the bot command {command!r}: {exc}") from None
    if not argv:
        raise BotSpecError("empty bot command: use cmd:PROGRAM [ARGS...]")
    return argv


def command_word(index: int, arg: str) -> bool:
    """An option, or the program when it is looked up on PATH: never a path of the command."""
    return arg.startswith("-") or ("/" not in arg and index == 0)


def command_files(command: Sequence[str], cwd: Path) -> dict[int, tuple[str, str]]:
    """The arguments of a command that name an existing file, relative to ``cwd`` or absolute:
    their index → the file as written and what follows it (``:MyBot`` of the SDK's
    ``FILE:CLASS``, else ``""``). The files a ``cmd:`` bot runs, which a tournament hashes."""
    found = {}
    for index, arg in enumerate(command):
        if command_word(index, arg):
            continue
        path, colon, suffix = arg.partition(":")
        if (cwd / arg).is_file():
            found[index] = (arg, "")
        elif colon and path and (cwd / path).is_file():
            found[index] = (path, colon + suffix)
    return found


def resolve_command(command: Sequence[str], cwd: Path) -> list[str]:
    """Make relative paths in the command absolute: the bot runs in its own folder.

    An argument is a path if it exists relative to ``cwd``; ``bot.py:MyBot`` (the SDK's
    ``FILE:CLASS``) is resolved on its file part (:func:`command_files`). A script argument
    (``bot.py``, ``bot.js``, ...) that does not exist is refused here, where the message can
    name the folder it was looked for in, rather than failing inside the bot's empty working
    folder. An argument with white space in it is not taken for a missing script: it is the
    text of a shell script (``sh -c 'python3 /x/bot.py'``), or a name no check can tell from
    one.
    """
    files = command_files(command, cwd)
    out = []
    for index, arg in enumerate(command):
        if command_word(index, arg) or arg.startswith("/"):
            out.append(arg)  # an option, an absolute path, or a program found on PATH
            continue
        path = arg.partition(":")[0]
        if index in files:
            name, rest = files[index]
            out.append(f"{(cwd / name).resolve()}{rest}")
        elif (cwd / arg).exists():  # a folder
            out.append(str((cwd / arg).resolve()))
        elif names_script(arg):
            raise BotSpecError(
                f"bot file not found: {path} (relative paths in a cmd: bot are looked up in"
                f" {cwd}, the folder capwars runs in)"
            )
        else:
            out.append(arg)
    if "/" in command[0]:
        _check_program_file(command, cwd)
        _check_runnable(Path(out[0]), command[0])
    elif shutil.which(command[0], path=bot_path()) is None:
        _check_on_path(command, cwd)
    return out


def _corrected(command: Sequence[str], program: str) -> str:
    """The ``cmd:`` spec with another program, quoted to be copied into a shell as it is."""
    spec = CMD_PREFIX + shlex.join([program, *command[1:]])
    if spec == shlex.quote(spec):
        return spec
    return f'"{spec}"' if not any(c in spec for c in '"$`\\!') else shlex.quote(spec)


def _check_program_file(command: Sequence[str], cwd: Path) -> None:
    """Refuse a program given as a path (``./bot``, ``bots/run``) that is not a file, before
    any match: every match of a tournament used to fail at setup, one after another, with
    "exited with code 127". Suggests a close name from the program's folder."""
    written = command[0]
    program = cwd / written
    if program.is_file():
        return
    where = f"relative paths in a cmd: bot are looked up in {cwd}, the folder capwars runs in"
    if program.is_dir():
        raise BotSpecError(
            f"bot program {written} is a folder, not a program: name the program file in it"
            f" ({where})"
        )
    name = Path(written).name
    folder = program.parent
    if not folder.is_dir():
        raise BotSpecError(f"bot program {written} not found: there is no folder {folder}")
    close = close_name(program, files_only=True)
    hint = ""
    if close:
        folder_part = written.rstrip("/")[: -len(name)]  # "./" of "./typo", as written
        hint = f"; did you mean {_corrected(command, folder_part + close)}?"
    raise BotSpecError(f"bot program {written} not found ({where}){hint}")


def _path_programs() -> list[str]:
    """The names of the programs on the bots' PATH (for a did-you-mean)."""
    names: set[str] = set()
    for folder in bot_path().split(os.pathsep):
        with contextlib.suppress(OSError):
            names.update(entry.name for entry in os.scandir(folder or "."))
    return sorted(names)


def _check_on_path(command: Sequence[str], cwd: Path) -> None:
    """Refuse a program named without a folder (``python3``, ``node``) that is not on the bots'
    PATH, before any match, suggesting a close name found there (``pyhton3`` → ``python3``)
    or, for a file of that name in the current folder, its path ``./NAME``."""
    name = command[0]
    if (cwd / name).is_file():
        hint = (
            f": a program in the folder capwars runs in is written with its folder, such as"
            f" {_corrected(command, './' + name)}"
        )
    elif close := difflib.get_close_matches(name, _path_programs(), n=1, cutoff=0.75):
        hint = f": did you mean {_corrected(command, close[0])}?"
    else:
        hint = ": install it, or give the program's path (./bot, /usr/local/bin/bot)"
    raise BotSpecError(f"bot program {name} not found on PATH{hint}")


INTERPRETERS = {
    ".py": "python3",
    ".js": "node",
    ".mjs": "node",
    ".cjs": "node",
    ".rb": "ruby",
    ".pl": "perl",
    ".lua": "lua",
    ".sh": "bash",
}
"""The program a script is usually run with, for the hint when it cannot run by itself."""


def _check_runnable(program: Path, written: str) -> None:
    """Refuse a ``cmd:`` program file the kernel would not start, before any match: it
    used to fail every match at setup with only "exited with code 127" and a line in its log.
    """
    if not program.is_file():
        return
    interpreter = INTERPRETERS.get(program.suffix.lower())
    quoted = shlex.quote(written)  # the commands below are copied as they are
    run_with = (
        f' or run it with its interpreter: "cmd:{interpreter} {quoted}"'
        if interpreter
        else ", or run it with its interpreter: cmd:INTERPRETER " + quoted
    )
    if not os.access(program, os.X_OK):
        raise BotSpecError(
            f"bot program {written} is not executable: make it so (chmod +x {quoted}, with a"
            f" first line such as #!/usr/bin/env {interpreter or 'INTERPRETER'}){run_with}"
        )
    try:
        with program.open("rb") as stream:
            head = stream.readline(256)
    except OSError:
        return
    if head.startswith(b"\xef\xbb\xbf#!"):
        raise BotSpecError(
            f"bot program {written} starts with a byte-order mark before its #! line (saved as"
            ' "UTF-8 with BOM"), so it cannot run by itself: save it as UTF-8 without BOM'
            f"{run_with}"
        )
    if head.startswith(b"#!") and head.endswith(b"\r\n"):
        raise BotSpecError(
            f"bot program {written}: its #! line ends in a Windows line ending (CRLF), so the"
            f" system looks for an interpreter whose name ends in a carriage return: save it"
            f" with LF line endings (dos2unix {quoted}){run_with}"
        )
    if not head.startswith((b"#!", b"\x7fELF")):
        raise BotSpecError(
            f"bot program {written} is a script without a #! line, so it cannot run by"
            f" itself: add a first line such as #!/usr/bin/env {interpreter or 'INTERPRETER'}"
            f"{run_with}"
        )


class ExternalBot(Bot):
    """A seat played by an external program over protocol ``capwars/1``."""

    def __init__(
        self,
        command: str | Sequence[str],
        limits: Limits | None = None,
        *,
        isolate: bool = True,
        name: str | None = None,
        read: Sequence[str] = (),
    ) -> None:
        argv = command_argv(command)
        self.read = [os.path.abspath(path) for path in read]
        """Paths the bot may read besides its own (with those of :func:`extra_reads`)."""
        self.command = resolve_command(argv, Path.cwd())
        self.limits = limits or Limits()
        self.isolate = isolate
        self.name = name or "cmd:" + shlex.join(argv)
        self.status = SeatStatus.OK
        self.failure: SeatFailure | None = None
        self.bot_name: str | None = None
        """The name the bot gave in ``ready``, if any."""
        self.workdir: str | None = None
        self.pgid: int | None = None
        self.bank_left = self.limits.bank_seconds
        self.start_seconds: float | None = None
        """Wall time from spawning to ``ready``."""
        self.turn_seconds: list[float] = []
        """Wall time of each turn's round trip (turn line written → actions line read)."""
        self.reported_error: str | None = None
        """The ``error`` the bot sent with its last answer (its own failure), if any."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._selector: selectors.BaseSelector | None = None
        self._out = bytearray()
        self._tail = bytearray()
        self._log_bytes = 0
        """Bytes of stderr read so far (the tail keeps only the last ones)."""
        self.after_end = ""
        """What the bot wrote to its log after the ``end`` message (a crash on reading it)."""
        self.exit_after_end: int | None = None
        """Its exit code after ``end`` (``None``: it did not exit in time and was killed)."""
        self.end_sent = False
        """Whether the host sent ``end`` (the bot was still in the game at the end)."""
        self._unsent = b""
        self._turn = -1
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self.transcript: IO[str] | None = None
        """Where to write every line of the conversation (``capwars match --transcript``)."""
        self.transcript_error: str | None = None
        """Why the transcript stopped short (a full disk), if it did."""
        self._shared_stdout = False
        """Whether another process (``unshare``, waiting for the bot) holds the bot's stdout
        too, so that the pipe does not end when the bot closes it: see :meth:`_stdout_closed`."""
        self._stdout_held = False
        """Whether the bot's stdout was seen held: it sent a line, or a look found a holder."""

    # ------------------------------------------------------------------ the Bot interface

    def setup(self, info: SetupInfo) -> None:
        self.info = info
        self._turn = -1
        try:
            self._spawn()
        except OSError as exc:
            self._fail(SeatStatus.ERROR, f"cannot start {self.command[0]!r}: {exc}")
            return
        hello = {
            "protocol": PROTOCOL,
            "type": "hello",
            "seat": info.seat,
            "players": list(info.players),
            "scenario": info.scenario,
            "quarters": info.quarters,
            "industry": info.industry,
            "seed": info.seed,
            "rules": {
                "mechanics": list(info.rules.get("mechanics", ())),
                "content_hash": info.rules.get("content_hash", ""),
                "action_types": list(ACTION_TYPES),
                "max_actions_per_quarter": MAX_ACTIONS_PER_QUARTER,
                # The seat's named rival, as an in-process bot gets it (setup_info): a hosted
                # rival takes its personality from it, not from the seat's company name.
                **_rival_rules(info),
            },
            "limits": self.limits.model_dump(mode="json"),
        }
        started = time.perf_counter()
        line = self._exchange(_line(hello), self.limits.init_seconds)
        if line is None:
            if self.failure is None:
                self._fail(
                    SeatStatus.ERROR,
                    f"{NO_READY} the init time of {self.limits.init_seconds:g} s"
                    + self._silence_hint(FLUSH_HINT),
                )
            return
        ready = self._decode(line, Ready, "ready")
        if isinstance(ready, Ready):
            self.bot_name = ready.name
            self.start_seconds = time.perf_counter() - started

    def act(self, observation: Observation) -> list[Any]:
        self.reported_error = None
        if self.failure is not None:
            return []
        self._turn = observation.turn
        turn_limit = self.limits.turn_seconds
        allowed = turn_limit + self.bank_left
        payload = observation_json(observation)
        head = (
            f'{{"protocol":"{PROTOCOL}","type":"turn","turn":{observation.turn},'
            f'"time":{{"turn_seconds":{turn_limit!r},"bank_seconds":{self.bank_left!r}}},'
            '"observation":'
        )
        started = time.perf_counter()
        line = self._exchange(head.encode() + payload + b"}\n", allowed)
        elapsed = time.perf_counter() - started
        if self.failure is not None:
            return []
        self.bank_left = max(0.0, self.bank_left - max(0.0, elapsed - turn_limit))
        if line is None:
            # No measured seconds in the reason: it goes into replays and tournament records,
            # which must not depend on the clock (the same tournament, the same records).
            bank = self.limits.bank_seconds
            if bank <= 0:
                spent = " (no time bank)"
            elif allowed - turn_limit < bank:
                spent = (
                    f" plus what was left of the {bank:g} s time bank (earlier turns over"
                    f" {turn_limit:g} s had drawn on it)"
                )
            else:
                spent = f" plus the whole {bank:g} s time bank"
            self._fail(
                SeatStatus.TIMEOUT,
                f"no answer to turn {observation.turn} within {turn_limit:g} s{spent}"
                + self._silence_hint(""),
            )
            return []
        self.turn_seconds.append(elapsed)
        message = self._decode(line, Actions, "actions")
        if not isinstance(message, Actions):
            return []
        if message.turn != observation.turn:
            hint = (
                f" (a second answer to turn {message.turn}? send exactly one `actions` line a turn)"
                if 0 <= message.turn < observation.turn
                else ' (echo the "turn" of the `turn` message you answer)'
            )
            self._fail(
                SeatStatus.INVALID,
                f"wrong turn echo: answered turn {message.turn} to turn {observation.turn}{hint}",
            )
            return []
        # What the bot says went wrong on its side (an exception the SDK caught): recorded by
        # the match as this quarter's failure (see game.arena.match.ask_bot); the seat plays on.
        self.reported_error = message.error
        return list(message.actions)

    def on_end(self, result: MatchResult) -> None:
        if self.failure is None and self._proc is not None:
            end = {
                "protocol": PROTOCOL,
                "type": "end",
                "seat": result.seat,
                "rank": result.rank,
                "score": result.score,
                "status": result.status,
                "standings": list(result.standings),
            }
            with contextlib.suppress(OSError, ValueError):
                self._drain_stderr()
            before = self._log_bytes
            self._note(">", _line(end))
            with contextlib.suppress(_Gone, OSError):
                self._write_all(_line(end), self.limits.end_seconds)
                if not self._unsent and self._proc.stdin is not None:
                    # Nothing follows `end`: the end of its input ends a bot that reads line
                    # after line without looking for `end` (`for line in sys.stdin`), which
                    # otherwise cost every one of its matches `end_seconds` before the kill.
                    self._proc.stdin.close()
                self._wait_exit(self.limits.end_seconds)
            self.end_sent = True
            with contextlib.suppress(OSError, ValueError):
                self._drain_stderr()
            written = min(self._log_bytes - before, len(self._tail))
            if written > 0:
                text = bytes(self._tail[-written:]).decode("utf-8", errors="replace")
                self.after_end = _CONTROL.sub("\ufffd", text.replace("\r\n", "\n"))
            self.exit_after_end = self._proc.poll()
        self.close()

    # ------------------------------------------------------------------ process handling

    def _spawn(self) -> None:
        sweep_stale_workdirs()
        self.workdir = tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-")
        limits = self.limits
        prefix = list(namespace_prefix()) if self.isolate else []
        wrapper = [
            sys.executable,
            "-S",
            "-E",
            str(SANDBOX),
            f"memory_mb={limits.memory_mb}",
            f"cpu_seconds={limits.cpu_seconds}",
            f"open_files={limits.max_open_files}",
            f"file_mb={limits.max_file_mb}",
            f"processes={limits.max_processes}",
            f"write={self.workdir}",
            *(f"read={path}" for path in [*sdk_reads(), *self.read, *extra_reads()]),
            f"list={PROJECT_ROOT}",
            "deny_tcp=1",
            *(["init=1"] if prefix else []),
            "--",
            *self.command,
        ]
        proc = subprocess.Popen(
            prefix + wrapper,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.workdir,
            env=minimal_env(self.workdir),
            start_new_session=True,
            close_fds=True,
            bufsize=0,
        )
        self._proc = proc
        self._shared_stdout = bool(prefix)
        self.pgid = proc.pid  # the session leader's pid is its process group id
        self._finalizer = weakref.finalize(self, _reap, proc, self.workdir)
        assert proc.stdin and proc.stdout and proc.stderr
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            os.set_blocking(stream.fileno(), False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(proc.stdout, selectors.EVENT_READ)
        self._selector.register(proc.stderr, selectors.EVENT_READ)

    def close(self) -> None:
        """Kill the bot's whole process group and remove its folder (safe to call twice)."""
        if self._proc is not None:
            with contextlib.suppress(_Gone, OSError, ValueError):
                self._drain_stderr()
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        if self._finalizer is not None:
            self._finalizer()
        elif self._proc is None and self.workdir is not None:
            # Interrupted between making the folder and starting the program: no process, but
            # the folder must go too.
            _remove_tree(self.workdir)

    @property
    def stderr_tail(self) -> str:
        """The end of the bot's log, with terminal control characters made harmless: it is
        printed by match, validate and the leaderboard, where ``ESC[2J`` would act on the
        organiser's terminal (newlines and tabs are kept)."""
        text = self._tail.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return _CONTROL.sub("\ufffd", text)

    def _fail(self, status: SeatStatus, reason: str) -> None:
        if self.failure is not None:
            return
        self.status = status
        if self._proc is not None:
            with contextlib.suppress(OSError, ValueError):
                self._drain_stderr()
        self.failure = SeatFailure(status, reason, self._turn, self.stderr_tail)
        self.close()
        # The tail may have grown while the group was killed.
        self.failure = SeatFailure(status, reason, self._turn, self.stderr_tail)

    def _gone_reason(self) -> str:
        proc = self._proc
        if proc is None:
            return "not running"
        when = "before sending `ready`" if self._turn < 0 else f"at turn {self._turn}"
        try:
            code = proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return (
                f"closed its stdout {when} but kept running: the host can read no answer from"
                " it (keep stdout open until the `end` message, and exit after it)"
            )
        # The sandbox's "bot killed by SIG..." line is its last word on stderr, written as it
        # exits: take what the pipe holds now, or a busy machine reads "exited with code 137".
        with contextlib.suppress(OSError, ValueError):
            self._drain_stderr()
        tail = self.stderr_tail
        killed = _SANDBOX_KILLED.findall(tail)
        limits = self.limits
        if code < 0 or (code > 128 and killed):
            sig = signal.Signals(-code) if code < 0 else signal.Signals[killed[-1]]
            if CPU_REACHED in tail:
                return (
                    f"killed by {sig.name} after using up its CPU time"
                    f" (limit: --cpu-seconds {limits.cpu_seconds})"
                )
            if PROCESSES_REACHED in tail:
                return (
                    f"killed by {sig.name} for running more processes and threads at once than"
                    f" its limit (limit: --max-processes {limits.max_processes})"
                )
            hint = {
                signal.SIGKILL: " (a resource limit, or killed)",
                signal.SIGXCPU: f" (CPU time limit: --cpu-seconds {limits.cpu_seconds})",
                signal.SIGXFSZ: f" (file size limit: --max-file-mb {limits.max_file_mb})",
                signal.SIGSEGV: " (crashed)",
                signal.SIGSYS: (
                    " (a system call the sandbox refuses: a 32-bit program cannot run in it,"
                    " use a 64-bit build)"
                ),
            }.get(sig, "")
            return f"killed by {sig.name}{hint}"
        if not code:
            return (
                f"exited with code 0 {when}, before the match ended: a bot answers every"
                " `turn` until the `end` message comes (read stdin line after line, exit"
                " after `end`)"
            )
        cause = _ran_out(tail, limits) or _last_words(tail)
        hint = (
            denied_read_hint(tail, self.workdir)
            or alone_hint(tail, self.command)
            or semaphore_hint(tail)
        )
        return f"exited with code {code}{cause}{hint}"

    # ------------------------------------------------------------------ the conversation

    def _exchange(self, payload: bytes, timeout: float) -> bytes | None:
        """Send ``payload`` and return the next line; ``None`` on timeout or failure."""
        deadline = time.perf_counter() + timeout
        self._note(">", payload)
        try:
            self._unsent += payload
            self._flush()
            line = self._read_line(deadline)
            if line is not None:
                self._stdout_held = True
                self._note("<", line)
            return line
        except _Gone:
            self._fail(SeatStatus.ERROR, self._gone_reason())
            return None
        except _Oversize as exc:
            self._fail(SeatStatus.INVALID, str(exc))
            return None

    def _note(self, direction: str, line: bytes) -> None:
        """Add a line of the conversation to the transcript, if one is kept: ``0>`` before
        what the host sent the bot of seat 0, ``0<`` before what it answered."""
        if self.transcript is not None:
            text = line.rstrip(b"\n").decode("utf-8", errors="replace")
            try:
                self.transcript.write(f"{self.info.seat}{direction} {text}\n")
                self.transcript.flush()
            except (OSError, ValueError) as exc:
                # A full disk is not the bot's failure: the transcript stops, the match goes
                # on (it failed the bot's setup and held every quarter of it).
                self.transcript = None
                self.transcript_error = getattr(exc, "strerror", None) or str(exc)

    def _silence_hint(self, otherwise: str) -> str:
        """Why a bot may seem silent: a line it wrote without its newline, else ``otherwise``.

        Both are the commonest first-bot mistakes, and from the host's side look exactly like a
        bot that is still thinking (``process.stdout.write(JSON.stringify(m))`` in JavaScript,
        ``print`` without ``flush`` in Python or Perl)."""
        if self._out.strip():
            return (
                f" (it wrote {_preview(bytes(self._out))} but no newline after it: end every"
                ' message with "\\n")'
            )
        return otherwise

    def _flush(self) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None or not self._unsent:
            return
        try:
            written = os.write(proc.stdin.fileno(), self._unsent)
        except BlockingIOError:
            written = 0
        except (BrokenPipeError, OSError):
            raise _Gone from None
        self._unsent = self._unsent[written:]
        if self._unsent and self._selector is not None:
            with contextlib.suppress(KeyError):
                self._selector.register(proc.stdin, selectors.EVENT_WRITE)

    def _read_line(self, deadline: float) -> bytes | None:
        proc, selector = self._proc, self._selector
        assert proc is not None and selector is not None
        limit = self.limits.max_line_bytes
        next_check = time.perf_counter() + STDOUT_CHECK_SECONDS
        while True:
            newline = self._out.find(b"\n")
            while newline >= 0:
                line = bytes(self._out[:newline])
                del self._out[: newline + 1]
                if len(line) > limit:
                    raise _Oversize(f"sent a line of {len(line)} bytes (limit {limit})")
                if line.strip():
                    return line
                newline = self._out.find(b"\n")  # blank lines are skipped
            if len(self._out) > limit:
                raise _Oversize(f"sent more than {limit} bytes without a newline")
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            if self._shared_stdout:
                # The pipe does not end when the bot closes its stdout and runs on (unshare
                # holds it too): look now and then whether any of the bot's processes still
                # has it, rather than wait out the whole time.
                now = time.perf_counter()
                if now >= next_check:
                    if self._stdout_closed():
                        raise _Gone
                    next_check = now + STDOUT_CHECK_SECONDS
                remaining = min(remaining, max(next_check - now, 0.0))
            for key, _ in selector.select(remaining):
                if key.fileobj is proc.stdout:
                    data = _read(proc.stdout.fileno())
                    if data == b"":
                        raise _Gone
                    self._out += data or b""
                elif key.fileobj is proc.stderr:
                    self._read_stderr()
                else:
                    self._flush_ready()

    def _stdout_closed(self) -> bool:
        """Whether the bot closed its stdout while running on: none of its processes holds the
        pipe any more, nothing is left to read in it, and it stays so a moment later (a process
        forking a child that inherits stdout and then closing its own is seen in the second
        look). ``False`` when that cannot be known (``/proc`` unreadable)."""
        proc = self._proc
        if proc is None or proc.stdout is None:
            return False
        try:
            pipe = f"pipe:[{os.fstat(proc.stdout.fileno()).st_ino}]"
        except OSError:
            return False
        for look in range(2):
            if look:
                time.sleep(0.02)
            held = _holds(proc.pid, pipe)
            if held:
                self._stdout_held = True
            # Only a pipe seen held before can have been closed: a bot still starting (unshare
            # not yet forked, on a busy machine) holds it nowhere yet.
            if held is not False or not self._stdout_held:
                return False
        # poll, not select: a host with many files open gets pipes past select()'s 1024.
        waiting = select.poll()
        waiting.register(proc.stdout, select.POLLIN)
        return not waiting.poll(0)  # an answer written just before closing is read first

    def _flush_ready(self) -> None:
        proc, selector = self._proc, self._selector
        assert proc is not None and proc.stdin is not None and selector is not None
        try:
            written = os.write(proc.stdin.fileno(), self._unsent)
        except BlockingIOError:
            return
        except OSError:
            # The bot closed stdin; its exit (or silence) shows up on stdout.
            written = len(self._unsent)
        self._unsent = self._unsent[written:]
        if not self._unsent:
            selector.unregister(proc.stdin)

    def _write_all(self, payload: bytes, timeout: float) -> None:
        self._unsent += payload
        self._flush()
        deadline = time.perf_counter() + timeout
        while self._unsent and time.perf_counter() < deadline and self._selector is not None:
            for key, _ in self._selector.select(max(0.0, deadline - time.perf_counter())):
                if self._proc is not None and key.fileobj is self._proc.stdin:
                    self._flush_ready()
                elif self._proc is not None and key.fileobj is self._proc.stderr:
                    self._read_stderr()
                elif _read(key.fd) == b"":  # stdout after the end is ignored
                    self._selector.unregister(key.fileobj)

    def _wait_exit(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        proc = self._proc
        while proc is not None and proc.poll() is None and time.perf_counter() < deadline:
            if self._selector is None:
                break
            for key, _ in self._selector.select(
                min(0.02, max(0.0, deadline - time.perf_counter()))
            ):
                if key.fileobj is proc.stderr:
                    self._read_stderr()
                elif key.fileobj is proc.stdout and _read(key.fd) == b"":
                    self._selector.unregister(proc.stdout)

    def _read_stderr(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stderr is not None
        data = _read(proc.stderr.fileno())
        if data is None:
            return
        if not data:
            if self._selector is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self._selector.unregister(proc.stderr)
            return
        self._keep_log(data)

    def _drain_stderr(self) -> None:
        """Take whatever stderr holds now, without waiting."""
        proc = self._proc
        if proc is None or proc.stderr is None or proc.stderr.closed:
            return
        for _ in range(64):
            data = _read(proc.stderr.fileno())
            if not data:
                return
            self._keep_log(data)

    def _keep_log(self, data: bytes) -> None:
        """Add ``data`` read from stderr to the log's tail, which keeps the last
        ``stderr_tail_bytes``."""
        self._tail += data
        self._log_bytes += len(data)
        excess = len(self._tail) - self.limits.stderr_tail_bytes
        if excess > 0:
            del self._tail[:excess]

    def _decode(self, line: bytes, model: type[BaseModel], expected: str) -> BaseModel | None:
        """The message in ``line``, or ``None`` after failing the seat as ``invalid``."""
        problem = ""
        try:
            data = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            problem = "a line that is not UTF-8"
        except json.JSONDecodeError as exc:
            problem = f"a line that is not JSON: {_preview(line)} {_not_json_hint(exc)}"
        except (ValueError, RecursionError):
            problem = f"a line that is not JSON: {_preview(line)} {STDOUT_HINT}"
        else:
            if not isinstance(data, dict):
                problem = f"a JSON {_json_kind(data)}, not an object: {_preview(line)}"
            elif "type" not in data:
                problem = (
                    f'an object without a "type" where {expected!r} was due:'
                    f' {_preview(line)} (send {{"type": "{expected}", ...}})'
                )
            elif data["type"] != expected:
                kind = data["type"]
                shown = repr(kind[:40]) if isinstance(kind, str) else json.dumps(kind)[:40]
                problem = f"a message of type {shown} where {expected!r} was due"
            else:
                try:
                    return model.model_validate(data)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(x) for x in first["loc"])
                    got = ""
                    if first["type"] != "missing" and first["loc"]:
                        # The value as the bot wrote it (JSON), so "4" and 4 look different.
                        shown = json.dumps(first.get("input"), default=str)
                        got = f", got {shown[:60]}{'…' if len(shown) > 60 else ''}"
                    problem = f"a malformed {expected!r} message: {where}: {first['msg']}{got}"
                    if _quoted_number(first.get("input")):
                        number = first["input"].strip()
                        problem += f' (a JSON number: write {number}, not "{number}")'
                    if where == "actions" and isinstance(first.get("input"), dict):
                        problem += " (send one action as a list of one: [{...}])"
                    if first["type"] == "missing" and expected == "actions":
                        problem = (
                            f'an {expected!r} message without "{where}": answer each turn with'
                            ' {"type": "actions", "turn": N, "actions": [...]}, N the "turn" of'
                            " the turn message"
                        )
                        others = [k for k in data if isinstance(k, str) and k not in ("type",)]
                        if close := difflib.get_close_matches(where, others, n=1, cutoff=0.6):
                            problem += f' (it has "{close[0]}": did you mean "{where}"?)'
        self._fail(SeatStatus.INVALID, f"sent {problem}")
        return None


STDOUT_HINT = (
    "(stdout carries only protocol messages: write logs to stderr, e.g. console.error in"
    " JavaScript, print(..., file=sys.stderr) in Python, or use the SDK, game.sdk.run)"
)
"""Added to a non-JSON line: almost always a debug print that went to stdout."""


FLUSH_HINT = (
    " (nothing arrived on its stdout: if it wrote `ready`, flush stdout after each line, since"
    " most languages buffer it when it is a pipe, e.g. print(..., flush=True) in Python,"
    " $| = 1 in Perl, fflush(stdout) in C; and read stdin one line at a time: the host sends"
    " each message only after the answer to the last, so a bot that first reads all of its"
    " input, as sys.stdin.read(), readlines() or json.load(sys.stdin) in Python and"
    " fs.readFileSync(0) in Node.js do, waits forever; and parse `hello` as JSON: it comes"
    ' without spaces, {"protocol":"capwars/1","type":"hello",...}, so matching its text as'
    ' "type": "hello" finds nothing)'
)
"""Added when no `ready` came and nothing at all arrived: almost always an unflushed stdout,
or a bot that reads its whole input before answering (a habit from judged programming
exercises, where the input is complete from the start)."""


ONE_LINE_HINT = (
    "(the line ends before its JSON does: send each message on one line, as"
    " JSON.stringify(msg) or json.dumps(msg) write it without an indent, then a newline)"
)
"""Added to a line that is the start of a JSON value: a pretty-printed message."""


NOT_JSON_HINT = (
    "(a message must be JSON, as JSON.stringify(msg) or json.dumps(msg) write it: keys and"
    " strings in double quotes, true, false and null; printing the object itself, as"
    " console.log(msg) or print(msg) do, writes the language's own notation)"
)
"""Added to a line that starts like an object but is not JSON: ``{'type': 'ready'}``."""


def _not_json_hint(exc: json.JSONDecodeError) -> str:
    """Why a line is not JSON, as far as the bot's author can act on it: a message printed
    over several lines (its first line is cut short), else a stray print on stdout."""
    if exc.doc.lstrip().startswith(("{", "[")):
        return ONE_LINE_HINT if exc.pos >= len(exc.doc.rstrip()) else NOT_JSON_HINT
    return STDOUT_HINT


def _quoted_number(value: object) -> bool:
    """Whether ``value`` is a number in a JSON string (``"4"``), where a number was due."""
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


class _Oversize(Exception):
    pass


_RAN_OUT = (
    (
        re.compile(
            r"MemoryError|out of memory|OutOfMemory|bad_alloc|Cannot allocate memory"
            r"|memory allocation of \d+ bytes failed|Could not reserve enough space",
            re.IGNORECASE,
        ),
        "running out of memory",
        "memory_mb",
    ),
    (re.compile(r"Too many open files", re.IGNORECASE), "opening too many files", "max_open_files"),
    (re.compile(r"File too large", re.IGNORECASE), "writing too large a file", "max_file_mb"),
    (
        re.compile(
            r"can't (?:start|create) new thread|fork: (?:retry: )?Resource temporarily"
            # Python's fork, subprocess or posix_spawn (the last frame's code names it): not
            # any EAGAIN, which a non-blocking read with nothing to read raises too.
            r"|(?:fork|spawn)\w*\([^\n]*\n(?: {4}[^\n]*\n){0,40}BlockingIOError: \[Errno 11\]"
            r"|spawn EAGAIN|pthread_create.*(?:EAGAIN|Resource temporarily)"
            r"|unable to create native thread|failed to (?:create new OS|spawn) thread"
        ),
        "failing to start a process or thread",
        "max_processes",
    ),
)
"""What a bot's log says when it went past a resource limit (in Python, Node.js, Java, C++,
Rust, Go, a shell), what that was, and the limit."""


def sdk_reads() -> list[str]:
    """What every bot may read of this game: the ``game`` package (the Python SDK, on its
    ``PYTHONPATH``) and its ``content`` folder, not the rest of a clone (saves, results)."""
    return [str(PROJECT_ROOT / "game"), str(PROJECT_ROOT / "content")]


def extra_reads() -> list[str]:
    """The paths named by ``--bot-read`` (:data:`BOT_READ_ENV`), for every ``cmd:`` bot."""
    return [path for path in os.environ.get(BOT_READ_ENV, "").split(os.pathsep) if path]


_DENIED = re.compile(r"permission denied|EACCES", re.IGNORECASE)
_PATH_IN_LINE = re.compile(r"'(/[^']+)'|\"(/[^\"]+)\"|(/[^\s'\"():,]+)")
"""A path in a log line: quoted whole (``'/data/my dir/x.csv'``, as Python and Node quote it,
spaces and all), else up to white space or punctuation."""


def denied_read_hint(log: str, workdir: str | None) -> str:
    """``" (... --bot-read /data)"``: what to do when the bot's log ends on a permission denied
    on a path outside its working folder, which the sandbox may have kept it from reading."""
    if NOT_CONFINED in log:
        return ""
    for line in reversed(log.splitlines()[-20:]):
        if not _DENIED.search(line):
            continue
        for groups in _PATH_IN_LINE.findall(line):
            path = "".join(groups).rstrip(".")
            if workdir and (path + "/").startswith(workdir.rstrip("/") + "/"):
                continue
            # Landlock denies what exists (else: not found); /proc, /sys and /dev are the
            # kernel's own refusals, which --bot-read would not lift.
            if not os.path.exists(path) or path.startswith(("/proc/", "/sys/", "/dev/")):
                continue
            folder = path if os.path.isdir(path) else os.path.dirname(path)
            return (
                f" (the sandbox lets a bot read only its own folder, its language's and the"
                f" system's files: if it needs {path}, run with {BOT_READ_OPTION}"
                f" {shlex.quote(folder)})"
            )
        return ""
    return ""


def semaphore_hint(log: str) -> str:
    """``" (... /dev/shm ...)"``: what to do when a Python bot's log ends on multiprocessing's
    semaphore refused (``Pool``, ``Queue``, ``Lock``: a file in ``/dev/shm``, shared by every
    program of the machine, which the sandbox does not let a bot write)."""
    if NOT_CONFINED in log:
        return ""
    last = log.splitlines()[-20:]
    if not (any("SemLock" in line for line in last) and "PermissionError" in (last or [""])[-1]):
        return ""
    return (
        " (multiprocessing's Pool, Queue and Lock keep their semaphores in /dev/shm, which the"
        " sandbox does not let a bot write: use multiprocessing's Process with a Pipe, or"
        " threads)"
    )


_NO_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")


def alone_hint(log: str, command: Sequence[str]) -> str:
    """``" (... a folder of their own ...)"``: what to do when a Python bot file right in a home
    folder or in ``/tmp`` cannot import a module beside it, which the sandbox keeps it from
    reading (it opens such a file alone, not the whole home folder)."""
    if NOT_CONFINED in log:
        return ""
    found = _NO_MODULE.findall("\n".join(log.splitlines()[-20:]))
    if not found:
        return ""
    module = found[-1].partition(".")[0]
    for arg in command:
        path = arg.partition(":")[0]  # FILE:CLASS
        folder = os.path.dirname(path)
        if not (path.startswith("/") and os.path.isfile(path) and is_broad(folder)):
            continue
        beside = [os.path.join(folder, module + ".py"), os.path.join(folder, module)]
        if any(os.path.exists(p) for p in beside):
            return (
                f" (the sandbox lets a bot file right in {folder} read only itself, not"
                f" {module} beside it: put the bot and its modules in a folder of their own,"
                f" such as {os.path.join(folder, 'mybot')})"
            )
    return ""


def _ran_out(log: str, limits: Limits) -> str:
    """`` after running out of memory (limit: --memory-mb 1024)`` if the end of the bot's log
    says it went past a resource limit (the last one it mentions), else ``""``."""
    found = [
        (match.start(), what, field)
        for pattern, what, field in _RAN_OUT
        for match in [*pattern.finditer(log)][-1:]
    ]
    if not found:
        return ""
    _, what, field = max(found)
    return f" after {what} (limit: {LIMIT_OPTIONS[field].option} {getattr(limits, field)})"


_NOT_THE_CAUSE = re.compile(r"\s+at |Node\.js v\d|\s*\^+\s*$")
"""Log lines after the error itself: JavaScript stack frames, Node's version, a caret line."""


_EVENT_ORIGIN = re.compile(r"Emitted '\w+' event on .* at:$")
"""Node's line under an unhandled 'error' event's stack, before the place that emitted it."""


def _last_words(log: str) -> str:
    """``": ValueError: oops"``: the line of the bot's log that says why it stopped (Python's,
    Perl's and the sandbox's last line; Node's error above its stack), for the failure reason
    a tournament's failures by bot show, where the log itself is not. ``""`` if none."""
    return _cause_line(log, node_dumps=True) or _cause_line(log, node_dumps=False)


def _cause_line(log: str, node_dumps: bool) -> str:
    """:func:`_last_words`, skipping Node's dumps below an error when ``node_dumps``."""
    in_properties = False
    for line in reversed(log.splitlines()):
        if node_dumps:
            # Node prints an error's properties after its stack, `{ errno: -2, code: ... }`
            # over several lines, and an unhandled 'error' event's origin below that.
            if _EVENT_ORIGIN.match(line):
                continue
            if line.strip() == "}":
                in_properties = True
                continue
            if in_properties:
                if not line.rstrip().endswith("{"):
                    continue
                in_properties = False
                line = line.rstrip()[:-1]
        if line.strip() and not _NOT_THE_CAUSE.match(line):
            text = " ".join("".join(c if c.isprintable() else " " for c in line).split())
            return f": {text[:160]}{'…' if len(text) > 160 else ''}"
    return ""


NO_READY = "no `ready` within"
"""How the reason for a bot that never answered `hello` begins (``capwars validate`` then plays
no more seats: each would wait out the same init time)."""


STDOUT_CHECK_SECONDS = 0.1
"""How often the host looks whether a bot that is slow to answer closed its stdout."""


@cache
def _proc_lists_children() -> bool:
    """Whether ``/proc`` lists a task's children (``CONFIG_PROC_CHILDREN``; not every kernel or
    container runtime has it). Without it no child is found, which must not read as "no process
    holds the pipe"."""
    return os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def _holds(root: int, pipe: str) -> bool | None:
    """Whether a process under ``root`` (not ``root`` itself: the ``unshare`` that waits for
    the bot) has ``pipe`` (``pipe:[INODE]``) open; ``None`` if ``/proc`` does not say."""
    if not _proc_lists_children():
        return None
    seen = {root}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue  # it ended meanwhile
        except OSError:
            return None
        for task in tasks:
            try:
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            except FileNotFoundError:
                continue
            except OSError:
                return None
            for child in map(int, text.split()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        if pid == root:
            continue
        held = _has_open(pid, tasks, pipe)
        if held is not False:
            return held
    return False


def _has_open(pid: int, tasks: Sequence[str], pipe: str) -> bool | None:
    """Whether process ``pid`` has ``pipe`` open; ``None`` if ``/proc`` does not say. Its
    threads share one table of open files, seen through ``/proc/PID/fd``; but a process whose
    main thread ended (``pthread_exit``) while others run on shows none there, only through
    the other threads' ``/proc/PID/task/TID/fd``."""
    for place in [f"/proc/{pid}", *(f"/proc/{pid}/task/{t}" for t in tasks if t != str(pid))]:
        try:
            fds = os.listdir(f"{place}/fd")
        except FileNotFoundError:
            continue  # it ended meanwhile
        except OSError:
            return None
        for fd in fds:
            try:
                if os.readlink(f"{place}/fd/{fd}") == pipe:
                    return True
            except FileNotFoundError:
                continue  # closed meanwhile
            except OSError:
                return None
        if fds:
            return False
    return False


def _rival_rules(info: SetupInfo) -> dict[str, Any]:
    """``{"rival": ...}``: the seat's named rival of ``info.rules`` (see
    :func:`game.arena.match.setup_info`) for ``hello.rules``; nothing for a seat without one (its
    ``hello`` stays as it was)."""
    rival = info.rules.get("rival") if isinstance(info.rules, dict) else None
    if not isinstance(rival, dict):
        return {}
    try:
        return {"rival": RivalInfo.model_validate(rival).model_dump(mode="json")}
    except ValueError:  # a hand-made SetupInfo whose rival is not one: left out, not a failure
        return {}


def _line(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words (a bot author need not know Python's)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array"


def _preview(line: bytes) -> str:
    text = line[:80].decode("utf-8", errors="replace")
    return repr(text) + ("…" if len(line) > 80 else "")


def _read(fd: int) -> bytes | None:
    """What the pipe holds now: ``None`` if nothing yet, ``b""`` at its end."""
    try:
        return os.read(fd, _READ_CHUNK)
    except BlockingIOError:
        return None
    except OSError:
        return b""


WORKDIR_PREFIX = "capwars-bot-"
"""A bot's temporary folder is ``capwars-bot-<host pid>-<random>`` in the system's temp dir."""
STALE_AFTER_SECONDS = 3600.0


@cache
def sweep_stale_workdirs() -> None:
    """Remove the bot folders that hosts killed with ``kill -9`` left behind (once a process).

    A host removes its bots' folders itself, even on Ctrl-C or ``kill``; only a host that was
    not allowed to run any code (``kill -9``, a Dask worker's machine losing power) leaves them.
    A folder goes when no process has its host's pid and nothing in it (the folder or an entry
    at its top) changed for an hour. A host in another PID namespace sharing this temp dir looks
    gone from here, so the hour is what protects its folders: a bot idle that long in a match
    would have been timed out long before."""
    root = Path(tempfile.gettempdir())
    now = time.time()
    with contextlib.suppress(OSError):
        for folder in root.glob(f"{WORKDIR_PREFIX}*-*"):
            pid = folder.name.removeprefix(WORKDIR_PREFIX).partition("-")[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                info = folder.lstat()  # a symlink is never followed, nor removed
                if stat.S_ISDIR(info.st_mode) and now - _last_change(folder) > STALE_AFTER_SECONDS:
                    _remove_tree(str(folder))


def _last_change(folder: Path) -> float:
    """The newest mtime of ``folder`` and the entries at its top (links not followed)."""
    newest = folder.lstat().st_mtime
    for entry in os.scandir(folder):
        newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
    return newest


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or a pid no process can have: leave it
    return True


def _reap(proc: subprocess.Popen[bytes], workdir: str | None) -> None:
    """Kill the process group, wait until none of it is left, remove the folder."""
    # Under `unshare --fork` kill its child (the namespace's PID 1) first, so that unshare
    # reaps it before exiting; killed together, the child would linger as an orphan zombie.
    for child in _children(proc.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=0.5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError):
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.005)
    if workdir:
        _remove_tree(workdir)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _remove_tree(path: str) -> None:
    def retry(func: Any, target: str, _exc: Any) -> None:
        if os.path.normpath(target) == os.path.normpath(path):
            # The folder itself (gone already, or a symlink): its parent is the system's temp
            # dir, whose mode (1777) must never become 0700.
            return
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target), 0o700)
            # A bot's symlink is removed, never followed: chmod would change the file it points
            # to (any file of the user running capwars), not the link.
            if not os.path.islink(target):
                os.chmod(target, 0o700)
            func(target)

    _open_up(path)
    shutil.rmtree(path, onerror=retry)


def _open_up(path: str) -> None:
    """Give the owner back every folder of a bot's tree (``chmod 000`` on a subfolder would
    leave the whole tree behind), top down, so each is opened before it is listed; symlinks
    are never followed."""
    with contextlib.suppress(OSError):
        if not os.path.islink(path):
            os.chmod(path, 0o700)
    for root, folders, _files in os.walk(path):
        for name in folders:
            inner = os.path.join(root, name)
            if not os.path.islink(inner):
                with contextlib.suppress(OSError):
                    os.chmod(inner, 0o700)


def _make_external(rest: str) -> Bot:
    return ExternalBot(rest)


# ---------------------------------------------------------------------------------------------
# Limits set on the command line


@dataclass(frozen=True)
class LimitOption:
    """One :class:`Limits` field a teacher or an organiser sets per run, and how it is checked."""

    option: str
    """The command-line option: the field's name with dashes (``memory_mb``: ``--memory-mb``)."""
    unit: str
    example: str
    least: int
    """The smallest value accepted."""
    most: int
    most_text: str
    """``most`` in words, for the message (``a day``)."""
    whole: bool = False
    """Whole numbers only (resource limits; times may have decimals)."""
    above_least: bool = False
    """``least`` itself is refused (a time of 0 s)."""

    def least_text(self) -> str:
        if self.above_least:
            return f"more than {self.least}"
        return f"{self.least} or more"


MAX_LIMIT_SECONDS = 86400
"""The longest time limit accepted (a day): beyond some 10**8 s the host's wait overflows."""

_TIB = 1024 * 1024

LIMIT_OPTIONS: dict[str, LimitOption] = {
    "turn_seconds": LimitOption(
        "--turn-seconds", "seconds", "0.5", 0, MAX_LIMIT_SECONDS, "a day", above_least=True
    ),
    "bank_seconds": LimitOption("--bank-seconds", "seconds", "2", 0, MAX_LIMIT_SECONDS, "a day"),
    "init_seconds": LimitOption(
        "--init-seconds", "seconds", "0.5", 0, MAX_LIMIT_SECONDS, "a day", above_least=True
    ),
    "memory_mb": LimitOption("--memory-mb", "MiB", "2048", 16, _TIB, "1 TiB", whole=True),
    "cpu_seconds": LimitOption(
        "--cpu-seconds", "seconds of CPU time", "60", 1, MAX_LIMIT_SECONDS, "a day", whole=True
    ),
    "max_open_files": LimitOption(
        "--max-open-files", "files", "1024", 16, _TIB, "the kernel's usual ceiling", whole=True
    ),
    "max_file_mb": LimitOption("--max-file-mb", "MiB", "256", 1, _TIB, "1 TiB", whole=True),
    "max_processes": LimitOption(
        "--max-processes", "processes", "16", 1, 100_000, "far beyond any bot", whole=True
    ),
}
"""Every :class:`Limits` field settable per run (``capwars match``, ``tournament run``,
``validate``; the options are added by :mod:`game.arena.options`), in the order they are shown."""


class LimitsError(ValueError):
    """A limit that cannot be used: the message is one line naming the option."""


def bot_limits(**given: float | str | None) -> Limits:
    """The limits for ``cmd:`` bots with these values (``None``: the default), checked.

    Keys are :data:`LIMIT_OPTIONS` fields; values numbers or the text typed after the option.
    Turn and init times must be positive, the bank may be 0 (no bank), none over a day;
    resource limits are whole numbers in their range. Nothing may be infinite or NaN."""
    values: dict[str, float | int] = {}
    for field, raw in given.items():
        spec = LIMIT_OPTIONS[field]  # an unknown field is a programming error: KeyError
        if raw is None:
            continue
        option, unit = spec.option, spec.unit
        kind = "a whole number" if spec.whole else "a number"
        try:
            if isinstance(raw, bool):
                raise TypeError
            value = float(raw)
        except (TypeError, ValueError):
            raise LimitsError(
                f"{option} takes {kind} of {unit}, such as {option} {spec.example}; got {raw!r}"
            ) from None
        low_ok = value > spec.least if spec.above_least else value >= spec.least
        whole_ok = not spec.whole or (math.isfinite(value) and value.is_integer())
        if not math.isfinite(value) or not low_ok or not whole_ok:
            kind = "a whole number" if spec.whole else "a finite number"
            raise LimitsError(
                f"{option} must be {kind} of {unit}, {spec.least_text()} (such as"
                f" {option} {spec.example}); got {raw}"
            )
        if value > spec.most:
            raise LimitsError(
                f"{option} must be at most {spec.most} {unit} ({spec.most_text}); got {raw}"
            )
        values[field] = int(value) if spec.whole else value
    return Limits(**values)


def limits_of_args(args: Any) -> Limits:
    """The limits a command was given (its parsed :mod:`argparse` options, see
    :func:`game.arena.options.limit_options`), checked; raises :class:`LimitsError`."""
    return bot_limits(**{field: getattr(args, field, None) for field in LIMIT_OPTIONS})


def describe_limits(limits: Limits, fields: Sequence[str] | None = None) -> str:
    """The limits as the options that set them: ``--turn-seconds 1 --bank-seconds 10 ...``
    (only ``fields``, if given)."""
    shown = LIMIT_OPTIONS if fields is None else fields
    return " ".join(f"{LIMIT_OPTIONS[f].option} {_typed(getattr(limits, f))}" for f in shown)


def _typed(value: float) -> str:
    """A limit as typed after its option, in full: ``1048576``, not ``:g``'s ``1.04858e+06``
    (which the option would refuse, or read as another number); ``0.5``, ``1`` for ``1.0``."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def limits_json(limits: Limits) -> dict[str, float | int]:
    """The limits a run sets (for a tournament's design and a replay header)."""
    return {
        field: (int if spec.whole else float)(getattr(limits, field))
        for field, spec in LIMIT_OPTIONS.items()
    }


def is_external(spec: str) -> bool:
    """Whether a bot spec names an external program (``cmd:...``, spaces around it allowed)."""
    return external_command(spec) is not None


def make_seat_bot(spec: str, limits: Limits | None = None, read: Sequence[str] = ()) -> Bot:
    """The bot a spec names; a ``cmd:`` bot gets ``limits`` (``None``: the defaults) and may
    read the paths ``read`` (a tournament's ``--bot-read``) besides its own folder.

    Limits apply to external bots only: an in-process bot (a built-in, a Python file) runs in
    the match's own process and is not timed."""
    command = external_command(spec)
    if command is not None and (limits is not None or read):
        return ExternalBot(command, limits, read=read)
    return make_bot(spec)


register_prefix(CMD_PREFIX, _make_external)
