"""Builder: own data centres and custom silicon, patient capital.

Lesson: owning is the cheapest compute at scale and the slowest to get. The builder waits years
for the grid queue and pays for construction up front; once its sites are powered it serves
customers for a fraction of what renters pay, and custom chips can halve that again.
"""

from __future__ import annotations

from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.observation import Observation


class BuilderBot(RivalBot):
    """Builds early where the grid queue is shortest; rents only to bridge the wait."""

    archetype = "builder"
    lesson = "Owning is cheapest at scale and slowest to get: the grid queue sets the pace."

    def style(self, obs: Observation) -> Style:
        risk = self.personality.risk_appetite
        patience = self.personality.patience
        return Style(
            buffer=1.06,
            reserved_cover=0.45,
            reserve_lookahead=1,
            terms=((4, 1.0),),
            spread=2,
            spot_limit=1.35,
            owned_target=0.8 + 0.3 * patience,
            build_cash=250.0,
            max_site_mw=60.0 + 80.0 * risk,
            custom_silicon=risk >= 0.4 and obs.me.cash > 700,
            research=(
                "prefab_datacenters",
                "continuous_batching",
                "liquid_cooling",
                "quantization",
            ),
            research_cash=300.0,
            extras={"parallel_sites": 1.0},
        )
