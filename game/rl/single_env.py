"""``CapacityWarsEnv``: one learning seat against built-in bots, as a Gymnasium ``Env``.

The learner plays ``seat`` (default 0); every other seat is a bot: ``opponents`` is one spec for
all of them or one per other seat, in seat order (``"balanced"`` by default; any spec
:func:`game.agents.registry.make_bot` accepts: ``idle``, ``random``, ``balanced``, the rival
archetypes ``hedger:hard`` … of ``docs/RIVALS.md``, a Python file, ``cmd:`` for a program, or
a :class:`~game.agents.base.Bot` instance, set up again each episode: your own policy for
self-play), or ``"rivals"`` for the scenario's own named rivals. Each is set up as in
:func:`game.arena.match.run_match`, with its own seat seed, so a seed fixes the whole episode. A
bot that fails holds (``info["bot_failures"]``); external bots' processes stop when the episode
ends, on ``reset`` and on ``close``. When the episode ends (terminated or truncated) every
opponent's ``on_end`` is called once with the :class:`~game.agents.base.MatchResult`
:func:`~game.arena.match.run_match` would give for the match as it stands; one that raises is
reported in the last step's ``info["bot_failures"]``.
Spaces, rewards and infos are those of :class:`~game.rl.parallel_env.CapacityWarsParallelEnv`
for that seat; the episode terminates when the match ends or the learner goes bankrupt, and is
truncated at ``max_quarters``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, SupportsFloat

import gymnasium

from game.agents.base import Bot
from game.agents.registry import make_bot, rival_spec
from game.arena.match import SeatBots, elimination_text
from game.rl import ENV_ID, register_gymnasium_id
from game.rl.codec import ContentSource
from game.rl.parallel_env import Act, CapacityWarsParallelEnv, Obs, agent_name

RIVALS = "rivals"
"""``opponents=RIVALS``: each other seat plays the scenario's named rival for it (its archetype at
normal difficulty, as ``capwars match --rivals`` and the game's new-game screen pick)."""


class CapacityWarsEnv(gymnasium.Env[Obs, Act]):
    """A single-seat Capacity Wars match against built-in bots."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012

    def __init__(
        self,
        scenario: str | os.PathLike[str] = "standard",
        seat: int = 0,
        opponents: str | Bot | Sequence[str | Bot] = "balanced",
        content: ContentSource = None,
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
        specs: list[str | Bot]
        if opponents == RIVALS:
            world = self._par.world
            seats = world.scenario.seats
            specs = [
                rival_spec(world.content, seats[s].rival if s < len(seats) else None)
                for s in range(n)
                if s != seat
            ]
        elif isinstance(opponents, str):
            specs = [opponents] * others
        elif isinstance(opponents, Bot):
            specs = [opponents]
        else:
            specs = list(opponents)
        if len(specs) != others:
            raise ValueError(
                f"scenario {scenario!r} needs {others} opponent{'s' if others != 1 else ''}"
                f" (one per other seat; or one spec for all), got {len(specs)}"
            )
        for spec in specs:
            if isinstance(spec, str):
                make_bot(spec)  # fail early on a bad spec
            elif not isinstance(spec, Bot):
                raise TypeError(
                    "an opponent is a bot spec (a string such as 'balanced') or a"
                    f" game.agents.Bot instance, not {type(spec).__name__}"
                )
        if len({id(spec) for spec in specs if isinstance(spec, Bot)}) < sum(
            isinstance(spec, Bot) for spec in specs
        ):
            raise ValueError("one Bot instance cannot play two seats: give each seat its own")
        self.seat = seat
        self.agent = agent_name(seat)
        self.opponent_specs = specs
        self.render_mode = render_mode
        self.codec = self._par.codec
        self.observation_space = self._par.observation_space(self.agent)
        self.action_space = self._par.action_space(self.agent)
        self._seats = SeatBots({})
        """The opponents' bots, played as run_match plays them (eliminated ones hold)."""
        self._failures: dict[int, str] = {}
        """Bot failures not yet reported (a failed setup shows in the first step's info)."""

    @property
    def parallel_env(self) -> CapacityWarsParallelEnv:
        """The underlying all-seat env (its ``match_state`` is the engine state)."""
        return self._par

    @property
    def _bots(self) -> dict[int, Bot]:
        """The opponents' bots by seat (this episode's; empty before reset and after close)."""
        return self._seats.bots

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Obs, dict[str, Any]]:
        super().reset(seed=seed)
        match_seed = seed if seed is not None else int(self.np_random.integers(0, 2**63 - 1))
        obs, infos = self._par.reset(seed=match_seed, options=options)
        state = self._par.match_state
        self._close_bots()
        self._failures = {}
        seats = [s for s in range(state.n_players) if s != self.seat]
        self._seats = SeatBots(
            {
                seat: spec if isinstance(spec, Bot) else make_bot(spec)
                for seat, spec in zip(seats, self.opponent_specs)
            }
        )
        # As in run_match: a bot whose setup raised is still asked, and holds if it fails.
        for seat, setup_failure, gone in self._seats.setup(state):
            if setup_failure:
                self._failures[seat] = setup_failure
            if gone is not None:
                self._failures[seat] = elimination_text(gone)
        return obs[self.agent], infos[self.agent]

    def _close_bots(self) -> None:
        """Stop the opponents' processes, if any (external bots), and forget them.

        Bot instances given as opponents belong to the caller: they are set up again at the
        next reset, never closed here."""
        bots, self._seats = self._seats.bots, SeatBots({})
        given = {id(spec) for spec in self.opponent_specs if isinstance(spec, Bot)}
        for bot in bots.values():
            if id(bot) in given:
                continue
            close = getattr(bot, "close", None)
            if callable(close):
                close()

    def step(self, action: Act) -> tuple[Obs, SupportsFloat, bool, bool, dict[str, Any]]:
        par = self._par
        state = par.match_state  # raises before reset
        if self.agent not in par.agents:
            raise RuntimeError(
                "the episode is over (terminated or truncated): call reset() before step()"
            )
        # The learner's vector first: a malformed one raises before any bot has acted.
        mine: list[object] = list(self.codec.decode(action, par.observation_of(self.agent)))
        lists: list[list[object]] = []
        failures, self._failures = self._failures, {}
        status = state.status.tolist()
        for seat in range(state.n_players):
            if seat == self.seat:
                lists.append(mine)
                continue
            chosen, failure, gone = self._seats.ask(state, seat, status)
            if gone is not None:  # eliminated: it holds from now on
                _add(failures, seat, elimination_text(gone))
            elif failure:
                _add(failures, seat, failure)
            lists.append(chosen)
        obs, rewards, terms, truncs, infos = par.advance(lists, only=self.agent)
        info = dict(infos[self.agent])
        term, trunc = terms[self.agent], truncs[self.agent]
        if term or trunc:
            for seat, text in self._end_bots().items():
                _add(failures, seat, text)
            self._close_bots()  # the episode is over: no process outlives it
        if failures:
            info["bot_failures"] = dict(sorted(failures.items()))
        return obs[self.agent], rewards[self.agent], term, trunc, info

    def _end_bots(self) -> dict[int, str]:
        """Tell every opponent the episode is over, as ``run_match`` tells its bots.

        Each bot's ``on_end`` gets the :class:`~game.agents.base.MatchResult` of the match as
        it stands (the standings so far when the learner's bankruptcy or ``max_quarters`` ended
        the episode early; eliminated external bots ranked last, as in a match). Returns what
        failed, by seat: a bot whose ``on_end`` raises does not stop the others nor the env."""
        seats = self._seats
        return seats.end(seats.standings(self._par.match_state))

    def render(self) -> str | None:
        return self._par.render()

    def close(self) -> None:
        """Stop the opponents (external bots' processes) and the underlying env."""
        self._close_bots()
        self._par.close()


__all__ = ["ENV_ID", "RIVALS", "CapacityWarsEnv", "register"]


def register() -> None:
    """Register :data:`ENV_ID` with Gymnasium (already done on ``import game.rl``)."""
    register_gymnasium_id()


register()


def _add(failures: dict[int, str], seat: int, text: str) -> None:
    """Record what went wrong with ``seat``'s bot after what already did (a failed setup, then
    a failed first quarter, both show in that step's ``info["bot_failures"]``)."""
    failures[seat] = f"{failures[seat]}; {text}" if seat in failures else text
