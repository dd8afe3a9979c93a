"""A save re-simulated with a lesson file edited after the game: the message says so, and the
commands exit 1 (the save does not verify), as the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.arena.match import run_match
from game.arena.replay import ReplayWriter
from game.cli import main
from game.rules.loader import load_content, resolve_scenario

LESSON = """\
id = "edited-lesson"
name = "Edited lesson"
summary = "Two seats, two quarters."
quarters = 2

[[seats]]
industry = "bank"

[[seats]]
industry = "startup"

[market]
demand = 20.0
demand_growth = 0.05

[[lessons]]
turn = 0
title = "Start"
text = "Check the grid wait before you build."
"""


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A save of the lesson, and the lesson file with its market changed afterwards."""
    folder = tmp_path_factory.mktemp("lesson")
    lesson = folder / "lesson.toml"
    lesson.write_text(LESSON, encoding="utf-8")
    content, scenario = resolve_scenario(load_content(), str(lesson))
    save = folder / "save.jsonl"
    run_match(content, scenario, 3, recorders=[ReplayWriter(save, labels=["human", "balanced"])])
    edited = folder / "edited.toml"  # a change the simulation reads: the market's demand
    edited.write_text(LESSON.replace("demand = 20.0", "demand = 21.0"), encoding="utf-8")
    return save, edited


@pytest.mark.parametrize(
    "command", [["report", "--out", "debrief"], ["class", "export", "--out", "r.json"]]
)
def test_an_edited_lesson_file_is_named_as_the_cause(
    played: tuple[Path, Path],
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save, edited = played
    args = [*command[:-2], str(save), command[-2], str(tmp_path / command[-1])]
    assert main([*args, "--scenario", str(edited)]) == 1
    err = capsys.readouterr().err
    assert "the scenario file or the content differs from the one this game was played with" in err
    assert "(was the lesson file's market, seats or events edited after the game" in err
    assert "run with --content pointing to" not in err
    # With the lesson as it was, it works.
    assert main([*args, "--scenario", str(save.parent / "lesson.toml")]) == 0


@pytest.mark.parametrize(
    "command", [["report", "--out", "debrief"], ["class", "export", "--out", "r.json"]]
)
def test_lesson_notes_can_be_reworded_after_the_game(
    played: tuple[Path, Path], command: list[str], tmp_path: Path
) -> None:
    # Only words people read changed (a lesson note, the summary): the simulation reads none
    # of them, so the save still re-simulates under the lesson file as it is now.
    save, _ = played
    reworded = tmp_path / "reworded.toml"
    reworded.write_text(
        LESSON.replace("you build.", "you build!").replace("two quarters", "2 quarters"),
        encoding="utf-8",
    )
    args = [*command[:-2], str(save), command[-2], str(tmp_path / command[-1])]
    assert main([*args, "--scenario", str(reworded)]) == 0


def test_a_save_that_does_not_re_simulate_exits_1(
    played: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save, _ = played
    lines = save.read_text().splitlines()
    lines[1] = lines[1].replace('"hash":"', '"hash":"0', 1)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    lesson = str(save.parent / "lesson.toml")
    out = str(tmp_path / "r.json")
    assert main(["class", "export", str(broken), "--scenario", lesson, "--out", out]) == 1
    assert "does not re-simulate" in capsys.readouterr().err
    # A file that cannot be read is another matter: exit 2.
    (tmp_path / "cut.jsonl").write_text(lines[0][:40])
    cut = str(tmp_path / "cut.jsonl")
    assert main(["class", "export", cut, "--scenario", lesson, "--out", out]) == 2
