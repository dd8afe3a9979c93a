"""A match's ``--bot-read`` folders travel with the match, down to its bots' sandbox.

A Dask worker plays several matches at once in threads, possibly of different tournaments: the
folders used to be added to the worker's environment (``CAPWARS_BOT_READ``) for the duration of
each match, so a bot started while another tournament's match was in play could read that
tournament's folders too (and a folder could be taken out from under a match still playing).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from game.arena import landlock
from game.arena.executors import play_match
from game.arena.host import BOT_READ_ENV
from game.arena.schedule import MatchTask

needs_landlock = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="Landlock is not available on this kernel"
)

BOT = """\
import sys, time

mine, other = (arg.removeprefix("file=") for arg in sys.argv[1:3])


def readable(path):
    try:
        with open(path) as f:
            f.read()
    except OSError:
        return False
    return True


if not readable(mine):
    sys.exit(f"cannot read my own tournament's {mine}")
if readable(other):
    sys.exit(f"read another tournament's {other}")
time.sleep(1.0)  # still starting while the other match starts its bot

from game.sdk import run


class Idle:
    def act(self, observation):
        return []


run(Idle)
"""


@needs_landlock
def test_two_matches_in_threads_give_their_bots_only_their_own_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(BOT_READ_ENV, raising=False)
    bot = tmp_path / "bots" / "bot.py"
    bot.parent.mkdir()
    bot.write_text(BOT)
    files = {}
    for name in ("a", "b"):
        folder = tmp_path / f"data-{name}"
        folder.mkdir()
        files[name] = folder / "table.csv"
        files[name].write_text("1,2\n")
    records: dict[str, dict[str, Any]] = {}
    environments: list[str | None] = []

    def play(name: str, other: str) -> None:
        # Not paths in the command, whose folders the bot would be let read.
        spec = f"cmd:{sys.executable} {bot} file={files[name]} file={files[other]}"
        task = MatchTask(scenario="tutorial", seed=1, bots=(spec, "idle"))
        records[name] = play_match(task, bot_read=[str(files[name].parent)])

    first = threading.Thread(target=play, args=("a", "b"))
    second = threading.Thread(target=play, args=("b", "a"))
    first.start()
    time.sleep(0.3)  # the first match's bot is starting (it sleeps a second before `ready`)
    environments.append(os.environ.get(BOT_READ_ENV))
    second.start()
    first.join(60)
    second.join(60)
    assert set(records) == {"a", "b"}
    for name, record in records.items():
        assert record["bot_statuses"] == ["ok", "ok"], (name, record["failures"])
    assert environments == [None]  # nothing of a match in the process's environment


def test_a_match_s_folders_reach_its_cmd_bots_as_an_argument(tmp_path: Path):
    from game.arena.executors import seat_bots
    from game.arena.host import ExternalBot

    bot = tmp_path / "bot.py"
    bot.write_text("")
    bots = seat_bots([f"cmd:{sys.executable} {bot}", "idle"], None, [str(tmp_path)])
    assert isinstance(bots[0], ExternalBot) and bots[0].read == [str(tmp_path)]
    assert not isinstance(bots[1], ExternalBot)
