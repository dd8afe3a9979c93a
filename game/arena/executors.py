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
  Workers need this package installed and, with ``--content``, the folder at the same path.

Only a bounded number of matches is in flight at once, so a huge schedule is not submitted (and
held in memory) all at the start, and an interrupted run loses little work.

A pool worker watches the process that started it: if that process dies without shutting the pool
down (``kill -9``, a crash), the worker stops the match in hand (closing its bots, so external
bot processes do not outlive it) and exits, instead of waiting forever for work. An interrupted
run (Ctrl-C, ``kill PID``) tells its own pool's workers to drop their matches the same way
(:func:`stop_workers`) rather than wait for them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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
    task: MatchTask, content_dir: str | None = None, limits: Limits | None = None
) -> dict[str, Any]:
    """Play one scheduled match and return its results record. Runs in any process.

    ``limits``: the time limits of its ``cmd:`` bots (``None``: the defaults), passed with the
    task to every worker (a pool's or a Dask cluster's), never through the environment."""
    import game.arena.host  # noqa: F401  (a worker must host ``cmd:`` bots too)
    from game.arena.match import run_match

    content, scenario = worker_scenario(content_dir, task.scenario)
    with _match_gate:
        if _parent_gone.is_set() or _stop_requested:
            raise ParentGone("the tournament is stopping")
        _in_match.set()
    try:
        counter = MalformedCounter(len(task.bots))
        outcome = run_match(
            content,
            scenario,
            task.seed,
            [seat_spec(b) for b in task.bots],
            recorders=[counter],
            limits=limits,
        )
    finally:
        _in_match.clear()
    # Filler seats keep their ``filler:SPEC`` label, so no entrant is credited with them.
    return record_from_outcome(task.id, outcome, labels=task.bots, malformed=counter.counts)


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


def warm_worker(content_dir: str | None, parent: int | None = None) -> None:
    """Pool initializer: watch the ``parent`` process, load the content before the first match."""
    if parent is not None:
        signal.signal(signal.SIGUSR1, _stop_for_parent)
        watchdog = threading.Thread(
            target=_watch_parent, args=(parent,), name="capwars-parent-watch", daemon=True
        )
        watchdog.start()
    worker_content(content_dir)


_stop_requested = False
"""Set by SIGUSR1: the tournament is stopping (interrupted, or gone); no further match starts.
A plain flag, not an Event: a signal handler must not wait for a lock."""


def _stop_for_parent(signum: int, frame: object) -> None:
    """SIGUSR1, from the tournament process when it is interrupted or from the watchdog when it
    died: abort the match being played (its bots are closed on the way out), start no other."""
    global _stop_requested
    _stop_requested = True
    if _in_match.is_set():
        raise ParentGone("the tournament is stopping")


def stop_workers(executor: Executor) -> None:
    """Ask the workers of a process pool this process started to drop their matches at once.

    Without it an interrupted run waited for every match already handed to a worker: with a
    bot that runs into its time limit every turn, half a minute of silence after Ctrl-C or
    ``kill PID``, for results it then threw away."""
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.kill(process.pid, signal.SIGUSR1)


def _watch_parent(parent: int) -> None:
    """Exit this worker once ``parent`` is no longer its parent process (it died)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
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
    tasks: Sequence[MatchTask], content_dir: str | None, limits: Limits | None = None
) -> Iterator[dict[str, Any]]:
    for task in tasks:
        yield play_match(task, content_dir, limits)


def start_pool(jobs: int, content_dir: str | None = None) -> ProcessPoolExecutor:
    """A pool of ``jobs`` spawned workers that load the content as they start."""
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=warm_worker,
        initargs=(content_dir, os.getpid()),
    )


def run_pool(
    tasks: Sequence[MatchTask],
    content_dir: str | None,
    jobs: int,
    pool: Executor | None = None,
    limits: Limits | None = None,
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
                pending.add(executor.submit(play_match, task, content_dir, limits))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
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


def dask_address(executor: str) -> str:
    """``dask://HOST:PORT`` → the scheduler address ``tcp://HOST:PORT``."""
    if not executor.startswith(DASK_SCHEME) or not executor[len(DASK_SCHEME) :].strip():
        raise ExecutorError(f"unknown executor {executor!r}: use dask://HOST:PORT")
    rest = executor[len(DASK_SCHEME) :]
    return rest if "://" in rest else f"tcp://{rest}"


def run_dask(
    tasks: Sequence[MatchTask],
    content_dir: str | None,
    executor: str,
    limits: Limits | None = None,
) -> Iterator[dict[str, Any]]:
    """Matches on a Dask cluster, yielded as they finish."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise ExecutorError(
            "the Dask executor needs the optional extra: in the game's folder,"
            " .venv/bin/pip install -e '.[distributed]' (or pip install"
            " 'capacity-wars[distributed]' for an installed game)"
        ) from None
    address = dask_address(executor)
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        limit = workers * IN_FLIGHT_PER_WORKER
        queue = iter(tasks)
        first = [
            client.submit(play_match, task, content_dir, limits, pure=False)
            for task in _take(queue, limit)
        ]
        if not first:
            return
        flow = as_completed(first)
        for future in flow:
            record = future.result()
            future.release()
            for task in _take(queue, 1):
                flow.add(client.submit(play_match, task, content_dir, limits, pure=False))
            yield record
    finally:
        client.close()


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
) -> Iterator[dict[str, Any]]:
    """Play ``tasks`` where asked, yielding each record as its match finishes.

    ``pool``: an already started executor (see :func:`start_pool`) to run them on with ``jobs``
    matches at a time, kept open afterwards. ``limits``: the ``cmd:`` bots' time limits.
    """
    if executor:
        return run_dask(tasks, content_dir, executor, limits)
    if jobs < 1:
        raise ExecutorError(f"--jobs must be at least 1, got {jobs}")
    if pool is not None:
        return run_pool(tasks, content_dir, jobs, pool, limits)
    if jobs == 1 or len(tasks) <= 1:
        return run_inline(tasks, content_dir, limits)
    return run_pool(tasks, content_dir, min(jobs, len(tasks)), limits=limits)
