"""External bots end to end: the starter bots through ``capwars match --bot cmd:...``, and the
same Python bot in-process and as a subprocess giving the same replay hashes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.agents.registry import BotSpecError, make_bot
from game.arena.host import ExternalBot, resolve_command
from game.arena.match import run_match
from game.arena.replay import ReplayWriter, read_replay

ROOT = Path(__file__).resolve().parents[2]


def capwars_match(*bots: str, replay: Path | None = None) -> dict:
    args = [sys.executable, "-m", "game.cli", "match", "--scenario", "tutorial", "--seed", "2"]
    for bot in bots:
        args += ["--bot", bot]
    if replay is not None:
        args += ["--replay", str(replay)]
    proc = subprocess.run(
        [*args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_python_starter_bot_plays_through_capwars_match(tmp_path):
    result = capwars_match(
        "cmd:python examples/python_bot.py", "balanced", replay=tmp_path / "r.jsonl"
    )
    me = next(p for p in result["players"] if p["seat"] == 0)
    assert me["bot_status"] == "ok" and me["status"] == "active"
    replay = read_replay(tmp_path / "r.jsonl")
    assert any(q.applied[0] for q in replay.quarters), "the starter bot should act"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed on this machine")
def test_js_starter_bot_plays_through_capwars_match(tmp_path):
    result = capwars_match("cmd:node examples/js_bot.js", "balanced", replay=tmp_path / "r.jsonl")
    me = next(p for p in result["players"] if p["seat"] == 0)
    assert me["bot_status"] == "ok" and me["status"] == "active"
    replay = read_replay(tmp_path / "r.jsonl")
    assert any(q.applied[0] for q in replay.quarters), "the starter bot should act"
    kinds = {a["type"] for q in replay.quarters for a in q.applied[0]}
    assert kinds & {"reserve", "bid_spot"}


def hashes(bots: list, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    run_match(scenario="standard", seed=9, bots=bots, recorders=[ReplayWriter(path)])
    return [q.hash for q in read_replay(path).quarters]


def test_same_bot_in_process_and_as_subprocess_gives_the_same_hashes(tmp_path):
    local = hashes(["examples/python_bot.py", "balanced"], tmp_path, "local.jsonl")
    remote = hashes(["cmd:python examples/python_bot.py", "balanced"], tmp_path, "remote.jsonl")
    assert local == remote
    # A built-in bot hosted through the SDK, too.
    hosted = hashes(["balanced", "cmd:python -m game.sdk balanced"], tmp_path, "hosted.jsonl")
    assert hosted == hashes(["balanced", "balanced"], tmp_path, "plain.jsonl")


def test_cmd_spec_errors_are_bot_spec_errors():
    with pytest.raises(BotSpecError, match="empty bot command"):
        make_bot("cmd:")
    with pytest.raises(BotSpecError, match="cannot parse"):
        make_bot("cmd:python 'unclosed")
    assert isinstance(make_bot("cmd:python examples/python_bot.py"), ExternalBot)


def test_cmd_paths_resolve_against_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "mybot.py").write_text("")
    monkeypatch.chdir(tmp_path)
    mine = str(tmp_path / "mybot.py")
    assert resolve_command(["python3", "mybot.py"], tmp_path) == ["python3", mine]
    # The SDK's FILE:CLASS form is resolved on its file part.
    assert resolve_command(["python3", "-m", "game.sdk", "mybot.py:MyBot"], tmp_path) == [
        "python3",
        "-m",
        "game.sdk",
        f"{mine}:MyBot",
    ]
    assert resolve_command(["node", "-e", "1+1"], tmp_path) == ["node", "-e", "1+1"]
    # A missing script is a spec error naming the folder, not a crash in the bot's own folder.
    with pytest.raises(BotSpecError, match=r"bot file not found: nothere\.py .*looked up in"):
        make_bot("cmd:python3 nothere.py")
    with pytest.raises(BotSpecError, match=r"bot file not found: typo\.py"):
        make_bot("cmd:python3 -m game.sdk typo.py:MyBot")


def test_missing_program_is_an_error_seat(tmp_path):
    bot = ExternalBot(["/nonexistent/bot-program"])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.seats[0].status == "error"
    assert "cannot run" in outcome.seats[0].stderr_tail
    assert outcome.state.turn == 8
