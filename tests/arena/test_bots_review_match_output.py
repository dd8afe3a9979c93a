"""`capwars match`'s failure lines, as a bot author reads them (bots review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main

END_RAISES = """
from game.agents import Bot


class Ending(Bot):
    def act(self, observation):
        return []

    def on_end(self, result):
        print(result.scores)
"""


def test_a_failed_on_end_is_at_the_end_of_the_match_not_in_a_quarter_past_the_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "ending.py"
    path.write_text(END_RAISES)
    assert main(["match", "--scenario", "tutorial", "--bot", str(path)]) == 0
    out = capsys.readouterr().out
    assert "quarter 8" not in out  # the tutorial has quarters 0-7
    assert (
        f"({path}), end of match: on_end failed: AttributeError: 'MatchResult' object has no"
        " attribute 'scores' (ending.py:10)"
    ) in out


def test_an_on_end_failure_of_a_match_that_ended_early_is_at_its_end(tmp_path: Path):
    # A match ends before its last quarter when every seat is out (bankrupt or eliminated);
    # an on_end() failure, recorded after the last quarter played, read "quarter 5".
    from game.arena.match import run_match
    from game.cli import format_standings
    from game.engine.state import evolve

    path = tmp_path / "ending.py"
    path.write_text(END_RAISES)
    outcome = run_match(scenario="tutorial", seed=1, bots=[str(path)])
    outcome.state = evolve(outcome.state, turn=5)
    outcome.failures = [(5, 0, "on_end failed: AttributeError: boom (ending.py:10)")]
    text = format_standings(outcome)
    assert "5 quarters" in text
    assert "quarter 5" not in text
    assert "end of match: on_end failed: AttributeError: boom" in text


SETUP_RAISES = """
from game.agents import Bot
from game.sdk import run


class Fragile(Bot):
    def setup(self, info):
        self.weights = info.rules["weights"]

    def act(self, observation):
        return []


if __name__ == "__main__":
    run(Fragile)
"""


def test_a_hosted_setup_failure_reads_setup_as_the_same_file_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # The SDK sends it with the first answer: it read "quarter 0", the in-process one "setup".
    import sys

    path = tmp_path / "fragile.py"
    path.write_text(SETUP_RAISES)
    hosted = f"cmd:{sys.executable} {path}"
    assert main(["match", "--scenario", "tutorial", "--bot", hosted, "--bot", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"({hosted}), setup: the bot reported: setup failed: KeyError: 'weights'" in out
    assert f"({path}), setup: setup failed: KeyError: 'weights'" in out
