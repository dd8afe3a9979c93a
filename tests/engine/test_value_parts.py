"""The enterprise value's published parts (what the TUI shows) add up to the engine's value."""

from __future__ import annotations

import pytest

from game.arena.match import run_match
from game.engine.scoring import enterprise_value, value_parts


@pytest.mark.parametrize(
    ("scenario", "bots", "seed"),
    [("tutorial", ["balanced", "random"], 1), ("startup-squeeze", ["random"] * 4, 2)],
)
def test_the_parts_add_up_to_the_value_every_quarter(scenario, bots, seed):
    seen_loss = seen_profit = False

    def check(state, _report):
        nonlocal seen_loss, seen_profit
        for seat, (parts, value) in enumerate(
            zip(value_parts(state), enterprise_value(state), strict=True)
        ):
            total = parts.cash - parts.debt + parts.equipment + parts.earnings
            assert total == pytest.approx(value, rel=1e-12, abs=1e-9), (state.turn, seat)
            if parts.mean_profit < 0:
                seen_loss = True
                assert parts.earnings == 0.0  # a loss earns nothing, as the engine scores it
            else:
                seen_profit = True

    run_match(scenario=scenario, seed=seed, bots=bots, on_quarter=check)
    assert seen_profit
    if scenario == "startup-squeeze":
        assert seen_loss  # a random start-up loses money in its first quarter
