"""Bots: the :class:`Bot` interface, the built-in bots and bot specs."""

from game.agents.base import Bot, MatchResult, SetupInfo
from game.agents.registry import BotSpecError, known_specs, make_bot, register

__all__ = ["Bot", "BotSpecError", "MatchResult", "SetupInfo", "known_specs", "make_bot", "register"]
