"""docs/CONTENT.md's "Adding to the world, step by step" stays true: its blocks, added to a copy
of the game's content, check clean; its commands run and print what a designer expects."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from game.rules.check import check_content
from game.rules.paths import default_content_dir

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "CONTENT.md").read_text(encoding="utf-8")
SECTION = GUIDE[GUIDE.index("### Adding to the world, step by step") :]
SECTION = SECTION[: SECTION.index("\n## ")]


def world_blocks() -> list[tuple[str, str, str]]:
    """(how, file, TOML) for every "Append to `file`:" and "Save as `file`:" block."""
    return re.findall(r"(Append to|Save as) `([^`]+)`:\n\n```toml\n(.*?)```", SECTION, re.DOTALL)


def build(folder: Path) -> None:
    shutil.copytree(default_content_dir(), folder)
    for how, name, text in world_blocks():
        path = folder / name
        if how == "Append to":
            assert path.is_file(), f"the guide appends to {name}, which the game's content lacks"
            path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
        else:
            assert not path.exists(), f"the guide saves {name}, which would overwrite a file"
            path.write_text(text, encoding="utf-8")


def test_the_guide_adds_a_chip_a_provider_a_technology_an_event_and_a_scenario() -> None:
    kinds = [re.match(r"\[\[(\w+)\]\]", text) for _, _, text in world_blocks()]
    tables = [k.group(1) if k else "scenario" for k in kinds]
    assert tables == ["chips", "providers", "technologies", "events", "scenario"]


def test_the_blocks_check_clean(tmp_path: Path) -> None:
    build(tmp_path / "mycontent")
    assert [str(p) for p in check_content(tmp_path / "mycontent")] == []


def test_the_commands_run_as_written(tmp_path: Path) -> None:
    build(tmp_path / "mycontent")
    (block,) = re.findall(r"Then:\n\n```sh\n(.*?)```", SECTION, re.DOTALL)
    outputs = []
    for line in block.strip().splitlines():
        words = shlex.split(line)
        assert words[0] == "capwars"
        proc = subprocess.run(
            [sys.executable, "-m", "game", *words[1:]],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
        outputs.append(proc.stdout)
    check, scenarios, match, verify, show = outputs
    assert check.startswith("content OK: 6 industries, 6 regions, 8 providers")
    assert "cumulus-world" in scenarios
    assert "replay written to cw.jsonl" in match
    assert verify.startswith("OK: 8 quarters, final hash ")
    assert "events: cumulus_outage" in show


def test_scenarios_of_a_broken_folder_names_each_file_under_the_folder(tmp_path: Path) -> None:
    # The designer runs the command from the folder above their copy: the file named must open.
    build(tmp_path / "mycontent")
    scenario = tmp_path / "mycontent" / "scenarios" / "cumulus-world.toml"
    scenario.write_text(scenario.read_text().replace("quarters = 8", "quarters = 8\nquarters = 9"))
    proc = subprocess.run(
        [sys.executable, "-m", "game", "scenarios", "--content", "mycontent"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    first = proc.stderr.splitlines()[0]
    assert first.startswith(
        os.path.join("mycontent", "scenarios", "cumulus-world.toml") + ":5: invalid TOML"
    )


def test_every_provider_the_worked_example_lists_plays(tmp_path: Path) -> None:
    # It listed tensorport, which serves none of its regions and so silently sat out the match.
    from game.engine import new_match
    from game.rules import load_content
    from game.rules.loader import resolve_scenario

    (example,) = re.findall(
        r"Save it as `power_lesson.toml`.\n\n```toml\n(.*?)```", GUIDE, re.DOTALL
    )
    lesson = tmp_path / "power_lesson.toml"
    lesson.write_text(example, encoding="utf-8")
    content, scenario_id = resolve_scenario(load_content(), str(lesson))
    scenario = content.scenario(scenario_id)
    world = new_match(content, scenario_id, 1).world
    assert scenario.providers is not None
    assert set(world.provider_ids) == set(scenario.providers)


def test_an_unknown_scenario_id_lists_the_ids_sorted_and_says_what_an_id_is(
    tmp_path: Path,
) -> None:
    # The designer saved cumulus-world as foo.toml and asked for "foo".
    import pytest

    from game.rules import load_content

    build(tmp_path / "mycontent")
    scenarios = tmp_path / "mycontent" / "scenarios"
    (scenarios / "cumulus-world.toml").rename(scenarios / "foo.toml")
    content = load_content(tmp_path / "mycontent")
    with pytest.raises(KeyError) as caught:
        content.scenario("foo")
    message = caught.value.args[0]
    known = sorted(s.id for s in content.scenarios)
    assert f'known: {", ".join(known)} (an id is the id = "..." line inside' in message
