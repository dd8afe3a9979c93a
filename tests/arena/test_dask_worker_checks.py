"""What a Dask run says when something is set up wrong: each problem is one line a teacher can
act on, and a worker that would play a match differently refuses before it plays (no Dask
cluster needed: the checks run here as a worker would run them)."""

from __future__ import annotations

import io
import shutil
from concurrent.futures import CancelledError
from pathlib import Path

import pytest

from game.arena import executors
from game.arena.executors import (
    ExecutorError,
    Origin,
    WorkerMismatch,
    check_worker,
    code_fingerprint,
    dask_address,
)
from game.arena.progress import Progress
from game.arena.schedule import MatchTask
from game.rules.loader import match_content_hash

EXAMPLE_BOT = Path(__file__).resolve().parents[2] / "examples" / "python_bot.py"


def origin(cwd: Path, **changes: object) -> Origin:
    content, scenario = executors.worker_scenario(None, "tutorial")
    fields: dict[str, object] = {
        "cwd": str(cwd),
        "code": code_fingerprint(),
        "content": (("tutorial", match_content_hash(content, scenario)),),
    }
    fields.update(changes)
    return Origin(**fields)  # type: ignore[arg-type]


def task(*bots: str, scenario: str = "tutorial") -> MatchTask:
    return MatchTask(scenario=scenario, seed=1, bots=tuple(bots))


# --- the address -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "address"),
    [
        ("dask://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        ("dask://10.0.0.5:8786/", "tcp://10.0.0.5:8786"),
        ("dask://tls://host:8786", "tls://host:8786"),
        ("dask://[::1]:8786", "tcp://[::1]:8786"),
    ],
)
def test_dask_addresses_a_teacher_may_type(given: str, address: str):
    assert dask_address(given) == address


@pytest.mark.parametrize(
    ("given", "says"),
    [
        # Dask itself raised "ValueError: missing port number" with a traceback here.
        (
            "dask://localhost",
            "'dask://localhost' has no port: use dask://HOST:PORT, such as dask://localhost:8786",
        ),
        ("dask://host:99999", "the port must be a number from 1 to 65535"),
        ("dask://host:port", "the port must be a number from 1 to 65535, got 'port'"),
        ("dask:/x", "unknown executor 'dask:/x': use dask://HOST:PORT"),
        ("dask://", "unknown executor 'dask://'"),
    ],
)
def test_a_mistyped_address_says_what_to_write(given: str, says: str):
    with pytest.raises(ExecutorError) as error:
        dask_address(given)
    assert says in str(error.value) and "\n" not in str(error.value)


# --- a worker's checks before every match ------------------------------------------------------


def test_relative_bot_paths_mean_the_tournament_s_folder_not_the_worker_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The teacher runs in `class/` with `cmd:python bots/alice.py`; the worker was started
    # elsewhere. It looked the file up in its own folder: "bot file not found" mid-run.
    teacher = tmp_path / "class"
    (teacher / "bots").mkdir(parents=True)
    shutil.copy(EXAMPLE_BOT, teacher / "bots" / "alice.py")
    monkeypatch.chdir(tmp_path)  # the worker's folder
    _, _, specs = check_worker(
        task("cmd:python bots/alice.py", "bots/alice.py:SteadyBot", "balanced"),
        None,
        origin(teacher),
    )
    alice = teacher / "bots" / "alice.py"
    assert specs == [f"cmd:python {alice}", f"{alice}:SteadyBot", "balanced"]


@pytest.mark.parametrize(
    "spec",
    ["cmd:python bots/alice.py", "cmd:python {abs}", "bots/alice.py:SteadyBot", "cmd:./bots/run"],
)
def test_a_bot_file_only_the_teacher_has_stops_the_run_before_a_match(tmp_path: Path, spec: str):
    # An absolute path was passed on unchecked: every match of that bot on that worker was
    # recorded as the bot failing at start.
    spec = spec.format(abs=tmp_path / "bots" / "alice.py")
    with pytest.raises(WorkerMismatch) as error:
        check_worker(task(spec, "balanced"), None, origin(tmp_path))
    text = str(error.value)
    assert text.startswith("Dask worker ") and f"for bot {spec}" in text
    assert "every worker needs the bot files at the same path" in text


def test_a_program_missing_on_the_worker_is_named(tmp_path: Path):
    spec = "cmd:capwars-no-such-runtime bot.x"
    with pytest.raises(WorkerMismatch, match="cannot find the program 'capwars-no-such-runtime'"):
        check_worker(task(spec, "balanced"), None, origin(tmp_path))


def test_a_worker_with_other_game_code_refuses(tmp_path: Path):
    with pytest.raises(WorkerMismatch) as error:
        check_worker(task("balanced", "hoarder"), None, origin(tmp_path, code="0123456789abcdef"))
    text = str(error.value)
    assert "runs other game code" in text and "install the same version of the game" in text
    assert code_fingerprint() in text and "0123456789abcdef" in text


def test_a_worker_with_other_content_refuses(tmp_path: Path):
    other = origin(tmp_path, content=(("tutorial", "f" * 32),))
    with pytest.raises(WorkerMismatch, match="has other content for tutorial"):
        check_worker(task("balanced", "hoarder"), None, other)


def test_a_content_folder_or_scenario_file_missing_on_the_worker_is_named(tmp_path: Path):
    with pytest.raises(WorkerMismatch, match=f"no content folder {tmp_path / 'mine'}"):
        check_worker(task("balanced", "hoarder"), "mine", origin(tmp_path, content=()))
    lesson = task("balanced", "hoarder", scenario="lessons/grid.toml")
    with pytest.raises(WorkerMismatch, match=f"no scenario file {tmp_path / 'lessons/grid.toml'}"):
        check_worker(lesson, None, origin(tmp_path, content=()))


def test_the_fingerprint_ignores_line_endings(monkeypatch: pytest.MonkeyPatch):
    # A Windows checkout (CRLF) of the same code must not be refused.
    first = code_fingerprint()
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read(self).replace(b"\n", b"\r\n"))
    monkeypatch.setattr(executors, "_fingerprint", [])
    assert code_fingerprint() == first


# --- what the tournament's machine says --------------------------------------------------------


class Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def result(self) -> dict[str, object]:
        raise self.exc


def test_a_lost_scheduler_is_one_line_saying_to_restart_and_resume():
    # It was a FutureCancelledError traceback after pages of Dask's own reconnect tracebacks.
    cancelled = CancelledError("cancelled for reason: scheduler-connection-lost.")
    with pytest.raises(ExecutorError) as error:
        executors._dask_result(Failed(cancelled), task("balanced", "hoarder"), "tcp://h:8786")
    assert str(error.value) == (
        "lost the Dask scheduler at tcp://h:8786 (stopped, or the network failed): the finished"
        " matches are saved; restart the scheduler and its workers, then rerun the same command"
        " to resume"
    )


def test_a_worker_s_failure_is_one_line_naming_the_match():
    match = task("balanced", "hoarder")
    failure = ModuleNotFoundError("No module named\n'game'")
    with pytest.raises(ExecutorError) as error:
        executors._dask_result(Failed(failure), match, "tcp://h:8786")
    text = str(error.value)
    assert "\n" not in text and f"could not play match {match.id} (balanced vs hoarder)" in text
    assert "ModuleNotFoundError: No module named 'game'" in text
    assert "The Dask scheduler and every worker need this game installed" in text


def test_a_scheduler_without_the_game_is_named():
    # Dask's scheduler unpickles the tasks: without the game it failed every match with a
    # multi-line "Error during deserialization of the task graph", blamed on "a Dask worker".
    dask_text = (
        "Error during deserialization of the task graph. This frequently\noccurs if the"
        " Scheduler and Client have different environments."
    )
    with pytest.raises(ExecutorError) as error:
        executors._dask_result(
            Failed(RuntimeError(dask_text)), task("balanced", "hoarder"), "tcp://h:8786"
        )
    assert str(error.value).startswith(
        "the Dask scheduler at tcp://h:8786 cannot read this game's matches: install this game"
        " (the same version) where the scheduler runs too"
    )


def test_a_worker_s_refusal_keeps_its_own_words():
    refusal = WorkerMismatch("Dask worker tcp://w:1 (lab-3) has no file /x/a.py for bot a.py")
    with pytest.raises(ExecutorError) as error:
        executors._dask_result(Failed(refusal), task("a.py", "balanced"), "tcp://h:8786")
    assert str(error.value) == f"{refusal}. The finished matches are saved."


# --- the progress bar --------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_at_once_and_no_pace_before_a_match_finishes():
    # Drawn at the first finished match only, a Dask run connecting (or waiting for its
    # workers) showed a blank terminal, and "0.0/s" reads like a hang.
    stream = Terminal()
    bar = Progress(24, stream=stream, done=6)
    assert "6/24 matches" in stream.getvalue() and "/s" not in stream.getvalue()
    bar.advance()
    assert "7/24 matches" in bar.line() and "/s" in bar.line()
    quiet = io.StringIO()
    Progress(24, stream=quiet)
    assert quiet.getvalue() == ""


def test_workers_that_all_left_mid_run_are_told_apart_from_none_at_all():
    # A worker without the game (or another version) drops out at its first match; with none
    # left the run waited forever, and "no worker is connected" would send a teacher looking
    # for a worker that is in fact running: its log says why it left.
    never = str(executors._no_workers("tcp://h:8786", seen=False))
    left = str(executors._no_workers("tcp://h:8786", seen=True))
    assert never.startswith("no Dask worker is connected to the scheduler at tcp://h:8786")
    assert left.startswith("every Dask worker left the scheduler at tcp://h:8786")
    assert "a worker's log says why" in left and "rerun the same command to resume" in left


def test_matches_in_threads_of_one_worker_all_know_the_built_in_bots(
    monkeypatch: pytest.MonkeyPatch,
):
    # `dask worker` runs a match in each of its threads (one per core by default). The rivals
    # register on first use, and a thread that came while another was registering them found
    # no 'hoarder': "unknown bot 'hoarder'" stopped the whole tournament.
    import threading
    import time

    from game.agents import registry, rivals

    real = rivals.rival_specs

    def slow_rival_specs() -> dict:
        time.sleep(0.3)  # the first thread is still registering when the second one asks
        return real()

    monkeypatch.setattr(rivals, "rival_specs", slow_rival_specs)
    monkeypatch.setattr(registry, "_rivals_loaded", False)
    monkeypatch.setattr(registry, "BUILTIN", dict(list(registry.BUILTIN.items())[:3]))
    errors: list[BaseException] = []

    def play() -> None:
        try:
            executors.play_match(task("hoarder", "balanced"))
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=play) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert errors == []


def test_matches_finished_beside_a_failed_one_are_saved(monkeypatch: pytest.MonkeyPatch):
    # Three matches finish at once, the first of them failed on its worker: the other two were
    # thrown away with it (played again on the rerun) instead of being saved.
    dask = pytest.importorskip("dask.distributed")
    tasks = [task("balanced", "hoarder"), task("hoarder", "balanced"), task("idle", "random")]

    class Future:
        def __init__(self, match: MatchTask):
            self.match = match

        def result(self) -> dict[str, object]:
            if self.match is tasks[0]:
                raise WorkerMismatch("Dask worker tcp://w:1 (lab-3) has no file /x/a.py")
            return {"match_id": self.match.id}

        def release(self) -> None:
            pass

    class Client:
        def __init__(self, *args: object, **kwargs: object):
            pass

        def nthreads(self) -> dict[str, int]:
            return {"tcp://w:1": 1}

        def submit(self, function: object, match: MatchTask, *args: object, **kw: object):
            return Future(match)

        def cancel(self, futures: object) -> None:
            pass

        def close(self, timeout: object = None) -> None:
            pass

    class Done:
        def __init__(self, futures: list[Future]):
            self.done = sorted(futures, key=lambda f: tasks.index(f.match))

    monkeypatch.setattr(dask, "Client", Client)
    monkeypatch.setattr(dask, "wait", lambda futures, **kw: Done(futures))
    saved = []
    with pytest.raises(ExecutorError, match=r"has no file /x/a\.py"):
        for record in executors.run_dask(tasks, None, "dask://h:8786"):
            saved.append(record["match_id"])
    assert saved == [tasks[1].id, tasks[2].id]
