"""The SDK's light observation says why a key is missing (bots review)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from game.arena.validate import validate_bot
from game.sdk import Obj


def test_a_number_for_a_json_key_says_to_write_the_string():
    prices = Obj({"reserved_price": {"4": 1.0, "8": 2.0}}).reserved_price
    with pytest.raises(KeyError, match=r"8: the keys of a JSON object are strings, write \['8'\]"):
        prices[8]
    assert prices["8"] == 2.0


def test_a_misspelt_key_gets_a_did_you_mean_and_a_missing_one_stays_a_plain_keyerror():
    me = Obj({"cash": 1.0, "debt": 0.0})
    with pytest.raises(KeyError, match=r"'cahs' \(did you mean 'cash'\?\)"):
        me["cahs"]
    with pytest.raises(KeyError) as caught:
        me["zzz"]
    assert caught.value.args == ("zzz",)
    assert me.get("zzz") is None and "cash" in me  # dict behaviour otherwise unchanged


INT_KEY_BOT = """
from game.sdk import run


class Light:
    def act(self, obs):
        term8 = obs.providers[0].reserved_price[8]
        return []


if __name__ == "__main__":
    run(Light)
"""


def test_validate_tells_a_hosted_bot_how_to_read_the_key(tmp_path: Path):
    path = tmp_path / "light.py"
    path.write_text(INT_KEY_BOT)
    (reason,) = validate_bot(f"cmd:{sys.executable} {path}").check("no failures").reasons
    assert (
        """KeyError: "8: the keys of a JSON object are strings, write ['8']" (light.py:7)"""
        in reason
    ), reason
