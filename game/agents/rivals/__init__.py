"""The rival roster: six archetypes × three difficulty levels, as bot specs ``ARCHETYPE:LEVEL``.

>>> from game.agents import make_bot
>>> make_bot("hoarder:hard").name
'hoarder:hard'

A bare archetype name (``hoarder``) plays at ``normal``. See ``docs/RIVALS.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from game.agents.base import Bot
from game.agents.rivals.builder import BuilderBot
from game.agents.rivals.bullwhip import BullwhipBot
from game.agents.rivals.fast_follower import FastFollowerBot
from game.agents.rivals.hedger import HedgerBot
from game.agents.rivals.hoarder import HoarderBot
from game.agents.rivals.rival import LEVELS, RivalBot
from game.agents.rivals.spot_trader import SpotTraderBot

ARCHETYPES: dict[str, type[RivalBot]] = {
    "hoarder": HoarderBot,
    "spot_trader": SpotTraderBot,
    "builder": BuilderBot,
    "hedger": HedgerBot,
    "bullwhip": BullwhipBot,
    "fast_follower": FastFollowerBot,
}
"""Archetype name -> bot class."""


def make_rival(archetype: str, level: str = "normal") -> RivalBot:
    """A rival bot of ``archetype`` at ``level``."""
    return ARCHETYPES[archetype](level)


def rival_specs() -> dict[str, Callable[[], Bot]]:
    """Every rival spec (``hoarder``, ``hoarder:easy``, ...) with its factory."""
    specs: dict[str, Callable[[], Bot]] = {}
    for name, cls in ARCHETYPES.items():
        specs[name] = partial(cls, "normal")
        for level in LEVELS:
            specs[f"{name}:{level}"] = partial(cls, level)
    return specs


__all__ = ["ARCHETYPES", "LEVELS", "RivalBot", "make_rival", "rival_specs"]
