"""How a bot's exception is described: one line, at the author's own line."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.agents.failures import describe
from game.agents.registry import BotSpecError, make_bot
from game.engine.actions import BidSpot


def test_a_pydantic_error_is_one_line_with_both_problems_and_the_callers_line():
    try:
        BidSpot(provider="stratus", qty=3, max_price=9)  # type: ignore[call-arg]
    except Exception as exc:
        text = describe(exc)
    assert "\n" not in text and "errors.pydantic.dev" not in text
    assert "quantity: Field required; qty: Extra inputs are not permitted" in text
    # Where: this test's own line, not pydantic/main.py where the error was raised; the file's
    # name only, so that recorded failures read the same on every machine.
    assert text.rsplit("(", 1)[1].startswith(f"{Path(__file__).name}:")
    assert str(Path(__file__).parent) not in text


def test_import_errors_point_into_the_bot_file(tmp_path: Path):
    (tmp_path / "broken.py").write_text("import json\n\njson.loads('{bad')\n")
    with pytest.raises(BotSpecError, match=r"JSONDecodeError: .*broken\.py:3\)"):
        make_bot(str(tmp_path / "broken.py"))
    (tmp_path / "syntax.py").write_text("class A(\n")
    with pytest.raises(BotSpecError) as caught:
        make_bot(str(tmp_path / "syntax.py"))
    assert "SyntaxError" in str(caught.value) and "line 1" in str(caught.value)
    assert "line 2" not in str(caught.value)  # no importlib frame tacked on


def test_a_bot_split_over_files_imports_its_helpers(tmp_path: Path):
    (tmp_path / "plans.py").write_text("def plan():\n    return []\n")
    (tmp_path / "split.py").write_text(
        "from game.agents import Bot\nfrom plans import plan\n"
        "class Split(Bot):\n    def act(self, observation):\n        return plan()\n"
    )
    assert make_bot(str(tmp_path / "split.py")).act(None) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "spec_tail", "expected"),
    [
        # A program speaking the protocol by hand, or a plain SDK class: not playable in-process.
        ("import sys\n", "", "defines no game.agents.Bot subclass"),
        (
            "class Plain:\n    def act(self, observation):\n        return []\n",
            ":Plain",
            "Plain is not a game.agents.Bot subclass",
        ),
        (
            "from game.agents import Bot\n\n"
            "class A(Bot):\n    def act(self, o):\n        return []\n\n"
            "class B(Bot):\n    def act(self, o):\n        return []\n",
            "",
            "defines 2 Bot subclasses (A, B); name one:",
        ),
    ],
)
def test_a_file_that_cannot_play_in_process_says_how_it_can_play(
    tmp_path: Path, source: str, spec_tail: str, expected: str
):
    """A plain class named by --bot file.py:Plain used to be accepted, then failed every
    quarter (no setup(), the engine's Observation where it expected JSON); a protocol program
    was told it 'defines 0 Bot subclasses; name one: file.py:ClassName'."""
    bot = tmp_path / "bot.py"
    bot.write_text(source)
    with pytest.raises(BotSpecError) as caught:
        make_bot(f"{bot}{spec_tail}")
    message = str(caught.value)
    assert expected in message
    if "name one" in message:
        assert f"{bot}:A" in message
    else:
        assert f'--bot "cmd:python {bot}"' in message


def test_the_program_suggested_for_a_file_in_a_folder_with_a_space_runs_as_written(tmp_path: Path):
    """The --bot "cmd:python FILE" a protocol program is told to use, copied as it is: an
    unquoted "my bots/bot.py" split into python's 'my' and a missing 'bots/bot.py'."""
    from game.arena.host import command_argv, resolve_command

    folder = tmp_path / "my bots"
    folder.mkdir()
    bot = folder / "bot.py"
    bot.write_text("import sys\n")
    with pytest.raises(BotSpecError) as caught:
        make_bot(str(bot))
    suggested = str(caught.value).split('--bot "cmd:', 1)[1].split('"', 1)[0]
    assert command_argv(suggested) == ["python", str(bot)]
    assert resolve_command(command_argv(suggested), tmp_path) == ["python", str(bot)]
