"""Phase 10, research: funded programmes advance, complete or slip; effects unlock next quarter.

A programme needs both its full cost and its minimum quarters of funding. When it would
complete, it rolls once against its slip risk (from the research stream): a slip adds quarters
and cost. Research is private: only the player hears of its own slips and breakthroughs.
"""

from __future__ import annotations

import numpy as np

from game.engine import rng
from game.engine.quarter import Quarter
from game.engine.state import MatchState, NewsItem


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    if not world.tech_ids:
        return
    spend = q.research_spend
    if not state.research_level.any():
        return  # nothing funded: nothing advances, nothing can complete
    # A quarter counts while the programme is funded, even once its money is all spent (after a
    # slip the remaining cost can be paid before the extra quarters have passed).
    funded = (state.research_level > 0) & (state.research_done < 0) & (state.status == 0)[:, None]
    state.research_spent[...] += spend
    state.research_quarters[...] += funded.astype(np.int64)
    cost = np.asarray(q.mods.apply("research.cost", world.tech_cost), float)
    need = cost[None, :] + state.research_extra
    ready = (
        (state.research_done < 0)
        & (state.status == 0)[:, None]
        & funded
        & (state.research_spent >= need - 1e-9)
        & (
            state.research_quarters
            >= world.tech_min_quarters[None, :] + state.research_extra_quarters
        )
    )
    slip = np.asarray(q.mods.apply("research.slip", world.tech_slip_risk), float)
    if not ready.any():
        return
    # The research stream is derived per quarter, so leaving it undrawn changes no other draw.
    draws = rng.stream(state.seed, rng.RESEARCH, state.turn).random(spend.shape)
    for seat, t in zip(*np.nonzero(ready), strict=True):
        tech = world.content.technologies[t]
        first_try = state.research_extra_quarters[seat, t] == 0
        if first_try and world.tech_slip_quarters[t] > 0 and draws[seat, t] < slip[t]:
            state.research_extra[seat, t] += world.tech_slip_cost[t] * cost[t]
            state.research_extra_quarters[seat, t] += world.tech_slip_quarters[t]
            q.news.append(
                NewsItem(
                    state.turn,
                    "tech",
                    f"{tech.name} slips {world.tech_slip_quarters[t]} quarters",
                    f"The programme hit a snag at the finish (a {slip[t]:.0%} risk): it needs"
                    f" {world.tech_slip_quarters[t]} more quarters and"
                    f" ${world.tech_slip_cost[t] * cost[t]:,.0f}M more before it pays off.",
                    seat=int(seat),
                )
            )
            continue
        state.research_done[seat, t] = state.turn
        state.research_level[seat, t] = 0.0
        q.news.append(
            NewsItem(
                state.turn,
                "tech",
                f"{tech.name} complete",
                tech.description or "Its effects apply from next quarter.",
                seat=int(seat),
            )
        )
