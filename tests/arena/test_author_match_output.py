"""What ``capwars match`` prints under its table for a bot author: the first rejected action of
each code, and a crashed bot's log with its error still in view."""

from __future__ import annotations

import sys

from game.cli import main

TYPO_BOT = """
from game.agents import Bot

class Typo(Bot):
    def act(self, observation):
        return [{"type": "bid_spot", "provider": "stratus", "quantity": 3, "max_prise": 9}]
"""

# What Node.js writes when a bot dies of a TypeError: the error, then a dozen of its own frames.
NODE_CRASH = """
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print('{"type": "ready"}', flush=True)
    elif msg["turn"] == 1:
        sys.stderr.write("/home/ana/bot.js:24\\n    null.foo;\\n         ^\\n\\n"
                         "TypeError: Cannot read properties of null (reading 'foo')\\n"
                         "    at Interface.<anonymous> (/home/ana/bot.js:24:10)\\n")
        for n in range(10):
            sys.stderr.write(f"    at emit (node:events:{n}:28)\\n")
        sys.stderr.write("\\nNode.js v20.20.2\\n")
        sys.exit(1)
    else:
        print('{"type": "actions", "turn": %d, "actions": []}' % msg["turn"], flush=True)
"""


def test_match_shows_the_first_rejected_action_of_each_code(tmp_path, monkeypatch, capsys):
    # "8 rejected: malformed ×8" alone sent the student to write a replay to learn why. The
    # place is the protocol's turn number (what the bot reads, "quarter 0" was none), and
    # the calendar quarter the replay shows.
    (tmp_path / "typo.py").write_text(TYPO_BOT)
    monkeypatch.chdir(tmp_path)
    assert main(["match", "--scenario", "tutorial", "--seed", "1", "--bot", "typo.py"]) == 0
    out = capsys.readouterr().out
    assert "typo.py): 8 rejected: malformed ×8\n" in out
    assert (
        "    first malformed: turn 0 (2027 Q1), bid_spot: bid_spot.max_price: Field required"
        " (unknown field 'max_prise')"
    ) in out


def test_match_shows_a_node_crash_s_error_not_only_node_s_own_frames(tmp_path, monkeypatch, capsys):
    (tmp_path / "crash.py").write_text(NODE_CRASH)
    monkeypatch.chdir(tmp_path)
    bot = f"cmd:{sys.executable} crash.py"
    assert main(["match", "--scenario", "tutorial", "--seed", "1", "--bot", bot]) == 0
    log = capsys.readouterr().out.split("its log:\n", 1)[1]
    assert "  | TypeError: Cannot read properties of null (reading 'foo')" in log
    assert "  | /home/ana/bot.js:24" in log
    assert "node:events" not in log and "Node.js v20" not in log
