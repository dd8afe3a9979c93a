"""The commands docs/TEACHING.md tells a teacher to run are whole commands: copied as they are
into a terminal, each is accepted (its arguments parse)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from game.cli import build_parser

TEACHING = Path(__file__).resolve().parents[2] / "docs" / "TEACHING.md"
RUN = re.compile(r"\b(?:Run|runs) `(capwars [^`]*)`")
"""A command the guide says to run: "Run `...`", "each team runs `...`"."""


def imperatives() -> list[str]:
    return RUN.findall(TEACHING.read_text(encoding="utf-8"))


def test_the_guide_tells_the_teacher_to_run_commands() -> None:
    assert "capwars class results class-results/ --out leaderboard/" in imperatives()
    assert "capwars class export saves/autosave-….jsonl --out red-team.json" in imperatives()


@pytest.mark.parametrize("command", imperatives())
def test_each_command_the_guide_says_to_run_parses_as_written(command: str) -> None:
    """Before, the 45-minute lesson plan said "Run `capwars class results`", which stops
    with "the following arguments are required: DIR" in the middle of the lesson, and "each
    team runs `capwars class export`", which stops with "... required: SAVE, --out/-o"."""
    argv = shlex.split(command)[1:]
    build_parser(argv).parse_args(argv)  # argparse exits (SystemExit 2) on a missing argument
