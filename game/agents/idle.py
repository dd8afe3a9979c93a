"""``idle``: always holds. The baseline every real strategy must beat."""

from __future__ import annotations

from game.agents.base import Bot
from game.engine.actions import Action
from game.engine.observation import Observation


class IdleBot(Bot):
    """Submits no actions, ever."""

    name = "idle"

    def act(self, observation: Observation) -> list[Action]:
        return []
