"""Event effects in force, compiled once per quarter into arrays per target.

An effect's ``select`` is resolved to entity indices when its event starts; here the active
effects become, for each target, a multiplier, an addend and optional set-values over that
target's entity axis, plus the ids of the events behind each entity's change (for explanations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from game.engine.state import ActiveEffect
from game.engine.tables import FloatArray, World
from game.rules.models import TARGET_KIND, Effect


def axis_size(world: World, kind: str) -> int:
    """Number of entities along the axis a target kind names."""
    return {
        "market": 1,
        "provider": len(world.provider_ids),
        "vendor": len(world.vendor_ids),
        "foundry": len(world.foundry_ids),
        "fabric": len(world.fabric_ids),
        "region": len(world.region_ids),
    }[kind]


def _ids_of(world: World, kind: str) -> tuple[str, ...]:
    return {
        "market": ("*",),
        "provider": world.provider_ids,
        "vendor": world.vendor_ids,
        "foundry": world.foundry_ids,
        "fabric": world.fabric_ids,
        "region": world.region_ids,
    }[kind]


def _tags_of(world: World, kind: str) -> tuple[tuple[str, ...], ...]:
    if kind == "provider":
        by_id = {p.id: p.tags for p in world.content.providers}
        return tuple(by_id[i] for i in world.provider_ids)
    if kind == "region":
        by_id = {r.id: r.tags for r in world.content.regions}
        return tuple(by_id[i] for i in world.region_ids)
    return tuple(() for _ in _ids_of(world, kind))


def resolve_select(world: World, effect: Effect) -> tuple[int, ...]:
    """Entity indices an effect applies to (an unknown id selects nothing)."""
    kind = TARGET_KIND[effect.target]
    ids = _ids_of(world, kind)
    select = effect.select
    if kind == "market" or select == "*":
        return tuple(range(len(ids)))
    if isinstance(select, str) and select.startswith("tag:"):
        tag = select[4:]
        return tuple(i for i, tags in enumerate(_tags_of(world, kind)) if tag in tags)
    wanted = (select,) if isinstance(select, str) else select
    return tuple(i for i, eid in enumerate(ids) if eid in wanted)


def compiled(world: World, effects: Sequence[ActiveEffect]) -> Modifiers:
    """The :class:`Modifiers` for ``effects``, shared while the same effects stay in force.

    Effects change only when an event starts or ends, so most quarters reuse last quarter's
    compilation (a :class:`Modifiers` is never modified after it is built).
    """
    # Keyed by the effects' identities (hashing the dataclasses costs more than compiling
    # small ones); the entry keeps the effects alive, so no identity is reused while it exists.
    # Equal effects held in other objects only miss the cache and compile to the same arrays.
    key = tuple(map(id, effects))
    cache = world.derived_cache.setdefault("modifiers", {})
    hit = cache.get(key)
    if hit is not None:
        mods: Modifiers = hit[1]
        return mods
    if len(cache) > 256:
        cache.clear()
    mods = Modifiers(world, effects)
    cache[key] = (tuple(effects), mods)
    return mods


def in_force(
    world: World, modifiers: tuple[ActiveEffect, ...], turn: int
) -> tuple[list[ActiveEffect], Modifiers]:
    """The effects of ``modifiers`` still in force at ``turn``, and their :class:`Modifiers`.

    The engine, validation and every seat's observation ask this of the same state in turn; the
    last answer is kept (keyed by the identity of the immutable ``modifiers`` tuple and the
    turn) so the effects are not filtered and hashed again for each of them.
    """
    cache = world.derived_cache.setdefault("in_force", {})
    last = cache.get("last")
    if last is not None and last[0] is modifiers and last[1] == turn:
        return list(last[2]), last[3]
    effects = [e for e in modifiers if e.end > turn]
    mods = compiled(world, effects)
    cache["last"] = (modifiers, turn, tuple(effects), mods)
    return effects, mods


class Modifiers:
    """Per-target arrays of the effects in force this quarter (read-only once built)."""

    def __init__(self, world: World, effects: Sequence[ActiveEffect]):
        self._world = world
        self._mul: dict[str, FloatArray] = {}
        self._add: dict[str, FloatArray] = {}
        self._set: dict[str, FloatArray] = {}
        self._sources: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        self.memo: dict[Any, Any] = {}
        """Figures derived from these effects alone (vendor output, event sources per entity),
        computed on first use and shared by every quarter the same effects are in force."""
        for eff in effects:
            n = axis_size(world, TARGET_KIND[eff.target])
            idx = list(eff.indices)
            if eff.op == "mul":
                arr = self._mul.setdefault(eff.target, np.ones(n))
                arr[idx] *= eff.value
            elif eff.op == "add":
                arr = self._add.setdefault(eff.target, np.zeros(n))
                arr[idx] += eff.value
            else:
                arr = self._set.setdefault(eff.target, np.full(n, np.nan))
                arr[idx] = eff.value
            self._sources.setdefault(eff.target, []).append((eff.event, eff.indices))
        for table in (self._mul, self._add, self._set):
            for arr in table.values():
                arr.flags.writeable = False

    def has(self, target: str) -> bool:
        """Whether any effect in force names ``target``."""
        return target in self._sources

    def mul(self, target: str) -> FloatArray | float:
        """Multiplier over the target's axis (1.0 when nothing applies)."""
        return self._mul.get(target, 1.0)

    def add(self, target: str) -> FloatArray | float:
        """Addend over the target's axis (0.0 when nothing applies)."""
        return self._add.get(target, 0.0)

    def mul_at(self, target: str, index: int) -> float:
        """Multiplier for one entity."""
        arr = self._mul.get(target)
        return 1.0 if arr is None else float(arr[index])

    def add_at(self, target: str, index: int) -> float:
        """Addend for one entity."""
        arr = self._add.get(target)
        return 0.0 if arr is None else float(arr[index])

    def apply(self, target: str, base: FloatArray | float) -> FloatArray | float:
        """``base × mul + add``, then any ``set`` values override."""
        if target not in self._sources:
            return base
        value = base * self.mul(target) + self.add(target)
        override = self._set.get(target)
        if override is not None:
            value = np.where(np.isnan(override), value, override)
        return value

    def scalar(self, target: str, base: float) -> float:
        """:meth:`apply` for a market-wide target."""
        if target not in self._sources:
            return base
        return float(np.asarray(self.apply(target, base)).reshape(-1)[0])

    def flag(self, target: str) -> np.ndarray:
        """Boolean per entity: some effect on ``target`` is in force (e.g. an export ban)."""
        n = axis_size(self._world, TARGET_KIND[target])
        mask = np.zeros(n, dtype=bool)
        for _event, indices in self._sources.get(target, ()):
            mask[list(indices)] = True
        return mask

    def sources(self, target: str, index: int = 0) -> tuple[int, ...]:
        """Event indices behind ``target`` for entity ``index``, in start order."""
        sources = self._sources.get(target)
        if not sources:
            return ()
        key = ("sources", target, index)
        found: tuple[int, ...] | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = tuple(event for event, indices in sources if index in indices)
        return found
