"""Where tournament matches run: inline, in a local process pool, or on a Dask cluster.

Every executor runs the same top-level function, :func:`play_match`, which takes a picklable
:class:`~game.arena.schedule.MatchTask` and returns the match's results record (plain JSON data),
so a match plays identically in this process, a spawned worker or a machine across the network.
Executors yield records as matches finish, in whatever order they finish; the caller writes them
down and sorts by match id for anything that depends on order.

- ``jobs=1``: inline, one match after another;
- ``jobs=N``: :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method
  (safe with threads, the same on every OS); each worker loads the content once;
- ``dask://HOST:PORT``: a ``dask.distributed`` scheduler (the optional extra ``distributed``).
  Workers need this game installed (the same version: a worker checks before each match) and
  the bot files, ``--content`` folder and scenario file at the same paths as the machine running
  the tournament (relative paths are taken from its folder).

Only a bounded number of matches is in flight at once, so a huge schedule is not submitted (and
held in memory) all at the start, and an interrupted run loses little work.

A pool worker watches the process that started it: if that process dies without shutting the pool
down (``kill -9``, a crash), the worker stops the match in hand (closing its bots, so external
bot processes do not outlive it) and exits, instead of waiting forever for work. An interrupted
run (Ctrl-C, ``kill PID``) tells its own pool's workers to drop their matches the same way
(:func:`stop_workers`, through an event the pool shares with them) rather than wait for them.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import shlex
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.arena.protocol import Limits
from game.arena.results import record_from_outcome
from game.arena.schedule import MatchTask, seat_spec
from game.arena.validate import INVALID_CODES
from game.rules.models import Content

IN_FLIGHT_PER_WORKER = 4
DASK_SCHEME = "dask://"
PARENT_CHECK_SECONDS = 0.25
"""How often a pool worker checks that the tournament process is still alive."""
PARENT_GONE_GRACE_SECONDS = 5.0
"""How long an orphaned worker lets its interrupted match close its bots before it exits."""

_content_cache: dict[str | None, Content] = {}


class ExecutorError(ValueError):
    """An executor that cannot be used as asked (bad address, missing extra)."""


def worker_content(content_dir: str | None) -> Content:
    """The content for ``content_dir`` (``None``: the game's own), loaded once per process."""
    content = _content_cache.get(content_dir)
    if content is None:
        from game.rules.loader import load_content

        content = _content_cache[content_dir] = load_content(content_dir)
    return content


_scenario_cache: dict[tuple[str | None, str], tuple[Content, str]] = {}


def worker_scenario(content_dir: str | None, scenario: str) -> tuple[Content, str]:
    """The content to play ``scenario`` with and its id: an id of the folder's scenarios, or a
    scenario file path (added to the content, loaded once per process)."""
    key = (content_dir, scenario)
    found = _scenario_cache.get(key)
    if found is None:
        from game.rules.loader import resolve_scenario

        found = _scenario_cache[key] = resolve_scenario(worker_content(content_dir), scenario)
    return found


def play_match(
    task: MatchTask,
    content_dir: str | None = None,
    limits: Limits | None = None,
    *,
    scenario: str | None = None,
    specs: Sequence[str] | None = None,
    bot_read: Sequence[str] = (),
) -> dict[str, Any]:
    """Play one scheduled match and return its results record. Runs in any process.

    ``limits``: the limits of its ``cmd:`` bots (``None``: the defaults), passed with the
    task to every worker (a pool's or a Dask cluster's), never through the environment.
    ``bot_read``: the folders (absolute) its ``cmd:`` bots may read besides their own (the
    tournament's ``--bot-read``), passed the same way and handed to each of its bots: never
    through this process's environment, which a Dask worker playing matches of several
    tournaments at once in threads shares between them (see :func:`seat_bots`).
    ``scenario``, ``specs``: what to load and seat instead of the task's own scenario and
    line-up, the same ones with paths made absolute (a Dask worker, :func:`check_worker`); the
    record keeps the task's labels."""
    from game.arena.match import run_match

    content, scenario_id = worker_scenario(content_dir, scenario or task.scenario)
    with _match_gate:
        if _parent_gone.is_set() or _stop_requested:
            raise ParentGone("the tournament is stopping")
        _in_match.set()
    try:
        counter = MalformedCounter(len(task.bots))
        seats = list(specs) if specs is not None else [seat_spec(b) for b in task.bots]
        outcome = run_match(
            content,
            scenario_id,
            task.seed,
            seat_bots(seats, limits, bot_read),
            recorders=[counter],
            limits=limits,
        )
    finally:
        _in_match.clear()
    # Filler seats keep their ``filler:SPEC`` label, so no entrant is credited with them.
    return record_from_outcome(task.id, outcome, labels=task.bots, malformed=counter.counts)


def seat_bots(specs: Sequence[str], limits: Limits | None, bot_read: Sequence[str]) -> list[Any]:
    """The bots of a match's seats, its ``cmd:`` bots each given ``limits`` and the folders
    ``bot_read`` (an argument of each bot, down to its sandbox's ``read=``); built here rather
    than by :func:`~game.arena.match.run_match` from the specs, which knows no folders."""
    from game.arena.host import make_seat_bot  # (importing the host registers ``cmd:``)

    return [make_seat_bot(spec, limits, read=bot_read) for spec in specs]


@contextlib.contextmanager
def readable_folders(paths: Sequence[str]) -> Iterator[None]:
    """While inside, the ``cmd:`` bots started in this process may read ``paths`` too: they are
    added to :data:`~game.arena.host.BOT_READ_ENV`, which the host reads as it starts a bot (the
    value set by hand, a Dask worker's own, is kept), and the variable is as before afterwards.
    For a command's own ``--bot-read`` (:func:`game.cli.main`: one command a process), never for
    a match among others: :func:`play_match` hands each match's folders to its bots
    (:func:`seat_bots`)."""
    if not paths:
        yield
        return
    from game.arena.host import BOT_READ_ENV

    before = os.environ.get(BOT_READ_ENV)
    own = [p for p in (before or "").split(os.pathsep) if p]
    os.environ[BOT_READ_ENV] = os.pathsep.join(dict.fromkeys([*own, *paths]))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BOT_READ_ENV, None)
        else:
            os.environ[BOT_READ_ENV] = before


class MalformedCounter:
    """A match recorder counting, per seat, the actions that were not actions at all."""

    CODES = INVALID_CODES
    """The codes ``capwars validate`` fails a bot's "valid actions" check on."""

    def __init__(self, seats: int) -> None:
        self.counts = [0] * seats

    def start(self, state: Any, bots: Sequence[str]) -> None:
        pass

    def quarter(self, report: Any, failures: dict[int, str]) -> None:
        for seat, rejected in enumerate(report.rejected[: len(self.counts)]):
            self.counts[seat] += sum(1 for _, code, _ in rejected if code in self.CODES)

    def end(self, state: Any, final: Any) -> None:
        pass


_in_match = threading.Event()
"""Set while this process plays a match (the parent watchdog waits for it to wind down)."""
_parent_gone = threading.Event()
"""Set by the watchdog once the tournament process is gone: no further match may start."""
_match_gate = threading.Lock()
"""Starting a match and noticing the parent's death exclude each other."""


class ParentGone(BaseException):
    """Raised in a pool worker's main thread to drop its match: the tournament process has
    died (the watchdog) or is stopping (:func:`stop_workers`, on Ctrl-C or ``kill PID``)."""


def warm_worker(content_dir: str | None, parent: int | None = None, stopping: Any = None) -> None:
    """Pool initializer: watch the ``parent`` process and its ``stopping`` event (a
    :class:`MatchPool`'s), load the content before the first match."""
    if parent is not None:
        signal.signal(signal.SIGUSR1, _stop_for_parent)
        watchdog = threading.Thread(
            target=_watch_parent,
            args=(parent, stopping),
            name="capwars-parent-watch",
            daemon=True,
        )
        watchdog.start()
    worker_content(content_dir)


_stop_requested = False
"""Set by SIGUSR1: the tournament is stopping (interrupted, or gone); no further match starts.
A plain flag, not an Event: a signal handler must not wait for a lock."""


def _stop_for_parent(signum: int, frame: object) -> None:
    """SIGUSR1, which the watchdog sends its own worker when the tournament process stops
    (:func:`stop_workers`) or died: abort the match being played (its bots are closed on the
    way out), start no other."""
    global _stop_requested
    _stop_requested = True
    if _in_match.is_set():
        raise ParentGone("the tournament is stopping")


class MatchPool(ProcessPoolExecutor):
    """A pool of spawned match workers that can be told to drop their matches at once
    (:meth:`stop_matches`): each worker's watchdog waits on the pool's ``stopping`` event.

    An event shared at spawn rather than a signal to each worker's pid: Python 3.11's
    :class:`ProcessPoolExecutor` has no public list of its processes (only the private
    ``_processes``), and its ``terminate_workers``/``kill_workers`` (3.14) would kill a worker
    without closing its bots, leaving their processes and folders behind."""

    def __init__(self, jobs: int, content_dir: str | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.stopping = context.Event()
        super().__init__(
            max_workers=jobs,
            mp_context=context,
            initializer=warm_worker,
            initargs=(content_dir, os.getpid(), self.stopping),
        )

    def stop_matches(self) -> None:
        """Ask every worker to drop its match now (closing its bots) and start no other."""
        self.stopping.set()


def stop_workers(executor: Executor) -> None:
    """Ask the workers of a :class:`MatchPool` this process started to drop their matches at
    once (other executors are left alone).

    Without it an interrupted run waited for every match already handed to a worker: with a
    bot that runs into its time limit every turn, half a minute of silence after Ctrl-C or
    ``kill PID``, for results it then threw away."""
    if isinstance(executor, MatchPool):
        executor.stop_matches()


def _watch_parent(parent: int, stopping: Any = None) -> None:
    """Stop this worker's match once the pool's ``stopping`` event is set; exit the worker once
    ``parent`` is no longer its parent process (it died)."""
    while os.getppid() == parent:
        if stopping is None:
            time.sleep(PARENT_CHECK_SECONDS)
        elif stopping.wait(PARENT_CHECK_SECONDS):
            # Through the signal handler, so the match is interrupted in the main thread.
            os.kill(os.getpid(), signal.SIGUSR1)
            stopping = None
    with _match_gate:
        # From now on no match starts here: the pool had queued more on this worker, and one
        # started while we exit would leave its bots' processes and folders behind.
        _parent_gone.set()
        in_match = _in_match.is_set()
    if in_match:
        # Interrupt the match in the main thread: run_match closes its bots (kills external bot
        # processes, removes their folders) on the way out.
        os.kill(os.getpid(), signal.SIGUSR1)
        deadline = time.monotonic() + PARENT_GONE_GRACE_SECONDS
        while _in_match.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
    os._exit(1)


def run_inline(
    tasks: Sequence[MatchTask],
    content_dir: str | None,
    limits: Limits | None = None,
    bot_read: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    for task in tasks:
        yield play_match(task, content_dir, limits, bot_read=bot_read)


def start_pool(jobs: int, content_dir: str | None = None) -> MatchPool:
    """A pool of ``jobs`` spawned workers that load the content as they start."""
    return MatchPool(jobs, content_dir)


def run_pool(
    tasks: Sequence[MatchTask],
    content_dir: str | None,
    jobs: int,
    pool: Executor | None = None,
    limits: Limits | None = None,
    bot_read: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Matches on ``jobs`` worker processes, yielded as they finish.

    With ``pool`` the matches run there and the pool is left open for the caller; otherwise a
    spawned pool is started here and shut down at the end.
    """
    own = pool is None
    executor = start_pool(jobs, content_dir) if pool is None else pool
    pending: set[Future[dict[str, Any]]] = set()
    stopped = True
    """Left early: interrupted (Ctrl-C, SIGTERM), closed by the caller, or a broken pool."""
    try:
        queue = iter(tasks)
        limit = jobs * IN_FLIGHT_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                task = next(queue, None)
                if task is None:
                    exhausted = True
                    break
                pending.add(
                    executor.submit(play_match, task, content_dir, limits, bot_read=bot_read)
                )
            if not pending:
                break
            finished, pending = _wait_for_one(pending)
            for future in finished:
                yield future.result()
        stopped = False
    except BrokenProcessPool:
        raise ExecutorError(
            "a worker process died (killed, or out of memory); the finished matches are saved:"
            " rerun the same command to resume"
        ) from None
    finally:
        # On an error or an interrupt, drop what has not started; finished work is on disk.
        for future in pending:
            future.cancel()
        if own:
            if stopped:
                stop_workers(executor)
            executor.shutdown(wait=True, cancel_futures=True)


_deferring = False
"""True while the main thread waits on the pool's futures (:func:`_wait_for_one`)."""
_deferred: list[BaseException] = []
"""What :func:`interrupt` was asked to raise during that wait, raised right after it."""

WAIT_POLL_SECONDS = 0.2
"""How often the wait for a finished match looks for a deferred interrupt."""


def interrupt(exc: BaseException) -> None:
    """Raise ``exc`` (from a signal handler: SIGTERM stopping a tournament) now, or, if the main
    thread is waiting on the pool's futures, as soon as that wait returns.

    ``concurrent.futures.wait`` takes the lock of every future it waits on, one after another;
    an exception raised from a signal handler in the middle of that leaves some of them held, so
    the pool's manager thread blocks on them for ever and shutting the pool down hangs (a
    ``kill PID`` that never returned, once in a while)."""
    if _deferring:
        _deferred.append(exc)
        return
    raise exc


def _wait_for_one(
    pending: set[Future[dict[str, Any]]],
) -> tuple[set[Future[dict[str, Any]]], set[Future[dict[str, Any]]]]:
    """``wait(pending, FIRST_COMPLETED)`` during which :func:`interrupt` defers its exception
    (raised here, within :data:`WAIT_POLL_SECONDS`, once the futures' locks are released)."""
    global _deferring
    _deferred.clear()  # left by a wait that another exception (Ctrl-C) ended
    while True:
        _deferring = True
        try:
            finished, rest = wait(pending, timeout=WAIT_POLL_SECONDS, return_when=FIRST_COMPLETED)
        finally:
            _deferring = False
        if _deferred:
            raise _deferred.pop()
        if finished:
            return finished, rest


def dask_address(executor: str) -> str:
    """``dask://HOST:PORT`` → the scheduler address ``tcp://HOST:PORT`` (``dask://tls://...``
    keeps its protocol). Anything else raises :class:`ExecutorError` saying what to write."""
    if not executor.startswith(DASK_SCHEME) or not executor[len(DASK_SCHEME) :].strip("/ "):
        raise ExecutorError(
            f"unknown executor {executor!r}: use dask://HOST:PORT, the address `dask scheduler`"
            f" prints (port {DASK_DEFAULT_PORT} unless it was given --port)"
        )
    rest = executor[len(DASK_SCHEME) :].strip().rstrip("/")
    protocol, _, host_port = rest.rpartition("://")
    host, colon, port = host_port.rpartition(":")
    if not colon or not host or host.endswith(":"):  # no port (an IPv6 host needs [..]:PORT)
        raise ExecutorError(
            f"{executor!r} has no port: use dask://HOST:PORT, such as"
            f" dask://{host_port}:{DASK_DEFAULT_PORT} (the address `dask scheduler` prints;"
            f" port {DASK_DEFAULT_PORT} unless it was given --port)"
        )
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ExecutorError(
            f"{executor!r}: the port must be a number from 1 to 65535, got {port!r}; use"
            " dask://HOST:PORT, the address `dask scheduler` prints"
        )
    return f"{protocol or 'tcp'}://{host}:{port}"


@dataclass(frozen=True)
class Origin:
    """The machine a tournament runs on, as a Dask worker needs to know it to play its matches
    the same way: checked by the worker before every match (:func:`check_worker`)."""

    cwd: str
    """The tournament's folder: relative paths (``cmd:`` bot files, ``--content``, a scenario
    file) mean the same path there on every worker."""
    code: str
    """:func:`code_fingerprint` there: a worker with other game code would play other games."""
    content: tuple[tuple[str, str], ...] = ()
    """(scenario as scheduled, match content hash) of the tournament's scenarios."""


class WorkerMismatch(Exception):
    """A Dask worker cannot play the tournament's matches as the machine running it would (other
    game code or content, a bot file or program missing): it refuses before playing."""


FINGERPRINT_PACKAGES = ("rules", "engine", "agents", "arena", "sdk")
"""The game's packages a match's result depends on (content is hashed on its own)."""
_fingerprint: list[str] = []


def code_fingerprint() -> str:
    """A short digest of the game's version and the source of the packages a match depends on,
    the same on every machine with the same code (line endings aside)."""
    if not _fingerprint:
        import game

        root = Path(game.__file__).parent
        digest = hashlib.blake2b(game.__version__.encode(), digest_size=8)
        for package in FINGERPRINT_PACKAGES:
            for path in sorted((root / package).rglob("*.py")):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
        _fingerprint.append(digest.hexdigest())
    return _fingerprint[0]


def check_worker(
    task: MatchTask, content_dir: str | None, origin: Origin
) -> tuple[str | None, str, list[str]]:
    """On a Dask worker, before a match: the content folder, scenario and seat specs to play it
    with, relative paths made absolute in ``origin.cwd``. Raises :class:`WorkerMismatch` naming
    this worker and what to fix when it would not play the match as the tournament's machine
    would: other game code, other content, a bot file or program it does not have."""
    from game.rules.loader import is_scenario_path, match_content_hash

    here = _worker_name()
    if code_fingerprint() != origin.code:
        raise WorkerMismatch(
            f"Dask worker {here} runs other game code (fingerprint {code_fingerprint()}, the"
            f" tournament's machine has {origin.code}): install the same version of the game"
            " on every worker, restart them, then rerun"
        )
    base = Path(origin.cwd)
    if content_dir is not None:
        content_dir = str(base / content_dir)
        if not Path(content_dir).is_dir():
            raise WorkerMismatch(
                f"Dask worker {here} has no content folder {content_dir}: every worker needs"
                " it at the same path as the tournament's machine"
            )
    scenario = task.scenario
    if is_scenario_path(scenario):
        scenario = str(base / scenario)
        if not Path(scenario).is_file():
            raise WorkerMismatch(
                f"Dask worker {here} has no scenario file {scenario}: every worker needs it at"
                " the same path as the tournament's machine"
            )
    expected = dict(origin.content).get(task.scenario)
    if expected is not None:
        content, scenario_id = worker_scenario(content_dir, scenario)
        found = match_content_hash(content, scenario_id)
        if found != expected:
            raise WorkerMismatch(
                f"Dask worker {here} has other content for {task.scenario} (hash {found}, the"
                f" tournament's machine has {expected}): give every worker the same game"
                " version and content, then rerun"
            )
    specs = [_worker_spec(seat_spec(label), base, here) for label in task.bots]
    return content_dir, scenario, specs


def _worker_spec(spec: str, base: Path, here: str) -> str:
    """A seat's spec with its relative file paths made absolute in ``base``; a bot file or a
    program missing on this worker raises :class:`WorkerMismatch`."""
    from game.agents.registry import BotSpecError, file_spec
    from game.arena.host import (
        bot_path,
        command_argv,
        command_word,
        external_command,
        names_script,
        resolve_command,
    )

    command = external_command(spec)
    if command is None:
        if file_spec(spec) is None:
            return spec  # a built-in bot
        file, colon, name = spec.strip().partition(":")
        path = base / file
        if not path.is_file():
            raise _missing_file(here, spec, path)
        return f"{path}{colon}{name}"
    try:
        argv = command_argv(command)
    except BotSpecError:
        return spec  # the tournament's machine accepted it; the match reports it as it would
    for index, arg in enumerate(argv):
        if command_word(index, arg) or (base / arg).exists():
            continue  # an option, a program looked up on PATH, or a file this worker has
        file = arg.partition(":")[0]  # the SDK's FILE:CLASS
        if index == 0 or (names_script(arg) and not (base / file).is_file()):
            raise _missing_file(here, spec, base / file)
    if argv and "/" not in argv[0] and shutil.which(argv[0], path=bot_path()) is None:
        raise WorkerMismatch(
            f"Dask worker {here} cannot find the program {argv[0]!r} of bot {spec}: install it"
            " on every worker, then rerun"
        )
    try:
        return "cmd:" + shlex.join(resolve_command(argv, base))
    except BotSpecError as exc:
        raise WorkerMismatch(f"Dask worker {here}: {exc}") from None


def _missing_file(here: str, spec: str, path: Path) -> WorkerMismatch:
    return WorkerMismatch(
        f"Dask worker {here} has no file {path} for bot {spec}: every worker needs the bot files"
        " at the same path as the tournament's machine (a shared folder, or a copy in the same"
        " place), then rerun"
    )


def _worker_name() -> str:
    """This Dask worker as a teacher finds it: its address and host name."""
    host = socket.gethostname()
    try:
        from distributed import get_worker

        return f"{get_worker().address} ({host})"
    except (ImportError, ValueError):
        return host


def play_remote_match(
    task: MatchTask,
    content_dir: str | None,
    limits: Limits | None,
    origin: Origin,
    bot_read: Sequence[str] = (),
) -> dict[str, Any]:
    """:func:`play_match` on a Dask worker, after :func:`check_worker`; ``bot_read``: the
    tournament's ``--bot-read`` folders (absolute), which the worker must have too."""
    content_dir, scenario, specs = check_worker(task, content_dir, origin)
    for path in bot_read:
        if not os.path.exists(path):
            raise WorkerMismatch(
                f"Dask worker {_worker_name()} has no {path} (--bot-read): every worker needs"
                " it at the same path as the tournament's machine"
            )
    return play_match(task, content_dir, limits, scenario=scenario, specs=specs, bot_read=bot_read)


DASK_DEFAULT_PORT = 8786
DASK_CONNECT_SECONDS = 10
DASK_POLL_SECONDS = 1.0
"""How often a Dask run checks, while no match finishes, that it still has workers."""
DASK_NO_WORKERS_SECONDS = 20.0
"""How long a Dask run waits without a worker before it stops and says how to start one."""
DASK_LOGGERS = ("distributed.client", "distributed.core", "distributed.comm", "distributed.utils")
"""Dask loggers that print tracebacks when the scheduler goes away: the run says it in a line."""


def run_dask(
    tasks: Sequence[MatchTask],
    content_dir: str | None,
    executor: str,
    limits: Limits | None = None,
    bot_read: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Matches on a Dask cluster, yielded as they finish.

    Every match is checked on its worker first (:func:`check_worker`); anything a teacher must
    fix (an unreachable scheduler, no workers, a worker that died with the scheduler, other game
    code, a missing bot file) raises :class:`ExecutorError` with one line saying what to do.
    Only finished matches are yielded, so nothing is lost or counted twice: a rerun plays the
    rest."""
    try:
        from dask.distributed import Client
        from dask.distributed import wait as dask_wait
    except ImportError:
        raise ExecutorError(
            "the Dask executor needs the optional extra: in the game's folder,"
            " .venv/bin/pip install -e '.[distributed]' (or pip install"
            " 'capacity-wars[distributed]' for an installed game)"
        ) from None
    address = dask_address(executor)
    if not tasks:
        return  # a finished tournament rebuilds its leaderboard without a cluster
    origin = Origin(os.getcwd(), code_fingerprint(), _content_hashes(tasks, content_dir))
    with _quiet_dask():
        try:
            client = Client(address, timeout=f"{DASK_CONNECT_SECONDS}s")
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {address} ({exc}): start `dask scheduler`"
                " on that machine (it prints its address) or correct --executor dask://HOST:PORT"
            ) from None
        pending: dict[Any, MatchTask] = {}
        try:
            queue = iter(tasks)
            alone_since: float | None = None
            seen = False
            """Whether a worker was there: the workers left, rather than never came."""
            while True:
                threads = _dask_threads(client, address)
                seen = seen or threads > 0
                room = max(1, threads) * IN_FLIGHT_PER_WORKER - len(pending)
                for task in _take(queue, room):
                    future = client.submit(
                        play_remote_match,
                        task,
                        content_dir,
                        limits,
                        origin,
                        tuple(bot_read),
                        pure=False,
                    )
                    pending[future] = task
                if not pending:
                    return
                try:
                    finished = dask_wait(
                        list(pending), timeout=DASK_POLL_SECONDS, return_when="FIRST_COMPLETED"
                    ).done
                except TimeoutError:
                    finished = set()
                if not finished:
                    now = time.monotonic()
                    alone_since = (alone_since or now) if threads == 0 else None
                    if alone_since is not None and now - alone_since > DASK_NO_WORKERS_SECONDS:
                        raise _no_workers(address, seen)
                    continue
                alone_since = None
                failed: ExecutorError | None = None
                for future in finished:
                    task = pending.pop(future)
                    try:
                        record = _dask_result(future, task, address)
                    except ExecutorError as exc:
                        failed = failed or exc
                        continue
                    future.release()
                    yield record  # the matches that did finish are saved before a failure
                if failed is not None:
                    raise failed
        finally:
            # Interrupted or failed: drop the queued matches (a match a worker is playing ends
            # there on its own), then disconnect. Finished matches are on disk already.
            with contextlib.suppress(Exception):
                client.cancel(list(pending))
            with contextlib.suppress(Exception):
                client.close(timeout=DASK_CONNECT_SECONDS)


def _content_hashes(
    tasks: Sequence[MatchTask], content_dir: str | None
) -> tuple[tuple[str, str], ...]:
    """(scenario, match content hash) of every scenario among ``tasks``, on this machine."""
    from game.rules.loader import match_content_hash

    out = {}
    for task in tasks:
        if task.scenario not in out:
            content, scenario_id = worker_scenario(content_dir, task.scenario)
            out[task.scenario] = match_content_hash(content, scenario_id)
    return tuple(out.items())


def _dask_threads(client: Any, address: str) -> int:
    """How many matches the cluster plays at once; a lost scheduler raises ExecutorError."""
    try:
        return int(sum(client.nthreads().values()))
    except (OSError, TimeoutError, CancelledError) as exc:
        raise _scheduler_lost(address) from exc


def _dask_result(future: Any, task: MatchTask, address: str) -> dict[str, Any]:
    """A finished Dask future's record, or an ExecutorError a teacher can act on."""
    try:
        record: dict[str, Any] = future.result()
    except CancelledError:
        raise _scheduler_lost(address) from None
    except WorkerMismatch as exc:
        raise ExecutorError(f"{exc}. The finished matches are saved.") from None
    except Exception as exc:
        text = " ".join(str(exc).split())  # Dask's messages span lines; this is one
        if "deserialization of the task graph" in text:
            # Dask's scheduler unpickles the matches it is sent: it needs the game too.
            raise ExecutorError(
                f"the Dask scheduler at {address} cannot read this game's matches: install this"
                " game (the same version) where the scheduler runs too, not only on the"
                " workers, restart it, then rerun the same command to resume"
            ) from None
        raise ExecutorError(
            f"a Dask worker could not play match {task.id} ({' vs '.join(task.bots)}):"
            f" {type(exc).__name__}: {text.rstrip('.')}. The Dask scheduler and every worker need"
            " this game installed (the same version); the finished matches are saved: fix that,"
            " then rerun the same command to resume"
        ) from None
    return record


def _no_workers(address: str, seen: bool) -> ExecutorError:
    if not seen:
        return ExecutorError(
            f"no Dask worker is connected to the scheduler at {address}: start"
            f" `dask worker {address}` on each machine (with this game installed), then rerun"
            " the same command to resume"
        )
    # A worker that cannot load this game's code (not installed, another version) drops out
    # of the cluster at its first match; its own log says why.
    return ExecutorError(
        f"every Dask worker left the scheduler at {address} (stopped, or unable to load this"
        " game: each needs it installed, the same version; a worker's log says why): the"
        f" finished matches are saved; start `dask worker {address}` again, then rerun the same"
        " command to resume"
    )


def _scheduler_lost(address: str) -> ExecutorError:
    return ExecutorError(
        f"lost the Dask scheduler at {address} (stopped, or the network failed): the finished"
        " matches are saved; restart the scheduler and its workers, then rerun the same command"
        " to resume"
    )


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask's own error logs off while a run talks to the cluster: they are tracebacks, and the
    run says what went wrong in one line instead."""
    loggers = [logging.getLogger(name) for name in DASK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _take(queue: Iterator[MatchTask], n: int) -> list[MatchTask]:
    out = []
    for _ in range(n):
        task = next(queue, None)
        if task is None:
            break
        out.append(task)
    return out


def run_tasks(
    tasks: Sequence[MatchTask],
    content_dir: str | None = None,
    jobs: int = 1,
    executor: str | None = None,
    pool: Executor | None = None,
    limits: Limits | None = None,
    bot_read: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Play ``tasks`` where asked, yielding each record as its match finishes.

    ``pool``: an already started executor (see :func:`start_pool`) to run them on with ``jobs``
    matches at a time, kept open afterwards. ``limits``: the ``cmd:`` bots' limits;
    ``bot_read``: the folders (absolute) they may read besides their own, on every worker.
    A bad ``jobs`` or ``executor`` (see :func:`check_executor`) raises :class:`ExecutorError`
    when the first record is asked for, where the caller handles every executor's errors.
    """
    try:
        check_executor(jobs, executor)
    except ExecutorError as exc:
        return _raise(exc)
    if executor:
        return run_dask(tasks, content_dir, executor, limits, bot_read)
    if pool is not None:
        return run_pool(tasks, content_dir, jobs, pool, limits, bot_read)
    if jobs == 1 or len(tasks) <= 1:
        return run_inline(tasks, content_dir, limits, bot_read)
    return run_pool(tasks, content_dir, min(jobs, len(tasks)), limits=limits, bot_read=bot_read)


def check_executor(jobs: int = 1, executor: str | None = None) -> None:
    """Raise :class:`ExecutorError` saying what to write for a ``--jobs`` below 1 or an
    ``--executor`` that is not ``dask://HOST:PORT``: a caller can check before it creates
    anything (the Dask scheduler itself is reached only when the matches start)."""
    if executor:
        dask_address(executor)
    elif jobs < 1:
        raise ExecutorError(f"--jobs must be at least 1 (matches at a time), got {jobs}")


def _raise(error: ExecutorError) -> Iterator[dict[str, Any]]:
    raise error
    yield  # a generator: it raises when the first record is asked for
