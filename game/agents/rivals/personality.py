"""Rival personalities from content: company name, archetype and the two personality weights.

A rival's personality is public content (``content/rivals.toml``). A bot finds its own entry
from :class:`~game.agents.base.SetupInfo`: an explicit ``rules["rival"]`` mapping if the match
runner passes one, else the seat's company name looked up in the default content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from game.agents.base import SetupInfo


@dataclass(frozen=True)
class Personality:
    """How a rival leans within its archetype (both weights 0-1)."""

    name: str = ""
    risk_appetite: float = 0.5
    """High: borrows, builds bigger and bets on research."""
    patience: float = 0.5
    """High: longer contracts and builds instead of chasing the spot price."""
    archetype: str = ""


@dataclass(frozen=True)
class _ContentFacts:
    rivals: dict[str, Personality]
    efficiency: dict[str, float]
    """Technology id -> serving-efficiency multiplier (the published research effects)."""
    power: dict[str, float]
    """Technology id -> power-per-performance multiplier."""
    opex: dict[str, float]
    """Industry id -> operating cost as a share of revenue."""
    industry: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Industry id -> (outage sensitivity, quality growth): the published industry figures."""
    market: dict[str, MarketFacts] = field(default_factory=dict)
    """Scenario id -> its published customer model and scoring multiple."""


@dataclass(frozen=True)
class MarketFacts:
    """A scenario's published customer model (the appeal rule) and its earnings multiple."""

    earnings_multiple: float = 8.0
    appeal_quality: float = 1.0
    appeal_reputation: float = 2.0
    appeal_price: float = 2.5
    frontier_drift: float = 0.06
    training_gain: float = 0.3
    chip_upkeep: float = 0.25
    facility_upkeep: float = 0.08
    chip_depreciation: float = 0.05
    facility_depreciation: float = 0.02


@lru_cache(maxsize=1)
def content_facts() -> _ContentFacts:
    """Published facts from the default content (cached; empty if content cannot load)."""
    try:
        from game.rules.loader import load_content

        content = load_content()
    except Exception:  # a bot must still play if the content folder is elsewhere
        return _ContentFacts({}, {}, {}, {})
    rivals = {
        r.name: Personality(r.name, r.risk_appetite, r.patience, r.archetype)
        for r in content.rivals
    }
    efficiency: dict[str, float] = {}
    power: dict[str, float] = {}
    for tech in content.technologies:
        for effect in tech.effects:
            kind = getattr(effect, "kind", "")
            if kind == "efficiency":
                efficiency[tech.id] = efficiency.get(tech.id, 1.0) * float(effect.multiplier)  # type: ignore[union-attr]
            elif kind == "power_per_perf":
                power[tech.id] = power.get(tech.id, 1.0) * float(effect.multiplier)  # type: ignore[union-attr]
    opex = {i.id: float(i.operating_cost_ratio) for i in content.industries}
    industry = {
        i.id: (float(i.outage_sensitivity), float(i.quality_growth)) for i in content.industries
    }
    market = {
        s.id: MarketFacts(
            earnings_multiple=float(s.victory.earnings_multiple),
            appeal_quality=float(s.market.appeal_quality),
            appeal_reputation=float(s.market.appeal_reputation),
            appeal_price=float(s.market.appeal_price),
            frontier_drift=float(s.market.frontier_drift),
            training_gain=float(s.market.training_gain),
            chip_upkeep=float(s.market.chip_upkeep_per_kgpu),
            facility_upkeep=float(s.market.facility_upkeep_per_mw),
            chip_depreciation=float(s.market.chip_depreciation),
            facility_depreciation=float(s.market.facility_depreciation),
        )
        for s in content.scenarios
    }
    return _ContentFacts(rivals, efficiency, power, opex, industry, market)


def personality_for(info: SetupInfo, archetype: str) -> Personality:
    """This seat's personality: explicit in ``info.rules["rival"]``, else by company name.

    Either way only when the named rival plays this bot's archetype; otherwise the bot keeps
    the neutral personality under the seat's name.
    """
    explicit: Any = info.rules.get("rival") if isinstance(info.rules, dict) else None
    name = info.players[info.seat] if 0 <= info.seat < len(info.players) else ""
    if isinstance(explicit, dict) and explicit.get("archetype", archetype) == archetype:
        # A seat's named rival lends its personality to a bot of the same archetype only.
        return Personality(
            name=str(explicit.get("name", name)),
            risk_appetite=float(explicit.get("risk_appetite", 0.5)),
            patience=float(explicit.get("patience", 0.5)),
            archetype=str(explicit.get("archetype", archetype)),
        )
    found = content_facts().rivals.get(name)
    if found is not None and found.archetype == archetype:
        return found
    return Personality(name=name, archetype=archetype)
