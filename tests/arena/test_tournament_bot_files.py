"""A tournament hashes the files a bot spec runs, as the bot host and the registry read the spec:
the file of a ``cmd:`` bot's SDK ``FILE:CLASS`` argument counts too, so editing it is noticed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from game.arena.tournament import bot_files, main

BOT = """
from game.agents import Bot
from game.sdk import run


class Holder(Bot):
    def act(self, observation):
        return []


if __name__ == "__main__":
    run(Holder)
"""


def test_bot_files_follow_the_host_s_reading_of_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "a.py").write_text(BOT)
    (tmp_path / "bots" / "b.js").write_text("")
    (tmp_path / "python").write_text("")  # the program is looked up on PATH, not this file
    assert set(bot_files("cmd:python -m game.sdk bots/a.py:Holder")) == {"bots/a.py"}
    assert set(bot_files(" cmd: node bots/b.js --fast")) == {"bots/b.js"}
    assert set(bot_files("bots/a.py:Holder")) == {"bots/a.py"}
    assert bot_files("balanced") == bot_files("hoarder:hard") == {}
    assert bot_files("cmd:python 'unclosed") == {}


def test_editing_the_file_of_an_sdk_class_spec_is_noticed_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BOT)
    spec = f"cmd:{sys.executable} -m game.sdk a.py:Holder"
    args = ["tournament", "run", spec, "idle", "--scenario", "tutorial", "-q", "--jobs", "1"]
    assert main(args) == 0
    (tmp_path / "a.py").write_text(BOT + "\n# improved\n")
    capsys.readouterr()
    assert main(args) == 2
    assert f"a.py (bot {spec}) has changed since its matches were played" in (
        capsys.readouterr().err
    )
