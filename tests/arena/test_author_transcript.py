"""``capwars match --transcript``: every line a ``cmd:`` bot read and wrote, for its author.

A bot's sandbox lets it write only in its own folder, removed after the match, and its log
keeps 4 KiB: without a transcript a bot author had no way to see a whole observation, nor the
exact line their bot sent."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from game.cli import main

BOT = """
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print(json.dumps({"type": "ready", "name": "t"}), flush=True)
    elif msg["type"] == "turn":
        print('{"type": "actions", "turn": %d, "actions": []}' % msg["turn"], flush=True)
    else:
        break
"""


def test_the_transcript_holds_every_message_of_a_cmd_bot(tmp_path, monkeypatch, capsys):
    script = tmp_path / "bot.py"
    script.write_text(BOT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    bot = f"cmd:{sys.executable} bot.py"
    args = ["match", "--scenario", "tutorial", "--seed", "1", "--bot", "balanced", "--bot", bot]
    assert main([*args, "--transcript", "logs/t.txt"]) == 0
    lines = (tmp_path / "logs" / "t.txt").read_text(encoding="utf-8").splitlines()
    # hello, ready, 8 × (turn, actions), end: all the second seat's, in order.
    assert len(lines) == 19
    assert [line[:3] for line in lines[:4]] == ["1> ", "1< ", "1> ", "1< "]
    hello, ready, turn, answer = (line[3:] for line in lines[:4])
    assert json.loads(hello)["type"] == "hello" and json.loads(hello)["seat"] == 1
    assert ready == '{"type": "ready", "name": "t"}'  # as the bot wrote it
    observation = json.loads(turn)["observation"]
    assert observation["turn"] == 0 and observation["me"]["last"]["demand"] is None
    assert answer == '{"type": "actions", "turn": 0, "actions": []}'
    assert json.loads(lines[-1][3:])["type"] == "end"


def test_a_transcript_without_a_cmd_bot_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["match", "--scenario", "tutorial", "--transcript", "t.txt"])
    assert code == 2
    assert "no --bot is one" in capsys.readouterr().err
    assert not Path(tmp_path / "t.txt").exists()


def test_a_transcript_given_a_folder_is_refused_with_a_file_name_to_give(
    tmp_path, monkeypatch, capsys
):
    # It said "give a file path, such as logs/out": a file named "out" is no transcript.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logs").mkdir()
    bot = f"cmd:{sys.executable} bot.py"
    args = ["match", "--scenario", "tutorial", "--bot", bot, "--transcript", "logs"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--transcript logs is a folder: give a file path, such as logs/transcript.txt" in err


def test_a_transcript_that_cannot_be_written_stops_and_the_match_plays_on(
    tmp_path, monkeypatch, capsys
):
    # A full disk: the bot's setup "failed" with the host's own OSError and every quarter of
    # it was held, as if the bot had crashed.
    import io

    class Full(io.StringIO):
        def write(self, text):
            raise OSError(28, "No space left on device")

    opened = Path.open

    def open_full(self, *args, **kwargs):
        return Full() if self.name == "t.txt" else opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_full)
    (tmp_path / "bot.py").write_text(BOT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    bot = f"cmd:{sys.executable} bot.py"
    args = ["match", "--scenario", "tutorial", "--bot", bot, "--transcript", "t.txt", "--json"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    me = json.loads(out)["players"][0]
    assert me["bot_status"] == "ok" and not json.loads(out)["failures"]
    assert "the transcript t.txt stops short: No space left on device" in err
