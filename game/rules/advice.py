"""Notes on a scenario that loads but probably does not play as its writer meant.

A problem (:mod:`game.rules.crossref`) stops a match from starting. A note does not: the
scenario is legal and may be a deliberate lesson (a government agency locked out of the cloud
to show what sovereignty costs), but a teacher who did not mean it should hear about it before
a class plays 24 quarters of it. ``capwars content check`` prints the notes after its summary
and still exits 0.
"""

from __future__ import annotations

from game.rules.models import Content, Scenario
from game.rules.problems import Problem
from game.rules.sources import ItemSource


def scenario_notes(content: Content, scenario: Scenario, source: ItemSource) -> list[Problem]:
    """Every note on ``scenario``, a valid scenario whose references all resolve in ``content``."""
    return [
        *_sovereign_seats(content, scenario, source),
        *_builds_never_finish(content, scenario, source),
        *_events_that_never_fire(content, scenario, source),
        *_events_scripted_twice(scenario, source),
    ]


def _played_regions(content: Content, scenario: Scenario) -> list[str]:
    if scenario.regions is None:
        return [region.id for region in content.regions]
    return list(scenario.regions)


def _sovereign_seats(content: Content, scenario: Scenario, source: ItemSource) -> list[Problem]:
    """A seat that may use only sovereign providers and build only in sovereign regions, in a
    scenario that has neither, has no way to get compute: it serves nothing all match."""
    industries = {industry.id: industry for industry in content.industries}
    mechanics = set(scenario.mechanics)
    renting = bool(mechanics & {"spot", "reserved"})
    sovereign_provider = any(
        provider.sovereign and scenario.plays(provider) for provider in content.providers
    )
    rents = renting and sovereign_provider
    regions = {region.id: region for region in content.regions}
    owns = "chips" in mechanics and any(
        regions[rid].sovereign for rid in _played_regions(content, scenario) if rid in regions
    )
    if rents:
        return []
    notes = []
    for index, seat in enumerate(scenario.seats):
        industry = industries.get(seat.industry)
        if industry is None or not industry.sovereign_only:
            continue
        who = f"seat {index + 1} ({industry.name})"
        # A sovereign provider in play is no help when renting is off: say so, not "none".
        no_rent = (
            'renting is off (neither "spot" nor "reserved" is in mechanics)'
            if sovereign_provider
            else "none is in play"
        )
        if owns:
            message = (
                f"{who} may rent only from sovereign providers, and {no_rent}: it starts"
                " with no contract and can serve demand only from chips it buys and installs in"
                " a sovereign region"
            )
        elif sovereign_provider:
            message = (
                f"{who} may use only sovereign providers and build only in sovereign regions;"
                f" {no_rent} and "
                + (
                    "no sovereign region is in play"
                    if "chips" in mechanics
                    else "chip purchases are off"
                )
                + ': it cannot serve any demand all match; add "spot" or "reserved" to'
                " mechanics, or seat another industry"
            )
        else:
            message = (
                f"{who} may use only sovereign providers and build only in sovereign regions,"
                " and this scenario has neither"
                + ("" if "chips" in mechanics else " (and chip purchases are off)")
                + ": it cannot serve any demand all match; add a sovereign provider or region,"
                " or seat another industry"
            )
        notes.append(source.problem(("seats", index, "industry"), f"note: {message}"))
    return notes


def _builds_never_finish(content: Content, scenario: Scenario, source: ItemSource) -> list[Problem]:
    """Data centres switched on where every region takes the whole match or longer to build."""
    if "datacenters" not in scenario.mechanics:
        return []
    regions = {region.id: region for region in content.regions}
    times = [
        regions[rid].build_quarters for rid in _played_regions(content, scenario) if rid in regions
    ]
    if not times or min(times) < scenario.quarters:
        return []
    return [
        source.problem(
            ("mechanics",),
            f"note: data centres are on, but the quickest region in play takes {min(times)}"
            f" quarters to build and the match has {scenario.quarters}: no data centre can be"
            ' finished; drop "datacenters" from mechanics, or play a longer match',
        )
    ]


def _events_that_never_fire(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """Random events a scenario enables by name that cannot start before its last quarter."""
    if "events" not in scenario.mechanics or scenario.events_enabled is None:
        return []
    events = {event.id: event for event in content.events}
    last = scenario.quarters - 1
    notes = []
    for index, event_id in enumerate(scenario.events_enabled):
        event = events.get(event_id)
        if event is None:
            continue
        if event.min_turn > last:
            why = f"can start only from turn {event.min_turn} (its min_turn)"
        elif event.probability == 0:
            why = "has probability 0 (it happens only when a scenario scripts it)"
        else:
            continue
        notes.append(
            source.problem(
                ("events_enabled", index),
                f"note: event {event_id!r} {why}, and this match's last turn is {last}:"
                " it never fires at random; script it in scripted_events, or drop it",
            )
        )
    return notes


def _events_scripted_twice(scenario: Scenario, source: ItemSource) -> list[Problem]:
    """The same event scripted twice at one turn (a block pasted twice): both start, so their
    effects apply twice over (two packaging fires: vendor output x0.6 x0.6)."""
    first: dict[tuple[int, str], int] = {}
    notes = []
    for index, item in enumerate(scenario.scripted_events):
        earlier = first.setdefault((item.turn, item.event), index)
        if earlier == index:
            continue
        notes.append(
            source.problem(
                ("scripted_events", index),
                f"note: event {item.event!r} is scripted twice at turn {item.turn} (also"
                f" scripted_events[{earlier}]): both start, so its effects apply twice over;"
                " remove one if you meant a single shock",
            )
        )
    return notes
