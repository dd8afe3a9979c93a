"""Random provider outages: a scenario can scale them or switch them off, and each one is named.

``events_enabled = []`` and ``event_probability_scale = 0`` switch random *events* off; the
outage roll is separate (each provider fails with chance ``1 - reliability`` a quarter), so a
lesson that promises "exactly these shocks" needs ``outage_probability_scale = 0`` as well.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from game.cli import main
from game.engine.setup import new_match
from game.engine.step import step
from game.rules import load_content
from game.rules.loader import content_hash, with_scenario

SEEDS = range(5)


@pytest.fixture(scope="module")
def content():
    return load_content()


def with_scale(content, scale: float):
    """The content with a copy of the tutorial, ``outage_probability_scale = scale``."""
    tutorial = content.scenario("tutorial")
    copy = tutorial.model_copy(update={"id": "calm-tutorial", "outage_probability_scale": scale})
    return with_scenario(content, copy)


def outages(content, scenario: str, seed: int) -> tuple[list[tuple[int, str]], list[float]]:
    """(quarter, headline) of every random outage, and every provider's outage share."""
    state = new_match(content, scenario, seed=seed)
    found, shares = [], []
    while not state.over:
        state, report = step(state, [[] for _ in range(state.n_players)])
        found += [(report.turn, text) for _, text in report.random_outages]
        shares += [s.inputs.outage for s in report.spot if not s.inputs.outage_from_roll]
    return found, shares


def test_random_outages_happen_by_default_and_are_named(content) -> None:
    found = [hit for seed in SEEDS for hit in outages(content, "tutorial", seed)[0]]
    assert found, "the tutorial's providers should fail now and then (seeds 0-4)"
    for _, text in found:
        assert " random outage: " in text and "% of its capacity offline this quarter" in text


def test_scale_zero_switches_random_outages_off(content) -> None:
    calm = with_scale(content, 0.0)
    for seed in SEEDS:
        found, shares = outages(calm, "calm-tutorial", seed)
        assert found == [], (seed, found)
        # The tutorial's scripted Stratus outage (an event) still happens at turn 5.
        assert max(shares) > 0, seed


def test_the_key_at_its_default_leaves_the_content_hash_alone(content) -> None:
    """Content that does not set the key hashes as before it existed (replays still verify);
    setting it changes the hash."""
    assert "outage_probability_scale" not in content.scenario("tutorial").model_dump_json()
    assert "outage_probability_scale" in content.scenario("grid-queue").model_dump_json()
    assert content_hash(with_scale(content, 1.0)) != content_hash(with_scale(content, 0.0))
    assert "outage_probability_scale" in with_scale(content, 0.5).model_dump_json()


def test_a_lesson_file_without_random_outages(tmp_path: Path) -> None:
    """A teacher's scenario file with ``outage_probability_scale = 0``: the debrief's prices
    name the scripted Stratus outage and never a random one; without the key they do."""
    tutorial = Path(__file__).resolve().parents[2] / "content" / "scenarios" / "tutorial.toml"
    text = tutorial.read_text(encoding="utf-8").replace('id = "tutorial"', 'id = "calm"')
    calm = tmp_path / "calm.toml"
    calm.write_text(
        text.replace(
            "event_probability_scale = 0.5",
            "event_probability_scale = 0.5\noutage_probability_scale = 0",
        ),
        encoding="utf-8",
    )
    assert "outage_probability_scale = 0" in calm.read_text(encoding="utf-8")
    plain = tmp_path / "plain.toml"
    plain.write_text(text, encoding="utf-8")

    def explanations(scenario: Path, seed: int) -> str:
        replay = tmp_path / f"{scenario.stem}-{seed}.jsonl"
        out = tmp_path / f"{scenario.stem}-{seed}"
        assert (
            main(
                ["match", "--scenario", str(scenario), "--seed", str(seed), "--replay", str(replay)]
            )
            == 0
        )
        assert main(["report", str(replay), "--scenario", str(scenario), "--out", str(out)]) == 0
        with (out / "prices.csv").open(newline="") as handle:
            return "\n".join(row["explanation"] for row in csv.DictReader(handle))

    assert any("random outage" in explanations(plain, seed) for seed in (0, 1))
    for seed in (0, 1):
        text = explanations(calm, seed)
        assert "random outage" not in text
        assert "(Stratus region outage)" in text
