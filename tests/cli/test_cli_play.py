"""``capwars play``: what would open the wrong game, or none, is refused before the terminal UI
starts, with the same messages as ``capwars match``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from game import cli


@pytest.fixture
def fake_tui(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the terminal UI: the calls ``run_app`` got."""
    calls: list[dict[str, Any]] = []
    fake = type(sys)("game.tui.app")
    fake.run_app = lambda **kwargs: calls.append(kwargs) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "game.tui.app", fake)
    return calls


def test_a_mistyped_scenario_id_is_refused_with_a_suggestion(capwars):
    proc = capwars("play", "--scenario", "grid_queue", "--seed", "7")
    assert proc.returncode == 2
    assert proc.stderr.startswith("capwars: error: unknown scenario 'grid_queue'")
    assert "did you mean 'grid-queue'?" in proc.stderr and "known: " in proc.stderr
    assert "Traceback" not in proc.stderr
    # No command means play: the same check.
    proc = capwars("--scenario", "nosuch")
    assert proc.returncode == 2 and "unknown scenario 'nosuch'" in proc.stderr


def test_a_broken_scenario_file_lists_its_problems(capwars, tmp_path: Path):
    (tmp_path / "bad.toml").write_text('id = "bad"\nname = 3\n')
    proc = capwars("play", "--scenario", "bad.toml")
    assert proc.returncode == 1
    assert "bad.toml:2: name:" in proc.stderr and "problems in the content" in proc.stderr


def test_a_seed_out_of_range_is_refused(capwars):
    proc = capwars("play", "--scenario", "tutorial", "--seed", "-1")
    assert proc.returncode == 2 and "--seed must be between 0" in proc.stderr


def test_a_known_scenario_reaches_the_tui_with_its_checked_content(fake_tui):
    assert cli.main(["play", "--scenario", "tutorial", "--seed", "7"]) == 0
    (call,) = fake_tui
    assert call["scenario"] == "tutorial" and call["seed"] == 7
    assert call["content"].scenario("tutorial").id == "tutorial"  # loaded once, passed on
    assert call["replay_args"] == ()


def test_a_scenario_file_game_tells_export_which_file(fake_tui, tmp_path: Path):
    lesson = Path(__file__).parents[2] / "content" / "scenarios" / "tutorial.toml"
    mine = tmp_path / "my_lesson.toml"
    mine.write_text(lesson.read_text().replace('id = "tutorial"', 'id = "my-lesson"'))
    assert cli.main(["play", "--scenario", str(mine)]) == 0
    (call,) = fake_tui
    assert call["scenario"] == "my-lesson"
    assert call["replay_args"] == ("--scenario", str(mine))
