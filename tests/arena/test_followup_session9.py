"""Follow-ups to the sandbox's read confinement (``--bot-read``) and to ``--content``.

- ``--bot-read`` is one of the shared options of the commands that run ``cmd:`` bots
  (:func:`game.arena.options.limit_options`), like the limits;
- a tournament records its ``--bot-read`` folders: its 'again' commands carry them and a resume
  gives the bots the same folders;
- ``cmd:sh -c 'python3 /x/bot.py'`` is not refused as a missing bot file;
- rivals read the published facts (research effects, market figures) of the match's content.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from game.arena import landlock
from game.arena.options import limit_options
from game.arena.results import read_results
from game.arena.tournament import DESIGN_NAME, TournamentConfig, run_tournament
from game.cli import main as capwars


def test_bot_read_is_one_of_the_shared_options_of_the_commands_running_cmd_bots():
    parser = argparse.ArgumentParser()
    limit_options(parser)
    args = parser.parse_args(["--bot-read", "a", "--bot-read", "b c", "--memory-mb", "9"])
    assert args.bot_read == ["a", "b c"] and args.memory_mb == "9"
    assert "--bot-read" in parser.format_help()


# ---------------------------------------------------------------------------------------------
# cmd:sh -c 'python3 /x/bot.py': the script text ends in .py, and is no bot file path


def _idle_sdk_bot(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    bot = folder / "bot.py"
    bot.write_text(
        "from game.sdk import run\n\n\nclass Idle:\n    def act(self, observation):\n"
        "        return []\n\n\nrun(Idle)\n"
    )
    return bot


@pytest.mark.skipif(not shutil.which("python3"), reason="needs python3 on PATH")
def test_a_sh_c_bot_whose_script_ends_in_py_plays_and_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    bot = _idle_sdk_bot(tmp_path / "alice")
    spec = f"cmd:sh -c {shlex.quote(f'python3 {bot}')}"  # the text ends in .py
    assert capwars(["match", "--scenario", "tutorial", "--bot", spec]) == 0
    out = capsys.readouterr().out
    assert "bot failures" not in out and "active" in out
    assert capwars(["validate", spec, "--scenario", "tutorial"]) == 0
    assert "result: PASS" in capsys.readouterr().out


def test_a_missing_bot_file_is_still_refused_and_script_text_is_not(tmp_path: Path):
    from game.agents.registry import BotSpecError
    from game.arena.executors import _worker_spec
    from game.arena.host import resolve_command

    with pytest.raises(BotSpecError, match=r"bot file not found: nope\.py"):
        resolve_command(["python3", "nope.py"], tmp_path)
    text = "python3 /x/bot.py"
    assert resolve_command(["sh", "-c", text], tmp_path) == ["sh", "-c", text]
    # A Dask worker checks a seat's files the same way.
    assert _worker_spec(f"cmd:sh -c {shlex.quote(text)}", tmp_path, "w") == (
        f"cmd:sh -c {shlex.quote(text)}"
    )


# ---------------------------------------------------------------------------------------------
# A tournament's --bot-read: recorded, carried into its 'again' commands, kept on a resume and
# sent to Dask workers

needs_landlock = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="Landlock is not available on this kernel"
)


@pytest.fixture
def reader(tmp_path: Path) -> tuple[str, Path]:
    """A cmd: bot that reads ``data dir/table.csv`` every turn, then fails on purpose (so the
    leaderboard prints an 'again' command): 'read fine' when it could read the file, a
    PermissionError when the sandbox kept it out."""
    data = tmp_path / "data dir"
    data.mkdir()
    (data / "table.csv").write_text("1,2\n")
    bots = tmp_path / "bots"
    bots.mkdir()
    (bots / "reader.py").write_text(
        "from game.sdk import run\n\n\nclass Reader:\n    def act(self, observation):\n"
        f"        open({str(data / 'table.csv')!r}).read()\n"
        "        raise KeyError('read fine')\n\n\nrun(Reader)\n"
    )
    return f"cmd:{sys.executable} {bots / 'reader.py'}", data


def _errors(out: Path) -> list[str]:
    return [f["error"] for r in read_results(out) for f in r.get("failures", [])]


def _again(text: str) -> list[str]:
    line = next(x for x in text.splitlines() if "again: capwars" in x)
    return shlex.split(line.split("again: ", 1)[1])


def test_a_tournament_records_its_bot_read_folders_for_its_again_commands(
    reader: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec, data = reader
    out = tmp_path / "t"
    args = ["tournament", "run", spec, "idle", "--scenario", "tutorial", "--out", str(out)]
    assert capwars([*args, "-q", "--bot-read", str(data)]) == 0
    argv = _again(capsys.readouterr().out)
    assert argv[argv.index("--bot-read") + 1] == str(data)  # quoted: the name has a space
    assert json.loads((out / DESIGN_NAME).read_text())["bot_read"] == [str(data)]
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    argv = _again(capsys.readouterr().out)
    assert argv[argv.index("--bot-read") + 1] == str(data)


@needs_landlock
def test_a_resumed_tournament_s_bots_keep_their_bot_read_folders(
    reader: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec, data = reader
    out = tmp_path / "t"
    config = TournamentConfig(bots=(spec, "idle"), scenario="tutorial", seeds=2)
    run_tournament(config, out, bot_read=[str(data)], limit=1)  # then interrupted
    assert len(read_results(out)) == 1
    args = ["tournament", "run", spec, "idle", "--scenario", "tutorial", "--seeds", "2"]
    assert capwars([*args, "--out", str(out)]) == 0  # resumed without --bot-read
    captured = capsys.readouterr()
    assert f"resuming with the tournament's --bot-read {shlex.quote(str(data))}" in captured.err
    assert len(read_results(out)) == 4
    errors = _errors(out)
    assert errors and all("read fine" in e for e in errors), errors
    argv = _again(captured.out)
    assert argv[argv.index("--bot-read") + 1] == str(data)


def test_a_resume_given_bot_read_uses_it_and_a_recorded_folder_gone_is_named(
    reader: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec, data = reader
    out = tmp_path / "t"
    config = TournamentConfig(bots=(spec, "idle"), scenario="tutorial", seeds=2)
    run_tournament(config, out, bot_read=[str(data)], limit=1)
    moved = tmp_path / "moved"
    data.rename(moved)
    args = ["tournament", "run", spec, "idle", "--scenario", "tutorial", "--seeds", "2"]
    assert capwars([*args, "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"run with --bot-read {shlex.quote(str(data))}, which is not there now" in err
    assert "rerun with --bot-read naming where it is now" in err
    assert capwars([*args, "--out", str(out), "-q", "--bot-read", str(moved)]) == 0
    assert json.loads((out / DESIGN_NAME).read_text())["bot_read"] == [str(moved)]
    assert "resuming with" not in capsys.readouterr().err


def test_readable_folders_add_to_the_variable_and_restore_it(monkeypatch: pytest.MonkeyPatch):
    from game.arena.executors import readable_folders
    from game.arena.host import BOT_READ_ENV, extra_reads

    monkeypatch.setenv(BOT_READ_ENV, "/own")
    with readable_folders(["/a", "/own"]):
        with readable_folders(["/b"]):
            assert extra_reads() == ["/own", "/a", "/b"]
        assert extra_reads() == ["/own", "/a"]
    assert extra_reads() == ["/own"]
    monkeypatch.delenv(BOT_READ_ENV)
    with readable_folders(["/a"]):
        assert extra_reads() == ["/a"]
    assert BOT_READ_ENV not in os.environ


@needs_landlock
def test_dask_workers_give_their_bots_the_tournament_s_bot_read_folders(
    reader: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    distributed = pytest.importorskip("dask.distributed", reason="dask is not installed")
    from game.arena.host import BOT_READ_ENV

    spec, data = reader
    monkeypatch.delenv(BOT_READ_ENV, raising=False)  # neither here nor on the workers
    config = TournamentConfig(bots=(spec, "idle"), scenario="tutorial", seeds=1)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
    ) as cluster:
        executor = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
        run_tournament(config, tmp_path / "t", executor=executor, bot_read=[str(data)])
    errors = _errors(tmp_path / "t")
    assert errors and all("read fine" in e for e in errors), errors


def test_a_dask_worker_without_a_bot_read_folder_refuses(tmp_path: Path):
    from game.arena.executors import Origin, WorkerMismatch, code_fingerprint, play_remote_match
    from game.arena.schedule import MatchTask

    task = MatchTask(scenario="tutorial", seed=0, bots=("idle", "idle"))
    origin = Origin(str(tmp_path), code_fingerprint(), ())
    with pytest.raises(WorkerMismatch, match=r"has no .*nope \(--bot-read\): every worker"):
        play_remote_match(task, None, None, origin, (str(tmp_path / "nope"),))
