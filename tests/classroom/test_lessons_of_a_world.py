"""A lesson written for a content folder of one's own (``--content DIR``): every classroom
command that is given its files without the folder says the folder is what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parents[2]

EVENT = """
[[events]]
id = "gas_supply_cut"
category = "price"
title = "Gas supply cut"
headline = "Gas pipeline cut: power up {pct}% for {duration} quarters"
explain = "A pipeline is shut; gas-fired power sets the price, so electricity costs jump."
probability = 0.0
duration = 2
effects = [{ target = "region.power_price", select = "*", op = "mul", value = 1.8 }]
"""

LESSON = """\
id = "gas-lesson"
name = "Gas lesson"
summary = "Three quarters and a gas cut."
quarters = 3
mechanics = ["spot", "reserved", "service_price", "events"]
providers = ["stratus", "nimbus"]

[[seats]]
industry = "bank"
name = "Red"

[[seats]]
industry = "startup"
rival = "loopwise"

[market]
demand = 20.0
demand_growth = 0.05

[[scripted_events]]
turn = 1
event = "gas_supply_cut"
"""


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> tuple[Path, Path, Path, Path]:
    """The world, the lesson file, a save of it and the team's result file."""
    root = tmp_path_factory.mktemp("world")
    world = root / "world"
    shutil.copytree(ROOT / "content", world)
    (world / "gas.toml").write_text(EVENT)
    lesson = root / "gas.toml"
    lesson.write_text(LESSON)
    save = root / "red.jsonl"
    common = ["--content", str(world), "--scenario", str(lesson)]
    assert main(["match", *common, "--seed", "1", "--replay", str(save)]) == 0
    result = root / "results" / "red.json"
    assert main(["class", "export", str(save), *common, "--seat", "0", "--out", str(result)]) == 0
    return world, lesson, save, result


def test_export_and_report_without_the_folder_say_it_is_missing(played, tmp_path, capsys) -> None:
    # Was only "gas.toml:21: scripted_events[0].event: unknown event 'gas_supply_cut'", as if
    # the lesson file were broken.
    _, lesson, save, _ = played
    capsys.readouterr()
    args = ["--scenario", str(lesson), "--seat", "0", "--out", str(tmp_path / "r.json")]
    assert main(["class", "export", str(save), *args]) == 1
    err = capsys.readouterr().err
    assert "unknown event 'gas_supply_cut'" in err
    assert "a scenario for a content folder of your own is checked with --content DIR" in err
    out = ["--out", str(tmp_path / "deb")]
    assert main(["report", str(save), "--scenario", str(lesson), *out]) == 1
    assert "with --content DIR" in capsys.readouterr().err


def test_the_debrief_of_a_result_file_without_the_folder_says_it_is_missing(
    played, tmp_path, capsys
) -> None:
    # Was "scenario 'gas-lesson' is not in this content: if the match was played from a
    # scenario file, pass it with --scenario ...", though the result file carries the lesson.
    world, _, _, result = played
    capsys.readouterr()
    assert main(["report", str(result), "--out", str(tmp_path / "deb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"capwars: error: {result}: the lesson this result file carries names what this content"
        " does not have (event 'gas_supply_cut'): it was played with a content folder of its"
        " own; pass that folder with --content DIR"
    )
    assert main(["report", str(result), "--content", str(world), "--out", str(tmp_path / "d")]) == 0


def test_class_results_without_the_folder_say_it_is_missing(played, tmp_path, capsys) -> None:
    world, _, _, result = played
    capsys.readouterr()
    assert main(["class", "results", str(result.parent), "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert (
        "capwars: note: not checked against their saves: red.json: the lesson they carry names"
        " what this content does not have (event 'gas_supply_cut'), so it was played with a content"
        " folder of its own; pass it with --content DIR to check them"
    ) in err
    args = ["class", "results", str(result.parent), "--content", str(world)]
    assert main([*args, "--out", str(tmp_path / "c")]) == 0
    assert "not checked" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["match", "play"])
def test_match_and_play_without_the_folder_say_it_is_missing(played, capsys, command) -> None:
    # Was only the unknown event and "capwars: 1 problem in the content".
    _, lesson, _, _ = played
    capsys.readouterr()
    args = ["--scenario", str(lesson), "--seed", "1"]
    assert main([command, *args]) == 1
    err = capsys.readouterr().err
    assert "unknown event 'gas_supply_cut'" in err
    assert "a scenario for a content folder of your own is checked with --content DIR" in err
