"""What `capwars validate` says about a buggy bot, as a bot author reads it (bots review)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from game.arena.protocol import Limits
from game.arena.tournament import main
from game.arena.validate import group_failures, spans, validate_bot

BAD_RETURN_THEN_CRASH = """
from game.agents import Bot
from game.engine.actions import BidSpot


class Buggy(Bot):
    def act(self, observation):
        p = observation.providers[0]
        if observation.turn == 6:
            return [1 / 0]
        if observation.turn == 4:
            return [{"type": "bid_spot", "provider": "aws", "quantity": 3, "max_price": 10}]
        return BidSpot(provider=p.id, quantity=3, max_price=p.spot_price)
"""


def test_spans_and_grouping():
    assert spans([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"
    assert spans([3]) == "3"
    lines = group_failures([(0, 1, "a"), (0, 2, "a"), (1, 1, "a"), (0, 3, "b"), (1, -1, "c")])
    assert lines == [
        "seat 0, turn 1: a (×3: seats 0-1, turns 1-2)",
        "seat 0, turn 3: b",
        "seat 1, setup: c",
    ]
    many = group_failures([(0, t, f"error {t}") for t in range(20)])
    assert len(many) == 13 and many[-1] == "... and 8 more distinct failure(s)"


def test_validate_shows_every_distinct_failure_once_not_three_copies_of_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # A bot returning one action instead of a list every quarter, and raising in quarter 6:
    # validate listed the bad return three times (seat 0 turns 0 and 1, seat 1...) and never
    # showed the ZeroDivisionError, the next thing to fix.
    path = tmp_path / "buggy.py"
    path.write_text(BAD_RETURN_THEN_CRASH)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    # In-process as under the SDK: the message says the fix.
    assert (
        "seat 0, turn 0: act() returned BidSpot, not a list of actions (return [action] for one"
        " action) (×12"
    ) in out
    assert "(×12: seats 0-1, turns 0-3, 5, 7)" in out
    assert "seat 0, turn 6: ZeroDivisionError: division by zero (buggy.py:10) (×2: seats 0-1" in out
    # The same rejection from both seats is one line with its count, not two copies.
    lines = [line for line in out.splitlines() if "unknown provider 'aws'" in line]
    assert len(lines) == 1 and lines[0].endswith("(×2)"), out


def test_a_bot_that_never_says_ready_is_told_why_once_and_whole(tmp_path: Path):
    # An unflushed `ready`: the long explanation came twice, the first copy cut mid-word at
    # 500 characters under "setup", the whole one again under "no failures".
    path = tmp_path / "unflushed.py"
    path.write_text(
        'import sys\nsys.stdin.readline()\nprint(\'{"type": "ready"}\')\n'
        "for line in sys.stdin:\n    pass\n"
    )
    report = validate_bot(f"cmd:{sys.executable} {path}", limits=Limits(init_seconds=0.5))
    text = "\n".join(c for check in report.checks for c in check.reasons)
    assert text.count("no `ready` within") == 1
    (why,) = [r for r in report.check("setup").reasons if "no `ready`" in r]
    assert "…" not in why and "flush" in why, why
    assert report.check("no failures").reasons == ("eliminated at setup: see 'setup' above",)


CHECKS_ITS_ACTIONS = """
from game.agents import Bot
from game.engine.actions import Reserve


class Careful(Bot):
    def act(self, observation):
        wish = Reserve(provider=observation.providers[0].id, quantity=2, term=8)
        return [wish] if observation.check(wish) else []
"""


def test_validate_notes_a_bot_file_that_checks_actions_which_fails_as_a_program(
    tmp_path: Path,
):
    # It passed in-process, then failed every turn played as cmd:python careful.py (the
    # observation comes from JSON there, and check() raises).
    path = tmp_path / "careful.py"
    path.write_text(CHECKS_ITS_ACTIONS)
    report = validate_bot(str(path))
    assert report.passed
    note = report.check("as a program")
    assert (
        note.detail
        == "act() used observation.check() in 16 of 16 turns: that works in-process only"
    )
    assert "RuntimeError" in note.reasons[0]
    # The command it names plays the file (which does not call run() itself) and shows what
    # the note warns of; `cmd:python careful.py` exited before `ready`.
    command = note.reasons[0].split('--bot "cmd:', 1)[1].split('"', 1)[0]
    assert command == f"python -m game.sdk {path}"
    hosted = validate_bot(f"cmd:{sys.executable}{command.removeprefix('python')}")
    assert hosted.check("setup").status == "pass"
    assert "RuntimeError" in hosted.check("no failures").reasons[0]
    assert not any(c.name == "as a program" for c in validate_bot("balanced").checks)


SAYS_SETUP = """
from game.agents import Bot


class Sneaky(Bot):
    def act(self, observation):
        if observation.turn == 2:
            raise ValueError("bad plan, setup: retry")
        return []
"""


def test_a_failure_whose_message_reads_setup_is_still_a_failure(tmp_path: Path):
    # Failures were sorted into setup and turns by their text: this one went under neither
    # check, and the bot passed.
    path = tmp_path / "sneaky.py"
    path.write_text(SAYS_SETUP)
    report = validate_bot(str(path))
    assert not report.passed
    assert report.check("setup").status == "pass"
    assert report.check("no failures").reasons == (
        "seat 0, turn 2: ValueError: bad plan, setup: retry (sneaky.py:8) (×2: seats 0-1, turn 2)",
    )


ON_END_RAISES = """
from game.agents import Bot


class Ending(Bot):
    def act(self, observation):
        return []

    def on_end(self, result):
        print(result.scores)
"""


def test_an_on_end_failure_is_at_the_end_of_the_match_not_in_a_turn_past_the_last(
    tmp_path: Path,
):
    path = tmp_path / "ending.py"
    path.write_text(ON_END_RAISES)
    (reason,) = validate_bot(str(path)).check("no failures").reasons
    assert reason == (
        "seat 0, end of match: on_end failed: AttributeError: 'MatchResult' object has no"
        " attribute 'scores' (ending.py:10) (×2: seats 0-1)"
    )


READS_RESEARCH_CAPS = """
from game.agents import Bot


class Planner(Bot):
    def act(self, observation):
        caps = observation.research_caps
        return []
"""


def test_validate_notes_research_caps_which_also_fails_as_a_program(tmp_path: Path):
    # research_caps needs the engine's state as check() does: played as a program it raised
    # every turn, and validate in-process said nothing.
    path = tmp_path / "planner.py"
    path.write_text(READS_RESEARCH_CAPS)
    note = validate_bot(str(path)).check("as a program")
    assert note.detail == (
        "act() used observation.research_caps in 16 of 16 turns: that works in-process only"
    )
    assert note.reasons[0].endswith("catch it there, or use cost / min_quarters")
