"""``CapacityWarsParallelEnv``: the whole match as a PettingZoo ``ParallelEnv`` (extra ``rl``).

Every seat is an agent ``seat_0`` … ``seat_{n-1}``; all of them act at once each quarter, as in
the game (DESIGN §4). Actions and observations go through :class:`~game.rl.codec.Codec`
(``docs/RL.md``); observations come only from :func:`game.engine.observe`. ``scenario`` is an
id or a scenario file.

- ``reset(seed=s)`` starts ``new_match`` with seed ``s`` (the world, events and market all follow
  from it) and seeds every agent's action and observation space from ``s`` too; ``reset()``
  without a seed draws the match seed from the env's generator. The opening observation is the
  same for every seed; the seed shows from the first step on.
- ``step({agent: vector})`` (a missing agent or ``None`` holds) returns per agent: the
  observation, the reward (the change in enterprise value this quarter divided by the codec's
  money scale ``M``, so an episode's rewards add up to the value created ÷ ``M``, less
  ``bankruptcy_penalty`` in the quarter a seat goes bankrupt), a termination (match over, or
  bankrupt), a truncation (``max_quarters`` reached) and an info dict with the quarter's
  summary and the codes of the seat's rejected actions.
- ``state()`` is the global state for centralised critics (MAPPO, QMIX): every seat's
  observation vector of the current match state, concatenated in seat order (a bankrupt seat's
  part is the codec's zero observation), in ``state_space``; computed only when called.
- ``render_mode="ansi"`` renders a one-screen standings table.
- Mistakes raise at once with what was expected: a malformed vector or an unknown agent
  (``ValueError``), ``step`` before ``reset`` or once ``agents`` is empty (``RuntimeError``).

>>> from game.rl import CapacityWarsParallelEnv                # doctest: +SKIP
>>> env = CapacityWarsParallelEnv(scenario="tutorial")          # doctest: +SKIP
>>> obs, infos = env.reset(seed=1)                              # doctest: +SKIP
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv
from pettingzoo.utils.conversions import parallel_to_aec

from game.engine.observation import Observation, observe
from game.engine.report import QuarterReport
from game.engine.scoring import enterprise_value
from game.engine.setup import opening_state
from game.engine.state import ACTIVE, MatchState
from game.engine.step import step
from game.engine.tables import World, build_world
from game.rl.codec import OBS_BOUND, Codec, ContentSource, content_of
from game.rules.loader import resolve_scenario

RENDER_MODES = ("ansi",)
"""Besides ``None``: ``"ansi"`` renders a standings table as a string."""
MAX_SEED = 2**63 - 1
"""Match seeds are 63-bit; larger ``reset`` seeds are reduced modulo ``2**63``."""

Obs = np.ndarray
Act = np.ndarray


def agent_name(seat: int) -> str:
    return f"seat_{seat}"


def make_spaces(codec: Codec, n: int) -> tuple[list[Any], list[Any]]:
    """One observation and one action space per seat (distinct objects, so each seeds alone)."""
    obs_spaces = [
        spaces.Box(-OBS_BOUND, OBS_BOUND, shape=(codec.observation_size,), dtype=np.float32)
        for _ in range(n)
    ]
    act_spaces = [
        spaces.Box(-1.0, 1.0, shape=(codec.action_size,), dtype=np.float32) for _ in range(n)
    ]
    return obs_spaces, act_spaces


def _finite(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


class CapacityWarsParallelEnv(ParallelEnv[str, Obs, Act]):
    """A Capacity Wars match; one agent per seat, simultaneous moves."""

    metadata = {  # noqa: RUF012 (the PettingZoo convention)
        "name": "capacity_wars_v0",
        "render_modes": list(RENDER_MODES),
        "is_parallelizable": True,
    }

    def __init__(
        self,
        scenario: str | os.PathLike[str] = "standard",
        content: ContentSource = None,
        render_mode: str | None = None,
        max_quarters: int | None = None,
        bankruptcy_penalty: float = 1.0,
    ):
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be None or 'ansi', not {render_mode!r}")
        if max_quarters is not None and (
            isinstance(max_quarters, bool)
            or not isinstance(max_quarters, numbers.Integral)
            or max_quarters < 1
        ):
            raise ValueError(
                f"max_quarters must be a positive integer or None, not {max_quarters!r}"
            )
        if not math.isfinite(bankruptcy_penalty):
            raise ValueError(
                f"bankruptcy_penalty must be a finite number, not {bankruptcy_penalty!r}"
            )
        # The content given (an object or a folder, as --content DIR), else the game's own.
        loaded = content_of(content)
        # An id, or a scenario file anywhere (as `capwars match --scenario FILE` takes).
        content, scenario_id = resolve_scenario(loaded, os.fspath(scenario))
        self.world: World = build_world(content, content.scenario(scenario_id))
        self.codec = Codec(self.world)
        self.render_mode = render_mode
        self.max_quarters = max_quarters
        self.bankruptcy_penalty = float(bankruptcy_penalty)
        n = self.world.n_players
        self.possible_agents: list[str] = [agent_name(s) for s in range(n)]
        self.agents: list[str] = []
        self._seat = {a: s for s, a in enumerate(self.possible_agents)}
        obs_spaces, act_spaces = make_spaces(self.codec, n)
        self.observation_spaces = dict(zip(self.possible_agents, obs_spaces))
        self.action_spaces = dict(zip(self.possible_agents, act_spaces))
        self.state_space = spaces.Box(
            -OBS_BOUND, OBS_BOUND, shape=(n * self.codec.observation_size,), dtype=np.float32
        )
        """What :meth:`state` returns: every seat's observation vector, in seat order."""
        self._rng: np.random.Generator | None = None
        self._state: MatchState | None = None
        self._observations: list[Observation | None] = []
        """Per seat, the observation of the current state once asked for (None: not yet)."""
        self._ev = np.zeros(n)
        self.last_report: QuarterReport | None = None

    # ------------------------------------------------------------------ spaces
    def observation_space(self, agent: str) -> spaces.Box:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Box:
        return self.action_spaces[agent]

    # ------------------------------------------------------------------ state
    @property
    def match_state(self) -> MatchState:
        """The engine state of the match (hidden information: not for policies)."""
        if self._state is None:
            raise RuntimeError("call reset() first")
        return self._state

    def observation_of(self, agent: str) -> Observation:
        """The engine :class:`Observation` behind an agent's current vector."""
        return self._observation(self._seat[agent])

    def state(self) -> np.ndarray:
        """The global state for a centralised critic: every seat's observation, in seat order.

        A float32 vector in :attr:`state_space`: the seat ``k`` part (``state()[k*O:(k+1)*O]``,
        ``O`` = ``codec.observation_size``) is the codec's vector of ``observe(state, k)`` for
        the current match state, the same vector that seat's agent was (or would be) given this
        step; a bankrupt seat's part is the zero observation. Seats done because the match ended
        or ``max_quarters`` truncated it keep their observation of the final state (so a critic
        can bootstrap from it). Computed on each call from the current state, never during
        ``step``. Before ``reset`` it raises ``RuntimeError``.
        """
        if self._state is None:
            raise RuntimeError("state() is the current match's global state: call reset() first")
        state = self._state
        size = self.codec.observation_size
        out = np.zeros(state.n_players * size, dtype=np.float32)
        encode = self.codec.encode
        for seat, status in enumerate(state.status.tolist()):
            if status == ACTIVE:
                out[seat * size : (seat + 1) * size] = encode(self._observation(seat))
        return out

    def _observation(self, seat: int) -> Observation:
        # Observed on first use: a seat out of the game is never encoded nor decoded, so its
        # observation is only made if someone asks for it (the state never changes meanwhile).
        obs = self._observations[seat]
        if obs is None:
            obs = observe(self.match_state, seat)
            self._observations[seat] = obs
        return obs

    # ------------------------------------------------------------------ reset
    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Obs], dict[str, dict[str, Any]]]:
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
                raise ValueError(f"seed must be a non-negative integer or None, not {seed!r}")
            self._rng = np.random.default_rng(seed)
            match_seed = int(seed) & MAX_SEED
            sequence = np.random.SeedSequence(match_seed)
            for agent, child in zip(
                self.possible_agents, sequence.spawn(len(self.possible_agents))
            ):
                a, o = (int(x) for x in child.generate_state(2))
                self.action_spaces[agent].seed(a)
                self.observation_spaces[agent].seed(o)
        else:
            if self._rng is None:
                self._rng = np.random.default_rng()
            match_seed = int(self._rng.integers(0, MAX_SEED))
        return self.start(opening_state(self.world, match_seed))

    def start(self, state: MatchState) -> tuple[dict[str, Obs], dict[str, dict[str, Any]]]:
        """Begin from a given opening (or mid-match) state instead of a fresh one."""
        self._state = state
        self._ev = np.asarray(enterprise_value(state), dtype=np.float64).copy()
        self.last_report = None
        self.agents = [a for s, a in enumerate(self.possible_agents) if state.status[s] == ACTIVE]
        self._observations = [None] * state.n_players
        obs = {a: self.codec.encode(self._observation(self._seat[a])) for a in self.agents}
        infos: dict[str, dict[str, Any]] = {
            a: {"turn": state.turn, "label": state.quarter_label, "seat": self._seat[a]}
            for a in self.agents
        }
        return obs, infos

    # ------------------------------------------------------------------ step
    def step(
        self, actions: dict[str, Act]
    ) -> tuple[
        dict[str, Obs],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        self._check_live()
        if not isinstance(actions, Mapping):
            raise TypeError(
                f"step() takes a dict {{agent: action vector}}, not {type(actions).__name__}"
            )
        for agent in actions:
            if agent not in self._seat:
                raise ValueError(
                    f"unknown agent {agent!r}: this match's agents are {self.possible_agents}"
                )
        decoded: list[Sequence[object]] = []
        live = self.agents
        decode = self.codec.decode
        for seat, agent in enumerate(self.possible_agents):
            vector = actions.get(agent) if agent in live else None
            if vector is None:
                decoded.append([])
            else:
                try:
                    decoded.append(decode(vector, self._observation(seat)))
                except ValueError as exc:
                    raise ValueError(f"{agent}: {exc}") from None
        return self.advance(decoded)

    def _check_live(self) -> None:
        """Raise unless a quarter can be played: after reset, while some agent is live."""
        state = self.match_state  # raises before reset
        if not self.agents:
            why = "the match is over" if state.over else "every agent is done"
            raise RuntimeError(f"{why} (terminated or truncated): call reset() before step()")

    def advance(
        self, engine_actions: Sequence[Sequence[object]], only: str | None = None
    ) -> tuple[
        dict[str, Obs],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """Play one quarter with engine actions per seat (what ``step`` does after decoding).

        With ``only`` (an agent), the observation and info of that agent alone are built (the
        single-seat env's case); rewards, terminations and truncations cover every live agent.
        """
        self._check_live()
        state = self.match_state
        live = list(self.agents)
        new, report = step(state, engine_actions)
        self._state = new
        self.last_report = report
        # The quarter's recorded row: the same floats history["enterprise_value"] stacks.
        ev_row = new.history.row(report.turn)["enterprise_value"]
        truncate = self.max_quarters is not None and not new.over and new.turn >= self.max_quarters
        self._observations = [None] * new.n_players
        obs: dict[str, Obs] = {}
        rewards: dict[str, float] = {}
        terms: dict[str, bool] = {}
        truncs: dict[str, bool] = {}
        infos: dict[str, dict[str, Any]] = {}
        scale = self.codec.money_scale
        encode = self.codec.encode
        status = new.status.tolist()
        over = bool(new.over)
        for agent in live:
            seat = self._seat[agent]
            bankrupt = status[seat] != ACTIVE
            before = float(self._ev[seat])
            ev = float(ev_row[seat])
            if not math.isfinite(ev):
                ev = before
            reward = (ev - before) / scale
            if bankrupt:
                reward -= self.bankruptcy_penalty
            self._ev[seat] = ev
            rewards[agent] = float(reward)
            terms[agent] = over or bankrupt
            truncs[agent] = bool(truncate and not bankrupt)
            if only is None or agent == only:
                obs[agent] = encode(self._observation(seat))
                infos[agent] = self._info(report, seat, ev)
        self.agents = [a for a in live if not (terms[a] or truncs[a])]
        return obs, rewards, terms, truncs, infos

    def _info(self, report: QuarterReport, seat: int, ev: float) -> dict[str, Any]:
        p = report.players[seat]
        return {
            "turn": report.turn,
            "label": report.label,
            "seat": seat,
            "status": p.status,
            "rejected": tuple((kind, code) for kind, code, _ in report.rejected[seat]),
            "applied": len(report.applied[seat]),
            "events": report.events,
            "summary": {
                "capacity": _finite(p.capacity),
                "demand": _finite(p.demand),
                "served": _finite(p.served),
                "revenue": _finite(p.revenue),
                "cash": _finite(p.cash),
                "debt": _finite(p.debt),
                "market_share": _finite(p.market_share),
                "reputation": _finite(p.reputation),
                "enterprise_value": _finite(ev),
            },
            "state_hash": report.state_hash,
        }

    # ------------------------------------------------------------------ render
    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        state = self.match_state
        lines = [f"{self.world.scenario.name} · {state.quarter_label} · turn {state.turn}"]
        lines.append(f"{'seat':<8}{'name':<28}{'status':<10}{'cash $M':>10}{'EV $M':>10}")
        for seat, name in enumerate(state.names):
            status = "active" if state.status[seat] == ACTIVE else "bankrupt"
            lines.append(
                f"{agent_name(seat):<8}{name[:27]:<28}{status:<10}"
                f"{float(state.cash[seat]):>10.1f}{float(self._ev[seat]):>10.1f}"
            )
        return "\n".join(lines)

    def close(self) -> None:
        """Nothing to release."""


def parallel_env(**kwargs: Any) -> CapacityWarsParallelEnv:
    """The parallel env (PettingZoo naming convention)."""
    return CapacityWarsParallelEnv(**kwargs)


def aec_env(**kwargs: Any) -> Any:
    """The same env in PettingZoo's AEC form (``parallel_to_aec`` with order enforcing)."""
    return parallel_to_aec(CapacityWarsParallelEnv(**kwargs))


env = aec_env
