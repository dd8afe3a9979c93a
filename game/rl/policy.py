"""``PolicyBot``: a vector policy as a game bot, for self-play and for playing a trained policy.

``PolicyBot(codec, policy)`` encodes each observation with the :class:`~game.rl.codec.Codec`,
calls ``policy(vector)`` and decodes the returned action vector, exactly as the envs do, so::

    env = CapacityWarsEnv(scenario="tutorial", opponents=[PolicyBot(env_codec, my_policy)])

plays a frozen copy of a policy in the rival seat, and ``run_match(bots=[PolicyBot(...), ...])``
or a tournament plays it against anything. Needs neither PettingZoo nor Gymnasium.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from game.agents.base import Bot
from game.engine.actions import Action
from game.engine.observation import Observation
from game.rl.codec import Codec

Policy = Callable[[np.ndarray], object]
"""Observation vector (float32, shape ``(O,)``) → action vector (``A`` real numbers)."""


class PolicyBot(Bot):
    """A bot that plays ``policy`` through ``codec`` (the codec of the scenario it plays)."""

    name = "policy"

    def __init__(self, codec: Codec, policy: Policy, name: str = "policy"):
        self.codec = codec
        self.policy = policy
        self.name = name

    def act(self, observation: Observation) -> list[Action]:
        vector = self.policy(self.codec.encode(observation))
        return self.codec.decode(vector, observation)  # type: ignore[arg-type]


__all__ = ["Policy", "PolicyBot"]
