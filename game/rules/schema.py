"""The JSON schema of the content models, committed as ``content/schema.json``.

Editors use it to complete and check content files; a test keeps the committed copy current.
Regenerate it after changing :mod:`game.rules.models`::

    python -m game.rules.schema          # rewrite content/schema.json
    python -m game.rules.schema --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from game.rules.models import Content, Scenario

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "content" / "schema.json"
"""The committed schema, beside the content it describes (in a clone or editable install)."""

REGENERATE = "python -m game.rules.schema"
"""The command that rewrites :data:`SCHEMA_PATH`."""


def content_schema() -> dict[str, Any]:
    """The JSON schema of the content bundle and of one scenario file, as a plain dict.

    Both models are in ``$defs``: ``Content`` is the whole bundle (each top-level ``*.toml`` holds
    some of its arrays) and ``Scenario`` is one ``scenarios/*.toml`` file.
    """
    _, schema = models_json_schema(
        [(Content, "validation"), (Scenario, "validation")],
        title="Capacity Wars content",
        description=(
            "Content of Capacity Wars. Each top-level *.toml file holds some of the arrays of "
            "Content ([[providers]], [[events]], ...); each scenarios/*.toml file is one Scenario."
        ),
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """:func:`content_schema` as committed: indented, keys sorted, ending in a newline."""
    return json.dumps(content_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schema to ``content/schema.json`` (or, with ``--check``, compare it)."""
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=SCHEMA_PATH, help="where the schema goes")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date: run {REGENERATE}", file=sys.stderr)
            return 1
        print(f"{args.output} is current")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
