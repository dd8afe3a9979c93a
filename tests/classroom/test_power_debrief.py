"""A lesson about power: the debrief shows what each region's power cost, quarter by quarter,
so a class can see an energy shock land (and how long it lasted)."""

from __future__ import annotations

import csv
from pathlib import Path

from game.cli import main
from game.rules.paths import resolve_content_dir


def lesson(tmp_path: Path, mechanics: str) -> Path:
    """The tutorial with ``mechanics`` and a two-quarter Nordic drought scripted at turn 2."""
    text = (resolve_content_dir(None) / "scenarios" / "tutorial.toml").read_text("utf-8")
    text = text.replace('id = "tutorial"', 'id = "dry-year"')
    start = text.index("mechanics = ")
    end = text.index("\n", start)
    text = text[:start] + f"mechanics = {mechanics}" + text[end:]
    text += '\n[[scripted_events]]\nturn = 2\nevent = "nordic_drought"\n'
    path = tmp_path / "dry_year.toml"
    path.write_text(text, encoding="utf-8")
    return path


def debrief(tmp_path: Path, path: Path) -> Path:
    replay, out = tmp_path / "run.jsonl", tmp_path / "debrief"
    assert main(["match", "--scenario", str(path), "--seed", "3", "--replay", str(replay)]) == 0
    assert main(["report", str(replay), "--scenario", str(path), "--out", str(out)]) == 0
    return out


def test_the_debrief_shows_each_regions_power_price_for_every_quarter_a_shock_lasts(
    tmp_path: Path,
) -> None:
    """Before, nothing in the report or its CSV files showed power prices: a lesson on a
    regional power crunch had no figure of the crunch to debrief."""
    path = lesson(tmp_path, '["spot", "reserved", "chips", "network", "datacenters"]')
    out = debrief(tmp_path, path)
    with (out / "supply.csv").open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["kind"] == "power_price"]
    nordic = {int(r["quarter"]): float(r["value"]) for r in rows if r["id"] == "eu-north"}
    # The drought (x1.6, two quarters) in quarters 2 and 3, not only in the first.
    assert nordic == {0: 45.0, 1: 45.0, 2: 72.0, 3: 72.0, 4: 45.0, 5: 45.0, 6: 45.0, 7: 45.0}
    assert {r["id"] for r in rows} >= {"us-east", "eu-north"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Power price by region" in html


def test_a_lesson_without_data_centres_has_no_power_chart(tmp_path: Path) -> None:
    out = debrief(tmp_path, lesson(tmp_path, '["spot", "reserved"]'))
    assert "power_price" not in (out / "supply.csv").read_text(encoding="utf-8")
    assert "Power price by region" not in (out / "report.html").read_text(encoding="utf-8")


TWICE = """\
from game.agents import Bot
from game.engine.actions import Reserve


class Twice(Bot):
    name = "twice"

    def act(self, observation):
        if observation.turn:
            return []
        return [Reserve(provider="stratus", quantity=1.0, term=4)] * 3
"""


def test_the_same_order_placed_three_times_is_one_line_in_the_decisions_timeline(
    tmp_path: Path,
) -> None:
    """Before, a team (or a rival: the hedger near the end of a match) that booked the same
    contract three times in a quarter filled the timeline with three identical lines."""
    bot = tmp_path / "twice.py"
    bot.write_text(TWICE, encoding="utf-8")
    replay, out = tmp_path / "run.jsonl", tmp_path / "debrief"
    command = ["match", "--scenario", "tutorial", "--seed", "3", "--replay", str(replay)]
    assert main([*command, "--bot", f"{bot}:Twice", "--bot", "balanced"]) == 0
    assert main(["report", str(replay), "--out", str(out)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    line = "Reserved 1 kGPU at Stratus Cloud for 4 quarters"
    assert f"<li>{line} (×3)</li>" in html
    assert html.count(line) == 1
    decisions = (out / "decisions.csv").read_text(encoding="utf-8")
    assert decisions.count(line) == 3  # the CSV keeps one row per action


def power_rows(out: Path, region: str) -> dict[int, float]:
    with (out / "supply.csv").open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["kind"] == "power_price"]
    return {int(r["quarter"]): float(r["value"]) for r in rows if r["id"] == region}


def test_a_one_quarter_heat_wave_shows_in_the_quarter_it_lasted(tmp_path: Path) -> None:
    """Before, a one-quarter shock (``heat_wave``: US West power x1.5) showed nowhere: the
    prices were read from the effects left in the states after each quarter, and a one-quarter
    effect is gone from the state after its quarter."""
    path = lesson(tmp_path, '["spot", "reserved", "chips", "network", "datacenters"]')
    text = path.read_text("utf-8").replace('event = "nordic_drought"', 'event = "heat_wave"')
    path.write_text(text, encoding="utf-8")
    out = debrief(tmp_path, path)
    assert power_rows(out, "us-west") == {t: 142.5 if t == 2 else 95.0 for t in range(8)}


def test_a_shock_scripted_twice_shows_twice_over_as_the_engine_applies_it(tmp_path: Path) -> None:
    """A drought scripted twice at the same turn starts twice, and the engine multiplies the
    power price by 1.6 twice (content check notes it); the debrief showed it once."""
    path = lesson(tmp_path, '["spot", "reserved", "chips", "network", "datacenters"]')
    with path.open("a", encoding="utf-8") as file:
        file.write('\n[[scripted_events]]\nturn = 2\nevent = "nordic_drought"\n')
    out = debrief(tmp_path, path)
    assert power_rows(out, "eu-north") == {t: 115.2 if t in (2, 3) else 45.0 for t in range(8)}
