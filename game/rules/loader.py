"""Load a content folder into a validated :class:`~game.rules.models.Content`.

Layout: every ``*.toml`` at the top of the folder may hold any of the bundle's lists
(``[[providers]]``, ``[[events]]``, ...); each file in ``scenarios/`` holds one scenario.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli
from pydantic import ValidationError

from game.rules.models import Content
from game.rules.paths import resolve_content_dir


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ContentError(Exception):
    """The content folder has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _toml_files(directory: Path) -> tuple[list[Path], list[Path]]:
    tables = sorted(p for p in directory.glob("*.toml") if p.is_file())
    scenario_dir = directory / "scenarios"
    scenarios = sorted(scenario_dir.glob("*.toml")) if scenario_dir.is_dir() else []
    return tables, scenarios


def load_content(directory: str | os.PathLike[str] | None = None) -> Content:
    """Load and validate a content folder (default: the game's own content)."""
    root = resolve_content_dir(directory)
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "", "content folder not found")])
    tables, scenario_files = _toml_files(root)
    problems: list[Problem] = []
    bundle: dict[str, list[Any]] = {}
    for path in tables:
        try:
            data = tomli.loads(path.read_text(encoding="utf-8"))
        except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(path.name, getattr(exc, "lineno", None), "", str(exc)))
            continue
        for key, value in data.items():
            bundle.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    scenarios: list[Any] = []
    for path in scenario_files:
        try:
            scenarios.append(tomli.loads(path.read_text(encoding="utf-8")))
        except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(f"scenarios/{path.name}", getattr(exc, "lineno", None), "", str(exc)))
    bundle["scenarios"] = scenarios
    if problems:
        raise ContentError(problems)
    try:
        return Content.model_validate(bundle)
    except ValidationError as exc:
        raise ContentError(
            [
                Problem(str(root), None, ".".join(str(x) for x in err["loc"]), err["msg"])
                for err in exc.errors()
            ]
        ) from None


def content_hash(content: Content) -> str:
    """A short, stable digest of the content, recorded in replays and saves."""
    return hashlib.blake2b(content.model_dump_json().encode(), digest_size=16).hexdigest()
