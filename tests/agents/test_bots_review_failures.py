"""A bot's failure keeps its file and line however long its message (bots review)."""

from __future__ import annotations

import sys
from pathlib import Path

from game.agents.failures import describe, shorten
from game.arena.match import MAX_FAILURE_TEXT
from game.arena.validate import validate_bot


def test_shorten_keeps_the_place():
    assert shorten("short (bot.py:3)", 100) == "short (bot.py:3)"
    long = "ValueError: " + "x" * 600 + " (bot.py:41)"
    cut = shorten(long, 100)
    assert len(cut) == 100 and cut.endswith("x… (bot.py:41)")
    assert shorten("y" * 300, 10) == "y" * 9 + "…"


def test_describe_cuts_the_message_not_the_line():
    try:
        raise ValueError("z" * 1000)
    except ValueError as exc:
        text = describe(exc, limit=200)
        line = exc.__traceback__.tb_lineno if exc.__traceback__ else 0
    assert len(text) == 200 and text.endswith(f"z… ({Path(__file__).name}:{line})")


LONG_ATTRIBUTE_ERROR = """
from game.sdk import run


class Light:
    def act(self, obs):
        return obs.me.lastt  # the SDK's error lists every field of `me`: a long message


if __name__ == "__main__":
    run(Light)
"""


def test_a_hosted_bot_s_long_error_still_names_its_line(tmp_path: Path):
    # The SDK's "no field 'lastt' (did you mean 'last'?); the fields here are: ..." ran past
    # the 500 characters a failure keeps, and the bot's file and line were cut off.
    path = tmp_path / "light.py"
    path.write_text(LONG_ATTRIBUTE_ERROR)
    report = validate_bot(f"cmd:{sys.executable} {path}")
    (reason,) = report.check("no failures").reasons
    assert "AttributeError: no field 'lastt' (did you mean 'last'?)" in reason
    assert "… (light.py:7) (×16: seats 0-1, turns 0-7)" in reason
    assert len(reason.split(": ", 1)[1].split(" (×")[0]) <= MAX_FAILURE_TEXT


SETUP_RAISES = """
from game.agents import Bot


class Setup(Bot):
    def setup(self, info):
        self.weights = info.rules["weights"]

    def act(self, observation):
        return []
"""


def test_an_in_process_setup_failure_names_its_line(tmp_path: Path):
    path = tmp_path / "setup_bug.py"
    path.write_text(SETUP_RAISES)
    report = validate_bot(str(path))
    assert report.check("setup").reasons == (
        "seat 0, setup: setup failed: KeyError: 'weights' (setup_bug.py:7) (×2: seats 0-1)",
    )


def test_shorten_keeps_a_place_whose_file_name_has_spaces_and_brackets():
    # "bot (1).py", as a browser names a second download: the place was cut with the message.
    long = "ValueError: " + "x" * 600 + " (my bot (1).py:41)"
    assert shorten(long, 100).endswith("x… (my bot (1).py:41)")
    # A bracket in the message itself is not taken for the place.
    text = "ValueError: bad (see notes) " + "y" * 300 + " (bot.py:3)"
    assert shorten(text, 80).endswith("y… (bot.py:3)")
    assert len(shorten(text, 80)) == 80


def test_validate_keeps_the_line_of_a_bot_file_named_like_a_second_download(tmp_path: Path):
    path = tmp_path / "bot (1).py"
    path.write_text(
        "from game.agents import Bot\n\n\nclass Long(Bot):\n"
        "    def act(self, observation):\n        raise ValueError('x' * 700)\n"
    )
    (reason,) = validate_bot(str(path)).check("no failures").reasons
    assert "x… (bot (1).py:6) (×16" in reason, reason
