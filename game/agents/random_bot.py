"""``random``: random actions drawn from what the observation offers, seeded by the seat's stream.

It is a fuzzer with manners: quantities stay within what its cash could pay for, ids come from
the observation, so most of its actions are legal and the engine's edge cases get exercised.
"""

from __future__ import annotations

import numpy as np

from game.agents.base import Bot, SetupInfo
from game.engine.actions import (
    Action,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
)
from game.engine.observation import Observation


class RandomBot(Bot):
    """Up to four random actions a quarter."""

    name = "random"

    def __init__(self, seed: int | None = None):
        self._rng = np.random.default_rng(seed)

    def setup(self, info: SetupInfo) -> None:
        super().setup(info)
        self._rng = np.random.default_rng(info.seed)

    def act(self, observation: Observation) -> list[Action]:
        rng = self._rng
        me = observation.me
        budget = max(me.cash + max(me.credit_limit - me.debt, 0.0), 0.0) * 0.15
        actions: list[Action] = []
        for _ in range(int(rng.integers(0, 5))):
            kind = int(rng.integers(0, 12))
            provider = observation.providers[int(rng.integers(len(observation.providers)))]
            region = observation.regions[int(rng.integers(len(observation.regions)))]
            qty = float(rng.uniform(0.5, 8.0))
            if kind <= 2:
                price = provider.spot_price * float(rng.uniform(0.6, 2.0))
                actions.append(
                    BidSpot(
                        provider=provider.id,
                        quantity=qty,
                        max_price=max(price, provider.spot_floor),
                    )
                )
            elif kind == 3:
                term = int(rng.choice([4, 8, 12]))
                actions.append(Reserve(provider=provider.id, quantity=qty, term=term))
            elif kind == 4:
                chip = observation.chips[int(rng.integers(len(observation.chips)))]
                units = min(qty / chip.perf, budget / chip.price) if chip.price > 0 else 0
                if units > 0.01:
                    actions.append(OrderChips(sku=chip.id, quantity=units, region=region.id))
            elif kind == 5:
                actions.append(OrderNetwork(region=region.id, quantity=qty))
            elif kind == 6:
                mw = float(rng.uniform(5, 40))
                if mw * region.build_cost_per_mw < budget * 4:
                    actions.append(BuildDatacenter(region=region.id, megawatts=mw))
            elif kind == 7 and me.research:
                tech = me.research[int(rng.integers(len(me.research)))]
                actions.append(
                    FundResearch(tech=tech.id, amount=float(rng.uniform(0, tech.cost / 4)))
                )
            elif kind == 8:
                actions.append(
                    SetServicePrice(price=me.service_price * float(rng.uniform(0.85, 1.15)))
                )
            elif kind == 9:
                actions.append(SetTrainingShare(share=float(rng.uniform(0.0, 0.5))))
            elif kind == 10:
                have = me.reserved_schedule.get(provider.id, (0.0,))[0]
                if have > 0.1:
                    actions.append(
                        Sublease(provider=provider.id, quantity=have * float(rng.uniform(0.1, 0.5)))
                    )
            else:
                amount = float(rng.uniform(10, 200))
                actions.append(
                    Borrow(amount=amount) if rng.random() < 0.5 else Repay(amount=amount)
                )
        return actions
