"""A starter bot in Python: keep capacity near demand with a reserved base and spot top-ups.

Run it against the built-in bots, as a subprocess through protocol capwars/1::

    capwars match --scenario standard --seed 1 --bot "cmd:python examples/python_bot.py"

or in-process (same moves, same replay hashes)::

    capwars match --scenario standard --seed 1 --bot examples/python_bot.py

Before a tournament, check it (an exception, a malformed action, a slow turn: what to fix)::

    capwars validate "cmd:python examples/python_bot.py"

Strategy: forecast next quarter's demand from the last few quarters, hold about half of it under
reserved contracts with the cheapest eligible provider (a 4-quarter term keeps it flexible), and
buy the rest on the spot market with a limit price below what customers pay, so every spot kGPU
still earns a margin. It repays debt when cash is plentiful. Read docs/BOTS.md for every field.
"""

from __future__ import annotations

import math

from game.agents import Bot
from game.engine.actions import Action, BidSpot, Repay, Reserve
from game.engine.observation import Observation
from game.sdk import run

RESERVED_SHARE = 0.5
"""Share of forecast need held under reserved contracts."""
SPOT_MARGIN = 0.8
"""Highest spot price as a share of our service price (keeps a margin on every spot kGPU)."""


class SteadyBot(Bot):
    """Reserved base plus spot top-ups, sized to a simple demand forecast."""

    name = "steady"

    def __init__(self) -> None:
        self.demand_seen: list[float] = []

    def forecast(self, obs: Observation) -> float:
        demand = obs.me.last.get("demand", math.nan)
        if not math.isnan(demand):
            self.demand_seen.append(demand)
        if not self.demand_seen:
            # Before the first quarter: assume the opening contracts cover half our demand.
            now = sum(schedule[0] for schedule in obs.me.reserved_schedule.values())
            return max(2.0 * now, 1.0)
        recent = self.demand_seen[-3:]
        growth = (
            (recent[-1] / recent[0]) ** (1 / (len(recent) - 1)) - 1 if len(recent) > 1 else 0.05
        )
        growth = min(max(growth, -0.1), 0.2) if recent[0] > 0 else 0.05
        return recent[-1] * (1 + growth)

    def act(self, observation: Observation) -> list[Action]:
        obs, me = observation, observation.me
        if me.status != "active":
            return []
        training = me.training_share
        need = self.forecast(obs) / max(1.0 - training, 0.2) * 1.05
        owned = float(me.chips_perf.sum())
        reserved_now = sum(s[0] for s in me.reserved_schedule.values())
        reserved_next = sum(s[1] for s in me.reserved_schedule.values() if len(s) > 1)
        eligible = [p for p in obs.providers if p.sovereign or not me.sovereign_only]
        actions: list[Action] = []
        if not eligible:
            return actions

        if "reserved" in obs.mechanics:
            gap = RESERVED_SHARE * need - reserved_next - owned
            cheapest = min(eligible, key=lambda p: (p.reserved_price[4], p.id))
            take = min(gap, cheapest.reserved_free)
            if take > 0.5 and take * cheapest.reserved_price[4] < 0.4 * me.cash:
                actions.append(Reserve(provider=cheapest.id, quantity=round(take, 2), term=4))

        if "spot" in obs.mechanics:
            gap = need - reserved_now - owned
            limit = me.service_price * SPOT_MARGIN
            for provider in sorted(eligible, key=lambda p: (p.spot_price, p.id))[:2]:
                if gap <= 0.2 or limit <= provider.spot_floor:
                    break
                quantity = round(gap / 2 if len(eligible) > 1 else gap, 2)
                actions.append(BidSpot(provider=provider.id, quantity=quantity, max_price=limit))
                gap -= quantity

        if "borrowing" in obs.mechanics and me.debt > 0 and me.cash > 3 * me.debt:
            actions.append(Repay(amount=round(me.debt, 2)))
        return actions


if __name__ == "__main__":
    run(SteadyBot)
