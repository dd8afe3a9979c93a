"""What is wrong with a content folder: :class:`Problem`, :class:`ContentError` and suggestions.

Every check (TOML syntax, model validation, cross-references) reports :class:`Problem` values so
that ``capwars content check`` can print all of them at once, each as
``file:line: key.path: message``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any, get_args

KeyPath = tuple[str | int, ...]
"""Where a value sits inside a TOML document: ``("providers", 2, "regions", 0)``."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can.

    >>> str(Problem("providers.toml", 12, "providers[stratus].list_price", "must be > 0"))
    'providers.toml:12: providers[stratus].list_price: must be > 0'
    """

    file: str
    """The file, relative to the content folder (``scenarios/intro.toml``)."""
    line: int | None
    """1-based line of the offending key or value, if it could be found."""
    path: str
    """Dotted key path in the file, items named by id: ``events[heatwave].effects[0].select``."""
    message: str
    """What is wrong, with a close-match suggestion where one helps."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order problems by file, then line, so the report reads top to bottom."""
        return (self.file, self.line or 0, self.path, self.message)


class ContentError(Exception):
    """The content folder has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known``, or ``""`` if none is close.

    >>> did_you_mean("stratos", ["stratus", "nimbus"])
    " (did you mean 'stratus'?)"
    """
    matches = get_close_matches(word, sorted(set(known)), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def close_name(path: Path, *, files_only: bool = False, cutoff: float = 0.6) -> str | None:
    """The name beside ``path`` in its folder closest to its own (a typo's did-you-mean), or
    ``None`` when nothing is close or the folder cannot be read."""
    try:
        names = sorted(
            entry.name for entry in os.scandir(path.parent) if not files_only or entry.is_file()
        )
    except OSError:
        return None
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=cutoff)
    return close[0] if close else None


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """A number of things in words: ``counted(1, "lesson")`` is ``1 lesson``,
    ``counted(2, "lesson")`` is ``2 lessons``, ``counted(3, "foundry", "foundries")`` is
    ``3 foundries``."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def render_path(label: str, path: Sequence[str | int]) -> str:
    """Join a key path for humans: ``render_path("events[x]", ("effects", 0))`` is
    ``events[x].effects[0]``."""
    text = label
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def names_kind(model: Any, table: Any) -> bool:
    """Whether ``table`` (a TOML table) is meant for ``model``, a member of a tagged union:
    the model has a ``kind`` field and the table's ``kind`` is one of its values."""
    field = getattr(model, "model_fields", {}).get("kind")
    return (
        field is not None
        and isinstance(table, dict)
        and table.get("kind") in get_args(field.annotation)
    )
