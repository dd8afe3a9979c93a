"""Slips a teacher makes in a lesson file, and messages that say what to write instead. Each
case breaks a copy of the tutorial and reads what ``capwars content check`` prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.rules.paths import resolve_content_dir


def lesson(tmp_path: Path, old: str, new: str) -> Path:
    """The tutorial as a lesson file of one scripted event, with ``old`` written as ``new``."""
    text = (resolve_content_dir(None) / "scenarios" / "tutorial.toml").read_text("utf-8")
    text = text.replace('id = "tutorial"', 'id = "my-lesson"')
    text = text.replace('[[scripted_events]]\nturn = 5\nevent = "stratus_outage"\n', "")
    assert old in text
    path = tmp_path / "my_lesson.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def check(path: Path, capsys) -> list[str]:
    assert main(["content", "check", str(path)]) == 1
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Before: "scripted_events: Input should be a valid tuple".
        (
            "[[scripted_events]]\nturn = 3",
            "[scripted_events]\nturn = 3",
            "scripted_events: [scripted_events] with one pair of brackets is a single table;"
            " scripted_events is a list of tables: write its header with two,"
            " [[scripted_events]], and repeat that header above each one",
        ),
        # Before: "scripted_events[0].turn: Input should be a valid integer".
        (
            "turn = 3\nevent",
            "turn = [3]\nevent",
            "scripted_events[0].turn: must be a whole number, not a list: write turn = 3,"
            " without the [ ]",
        ),
        # Not "write turn = 3.5" (refused in turn: a whole number) nor "write turn = 3.0".
        (
            "turn = 3\nevent",
            "turn = [3.5]\nevent",
            "scripted_events[0].turn: must be a whole number, not a list in [ ]",
        ),
        (
            "turn = 3\nevent",
            "turn = [3.0]\nevent",
            "scripted_events[0].turn: must be a whole number, not a list: write turn = 3,"
            " without the [ ]",
        ),
        # Before: "market: Input should be a valid dictionary or instance of Market".
        (
            "[market]",
            "[[market]]",
            "market: [[market]] with two pairs of brackets makes a list of tables; market is a"
            " single table: write its header with one pair, [market], once",
        ),
    ],
)
def test_a_list_where_it_does_not_belong_says_what_to_write(
    tmp_path: Path, capsys, old: str, new: str, expected: str
) -> None:
    path = lesson(tmp_path, old, new)
    lines = check(path, capsys)
    line = path.read_text().splitlines().index(new.splitlines()[0]) + 1
    assert lines[0] == f"{path}:{line}: {expected}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '"yes"',
            "must be true or false, in lower case and without quotes: write catch_up ="
            ' true, not catch_up = "yes"',
        ),
        (
            '"off"',
            "must be true or false, in lower case and without quotes: write catch_up ="
            ' false, not catch_up = "off"',
        ),
        ("1", "must be true or false: write catch_up = true, not catch_up = 1"),
        (
            '"maybe"',
            "must be true or false, in lower case and without quotes (got 'maybe'):"
            " write catch_up = true to switch it on, catch_up = false to switch it off",
        ),
    ],
)
def test_a_switch_in_quotes_or_as_a_number_is_refused_like_a_number_in_quotes(
    tmp_path: Path, capsys, value: str, expected: str
) -> None:
    """Before, ``catch_up = "yes"`` (and ``"off"``, ``1``) passed the check silently (pydantic
    reads them as switches), where ``quarters = "12"`` is refused and the guide's own example,
    ``catch_up = "maybe"``, too: a teacher could not tell which quoted words the game takes."""
    path = lesson(tmp_path, "quarters = 8\n", f"quarters = 8\ncatch_up = {value}\n")
    lines = check(path, capsys)
    line = path.read_text().splitlines().index(f"catch_up = {value}") + 1
    assert lines[0] == f"{path}:{line}: catch_up: {expected}"


def test_a_rival_of_another_industry_is_noted_with_the_rivals_that_fit(
    tmp_path: Path, capsys
) -> None:
    """Before, a hospital seat given the bank rival 'ledgerline' passed without a word, and the
    class read "Ledgerline Bank" in the standings for a company that ran a hospital network."""
    path = lesson(tmp_path, 'industry = "manufacturer"\n', 'industry = "hospital"\n')
    assert main(["content", "check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    line = path.read_text().splitlines().index('rival = "forgeline"') + 1
    assert lines[1] == (
        f"{path}:{line}: seats[1].rival: note: seat 2 (Hospital network) has the rival"
        " 'forgeline' (Forgeline Robotics), a rival of another industry (Manufacturer): the"
        " game keeps the seat's industry (its cash, credit and customers) and plays it under"
        " the rival's company name, so the class reads 'Forgeline Robotics' for a hospital"
        " network. To fix it, give the seat a rival of its industry ('st-aurelia' or"
        " 'halden-health'), or write industry = \"manufacturer\" for the seat"
    )


def test_a_rival_of_another_industry_where_none_fits_says_one_whole_fix(
    tmp_path: Path, capsys
) -> None:
    """In a world with an industry no rival belongs to, the note ended "To fix it, or write
    industry = ...": the first of its two fixes left out, and its "or" left in."""
    world = tmp_path / "mycontent"
    shutil.copytree(resolve_content_dir(None), world)
    industries = world / "industries.toml"
    text = industries.read_text("utf-8")
    bank = text[text.index('[[industries]]\nid = "bank"') :]
    bank = bank[: bank.index("[[industries]]", 1)]
    school = bank.replace('id = "bank"', 'id = "school"', 1)
    school = re.sub(r'^name = ".*"$', 'name = "School"', school, count=1, flags=re.MULTILINE)
    industries.write_text(text + "\n" + school, encoding="utf-8")
    scenario = (world / "scenarios" / "tutorial.toml").read_text("utf-8")
    scenario = scenario.replace('id = "tutorial"', 'id = "school-year"')
    scenario = scenario.replace('industry = "manufacturer"', 'industry = "school"')
    (world / "scenarios" / "school_year.toml").write_text(scenario, encoding="utf-8")
    assert main(["content", "check", str(world)]) == 0
    out = capsys.readouterr().out
    assert (
        "so the class reads 'Forgeline Robotics' for a school. To fix it, write industry ="
        ' "manufacturer" for the seat\n'
    ) in out, out
