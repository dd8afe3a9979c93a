"""Phase 1, validate: each action is checked against its player's state and applied or rejected.

:func:`check_action` answers "would this be legal now, and if not why" for bots and the UI;
:func:`run` is the phase itself. Both use the same :class:`Checker`, so the helper never
disagrees with the engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from game.engine.actions import (
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
    fast_record,
    parse_actions,
)
from game.engine.derived import build_speedup, headroom, tech_done
from game.engine.modifiers import Modifiers, in_force
from game.engine.quarter import Quarter
from game.engine.state import ACTIVE, MatchState, construct
from game.engine.tables import HORIZON, TERMS

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
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
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

    It depends only on the world and the effects in force, so it is kept with ``mods``."""
    cached: np.ndarray | None = mods.memo.get("sku_output")
    if cached is not None:
        return cached
    world = state.world
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
    return out


def fabric_lead(state: MatchState, mods: Modifiers, fabric: int, backlog: float) -> int:
    world = state.world
    output = float(world.fab_output[fabric]) * mods.mul_at("network.output", fabric)
    lead = int(world.fab_base_lead[fabric]) + (
        math.ceil(backlog / output) if output > 1e-9 else HORIZON
    )
    return max(0, min(lead, HORIZON - 1))


def export_banned(state: MatchState, mods: Modifiers) -> np.ndarray:
    """(R,) regions where export-controlled chips cannot go this quarter."""
    return state.world.reg_export_restricted | mods.flag("region.export_ban")


class Checker:
    """Checks one seat's actions in order, keeping a running budget of what they commit."""

    def __init__(self, state: MatchState, seat: int, mods: Modifiers | None = None):
        self.state = state
        self.seat = seat
        self.mods = mods if mods is not None else current_modifiers(state)
        self.committed = 0.0
        self.borrowed = 0.0
        self.subleased = np.zeros(len(state.world.provider_ids))
        self.count = 0
        self.seen_setters: set[str] = set()
        self.done = tech_done(state)[seat]
        self._floors: list[float] | None = None
        self._headroom: float | None = None
        self._speedup: int | None = None

    # ---- helpers
    def _funds(self) -> float:
        if self._headroom is None:  # cash, credit and debt do not change while checking
            self._headroom = headroom(self.state, self.seat)
        return self._headroom + self.borrowed - self.committed

    def _provider(self, provider_id: str) -> int | Verdict:
        world = self.state.world
        index = world.provider_index.get(provider_id)
        if index is None:
            return _unknown("provider", provider_id, world.provider_ids, Reason.UNKNOWN_PROVIDER)
        if world.ind_sovereign[self.seat] and not world.prov_sovereign[index]:
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
        if world.ind_sovereign[self.seat] and not world.reg_sovereign[index]:
            return Verdict(
                False,
                Reason.SOVEREIGNTY,
                f"{world.industries[self.seat].name} may only build in sovereign regions",
            )
        return index

    def _afford(self, cost: float, what: str) -> Verdict:
        funds = self._funds()
        if cost > funds + 1e-9:
            return Verdict(
                False,
                Reason.INSUFFICIENT_FUNDS,
                f"{what} needs ${cost:,.1f}M but only ${max(funds, 0):,.1f}M of cash and credit"
                " is free this quarter",
                cost,
            )
        return construct(Verdict, ok=True, cost=cost)

    # ---- the check
    def check(self, action: Action) -> Verdict:
        """Would ``action`` be legal after the ones already checked? (Does not commit it.)"""
        state, world, seat = self.state, self.state.world, self.seat
        if state.status[seat] != ACTIVE or state.over:
            return Verdict(False, Reason.ELIMINATED, "this player is out of the game")
        if self.count >= MAX_ACTIONS_PER_QUARTER:
            return Verdict(
                False,
                Reason.TOO_MANY_ACTIONS,
                f"at most {MAX_ACTIONS_PER_QUARTER} actions per quarter",
            )
        mechanic = MECHANIC_OF[action.type]
        if mechanic not in world.mechanics:
            return Verdict(
                False,
                Reason.MECHANIC_DISABLED,
                f"{action.type} is not part of the scenario {world.scenario.id!r}",
            )
        if isinstance(action, BidSpot):
            p = self._provider(action.provider)
            if isinstance(p, Verdict):
                return p
            if self._floors is None:
                self._floors = np.asarray(
                    self.mods.apply("provider.spot_floor", world.prov_spot_floor), dtype=np.float64
                ).tolist()
            floor = self._floors[p]
            if action.max_price < floor:
                return Verdict(
                    False,
                    Reason.BELOW_FLOOR,
                    f"{action.provider}'s spot reserve price is ${floor:.2f}M; a bid below it"
                    " cannot fill",
                )
            return self._afford(action.quantity * action.max_price, "this bid at its limit")
        if isinstance(action, Reserve):
            p = self._provider(action.provider)
            if isinstance(p, Verdict):
                return p
            price = reserved_price(state, self.mods, p, action.term)
            return self._afford(action.quantity * price, "the first quarter of this contract")
        if isinstance(action, OrderChips):
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
                    f"{action.sku} ships from"
                    f" {world.quarter_label(int(world.sku_available_from[k]))}",
                )
            if world.sku_custom[k]:
                tech = world.techs.unlocks.get(k)
                if tech is None or not self.done[tech]:
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
        if isinstance(action, OrderNetwork):
            r = self._region(action.region)
            if isinstance(r, Verdict):
                return r
            f = int(world.reg_fabric[r])
            if f < 0:
                return Verdict(False, Reason.NO_FABRIC, f"no network gear ships to {action.region}")
            return self._afford(action.quantity * float(world.fab_price[f]), "this fabric order")
        if isinstance(action, BuildDatacenter):
            r = self._region(action.region)
            if isinstance(r, Verdict):
                return r
            total = action.megawatts * build_cost_per_mw(state, self.mods, r)
            verdict = self._afford(total * DOWN_PAYMENT, "a quarter of this build's cost")
            return Verdict(True, cost=0.0) if verdict.ok else verdict
        if isinstance(action, FundResearch):
            t = world.tech_index.get(action.tech)
            if t is None:
                return _unknown("technology", action.tech, world.tech_ids, Reason.UNKNOWN_TECH)
            if state.research_done[seat, t] >= 0:
                return Verdict(False, Reason.ALREADY_DONE, f"{action.tech} is already complete")
            missing = [world.tech_ids[p] for p in world.tech_prereqs[t] if not self.done[p]]
            if missing:
                return Verdict(
                    False,
                    Reason.PREREQUISITE_MISSING,
                    f"{action.tech} needs {', '.join(missing)} first",
                )
            return OK
        if isinstance(action, SetServicePrice | SetTrainingShare):
            if action.type in self.seen_setters:
                return Verdict(False, Reason.DUPLICATE, f"{action.type} already given this quarter")
            return OK
        if isinstance(action, Sublease):
            p = self._provider(action.provider)
            if isinstance(p, Verdict):
                return p
            have = float(state.reserved_qty[seat, p, 0]) - float(self.subleased[p])
            if action.quantity > have + 1e-9:
                return Verdict(
                    False,
                    Reason.NO_RESERVED_CAPACITY,
                    f"only {max(have, 0):.1f} kGPU of reserved capacity with {action.provider}"
                    " arrives this quarter",
                )
            return OK
        if isinstance(action, Borrow):
            free = float(state.credit_limit[seat] - state.debt[seat]) - self.borrowed
            if action.amount > free + 1e-9:
                return Verdict(
                    False,
                    Reason.CREDIT_LIMIT,
                    f"the credit line has ${max(free, 0):,.1f}M left",
                )
            return OK
        if isinstance(action, Repay):
            if state.debt[seat] <= 1e-9:
                return Verdict(False, Reason.NOTHING_TO_REPAY, "there is no debt to repay")
            cash = float(state.cash[seat]) + self.borrowed - self.committed
            if action.amount > cash + 1e-9:
                return Verdict(
                    False, Reason.INSUFFICIENT_FUNDS, f"only ${max(cash, 0):,.1f}M of cash"
                )
            return OK
        raise AssertionError(f"unhandled action {action!r}")  # pragma: no cover

    def commit(self, action: Action, verdict: Verdict) -> None:
        """Account for an accepted action in the running budget."""
        self.count += 1
        if isinstance(action, BuildDatacenter):
            r = self.state.world.region_index[action.region]
            per_quarter = self._build_instalment(action, r)
            self.committed += per_quarter
        else:
            self.committed += verdict.cost
        if isinstance(action, Borrow):
            self.borrowed += action.amount
        if isinstance(action, SetServicePrice | SetTrainingShare):
            self.seen_setters.add(action.type)
        if isinstance(action, Sublease):
            self.subleased[self.state.world.provider_index[action.provider]] += action.quantity

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
    list_price = float(
        np.asarray(mods.apply("provider.list_price", world.prov_list_price))[provider]
    )
    discount = world.scenario.market.reserved_discounts[TERMS.index(term)]
    return list_price * (1.0 - discount)


def build_cost_per_mw(state: MatchState, mods: Modifiers, region: int) -> float:
    world = state.world
    return float(np.asarray(mods.apply("region.build_cost", world.reg_build_cost))[region])


def build_quarters(state: MatchState, seat: int, region: int) -> int:
    speedup = int(build_speedup(state, tech_done(state))[seat])
    return max(1, int(state.world.reg_build_quarters[region]) - speedup)


def check_action(state: MatchState, seat: int, action: Action) -> Verdict:
    """Would ``action`` be legal for ``seat`` now, and if not, why?

    >>> from game.engine import new_match, check_action
    >>> from game.engine.actions import Borrow
    >>> state = new_match(scenario="standard", seed=1)            # doctest: +SKIP
    >>> check_action(state, 0, Borrow(amount=1e6)).code           # doctest: +SKIP
    'credit_limit'
    """
    return Checker(state, seat).check(action)


def check_actions(state: MatchState, seat: int, actions: Sequence[Action]) -> list[Verdict]:
    """Check a quarter's list in order, with the budget each earlier action commits."""
    checker = Checker(state, seat)
    verdicts = []
    for action in actions:
        verdict = checker.check(action)
        if verdict.ok:
            checker.commit(action, verdict)
        verdicts.append(verdict)
    return verdicts


# --------------------------------------------------------------------------- the phase


def run(state: MatchState, q: Quarter, actions: Sequence[Sequence[object]]) -> None:
    """Phase 1: validate every seat's actions, apply the accepted ones to ``state`` and ``q``.

    Seats are processed in an order that rotates each quarter, so no seat is always first in
    the vendors' backlogs.
    """
    world = state.world
    n = state.n_players
    mods = q.mods
    start = state.turn % n
    for offset in range(n):
        seat = (start + offset) % n
        # The engine acts on the recorded (JSON-safe) form of each item, so a replay of what
        # was recorded reproduces the quarter exactly, malformed items included. A valid action
        # model is recorded from its fields and used as it is (re-validating its record would
        # give it back unchanged); anything else is recorded and parsed in full.
        submitted: list[dict[str, object]] = []
        parsed: list[Action] = []
        applied: list[dict[str, object] | None] = []
        errors: list[tuple[int, str]] = []
        for index, item in enumerate(actions[seat] if seat < len(actions) else []):
            record = fast_record(item)
            if record is not None:
                submitted.append(record)
                parsed.append(item)  # type: ignore[arg-type]  # fast_record checked its type
                applied.append(dict(record))
                continue
            record = _record(item)
            submitted.append(record)
            done, failed = parse_actions([record])
            parsed.extend(done)
            applied.extend([None] * len(done))
            errors.extend((index, message) for _, message in failed)
        q.submitted[seat].extend(submitted)
        for index, message in errors:
            kind = _type_of(submitted[index])
            q.rejected[seat].append((kind, Reason.MALFORMED.value, message))
        checker = Checker(state, seat, mods)
        for action, recorded in zip(parsed, applied, strict=True):
            verdict = checker.check(action)
            if not verdict.ok:
                q.rejected[seat].append((action.type, str(verdict.code), verdict.message))
                continue
            checker.commit(action, verdict)
            _apply(state, q, seat, action, checker)
            q.applied[seat].append(recorded if recorded is not None else action_to_dict(action))
    _ = world


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
        return {str(k)[:64]: _safe_value(v) for k, v in list(item.items())[:16]}
    return {"type": "unknown", "value": repr(item)[:200]}


def _safe_value(value: object) -> object:
    if isinstance(value, bool | int | str) or value is None:
        return value if not isinstance(value, str) else value[:200]
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    return repr(value)[:200]


def _apply(state: MatchState, q: Quarter, seat: int, action: Action, checker: Checker) -> None:
    world = state.world
    mods = q.mods
    if isinstance(action, BidSpot):
        q.bids[world.provider_index[action.provider]].append(
            (seat, action.quantity, action.max_price)
        )
    elif isinstance(action, Reserve):
        q.reserve_requests.append(
            (
                seat,
                world.provider_index[action.provider],
                action.quantity,
                action.term,
                len(q.reserve_requests),
            )
        )
    elif isinstance(action, OrderChips):
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
    elif isinstance(action, OrderNetwork):
        r = world.region_index[action.region]
        f = int(world.reg_fabric[r])
        lead = fabric_lead(state, mods, f, float(state.fabric_backlog[f]))
        state.fabric_backlog[f] += action.quantity
        state.fabric_pipe[seat, r, lead] += action.quantity
        cost = action.quantity * float(world.fab_price[f])
        q.capex_now[seat] += cost
        state.assets_book[seat, 1] += cost
    elif isinstance(action, BuildDatacenter):
        r = world.region_index[action.region]
        quarters = checker.build_quarters(r)
        total = action.megawatts * build_cost_per_mw(state, mods, r)
        state.dc_pipe[seat, r, quarters] += action.megawatts
        state.dc_pay[seat, r, :quarters] += total / quarters
        q.grid_requests.append((r, seat, action.megawatts))
        q.announcements.append(
            (
                state.turn,
                seat,
                f"{state.names[seat]} starts a {action.megawatts:,.0f} MW data centre in"
                f" {_region_name(state, r)}",
            )
        )
    elif isinstance(action, FundResearch):
        state.research_level[seat, world.tech_index[action.tech]] = action.amount
    elif isinstance(action, SetServicePrice):
        state.service_price[seat] = action.price
    elif isinstance(action, SetTrainingShare):
        state.training_share[seat] = action.share
    elif isinstance(action, Sublease):
        q.sublease[seat, world.provider_index[action.provider]] += action.quantity
    elif isinstance(action, Borrow):
        q.borrow[seat] += action.amount
    elif isinstance(action, Repay):
        q.repay[seat] += action.amount


def _region_name(state: MatchState, r: int) -> str:
    rid = state.world.region_ids[r]
    for region in state.world.content.regions:
        if region.id == rid:
            return region.name
    return rid
