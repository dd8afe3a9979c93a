"""docs/DESIGN.md's event example is the game's own event, key for key."""

from __future__ import annotations

import re
from pathlib import Path

import tomli

from game.rules import load_content
from game.rules.models import Event

ROOT = Path(__file__).resolve().parents[2]


def test_the_event_example_is_the_content_event_it_names() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml\n(\[\[events\]\].*?)```", design, re.DOTALL)
    (example,) = tomli.loads(block)["events"]
    shipped = {event.id: event for event in load_content().events}[example["id"]]
    assert Event.model_validate(example) == shipped
