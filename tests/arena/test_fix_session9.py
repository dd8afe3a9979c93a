"""Session 9 fixes for tournaments played with ``--content DIR``.

``capwars tournament leaderboard OUT`` run later, without ``--content``, printed 'again'
commands without it: they played the game's own content, so another match than the one that
failed (or none: 'unknown scenario'). The folder's ``tournament.json`` now records the content
folder, and the leaderboard puts it into its commands.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from game.arena.results import read_results
from game.arena.tournament import DESIGN_NAME
from game.cli import main as capwars

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def played(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A tutorial tournament of a failing bot and idle, played with a content folder whose
    name has a space and whose tutorial differs from the game's own (a bigger market)."""
    world = tmp_path / "my content"
    shutil.copytree(ROOT / "content", world)
    lesson = world / "scenarios" / "tutorial.toml"
    text = lesson.read_text(encoding="utf-8")
    assert "demand = 20.0" in text
    lesson.write_text(text.replace("demand = 20.0", "demand = 26.0", 1), encoding="utf-8")
    bot = tmp_path / "raiser.py"
    bot.write_text(
        "from game.agents import Bot\n\n\nclass Raiser(Bot):\n"
        "    def act(self, observation):\n        raise KeyError('cash')\n"
    )
    out = tmp_path / "t"
    args = ["tournament", "run", str(bot), "idle", "--scenario", "tutorial", "--out", str(out)]
    assert capwars(["--content", str(world), *args, "-q"]) == 0
    capsys.readouterr()
    return world, out


def _again(text: str) -> list[str]:
    line = next(x for x in text.splitlines() if "again: capwars" in x)
    return shlex.split(line.split("again: ", 1)[1])


def test_a_later_leaderboard_carries_the_tournaments_content_folder(
    played: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    world, out = played
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    captured = capsys.readouterr()
    assert "note:" not in captured.err
    line = next(x for x in captured.out.splitlines() if "again: capwars" in x)
    assert f"--content {shlex.quote(str(world))}" in line  # quoted: the name has a space
    argv = _again(captured.out)
    assert argv[argv.index("--content") + 1] == str(world)
    # The command plays the failed match again, bit for bit.
    argv[-1] = str(tmp_path / "again.jsonl")
    bots = [argv[i + 1] for i, word in enumerate(argv) if word == "--bot"]
    [failed] = [r for r in read_results(out) if r["bots"] == bots]
    assert capwars(argv[1:]) == 0
    assert f"final hash {failed['final_hash']}" in capsys.readouterr().out


def test_a_leaderboard_given_content_uses_it(
    played: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The folder moved: --content names where it is now, and the commands carry that."""
    world, out = played
    moved = tmp_path / "moved"
    world.rename(moved)
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"--content {shlex.quote(str(world))}" in captured.out
    assert "which is not there now" in captured.err and "--content DIR" in captured.err
    assert capwars(["tournament", "leaderboard", str(out), "--content", str(moved)]) == 0
    captured = capsys.readouterr()
    argv = _again(captured.out)
    assert argv[argv.index("--content") + 1] == str(moved)
    assert "note:" not in captured.err


def test_an_older_folder_without_the_content_folder_says_the_commands_need_it(
    played: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
):
    """A tournament.json from before the content folder was recorded: the leaderboard cannot
    know it, and says so when the matches were played with other content than the game's."""
    _, out = played
    design = json.loads((out / DESIGN_NAME).read_text(encoding="utf-8"))
    del design["content_dir"]
    (out / DESIGN_NAME).write_text(json.dumps(design), encoding="utf-8")
    assert capwars(["tournament", "leaderboard", str(out)]) == 0
    captured = capsys.readouterr()
    assert "--content" not in _again(captured.out)
    assert "played with other content than the game's own" in captured.err
    assert "run this command with --content DIR" in captured.err


def test_resuming_without_the_content_folder_names_it(
    played: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    world, out = played
    bot = tmp_path / "raiser.py"
    args = ["tournament", "run", str(bot), "idle", "--scenario", "tutorial", "--out", str(out)]
    assert capwars([*args, "-q"]) == 2
    err = capsys.readouterr().err
    assert f"content: --content {shlex.quote(str(world))} there, the game's own content now" in err
