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
