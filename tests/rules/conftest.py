"""A minimal but complete content folder, written fresh into ``tmp_path`` for every test.

Each test breaks one thing in it (``folder.replace(...)``, ``folder.append(...)``) and checks the
problem reported: its file, its line (found with ``folder.line_of``), its key path and message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.check import check_content
from game.rules.problems import Problem

MINIMAL_FILES: dict[str, str] = {
    "industries.toml": """\
[[industries]]
id = "startup"
name = "Start-up"
starting_cash = 100.0
credit_limit = 50.0
""",
    "world.toml": """\
# Regions and the providers that serve them.
[[regions]]
id = "us-east"
name = "US East"
power_price = 60.0
grid_queue_quarters = 4
interconnect_mw_per_quarter = 100.0
tags = ["americas"]

[[providers]]
id = "stratus"
name = "Stratus"
kind = "hyperscaler"
regions = ["us-east"]
starting_capacity = 100.0
growth = 0.05
reliability = 0.95
list_price = 8.0
spot_floor = 4.0
reserved_share = 0.5
background_demand = 80.0
background_growth = 0.04
tags = ["big"]
""",
    "hardware.toml": """\
[[vendors]]
id = "nvidia"
name = "Nvidia"
base_lead = 2

[[chips]]
id = "h100"
name = "H100"
vendor = "nvidia"
generation = 1
perf = 1.0
power_kw = 1.2
price = 30.0
output_per_quarter = 50.0

[[fabrics]]
id = "infiniband"
name = "InfiniBand"
regions = ["us-east"]
ports_per_unit = 1.0
price = 2.0
output_per_quarter = 100.0
""",
    "research.toml": """\
[[technologies]]
id = "batching"
name = "Batching"
cost = 20.0
min_quarters = 2
effects = [{ kind = "efficiency", multiplier = 1.2 }]
""",
    "events.toml": """\
[[events]]
id = "outage"
category = "provider"
title = "Outage"
headline = "Stratus is down for {duration} quarter"
explain = "Capacity disappears while the provider recovers."
probability = 0.01
effects = [
  { target = "provider.outage", select = "stratus", op = "set", value = 1.0 },
]
""",
    "rivals.toml": """\
[[rivals]]
id = "acme"
name = "Acme AI"
industry = "startup"
archetype = "balanced"
""",
    "scenarios/intro.toml": """\
id = "intro"
name = "Intro"
summary = "A small test match."
quarters = 8
events_enabled = ["outage"]

[market]
demand = 50.0
demand_growth = 0.05

[[seats]]
industry = "startup"

[[seats]]
industry = "startup"
rival = "acme"

[[scripted_events]]
turn = 2
event = "outage"
""",
}


class ContentFolder:
    """A content folder in ``tmp_path`` that a test can break one edit at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name, text in MINIMAL_FILES.items():
            self.write(name, text)

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def read(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8")

    def append(self, name: str, text: str) -> None:
        existing = self.read(name) if (self.root / name).exists() else ""
        self.write(name, existing + "\n" + text)

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        self.write(name, text.replace(old, new))

    def line_of(self, name: str, needle: str) -> int:
        """The 1-based line of the only line of ``name`` that contains ``needle``."""
        lines = [n for n, line in enumerate(self.read(name).splitlines(), 1) if needle in line]
        assert len(lines) == 1, f"{needle!r} should be on exactly one line of {name}: {lines}"
        return lines[0]

    def problems(self) -> list[Problem]:
        return check_content(self.root)

    def only_problem(self) -> Problem:
        """The single problem reported; fails listing them all if there is not exactly one."""
        problems = self.problems()
        assert len(problems) == 1, "\n".join(str(p) for p in problems)
        return problems[0]


@pytest.fixture
def folder(tmp_path: Path) -> ContentFolder:
    """A fresh copy of the minimal content folder."""
    return ContentFolder(tmp_path / "content")
