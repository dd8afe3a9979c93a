"""``CapacityWarsEnv``: one learning seat against built-in bots, as a Gymnasium ``Env``.

The learner plays ``seat`` (default 0); every other seat is a built-in bot (``"balanced"`` by
default; any spec :func:`game.agents.registry.make_bot` accepts), set up exactly as in
:func:`game.arena.match.run_match`, with its own seat seed, so a seed fixes the whole episode.
Spaces, rewards and infos are those of :class:`~game.rl.parallel_env.CapacityWarsParallelEnv`
for that seat; the episode terminates when the match ends or the learner goes bankrupt, and is
truncated at ``max_quarters``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, SupportsFloat

import gymnasium

from game.agents.base import Bot
from game.agents.registry import make_bot
from game.arena.match import ask_bot, setup_info
from game.rl import ENV_ID, register_gymnasium_id
from game.rl.parallel_env import Act, CapacityWarsParallelEnv, Obs, agent_name
from game.rules.models import Content


class CapacityWarsEnv(gymnasium.Env[Obs, Act]):
    """A single-seat Capacity Wars match against built-in bots."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012

    def __init__(
        self,
        scenario: str = "standard",
        seat: int = 0,
        opponents: str | Sequence[str] = "balanced",
        content: Content | None = None,
        render_mode: str | None = None,
        max_quarters: int | None = None,
        bankruptcy_penalty: float = 1.0,
    ):
        self._par = CapacityWarsParallelEnv(
            scenario=scenario,
            content=content,
            render_mode=render_mode,
            max_quarters=max_quarters,
            bankruptcy_penalty=bankruptcy_penalty,
        )
        n = len(self._par.possible_agents)
        if not 0 <= seat < n:
            raise ValueError(f"seat must be between 0 and {n - 1}")
        others = n - 1
        specs = [opponents] * others if isinstance(opponents, str) else list(opponents)
        if len(specs) != others:
            raise ValueError(f"scenario {scenario!r} needs {others} opponents, got {len(specs)}")
        for spec in specs:
            make_bot(spec)  # fail early on a bad spec
        self.seat = seat
        self.agent = agent_name(seat)
        self.opponent_specs = specs
        self.render_mode = render_mode
        self.codec = self._par.codec
        self.observation_space = self._par.observation_space(self.agent)
        self.action_space = self._par.action_space(self.agent)
        self._bots: dict[int, Bot] = {}

    @property
    def parallel_env(self) -> CapacityWarsParallelEnv:
        """The underlying all-seat env (its ``match_state`` is the engine state)."""
        return self._par

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Obs, dict[str, Any]]:
        super().reset(seed=seed)
        match_seed = seed if seed is not None else int(self.np_random.integers(0, 2**63 - 1))
        obs, infos = self._par.reset(seed=match_seed, options=options)
        state = self._par.match_state
        self._bots = {}
        seats = [s for s in range(state.n_players) if s != self.seat]
        for seat, spec in zip(seats, self.opponent_specs):
            bot = make_bot(spec)
            bot.setup(setup_info(state, seat))
            self._bots[seat] = bot
        return obs[self.agent], infos[self.agent]

    def step(self, action: Act) -> tuple[Obs, SupportsFloat, bool, bool, dict[str, Any]]:
        par = self._par
        state = par.match_state  # raises before reset
        if self.agent not in par.agents:
            raise RuntimeError(
                "the episode is over (terminated or truncated): call reset() before step()"
            )
        lists: list[list[object]] = []
        failures: dict[int, str] = {}
        for seat in range(state.n_players):
            if state.status[seat] != 0:
                lists.append([])
            elif seat == self.seat:
                lists.append(list(self.codec.decode(action, par.observation_of(self.agent))))
            else:
                chosen, failure = ask_bot(self._bots[seat], state, seat)
                if failure:
                    failures[seat] = failure
                lists.append(chosen)
        obs, rewards, terms, truncs, infos = par.advance(lists)
        info = dict(infos[self.agent])
        if failures:
            info["bot_failures"] = failures
        return (
            obs[self.agent],
            rewards[self.agent],
            terms[self.agent],
            truncs[self.agent],
            info,
        )

    def render(self) -> str | None:
        return self._par.render()

    def close(self) -> None:
        self._par.close()


__all__ = ["ENV_ID", "CapacityWarsEnv", "register"]


def register() -> None:
    """Register :data:`ENV_ID` with Gymnasium (already done on ``import game.rl``)."""
    register_gymnasium_id()


register()
