"""``capwars saves``: list the saves folder; prune unfinished autosaves nobody played for a
while, never a finished game or a named save, and only with --yes."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pytest

from game.arena.saves import register_cli
from game.rules import load_content
from game.tui.session import GameSession

DAY = 86400


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="capwars")
    register_cli(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.handler(args))


def age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


def test_prune_lists_first_and_deletes_only_old_unfinished_autosaves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = load_content()
    finished = GameSession.new(content, "tutorial", 4)
    while not finished.over:
        finished.end_quarter()
    done = finished.autosave(tmp_path)
    old_game = GameSession.new(content, "tutorial", 5)
    old_game.end_quarter()
    stale = old_game.autosave(tmp_path)
    named = old_game.save(tmp_path / "keep me.jsonl")
    recent = GameSession.new(content, "tutorial", 6).autosave(tmp_path)
    for path in (done, stale, named):
        age(path, 40)
    (tmp_path / "broken.jsonl").write_text("{")
    age(tmp_path / "broken.jsonl", 40)

    assert run(["saves", "list", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 saves in" in out and "finished (8/8)" in out and "cannot be loaded" in out, out

    assert run(["saves", "--dir", str(tmp_path), "prune"]) == 0  # default: 30 days, no --yes
    out = capsys.readouterr().out
    assert "1 unfinished autosave in" in out and stale.name in out, out
    assert (
        "Nothing deleted. To delete it: capwars saves prune --older-than 30 --yes --dir" in out
    ), out
    assert stale.exists()

    assert run(["saves", "prune", "--older-than", "30", "--yes", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"deleted {stale.name}" in out, out
    assert not stale.exists()
    assert done.exists() and named.exists() and recent.exists()
    assert (tmp_path / "broken.jsonl").exists()

    assert run(["saves", "prune", "--older-than", "0", "--yes", "--dir", str(tmp_path)]) == 0
    assert not recent.exists() and done.exists() and named.exists()
    capsys.readouterr()
    assert run(["saves", "prune", "--dir", str(tmp_path)]) == 0
    assert "never pruned" in capsys.readouterr().out


def test_the_cli_runs_it_once_registered_as_a_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one-line game/cli.py change this needs: a PLUGINS entry naming this module.
    from game import cli

    monkeypatch.setitem(
        cli.PLUGINS, "saves", ("game.arena.saves", "list saved games; prune old autosaves")
    )
    assert cli.main(["saves", "list", "--dir", str(tmp_path)]) == 0
    assert f"No saves in {tmp_path}." in capsys.readouterr().out


@pytest.mark.parametrize("days", ["-1", "nan", "inf"])
def test_prune_refuses_an_age_that_is_not_a_number_of_days(
    days: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["saves", "prune", "--older-than", days, "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--older-than needs a number of days, 0 or more (such as --older-than 30)" in err
