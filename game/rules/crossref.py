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
from game.rules.inplay import missed_ids, names_unknown
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


LISTED_IDS = 12
"""An unknown id with nothing close lists the known ids of its kind when there are at most
this many (vendors, regions, providers, industries, rivals; not the forty events)."""


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
        hint = did_you_mean(value, known) or self._id_hint(value, kinds)
        if not hint and 0 < len(known) <= LISTED_IDS:
            # Nothing close: say what there is ("nvidia" for a vendor: verdant or crimson).
            hint = f" (this content has: {', '.join(sorted(known))})"
        self.report(source, path, f"unknown {noun} {value!r}{hint}")
        return False

    def _id_hint(self, value: str, kinds: Sequence[str]) -> str:
        """The id meant by a value written as the item's name or title ("Packaging fire",
        "Fire at an advanced-packaging plant.") or with other separators; for a rival, the
        rivals that play an archetype named instead of one (``rival = "builder"``)."""
        squeezed = _squeezed(value)
        wanted = value.strip(" .").casefold()
        for kind in kinds:
            for item in getattr(self.content, kind, ()):
                names = [
                    text
                    for text in (getattr(item, "name", None), getattr(item, "title", None))
                    if isinstance(text, str)
                ]
                if _squeezed(item.id) == squeezed or any(
                    text.strip(" .").casefold() == wanted for text in names
                ):
                    shown = f" ({names[0]})" if names else ""
                    return f": write its id, {item.id!r}{shown}"
        if "rivals" in kinds:
            playing = [rival.id for rival in self.content.rivals if rival.archetype == value]
            if playing:
                return (
                    f": {value!r} is an archetype; a seat names a rival, and these play it:"
                    f" {', '.join(playing)}"
                )
        return ""

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
        unlocked = {
            effect.sku
            for tech in self.content.technologies
            for effect in tech.effects
            if isinstance(effect, UnlockSkuEffect)
        }
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
            elif not chip.custom and chip.vendor in self.ids["foundries"]:
                self.report(
                    source,
                    ("vendor",),
                    f"{chip.vendor!r} is a foundry, which makes only custom chips: add"
                    " custom = true (and a technology that unlocks it), or name a vendor",
                )
            elif chip.custom and chip.id not in unlocked and self._technologies_all_valid():
                self.report(
                    source,
                    ("custom",),
                    f"no technology unlocks custom chip {chip.id!r}, so it can never be ordered:"
                    " give a technology the effect"
                    f' {{ kind = "unlock_sku", sku = "{chip.id}" }}',
                )

    def _technologies_all_valid(self) -> bool:
        """Every technology was read (one that failed validation may unlock a chip)."""
        return self.unvalidated.complete and not self.unvalidated.ids.get("technologies")

    def check_technologies(self) -> None:
        custom_chips = {chip.id for chip in self.content.chips if chip.custom}
        chips = {chip.id for chip in self.content.chips}
        unlocked_by: dict[str, str] = {}
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
                first = unlocked_by.setdefault(effect.sku, tech.id)
                if first != tech.id:
                    # The engine keeps one unlocking technology per chip: the other's would
                    # finish and unlock nothing.
                    self.report(
                        source,
                        path,
                        f"technologies {first!r} and {tech.id!r} both unlock chip"
                        f" {effect.sku!r}: a custom chip has one technology that unlocks it (the"
                        " game would use only one of them); unlock another chip here, or remove"
                        " this effect",
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
            self._select_reference(effect, source, path, select, kind)
        else:
            for index, entity in enumerate(select):
                self._select_reference(effect, source, (*path, index), entity, kind)

    def _select_reference(
        self, effect: Effect, source: ItemSource, path: KeyPath, value: str, kind: str
    ) -> None:
        """Like :meth:`reference`, but an id of another kind (a provider named for a region
        target) says which kind it is and which the target selects."""
        if value in self.ids[kind] or did_you_mean(value, self.ids[kind]):
            self.reference(source, path, value, [kind])
            return
        others = [
            other for other in TARGET_ARRAYS.values() if other != kind and value in self.ids[other]
        ]
        if not others:
            self.reference(source, path, value, [kind])
            return
        self.report(
            source,
            path,
            f"unknown {NOUNS[kind][0]} {value!r}: {value!r} is a"
            f" {' and a '.join(NOUNS[other][0] for other in others)}, and {effect.target}"
            f" selects {NOUNS[kind][1]} (pick a target that acts on {NOUNS[others[0]][1]}, or"
            f" name {NOUNS[kind][1]})",
        )

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
                ("events_disabled", "events"),
                ("providers", "providers"),
                ("regions", "regions"),
            ):
                for index, entity in enumerate(getattr(scenario, key) or ()):
                    self.reference(source, (key, index), entity, [kind])
            self._check_providers_serve(scenario, source)
            self._check_scripted_events_act(scenario, source)
            self._check_predictions(scenario, source)

    def _check_scripted_events_act(self, scenario: Scenario, source: ItemSource) -> None:
        """A scripted event whose every effect names providers or regions that are not in play
        would make the news and change nothing: the class would discuss a shock that never hit."""
        in_play = {
            "provider": self._providers_in_play(scenario),
            "region": self._regions_in_play(scenario),
        }
        if in_play["provider"] == []:
            return  # no provider plays at all: reported as such, once
        events = {event.id: event for event in self.content.events}
        for index, scripted in enumerate(scenario.scripted_events):
            event = events.get(scripted.event)
            if event is None or names_unknown(event, self.content):
                continue  # unknown, or it names an unknown id: reported already
            missed = [missed_ids(effect, self.content, in_play) for effect in event.effects]
            if all(missed):
                names = sorted({name for names in missed for name in names})
                self.report(
                    source,
                    ("scripted_events", index, "event"),
                    f"event {event.id!r} acts only on {', '.join(names)}, not in play in this"
                    " scenario: it would make the news and change nothing; add them to the"
                    " scenario's providers or regions, or script another event",
                )

    def _check_providers_serve(self, scenario: Scenario, source: ItemSource) -> None:
        """A provider plays only if it serves one of the scenario's regions. With none left the
        match has nothing to rent: each listed provider, or the regions, is reported. (One listed
        provider of several that drops out is allowed: lesson files written so still play.)"""
        regions = self._regions_in_play(scenario)
        in_play = self._providers_in_play(scenario)
        if regions is None or in_play is None or in_play:
            return
        if len(regions) < len(scenario.regions or ()):
            return  # a misspelt region is reported with its suggestion: fix that first
        listed = ", ".join(regions) or "none"
        serves = {provider.id: provider.regions for provider in self.content.providers}
        for index, provider in enumerate(scenario.providers or ()):
            if provider in serves:
                self.report(
                    source,
                    ("providers", index),
                    f"provider {provider!r} serves none of this scenario's regions ({listed}),"
                    f" so it would not be in play: add one of its regions"
                    f" ({', '.join(serves[provider])}) to regions, or drop it from providers",
                )
        if scenario.providers is None:
            self.report(
                source,
                ("regions",),
                f"no provider serves any of this scenario's regions ({listed}): the match would"
                " have no cloud capacity to rent; add a region that a provider serves",
            )

    def _check_predictions(self, scenario: Scenario, source: ItemSource) -> None:
        """Each prediction names what its metric compares, in play in this scenario, and no
        two share a quarter (the game asks one question per quarter)."""
        regions_in_play = self._regions_in_play(scenario)
        providers_in_play = self._providers_in_play(scenario)
        first_at: dict[int, int] = {}
        for index, prediction in enumerate(scenario.predictions):
            path: KeyPath = ("predictions", index)
            turn = getattr(prediction, "turn", None)
            if isinstance(turn, int) and not isinstance(turn, bool):
                if turn in first_at:
                    earlier = first_at[turn]
                    where = source.line(("predictions", earlier))
                    self.report(
                        source,
                        (*path, "turn"),
                        f"a second prediction at turn {turn} (the first is predictions[{earlier}]"
                        f"{f', line {where}' if where else ''}): the game asks one question per"
                        " quarter, so this one would never be asked; move it to another turn or"
                        " merge the two questions",
                    )
                else:
                    first_at[turn] = index
            metric = getattr(prediction, "metric", "spot_price")
            known_metric = isinstance(metric, str) and metric in PREDICTION_SUBJECTS
            subject = PREDICTION_SUBJECTS[metric] if known_metric else None
            for key, kind in PREDICTION_KEYS.items():
                value = getattr(prediction, key, None)
                if value is None:
                    continue
                if known_metric and key != subject:
                    self.report(source, (*path, key), _not_for_metric(key, metric, subject))
                    continue
                if not self.reference(source, (*path, key), value, [kind]):
                    continue
                if key == "region" and regions_in_play is not None:
                    self._in_scenario(source, (*path, key), value, "region", regions_in_play)
                elif key == "provider" and providers_in_play is not None:
                    self._in_scenario(source, (*path, key), value, "provider", providers_in_play)
            if metric == "grid_wait" and getattr(prediction, "region", None) is None:
                choices = regions_in_play or [region.id for region in self.content.regions]
                example = f'region = "{choices[0]}"' if choices else 'region = "..."'
                self.report(
                    source,
                    (*path, "region"),
                    "missing required key: a grid_wait question compares one region's grid"
                    f" wait, so name it, e.g. {example}"
                    + (f" (regions in play: {', '.join(choices)})" if choices else ""),
                )

    def _regions_in_play(self, scenario: Scenario) -> list[str] | None:
        """The known regions a scenario lists (``None``: it plays with every region)."""
        if scenario.regions is None:
            return None
        return [region for region in scenario.regions if region in self.ids["regions"]]

    def _providers_in_play(self, scenario: Scenario) -> list[str] | None:
        """The providers a match of ``scenario`` has (:meth:`Scenario.plays`, as the engine
        builds the world); ``None``: every one, or unknown because a provider failed
        validation."""
        if scenario.providers is None and scenario.regions is None:
            return None
        if self.unvalidated.ids.get("providers") or not self.unvalidated.complete:
            return None  # a provider that failed validation may be the one named
        return [provider.id for provider in self.content.providers if scenario.plays(provider)]

    def _in_scenario(
        self, source: ItemSource, path: KeyPath, value: str, noun: str, in_play: list[str]
    ) -> None:
        """Report ``value`` if the scenario does not play with it."""
        if value in in_play:
            return
        listed = ", ".join(in_play) if in_play else "none"
        why = (
            ""
            if noun == "region"
            else " (a provider plays if it serves one of the scenario's regions and, when the"
            " scenario has a providers list, is on it)"
        )
        self.report(
            source,
            path,
            f"{noun} {value!r} is not in play in this scenario, so the debrief would have"
            f" nothing to compare{did_you_mean(value, in_play)}; {noun}s in play: {listed}{why}",
        )


PREDICTION_SUBJECTS: dict[str, str | None] = {
    "spot_price": "provider",
    "demand": None,
    "lead_time": "vendor",
    "grid_wait": "region",
}
"""The key that names what each prediction metric compares (``demand``: the whole market)."""

PREDICTION_KEYS: dict[str, str] = {
    "provider": "providers",
    "vendor": "vendors",
    "region": "regions",
}
"""The keys a prediction may name an entity with, and the array of their ids."""


def _not_for_metric(key: str, metric: str, subject: str | None) -> str:
    """Why ``key`` is refused in a prediction of ``metric``, and what to write instead."""
    what = {
        "spot_price": "a provider's spot price (provider = ...)",
        "demand": "the whole market's demand (no provider, vendor or region)",
        "lead_time": "a vendor's lead time (vendor = ...)",
        "grid_wait": "a region's grid wait (region = ...)",
    }[metric]
    fix = f"remove it, or use {subject} = ..." if subject else "remove it"
    metric_for = next(m for m, s in PREDICTION_SUBJECTS.items() if s == key)
    return (
        f'{key} does not apply to metric "{metric}", which compares {what}: {fix}'
        f' (or set metric = "{metric_for}" to ask about a {key})'
    )


def check_scenario_references(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """Every dangling reference in one scenario read from its own file, against ``content``."""
    checker = _Checker(content, {"scenarios": [source]}, Unvalidated())
    checker.content = content.model_copy(update={"scenarios": (scenario,)})
    checker.check_scenarios()
    return checker.problems


def _squeezed(text: str) -> str:
    """``Packaging fire``, ``packaging-fire`` and ``packaging_fire`` alike: ``packagingfire``."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())
