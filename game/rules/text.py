"""Text files written by hand on any machine: scenario files, class result files, lists of names.

Windows editors save "UTF-8 with BOM" (an invisible byte-order mark first) or "Unicode" (UTF-16,
with a mark of its own); neither mark is part of the text. Any other encoding is refused by the
caller, which knows what the file is and how to say so.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
"""The byte-order marks a UTF-16 file starts with (little- and big-endian)."""


def decode_text(data: bytes) -> str:
    """``data`` as text: UTF-16 when it starts with its mark, else UTF-8 without a leading
    byte-order mark. Raises :class:`UnicodeDecodeError` for anything else."""
    if data.startswith(UTF16_MARKS):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def read_text(path: str | PathLike[str]) -> str:
    """The file's text, decoded by :func:`decode_text` (raises ``OSError`` or
    ``UnicodeDecodeError``)."""
    return decode_text(Path(path).read_bytes())


def shell_word(value: str | PathLike[str]) -> str:
    """A path as a command to copy shows it: in double quotes when it holds a space (a
    folder named ``class 3b``), which every shell (and Windows' cmd) reads as one word."""
    text = str(value)
    return f'"{text}"' if any(c.isspace() for c in text) else text
