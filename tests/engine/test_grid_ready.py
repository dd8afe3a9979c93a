"""``me.grid_ready_quarters``: when a seat's own MW waiting in the grid queue is powered.

The tiny world (see tiny_world.py) has one region releasing 100 MW a quarter and no requests
from the rest of the world after the start, so the figures can be worked out by hand.
"""

from __future__ import annotations

import json

import numpy as np

from game.arena.codec import observation_from_dict, observation_json
from game.engine import step
from game.engine.actions import BuildDatacenter
from game.engine.observation import observe
from game.engine.setup import new_match
from tests.engine.tiny_world import HOME, hold, with_arrays

REST = -1.0  # the rest of the world's seat in the queue


def _queue(state, rows):
    """``state`` with the grid queue ``rows`` of (seat, MW), all in the home region."""
    return with_arrays(
        state, grid_queue=[[float(HOME), float(seat), mw, -1.0] for seat, mw in rows]
    )


def test_nothing_queued_reads_zero(tiny):
    assert observe(tiny, 0).me.grid_ready_quarters.tolist() == [0]


def test_counts_the_rest_of_the_world_ahead_and_the_seats_own_last_request(tiny):
    # 150 MW of the rest of the world, Ann's 40, Bob's 10, 100 more of the rest, Ann's 25 (all
    # MW queued through Ann's last request: 325 → 3.25 quarters at 100 MW → 4), Bob: 200 MW
    # through his request, exactly two quarters' releases → 2 (not 3).
    state = _queue(tiny, [(REST, 150.0), (0, 40.0), (1, 10.0), (REST, 100.0), (0, 25.0)])
    ann, bob = observe(state, 0).me, observe(state, 1).me
    assert ann.queued_mw.tolist() == [65.0]
    assert ann.grid_ready_quarters.tolist() == [4]
    assert bob.grid_ready_quarters.tolist() == [2]
    # The region's wait for a new request is unchanged: 325 MW ahead → 4 quarters.
    assert observe(state, 0).regions[0].grid_wait_quarters == 4


def test_one_quarter_when_this_quarters_release_covers_it(tiny):
    state = _queue(tiny, [(REST, 30.0), (0, 70.0)])
    assert observe(state, 0).me.grid_ready_quarters.tolist() == [1]
    after, _ = step(state, hold(state))
    assert after.grid_mw[0, HOME] == 70.0  # released when this quarter resolved


def test_prediction_holds_on_the_tiny_world_and_new_requests_do_not_delay_it(tiny):
    state = _queue(tiny, [(REST, 150.0), (0, 40.0), (1, 10.0), (REST, 100.0), (0, 25.0)])
    ready = {seat: int(observe(state, seat).me.grid_ready_quarters[HOME]) for seat in (0, 1)}
    # Bob asks for 500 MW more this quarter: it joins the tail, behind everything above.
    first = [[], [BuildDatacenter(region="home", megawatts=500)]]
    for quarter in range(1, max(ready.values()) + 1):
        state, _ = step(state, first if quarter == 1 else hold(state))
        for seat, k in ready.items():
            old = [r for r in state.grid_queue.tolist() if r[1] == seat and r[3] < 0]
            assert bool(old) == (quarter < k), (seat, quarter)
    assert state.grid_mw[0, HOME] == 65.0


def _interconnect_events(state) -> list[str]:
    return [
        e.target
        for e in state.modifiers
        if e.target in ("region.interconnect", "region.grid_queue")
    ]


def test_prediction_holds_in_a_real_match(content):
    # The standard scenario's Gulf: 800 MW queued at the start, 100 MW released a quarter, the
    # rest of the world adding 90 MW a quarter at the tail. Seat 0 asks for 40 MW, seat 1 for
    # 60 MW behind it (through seat 1's request: exactly eight quarters' releases). Seed 3 has
    # no event changing the grid's release or queue in those quarters (seed 0 has a transformer
    # shortage, releasing 80 MW, in the last of them: the prediction cannot foresee events).
    state = new_match(content, "standard", seed=3)
    gulf = state.world.region_ids.index("gulf")
    actions = [
        [BuildDatacenter(region="gulf", megawatts=40)],
        [BuildDatacenter(region="gulf", megawatts=60)],
        [],
        [],
    ]
    state, _ = step(state, actions)
    ready = {}
    for seat in (0, 1, 2):
        me = observe(state, seat).me
        ready[seat] = int(me.grid_ready_quarters[gulf])
        assert (me.queued_mw[gulf] > 0) == (ready[seat] > 0)
    assert ready == {0: 8, 1: 8, 2: 0}
    start = state.turn
    for quarter in range(1, 9):
        state, _ = step(state, [[] for _ in range(state.n_players)])
        assert not _interconnect_events(state)  # the prediction assumes the normal rate
        for seat in (0, 1):
            waiting = [r for r in state.grid_queue.tolist() if r[0] == gulf and r[1] == seat]
            assert bool(waiting) == (quarter < ready[seat]), (seat, quarter)
        assert state.turn == start + quarter
    assert state.grid_mw[:2, gulf].tolist() == [40.0, 60.0]


def test_round_trips_through_the_wire(tiny):
    state = _queue(tiny, [(REST, 150.0), (0, 40.0)])
    original = observe(state, 0)
    rebuilt = observation_from_dict(json.loads(observation_json(original)))
    assert rebuilt.me.grid_ready_quarters.dtype == np.int64
    assert rebuilt.me.grid_ready_quarters.tolist() == [2]
    assert original.to_dict()["me"]["grid_ready_quarters"] == [2]
