"""docs/CONTENT.md stays true: its worked example checks and plays, its event list is current."""

from __future__ import annotations

import re
from pathlib import Path

from game.arena.match import run_match
from game.classroom.eventlist import current_section, event_section
from game.rules.check import check_scenario_file, run_scenario_check
from game.rules.loader import load_content, resolve_scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "CONTENT.md"


def worked_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A complete worked example", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, re.S)[1]


def test_the_worked_example_checks_and_plays_to_the_end(tmp_path: Path, capsys) -> None:
    path = tmp_path / "power_lesson.toml"
    path.write_text(worked_example(), encoding="utf-8")
    assert check_scenario_file(path) == []
    assert run_scenario_check(path) == 0
    assert "scenario OK: power-lesson" in capsys.readouterr().out
    content, scenario_id = resolve_scenario(load_content(), str(path))
    scenario = content.scenario(scenario_id)
    # Every part the guide teaches is in the example.
    assert scenario.catch_up and scenario.scripted_events and scenario.lessons
    assert scenario.predictions and scenario.discussion and scenario.providers
    assert scenario.capacity_multiplier != 1.0 and scenario.price_elasticity is not None
    outcome = run_match(content, scenario_id, seed=1)
    assert outcome.state.over and outcome.state.turn == scenario.quarters
    assert all(s.status == "active" for s in outcome.standings)


def test_the_event_list_is_generated_from_the_content() -> None:
    found = current_section(DOC.read_text(encoding="utf-8"))
    assert found == event_section(load_content()), (
        "docs/CONTENT.md's event list is out of date: run python -m game.classroom.eventlist"
    )


def test_every_event_and_rival_id_the_guide_names_exists() -> None:
    content = load_content()
    text = DOC.read_text(encoding="utf-8")
    for rival in content.rivals:
        assert f"`{rival.id}`" in text, rival.id
    for industry in content.industries:
        assert f"`{industry.id}`" in text, industry.id
    for scenario in content.scenarios:
        assert f"`{scenario.id}`" in text, scenario.id
