"""``capwars replay show X --scenario F``, typed as for ``replay verify``: shown, with a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.arena.match import run_match
from game.arena.replay import ReplayWriter
from game.cli import main
from game.rules import load_content


def test_replay_show_accepts_the_scenario_option_of_verify_and_says_it_is_not_needed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It stopped with argparse's top-level usage and "unrecognized arguments"."""
    replay = tmp_path / "r.jsonl"
    run_match(load_content(), "tutorial", 2, recorders=[ReplayWriter(replay)])
    capsys.readouterr()
    code = main(["replay", "show", str(replay), "--scenario", "lessons/grid.toml"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("tutorial, seed 2,") and "result (final hash" in out
    assert "unrecognized arguments" not in err
    assert "replay show reads the replay alone" in err
    assert "--scenario lessons/grid.toml is not needed and was ignored" in err
    # Its help says so too.
    with pytest.raises(SystemExit):
        main(["replay", "show", "--help"])
    assert "not needed: show reads the replay alone" in capsys.readouterr().out
