"""Cross-reference checks: every id one item names must exist in the bundle.

The models check each item alone; these checks see the whole bundle. An event that selects an
unknown provider, a chip from an unknown vendor, a technology whose prerequisite does not exist or
that needs itself through a cycle, a scenario seat in an unknown industry: each is a
:class:`~game.rules.problems.Problem` at the file and line of the offending value, with the
closest known id suggested.

The checks run on the items that passed validation. Ids of items that failed validation are still
known (:class:`Unvalidated`), so one broken provider is reported once, not once per reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from game.rules.bundle import NOUNS, TABLE_MODELS, TARGET_ARRAYS
from game.rules.models import (
    TARGET_KIND,
    Content,
    Effect,
    Scenario,
    Technology,
    UnlockSkuEffect,
)
from game.rules.problems import KeyPath, Problem, did_you_mean
from game.rules.sources import ItemSource

Sources = Mapping[str, Sequence[ItemSource]]
"""The source of every item of a :class:`Content`, by array name, in the same order."""


@dataclass(frozen=True)
class Unvalidated:
    """Ids and tags declared by items that failed validation: references to them are fine."""

    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tags: Mapping[str, frozenset[str]] = field(default_factory=dict)
    complete: bool = True
    """``False`` when a file could not be parsed: its ids are guessed and its tags unknown."""


def check_references(
    content: Content, sources: Sources, unvalidated: Unvalidated | None = None
) -> list[Problem]:
    """Every dangling reference, duplicate fabric and prerequisite cycle in ``content``."""
    checker = _Checker(content, sources, unvalidated or Unvalidated())
    checker.check_providers_and_fabrics()
    checker.check_chips()
    checker.check_technologies()
    checker.check_events()
    checker.check_rivals()
    checker.check_scenarios()
    return checker.problems


class _Checker:
    """Holds the known ids and collects problems while the checks run."""

    def __init__(self, content: Content, sources: Sources, unvalidated: Unvalidated) -> None:
        self.content = content
        self.sources = sources
        self.unvalidated = unvalidated
        self.problems: list[Problem] = []
        self.ids: dict[str, set[str]] = {
            kind: {item.id for item in getattr(content, kind)}
            | set(unvalidated.ids.get(kind, frozenset()))
            for kind in (*TABLE_MODELS, "scenarios")
            if kind != "glossary"
        }

    def report(self, source: ItemSource, path: KeyPath, message: str) -> None:
        self.problems.append(source.problem(path, message))

    def reference(
        self, source: ItemSource, path: KeyPath, value: str, kinds: Sequence[str]
    ) -> bool:
        """Report ``value`` if it is not an id of one of ``kinds``; ``True`` if it is."""
        known = set().union(*(self.ids[kind] for kind in kinds))
        if value in known:
            return True
        noun = " or ".join(NOUNS[kind][0] for kind in kinds)
        self.report(source, path, f"unknown {noun} {value!r}{did_you_mean(value, known)}")
        return False

    # ---------------------------------------------------------------- the checks

    def check_providers_and_fabrics(self) -> None:
        for provider, source in zip(self.content.providers, self.sources["providers"], strict=True):
            for index, region in enumerate(provider.regions):
                self.reference(source, ("regions", index), region, ["regions"])
        fabric_of: dict[str, str] = {}
        for fabric, source in zip(self.content.fabrics, self.sources["fabrics"], strict=True):
            for index, region in enumerate(fabric.regions):
                if not self.reference(source, ("regions", index), region, ["regions"]):
                    continue
                if region in fabric_of:
                    self.report(
                        source,
                        ("regions", index),
                        f"region {region!r} already has fabric {fabric_of[region]!r}; "
                        "every region has exactly one fabric",
                    )
                else:
                    fabric_of[region] = fabric.id
        if self.unvalidated.ids.get("fabrics") or not self.unvalidated.complete:
            return  # a fabric that failed validation may well serve the regions that seem bare
        for area, source in zip(self.content.regions, self.sources["regions"], strict=True):
            if area.id not in fabric_of:
                self.report(source, (), "no fabric serves this region: add it to one fabric")

    def check_chips(self) -> None:
        foundries = {foundry.id for foundry in self.content.foundries}
        for chip, source in zip(self.content.chips, self.sources["chips"], strict=True):
            if not self.reference(source, ("vendor",), chip.vendor, ["vendors", "foundries"]):
                continue
            if chip.custom and chip.vendor not in self.ids["foundries"]:
                self.report(
                    source,
                    ("vendor",),
                    f"a custom chip is made by a foundry, not by vendor {chip.vendor!r}"
                    f"{did_you_mean(chip.vendor, foundries)}",
                )

    def check_technologies(self) -> None:
        custom_chips = {chip.id for chip in self.content.chips if chip.custom}
        chips = {chip.id for chip in self.content.chips}
        for tech, source in zip(
            self.content.technologies, self.sources["technologies"], strict=True
        ):
            for index, prerequisite in enumerate(tech.prerequisites):
                self.reference(source, ("prerequisites", index), prerequisite, ["technologies"])
            for index, effect in enumerate(tech.effects):
                if not isinstance(effect, UnlockSkuEffect):
                    continue
                path = ("effects", index, "sku")
                if self.reference(source, path, effect.sku, ["chips"]) and (
                    effect.sku in chips and effect.sku not in custom_chips
                ):
                    self.report(
                        source,
                        path,
                        f"chip {effect.sku!r} is not custom: research unlocks only custom chips"
                        f"{did_you_mean(effect.sku, custom_chips)}",
                    )
        self._check_cycles()

    def _check_cycles(self) -> None:
        """Report each prerequisite cycle once, as ``a → b → a``, at its first technology."""
        techs: dict[str, tuple[Technology, ItemSource]] = {}
        for tech, source in zip(
            self.content.technologies, self.sources["technologies"], strict=True
        ):
            techs.setdefault(tech.id, (tech, source))
        reported: set[tuple[str, ...]] = set()
        done: set[str] = set()

        def visit(tech_id: str, trail: list[str]) -> None:
            if tech_id in trail:
                cycle = trail[trail.index(tech_id) :]
                start = cycle.index(min(cycle))  # the same cycle found from anywhere reads alike
                cycle = cycle[start:] + cycle[:start]
                if tuple(cycle) not in reported:
                    reported.add(tuple(cycle))
                    first, source = techs[cycle[0]]
                    following = cycle[1] if len(cycle) > 1 else cycle[0]
                    index = first.prerequisites.index(following)
                    loop = " → ".join([*cycle, cycle[0]])
                    self.report(source, ("prerequisites", index), f"prerequisite cycle: {loop}")
                return
            if tech_id in done or tech_id not in techs:
                return
            trail.append(tech_id)
            for prerequisite in techs[tech_id][0].prerequisites:
                visit(prerequisite, trail)
            trail.pop()
            done.add(tech_id)

        for tech_id in techs:
            visit(tech_id, [])

    def check_events(self) -> None:
        for event, source in zip(self.content.events, self.sources["events"], strict=True):
            for index, effect in enumerate(event.effects):
                self._check_select(effect, source, ("effects", index, "select"))

    def _check_select(self, effect: Effect, source: ItemSource, path: KeyPath) -> None:
        target_kind = TARGET_KIND[effect.target]
        select = effect.select
        if select == "*":
            return
        if target_kind == "market":
            self.report(
                source, path, f'{effect.target} applies to the whole market: select must be "*"'
            )
            return
        kind = TARGET_ARRAYS[target_kind]
        if isinstance(select, str) and select.startswith("tag:"):
            self._check_tag(select.removeprefix("tag:"), kind, source, path)
        elif isinstance(select, str):
            self.reference(source, path, select, [kind])
        else:
            for index, entity in enumerate(select):
                self.reference(source, (*path, index), entity, [kind])

    def _check_tag(self, tag: str, kind: str, source: ItemSource, path: KeyPath) -> None:
        if "tags" not in TABLE_MODELS[kind].model_fields:
            self.report(source, path, f"{kind} have no tags: select them by id")
            return
        tags = {t for item in getattr(self.content, kind) for t in item.tags}
        tags |= self.unvalidated.tags.get(kind, frozenset())
        if tag not in tags and self.unvalidated.complete:
            noun = NOUNS[kind][0]
            self.report(source, path, f"no {noun} has tag {tag!r}{did_you_mean(tag, tags)}")

    def check_rivals(self) -> None:
        for rival, source in zip(self.content.rivals, self.sources["rivals"], strict=True):
            self.reference(source, ("industry",), rival.industry, ["industries"])

    def check_scenarios(self) -> None:
        for scenario, source in zip(self.content.scenarios, self.sources["scenarios"], strict=True):
            for index, seat in enumerate(scenario.seats):
                self.reference(source, ("seats", index, "industry"), seat.industry, ["industries"])
                if seat.rival is not None:
                    self.reference(source, ("seats", index, "rival"), seat.rival, ["rivals"])
            for index, scripted in enumerate(scenario.scripted_events):
                self.reference(
                    source, ("scripted_events", index, "event"), scripted.event, ["events"]
                )
            for key, kind in (
                ("events_enabled", "events"),
                ("providers", "providers"),
                ("regions", "regions"),
            ):
                for index, entity in enumerate(getattr(scenario, key) or ()):
                    self.reference(source, (key, index), entity, [kind])
            for index, prediction in enumerate(scenario.predictions):
                for key, kind in (
                    ("provider", "providers"),
                    ("vendor", "vendors"),
                    ("region", "regions"),
                ):
                    value = getattr(prediction, key, None)
                    if value is not None:
                        self.reference(source, ("predictions", index, key), value, [kind])


def check_scenario_references(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """Every dangling reference in one scenario read from its own file, against ``content``."""
    checker = _Checker(content, {"scenarios": [source]}, Unvalidated())
    checker.content = content.model_copy(update={"scenarios": (scenario,)})
    checker.check_scenarios()
    return checker.problems
