"""Phase 1, validate: each action is checked against its player's state and applied or rejected.

:func:`check_action` answers "would this be legal now, and if not why" for bots and the UI;
:func:`run` is the phase itself. Both use the same :class:`Checker`, so the helper never
disagrees with the engine.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from game.engine.actions import (
    FAST_RECORDERS,
    MAX_ACTIONS_PER_QUARTER,
    MECHANIC_OF,
    Action,
    BidSpot,
    Borrow,
    BuildDatacenter,
    FundResearch,
    OrderChips,
    OrderNetwork,
    Reason,
    Repay,
    Reserve,
    SetServicePrice,
    SetTrainingShare,
    Sublease,
    action_to_dict,
    not_an_object,
    not_finite_record,
    parse_actions,
)
from game.engine.derived import build_speedup, headroom, tech_done
from game.engine.modifiers import Modifiers, in_force
from game.engine.quarter import Quarter
from game.engine.state import ACTIVE, MatchState, construct
from game.engine.tables import HORIZON, TERMS, World

DOWN_PAYMENT = 0.25
"""Share of a data centre's cost a player must have in cash or credit to start building."""


@dataclass(frozen=True)
class Verdict:
    """Whether an action is legal now; if not, a stable code and a sentence saying why."""

    ok: bool
    code: str = ""
    message: str = ""
    cost: float = 0.0
    """Cash it commits this quarter, $M (an upper bound for spot bids)."""

    def __bool__(self) -> bool:
        return self.ok


OK = Verdict(True)


def _unknown(kind: str, value: str, known: Sequence[str], code: Reason) -> Verdict:
    hint = get_close_matches(value, known, n=1)
    if hint:
        suggestion = f" (did you mean {hint[0]!r}?)"
    elif len(known) <= 12:
        suggestion = f" (known: {', '.join(known)})"
    else:
        suggestion = f" ({len(known)} known, e.g. {', '.join(known[:6])})"
    return Verdict(False, code, f"unknown {kind} {value!r}{suggestion}")


def current_modifiers(state: MatchState) -> Modifiers:
    """The event effects in force as the quarter opens (what validation prices against)."""
    return in_force(state.world, state.modifiers, state.turn)[1]


def chip_unit_price(state: MatchState, mods: Modifiers, sku: int) -> float:
    """$M per thousand units of a SKU this quarter (vendor price shocks included)."""
    world = state.world
    price = float(world.sku_price[sku])
    vendor = int(world.sku_vendor[sku])
    if vendor >= 0:
        price *= mods.mul_at("vendor.price", vendor)
    return price


def chip_lead(
    state: MatchState,
    mods: Modifiers,
    sku: int,
    backlog: float,
    outputs: np.ndarray | None = None,
) -> int:
    """Quarters until a chip ordered now arrives, given the vendor's backlog ahead of it."""
    world = state.world
    output = (sku_output(state, mods) if outputs is None else outputs)[sku]
    lead = int(world.sku_base_lead[sku])
    vendor = int(world.sku_vendor[sku])
    if vendor >= 0:
        lead += round(mods.add_at("vendor.lead", vendor))
    lead += math.ceil(backlog / output) if output > 1e-9 else HORIZON
    return max(0, min(lead, HORIZON - 1))


def sku_output(state: MatchState, mods: Modifiers) -> np.ndarray:
    """(K,) thousand units each SKU's vendor ships to everyone this quarter (read-only).

    It depends only on the world and the vendors' and foundries' multipliers in force, so it
    is kept with ``mods``, and with the world by those multipliers: effects change most
    quarters in a busy match (a new ``mods``), seldom those on the chip supply."""
    cached: np.ndarray | None = mods.memo.get("sku_output")
    if cached is not None:
        return cached
    world = state.world
    key = (_exact(mods.row("mul", "vendor.output")), _exact(mods.row("mul", "foundry.slots")))
    kept = world.derived_cache.setdefault("validate.sku_output", {})
    if key[0] is not None and key[1] is not None:
        cached = kept.get(key)
        if cached is not None:
            mods.memo["sku_output"] = cached
            return cached
    out = world.sku_output.copy()
    if len(world.vendor_ids):
        vend = np.asarray(mods.mul("vendor.output"), dtype=float) * np.ones(len(world.vendor_ids))
        has_vendor = world.sku_vendor >= 0
        out[has_vendor] *= vend[world.sku_vendor[has_vendor]]
    if len(world.foundry_ids):
        slots = np.asarray(mods.mul("foundry.slots"), dtype=float) * np.ones(len(world.foundry_ids))
        custom = world.sku_foundry >= 0
        out[custom] *= slots[world.sku_foundry[custom]]
    out.setflags(write=False)
    mods.memo["sku_output"] = out
    if key[0] is not None and key[1] is not None:
        if len(kept) > 256:
            kept.clear()
        kept[key] = out
    return out


def _exact(row: list[float] | None) -> tuple[float, ...] | None:
    """A dictionary key that tells ``row`` apart from every row giving other results.

    Equal floats have the same bits, except zeros (0.0 == -0.0) and NaN (never equal): a row
    holding one gives None (not kept). No row at all (no effect) is the empty tuple."""
    if row is None:
        return ()
    for value in row:
        if value != value or value == 0.0:
            return None
    return tuple(row)


def fabric_lead(state: MatchState, mods: Modifiers, fabric: int, backlog: float) -> int:
    world = state.world
    output = float(world.fab_output[fabric]) * mods.mul_at("network.output", fabric)
    lead = int(world.fab_base_lead[fabric]) + (
        math.ceil(backlog / output) if output > 1e-9 else HORIZON
    )
    return max(0, min(lead, HORIZON - 1))


def export_banned(state: MatchState, mods: Modifiers) -> np.ndarray:
    """(R,) regions where export-controlled chips cannot go this quarter (read-only).

    It depends only on the world and the effects in force, so it is kept with ``mods``."""
    cached: np.ndarray | None = mods.memo.get("export_banned")
    if cached is None:
        cached = state.world.reg_export_restricted | mods.flag("region.export_ban")
        cached.setflags(write=False)
        mods.memo["export_banned"] = cached
    return cached


def _per_entity(world: World, mods: Modifiers, target: str, base: np.ndarray) -> list[float]:
    """``mods.apply(target, base)`` as plain floats, one per entity, kept with ``mods``.

    It depends only on the world and the effects in force, so it is worked out once while the
    same effects stay in force, not once per seat or per action. Effects change most quarters
    in a busy match, but seldom those on ``target``: when none is in force the world's own
    figures are kept with the world and shared."""
    key = ("validate", target)
    found: list[float] | None = mods.memo.get(key)
    if found is None:
        if mods.has(target):
            found = np.asarray(mods.apply(target, base), dtype=np.float64).tolist()
        else:  # apply() would give ``base`` back
            unchanged = world.derived_cache.setdefault("validate.unchanged", {})
            found = unchanged.get(target)
            if found is None:
                found = unchanged[target] = np.asarray(base, dtype=np.float64).tolist()
        mods.memo[key] = found
    return found


_Outcome = float | Verdict
"""What the engine's checks return: the cash an accepted action commits, or a rejection
(accepted actions need no :class:`Verdict` of their own, which saves building one each)."""


class Checker:
    """Checks one seat's actions in order, keeping a running budget of what they commit."""

    def __init__(self, state: MatchState, seat: int, mods: Modifiers | None = None):
        self.state = state
        self.seat = seat
        self.mods = mods if mods is not None else current_modifiers(state)
        self.committed = 0.0
        self.borrowed = 0.0
        self.subleased: dict[int, float] = {}
        """kGPU subleased so far, by provider index."""
        self.count = 0
        self.seen_setters: set[str] = set()
        # Fixed while a quarter's actions are checked (the checks never change the state):
        # looked up once per seat rather than once per action.
        self._out = state.status.item(seat) != ACTIVE or state.over
        self._sovereign = bool(state.world.ind_sovereign.item(seat))
        self._floors: list[float] | None = None
        self._headroom: float | None = None
        self._speedup: int | None = None

    @cached_property
    def done(self) -> np.ndarray:
        """(T,) bool: this seat's programmes completed before this quarter (``tech_done``)."""
        row = self.state.research_done[self.seat]
        done: np.ndarray = (row >= 0) & (row < self.state.turn)
        return done

    # ---- helpers
    def _done(self, tech: int) -> bool:
        """``self.done[tech]``, read without building the whole row (checks need one or two)."""
        finished = self.state.research_done.item(self.seat, tech)
        return bool(finished >= 0 and finished < self.state.turn)

    def _provider(self, provider_id: str) -> int | Verdict:
        world = self.state.world
        index = world.provider_index.get(provider_id)
        if index is None:
            return _unknown("provider", provider_id, world.provider_ids, Reason.UNKNOWN_PROVIDER)
        if self._sovereign and not world.prov_sovereign[index]:
            return Verdict(
                False,
                Reason.SOVEREIGNTY,
                f"{world.industries[self.seat].name} may only use sovereign providers",
            )
        return index

    def _region(self, region_id: str) -> int | Verdict:
        world = self.state.world
        index = world.region_index.get(region_id)
        if index is None:
            return _unknown("region", region_id, world.region_ids, Reason.UNKNOWN_REGION)
        if self._sovereign and not world.reg_sovereign[index]:
            return Verdict(
                False,
                Reason.SOVEREIGNTY,
                f"{world.industries[self.seat].name} may only build in sovereign regions",
            )
        return index

    def _afford(self, cost: float, what: str) -> _Outcome:
        if self._headroom is None:  # cash, credit and debt do not change while checking
            self._headroom = headroom(self.state, self.seat)
        funds = self._headroom + self.borrowed - self.committed
        if cost > funds + 1e-9:
            return Verdict(
                False,
                Reason.INSUFFICIENT_FUNDS,
                f"{what} needs ${cost:,.1f}M but only ${max(funds, 0):,.1f}M of cash and credit"
                " is free this quarter",
                cost,
            )
        return cost

    # ---- the check
    def check(self, action: Action) -> Verdict:
        """Would ``action`` be legal after the ones already checked? (Does not commit it.)"""
        refusal = self._gate(action)
        if refusal is not None:
            return refusal
        outcome = _rule(action).check(self, action)
        if isinstance(outcome, Verdict):
            return outcome
        return construct(Verdict, ok=True, cost=outcome)

    def _gate(self, action: Action) -> Verdict | None:
        """The checks every action passes first (``None``: passed)."""
        if self._out:
            return Verdict(False, Reason.ELIMINATED, "this player is out of the game")
        if self.count >= MAX_ACTIONS_PER_QUARTER:
            return Verdict(
                False,
                Reason.TOO_MANY_ACTIONS,
                f"at most {MAX_ACTIONS_PER_QUARTER} actions per quarter",
            )
        world = self.state.world
        if MECHANIC_OF[action.type] not in world.mechanics:
            return Verdict(
                False,
                Reason.MECHANIC_DISABLED,
                f"{action.type} is not part of the scenario {world.scenario.id!r}",
            )
        return None

    def _bid_spot(self, action: BidSpot) -> _Outcome:
        # Most actions are spot bids: a known provider for a seat free to use any provider
        # skips the call that would only return its index.
        index = self.state.world.provider_index.get(action.provider)
        if index is None or self._sovereign:
            p = self._provider(action.provider)
            if isinstance(p, Verdict):
                return p
        else:
            p = index
        floors = self._floors
        if floors is None:
            world = self.state.world
            floors = self._floors = _per_entity(
                world, self.mods, "provider.spot_floor", world.prov_spot_floor
            )
        floor = floors[p]
        if action.max_price < floor:
            return Verdict(
                False,
                Reason.BELOW_FLOOR,
                f"{action.provider}'s spot reserve price is ${floor:.2f}M; a bid below it"
                " cannot fill",
            )
        return self._afford(action.quantity * action.max_price, "this bid at its limit")

    def _reserve(self, action: Reserve) -> _Outcome:
        p = self._provider(action.provider)
        if isinstance(p, Verdict):
            return p
        price = reserved_price(self.state, self.mods, p, action.term)
        return self._afford(action.quantity * price, "the first quarter of this contract")

    def _order_chips(self, action: OrderChips) -> _Outcome:
        state, world = self.state, self.state.world
        k = world.sku_index.get(action.sku)
        if k is None:
            return _unknown("chip", action.sku, world.sku_ids, Reason.UNKNOWN_SKU)
        r = self._region(action.region)
        if isinstance(r, Verdict):
            return r
        if state.turn < world.sku_available_from[k]:
            return Verdict(
                False,
                Reason.NOT_AVAILABLE_YET,
                f"{action.sku} ships from {world.quarter_label(int(world.sku_available_from[k]))}",
            )
        if world.sku_custom[k]:
            tech = world.techs.unlocks.get(k)
            if tech is None or not self._done(tech):
                name = world.tech_ids[tech] if tech is not None else "its research"
                return Verdict(False, Reason.LOCKED, f"{action.sku} needs {name} first")
        if world.sku_controlled[k] and export_banned(state, self.mods)[r]:
            return Verdict(
                False,
                Reason.EXPORT_BANNED,
                f"{action.sku} is export-controlled and cannot ship to {action.region}",
            )
        return self._afford(
            action.quantity * chip_unit_price(state, self.mods, k), "this chip order"
        )

    def _order_network(self, action: OrderNetwork) -> _Outcome:
        world = self.state.world
        r = self._region(action.region)
        if isinstance(r, Verdict):
            return r
        f = int(world.reg_fabric[r])
        if f < 0:
            return Verdict(False, Reason.NO_FABRIC, f"no network gear ships to {action.region}")
        return self._afford(action.quantity * float(world.fab_price[f]), "this fabric order")

    def _build_datacenter(self, action: BuildDatacenter) -> _Outcome:
        r = self._region(action.region)
        if isinstance(r, Verdict):
            return r
        total = action.megawatts * build_cost_per_mw(self.state, self.mods, r)
        outcome = self._afford(total * DOWN_PAYMENT, "a quarter of this build's cost")
        # Only the down payment must be free now; the build commits its first instalment.
        return outcome if isinstance(outcome, Verdict) else 0.0

    def _fund_research(self, action: FundResearch) -> _Outcome:
        state, world = self.state, self.state.world
        t = world.tech_index.get(action.tech)
        if t is None:
            return _unknown("technology", action.tech, world.tech_ids, Reason.UNKNOWN_TECH)
        if state.research_done.item(self.seat, t) >= 0:
            return Verdict(False, Reason.ALREADY_DONE, f"{action.tech} is already complete")
        missing = [world.tech_ids[p] for p in world.tech_prereqs[t] if not self._done(p)]
        if missing:
            return Verdict(
                False,
                Reason.PREREQUISITE_MISSING,
                f"{action.tech} needs {', '.join(missing)} first",
            )
        return 0.0

    def _setter(self, action: SetServicePrice | SetTrainingShare) -> _Outcome:
        if action.type in self.seen_setters:
            return Verdict(False, Reason.DUPLICATE, f"{action.type} already given this quarter")
        return 0.0

    def _sublease(self, action: Sublease) -> _Outcome:
        p = self._provider(action.provider)
        if isinstance(p, Verdict):
            return p
        state = self.state
        have = float(state.reserved_qty[self.seat, p, 0]) - self.subleased.get(p, 0.0)
        if action.quantity > have + 1e-9:
            if have <= 1e-9:
                # "only 0.0 kGPU ... arrives" read as a delivery problem: say what can be sublet.
                message = (
                    f"you have no reserved capacity with {action.provider} arriving this quarter"
                    " to sublease (only reserved capacity can be subleased: reserve it first)"
                )
            else:
                message = (
                    f"only {have:.1f} kGPU of reserved capacity with {action.provider}"
                    " arrives this quarter"
                )
            return Verdict(False, Reason.NO_RESERVED_CAPACITY, message)
        return 0.0

    def _borrow(self, action: Borrow) -> _Outcome:
        state, seat = self.state, self.seat
        free = float(state.credit_limit[seat] - state.debt[seat]) - self.borrowed
        if action.amount > free + 1e-9:
            return Verdict(
                False,
                Reason.CREDIT_LIMIT,
                f"the credit line has ${max(free, 0):,.1f}M left",
            )
        return 0.0

    def _repay(self, action: Repay) -> _Outcome:
        state, seat = self.state, self.seat
        if state.debt[seat] <= 1e-9:
            return Verdict(False, Reason.NOTHING_TO_REPAY, "there is no debt to repay")
        cash = float(state.cash[seat]) + self.borrowed - self.committed
        if action.amount > cash + 1e-9:
            return Verdict(False, Reason.INSUFFICIENT_FUNDS, f"only ${max(cash, 0):,.1f}M of cash")
        return 0.0

    # ---- the running budget
    def commit(self, action: Action, verdict: Verdict) -> None:
        """Account for an accepted action in the running budget."""
        self.count += 1
        spend = _rule(action).commit
        if spend is None:
            self.committed += verdict.cost
        else:
            spend(self, action, verdict.cost)

    def _spend_build(self, action: BuildDatacenter, cost: float) -> None:
        # A build commits its first instalment this quarter, not what its check returned.
        r = self.state.world.region_index[action.region]
        self.committed += self._build_instalment(action, r)

    def _spend_borrow(self, action: Borrow, cost: float) -> None:
        self.committed += cost
        self.borrowed += action.amount

    def _spend_setter(self, action: SetServicePrice | SetTrainingShare, cost: float) -> None:
        self.committed += cost
        self.seen_setters.add(action.type)

    def _spend_sublease(self, action: Sublease, cost: float) -> None:
        self.committed += cost
        p = self.state.world.provider_index[action.provider]
        self.subleased[p] = self.subleased.get(p, 0.0) + action.quantity

    def build_quarters(self, region: int) -> int:
        """:func:`build_quarters` for this seat (its research speed-up looked up once)."""
        if self._speedup is None:
            self._speedup = int(build_speedup(self.state, self.done[None, :])[0])
        return max(1, int(self.state.world.reg_build_quarters[region]) - self._speedup)

    def _build_instalment(self, action: BuildDatacenter, r: int) -> float:
        quarters = self.build_quarters(r)
        return action.megawatts * build_cost_per_mw(self.state, self.mods, r) / quarters


def reserved_price(state: MatchState, mods: Modifiers, provider: int, term: int) -> float:
    """Price per kGPU-quarter locked by a reserved contract signed now."""
    world = state.world
    list_price = _per_entity(world, mods, "provider.list_price", world.prov_list_price)[provider]
    discount = world.scenario.market.reserved_discounts[TERMS.index(term)]
    return list_price * (1.0 - discount)


def build_cost_per_mw(state: MatchState, mods: Modifiers, region: int) -> float:
    world = state.world
    return _per_entity(world, mods, "region.build_cost", world.reg_build_cost)[region]


def build_quarters(state: MatchState, seat: int, region: int) -> int:
    speedup = int(build_speedup(state, tech_done(state))[seat])
    return max(1, int(state.world.reg_build_quarters[region]) - speedup)


def check_action(state: MatchState, seat: int, action: Action | Mapping[str, Any]) -> Verdict:
    """Would ``action`` be legal for ``seat`` now, and if not, why?

    ``action`` is an action model (``BidSpot(...)``) or a dict in the JSON form; what does not
    parse gets the ``malformed`` verdict ``step`` would give it. For a whole quarter's list,
    with the budget each action uses up, ask :func:`check_actions`.

    >>> from game.engine import new_match, check_action
    >>> from game.engine.actions import Borrow
    >>> state = new_match(scenario="standard", seed=1)            # doctest: +SKIP
    >>> check_action(state, 0, Borrow(amount=1e6)).code           # doctest: +SKIP
    'credit_limit'
    """
    return check_items(state, seat, [action])[0]


def check_actions(state: MatchState, seat: int, actions: Sequence[Action]) -> list[Verdict]:
    """Check a quarter's list in order, with the budget each earlier action commits (action
    models or dicts in the JSON form; one that does not parse gets the ``malformed`` verdict)."""
    return check_items(state, seat, actions)


def check_items(state: MatchState, seat: int, items: Sequence[object]) -> list[Verdict]:
    """:func:`check_actions` for what a bot would return too: action models or dicts in the
    JSON form; an item that does not parse gets the ``malformed`` verdict the engine gives."""
    checker = Checker(state, seat)
    verdicts = []
    for item in items:
        parsed, failed = parse_actions([item])
        if failed:
            verdicts.append(Verdict(False, Reason.MALFORMED, failed[0][1]))
            continue
        verdict = checker.check(parsed[0])
        if verdict.ok:
            checker.commit(parsed[0], verdict)
        verdicts.append(verdict)
    return verdicts


# --------------------------------------------------------------------------- the phase


def run(state: MatchState, q: Quarter, actions: Sequence[Sequence[object]]) -> None:
    """Phase 1: validate every seat's actions, apply the accepted ones to ``state`` and ``q``.

    Seats are processed in an order that rotates each quarter, so no seat is always first in
    the vendors' backlogs.
    """
    n = state.n_players
    mods = q.mods
    rules = _enabled_rules(state.world)
    start = state.turn % n
    for offset in range(n):
        seat = (start + offset) % n
        items = actions[seat] if seat < len(actions) else ()
        if isinstance(items, (list, tuple)) and not items:
            continue  # a seat that holds: nothing to record, check or apply
        submitted = q.submitted[seat]
        accepted = q.applied[seat]
        # Malformed items are reported first, then those the checks refuse, each in order:
        # refusals are appended, malformed items inserted after the earlier malformed ones.
        rejected = q.rejected[seat]
        malformed_at = len(rejected)
        checker = Checker(state, seat, mods)
        for item in items:
            # The engine acts on the recorded (JSON-safe) form of each item, so a replay of
            # what was recorded reproduces the quarter exactly, malformed items included. A
            # valid action model is recorded from its fields and used as it is (re-validating
            # its record would give it back unchanged); anything else is recorded and parsed
            # in full.
            recorder = FAST_RECORDERS.get(type(item))  # fast_record(item), inlined
            record = None if recorder is None else recorder(item, item.__dict__)
            if record is not None:
                submitted.append(record)
                action: Action = item  # type: ignore[assignment]  # fast_record checked its type
            else:
                full = _record(item)
                submitted.append(full)
                done, failed = parse_actions([full])
                if failed:
                    entry = (_type_of(full), Reason.MALFORMED.value, failed[0][1])
                    rejected.insert(malformed_at, entry)
                    malformed_at += 1
                    continue
                action = done[0]
            # Checker.check then Checker.commit, without building a Verdict for each accepted
            # action. The gate's checks are skipped only when they would pass: the seat is in
            # the game, under the action limit, and the mechanic is on (``rules`` holds the
            # enabled types; parsed actions are instances of the action classes themselves).
            rule = rules.get(type(action))
            if rule is None or checker._out or checker.count >= MAX_ACTIONS_PER_QUARTER:
                verdict = checker._gate(action)
                assert verdict is not None  # one of the three conditions above holds
                rejected.append((action.type, str(verdict.code), verdict.message))
                continue
            check, commit, apply = rule
            outcome = check(checker, action)
            if isinstance(outcome, Verdict):
                rejected.append((action.type, str(outcome.code), outcome.message))
                continue
            checker.count += 1
            if commit is None:
                checker.committed += outcome
            else:
                commit(checker, action, outcome)
            apply(state, q, seat, action, checker)
            # The applied record is a copy of the submitted one, not the same dict.
            accepted.append(record.copy() if record is not None else action_to_dict(action))


def _type_of(item: object) -> str:
    if isinstance(item, dict):
        value = item.get("type")
        return value if isinstance(value, str) and len(value) <= 32 else "unknown"
    return "unknown"


def _record(item: object) -> dict[str, object]:
    """The JSON-safe form of whatever a bot submitted (an action model, a dict, or junk)."""
    if hasattr(item, "model_dump"):
        try:
            item = item.model_dump(mode="json")
        except Exception:  # a half-built model: record what it looks like
            return {"type": "unknown", "value": repr(item)[:200]}
    if isinstance(item, dict):
        return {_safe_key(k): _safe_value(v) for k, v in list(item.items())[:16]}
    # Not an object at all ("bid_spot", 5, null, a list): kept as JSON text, so the rejection
    # can say what was sent in a bot author's words, and says it again when a replay is re-run.
    return not_an_object(item)


def _safe_value(value: object) -> object:
    if isinstance(value, np.generic) and not isinstance(value, np.str_ | np.bytes_):
        # a numpy number (np.int64(4), np.float32(0.5), np.bool_): the number it holds, as a
        # bot over the protocol sends it (the SDK writes numpy numbers as numbers too)
        value = value.item()
    if isinstance(value, bool | int | str) or value is None:
        return value if not isinstance(value, str) else value[:200]
    if isinstance(value, float):
        return value if math.isfinite(value) else not_finite_record(value)
    return _python_text(value, repr)[:200]


def _safe_key(key: object) -> str:
    return _python_text(key, str)[:64]


def _python_text(value: object, text: Callable[[object], str]) -> str:
    """``text(value)`` for what JSON can write (all a bot over the protocol can send, and what
    records always held), else the name of its type: an object's repr or str holds its memory
    address, which would make the record and the rejection quoting it (hashed state) differ on
    every run of the same match."""
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return f"<a Python {type(value).__name__}>"
    return text(value)


# --------------------------------------------------------------------------- applying actions


def _apply(state: MatchState, q: Quarter, seat: int, action: Action, checker: Checker) -> None:
    """Carry out an accepted action: orders join ``q``, the seat's own settings change now."""
    _rule(action).apply(state, q, seat, action, checker)


def _apply_bid_spot(
    state: MatchState, q: Quarter, seat: int, action: BidSpot, checker: Checker
) -> None:
    q.bids[state.world.provider_index[action.provider]].append(
        (seat, action.quantity, action.max_price)
    )


def _apply_reserve(
    state: MatchState, q: Quarter, seat: int, action: Reserve, checker: Checker
) -> None:
    q.reserve_requests.append(
        (
            seat,
            state.world.provider_index[action.provider],
            action.quantity,
            action.term,
            len(q.reserve_requests),
        )
    )


def _apply_order_chips(
    state: MatchState, q: Quarter, seat: int, action: OrderChips, checker: Checker
) -> None:
    world = state.world
    mods = q.mods
    k = world.sku_index[action.sku]
    r = world.region_index[action.region]
    lead = chip_lead(state, mods, k, float(state.sku_backlog[k]))
    state.sku_backlog[k] += action.quantity
    controlled = 1 if world.sku_controlled[k] else 0
    state.chip_pipe_perf[controlled, seat, r, lead] += action.quantity * world.sku_perf[k]
    state.chip_pipe_power[controlled, seat, r, lead] += (
        action.quantity * world.sku_power_kw[k]
    )  # thousand units × kW = MW
    cost = action.quantity * chip_unit_price(state, mods, k)
    q.capex_now[seat] += cost
    state.assets_book[seat, 0] += cost


def _apply_order_network(
    state: MatchState, q: Quarter, seat: int, action: OrderNetwork, checker: Checker
) -> None:
    world = state.world
    r = world.region_index[action.region]
    f = int(world.reg_fabric[r])
    lead = fabric_lead(state, q.mods, f, float(state.fabric_backlog[f]))
    state.fabric_backlog[f] += action.quantity
    state.fabric_pipe[seat, r, lead] += action.quantity
    cost = action.quantity * float(world.fab_price[f])
    q.capex_now[seat] += cost
    state.assets_book[seat, 1] += cost


def _apply_build_datacenter(
    state: MatchState, q: Quarter, seat: int, action: BuildDatacenter, checker: Checker
) -> None:
    r = state.world.region_index[action.region]
    quarters = checker.build_quarters(r)
    total = action.megawatts * build_cost_per_mw(state, q.mods, r)
    state.dc_pipe[seat, r, quarters] += action.megawatts
    state.dc_pay[seat, r, :quarters] += total / quarters
    q.grid_requests.append((r, seat, action.megawatts))
    megawatts = f"{action.megawatts:,.0f}"
    q.announcements.append(
        (
            state.turn,
            seat,
            f"{state.names[seat]} starts {article(megawatts)} {megawatts} MW data centre in"
            f" {_region_name(state, r)}",
        )
    )


def article(number: str) -> str:
    """``a`` or ``an`` before a number as written (``an 8``, ``an 11``, ``an 18,000``, ``a 110``):
    numbers said with a vowel sound (eight, eleven, eighteen and their hundreds and thousands)
    take ``an``."""
    digits = number.split(".")[0]
    lead = digits.split(",")[0]
    if lead.startswith("8"):
        return "an"
    return "an" if lead in ("11", "18") else "a"


def _apply_fund_research(
    state: MatchState, q: Quarter, seat: int, action: FundResearch, checker: Checker
) -> None:
    state.research_level[seat, state.world.tech_index[action.tech]] = action.amount


def _apply_service_price(
    state: MatchState, q: Quarter, seat: int, action: SetServicePrice, checker: Checker
) -> None:
    state.service_price[seat] = action.price


def _apply_training_share(
    state: MatchState, q: Quarter, seat: int, action: SetTrainingShare, checker: Checker
) -> None:
    state.training_share[seat] = action.share


def _apply_sublease(
    state: MatchState, q: Quarter, seat: int, action: Sublease, checker: Checker
) -> None:
    q.sublease[seat, state.world.provider_index[action.provider]] += action.quantity


def _apply_borrow(
    state: MatchState, q: Quarter, seat: int, action: Borrow, checker: Checker
) -> None:
    q.borrow[seat] += action.amount


def _apply_repay(state: MatchState, q: Quarter, seat: int, action: Repay, checker: Checker) -> None:
    q.repay[seat] += action.amount


def _region_name(state: MatchState, r: int) -> str:
    rid = state.world.region_ids[r]
    for region in state.world.content.regions:
        if region.id == rid:
            return region.name
    return rid


# --------------------------------------------------------------------------- one rule per type


class _Rule(NamedTuple):
    """How one action type is checked, accounted for in the budget, and applied."""

    check: Callable[[Checker, Any], _Outcome]
    commit: Callable[[Checker, Any, float], None] | None
    """Accounts for the accepted action given its check's cost (``None``: it commits that
    cost and nothing else, the case of most actions)."""
    apply: Callable[[MatchState, Quarter, int, Any, Checker], None]


_RULES: dict[type[Any], _Rule] = {
    BidSpot: _Rule(Checker._bid_spot, None, _apply_bid_spot),
    Reserve: _Rule(Checker._reserve, None, _apply_reserve),
    OrderChips: _Rule(Checker._order_chips, None, _apply_order_chips),
    OrderNetwork: _Rule(Checker._order_network, None, _apply_order_network),
    BuildDatacenter: _Rule(
        Checker._build_datacenter, Checker._spend_build, _apply_build_datacenter
    ),
    FundResearch: _Rule(Checker._fund_research, None, _apply_fund_research),
    SetServicePrice: _Rule(Checker._setter, Checker._spend_setter, _apply_service_price),
    SetTrainingShare: _Rule(Checker._setter, Checker._spend_setter, _apply_training_share),
    Sublease: _Rule(Checker._sublease, Checker._spend_sublease, _apply_sublease),
    Borrow: _Rule(Checker._borrow, Checker._spend_borrow, _apply_borrow),
    Repay: _Rule(Checker._repay, None, _apply_repay),
}
"""Looked up by the action's exact class: one dict lookup instead of a chain of isinstance."""


def _enabled_rules(world: World) -> dict[type[Any], _Rule]:
    """The rules of the action types the world's scenario enables, kept with the world."""
    cache = world.derived_cache
    found = cache.get("validate.rules")
    if found is None:
        found = cache["validate.rules"] = {
            cls: rule
            for cls, rule in _RULES.items()
            if MECHANIC_OF[cls.model_fields["type"].default] in world.mechanics
        }
    return found


def _rule(action: Action) -> _Rule:
    """The rule for ``action``, also for a subclass of an action class."""
    for cls in type(action).__mro__:
        rule = _RULES.get(cls)
        if rule is not None:
            return rule
    raise AssertionError(f"unhandled action {action!r}")  # pragma: no cover
