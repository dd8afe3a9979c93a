"""Rival personalities from content: company name, archetype and the two personality weights.

A rival's personality is public content (``content/rivals.toml``). A bot finds its own entry
from :class:`~game.agents.base.SetupInfo`: an explicit ``rules["rival"]`` mapping if the match
runner passes one, else the seat's company name looked up in the default content.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    return _ContentFacts(rivals, efficiency, power, opex)


def personality_for(info: SetupInfo, archetype: str) -> Personality:
    """This seat's personality: explicit in ``info.rules["rival"]``, else by company name."""
    explicit: Any = info.rules.get("rival") if isinstance(info.rules, dict) else None
    name = info.players[info.seat] if 0 <= info.seat < len(info.players) else ""
    if isinstance(explicit, dict):
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
