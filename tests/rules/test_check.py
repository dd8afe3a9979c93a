"""``capwars content check``: a summary and exit 0, or every problem and exit 1."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from game.rules.check import check_content, run_content_check
from game.rules.paths import resolve_content_dir

if TYPE_CHECKING:  # the fixture comes from conftest.py; the class is only a type here
    from tests.rules.conftest import ContentFolder

REPO = Path(__file__).resolve().parents[2]


def test_good_content_prints_a_summary_and_exits_0(folder: ContentFolder) -> None:
    out = io.StringIO()
    assert run_content_check(str(folder.root), out=out) == 0
    assert out.getvalue() == (
        "content OK: 1 industry, 1 region, 1 provider, 1 vendor, 0 foundries, 1 chip, 1 fabric, "
        "1 technology, 1 event, 1 rival, 0 glossary terms (1 scenario)\n"
    )


def test_bad_content_prints_every_problem_and_exits_1(folder: ContentFolder) -> None:
    folder.replace("world.toml", "list_price = 8.0", "lst_price = 8.0")
    folder.replace("events.toml", 'select = "stratus"', 'select = "stratos"')
    out = io.StringIO()
    assert run_content_check(str(folder.root), out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1] == f"3 problems in {folder.root}"
    # Files are named under the folder as it was given, so they can be opened from here.
    assert lines[0].startswith(
        f"{folder.root}/events.toml:9: events[outage].effects[0].select: unknown provider"
    )
    assert len(lines) == 4


def test_problems_in_several_files_are_all_reported_at_once(folder: ContentFolder) -> None:
    folder.replace("industries.toml", "starting_cash = 100.0", "starting_cash = -1.0")
    folder.replace("hardware.toml", 'vendor = "nvidia"', 'vendor = "amd"')
    folder.replace("rivals.toml", 'archetype = "balanced"', "archetype = [")
    folder.replace("scenarios/intro.toml", "quarters = 8", "quarters = 0")
    problems = check_content(folder.root)
    assert [(p.file, p.path) for p in problems] == [
        ("hardware.toml", "chips[h100].vendor"),
        ("industries.toml", "industries[startup].starting_cash"),
        ("rivals.toml", ""),
        ("scenarios/intro.toml", "quarters"),
    ]
    assert all(p.line is not None for p in problems)


def test_module_runs_as_a_command(folder: ContentFolder) -> None:
    folder.replace("world.toml", 'kind = "hyperscaler"', 'kind = "hyperscalar"')
    result = subprocess.run(
        [sys.executable, "-m", "game.rules.check", str(folder.root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "did you mean 'hyperscaler'?" in result.stdout


def test_the_game_content_passes() -> None:
    root = REPO / "content"
    if not (root / "providers.toml").is_file():
        pytest.skip("content/*.toml is not written yet")
    problems = check_content(root)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_files_are_named_under_the_folder_as_typed(
    folder: ContentFolder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    folder.replace("hardware.toml", 'vendor = "nvidia"', 'vendor = "nvidai"')
    monkeypatch.chdir(folder.root.parent)
    assert main(["content", "check", folder.root.name]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{folder.root.name}/hardware.toml:")
    assert lines[-1] == f"1 problem in {folder.root.name}"


def test_the_scenario_summary_counts_in_words(
    folder: ContentFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    lesson = tmp_path / "one.toml"
    text = folder.read("scenarios/intro.toml").replace('id = "intro"', 'id = "one"')
    lesson.write_text(text + '\n[[predictions]]\nturn = 1\nquestion = "?"\n', encoding="utf-8")
    assert main(["content", "check", str(lesson), "--content", str(folder.root)]) == 0
    assert capsys.readouterr().out == (
        "scenario OK: one (Intro), 8 quarters, 2 seats, 1 scripted event, 0 lessons,"
        " 1 prediction, 0 discussion questions\n"
    )
    folder.replace("hardware.toml", 'vendor = "nvidia"', 'vendor = "nvidai"')
    assert main(["content", "check", str(lesson), "--content", str(folder.root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{folder.root}/hardware.toml:")
    assert lines[-1] == f"1 problem in the content folder {folder.root}"


def test_checking_the_games_own_content_says_where_it_is() -> None:
    # A designer copies that folder to start a world of their own; in a wheel it is not obvious.
    out = io.StringIO()
    assert run_content_check(None, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("content OK: ")
    assert lines[1] == (
        f"(the game's own content, in {resolve_content_dir(None)}: copy this folder to make your"
        " own)"
    )


def test_checking_a_named_folder_prints_only_the_summary(folder: ContentFolder) -> None:
    out = io.StringIO()
    assert run_content_check(str(folder.root), out=out) == 0
    assert len(out.getvalue().splitlines()) == 1


def test_an_effect_s_percent_is_what_the_headline_shows():
    from game.engine.events import headline
    from game.rules.loader import load_content
    from game.rules.models import Effect

    assert Effect(target="vendor.output", op="mul", value=0.6).percent == pytest.approx(40.0)
    assert Effect(target="demand.growth", op="add", value=-0.15).percent == pytest.approx(15.0)
    shown = [e for e in load_content().events if "{pct}" in e.headline]
    assert shown
    for event in shown:
        assert f"{event.effects[0].percent:.0f}" in headline(event), event.id
        assert "{pct}" not in headline(event)
