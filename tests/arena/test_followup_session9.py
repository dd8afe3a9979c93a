"""Follow-ups to the sandbox's read confinement (``--bot-read``) and to ``--content``.

- ``--bot-read`` is one of the shared options of the commands that run ``cmd:`` bots
  (:func:`game.arena.options.limit_options`), like the limits;
- a tournament records its ``--bot-read`` folders: its 'again' commands carry them and a resume
  gives the bots the same folders;
- ``cmd:sh -c 'python3 /x/bot.py'`` is not refused as a missing bot file;
- rivals read the published facts (research effects, market figures) of the match's content.
"""

from __future__ import annotations

import argparse

from game.arena.options import limit_options


def test_bot_read_is_one_of_the_shared_options_of_the_commands_running_cmd_bots():
    parser = argparse.ArgumentParser()
    limit_options(parser)
    args = parser.parse_args(["--bot-read", "a", "--bot-read", "b c", "--memory-mb", "9"])
    assert args.bot_read == ["a", "b c"] and args.memory_mb == "9"
    assert "--bot-read" in parser.format_help()
