"""A tiny hand-made world whose every number can be worked out on paper.

Two seats of the same industry, one region, two providers (``alpha`` open to all, ``beta``
sovereign), one vendor and one foundry, three chips (an H-class part on sale now, a newer
export-controlled part from turn 2, a custom part unlocked by research), one fabric, two
technologies and three events that never fire by chance unless a test says so.

The customer model is flattened so revenue is easy to compute: every appeal weight is zero, so
each active seat and the outside option get an equal share of the market (1/3 each with two
seats), and there is no demand noise or growth.

Tests tweak the raw dictionaries (``tiny_raw``) and build a match with :func:`tiny_match`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from game.engine.setup import opening_state
from game.engine.state import MatchState
from game.engine.tables import build_world
from game.rules.models import Content

Raw = dict[str, Any]

TINY: Raw = {
    "industries": [
        {
            "id": "corp",
            "name": "Corp",
            "starting_cash": 1000.0,
            "credit_limit": 200.0,
            "starting_reputation": 0.7,
            "starting_quality": 1.0,
            "service_price": 9.0,
            "operating_cost_ratio": 0.35,
        },
        {
            "id": "gov",
            "name": "Agency",
            "starting_cash": 1000.0,
            "credit_limit": 200.0,
            "sovereign_only": True,
        },
        {
            "id": "poor",
            "name": "Shoestring",
            "starting_cash": 50.0,
            "credit_limit": 0.0,
        },
    ],
    "regions": [
        {
            "id": "home",
            "name": "Home",
            "power_price": 50.0,
            "grid_queue_quarters": 0,
            "interconnect_mw_per_quarter": 100.0,
            "background_requests_mw": 0.0,
            "build_cost_multiplier": 1.0,
            "build_quarters": 2,
        }
    ],
    "providers": [
        {
            "id": "alpha",
            "name": "Alpha Cloud",
            "kind": "hyperscaler",
            "regions": ["home"],
            "starting_capacity": 100.0,
            "growth": 0.0,
            "reliability": 1.0,
            "outage_severity": 0.5,
            "list_price": 10.0,
            "spot_floor": 2.0,
            "spot_cap_multiple": 3.0,
            "reserved_share": 0.5,
            "reserved_lead": 0,
            "background_demand": 40.0,
            "background_growth": 0.0,
            "price_elasticity": 1.0,
            "priority": "spend",
        },
        {
            "id": "beta",
            "name": "Beta Sovereign",
            "kind": "sovereign",
            "regions": ["home"],
            "starting_capacity": 50.0,
            "growth": 0.0,
            "reliability": 1.0,
            "list_price": 8.0,
            "spot_floor": 3.0,
            "reserved_share": 0.5,
            "background_demand": 20.0,
            "background_growth": 0.0,
            "price_elasticity": 1.0,
            "sovereign": True,
        },
    ],
    "vendors": [{"id": "vend", "name": "Vend", "base_lead": 2, "background_backlog_quarters": 0.0}],
    "foundries": [
        {
            "id": "fab",
            "name": "Fab",
            "slots_per_quarter": 10.0,
            "background_share": 0.5,
            "base_lead": 3,
        }
    ],
    "chips": [
        {
            "id": "g1",
            "name": "G1",
            "vendor": "vend",
            "generation": 1,
            "available_from": 0,
            "perf": 1.0,
            "power_kw": 1.0,
            "price": 20.0,
            "output_per_quarter": 100.0,
        },
        {
            "id": "g2",
            "name": "G2",
            "vendor": "vend",
            "generation": 2,
            "available_from": 2,
            "perf": 2.0,
            "power_kw": 1.5,
            "price": 50.0,
            "output_per_quarter": 50.0,
            "export_controlled": True,
        },
        {
            "id": "asic",
            "name": "ASIC",
            "vendor": "fab",
            "generation": 1,
            "perf": 2.0,
            "power_kw": 1.0,
            "price": 10.0,
            "output_per_quarter": 10.0,
            "custom": True,
        },
    ],
    "fabrics": [
        {
            "id": "eth",
            "name": "Ethernet",
            "regions": ["home"],
            "ports_per_unit": 2.0,
            "price": 1.0,
            "output_per_quarter": 100.0,
            "base_lead": 1,
            "background_backlog_quarters": 0.0,
        }
    ],
    "technologies": [
        {
            "id": "t_eff",
            "name": "Efficiency",
            "cost": 40.0,
            "min_quarters": 2,
            "slip_risk": 0.0,
            "slip_quarters": 0,
            "effects": [{"kind": "efficiency", "multiplier": 1.5}],
        },
        {
            "id": "t_asic",
            "name": "Custom chip",
            "cost": 30.0,
            "min_quarters": 1,
            "prerequisites": ["t_eff"],
            "slip_risk": 1.0,
            "slip_quarters": 2,
            "slip_cost": 0.5,
            "effects": [{"kind": "unlock_sku", "sku": "asic"}],
        },
    ],
    "events": [
        {
            "id": "shock",
            "category": "supply",
            "title": "Alpha shock",
            "headline": "Alpha loses {pct}% of capacity for {duration} quarters",
            "explain": "A scripted capacity shock at Alpha.",
            "probability": 0.0,
            "cooldown": 0,
            "duration": 2,
            "effects": [
                {"target": "provider.capacity", "select": "alpha", "op": "mul", "value": 0.5}
            ],
        },
        {
            "id": "surge",
            "category": "demand",
            "title": "Demand surge",
            "headline": "Demand up {pct}%",
            "explain": "Customers want more AI this quarter.",
            "probability": 0.0,
            "cooldown": 3,
            "duration": 1,
            "effects": [{"target": "demand.level", "select": "*", "op": "mul", "value": 1.5}],
        },
        {
            "id": "ban",
            "category": "geopolitics",
            "title": "Export ban",
            "headline": "Export ban on Home",
            "explain": "Export-controlled chips cannot ship to Home for a while.",
            "probability": 0.0,
            "duration": 2,
            "effects": [{"target": "region.export_ban", "select": "home", "op": "set", "value": 1}],
        },
    ],
    "scenarios": [
        {
            "id": "tiny",
            "name": "Tiny",
            "summary": "A hand-checkable world.",
            "quarters": 8,
            "seats": [{"industry": "corp", "name": "Ann"}, {"industry": "corp", "name": "Bob"}],
            "market": {
                "demand": 10.0,
                "demand_growth": 0.0,
                "demand_noise": 0.0,
                "reference_service_price": 9.0,
                "appeal_quality": 0.0,
                "appeal_reputation": 0.0,
                "appeal_price": 0.0,
                "outside_option": 0.0,
                "interest_rate": 0.02,
                "penalty_rate": 0.04,
                "build_cost_per_mw": 10.0,
                "facility_upkeep_per_mw": 0.0,
                "chip_upkeep_per_kgpu": 0.0,
                "reserved_discounts": [0.3, 0.4, 0.5],
                "sublease_fee": 0.1,
                "starting_contract": 0.0,
            },
        }
    ],
}

ALPHA, BETA = 0, 1
G1, G2, ASIC = 0, 1, 2
T_EFF, T_ASIC = 0, 1
HOME = 0


def tiny_content(raw: Raw | None = None) -> Content:
    return Content.model_validate(copy.deepcopy(raw if raw is not None else TINY))


def tiny_match(raw: Raw | None = None, seed: int = 0) -> MatchState:
    content = tiny_content(raw)
    world = build_world(content, content.scenario("tiny"))
    return opening_state(world, seed)


def with_arrays(state: MatchState, **changes: Any) -> MatchState:
    """A copy of ``state`` with some arrays replaced (frozen again, like the engine's)."""
    arrays = {k: np.array(v, dtype=getattr(state, k).dtype) for k, v in changes.items()}
    return dataclasses.replace(state.thawed(), **arrays).frozen()


def hold(state: MatchState) -> list[list[object]]:
    return [[] for _ in range(state.n_players)]


@pytest.fixture
def tiny_raw() -> Raw:
    """A private deep copy of the tiny world's raw content, to tweak."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny() -> MatchState:
    """The opening state of the tiny scenario, seed 0."""
    return tiny_match()


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content (numbers are being tuned: never pin them)."""
    from game.rules import load_content

    return load_content()


Mutator = Callable[[Raw], None]
