"""Load a content folder into a validated :class:`~game.rules.models.Content`.

Layout: every ``*.toml`` at the top of the folder may hold any of the bundle's arrays
(``[[providers]]``, ``[[events]]``, ...); each file in ``scenarios/`` holds one scenario, its keys
at the top level.

Loading never stops at the first problem. Every file is parsed, every item is validated on its
own (so one broken provider does not hide the problems of the others), duplicate ids and
cross-references are checked, and only then, if anything was wrong, :class:`ContentError` lists
every problem, each located as ``file:line: key.path: message``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import tomli
from pydantic import BaseModel, ValidationError

from game.rules.advice import scenario_notes
from game.rules.bundle import NOUNS, TABLE_MODELS
from game.rules.crossref import Unvalidated, check_references, check_scenario_references
from game.rules.messages import validation_problems
from game.rules.models import Content, Scenario
from game.rules.numbers import number_problems
from game.rules.paths import resolve_content_dir
from game.rules.positions import key_lines
from game.rules.problems import ContentError, Problem, did_you_mean
from game.rules.sources import ContentFile, ItemSource
from game.rules.text import UTF16_MARKS, decode_text

__all__ = [
    "SCENARIO_DIR",
    "ContentError",
    "Problem",
    "content_hash",
    "is_scenario_path",
    "load_content",
    "load_content_with_notes",
    "load_scenario_file",
    "load_scenario_file_with_notes",
    "resolve_scenario",
    "with_scenario",
]

_ID_PATTERN_MESSAGE = "ids are lower-case letters"
"""How :mod:`game.rules.messages` starts the message for a value that is not an id."""

SCENARIO_DIR = "scenarios"
"""The sub-folder holding one scenario per file."""

_ERROR_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")
_ARRAY_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_-]+)\s*\]\]?")
"""A table header, for guessing the ids of a file that is not TOML: ``[[providers]]``, and the
slips that made it invalid (``[providers]`` repeated, ``[[providers]``)."""
_ID_LINE = re.compile(r"""\s*id\s*=\s*["']([^"'\n]+)["']""")
_TURN_PAST = re.compile(r"^(scripted_events|lessons|predictions): turn -?\d+ is past")


@dataclass(frozen=True)
class _Item:
    """One raw item read from a file, before validation."""

    kind: str
    raw: Any
    source: ItemSource


def load_content(directory: str | os.PathLike[str] | None = None) -> Content:
    """Load and validate a content folder (default: the game's own content).

    Raises :class:`ContentError` listing every problem in every file if anything is wrong.
    """
    return load_content_with_notes(directory)[0]


def load_content_with_notes(
    directory: str | os.PathLike[str] | None = None,
) -> tuple[Content, list[Problem]]:
    """:func:`load_content`, and the notes on its scenarios (:mod:`game.rules.advice`): things
    that load and play but probably not as their writer meant."""
    root = resolve_content_dir(directory)
    content, problems, sources = _read(root)
    if problems:
        raise ContentError(sorted(problems, key=Problem.sort_key))
    notes = [
        note
        for scenario, source in zip(content.scenarios, sources["scenarios"], strict=True)
        for note in scenario_notes(content, scenario, source)
    ]
    return content, sorted(notes, key=Problem.sort_key)


def is_scenario_path(id_or_path: str) -> bool:
    """Whether ``--scenario`` names a file (``lessons/grid.toml``) rather than an id (``grid``).

    Ids are lower-case letters, digits, ``_`` and ``-``, so anything ending in ``.toml`` or
    holding a path separator is a file.
    """
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return id_or_path.lower().endswith(".toml") or any(sep in id_or_path for sep in separators)


def load_scenario_file(path: str | os.PathLike[str], content: Content | None = None) -> Scenario:
    """Load one scenario file that lives anywhere, checked against ``content`` (see
    :func:`load_scenario_file_with_notes`)."""
    return load_scenario_file_with_notes(path, content)[0]


def load_scenario_file_with_notes(
    path: str | os.PathLike[str], content: Content | None = None
) -> tuple[Scenario, list[Problem]]:
    """Load one scenario file that lives anywhere, checked against ``content``.

    The file holds one scenario, keys at the top level, exactly like a file in a content
    folder's ``scenarios/``. It is validated with the same rules and the same reports
    (``my_lesson.toml:12: market.demand: ...``), its ids (industries, rivals, events,
    providers, regions) are checked against ``content`` (default: the game's own), and its id
    must not be one ``content`` already has. Raises :class:`ContentError` listing every problem.
    Returns the scenario and its notes (:mod:`game.rules.advice`).
    """
    content = content if content is not None else load_content()
    target = Path(path)
    name = str(path)
    if not target.is_file():
        what = "is a folder, not a scenario file" if target.is_dir() else "scenario file not found"
        raise ContentError([Problem(name, None, "", what)])
    reader = _Reader()
    reader.read_file(target, name, scenario=True)
    reader.validate()
    problems = list(reader.problems)
    taken = {problem.path for problem in problems}
    scenario: Scenario | None = None
    if reader.valid["scenarios"]:
        valid = reader.valid["scenarios"][0]
        assert isinstance(valid, Scenario)
        scenario, source = valid, reader.sources["scenarios"][0]
        problems.extend(check_scenario_references(content, scenario, source))
        known = {s.id for s in content.scenarios}
        # The content's own file (content check content/scenarios/tutorial.toml, or played by
        # its path) is that scenario, not a clash; a different one under a taken id is.
        if scenario.id in known and content.scenario(scenario.id) != scenario:
            problems.append(
                source.problem(
                    ("id",),
                    f"scenario id {scenario.id!r} is already taken by the content folder's own"
                    f" scenario: give yours another id, e.g. {_free_id(scenario.id, known)!r}",
                )
            )
    elif reader.items and isinstance(reader.items[0].raw, dict):
        # The file failed validation: still check the ids it names, so the writer sees an
        # unknown event at the same time as a missing key, not one after the other.
        item = reader.items[0]
        lenient = _lenient_scenario(item.raw)
        found = check_scenario_references(content, lenient, item.source)
        problems.extend(p for p in found if p.path not in taken)
        # "Packaging fire" breaks the id pattern before it can be looked up; its lookup says
        # which id was meant ('packaging_fire'), which the pattern's example cannot.
        suggests = (": write its id, ", "did you mean")
        better = {p.path: p for p in found if any(hint in p.message for hint in suggests)}
        problems = [
            better.get(p.path, p) if p.message.startswith(_ID_PATTERN_MESSAGE) else p
            for p in problems
        ]
    if problems or scenario is None:
        if not problems:
            problems.append(Problem(name, None, "", "not a scenario (empty file?)"))
        raise ContentError(sorted(problems, key=Problem.sort_key))
    notes = scenario_notes(content, scenario, reader.sources["scenarios"][0])
    return scenario, sorted(notes, key=Problem.sort_key)


def _free_id(scenario_id: str, known: set[str]) -> str:
    number = 2
    while f"{scenario_id}-{number}" in known:
        number += 1
    return f"{scenario_id}-{number}"


def _lenient_scenario(raw: dict[str, Any]) -> Any:
    """The references of a scenario that failed validation, shaped like a :class:`Scenario`
    (only well-typed string ids are kept)."""
    from types import SimpleNamespace

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    def tables(key: str) -> list[dict[str, Any]]:
        value = raw.get(key)
        if not isinstance(value, list):
            return []
        return [entry if isinstance(entry, dict) else {} for entry in value]

    def ids(key: str) -> list[str] | None:
        value = raw.get(key)
        return [v if isinstance(v, str) else "" for v in value] if isinstance(value, list) else None

    seats = [
        SimpleNamespace(industry=text(e.get("industry")) or "", rival=text(e.get("rival")))
        for e in tables("seats")
    ]
    lenient = SimpleNamespace(
        seats=[s for s in seats],
        scripted_events=[
            SimpleNamespace(event=text(e.get("event")) or "") for e in tables("scripted_events")
        ],
        events_enabled=ids("events_enabled"),
        events_disabled=ids("events_disabled") or [],
        providers=ids("providers"),
        regions=ids("regions"),
        predictions=[
            SimpleNamespace(
                turn=e.get("turn") if isinstance(e.get("turn"), int) else None,
                metric=text(e.get("metric", "spot_price")),
                provider=text(e.get("provider")),
                vendor=text(e.get("vendor")),
                region=text(e.get("region")),
            )
            for e in tables("predictions")
        ],
    )
    # The checks ask it which providers are in play, by the one rule a valid scenario uses.
    lenient.plays = lambda provider: Scenario.plays(cast(Scenario, lenient), provider)
    return lenient


def with_scenario(content: Content, scenario: Scenario) -> Content:
    """``content`` with one more scenario (a file read by :func:`load_scenario_file`)."""
    return content.model_copy(update={"scenarios": (*content.scenarios, scenario)})


def resolve_scenario(content: Content, id_or_path: str) -> tuple[Content, str]:
    """The content to play ``--scenario ID_OR_PATH`` with, and the scenario's id.

    An id must name a scenario of ``content`` (``KeyError`` naming close matches otherwise); a
    path (see :func:`is_scenario_path`) is loaded with :func:`load_scenario_file` and added to
    the content, whose hash then covers it (replays of it record that hash). Raises
    :class:`ContentError` for a scenario file with problems.
    """
    if not is_scenario_path(id_or_path):
        content.scenario(id_or_path)
        return content, id_or_path
    scenario = load_scenario_file(id_or_path, content)
    if scenario.id in {s.id for s in content.scenarios}:
        return content, scenario.id  # the content's own scenario, unchanged
    return with_scenario(content, scenario), scenario.id


def content_hash(content: Content) -> str:
    """A short, stable digest of the whole content folder (every file, every scenario)."""
    return hashlib.blake2b(content.model_dump_json().encode(), digest_size=16).hexdigest()


WORDS_ONLY = frozenset({"summary", "description", "lessons", "predictions", "discussion"})
"""Scenario fields that only people read (the simulation never does)."""


def match_content_hash(content: Content, scenario_id: str) -> str:
    """A short, stable digest of what a match of ``scenario_id`` depends on, recorded in its
    replays and saves and covered by every state hash: the content without its scenarios and
    glossary, plus this scenario without the words only people read (:data:`WORDS_ONLY`).

    So adding a scenario to the folder, editing another one, the glossary, or this one's lesson
    notes, predictions or discussion questions leaves a game's saves loadable and its replays
    verifiable; a change to anything the simulation reads does not. Raises ``KeyError`` for an
    unknown scenario.
    """
    scenario = content.scenario(scenario_id)
    shared = content.model_dump_json(exclude={"scenarios", "glossary"})
    own = scenario.model_dump_json(exclude=set(WORDS_ONLY))
    return hashlib.blake2b(f"{shared}\n{own}".encode(), digest_size=16).hexdigest()


def _read(root: Path) -> tuple[Content, list[Problem], dict[str, list[ItemSource]]]:
    """The content of ``root`` (partial if there are problems), every problem found, and the
    source of each valid item."""
    if not root.is_dir():
        empty: dict[str, Any] = {kind: () for kind in Content.model_fields}
        missing = Problem(str(root), None, "", "content folder not found")
        return Content.model_construct(**empty), [missing], {}
    reader = _Reader()
    for path in _toml_files(root):
        reader.read_file(path, path.name, scenario=False)
    for path in _toml_files(root / SCENARIO_DIR):
        reader.read_file(path, f"{SCENARIO_DIR}/{path.name}", scenario=True)
    reader.problems.extend(_duplicate_ids(reader.items))
    reader.validate()
    content = _assemble(root, reader.valid, reader.declared_kinds(), reader.problems)
    reader.problems.extend(check_references(content, reader.sources, reader.unvalidated()))
    return content, reader.problems, reader.sources


class _Reader:
    """Reads files into raw items, then validates each item alone, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.items: list[_Item] = []
        self.valid: dict[str, list[BaseModel]] = {kind: [] for kind in (*TABLE_MODELS, "scenarios")}
        self.sources: dict[str, list[ItemSource]] = {kind: [] for kind in self.valid}
        self._ids: dict[str, set[str]] = {}  # of items that failed validation, or guessed
        self._tags: dict[str, set[str]] = {}
        self._complete = True

    def read_file(self, path: Path, name: str, *, scenario: bool) -> None:
        parsed = _parse(path, name, self.problems)
        if isinstance(parsed, str):
            # A file that is not TOML still declares ids: guess them, so that references to
            # them are not reported as dangling on top of the syntax error.
            self._complete = False
            for kind, ids in _guess_ids(parsed, "scenarios" if scenario else None).items():
                self._ids.setdefault(kind, set()).update(ids)
        elif parsed is not None and scenario and not parsed[0]:
            # Six "missing required key" lines would not say what happened: nothing was saved.
            self.problems.append(
                Problem(
                    name,
                    None,
                    "",
                    "the file is empty (or holds only comments): a scenario needs at least id,"
                    " name, summary, quarters, [[seats]] and [market]. Start from a copy of one"
                    " of the game's scenarios (content/scenarios/) or the worked example in"
                    " docs/CONTENT.md; if you wrote it, check it was saved",
                )
            )
        elif parsed is not None and scenario:
            document, file = parsed
            self.items.append(_Item("scenarios", document, ItemSource(file, (), "")))
        elif parsed is not None:
            self.items.extend(_table_items(*parsed, self.problems))

    def validate(self) -> None:
        for item in self.items:
            model = Scenario if item.kind == "scenarios" else TABLE_MODELS[item.kind]
            numbers = [item.source.problem(*found) for found in number_problems(model, item.raw)]
            self.problems.extend(numbers)
            try:
                validated = model.model_validate(item.raw)
            except ValidationError as error:
                found = validation_problems(error, model, item.raw, item.source)
                if item.kind == "scenarios":
                    found = [p for p in found if not _TURN_PAST.match(p.message) or p.path]
                    found.extend(_turns_past_the_end(item.raw, item.source))
                reported = {problem.path for problem in numbers}
                self.problems.extend(p for p in found if p.path not in reported)
                self._remember(item)
                continue
            self.valid[item.kind].append(validated)
            self.sources[item.kind].append(item.source)

    def _remember(self, item: _Item) -> None:
        """Keep the id and tags of an item that failed validation: others may name them."""
        if not isinstance(item.raw, dict):
            return
        if isinstance(item.raw.get("id"), str):
            self._ids.setdefault(item.kind, set()).add(item.raw["id"])
        tags = item.raw.get("tags")
        if isinstance(tags, list):
            self._tags.setdefault(item.kind, set()).update(t for t in tags if isinstance(t, str))

    def declared_kinds(self) -> set[str]:
        """The arrays that have at least one item, valid or not, read or guessed."""
        return {item.kind for item in self.items} | set(self._ids)

    def unvalidated(self) -> Unvalidated:
        return Unvalidated(
            ids={kind: frozenset(ids) for kind, ids in self._ids.items()},
            tags={kind: frozenset(tags) for kind, tags in self._tags.items()},
            complete=self._complete,
        )


def _turns_past_the_end(raw: Any, source: ItemSource) -> Iterator[Problem]:
    """Each scripted event, lesson or prediction of a scenario set after its last quarter,
    located at its ``turn`` (the model reports them without a line, and only when every other
    key is valid)."""
    if not isinstance(raw, dict):
        return
    quarters = raw.get("quarters")
    if not isinstance(quarters, int) or isinstance(quarters, bool) or quarters < 1:
        return
    for kind in ("scripted_events", "lessons", "predictions"):
        entries = raw.get(kind)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            turn = entry.get("turn") if isinstance(entry, dict) else None
            if isinstance(turn, int) and not isinstance(turn, bool) and turn >= quarters:
                yield source.problem(
                    (kind, index, "turn"),
                    f"turn {turn} is past the last quarter ({quarters - 1}): turns count from 0,"
                    f" so a scenario of {quarters} quarters has turns 0 to {quarters - 1}",
                )


def _toml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    # Dot-files are editor locks and backups, not content.
    return sorted(p for p in directory.glob("*.toml") if p.is_file() and not p.name.startswith("."))


def _parse(
    path: Path, name: str, problems: list[Problem]
) -> tuple[dict[str, Any], ContentFile] | str | None:
    """The document in ``path`` and its key lines; after reporting why not, the text if it is
    not TOML, or ``None`` if it could not be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, None, "", f"cannot read the file: {error.strerror}"))
        return None
    text = _decoded(data, name, problems)
    if text is None:
        return None
    try:
        document = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        problems.append(_syntax_problem(name, error, text))
        return text
    return document, ContentFile(name, key_lines(text))


_SAVE_AS_UTF8 = (
    "save the file as UTF-8 (in your editor's Save as, choose the encoding UTF-8; in Notepad"
    " it is the Encoding list beside the Save button)"
)


def _decoded(data: bytes, name: str, problems: list[Problem]) -> str | None:
    """The text of a TOML file, or ``None`` after saying why it cannot be read as text.

    TOML is UTF-8. The byte-order mark Windows editors put at the start of a UTF-8 file is
    invisible and harmless, so it is dropped; a file saved as UTF-16 ("Unicode") has a mark
    of its own and is read as such. Any other encoding (Windows-1252, Latin-1: an accented
    letter in a name or a note) is refused at the line and column of its first such letter."""
    try:
        return decode_text(data)
    except UnicodeDecodeError as error:
        if data.startswith(UTF16_MARKS):
            problems.append(Problem(name, None, "", f"not UTF-8 text: {_SAVE_AS_UTF8}"))
            return None
        start = error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        letter = data[start : start + 1].decode("cp1252", "replace")
        problems.append(
            Problem(
                name,
                line,
                "",
                f"not UTF-8 text (column {column}): the file was saved in another encoding"
                f" (the character here is probably {letter!r}): {_SAVE_AS_UTF8}",
            )
        )
        return None


def _guess_ids(text: str, kind: str | None) -> dict[str, set[str]]:
    """The ids a file that is not valid TOML seems to declare, by array, line by line."""
    guessed: dict[str, set[str]] = {}
    for line in text.splitlines():
        header = _ARRAY_HEADER.match(line)
        if header:
            kind = header[1]
            continue
        declared = _ID_LINE.match(line)
        if declared and kind is not None:
            guessed.setdefault(kind, set()).add(declared[1])
    return guessed


def _syntax_problem(name: str, error: tomli.TOMLDecodeError, text: str = "") -> Problem:
    # tomli >= 2.1 carries lineno/colno; older versions only put them in the message.
    message = str(getattr(error, "msg", error))
    line: int | None = getattr(error, "lineno", None)
    column: int | None = getattr(error, "colno", None)
    match = _ERROR_POSITION.search(message)
    if match:
        message = message[: match.start()].rstrip()
        line, column = int(match[1]), int(match[2])
    lines = text.splitlines()
    if line is not None and message == 'Expected "\'"':
        # tomli notices an open 'string only further down: point at the line that opens it.
        opened = next(
            (n for n in range(min(line, len(lines)), 0, -1) if lines[n - 1].count("'") % 2),
            None,
        )
        if opened is not None:
            line, column = opened, None
    hint = _syntax_hint(message, lines, line) if line is not None else ""
    where = f" (column {column})" if column else ""
    if hint:
        return Problem(name, line, "", f"invalid TOML{where}: {hint} (the parser says: {message})")
    return Problem(name, line, "", f"invalid TOML: {message}{where}")


_PERCENT = re.compile(r"\s*([A-Za-z0-9_\-]+)\s*=\s*(-?\d+(?:\.\d+)?)\s*%")
"""``demand_growth = 5%``: a percentage where TOML wants a number."""
_NUMBER_WITH_UNIT = re.compile(
    r"\s*([A-Za-z0-9_\-]+)\s*=\s*(-?\d+(?:\.\d+)?)\s*[A-Za-z$][A-Za-z$/ ]*\s*(#.*)?$"
)
"""``demand = 25 kGPU``: a number with its unit after it."""

_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
_KEY_AT_START = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.\-]+)\s*=""")


def _syntax_hint(message: str, lines: list[str], line: int) -> str:
    """A plain-language explanation of a TOML syntax error at ``line``, or ``""``."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if any(quote in text for quote in _CURLY_QUOTES):
        return (
            'curly quotes \u201c \u201d are not TOML quotes: use straight quotes " (word'
            " processors and some editors type curly ones: turn off smart quotes)"
        )
    if message == "Cannot overwrite a value":
        key = _KEY_AT_START.match(text)
        first = _first_setting(lines, line, key[1]) if key else None
        where = f" (first on line {first})" if first else ""
        return f"this key is set twice{where}: keep only one of them"
    if message.startswith("Cannot declare") and message.endswith("twice"):
        return (
            "this [table] is declared twice: a [table] header appears once; a list of tables"
            " repeats [[double brackets]]"
        )
    if message in ("Illegal character '\\n'", 'Expected "\'"'):
        return (
            "a string is not closed on this line: end it with the quote it starts with (text on"
            ' several lines goes between triple quotes """ ... """)'
        )
    if message == "Unterminated string":
        return 'a string in triple quotes """ is not closed: end it with """'
    if message == "Expected ']]' at the end of an array declaration":
        return "a [[list]] header ends with two brackets, e.g. [[seats]]"
    if message == "Unclosed array":
        return (
            "a list [ ... ] is not closed: a comma is missing at the end of the line before, or"
            " its closing ] is"
        )
    if message == "Expected '=' after a key in a key/value pair":
        return "write key = value: the = is missing (or the key has a space in it)"
    if message == "Invalid value":
        if re.search(r"=\s*(True|False|TRUE|FALSE)\b", text):
            return "true and false are written in lower case"
        return (
            'the value is not one TOML knows: text goes in straight quotes (name = "Grid'
            ' crunch"), numbers without them (quarters = 8), true/false in lower case'
        )
    if message == "Expected newline or end of document after a statement":
        percent = _PERCENT.match(text)
        if percent:
            value = float(percent[2])
            return (
                "a percentage is written as a share, without the % sign:"
                f" {percent[1]} = {value / 100:g} for {value:g}%"
            )
        unit = _NUMBER_WITH_UNIT.match(text)
        if unit:
            return (
                f"write the number alone, without its unit: {unit[1]} = {unit[2]} (each key's"
                " unit is fixed: see docs/CONTENT.md)"
            )
        return (
            "one key = value per line; a decimal number takes a point (1.5, not 1,5), and text"
            " with spaces goes in quotes"
        )
    return ""


def _first_setting(lines: list[str], line: int, key: str) -> int | None:
    """The earlier line of the same table that sets ``key``, if there is one."""
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        if text.lstrip().startswith("["):
            return None
        found = _KEY_AT_START.match(text)
        if found and found[1] == key:
            return number
    return None


def _table_items(
    document: dict[str, Any], file: ContentFile, problems: list[Problem]
) -> Iterator[_Item]:
    """The items of the arrays in one top-level file; unknown keys and non-arrays reported."""
    for key, value in document.items():
        line = file.lines.line((key,))
        if key == "scenarios":
            message = f"scenarios go in {SCENARIO_DIR}/*.toml, one scenario per file"
            problems.append(Problem(file.name, line, key, message))
        elif key not in TABLE_MODELS:
            hint = (
                did_you_mean(key, TABLE_MODELS) or f" (expected one of: {', '.join(TABLE_MODELS)})"
            )
            problems.append(Problem(file.name, line, key, f"unknown key {key!r}{hint}"))
        elif not isinstance(value, list):
            message = f"must be an array of tables: write [[{key}]], not [{key}]"
            problems.append(Problem(file.name, line, key, message))
        else:
            for index, raw in enumerate(value):
                source = ItemSource(file, (key, index), f"{key}[{_name_of(raw) or index}]")
                yield _Item(key, raw, source)


def _name_of(raw: Any) -> str | None:
    """The id (or glossary term) that names an item in reports, if it has a usable one."""
    if not isinstance(raw, dict):
        return None
    name = raw.get("id", raw.get("term"))
    return name if isinstance(name, str) and name and len(name) <= 48 else None


def _duplicate_ids(items: list[_Item]) -> Iterator[Problem]:
    """A problem for every item whose id (or glossary term) an earlier item of its kind took."""
    first: dict[tuple[str, str], ItemSource] = {}
    for item in items:
        key = "term" if item.kind == "glossary" else "id"
        name = item.raw.get(key) if isinstance(item.raw, dict) else None
        if not isinstance(name, str):
            continue
        earlier = first.setdefault((item.kind, name), item.source)
        if earlier is not item.source:
            where = f"{earlier.file.name}:{earlier.line((key,)) or '?'}"
            what = NOUNS[item.kind][0] if key == "term" else f"{NOUNS[item.kind][0]} id"
            yield item.source.problem(
                (key,),
                f"duplicate {what} {name!r} (also at {where}): give one of the two another {key}",
            )


def _assemble(
    root: Path, valid: dict[str, list[BaseModel]], present: set[str], problems: list[Problem]
) -> Content:
    """The bundle of the valid items, reporting arrays that must not be empty but are."""
    fields: dict[str, Any] = {kind: tuple(items) for kind, items in valid.items()}
    try:
        return Content.model_validate(fields)
    except ValidationError as error:
        for err in error.errors(include_url=False):
            kind = str(err["loc"][0]) if err["loc"] else ""
            if kind in present and err["type"] == "too_short":
                continue  # its items exist but failed validation: each is reported already
            if err["type"] == "too_short":
                message = f"no {NOUNS[kind][1]} defined: add a [[{kind}]] table to a .toml file"
            else:
                message = err["msg"]
            problems.append(Problem(str(root), None, kind, message))
        return Content.model_construct(**fields)
