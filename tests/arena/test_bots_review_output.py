"""stdout of `capwars validate --json` and `capwars tournament run` carries only their own
output: what an in-process bot prints goes to stderr (bots review)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.arena.tournament import main

CHATTY = """
import sys

from game.agents import Bot

print("chatty: imported")


class Chatty(Bot):
    def setup(self, info):
        print("chatty: setup", info.seat)

    def act(self, observation):
        print("chatty: turn", observation.turn)
        return []

    def on_end(self, result):
        print("chatty: rank", result.rank)
"""


def chatty(tmp_path: Path) -> str:
    path = tmp_path / "chatty.py"
    path.write_text(CHATTY)
    return str(path)


def test_validate_json_stays_json_when_the_bot_prints(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    assert main(["validate", chatty(tmp_path), "--json"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["passed"] is True  # was: "chatty: setup 0" lines, then the JSON
    assert "chatty: turn 7" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_leaderboard_is_all_a_tournament_prints_on_stdout(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], jobs: str
):
    # jobs 2: the pool's worker processes print through the file descriptor they inherit.
    args = ["tournament", "run", chatty(tmp_path), "idle", "--scenario", "tutorial"]
    assert main([*args, "--jobs", jobs, "--out", str(tmp_path / "t"), "--quiet"]) == 0
    out, err = capfd.readouterr()
    assert "chatty:" not in out
    assert out.startswith("2 matches\n")
    assert "chatty: rank" in err
    print("after")  # stdout is stdout again once the tournament is over
    assert capfd.readouterr().out == "after\n"


WRITES_TO_FD_1 = """
import os
import subprocess
import sys

from game.agents import Bot


class Loud(Bot):
    def act(self, observation):
        if observation.turn == 0:
            os.write(1, b"loud: raw\\n")  # as a C library or a child process writes
            subprocess.run([sys.executable, "-c", "print('loud: child')"], check=True)
        return []
"""


def test_match_json_stays_json_when_the_bot_writes_to_file_descriptor_1(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    # `capwars match --json` moved only sys.stdout: a child process's output came first on
    # stdout, and `| jq` failed, where validate and tournament run kept it on stderr.
    from game.cli import main as capwars

    path = tmp_path / "loud.py"
    path.write_text(WRITES_TO_FD_1)
    assert capwars(["match", "--scenario", "tutorial", "--bot", str(path), "--json"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["scenario"] == "tutorial"
    assert "loud: raw" in err and "loud: child" in err
