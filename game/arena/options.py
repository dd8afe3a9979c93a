"""Command-line options shared by the commands that run external bots (``capwars match``,
``tournament run``, ``validate``): one definition, so their help and defaults never drift.

Only :mod:`argparse` is imported here: :func:`game.cli.build_parser` adds these options before
any heavy module (pydantic, numpy, the engine) is loaded.
"""

from __future__ import annotations

import argparse


def time_options(parser: argparse.ArgumentParser) -> None:
    """``--turn-seconds``, ``--bank-seconds``, ``--init-seconds``: the time ``cmd:`` bots get.

    Taken as text and checked by the command (:func:`~game.arena.host.time_limits`), so a bad
    value is one line naming the option."""
    group = parser.add_argument_group(
        "time limits of external bots (cmd:...; bots run in-process are not timed)"
    )
    group.add_argument(
        "--turn-seconds",
        metavar="S",
        help="time a cmd: bot has to answer each turn before it draws on its bank (default: 1)",
    )
    group.add_argument(
        "--bank-seconds",
        metavar="S",
        help="extra time for the whole match that a cmd: bot's slow turns draw on; a turn"
        " past its time plus what is left of the bank eliminates the bot (default: 10; 0: none)",
    )
    group.add_argument(
        "--init-seconds",
        metavar="S",
        help="time a cmd: bot has to start and answer hello (default: 10)",
    )
