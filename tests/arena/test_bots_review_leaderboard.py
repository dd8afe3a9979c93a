"""The leaderboard's failures by bot show the first case of each way a bot failed (bots
review)."""

from __future__ import annotations

from pathlib import Path

from game.arena.leaderboard import format_failures
from game.arena.tournament import TournamentConfig, run_tournament

BAD_RETURN_THEN_CRASH = """
from game.agents import Bot
from game.engine.actions import BidSpot


class Buggy(Bot):
    def act(self, observation):
        p = observation.providers[0]
        if observation.turn == 6:
            return [1 / 0]
        return BidSpot(provider=p.id, quantity=3, max_price=p.spot_price)
"""


def test_each_way_of_failing_has_its_first_case(tmp_path: Path):
    # The example was the first failure of the commonest kind, a bad return every quarter:
    # "ZeroDivisionError ×2" was counted, but never shown with its line.
    path = tmp_path / "buggy.py"
    path.write_text(BAD_RETURN_THEN_CRASH)
    config = TournamentConfig(bots=(str(path), "idle"), scenario="tutorial")
    board = run_tournament(config, tmp_path / "t", quiet=True).leaderboard
    (summary,) = board.failures
    assert [kind for kind, _ in summary.kinds] == ["bad return", "ZeroDivisionError"]
    text = format_failures(board)
    assert "e.g. turn 0: act() returned BidSpot, not a list of actions" in text
    assert "     turn 6: ZeroDivisionError: division by zero (buggy.py:10)" in text
    assert summary.to_json()["examples"] == {
        "bad return": "turn 0: act() returned BidSpot, not a list of actions (return [action]"
        " for one action)",
        "ZeroDivisionError": "turn 6: ZeroDivisionError: division by zero (buggy.py:10)",
    }


def test_the_header_says_how_many_ways_get_an_example():
    # It promised "the first example of each way"; a bot failing four ways showed three.
    from game.arena.leaderboard import build_leaderboard

    errors = ["ValueError: a", "KeyError: 'b'", "TypeError: c", "IndexError: d"]
    records = [
        {
            "match_id": i,
            "scenario": "tutorial",
            "seed": i,
            "bots": ["buggy", "idle"],
            "ranks": [2, 1],
            "statuses": ["active", "active"],
            "scores": [0.0, 1.0],
            "failures": [{"turn": t, "seat": 0, "error": e} for t, e in enumerate(errors[i:])],
        }
        for i in range(4)
    ]
    board = build_leaderboard(records)
    text = format_failures(board)
    assert "the first example of each of its 3 commonest ways;" in text
    assert "IndexError: d" in text  # the commonest (in every match) ...
    assert "ValueError: a" not in text  # ... and the rarest way, counted but not shown
    assert "ValueError ×1" in text


END_RAISES = """
from game.agents import Bot


class Ending(Bot):
    def act(self, observation):
        return []

    def on_end(self, result):
        print(result.scores)
"""


def test_an_on_end_failure_is_at_the_end_of_the_match_not_in_turn_8(tmp_path: Path):
    # The tutorial's quarters are 0-7: the example read "turn 8: on_end failed: ...".
    path = tmp_path / "ending.py"
    path.write_text(END_RAISES)
    config = TournamentConfig(bots=(str(path), "idle"), scenario="tutorial")
    board = run_tournament(config, tmp_path / "t", quiet=True).leaderboard
    (summary,) = board.failures
    assert summary.example.startswith("end of match: on_end failed: AttributeError:"), summary
    assert "turn 8" not in format_failures(board)
