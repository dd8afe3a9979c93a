"""The public figures of a match, quarter by quarter: what a debrief, a class comparison and a
teaching scenario's calibration look at.

The engine records each player's figures and each provider's spot price in ``state.history``.
Lead times and grid waits are not history series: they are read from the public observation of
the state *after* each quarter (what a team saw when it planned the next one), so that
``lead_time[t]`` is the lead a new order placed after quarter ``t`` would face.

:func:`play` runs a match between bots and :func:`resimulate` a replay, both keeping every state,
so everything here is computed by the engine, never estimated after the fact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from game.arena.errors import NotReproduced, ReplayError
from game.engine.modifiers import Modifiers, resolve_select
from game.engine.observation import observe
from game.engine.report import QuarterReport
from game.engine.state import ActiveEffect, MatchState

__all__ = ["NotReproduced", "Quarterly", "WorldFigures", "play", "resimulate", "world_figures"]


@dataclass(frozen=True)
class WorldFigures:
    """What every team could see at the end of one quarter."""

    vendor_lead: dict[str, float]
    """Per vendor: mean quarters until an order placed now arrives, over its available chips."""
    chip_lead: dict[str, int]
    """Per available chip SKU: quarters until an order placed now arrives."""
    grid_wait: dict[str, int]
    """Per region: quarters a new grid-connection request would wait."""
    fabric_lead: dict[str, int]
    """Per region: quarters until network fabric ordered now arrives."""


def world_figures(state: MatchState) -> WorldFigures:
    """The public supply figures of ``state`` (lead times, grid waits)."""
    obs = observe(state, 0)
    leads: dict[str, list[int]] = {}
    chip_lead: dict[str, int] = {}
    for chip in obs.chips:
        if chip.available and not chip.custom:
            leads.setdefault(chip.vendor, []).append(chip.lead_quarters)
            chip_lead[chip.id] = chip.lead_quarters
    return WorldFigures(
        vendor_lead={v: round(sum(ls) / len(ls), 2) for v, ls in sorted(leads.items())},
        chip_lead=chip_lead,
        grid_wait={r.id: r.grid_wait_quarters for r in obs.regions},
        fabric_lead={r.id: r.fabric_lead_quarters for r in obs.regions},
    )


@dataclass
class Quarterly:
    """A match played (or re-played) quarter by quarter, with every state kept."""

    opening: MatchState
    states: list[MatchState] = field(default_factory=list)
    """``states[t]``: the state after quarter ``t``."""
    reports: list[QuarterReport] = field(default_factory=list)
    """``reports[t]``: what quarter ``t`` produced."""
    _figures: list[WorldFigures] | None = None

    @property
    def final(self) -> MatchState:
        return self.states[-1] if self.states else self.opening

    def add(self, state: MatchState, report: QuarterReport) -> None:
        self.states.append(state)
        self.reports.append(report)

    @property
    def figures(self) -> list[WorldFigures]:
        """``figures[t]``: the public supply figures after quarter ``t``."""
        if self._figures is None or len(self._figures) != len(self.states):
            self._figures = [world_figures(s) for s in self.states]
        return self._figures

    def series(self, key: str) -> list[list[float]]:
        """``history[key]`` for the quarters played, as lists (NaN for a bankrupt seat)."""
        rows = self.final.history[key][: len(self.states)]
        return [[float(x) for x in row] for row in rows]

    def vendor_lead(self, vendor: str) -> list[float]:
        return [f.vendor_lead.get(vendor, math.nan) for f in self.figures]

    def grid_wait(self, region: str) -> list[float]:
        return [float(f.grid_wait.get(region, math.nan)) for f in self.figures]

    def power_prices(self) -> list[dict[str, float]]:
        """``power_prices()[t]``: per region, the power price data centres paid *during*
        quarter ``t``, $/MWh: the engine's effects in force as the quarter began and those of
        the events that started in it (:meth:`power_effects_during`)."""
        world = self.opening.world
        prices = []
        for t in range(len(self.states)):
            mods = Modifiers(world, self.power_effects_during(t))
            paid = np.asarray(mods.apply("region.power_price", world.reg_power_price), float)
            paid = paid * np.ones(len(world.region_ids))
            prices.append(
                {r: round(float(p), 2) for r, p in zip(world.region_ids, paid, strict=True)}
            )
        return prices

    def power_effects_during(self, t: int) -> list[ActiveEffect]:
        """The power-price effects in force during quarter ``t``, in the engine's order: the
        state before it holds those still in force, its report names the events that started
        in it. (Not read from the states after the quarters: an effect is gone from the state
        after its last quarter, so a one-quarter heat wave would be in none of them.)"""
        world = self.opening.world
        before = self.states[t - 1] if t else self.opening
        effects = [e for e in before.modifiers if e.target == "region.power_price"]
        for event_id in self.reports[t].events:
            index = world.event_index[event_id]
            event = world.events[index]
            effects += [
                ActiveEffect(
                    event=index,
                    target=effect.target,
                    indices=resolve_select(world, effect),
                    op=effect.op,
                    value=effect.value,
                    start=t,
                    end=t + event.duration,
                )
                for effect in event.effects
                if effect.target == "region.power_price"
            ]
        return effects


def play(
    content: object,
    scenario: str,
    seed: int,
    bots: Sequence[str] | None = None,
) -> Quarterly:
    """Play a whole match between bots (default: ``balanced`` in every seat), keeping states."""
    from game.arena.match import run_match
    from game.engine.setup import new_match
    from game.rules.models import Content

    assert isinstance(content, Content)
    opening = new_match(content, scenario, seed)
    played = Quarterly(opening)
    specs = list(bots) if bots else ["balanced"] * opening.n_players
    run_match(content, scenario, seed, bots=specs, on_quarter=played.add)
    return played


def _why_not_reproduced(recorded_by: str) -> str:
    """What a teacher can do about a save whose content matches but whose quarters do not."""
    import game

    if recorded_by != game.__version__:
        return (
            f"The save was recorded by capwars {recorded_by} and this is capwars"
            f" {game.__version__}: use capwars {recorded_by} for it (the game's own quarters"
            " are checked against that version's engine)"
        )
    # The version number is not changed by every update that changes the engine's results.
    return (
        "Its scenario and content are the ones it was played with, so either the file was"
        " changed after the game wrote it (edited by hand, or damaged in a copy): use the save"
        " as the game wrote it (the file in the lab machine's saves/ folder, or the student's"
        f" download again); or it was played with another build of capwars {game.__version__}"
        " whose engine plays differently (an update installed since): use the capwars the"
        " game was played with"
    )


def resimulate(replay: object, content: object) -> Quarterly:
    """Re-play a replay or save from its seed, checking every recorded hash.

    Raises :class:`~game.arena.replay.ReplayError` if the engine no longer reproduces it.
    """
    from game.arena.replay import Replay, opening_state
    from game.engine.step import MatchOverError, step
    from game.rules.models import Content

    assert isinstance(replay, Replay)
    assert content is None or isinstance(content, Content)
    state = opening_state(replay, content)  # refuses other content (NotReproduced), saying why
    played = Quarterly(state)
    for q in replay.quarters:
        try:
            state, report = step(state, q.submitted, inject=q.injected)
        except MatchOverError:
            raise ReplayError(
                f"{replay.path}: quarter {q.turn}: the match was already over"
            ) from None
        except ValueError as exc:
            raise ReplayError(f"{replay.path}: quarter {q.turn}: {exc}") from None
        if report.state_hash != q.hash:
            raise NotReproduced(
                f"{replay.path}: quarter {q.turn} ({q.label}) does not re-simulate: recorded hash"
                f" {q.hash}, this engine and content give {report.state_hash}. "
                + _why_not_reproduced(replay.header.engine)
            )
        played.add(state, report)
    return played
