"""Event effects in force, compiled once per quarter into arrays per target.

An effect's ``select`` is resolved to entity indices when its event starts; here the active
effects become, for each target, a multiplier, an addend and optional set-values over that
target's entity axis, plus the ids of the events behind each entity's change (for explanations).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from game.engine.state import ActiveEffect
from game.engine.tables import FloatArray, World
from game.rules.models import TARGET_KIND, Effect


def axis_size(world: World, kind: str) -> int:
    """Number of entities along the axis a target kind names."""
    return len(_ids_of(world, kind))


def _target_sizes(world: World) -> dict[str, int]:
    """Axis length of every target (kept with the world: compiling asks it per effect)."""
    cache = world.derived_cache.setdefault("modifiers.sizes", {})
    sizes: dict[str, int] | None = cache.get("sizes")
    if sizes is None:
        sizes = cache["sizes"] = {t: axis_size(world, k) for t, k in TARGET_KIND.items()}
    return sizes


_IDS_FIELD = {
    "provider": "provider_ids",
    "vendor": "vendor_ids",
    "foundry": "foundry_ids",
    "fabric": "fabric_ids",
    "region": "region_ids",
}
"""The :class:`World` field listing the entities of each kind (``market`` has one, ``*``)."""


def _ids_of(world: World, kind: str) -> tuple[str, ...]:
    if kind == "market":
        return ("*",)
    ids: tuple[str, ...] = getattr(world, _IDS_FIELD[kind])
    return ids


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


def compiled(
    world: World, effects: Sequence[ActiveEffect], base: Modifiers | None = None
) -> Modifiers:
    """The :class:`Modifiers` for ``effects``, shared while the same effects stay in force.

    Effects change only when an event starts or ends, so most quarters reuse last quarter's
    compilation (a :class:`Modifiers` is never modified after it is built). When ``base`` was
    compiled from the first of ``effects`` (events that start append theirs), only the new
    effects are folded into a copy of it: the same operations in the same order as compiling
    them all.
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
    kept = tuple(effects)
    if base is not None and base._world is world and key[: len(base._key)] == base._key:
        mods = base._extended(kept[len(base._key) :])
    else:
        mods = Modifiers(world, kept)
    cache[key] = (kept, mods)
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


_Applied = tuple[FloatArray | float, FloatArray | float, FloatArray | None]


class Modifiers:
    """Per-target arrays of the effects in force this quarter (read-only once built)."""

    def __init__(self, world: World, effects: Sequence[ActiveEffect]):
        self._world = world
        self._key: tuple[int, ...] = ()
        """Identities of the effects folded in so far (see :func:`compiled`)."""
        self._rows: dict[tuple[str, str], list[float]] = {}
        """(op, target) -> the op's value per entity, as floats: 1.0 for ``mul``, 0.0 for
        ``add`` and NaN for ``set`` where no effect applies."""
        self._arrays: dict[tuple[str, str], FloatArray] = {}
        """The rows as read-only numpy arrays, made on first use (many are only read by entity)."""
        self._sources: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        self._scalars: dict[str, tuple[float, float, float]] = {}
        """Per market-wide target: multiplier, addend and set value (see :meth:`scalar`)."""
        self._applied: dict[str, _Applied] = {}
        """Per target: multiplier, addend and set values (see :meth:`apply`)."""
        self.memo: dict[Any, Any] = {}
        """Figures derived from these effects alone (vendor output, event sources per entity),
        computed on first use and shared by every quarter the same effects are in force."""
        self._fold(effects)

    def _extended(self, effects: Sequence[ActiveEffect]) -> Modifiers:
        """A new :class:`Modifiers`: these tables with ``effects`` folded in after them."""
        new = Modifiers.__new__(Modifiers)
        new._world = self._world
        new._key = self._key
        # Rows and arrays are never modified, so they are shared; :meth:`_fold` copies a row
        # before changing it and drops the array made from the old one.
        new._rows = dict(self._rows)
        new._arrays = dict(self._arrays)
        new._sources = {target: list(found) for target, found in self._sources.items()}
        new._scalars = {}
        new._applied = {}
        new.memo = {}
        new._fold(effects)
        return new

    def _fold(self, effects: Sequence[ActiveEffect]) -> None:
        """Apply ``effects`` in order, on plain floats (the same IEEE operations as numpy's)."""
        sizes = _target_sizes(self._world)
        start = {"mul": 1.0, "add": 0.0, "set": math.nan}
        rows = self._rows
        edited: dict[tuple[str, str], list[float]] = {}
        for eff in effects:
            op = eff.op if eff.op in ("mul", "add") else "set"
            target = eff.target
            slot = (op, target)
            row = edited.get(slot)
            if row is None:  # copy on first write: the old row may belong to another Modifiers
                old = rows.get(slot)
                row = edited[slot] = [start[op]] * sizes[target] if old is None else old.copy()
            value = float(eff.value)
            # ``arr[list(indices)] op= value`` touches each listed entity once, whatever order;
            # indices are entity indices (from :func:`resolve_select`), so a set finds repeats.
            if op == "mul":
                for i in set(eff.indices):
                    row[i] *= value
            elif op == "add":
                for i in set(eff.indices):
                    row[i] += value
            else:
                for i in eff.indices:
                    row[i] = value
            self._sources.setdefault(target, []).append((eff.event, eff.indices))
        for slot, row in edited.items():
            rows[slot] = row
            self._arrays.pop(slot, None)
        self._key += tuple(map(id, effects))

    def has(self, target: str) -> bool:
        """Whether any effect in force names ``target``."""
        return target in self._sources

    def _array(self, op: str, target: str) -> FloatArray | None:
        """The row of ``op`` on ``target`` as a read-only array (None when no effect has it)."""
        slot = (op, target)
        arr = self._arrays.get(slot)
        if arr is None:
            row = self._rows.get(slot)
            if row is None:
                return None
            arr = self._arrays[slot] = np.array(row, dtype=float)
            arr.flags.writeable = False
        return arr

    def mul(self, target: str) -> FloatArray | float:
        """Multiplier over the target's axis (1.0 when nothing applies)."""
        arr = self._array("mul", target)
        return 1.0 if arr is None else arr

    def add(self, target: str) -> FloatArray | float:
        """Addend over the target's axis (0.0 when nothing applies)."""
        arr = self._array("add", target)
        return 0.0 if arr is None else arr

    def row(self, op: str, target: str) -> list[float] | None:
        """The floats of ``op`` on ``target`` (None when no effect has it); do not modify."""
        return self._rows.get((op, target))

    def mul_at(self, target: str, index: int) -> float:
        """Multiplier for one entity."""
        row = self._rows.get(("mul", target))
        return 1.0 if row is None else row[index]

    def add_at(self, target: str, index: int) -> float:
        """Addend for one entity."""
        row = self._rows.get(("add", target))
        return 0.0 if row is None else row[index]

    def apply(self, target: str, base: FloatArray | float) -> FloatArray | float:
        """``base × mul + add``, then any ``set`` values override."""
        if target not in self._sources:
            return base
        found = self._applied.get(target)
        if found is None:  # the three tables of this target, looked up once
            found = self._applied[target] = (
                self.mul(target),
                self.add(target),
                self._array("set", target),
            )
        mul, add, override = found
        value = base * mul + add
        if override is not None:
            value = np.where(np.isnan(override), value, override)
        return value

    def scalar(self, target: str, base: float) -> float:
        """:meth:`apply` for a market-wide target."""
        if target not in self._sources:
            return base
        found = self._scalars.get(target)
        if found is None:  # the first entity's multiplier, addend and set value, as floats
            rows = self._rows
            mul, add, set_ = (rows.get((op, target)) for op in ("mul", "add", "set"))
            found = self._scalars[target] = (
                1.0 if mul is None else mul[0],
                0.0 if add is None else add[0],
                math.nan if set_ is None else set_[0],
            )
        mul_0, add_0, set_0 = found
        # The same float operations as :meth:`apply` (``base * mul + add``, set overrides).
        return float(base * mul_0 + add_0 if math.isnan(set_0) else set_0)

    def flag(self, target: str) -> np.ndarray:
        """Boolean per entity: some effect on ``target`` is in force (e.g. an export ban)."""
        key = ("flag", target)
        mask: np.ndarray | None = self.memo.get(key)
        if mask is None:
            n = axis_size(self._world, TARGET_KIND[target])
            mask = np.zeros(n, dtype=bool)
            for _event, indices in self._sources.get(target, ()):
                mask[list(indices)] = True
            mask.flags.writeable = False
            self.memo[key] = mask
        return mask.copy()  # the caller's own array, as before

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
