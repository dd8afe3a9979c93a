"""Hoarder: locks in large, long reserved contracts early.

Lesson: commitment buys priority and a low price. A hoarder is never short when a shock hits,
because the capacity is already contracted, but take-or-pay bills arrive whether customers
come or not, and a glut turns the cheap contract into dead weight.
"""

from __future__ import annotations

from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.observation import Observation


class HoarderBot(RivalBot):
    """Signs 3-year contracts for the demand it expects a year or two out."""

    archetype = "hoarder"
    lesson = "Commitment buys priority and price, and take-or-pay bills come in gluts too."

    def style(self, obs: Observation) -> Style:
        patience = self.personality.patience
        early = obs.turn < obs.quarters // 3
        return Style(
            buffer=1.06,
            reserved_cover=0.95,
            reserve_lookahead=4 if early else 2,
            terms=((12, 0.6 + 0.3 * patience), (8, 0.4 - 0.3 * patience)),
            spread=3,
            prefer_reliable=True,
            spot_limit=1.2,
            spot_share=0.7,
            commitment_cap=0.80 + 0.15 * self.personality.risk_appetite,
            research=("continuous_batching", "quantization", "multicloud", "speculative_decoding"),
            price_bias=0.98,
            extras={"concentrate": 1.0},
        )
