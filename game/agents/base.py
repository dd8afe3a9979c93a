"""The Bot interface: every player that is not a human at the keyboard is a Bot.

A bot sees only its :class:`~game.engine.observation.Observation` (public market, rivals'
public figures, its own full state) and returns a list of actions each quarter::

    from game.agents import Bot
    from game.engine.actions import BidSpot

    class Greedy(Bot):
        def act(self, observation):
            cheapest = min(observation.providers, key=lambda p: p.spot_price)
            return [BidSpot(provider=cheapest.id, quantity=5, max_price=cheapest.spot_price * 1.5)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.engine.actions import Action
from game.engine.observation import Observation


@dataclass(frozen=True)
class SetupInfo:
    """What a bot is told before the first quarter."""

    seat: int
    players: tuple[str, ...]
    scenario: str
    quarters: int
    seed: int
    """This seat's own random seed (never the world's)."""
    industry: str
    rules: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    """What a bot is told when the match ends."""

    seat: int
    rank: int
    score: float
    status: str
    standings: tuple[dict[str, Any], ...]


class Bot:
    """Base class for bots. Override :meth:`act`; :meth:`setup` and :meth:`on_end` are optional."""

    name: str = "bot"

    def setup(self, info: SetupInfo) -> None:
        """Called once before the first quarter."""
        self.info = info

    def act(self, observation: Observation) -> list[Action]:
        """Return this quarter's actions (an empty list holds)."""
        raise NotImplementedError

    def on_end(self, result: MatchResult) -> None:
        """Called once when the match ends."""
