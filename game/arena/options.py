"""Command-line options shared by the commands that run external bots (``capwars match``,
``tournament run``, ``validate``): one definition, so their help and defaults never drift.

Only :mod:`argparse` is imported here: :func:`game.cli.build_parser` adds these options before
any heavy module (pydantic, numpy, the engine) is loaded. Each option's ``dest`` is the
:class:`~game.arena.protocol.Limits` field it sets (``--memory-mb``: ``memory_mb``), the name a
bot reads in ``hello.limits``; the defaults in the help are those of ``Limits`` (a test checks).
"""

from __future__ import annotations

import argparse


def limit_options(parser: argparse.ArgumentParser) -> None:
    """The time and resource limits ``cmd:`` bots get: ``--turn-seconds``, ``--memory-mb`` ...,
    and the folders they may read besides their own (``--bot-read``).

    Taken as text and checked by the command (:func:`~game.arena.host.limits_of_args`), so a
    bad value is one line naming the option; ``--bot-read`` is checked by :func:`game.cli.main`,
    which hands the folders to the bots."""
    times = parser.add_argument_group(
        "time limits of external bots (cmd:...; bots run in-process are not timed)"
    )
    times.add_argument(
        "--turn-seconds",
        metavar="S",
        help="time a cmd: bot has to answer each turn before it draws on its bank (default: 1)",
    )
    times.add_argument(
        "--bank-seconds",
        metavar="S",
        help="extra time for the whole match that a cmd: bot's slow turns draw on; a turn"
        " past its time plus what is left of the bank eliminates the bot (default: 10; 0: none)",
    )
    times.add_argument(
        "--init-seconds",
        metavar="S",
        help="time a cmd: bot has to start and answer hello (default: 10)",
    )
    resources = parser.add_argument_group(
        "resource limits of external bots (cmd:...)",
        "Each process of a cmd: bot gets them. A bot that runs out (of memory, CPU time...)"
        " usually crashes or is killed: it is eliminated, and the reason says which limit.",
    )
    resources.add_argument(
        "--memory-mb",
        metavar="MB",
        help="memory (address space, MiB) a cmd: bot may reserve; raise it for a bot that"
        " loads a big model, e.g. --memory-mb 4096 (default: 1024)",
    )
    resources.add_argument(
        "--cpu-seconds",
        metavar="S",
        help="CPU time a cmd: bot may use over the whole match, whole seconds; the bot is"
        " killed when it is used up (default: 300)",
    )
    resources.add_argument(
        "--max-open-files",
        metavar="N",
        help="files and sockets a cmd: bot may have open at once (default: 256)",
    )
    resources.add_argument(
        "--max-file-mb",
        metavar="MB",
        help="largest file (MiB) a cmd: bot may write in its folder (default: 64)",
    )
    resources.add_argument(
        "--max-processes",
        metavar="N",
        help="processes and threads a cmd: bot may have at once, which stops a fork bomb"
        " (default: 64; raise it for a runtime with a thread per CPU core on a big machine)",
    )
    parser.add_argument(
        "--bot-read",
        action="append",
        metavar="DIR",
        help="a folder (or file) every cmd: bot may read besides its own folder and the"
        " system's, such as a data file it needs; repeatable (bots cannot read elsewhere)",
    )
