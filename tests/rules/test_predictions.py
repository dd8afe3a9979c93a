"""``[[predictions]]`` of a scenario: each names what its metric compares, in play in the
scenario, and no two share a quarter. Checked through ``capwars content check FILE.toml``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from game.cli import main

if TYPE_CHECKING:  # the fixture comes from conftest.py; the class is only a type here
    from tests.rules.conftest import ContentFolder

LESSON = """\
id = "grid-lesson"
name = "Grid lesson"
summary = "Four quarters in two regions."
quarters = 4
providers = ["stratus", "nimbus"]
regions = ["us-east", "us-central"]

[[seats]]
industry = "bank"

[[seats]]
industry = "startup"
rival = "loopwise"

[market]
demand = 20.0
demand_growth = 0.05
"""


def check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *predictions: str, lesson: str = LESSON
) -> list[str]:
    """The problem lines ``content check`` prints for ``lesson`` with ``predictions``."""
    path = tmp_path / "lesson.toml"
    text = lesson + "".join(f"\n[[predictions]]\n{p.strip()}\n" for p in predictions)
    path.write_text(text, encoding="utf-8")
    code = main(["content", "check", str(path)])
    out = capsys.readouterr().out.splitlines()
    if code == 0:
        assert out[0].startswith("scenario OK"), out
        return []
    assert code == 1
    assert out[-1].endswith(f"in {path}"), out
    prefix = f"{path}:"
    assert all(line.startswith(prefix) for line in out[:-1]), out
    return [line.removeprefix(prefix) for line in out[:-1]]


def test_the_happy_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(
        tmp_path,
        capsys,
        'turn = 0\nquestion = "?"\nmetric = "demand"',
        'turn = 1\nquestion = "?"\nmetric = "grid_wait"\nregion = "us-central"',
        'turn = 2\nquestion = "?"\nmetric = "spot_price"\nprovider = "nimbus"',
        'turn = 3\nquestion = "?"\nmetric = "lead_time"\nvendor = "verdant"',
    )
    assert problems == []


def test_two_predictions_at_one_turn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(
        tmp_path,
        capsys,
        'turn = 2\nquestion = "Up or down?"\nprovider = "stratus"',
        'turn = 2\nquestion = "How long?"\nmetric = "grid_wait"\nregion = "us-east"',
    )
    assert problems == [
        "25: predictions[1].turn: a second prediction at turn 2 (the first is predictions[0],"
        " line 19): the game asks one question per quarter, so this one would never be asked;"
        " move it to another turn or merge the two questions"
    ]


def test_a_region_not_in_the_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(
        tmp_path, capsys, 'turn = 1\nquestion = "?"\nmetric = "grid_wait"\nregion = "us-west"'
    )
    assert problems == [
        "23: predictions[0].region: region 'us-west' is not in play in this scenario, so the"
        " debrief would have nothing to compare (did you mean 'us-east'?);"
        " regions in play: us-east, us-central"
    ]


def test_a_provider_not_in_the_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(tmp_path, capsys, 'turn = 1\nquestion = "?"\nprovider = "azimuth"')
    assert len(problems) == 1
    assert problems[0].startswith(
        "22: predictions[0].provider: provider 'azimuth' is not in play in this scenario, so the"
        " debrief would have nothing to compare; providers in play: stratus, nimbus"
    )


def test_a_provider_listed_but_serving_none_of_the_regions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The engine drops a provider that serves none of the scenario's regions."""
    lesson = LESSON.replace('regions = ["us-east", "us-central"]', 'regions = ["gulf"]')
    problems = check(
        tmp_path, capsys, 'turn = 1\nquestion = "?"\nprovider = "stratus"', lesson=lesson
    )
    assert len(problems) == 1 and "provider 'stratus' is not in play" in problems[0]


def test_a_key_the_metric_does_not_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(
        tmp_path,
        capsys,
        'turn = 1\nquestion = "?"\nmetric = "lead_time"\nvendor = "verdant"\nregion = "us-east"',
        'turn = 2\nquestion = "?"\nmetric = "demand"\nprovider = "stratus"',
    )
    assert problems == [
        '24: predictions[0].region: region does not apply to metric "lead_time", which compares'
        " a vendor's lead time (vendor = ...): remove it, or use vendor = ... (or set"
        ' metric = "grid_wait" to ask about a region)',
        '30: predictions[1].provider: provider does not apply to metric "demand", which compares'
        " the whole market's demand (no provider, vendor or region): remove it (or set"
        ' metric = "spot_price" to ask about a provider)',
    ]


def test_a_grid_wait_question_names_its_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problems = check(tmp_path, capsys, 'turn = 1\nquestion = "?"\nmetric = "grid_wait"')
    assert problems == [
        "19: predictions[0].region: missing required key: a grid_wait question compares one"
        ' region\'s grid wait, so name it, e.g. region = "us-east"'
        " (regions in play: us-east, us-central)"
    ]


def test_prediction_checks_run_in_a_content_folder_too(folder: ContentFolder) -> None:
    folder.append(
        "scenarios/intro.toml",
        '[[predictions]]\nturn = 2\nquestion = "?"\nmetric = "grid_wait"\n\n'
        '[[predictions]]\nturn = 2\nquestion = "?"\nprovider = "stratus"\n',
    )
    messages = {p.path: p.message for p in folder.problems()}
    assert set(messages) == {"predictions[0].region", "predictions[1].turn"}
    assert messages["predictions[0].region"].startswith("missing required key")
