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
import shlex
import shutil
from pathlib import Path

import pytest

from game.arena.options import limit_options
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
