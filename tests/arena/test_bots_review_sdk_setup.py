"""A bot on the SDK whose setup() or on_end() raises is treated as the same file in-process
(bots review)."""

from __future__ import annotations

import sys
from pathlib import Path

from game.arena.match import REPORTED, run_match
from game.arena.validate import SDK_SETUP_FAILED, validate_bot

SETUP_AND_END_RAISE = """
from game.agents import Bot
from game.engine.actions import BidSpot
from game.sdk import run


class Fragile(Bot):
    def setup(self, info):
        self.weights = info.rules["weights"]

    def act(self, observation):
        p = observation.providers[0]
        return [BidSpot(provider=p.id, quantity=2, max_price=p.spot_price)]

    def on_end(self, result):
        print(result.scores)


if __name__ == "__main__":
    run(Fragile)
"""


def test_the_reported_prefix_is_the_matchs():
    assert f"{REPORTED}setup failed: " == SDK_SETUP_FAILED


def test_a_hosted_bot_whose_setup_raises_plays_on_as_in_process(tmp_path: Path):
    # The SDK let the exception end the program before `ready`: eliminated at once, where the
    # same file in-process has its failure recorded and plays on.
    path = tmp_path / "fragile.py"
    path.write_text(SETUP_AND_END_RAISE)
    hosted = run_match(scenario="tutorial", seed=2, bots=[f"cmd:{sys.executable} {path}"])
    local = run_match(scenario="tutorial", seed=2, bots=[str(path)])
    assert hosted.seat_report(0).status == "ok"
    assert hosted.final_hash == local.final_hash  # the same moves
    (turn, seat, text), *_ = hosted.failures
    assert (turn, seat) == (0, 0)
    assert text == f"{REPORTED}setup failed: KeyError: 'weights' (fragile.py:9)"
    assert local.failures[0] == (-1, 0, "setup failed: KeyError: 'weights' (fragile.py:9)")


def test_validate_shows_a_hosted_setup_failure_under_setup_and_a_failed_on_end_as_such(
    tmp_path: Path,
):
    path = tmp_path / "fragile.py"
    path.write_text(SETUP_AND_END_RAISE)
    report = validate_bot(f"cmd:{sys.executable} {path}")
    assert report.check("setup").reasons == (
        f"seat 0, setup: {REPORTED}setup failed: KeyError: 'weights' (fragile.py:9)"
        " (×2: seats 0-1)",
    )
    notes = report.check("end of match").reasons
    # Not "`end` has no observation": the bot read `end` right, its on_end() raised.
    assert notes[0].startswith("seat 0: its on_end() raised after the match"), notes
    assert "has no observation" not in "\n".join(notes)
    # Its log from the bot's own frame, not the SDK's or the `run(Fragile)` line.
    assert notes[1] == f'seat 0 stderr:   File "{path}", line 16, in on_end', notes


LIGHT_END_RAISES = """
from game.sdk import run


class Light:
    def act(self, obs):
        return []

    def on_end(self, result):
        print(result.scores)


if __name__ == "__main__":
    run(Light)
"""


def test_a_light_bot_s_failed_on_end_shows_its_own_frame_first(tmp_path: Path):
    # The misspelt field raises in the SDK's own __getattr__, after the bot's frame: the log
    # started at the SDK's `end` frame, and the check said the bot "mishandled the `end`
    # message", which it read right.
    path = tmp_path / "light.py"
    path.write_text(LIGHT_END_RAISES)
    check = validate_bot(f"cmd:{sys.executable} {path}").check("end of match")
    assert "mishandled" not in check.detail
    assert check.reasons[0].startswith("seat 0: its on_end() raised after the match")
    assert check.reasons[1] == f'seat 0 stderr:   File "{path}", line 10, in on_end'
    assert any(
        "AttributeError: no field 'scores' (did you mean 'score'?)" in r for r in check.reasons
    )
