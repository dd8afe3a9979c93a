"""Spot price explanations (DESIGN §8): the printed causes add up to the printed move.

A student reads "Nordhall spot $4.47M (-64%): player bids -12.4 kGPU (to 0.0) → price -64%" and
checks it by adding the parts up; these tests read the sentences the way the student does.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest

from game.agents.registry import make_bot
from game.arena.match import setup_info
from game.cli import main
from game.engine.explain import spot_causes
from game.engine.observation import observe
from game.engine.report import SpotInputs
from game.engine.setup import new_match
from game.engine.step import step
from game.rules import load_content

HEAD = re.compile(r" spot \$\d+\.\d\dM \(([+-]\d+)%\)")
PART = re.compile(r"→ price ([+-]\d+)%")

BASE = SpotInputs(
    capacity_trend=10.0,
    capacity_shock=1.0,
    outage=0.0,
    reserved_out=2.0,
    background_trend=8.0,
    background_noise=1.0,
    background_shock=1.0,
    p_ref=5.0,
    floor=1.0,
    cap=20.0,
    eta=1.5,
    bids=(),
)


def printed(sentence: str) -> tuple[int, list[int]]:
    """The headline move and the causes' parts, as printed."""
    head = HEAD.search(sentence)
    assert head is not None, sentence
    return int(head.group(1)), [int(x) for x in PART.findall(sentence)]


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_printed_causes_add_up_to_the_printed_move(content, seed: int) -> None:
    """Every scenario, several seeds: the parts of every explanation sum to its headline."""
    checked = 0
    for scenario in [s.id for s in content.scenarios]:
        state = new_match(content, scenario, seed=seed)
        bots = [make_bot(("random", "balanced")[i % 2]) for i in range(state.n_players)]
        for seat, bot in enumerate(bots):
            bot.setup(setup_info(state, seat))
        while not state.over:
            actions = [bot.act(observe(state, seat)) for seat, bot in enumerate(bots)]
            state, report = step(state, actions)
            for result in report.spot:
                sentence = result.explanation()
                head, parts = printed(sentence)
                # The property the teacher checks; rounding allows ±1, the parts are exact.
                assert abs(sum(parts) - head) <= 1, sentence
                assert sum(parts) == head, sentence
                if head != 0:
                    assert parts, sentence
                # Each printed part is its exact share of the move, rounded up or down.
                assert all(abs(c.shown - c.change_pct) < 1 for c in result.causes), sentence
                checked += 1
    assert checked > 100


def test_history_debrief_prices_add_up(content, tmp_path: Path) -> None:
    """The teacher's repro: ``capwars report`` on a history match, seed 3, prices.csv."""
    replay = tmp_path / "h3.jsonl"
    assert main(["match", "--scenario", "history", "--seed", "3", "--replay", str(replay)]) == 0
    assert main(["report", str(replay), "--out", str(tmp_path / "debrief")]) == 0
    with (tmp_path / "debrief" / "prices.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        head, parts = printed(row["explanation"])
        assert sum(parts) == head, row["explanation"]
        assert head == round(float(row["change_pct"])), row
        assert "player bids 0.0 kGPU" not in row["explanation"]


def test_bids_cause_shows_the_change_in_bids() -> None:
    before = dataclasses.replace(BASE, bids=((0, 2.0, 9.0), (1, 1.2, 8.0)))
    after = dataclasses.replace(BASE, bids=())
    (cause,) = spot_causes(before, after)
    assert cause.label == "player bids -3.2 kGPU (to 0.0)"
    assert cause.shown < 0


def test_bids_cause_names_price_limits_that_moved() -> None:
    """A teacher's prices.csv read "player bids +7.1 kGPU → price -18%": more kGPU bid, and yet
    the price fell, because the bids' limits had fallen (6.48 → 4.98), which it did not say."""
    before = dataclasses.replace(BASE, bids=((0, 2.0, 9.0), (1, 2.0, 7.0)))
    more_lower = dataclasses.replace(BASE, bids=((0, 4.0, 5.0), (1, 2.0, 5.0)))
    (cause,) = spot_causes(before, more_lower)
    assert cause.label == "player bids +2.0 kGPU (to 6.0), limits $8.00M → $5.00M/kGPU on average"
    same_lower = dataclasses.replace(BASE, bids=((0, 2.0, 6.0), (1, 2.0, 6.0)))
    (cause,) = spot_causes(before, same_lower)
    assert cause.label == "player bid limits $8.00M → $6.00M/kGPU on average (4.0 kGPU, as before)"
    same_limits = dataclasses.replace(BASE, bids=((0, 3.0, 8.0), (1, 3.0, 8.0)))
    (cause,) = spot_causes(before, same_limits)
    assert cause.label == "player bids +2.0 kGPU (to 6.0)"


def test_a_continuing_event_is_not_named_for_an_outage() -> None:
    """The teacher's "capacity -40% (A new provider enters the market, an outage)": the new
    provider raised capacity last quarter already; this quarter's fall is the outage's."""
    entrant = (("provider.capacity", "A new provider enters the market", 1),)
    before = dataclasses.replace(BASE, capacity_shock=1.25, event_effects=entrant)
    after = dataclasses.replace(before, outage=0.4, outage_from_roll=True, event_effects=entrant)
    (cause,) = spot_causes(before, after)
    assert cause.label == "outage: 40% of capacity offline (random outage)"
    assert cause.shown > 0  # less supply: the price rises


def test_each_event_is_named_only_for_its_own_direction() -> None:
    """An event raising capacity starts while an outage event hits: two causes, two names."""
    after = dataclasses.replace(
        BASE,
        capacity_shock=1.25,
        outage=0.35,
        event_effects=(
            ("provider.capacity", "A new provider enters the market", 1),
            ("provider.outage", "Stratus region outage", 1),
        ),
    )
    labels = {c.factor: c.label for c in spot_causes(BASE, after)}
    assert labels["capacity_shock"] == "capacity +25% (A new provider enters the market)"
    assert labels["outage"] == "outage: 35% of capacity offline (Stratus region outage)"
    # Next quarter the capacity event ends and the outage is over.
    later = dataclasses.replace(BASE, event_effects=())
    labels = {c.factor: c.label for c in spot_causes(after, later)}
    assert labels["capacity_shock"] == "capacity -20% (end of: A new provider enters the market)"
    assert labels["outage"] == ("outage over: 35% of capacity back online (Stratus region outage)")


def test_a_move_no_factor_explains_is_shown_as_other() -> None:
    """Only a real residual gets an "other" part: here the headline's start price is not the
    auction's own (nothing in the inputs changed)."""
    assert spot_causes(BASE, BASE) == ()
    (price,) = {c.change_pct for c in spot_causes(BASE, dataclasses.replace(BASE, p_ref=6.0))}
    assert price > 0
    from game.engine.explain import _price

    start = _price(BASE)
    (other,) = spot_causes(BASE, BASE, start / 1.1, start)
    assert other.label == "other changes"
    assert other.shown == 10


def test_an_energy_price_spike_reaches_the_clouds_prices_and_is_named(content) -> None:
    """Its news says the clouds pass part of the power bill on: every provider's list price
    rises 8% (reserved contracts signed then cost as much more) and its spot floor 25%, and
    each spot move names the spike. Before, it raised only owned data centres' power price, and
    a class that predicted dearer clouds saw them fall."""
    state = new_match(content, "standard", seed=5)
    before, _ = step(state, [])
    after, report = step(before, [], inject=["energy_price_spike"])
    for provider in report.spot:
        inputs, previous = provider.inputs, provider.previous_inputs
        assert inputs.p_ref == pytest.approx(previous.p_ref * 1.08)
        assert inputs.floor == pytest.approx(previous.floor * 1.25)
        assert "list price +8% (Energy price spike)" in provider.explanation()
    assert observe(after, 0).providers[0].reserved_price[4] == pytest.approx(
        observe(before, 0).providers[0].reserved_price[4] * 1.08
    )
