"""The rival bot: one class per archetype on top of :class:`RivalBot`, three difficulty levels.

``easy``
    Reactive and noisy: it plans for last quarter's demand, misjudges it by a random margin,
    sometimes forgets to act, sometimes panics on the spot market: the mistakes of a person
    playing for the first time.
``normal``
    Forecasts its demand and the spot prices several quarters ahead, keeps a capacity buffer
    and widens it (and spreads across providers) once it has seen outages.
``hard``
    Everything ``normal`` does, and each quarter it searches plans (capacity buffer, reserved
    cover, contract terms, training share, build size, and the price each sets) by Monte Carlo
    lookahead to the end of the match over sampled futures shared by every plan, through a
    forward model of its own P&L built from its observation only, scored by the enterprise
    value the score counts (:mod:`game.agents.rivals.lookahead`), within a think-time budget.

Every rival draws its randomness from its seat's seed (``SetupInfo.seed``), so the same seed
gives the same actions.
"""

from __future__ import annotations

import math
import time

import numpy as np

from game.agents.base import Bot, SetupInfo
from game.agents.rivals import lookahead
from game.agents.rivals.forecast import Memory, demand_path, spot_outlook
from game.agents.rivals.personality import Personality, personality_for
from game.agents.rivals.planning import (
    HORIZON,
    Context,
    Style,
    capacity_need,
    execute,
    measure_efficiency,
    read_book,
)
from game.engine.actions import Action, BidSpot, Reserve, SetServicePrice
from game.engine.observation import Observation

LEVELS = ("easy", "normal", "hard")
THINK_BUDGET = 0.5
"""Seconds a ``hard`` rival may spend on lookahead in one quarter before it falls back."""


class RivalBot(Bot):
    """A rival company: an archetype's :meth:`style` played at a difficulty ``level``."""

    archetype = "rival"
    lesson = ""

    def __init__(self, level: str = "normal", seed: int | None = None) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
        self.level = level
        self.name = f"{self.archetype}:{level}"
        self.rng = np.random.default_rng(seed)
        self.memory = Memory()
        self.personality = Personality(archetype=self.archetype)
        self.think_times: list[float] = []
        self.last_choice: lookahead.Choice | None = None

    def setup(self, info: SetupInfo) -> None:
        super().setup(info)
        self.rng = np.random.default_rng(info.seed)
        self.memory = Memory()
        self.personality = personality_for(info, self.archetype)
        self.think_times = []

    # ------------------------------------------------------------------ archetype hooks
    def style(self, obs: Observation) -> Style:
        """This quarter's knobs (archetypes override)."""
        return Style()

    def adjust(self, obs: Observation, actions: list[Action]) -> list[Action]:
        """Last word on the quarter's actions (archetypes may add or change moves)."""
        return actions

    # ------------------------------------------------------------------ the quarter
    def act(self, observation: Observation) -> list[Action]:
        started = time.perf_counter()
        obs = observation
        if obs.me.status != "active":
            return []
        memory = self.memory
        memory.update(obs)
        measure_efficiency(obs, memory)
        style = self.style(obs)
        if self.level == "easy":
            actions = self._act_easy(obs, style)
        else:
            actions = self._act_planned(obs, style, started)
        actions = self.adjust(obs, actions)
        self.think_times.append(time.perf_counter() - started)
        return actions

    def _normal_style(self, obs: Observation, style: Style) -> Style:
        # Hedge outages: after seeing them, keep a wider buffer across more providers.
        if self.memory.outages:
            style = style.with_(
                buffer=style.buffer + min(0.02 * self.memory.outages, 0.06),
                spread=max(style.spread, 2),
            )
        return style

    def _act_planned(self, obs: Observation, style: Style, started: float) -> list[Action]:
        memory = self.memory
        style = self._normal_style(obs, style)
        demand = demand_path(memory, obs, HORIZON, trend=True)
        spot = spot_outlook(obs)
        book = read_book(obs, memory)
        if (
            self.level == "hard"
            and memory.demand
            and "service_price" in obs.mechanics
            and time.perf_counter() - started < THINK_BUDGET
        ):
            choice = lookahead.choose(
                obs, memory, book, demand, spot, style, self.rng, budget=THINK_BUDGET * 0.8
            )
            style = choice.style.with_(extras={**choice.style.extras, "price_set": choice.price})
            demand = demand * choice.demand_factor
            self.last_choice = choice
        need = capacity_need(obs, memory, demand, style)
        ctx = Context(obs, memory, style, need, spot, book, self.rng)
        return execute(ctx)

    def _act_easy(self, obs: Observation, style: Style) -> list[Action]:
        rng, memory = self.rng, self.memory
        if rng.random() < 0.12:
            return []  # a quarter spent in meetings
        # Reactive: plans for last quarter's demand (sometimes the one before), misjudged.
        if len(memory.demand) >= 2 and rng.random() < 0.3:
            stale = memory.demand[-2]
            demand = np.full(HORIZON, stale)
        else:
            demand = demand_path(memory, obs, HORIZON, trend=False)
        demand = demand * float(np.exp(rng.normal(0.0, 0.2)))
        style = style.with_(
            buffer=style.buffer * float(rng.uniform(0.85, 1.05)),
            reserved_cover=style.reserved_cover * float(rng.uniform(0.5, 1.3)),
            spot_limit=style.spot_limit * (2.0 if memory.shortage > 0.05 else 1.0),
            price_step=style.price_step * 1.5,
            research=style.research[:1],
            max_site_mw=style.max_site_mw * float(rng.uniform(0.6, 1.6)),
        )
        spot = spot_outlook(obs)
        book = read_book(obs, memory)
        need = capacity_need(obs, memory, demand, style)
        ctx = Context(obs, memory, style, need, spot, book, rng)
        actions = execute(ctx)
        kept: list[Action] = []
        for action in actions:
            if rng.random() < 0.15:
                continue  # forgot to follow through
            if isinstance(action, Reserve | BidSpot):
                scale = float(np.exp(rng.normal(0.0, 0.25)))
                quantity = round(max(action.quantity * scale, 0.1), 2)
                action = type(action).model_validate({**action.model_dump(), "quantity": quantity})
            if isinstance(action, SetServicePrice):
                noisy = action.price * float(np.exp(rng.normal(0.0, 0.03)))
                action = SetServicePrice(price=round(min(max(noisy, 5.0), 25.0), 3))
            kept.append(action)
        return kept

    @property
    def median_think_ms(self) -> float:
        if not self.think_times:
            return math.nan
        return float(np.median(self.think_times)) * 1000.0
