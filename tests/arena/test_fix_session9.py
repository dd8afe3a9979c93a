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


# ---------------------------------------------------------------------------------------------
# Hosted rivals: hello.rules.rival carries the seat's named rival, as run_match gives it
# in-process (SetupInfo.rules["rival"]), so a rival finds its personality when the seat has
# another name than its rival company.


def _renamed_tutorial(tmp_path: Path) -> Path:
    """The tutorial with its rival seat (Forgeline Robotics, a spot trader) named otherwise."""
    text = (ROOT / "content" / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    seat = 'industry = "manufacturer"\nrival = "forgeline"\n'
    assert seat in text
    lesson = tmp_path / "renamed.toml"
    lesson.write_text(
        text.replace(seat, seat + 'name = "Gearworks Ltd"\n', 1).replace(
            'id = "tutorial"', 'id = "renamed"', 1
        ),
        encoding="utf-8",
    )
    return lesson


def test_hello_carries_the_rival_of_a_seat_whose_name_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import sys

    from game.arena.protocol import Hello

    lesson = _renamed_tutorial(tmp_path)
    monkeypatch.chdir(tmp_path)
    hosted = f"cmd:{sys.executable} -m game.sdk idle"
    args = ["match", "--scenario", str(lesson), "--seed", "1", "--bot", hosted, "--bot", hosted]
    assert capwars([*args, "--transcript", "t.txt"]) == 0
    capsys.readouterr()
    hellos = {}
    for line in (tmp_path / "t.txt").read_text(encoding="utf-8").splitlines():
        if line[1:3] == "> " and '"type":"hello"' in line:
            hellos[int(line[0])] = json.loads(line[3:])
    assert hellos[1]["players"][1] == "Gearworks Ltd"  # the seat's own name, not its rival's
    rival = hellos[1]["rules"]["rival"]
    assert rival == {
        "name": "Forgeline Robotics",
        "archetype": "spot_trader",
        "risk_appetite": 0.6,
        "patience": 0.4,
    }
    assert "rival" not in hellos[0]["rules"]  # the first seat has no named rival
    # The published schema reads it (a bot validating hello with it sees the field).
    assert Hello.model_validate(hellos[1]).rules.rival is not None


def _hashes(bots: list[str], names: list[str], path: Path) -> list[str]:
    from game.arena.match import run_match
    from game.arena.replay import ReplayWriter, read_replay

    run_match(scenario="standard", seed=9, bots=bots, names=names, recorders=[ReplayWriter(path)])
    return [q.hash for q in read_replay(path).quarters]


def test_a_hosted_rival_plays_its_personality_when_its_seat_has_another_name(tmp_path: Path):
    """Standard's second seat is Northwind Motors, a builder with patience 0.9: named
    'Gearworks Ltd', the hosted builder looked its personality up by that name, found none and
    played the neutral one, so its match differed from the same bot in-process."""
    import sys

    names = ["Bank 1", "Gearworks Ltd", "Civic Digital Service", "Promptly AI"]
    hosted = f"cmd:{sys.executable} -m game.sdk builder:normal"
    local = _hashes(["idle", "builder:normal", "idle", "idle"], names, tmp_path / "local.jsonl")
    remote = _hashes(["idle", hosted, "idle", "idle"], names, tmp_path / "remote.jsonl")
    assert local == remote
