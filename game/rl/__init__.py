"""Reinforcement learning: a PettingZoo ``ParallelEnv`` and a single-seat Gymnasium env.

Needs the optional extra ``rl`` (``pip install 'capacity-wars[rl]'``): PettingZoo and
Gymnasium are imported only here, and only when an env is first used, so ``import game.rl``
and :mod:`game.rl.codec` work without them. Nothing else in ``game`` imports this package,
but ``capwars bench`` (its RL section, :mod:`game.rl.bench`, skipped without the extra).
See ``docs/RL.md``.

The Gymnasium id ``CapacityWars-v0`` is registered as soon as both this package and Gymnasium
are imported, so ``gymnasium.make("game.rl:CapacityWars-v0")`` works in a fresh process
(Gymnasium imports the module before the id), as does ``gymnasium.make("CapacityWars-v0")``
after ``import game.rl``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.rl.bench import run_rl_bench
    from game.rl.codec import Codec
    from game.rl.parallel_env import CapacityWarsParallelEnv, aec_env, parallel_env
    from game.rl.policy import PolicyBot
    from game.rl.single_env import CapacityWarsEnv

_LAZY = {
    "Codec": "game.rl.codec",
    "CapacityWarsParallelEnv": "game.rl.parallel_env",
    "parallel_env": "game.rl.parallel_env",
    "aec_env": "game.rl.parallel_env",
    "CapacityWarsEnv": "game.rl.single_env",
    "PolicyBot": "game.rl.policy",
    "run_rl_bench": "game.rl.bench",
}

__all__ = [
    "ENV_ID",
    "CapacityWarsEnv",
    "CapacityWarsParallelEnv",
    "Codec",
    "PolicyBot",
    "aec_env",
    "parallel_env",
    "register_gymnasium_id",
    "run_rl_bench",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'game.rl' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


ENV_ID = "CapacityWars-v0"
"""The Gymnasium id of :class:`~game.rl.single_env.CapacityWarsEnv`."""


def register_gymnasium_id() -> None:
    """Register :data:`ENV_ID` if Gymnasium is loaded (never imports it; idempotent)."""
    gymnasium = sys.modules.get("gymnasium")
    registry = getattr(gymnasium, "registry", None)
    if registry is not None and ENV_ID not in registry:
        gymnasium.register(id=ENV_ID, entry_point="game.rl.single_env:CapacityWarsEnv")  # type: ignore[union-attr]


register_gymnasium_id()
