"""A teacher's own world: a copy of the game's content folder with an event and a lesson of its
own, checked and played as the guide says (``capwars content check DIR``, ``--content DIR``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.rules.paths import resolve_content_dir

LESSON = """\
id = "nordic-crunch"
name = "Nordic power crunch"
summary = "Twelve quarters, three seats: cheap Nordic power until the lines go down."
quarters = 12
providers = ["stratus", "nimbus", "nordhall"]
regions = ["eu-north", "us-central"]

[[seats]]
industry = "manufacturer"

[[seats]]
industry = "bank"
rival = "ledgerline"

[[seats]]
industry = "government"
rival = "civic-digital"

[market]
demand = 30.0
demand_growth = 0.06

[[scripted_events]]
turn = 6
event = "nordic_blackout"
"""

BLACKOUT = """
[[events]]
id = "nordic_blackout"
category = "provider"
title = "Nordic blackout"
headline = "Nordhall loses {pct}% of its capacity for {duration} quarters"
explain = "A storm takes down the lines into the Nordhall campus."
probability = 0.0
duration = 2
effects = [{ target = "provider.outage", select = "nordhall", op = "add", value = 0.4 }]
"""


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A copy of the game's content folder with the teacher's event and lesson in it."""
    root = tmp_path / "mycontent"
    shutil.copytree(resolve_content_dir(None), root)
    with (root / "events.toml").open("a", encoding="utf-8") as events:
        events.write(BLACKOUT)
    (root / "scenarios" / "nordic-crunch.toml").write_text(LESSON, encoding="utf-8")
    return root


def test_the_teachers_world_checks_clean(world: Path, capsys) -> None:
    assert main(["content", "check", str(world)]) == 0
    assert capsys.readouterr().out.startswith("content OK:")


def test_an_event_naming_an_unknown_provider_is_told_once_at_the_event(world: Path, capsys) -> None:
    """Before, the scenario that scripts the event was refused too, with "acts only on
    nordhalll, not in play in this scenario: ... add them to the scenario's providers": advice
    to add a provider that does not exist, for a typo already reported at the event."""
    events = world / "events.toml"
    typo = BLACKOUT.replace('select = "nordhall"', 'select = "nordhalll"')
    events.write_text(events.read_text().replace(BLACKOUT, typo))
    assert main(["content", "check", str(world)]) == 1
    out = capsys.readouterr().out
    assert "unknown provider 'nordhalll' (did you mean 'nordhall'?)" in out
    assert "acts only on" not in out
    assert "1 problem in" in out


@pytest.mark.parametrize("command", [["content", "check"], ["match", "--seed", "1", "--scenario"]])
def test_a_lesson_of_a_world_given_without_its_folder_names_the_folder(
    world: Path, command: list[str], capsys, monkeypatch
) -> None:
    """Before, ``capwars content check mycontent/scenarios/nordic-crunch.toml`` checked the
    lesson against the game's own content and said only "unknown event 'nordic_blackout' (did
    you mean 'nordic_drought'?)": a teacher following it would script the wrong shock."""
    monkeypatch.chdir(world.parent)
    assert main([*command, "mycontent/scenarios/nordic-crunch.toml"]) == 1
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "unknown event 'nordic_blackout'" in said
    assert (
        f"(checked against the game's own content folder {resolve_content_dir(None)}, but this"
        " file is in the content folder mycontent: check it with capwars content check"
        " mycontent, and give --content mycontent to every command that plays it)"
    ) in said
    assert main(["content", "check", "mycontent"]) == 0
    assert (
        main(["match", "--content", "mycontent", "--scenario", "nordic-crunch", "--seed", "1"]) == 0
    )


def test_a_folder_of_lesson_files_has_each_file_checked(tmp_path: Path, capsys) -> None:
    """Before, ``capwars content check lessons`` (the folder TEACHING.md puts lesson files in)
    read the folder as a world's content: 22 problems per lesson, from "unknown key 'id'
    (expected one of: industries, regions, ...)" to "no chips defined", none of them real."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    good = LESSON.replace('event = "nordic_blackout"', 'event = "nordic_drought"')
    (lessons / "power.toml").write_text(good, encoding="utf-8")
    typo = good.replace('event = "nordic_drought"', 'event = "nordic_drougth"')
    (lessons / "typo.toml").write_text(typo.replace("nordic-crunch", "typo"), encoding="utf-8")
    assert main(["content", "check", str(lessons)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"{lessons} holds 2 scenario files and no content of a world (a content folder has"
        " [[providers]], [[chips]], ...): checking each against the game's own content ("
    )
    assert "scenario OK: nordic-crunch (Nordic power crunch)" in out
    assert (
        f"{lessons / 'typo.toml'}:25: scripted_events[0].event: unknown event 'nordic_drougth'"
        " (did you mean 'nordic_drought'?)"
    ) in out
    assert "unknown key 'id'" not in out and "no chips defined" not in out
    assert out.endswith("1 of 2 scenario files with problems\n")
    (lessons / "typo.toml").unlink()
    assert main(["content", "check", str(lessons)]) == 0


def test_a_content_folder_is_still_checked_as_one(world: Path, capsys) -> None:
    assert main(["content", "check", str(world)]) == 0
    assert "no content of a world" not in capsys.readouterr().out


def test_a_folder_whose_only_lesson_has_a_toml_slip_is_still_checked_as_lessons(
    tmp_path: Path, capsys
) -> None:
    """A lesson TOML cannot read (a quote not closed) was not told to be one, so a folder of one
    such lesson was read as a world's content: six "no chips defined" problems above the slip."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    slip = LESSON.replace('name = "Nordic power crunch"', 'name = "Nordic power crunch')
    (lessons / "power.toml").write_text(slip, encoding="utf-8")
    assert main(["content", "check", str(lessons)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{lessons} holds 1 scenario file and no content of a world"), out
    assert f"{lessons / 'power.toml'}:2: invalid TOML" in out, out
    assert "no chips defined" not in out, out


def test_a_folder_of_lessons_with_a_content_folder_that_is_not_there_says_so_once(
    tmp_path: Path, capsys
) -> None:
    """As for one lesson file: before, each lesson of the folder printed the missing folder as
    its own problem, and the check went on as if against a content folder."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for name in ("one", "two"):
        (lessons / f"{name}.toml").write_text(LESSON.replace("nordic-crunch", name), "utf-8")
    missing = tmp_path / "mycontent"
    assert main(["content", "check", str(lessons), "--content", str(missing)]) == 2
    said = capsys.readouterr()
    assert said.err == f"capwars: error: no content folder at {missing}\n"
    assert said.out == ""
