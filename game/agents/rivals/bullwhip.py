"""Bullwhip: the anchor-and-adjust ordering rule of the Beer Game, the teaching foil.

It anchors on last quarter's demand and adjusts toward a desired stock, but half forgets the
capacity already contracted and not yet delivering (supply-line underweighting). After a
shortage it panics and over-orders on long contracts; when the capacity lands demand has moved
on, it sits on a glut, stops ordering altogether, and the cycle starts again.

Lesson: delays plus a rule that ignores what is already on order turn small demand wobbles into
wild swings of orders: the bullwhip effect.
"""

from __future__ import annotations

from game.agents.base import SetupInfo
from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.observation import Observation

PANIC_GAIN = 4.0
"""Extra buffer per unit share of demand left unserved last quarter."""
PANIC_DECAY = 0.6
GLUT = 1.25
"""Capacity above this multiple of demand is a glut: the bullwhip stops ordering."""


class BullwhipBot(RivalBot):
    """Over-orders after shortages, stops ordering in gluts."""

    archetype = "bullwhip"
    lesson = "Delays plus a rule that ignores what is on order amplify every wobble."

    panic = 0.0

    def setup(self, info: SetupInfo) -> None:
        super().setup(info)
        self.panic = 0.0

    def style(self, obs: Observation) -> Style:
        memory = self.memory
        if memory.turn_seen != obs.turn:
            memory.turn_seen = obs.turn
            self.panic = self.panic * PANIC_DECAY + PANIC_GAIN * memory.shortage
            self.panic = min(self.panic, 1.0 + self.personality.risk_appetite)
        glut = bool(
            memory.demand
            and memory.capacity
            and memory.capacity[-1] * 0.8 * max(memory.efficiency, 1.0) > GLUT * memory.demand[-1]
        )
        return Style(
            buffer=1.0 + self.panic,
            reserved_cover=0.0 if glut else 0.9,
            reserve_lookahead=1,
            terms=((8, 0.6), (4, 0.4)),
            spread=2,
            spot_limit=1.3 + self.panic,
            spot_share=0.3 if glut else 1.0,
            commitment_cap=0.95,
            price_step=0.015,
            research=("continuous_batching", "quantization"),
            extras={"supply_line_weight": 0.4},
        )
