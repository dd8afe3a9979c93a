"""The teaching scenarios load, play to the end with balanced bots and show their lesson."""

from __future__ import annotations

import numpy as np
import pytest

from game.classroom.figures import play
from game.rules import load_content

TEACHING = ("packaging-fire", "grid-queue", "bullwhip")
SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def matches(content):
    return {(sid, seed): play(content, sid, seed) for sid in TEACHING for seed in SEEDS}


@pytest.mark.parametrize("scenario_id", TEACHING)
def test_each_is_a_lesson(content, scenario_id: str) -> None:
    scenario = content.scenario(scenario_id)
    assert scenario.scripted_events, "a lesson meets its shocks at fixed quarters"
    assert len(scenario.lessons) >= 3
    assert scenario.lessons[0].turn == 0
    assert len(scenario.predictions) >= 2
    assert len(scenario.discussion) >= 3
    assert not scenario.catch_up
    for prediction in scenario.predictions:
        subject = {
            "spot_price": prediction.provider,
            "lead_time": prediction.vendor,
            "grid_wait": prediction.region,
        }.get(prediction.metric, "market")
        assert subject, f"{scenario_id}: a {prediction.metric} prediction names its subject"


@pytest.mark.parametrize("scenario_id", TEACHING)
def test_plays_to_the_end_without_bankruptcy(matches, content, scenario_id: str) -> None:
    for seed in SEEDS:
        played = matches[(scenario_id, seed)]
        assert played.final.over
        assert len(played.states) == content.scenario(scenario_id).quarters
        assert (played.final.status == 0).all(), (scenario_id, seed)


def test_packaging_fire_stretches_lead_times_then_they_recover(matches, content) -> None:
    fire = next(e.turn for e in content.scenario("packaging-fire").scripted_events)
    for seed in SEEDS:
        lead = matches[("packaging-fire", seed)].vendor_lead("verdant")
        assert lead[fire] > lead[fire - 1], (seed, lead)
        assert min(lead[fire + 1 :]) <= lead[fire - 1], (seed, lead)


def test_grid_queue_hot_region_waits_longer_then_the_reform_cuts_it(matches, content) -> None:
    scenario = content.scenario("grid-queue")
    reform = next(e.turn for e in scenario.scripted_events if e.event == "grid_queue_reform")
    for seed in SEEDS:
        wait = matches[("grid-queue", seed)].grid_wait("us-east")
        assert wait[0] == 16
        assert max(wait[:reform]) >= 21, (seed, wait)  # the crunch and the transformers
        assert wait[reform] <= wait[reform - 1] - 4, (seed, wait)  # the reform
        assert wait[-1] < wait[0] + 1, (seed, wait)


def test_grid_queue_is_a_commons(content, matches) -> None:
    """The players' own requests lengthen the queue everyone waits in."""
    idle = play(content, "grid-queue", 0, ["idle"] * 4)
    busy = matches[("grid-queue", 0)]
    region = idle.final.world.region_ids.index("us-central")

    def queued(state) -> float:
        rows = state.grid_queue
        return float(rows[rows[:, 0] == region, 2].sum())

    assert queued(busy.states[6]) > queued(idle.states[6])


def test_bullwhip_lead_time_rises_then_falls_and_prices_swing(matches, content) -> None:
    scenario = content.scenario("bullwhip")
    efficiency = next(
        e.turn for e in scenario.scripted_events if e.event == "efficiency_breakthrough"
    )
    for seed in SEEDS:
        played = matches[("bullwhip", seed)]
        lead = played.vendor_lead("verdant")
        peak = int(np.argmax(lead))
        assert lead[peak] >= lead[0] + 2, (seed, lead)
        assert 1 <= peak < efficiency, (seed, lead)
        assert lead[-1] <= lead[0], (seed, lead)
        spot = np.nanmean(played.final.history["spot_price"], axis=1)
        assert spot[1:efficiency].max() > 1.15 * spot[0], (seed, spot)
        assert spot[efficiency : efficiency + 3].min() < 0.8 * spot[1:efficiency].max()
