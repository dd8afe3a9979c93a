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
