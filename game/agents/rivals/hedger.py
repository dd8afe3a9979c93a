"""Hedger: spreads across providers and contract terms.

Lesson: diversification is insurance. No single outage, price spike or expiring contract can
hurt the hedger much, and no single bet pays it much either: a portfolio of 1-, 2- and 3-year
contracts with several clouds, a little spot and a little owned capacity.
"""

from __future__ import annotations

from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.observation import Observation


class HedgerBot(RivalBot):
    """A ladder of contract terms over many providers, topped up on spot."""

    archetype = "hedger"
    lesson = "Diversification is insurance: no outage or expiry hurts much, no bet pays much."

    def style(self, obs: Observation) -> Style:
        return Style(
            buffer=1.08,
            reserved_cover=0.7,
            reserve_lookahead=2,
            terms=((4, 1 / 3), (8, 1 / 3), (12, 1 / 3)),
            spread=4,
            spot_limit=1.35,
            owned_target=0.15,
            build_cash=700.0,
            max_site_mw=40.0,
            research=(
                "multicloud",
                "continuous_batching",
                "quantization",
                "preemptible_scheduling",
            ),
            max_programmes=1,
        )
