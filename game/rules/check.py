"""``capwars content check [DIR | FILE.toml]``: load a content folder, or one scenario file
written anywhere, and report every problem in it.

Also runnable on its own: ``python -m game.rules.check [DIR | FILE.toml]``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import tomli

from game.rules.bundle import NOUNS, TABLE_MODELS, count
from game.rules.loader import (
    ContentError,
    load_content,
    load_content_with_notes,
    load_scenario_file,
    load_scenario_file_with_notes,
)
from game.rules.models import Content
from game.rules.paths import resolve_content_dir
from game.rules.problems import Problem, counted
from game.rules.text import decode_text, shell_word


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


def in_folder(problems: list[Problem], directory: str | os.PathLike[str] | None) -> list[Problem]:
    """``problems`` with their files named as the user can open them: under ``directory`` as it
    was typed (``mycontent/chips.toml``), when a content folder was given."""
    if directory is None:
        return problems
    root = str(directory)

    def under_root(match: re.Match[str]) -> str:
        # A duplicate id names the other copy's file too: as openable as the first.
        return f"{match[1]}{os.path.join(root, match[2])}:"

    return [
        problem
        if os.path.isabs(problem.file) or problem.file == root
        else replace(
            problem,
            file=os.path.join(root, problem.file),
            message=_ALSO_AT.sub(under_root, problem.message),
        )
        for problem in problems
    ]


_ALSO_AT = re.compile(r"(\(also at )([^:()\s]+):")


def other_world_hint(
    problems: Sequence[Problem], content_dir: str | os.PathLike[str] | None
) -> str:
    """For a scenario file read without ``--content`` that names providers, events, ... the
    game's content does not have (a scenario for a world of one's own): against what it was
    read, and what to add; ``""`` otherwise. A scenario file inside a content folder of its
    own (``mycontent/scenarios/lesson.toml``) read without ``--content`` gets the command that
    checks it with its folder, whatever its problems: a suggestion such as "unknown event
    'nordic_blackout' (did you mean 'nordic_drought'?)" sends its writer the wrong way."""
    if content_dir is not None:
        return ""
    folder = _home_folder(problems)
    if folder is not None:
        return (
            f"(checked against the game's own content folder {resolve_content_dir(None)}, but"
            f" this file is in the content folder {folder}: check it with capwars content check"
            f" {shell_word(folder)}, and give --content {shell_word(folder)} to every"
            " command that plays it)"
        )
    if not any(_unknown_id(p) for p in problems):
        return ""
    return (
        f"(checked against the content folder {resolve_content_dir(None)}: a scenario for a"
        " content folder of your own is checked with --content DIR)"
    )


def _home_folder(problems: Sequence[Problem]) -> Path | None:
    """The content folder a problem's scenario file sits in (``DIR/scenarios/FILE.toml``, where
    ``DIR`` holds content files), when it is not the game's own; else ``None``."""
    own = resolve_content_dir(None).resolve()
    for problem in problems:
        file = Path(problem.file)
        if file.suffix != ".toml" or file.parent.name != "scenarios":
            continue
        folder = file.parent.parent
        try:
            if folder.resolve() == own or not any(folder.glob("*.toml")):
                continue
        except OSError:
            continue
        return folder
    return None


def _unknown_id(problem: Problem) -> bool:
    """An id the content does not know and has nothing close to (not a typo of a key or an id):
    the sign of a scenario written for another content folder."""
    message = problem.message
    return (
        message.startswith("unknown ")
        and not message.startswith("unknown key ")
        and "did you mean" not in message
        and ": write its id, " not in message
        and "is an archetype" not in message
    )


def run_scenario_check(
    path: str | os.PathLike[str],
    content_dir: str | os.PathLike[str] | None = None,
    out: TextIO | None = None,
) -> int:
    """Print ``scenario OK: ...`` or every problem of one scenario file; the exit status."""
    out = out if out is not None else sys.stdout
    try:
        content = load_content(content_dir)
    except ContentError as error:
        problems = in_folder(error.problems, content_dir)
        for problem in problems:
            print(problem, file=out)
        where = resolve_content_dir(content_dir) if content_dir is None else content_dir
        print(f"{counted(len(problems), 'problem')} in the content folder {where}", file=out)
        return 1
    try:
        scenario, notes = load_scenario_file_with_notes(path, content)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=out)
        print(f"{counted(len(error.problems), 'problem')} in {path}", file=out)
        hint = other_world_hint(error.problems, content_dir)
        if hint:
            print(hint, file=out)
        return 1
    print(
        f"scenario OK: {scenario.id} ({scenario.name}), {counted(scenario.quarters, 'quarter')},"
        f" {counted(len(scenario.seats), 'seat')},"
        f" {counted(len(scenario.scripted_events), 'scripted event')},"
        f" {counted(len(scenario.lessons), 'lesson')},"
        f" {counted(len(scenario.predictions), 'prediction')},"
        f" {counted(len(scenario.discussion), 'discussion question')}",
        file=out,
    )
    _print_notes(notes, out)
    return 0


def _print_notes(notes: list[Problem], out: TextIO) -> None:
    """The notes after the OK line, and what they are (the check still passes)."""
    for note in notes:
        print(note, file=out)
    if notes:
        print(
            f"({counted(len(notes), 'note')}: this plays, but probably not as you meant;"
            " fix it, or leave it if it is the lesson)",
            file=out,
        )


def summary(content: Content) -> str:
    """``content OK: 5 industries, 4 regions, ... (3 scenarios)``."""
    arrays = ", ".join(
        count(kind, len(getattr(content, kind))) for kind in NOUNS if kind != "scenarios"
    )
    return f"content OK: {arrays} ({count('scenarios', len(content.scenarios))})"


def run_content_check(
    directory: str | os.PathLike[str] | None = None,
    out: TextIO | None = None,
    content_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Print the summary or every problem to ``out`` (stdout); the exit status, 0 or 1. A
    folder of lesson files (scenarios, and no content of a world) has each file checked, against
    ``content_dir`` (default: the game's own content)."""
    out = out if out is not None else sys.stdout
    root = resolve_content_dir(directory)
    if directory is not None and (lessons := lesson_files(root)):
        return _check_lesson_folder(directory, lessons, content_dir, out)
    try:
        content, notes = load_content_with_notes(root)
    except ContentError as error:
        for problem in in_folder(error.problems, directory):
            print(problem, file=out)
        print(f"{counted(len(error.problems), 'problem')} in {root}", file=out)
        return 1
    print(summary(content), file=out)
    _print_notes(in_folder(notes, directory), out)
    if directory is None:
        # A designer starts a world of their own from a copy of this folder: say where it is
        # (in a wheel it is somewhere under site-packages).
        print(f"(the game's own content, in {root}: copy this folder to make your own)", file=out)
    return 0


def lesson_files(folder: Path) -> list[Path]:
    """The scenario files of a folder that holds lesson files and no content of a world
    (``lessons/`` with ``my_lesson.toml``); ``[]`` for a content folder, or one that cannot be
    told. Checked as a content folder, it gave a problem per key of each lesson ("unknown key
    'id' (expected one of: industries, regions, ...)"), none of them the teacher's."""
    if not folder.is_dir() or (folder / "scenarios").is_dir():
        return []
    lessons, unread = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        try:
            data = tomli.loads(decode_text(raw))
        except (UnicodeError, tomli.TOMLDecodeError):
            # Told by its lines: a lesson with a slip (checked on its own, with its line) is
            # no reason to read the folder as a world's, with a problem per missing table.
            text = raw.decode("utf-8", errors="replace")
            if _WORLD_TABLE.search(text):
                return []
            unread.append(path)
            if _LESSON_LINE.search(text):
                lessons.append(path)
            continue
        if any(_tables(data.get(kind)) for kind in TABLE_MODELS):
            return []  # a world's file ([[providers]] tables): a content folder
        if "seats" in data or "market" in data or "quarters" in data:
            lessons.append(path)
    return sorted(set(lessons + unread)) if lessons else []


_WORLD_TABLE = re.compile(rf"^[ \t]*\[\[[ \t]*(?:{'|'.join(TABLE_MODELS)})[ \t]*\]\]", re.MULTILINE)
"""A line of a world's file that TOML cannot read: a ``[[providers]]`` header."""
_LESSON_LINE = re.compile(
    r"^[ \t]*(?:\[\[?[ \t]*(?:seats|market|scripted_events|lessons|predictions)[ \t]*\]"
    r"|quarters[ \t]*=)",
    re.MULTILINE,
)
"""A line of a scenario file that TOML cannot read: a ``[[seats]]`` or ``[market]`` header, the
``quarters`` key."""


def _tables(value: object) -> bool:
    """Whether ``value`` is a list of tables (a world's ``[[providers]]``), not the list of
    ids a scenario's ``providers = ["stratus"]`` is."""
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def _check_lesson_folder(
    directory: str | os.PathLike[str],
    lessons: list[Path],
    content_dir: str | os.PathLike[str] | None,
    out: TextIO,
) -> int:
    against = (
        f"the content folder {content_dir}"
        if content_dir is not None
        else f"the game's own content ({resolve_content_dir(None)})"
    )
    each = "it" if len(lessons) == 1 else "each"
    print(
        f"{directory} holds {counted(len(lessons), 'scenario file')} and no content of a world"
        f" (a content folder has [[providers]], [[chips]], ...): checking {each} against"
        f" {against}",
        file=out,
    )
    failed = 0
    for path in lessons:
        print(file=out)
        failed += run_scenario_check(path, content_dir, out=out) != 0
    if failed:
        print(file=out)
        print(f"{failed} of {counted(len(lessons), 'scenario file')} with problems", file=out)
    return 1 if failed else 0


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
    return run_content_check(args.directory, content_dir=args.content)


if __name__ == "__main__":
    raise SystemExit(main())
