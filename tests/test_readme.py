"""The README's promises: two setup commands, CI runs the test one, the Python example runs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.fresh_python import run_fresh

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_opens_with_a_title_and_exactly_two_commands():
    lines = README.splitlines()
    assert lines[0].startswith("# ")
    first_block = code_blocks("sh")[0]
    assert README.index("```sh") < README.index("\n## ")
    commands = first_block.strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith("capwars")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = code_blocks("sh")[0].strip().splitlines()[1]
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in script.splitlines()
    assert "set -euo pipefail" in script
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_the_python_example_runs(tmp_path: Path):
    (example,) = code_blocks("python")
    stdout = run_fresh(example, cwd=tmp_path)
    assert "2027 Q1" in stdout
    # The example shows what a library user asks for next: explanations, a refused action's
    # reason code, and a replay recorded and verified.
    assert "Stratus Cloud spot $" in stdout
    assert "'bid_spot', 'unknown_provider', \"unknown provider 'stratos'" in stdout
    assert stdout.splitlines()[-1].startswith("True ")
    assert (tmp_path / "t.jsonl").is_file()


def test_the_engine_names_the_readme_points_to_import_and_say_what_they_do():
    import inspect

    import game.arena.replay
    import game.engine

    names = re.findall(r"`game\.engine` also exports (.*?) types", README, flags=re.DOTALL)
    assert names, "the README no longer lists game.engine's exports"
    for name in re.findall(r"`(\w+)`", names[0]):
        assert name in game.engine.__all__, name
    for name in game.engine.__all__:
        obj = getattr(game.engine, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"game.engine.{name} has no docstring"
    for name in ("read_replay", "verify_replay", "replay_to_state", "ReplayWriter"):
        assert name in game.arena.replay.__all__
        assert getattr(game.arena.replay, name).__doc__


def test_check_action_takes_a_dict_in_the_json_form_as_step_does():
    from game.engine import check_action, check_actions, new_match, observe

    state = new_match(scenario="tutorial", seed=1)
    bid = {"type": "bid_spot", "provider": "stratus", "quantity": 2, "max_price": 9}
    assert check_action(state, 0, bid).ok
    assert check_action(state, 0, {"type": "bid_spot"}).code == "malformed"
    assert check_action(state, 0, "garbage").code == "malformed"  # type: ignore[arg-type]
    assert observe(state, 0).check(bid).ok
    ok, bad = check_actions(state, 0, [bid, "garbage"])
    assert ok.ok and bad.code == "malformed"


def test_step_does_what_its_docstring_says_about_the_number_of_lists():
    from game.engine import new_match, state_hash, step

    assert "a seat past the end of ``actions`` holds" in (step.__doc__ or "")
    state = new_match(scenario="tutorial", seed=1)
    hashes = {
        state_hash(step(state, lists)[0])
        for lists in ([[]], [[], []], [[], [], [{"type": "bid_spot"}]])
    }
    assert len(hashes) == 1


def test_the_content_calls_the_readme_names_work(tmp_path: Path):
    import shutil

    from game.arena.match import run_match
    from game.rules import ContentError, default_content_dir, load_content
    from game.rules.loader import resolve_scenario

    assert "game.rules.load_content(DIR)" in README and "resolve_scenario(content" in README
    folder = tmp_path / "mycontent"
    shutil.copytree(default_content_dir(), folder)
    tutorial = (folder / "scenarios" / "tutorial.toml").read_text(encoding="utf-8")
    (folder / "scenarios" / "tutorial.toml").unlink()
    lesson = tmp_path / "my_lesson.toml"
    lesson.write_text(tutorial, encoding="utf-8")
    content, scenario_id = resolve_scenario(load_content(folder), str(lesson))
    assert run_match(content, scenario_id, 1).standings
    (folder / "chips.toml").write_text('[[chips]]\nid = "x"\n', encoding="utf-8")
    try:
        load_content(folder)
    except ContentError as error:
        assert (
            "chips.toml:1: chips[x].perf: missing required key: H-class equivalents per unit"
            in {str(p) for p in error.problems}
        )
    else:
        raise AssertionError("a broken folder loaded")
