"""Phase 10, research: funded programmes advance, complete or slip; effects unlock next quarter.

A programme needs both its full cost and its minimum quarters of funding. When it would
complete, it rolls once against its slip risk (from the research stream): a slip adds quarters
and cost. Research is private: only the player hears of its own slips and breakthroughs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from game.engine import rng
from game.engine.quarter import Quarter
from game.engine.state import MatchState, NewsItem
from game.engine.tables import World


def run(state: MatchState, q: Quarter) -> None:
    world = state.world
    if not world.tech_ids:
        return
    level = state.research_level
    # Only a few of the N × T programmes are funded: work on those, one float at a time
    # (flat indices in row order, the order np.nonzero gives).
    funded = level.ravel().nonzero()[0].tolist()
    if not funded:
        return  # nothing funded: nothing advances, nothing can complete
    n_tech = len(world.tech_ids)
    spend = q.research_spend
    spent = state.research_spent
    # spent += spend, where spending is not zero (adding a zero changes nothing)
    for k in spend.ravel().nonzero()[0].tolist():
        seat, t = divmod(k, n_tech)
        spent[seat, t] = spent.item(k) + spend.item(k)
    tables = _tables(world)
    if q.mods.has("research.cost"):
        cost = np.asarray(q.mods.apply("research.cost", world.tech_cost), float).tolist()
    else:
        cost = tables["tech_cost"]
    min_quarters = tables["min_quarters"]
    status = state.status.tolist()
    done = state.research_done
    quarters = state.research_quarters
    extra = state.research_extra
    extra_quarters = state.research_extra_quarters
    ready: list[tuple[int, int]] = []
    for k in funded:
        seat, t = divmod(k, n_tech)
        # A quarter counts while the programme is funded, even once its money is all spent
        # (after a slip the remaining cost can be paid before the extra quarters have passed).
        if not (level.item(k) > 0 and done.item(k) < 0 and status[seat] == 0):
            continue
        count = quarters.item(k) + 1
        quarters[seat, t] = count
        need = cost[t] + extra.item(k)
        if spent.item(k) >= need - 1e-9 and count >= min_quarters[t] + extra_quarters.item(k):
            ready.append((seat, t))
    if not ready:
        return
    slip = np.asarray(q.mods.apply("research.slip", world.tech_slip_risk), float)
    # The research stream is derived per quarter, so leaving it undrawn changes no other draw:
    # it is made (which costs more than the rest of the phase) only when a programme can slip.
    draws = None
    for seat, t in ready:
        tech = world.content.technologies[t]
        first_try = state.research_extra_quarters[seat, t] == 0
        if first_try and world.tech_slip_quarters[t] > 0 and slip[t] > 0:
            if draws is None:
                draws = rng.stream(state.seed, rng.RESEARCH, state.turn).random(spend.shape)
            slips = draws[seat, t] < slip[t]
        else:
            slips = False  # (a draw in [0, 1) is never below a risk of zero or less)
        if slips:
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


def _tables(world: World) -> dict[str, Any]:
    """This world's technology costs and minimum quarters as plain lists (once per world)."""
    return world.once(
        "research",
        lambda w: {"tech_cost": w.tech_cost.tolist(), "min_quarters": w.tech_min_quarters.tolist()},
    )
