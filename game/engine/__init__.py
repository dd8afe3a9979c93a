"""The engine: a pure, deterministic library (no I/O, no printing, no UI).

>>> from game.engine import new_match, step
>>> state = new_match(scenario="standard", seed=7)
>>> state, report = step(state, [[] for _ in range(state.n_players)])
>>> report.label
'2027 Q1'
"""

from game.engine.actions import (
    Action,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    IllegalActionError,
    OrderChips,
    OrderNetwork,
    Reason,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
    parse_action,
)
from game.engine.hashing import state_hash
from game.engine.observation import Observation, observe
from game.engine.report import QuarterReport
from game.engine.scoring import Standing, enterprise_value, standings
from game.engine.setup import new_match, opening_state
from game.engine.state import MatchState
from game.engine.step import MatchOverError, step
from game.engine.tables import World, build_world
from game.engine.validate import Verdict, check_action, check_actions

__all__ = [
    "Action",
    "BidSpot",
    "Borrow",
    "BuildDatacenter",
    "FundResearch",
    "IllegalActionError",
    "MatchOverError",
    "MatchState",
    "Observation",
    "OrderChips",
    "OrderNetwork",
    "QuarterReport",
    "Reason",
    "Repay",
    "Reserve",
    "SetServicePrice",
    "SetTrainingShare",
    "Standing",
    "Sublease",
    "Verdict",
    "World",
    "build_world",
    "check_action",
    "check_actions",
    "enterprise_value",
    "new_match",
    "observe",
    "opening_state",
    "parse_action",
    "standings",
    "state_hash",
    "step",
]
