"""Python bot files played in-process: each imports its own helper modules from its folder."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

from game.agents import make_bot
from game.agents.registry import BotSpecError
from game.arena.match import run_match
from game.engine import new_match, observe

BOT = """\
from game.agents import Bot
import strategy
from tools import sizing


class SpotBot(Bot):
    def act(self, observation):
        provider = observation.providers[0]
        quantity = strategy.QUANTITY + sizing.EXTRA
        return [{"type": "bid_spot", "provider": provider.id, "quantity": quantity,
                 "max_price": provider.list_price}]
"""


def student(root: Path, name: str, quantity: int, extra: float) -> str:
    """A student's folder with bot.py, a helper module and a helper package, all named alike."""
    folder = root / name
    (folder / "tools").mkdir(parents=True)
    (folder / "bot.py").write_text(BOT)
    (folder / "strategy.py").write_text(f"QUANTITY = {quantity}\n")
    (folder / "tools" / "__init__.py").write_text("")
    (folder / "tools" / "sizing.py").write_text(f"EXTRA = {extra}\n")
    return str(folder / "bot.py")


def test_two_bots_with_helpers_of_the_same_name_each_get_their_own(tmp_path: Path):
    alice = student(tmp_path, "alice", 3, 0.25)
    bob = student(tmp_path, "bob", 7, 0.5)
    state = new_match(scenario="tutorial", seed=1)
    quantities = [make_bot(spec).act(observe(state, 0))[0]["quantity"] for spec in (alice, bob)]
    assert quantities == [3.25, 7.5]
    # ... in either order, and again (a tournament worker builds them match after match).
    quantities = [make_bot(spec).act(observe(state, 0))[0]["quantity"] for spec in (bob, alice)]
    assert quantities == [7.5, 3.25]
    # The helpers of the bot built last are the ones under their plain names.
    assert sys.modules["strategy"].QUANTITY == 3 and sys.modules["tools.sizing"].EXTRA == 0.25


def test_helper_folders_without_init_files_are_each_bot_s_own(tmp_path: Path):
    """A helper folder without __init__.py (a namespace package, as many students leave it):
    the second bot silently played the first one's tools.sizing."""
    alice = student(tmp_path, "alice", 3, 0.25)  # tools/ with its __init__.py
    bob = student(tmp_path, "bob", 7, 0.5)
    (Path(bob).parent / "tools" / "__init__.py").unlink()
    state = new_match(scenario="tutorial", seed=1)
    quantities = [
        make_bot(spec).act(observe(state, 0))[0]["quantity"] for spec in (alice, bob, alice, bob)
    ]
    # As each plays under cmd: (python bot.py): alice's package on sys.path came before bob's
    # folder without __init__.py, and bob's tools stayed for alice built again.
    assert quantities == [3.25, 7.5, 3.25, 7.5]


def test_a_bot_holding_an_object_of_its_helper_still_pickles(tmp_path: Path):
    folder = tmp_path / "carol"
    folder.mkdir()
    (folder / "planner.py").write_text("class Planner:\n    share = 0.5\n")
    (folder / "bot.py").write_text(
        "from game.agents import Bot\nfrom planner import Planner\n\n\nclass C(Bot):\n"
        "    def __init__(self):\n        self.planner = Planner()\n\n"
        "    def act(self, observation):\n        return []\n"
    )
    bot = make_bot(str(folder / "bot.py"))
    assert pickle.loads(pickle.dumps(bot.planner)).share == 0.5  # type: ignore[attr-defined]


def test_a_match_between_them_plays_each_one_s_own_strategy(tmp_path: Path):
    alice = student(tmp_path, "alice", 3, 0.25)
    bob = student(tmp_path, "bob", 7, 0.5)
    inline = tmp_path / "bob_in_one_file.py"
    inline.write_text(
        BOT.replace("import strategy\nfrom tools import sizing\n", "").replace(
            "strategy.QUANTITY + sizing.EXTRA", "7.5"
        )
    )
    played = run_match(scenario="tutorial", seed=1, bots=[alice, bob])
    expected = run_match(scenario="tutorial", seed=1, bots=[alice, str(inline)])
    assert played.final_hash == expected.final_hash


def test_a_bot_class_that_wants_arguments_is_told_it_is_built_without_them(tmp_path: Path):
    path = tmp_path / "tuned.py"
    path.write_text(
        "from game.agents import Bot\n\n\nclass Tuned(Bot):\n"
        "    def __init__(self, share):\n        self.share = share\n\n"
        "    def act(self, observation):\n        return []\n"
    )
    with pytest.raises(BotSpecError) as error:
        make_bot(str(path))
    message = str(error.value)
    assert "missing 1 required positional argument: 'share'" in message
    assert "built with no arguments" in message and "default value" in message
    assert "registry.py" not in message  # not the game's line: the student's class is at fault


def test_a_mistyped_bot_file_says_where_it_looked_and_what_is_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    alice = Path(student(tmp_path, "alice", 3, 0.25)).parent
    monkeypatch.chdir(tmp_path)
    cases = {
        "alice/bto.py": f"alice/bto.py (looked in {alice}); did you mean alice/bot.py?",
        "alcie/bot.py": "alcie/bot.py (there is no folder alcie)",
        "alice/": "alice is a folder; name the bot file in it (alice/bot.py)",
    }
    for spec, said in cases.items():
        with pytest.raises(BotSpecError) as error:
            make_bot(spec)
        assert str(error.value) == f"bot file not found: {said}"


def test_a_bot_with_its_own_failure_attribute_plays_and_validates(tmp_path: Path):
    """A student's bot counting its own failures (``self.failure = 0``) crashed `capwars
    match` and `validate` with "'int' object has no attribute 'turn'": the runner took any
    attribute of that name for a hosted bot's elimination record."""
    from game.arena.validate import validate_bot

    path = tmp_path / "counting_bot.py"
    path.write_text(
        "from game.agents import Bot\n\n"
        "class CountingBot(Bot):\n"
        "    def __init__(self):\n"
        "        self.failure = 0\n\n"
        "    def act(self, observation):\n"
        "        self.failure += 1\n"
        "        return []\n"
    )
    outcome = run_match(None, "tutorial", 3, bots=[make_bot(str(path)), make_bot("idle")])
    assert [seat.status for seat in outcome.seats] == ["ok", "ok"]
    assert outcome.state.turn == 8
    assert validate_bot(str(path)).passed
