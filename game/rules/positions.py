"""Find the line of any key in a TOML document, because ``tomli`` keeps no positions.

:func:`key_lines` scans a document that ``tomli`` has already accepted and records the line where
every table header, key and array element starts, under its full key path: ``[[providers]]``
tables get their index (``("providers", 2, "list_price")``), arrays of values and inline tables
get theirs (``("effects", 0, "select")``), and nested ``[[seats]]`` or ``[market]`` tables are
found the same way. The scan is best effort: it never raises, and :meth:`KeyLines.line` falls back
to the nearest enclosing key that it did find.
"""

from __future__ import annotations

from bisect import bisect_right
from contextlib import suppress
from dataclasses import dataclass

from game.rules.problems import KeyPath

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")


@dataclass(frozen=True)
class KeyLines:
    """Lines of the keys of one TOML document, by key path."""

    lines: dict[KeyPath, int]

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, else of its nearest enclosing key or table, else ``None``."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None


def key_lines(text: str) -> KeyLines:
    """Scan a TOML document for the line of every key, table and array element."""
    scanner = _Scanner(text)
    # Positions only decorate problem reports: keep what was found before any surprise.
    with suppress(IndexError, ValueError):
        scanner.document()
    return KeyLines(scanner.found)


class _Scanner:
    """A forgiving reader of the TOML grammar that records positions instead of values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, int] = {}
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]
        self._table: KeyPath = ()
        # The last index of every array of tables seen so far, by its concrete path.
        self._array_tables: dict[KeyPath, int] = {}

    # ---------------------------------------------------------------- helpers

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _line(self) -> int:
        return bisect_right(self._newlines, self.pos - 1) + 1

    def _record(self, path: KeyPath) -> None:
        self.found.setdefault(path, self._line())

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t", "\r") and self._peek():
            self.pos += 1

    def _skip_blank(self) -> None:
        """Skip whitespace, newlines and comments (between values of arrays, between lines)."""
        while True:
            char = self._peek()
            if char in (" ", "\t", "\r", "\n") and char:
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def _skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    # ---------------------------------------------------------------- grammar

    def document(self) -> None:
        while True:
            self._skip_blank()
            if self.pos >= len(self.text):
                return
            start = self.pos
            if self._peek() == "[":
                self._header()
            else:
                self._key_value(self._table)
            self._skip_to_line_end()
            if self.pos <= start:  # never loop on text the grammar did not expect
                self.pos = start + 1

    def _concrete(self, parts: KeyPath) -> KeyPath:
        """The path of a header's key with the current index of every array of tables in it."""
        path: KeyPath = ()
        for part in parts:
            path = (*path, part)
            if path in self._array_tables:
                path = (*path, self._array_tables[path])
        return path

    def _header(self) -> None:
        is_array = self._peek(1) == "["
        self.pos += 2 if is_array else 1
        parts = self._key()
        if is_array:
            parent = self._concrete(parts[:-1])
            table = (*parent, parts[-1])
            index = self._array_tables.get(table, -1) + 1
            self._array_tables[table] = index
            self._record(table)
            self._table = (*table, index)
        else:
            self._table = self._concrete(parts)
        self._record(self._table)

    def _key(self) -> KeyPath:
        parts: list[str] = []
        while True:
            self._skip_spaces()
            char = self._peek()
            if char == '"':
                parts.append(self._basic_string())
            elif char == "'":
                parts.append(self._literal_string())
            else:
                start = self.pos
                while self._peek() in _BARE_KEY_CHARS and self._peek():
                    self.pos += 1
                if self.pos == start:
                    raise ValueError("expected a key")
                parts.append(self.text[start : self.pos])
            self._skip_spaces()
            if self._peek() != ".":
                return tuple(parts)
            self.pos += 1

    def _key_value(self, table: KeyPath) -> None:
        parts = self._key()
        for end in range(1, len(parts) + 1):  # dotted keys: a.b = 1 also locates a
            self._record((*table, *parts[:end]))
        self._skip_spaces()
        if self._peek() != "=":
            raise ValueError("expected '='")
        self.pos += 1
        self._skip_spaces()
        self._value((*table, *parts))

    def _value(self, path: KeyPath) -> None:
        char = self._peek()
        if char == '"':
            self._basic_string()
        elif char == "'":
            self._literal_string()
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            start = self.pos
            while self._peek() and self._peek() not in _SCALAR_END:
                self.pos += 1
            if self.pos == start:
                raise ValueError("expected a value")

    def _array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip_blank()
            char = self._peek()
            if char == "]":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            if not char:
                raise ValueError("unterminated array")
            element = (*path, index)
            self._record(element)
            self._value(element)
            index += 1

    def _inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self._skip_blank()  # TOML 1.1 allows newlines and comments in inline tables
            char = self._peek()
            if char == "}":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            if not char:
                raise ValueError("unterminated inline table")
            self._key_value(path)

    def _basic_string(self) -> str:
        if self.text.startswith('"""', self.pos):
            return self._multiline('"""', escapes=True)
        self.pos += 1
        start = self.pos
        while True:
            char = self._peek()
            if char == "\\":
                self.pos += 2
            elif char in ('"', "\n", ""):
                value = self.text[start : self.pos]
                self.pos += 1
                return value
            else:
                self.pos += 1

    def _literal_string(self) -> str:
        if self.text.startswith("'''", self.pos):
            return self._multiline("'''", escapes=False)
        self.pos += 1
        end = self.text.find("'", self.pos)
        if end < 0:
            raise ValueError("unterminated string")
        value = self.text[self.pos : end]
        self.pos = end + 1
        return value

    def _multiline(self, quotes: str, *, escapes: bool) -> str:
        self.pos += 3
        start = self.pos
        while True:
            char = self._peek()
            if not char:
                raise ValueError("unterminated string")
            if escapes and char == "\\":
                self.pos += 2
            elif self.text.startswith(quotes, self.pos):
                # Up to two quote characters may end the content right before the delimiter.
                while self.text.startswith(quotes, self.pos + 1):
                    self.pos += 1
                value = self.text[start : self.pos]
                self.pos += 3
                return value
            else:
                self.pos += 1
