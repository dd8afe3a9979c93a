"""The TOML line locator finds keys in every shape a content file uses."""

from __future__ import annotations

import tomli

from game.rules.positions import key_lines

DOCUMENT = '''\
# A comment with [[brackets]] and key = "value" in it.
title = "top"
notes = """
fake = "not a key"
[[not_a_table]]
"""
quoted."dotted key" = 1

[market]
demand = 50.0  # trailing comment
reserved_discounts = [0.3, 0.4,
  0.5]

[[providers]]
id = "first"

[[providers]]
id = "second"
regions = [
  "us-east",  # a comment between elements
  "eu-west",
]

[[seats]]
industry = "startup"

[[seats]]
industry = "finance"
name = 'C:\\no\\escapes'

[[events]]
id = "x"
effects = [
  { target = "provider.outage", select = ["a", "b"], op = "set", value = 1 },
  { target = "vendor.output",
    select = "*", op = "mul", value = 0.5 },
]

[[events.extra]]
note = "nested array of tables"
'''


def test_document_is_valid_toml() -> None:
    tomli.loads(DOCUMENT)  # the locator is only ever run on what tomli accepted


def line(needle: str, occurrence: int = 0) -> int:
    """The line of the ``occurrence``-th line containing ``needle``."""
    found = [n for n, text in enumerate(DOCUMENT.splitlines(), 1) if needle in text]
    return found[occurrence]


def test_top_level_keys_and_multiline_strings() -> None:
    lines = key_lines(DOCUMENT)
    assert lines.line(("title",)) == line("title =")
    assert lines.line(("notes",)) == line("notes =")
    assert lines.line(("fake",)) is None  # text inside a string is not a key
    assert lines.line(("not_a_table",)) is None
    assert lines.line(("quoted", "dotted key")) == line("quoted.")


def test_tables_and_arrays_of_values() -> None:
    lines = key_lines(DOCUMENT)
    assert lines.line(("market",)) == line("[market]")
    assert lines.line(("market", "demand")) == line("demand =")
    assert lines.line(("market", "reserved_discounts", 2)) == line("  0.5]")


def test_arrays_of_tables_are_indexed() -> None:
    lines = key_lines(DOCUMENT)
    assert lines.line(("providers", 0, "id")) == line('id = "first"')
    assert lines.line(("providers", 1)) == line("[[providers]]", 1)
    assert lines.line(("providers", 1, "regions", 1)) == line('"eu-west"')
    assert lines.line(("seats", 1, "name")) == line("name = 'C")


def test_inline_tables_inside_arrays() -> None:
    lines = key_lines(DOCUMENT)
    assert lines.line(("events", 0, "effects", 0, "select", 1)) == line("provider.outage")
    assert lines.line(("events", 0, "effects", 1, "target")) == line("vendor.output")
    assert lines.line(("events", 0, "effects", 1, "select")) == line('select = "*"')
    assert lines.line(("events", 0, "extra", 0, "note")) == line("note =")


def test_unknown_paths_fall_back_to_the_nearest_enclosing_key() -> None:
    lines = key_lines(DOCUMENT)
    assert lines.line(("providers", 1, "list_price")) == line("[[providers]]", 1)
    assert lines.line(("market", "missing")) == line("[market]")
    assert lines.line(("nowhere", 3)) is None
    assert lines.line(()) is None


def test_text_that_is_not_toml_never_raises() -> None:
    lines = key_lines('a = 1\nb = "unterminated\n[[c\nd = {')
    assert lines.line(("a",)) == 1
