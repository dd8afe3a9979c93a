"""The committed JSON schema matches the content models."""

from __future__ import annotations

import json

from game.rules.schema import REGENERATE, SCHEMA_PATH, content_schema, schema_text


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.is_file(), f"{SCHEMA_PATH} is missing: run {REGENERATE}"
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_text(), f"{SCHEMA_PATH} is out of date: run {REGENERATE}"


def test_schema_describes_the_bundle_and_a_scenario() -> None:
    definitions = content_schema()["$defs"]
    assert set(definitions["Content"]["properties"]) >= {"providers", "events", "scenarios"}
    assert "seats" in definitions["Scenario"]["required"]
    assert definitions["Provider"]["additionalProperties"] is False


def test_schema_text_is_sorted_and_ends_in_a_newline() -> None:
    text = schema_text()
    assert text.endswith("}\n")
    assert json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text
