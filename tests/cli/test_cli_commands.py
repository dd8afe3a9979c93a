"""``capwars scenarios``, ``content check``, ``bench``, ``play`` and ``--content``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game import cli
from game.rules import default_content_dir


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(default_content_dir(), folder)
    providers = folder / "providers.toml"
    text = providers.read_text()
    providers.write_text(text.replace("[[providers]]", "[[providers]]\nlist_prize = 3", 1))
    return folder


def test_scenarios_lists_the_shipped_ones(capwars):
    proc = capwars("scenarios")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()[1:]}
    for scenario in ("standard", "tutorial", "history", "startup-squeeze"):
        assert scenario in rows
    assert rows["standard"].split()[1:3] == ["24", "4"]


def test_content_check_ok_and_broken(capwars, broken_content: Path):
    ok = capwars("content", "check")
    assert ok.returncode == 0 and ok.stdout.startswith("content OK")
    bad = capwars("content", "check", str(broken_content))
    assert bad.returncode == 1
    assert "providers.toml:" in bad.stdout and "list_prize" in bad.stdout
    assert "Traceback" not in bad.stderr


def test_content_check_of_a_mistyped_path_says_what_it_looked_for_and_what_is_near(
    capwars, tmp_path: Path
):
    """A mistyped folder with a slash in it was called a missing "scenario file"."""
    (tmp_path / "content").mkdir()
    (tmp_path / "lesson.toml").write_text("")
    folder = capwars("content", "check", str(tmp_path / "contnt"))
    assert folder.returncode != 0
    assert "no content folder or scenario file at" in folder.stderr
    assert f"did you mean {str(tmp_path / 'content')!r}" in folder.stderr
    file = capwars("content", "check", str(tmp_path / "lesons.toml"))
    assert "no scenario file at" in file.stderr
    assert f"did you mean {str(tmp_path / 'lesson.toml')!r}" in file.stderr


def test_content_check_of_a_scenario_id_says_it_is_an_id_and_what_to_run(capwars):
    """A teacher typed `capwars content check bullwhip` (the lesson they meant to check) and
    was told only that there is no file or folder of that name."""
    exact = capwars("content", "check", "bullwhip")
    assert exact.returncode != 0
    assert "'bullwhip' is a scenario id, not a file" in exact.stderr
    assert "Run capwars content check to check the content with all its scenarios" in exact.stderr
    typo = capwars("content", "check", "bulwhip")
    assert "(did you mean 'bullwhip'?): a scenario id" in typo.stderr
    assert "Traceback" not in exact.stderr + typo.stderr


def test_content_option_reaches_every_command(capwars, broken_content: Path):
    for args in (
        ["--content", str(broken_content), "scenarios"],
        ["scenarios", "--content", str(broken_content)],
        ["match", "--scenario", "tutorial", "--content", str(broken_content)],
        ["match", "--scenario", "tutorial", "--content", "broken"],  # as typed, relative
    ):
        proc = capwars(*args)
        assert proc.returncode == 1, args
        # The file is named under the folder as it was typed, so it can be opened from here.
        folder = args[args.index("--content") + 1]
        assert f"{os.path.join(folder, 'providers.toml')}:" in proc.stderr, args
        assert "Traceback" not in proc.stderr
    proc = capwars("--content", "no/such/folder", "scenarios")
    assert proc.returncode == 2 and "no content folder" in proc.stderr


def test_bench_json(capwars):
    proc = capwars("bench", "--quick", "--repeats", "1", "--only", "engine", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == ["engine"]
    figures = data["engine"]["figures"]
    assert [f["unit"] for f in figures] == ["steps/s", "matches/s", "µs/act"]
    assert all(f["median"] > 0 for f in figures)


def test_bench_rejects_an_unknown_section(capwars):
    proc = capwars("bench", "--only", "engine,gpu")
    assert proc.returncode == 2
    assert "unknown bench section 'gpu'" in proc.stderr


def test_play_without_the_tui_suggests_match(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "game.tui.app", None)  # import fails as if missing
    assert cli.main(["play", "--scenario", "tutorial"]) == 1
    err = capsys.readouterr().err
    assert "terminal UI is not available" in err and "capwars match" in err


def test_no_command_means_play(monkeypatch):
    seen = {}

    def fake_play(args):
        seen.update(vars(args))
        return 0

    monkeypatch.setattr(cli, "cmd_play", fake_play)
    assert cli.main(["--seed", "4"]) == 0
    assert seen["seed"] == 4 and seen["scenario"] is None and seen["load"] is None


def test_play_passes_options_to_the_tui(monkeypatch, tmp_path: Path):
    calls = []
    fake = type(sys)("game.tui.app")
    fake.run_app = lambda **kwargs: calls.append(kwargs) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "game.tui.app", fake)
    save = tmp_path / "s.jsonl"
    save.write_text("{}")
    assert cli.main(["--content", "c", "play", "--seed", "9", "--load", str(save)]) == 0
    assert calls == [
        {
            "scenario": None,
            "seed": 9,
            "load": str(save),
            "content_dir": "c",
            "content": None,
            "replay_args": ("--content", "c"),
            "fixed": False,
        }
    ]
    assert cli.main(["play", "--load", str(tmp_path / "missing")]) == 2
    # Class play: the teacher's scenario and seed, kept by the new-game form.
    calls.clear()
    assert cli.main(["play", "--scenario", "tutorial", "--seed", "7", "--fixed"]) == 0
    assert calls[0]["fixed"] is True and calls[0]["seed"] == 7
    assert cli.main(["--scenario", "tutorial", "--seed", "7", "--fixed"]) == 0
    assert calls[1]["fixed"] is True
    assert cli.main(["play", "--fixed", "--seed", "7"]) == 2  # which scenario?


def test_starting_the_terminal_ui_does_not_load_the_engine_first():
    """`capwars` reaches the title screen without pydantic, numpy or the engine: the heavy
    commands' modules load only when their command runs."""
    code = (
        "import sys, game.cli as c\n"
        "c.build_parser(['play'])\n"
        "print(sorted(m for m in ('numpy', 'pydantic', 'game.engine', 'game.rules.loader')"
        " if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_help_lists_the_heavy_commands_without_loading_them(capwars):
    proc = capwars("--help")
    assert proc.returncode == 0
    for name in ("tournament", "validate", "balance", "report", "class", "serve"):
        assert f"    {name} " in proc.stdout


def test_balance_runs_its_own_handler(capwars):
    proc = capwars(
        "balance",
        "--matches",
        "2",
        "--ladder",
        "0",
        "--paired",
        "0",
        "--baseline",
        "0",
        "--jobs",
        "1",
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "standard matches of mixed normal fields: 2" in proc.stdout


def test_balance_takes_content_like_every_command(capwars, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", broken)
    toml = broken / "industries.toml"
    toml.write_text(toml.read_text().replace("starting_cash = 1500.0", 'starting_cash = "lots"'))
    for args in (("balance", "--content", str(broken)), ("--content", str(broken), "balance")):
        proc = capwars(*args, "--matches", "1", "--only", "mixed")
        assert proc.returncode == 1, proc.stderr
        assert "starting_cash" in proc.stderr and "1 problem in the content" in proc.stderr


def test_the_time_limit_options_read_the_same_in_every_command(capwars):
    """match, tournament run and validate take --turn-seconds ... from one definition
    (game.arena.options): their help cannot drift apart."""
    sections = []
    for command in (["match"], ["tournament", "run"], ["validate"]):
        proc = capwars(*command, "--help")
        assert proc.returncode == 0, proc.stderr
        text = " ".join(proc.stdout.split())
        start = text.index("time limits of external bots")
        sections.append(text[start : text.index("(default: 10)", start)])
    assert sections[0] == sections[1] == sections[2]
    assert "--bank-seconds" in sections[0]
