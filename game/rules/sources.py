"""Where each content item came from, so any check can point at a file and a line.

The loader merges the ``[[providers]]`` tables of several files into one list; an
:class:`ItemSource` remembers, for every merged item, its file, its key path inside that file
(``("providers", 2)``, or ``()`` for a scenario, whose file is the item) and a label naming it
for humans (``providers[stratus]``).
"""

from __future__ import annotations

from dataclasses import dataclass

from game.rules.positions import KeyLines
from game.rules.problems import KeyPath, Problem, render_path


@dataclass(frozen=True)
class ContentFile:
    """One parsed TOML file: its name relative to the content folder and its key lines."""

    name: str
    lines: KeyLines


@dataclass(frozen=True)
class ItemSource:
    """The origin of one item of the bundle (a provider, an event, a scenario)."""

    file: ContentFile
    prefix: KeyPath
    """The item's key path inside its file: ``("providers", 2)``, or ``()`` for a scenario."""
    label: str
    """How reports name the item: ``providers[stratus]``, or ``""`` for a scenario."""

    def line(self, path: KeyPath = ()) -> int | None:
        """The line of ``path`` (relative to the item) in the item's file."""
        return self.file.lines.line((*self.prefix, *path))

    def problem(self, path: KeyPath, message: str) -> Problem:
        """A problem with the value at ``path`` (relative to the item)."""
        return Problem(self.file.name, self.line(path), render_path(self.label, path), message)
