"""Spot trader: stays lean and flexible on the spot market.

Lesson: flexibility has a price. The spot trader never pays for capacity it does not use and
rides price dips, but in a shortage it bids against the whole world for the last free blocks,
pays the spike, and sometimes still comes away short.
"""

from __future__ import annotations

from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.observation import Observation


class SpotTraderBot(RivalBot):
    """Rents by the quarter: no contracts, bids across the cheapest spot markets."""

    archetype = "spot_trader"
    lesson = "Flexibility is cheap in a glut and expensive in a shortage."

    def style(self, obs: Observation) -> Style:
        risk = self.personality.risk_appetite
        return Style(
            buffer=1.03,
            reserved_cover=0.0,
            spread=3,
            spot_limit=1.5 + 0.4 * risk,
            spot_share=1.0,
            research=(
                "continuous_batching",
                "multicloud",
                "preemptible_scheduling",
                "quantization",
                "speculative_decoding",
            ),
            max_programmes=2,
            research_cash=150.0,
            price_step=0.04,
            price_bias=0.97,
        )
