"""``capwars content check [DIR | FILE.toml]``: load a content folder, or one scenario file
written anywhere, and report every problem in it.

Also runnable on its own: ``python -m game.rules.check [DIR | FILE.toml]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from game.rules.bundle import NOUNS, count
from game.rules.loader import ContentError, load_content, load_scenario_file
from game.rules.models import Content
from game.rules.paths import resolve_content_dir
from game.rules.problems import Problem


def check_content(directory: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Every problem in the content folder (the game's own by default); empty if it is fine."""
    try:
        load_content(directory)
    except ContentError as error:
        return error.problems
    return []


def check_scenario_file(
    path: str | os.PathLike[str], content_dir: str | os.PathLike[str] | None = None
) -> list[Problem]:
    """Every problem in one scenario file checked against a content folder (the game's own by
    default), including the folder's own problems; empty if it is fine."""
    try:
        content = load_content(content_dir)
        load_scenario_file(path, content)
    except ContentError as error:
        return error.problems
    return []


def run_scenario_check(
    path: str | os.PathLike[str],
    content_dir: str | os.PathLike[str] | None = None,
    out: TextIO | None = None,
) -> int:
    """Print ``scenario OK: ...`` or every problem of one scenario file; the exit status."""
    out = out if out is not None else sys.stdout
    try:
        content = load_content(content_dir)
        scenario = load_scenario_file(path, content)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=out)
        noun = "problem" if len(error.problems) == 1 else "problems"
        print(f"{len(error.problems)} {noun} in {path}", file=out)
        return 1
    print(
        f"scenario OK: {scenario.id} ({scenario.name}), {scenario.quarters} quarters,"
        f" {len(scenario.seats)} seats, {len(scenario.scripted_events)} scripted events,"
        f" {len(scenario.lessons)} lessons, {len(scenario.predictions)} predictions,"
        f" {len(scenario.discussion)} discussion questions",
        file=out,
    )
    return 0


def summary(content: Content) -> str:
    """``content OK: 5 industries, 4 regions, ... (3 scenarios)``."""
    arrays = ", ".join(
        count(kind, len(getattr(content, kind))) for kind in NOUNS if kind != "scenarios"
    )
    return f"content OK: {arrays} ({count('scenarios', len(content.scenarios))})"


def run_content_check(
    directory: str | os.PathLike[str] | None = None, out: TextIO | None = None
) -> int:
    """Print the summary or every problem to ``out`` (stdout); the exit status, 0 or 1."""
    out = out if out is not None else sys.stdout
    root = resolve_content_dir(directory)
    try:
        content = load_content(root)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=out)
        noun = "problem" if len(error.problems) == 1 else "problems"
        print(f"{len(error.problems)} {noun} in {root}", file=out)
        return 1
    print(summary(content), file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m game.rules.check [DIR | FILE.toml] [--content DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m game.rules.check",
        description="Check a content folder, or one scenario file against a content folder.",
    )
    parser.add_argument(
        "directory", nargs="?", help="content folder or scenario file (default: the game's own)"
    )
    parser.add_argument("--content", help="content folder a scenario file is checked against")
    args = parser.parse_args(argv)
    if args.directory is not None and os.path.isfile(args.directory):
        return run_scenario_check(args.directory, args.content)
    return run_content_check(args.directory)


if __name__ == "__main__":
    raise SystemExit(main())
