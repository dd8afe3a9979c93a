"""Notes on a scenario that loads but probably does not play as its writer meant.

A problem (:mod:`game.rules.crossref`) stops a match from starting. A note does not: the
scenario is legal and may be a deliberate lesson (a government agency locked out of the cloud
to show what sovereignty costs), but a teacher who did not mean it should hear about it before
a class plays 24 quarters of it. ``capwars content check`` prints the notes after its summary
and still exits 0.
"""

from __future__ import annotations

from game.rules.inplay import acts_on_nothing, in_play, missed_ids, names_unknown
from game.rules.models import Content, Scenario
from game.rules.problems import Problem
from game.rules.sources import ItemSource


def scenario_notes(content: Content, scenario: Scenario, source: ItemSource) -> list[Problem]:
    """Every note on ``scenario``, a valid scenario whose references all resolve in ``content``."""
    return [
        *_sovereign_seats(content, scenario, source),
        *_seats_without_a_rival(content, scenario, source),
        *_rivals_of_another_industry(content, scenario, source),
        *_builds_never_finish(content, scenario, source),
        *_events_that_never_fire(content, scenario, source),
        *_events_scripted_twice(scenario, source),
        *_scripted_events_also_random(content, scenario, source),
        *_random_events_that_change_nothing(content, scenario, source),
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


def _seats_without_a_rival(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """More than one seat without a rival. The terminal game gives the seats without a rival to
    the teams at its keyboard (hot-seat) and leaves out those no team takes; only the rivals'
    seats are played by the computer. So a lesson meant for one team per computer, with a
    "bank" seat for the computer to play, is played without that seat, while
    ``capwars match`` (a bot in every seat) plays it: the two disagree."""
    free = [index for index, seat in enumerate(scenario.seats) if seat.rival is None]
    if len(free) < 2:
        return []
    industries = {industry.id: industry.name for industry in content.industries}
    others = free[1:]
    one = len(others) == 1
    it, each = ("it", "it") if one else ("them", "each")
    missing = " or ".join(
        f"{industries.get(scenario.seats[i].industry, scenario.seats[i].industry)} (seat {i + 1})"
        for i in others
    )
    hints = []
    for index in others:
        industry = scenario.seats[index].industry
        rivals = [repr(r.id) for r in content.rivals if r.industry == industry]
        if rivals:
            hints.append(f"{' or '.join(rivals)} for seat {index + 1}")
    listed = ", ".join(str(i + 1) for i in free)
    return [
        source.problem(
            ("seats", others[0]),
            f"note: seats {listed} have no rival. The terminal game gives such seats to the"
            " teams at its keyboard (hot-seat) and leaves out those no team takes: a team"
            f" playing alone meets no {missing}, though capwars match plays {it} with a bot."
            f" To have the computer play {it} in every game, give {each} a rival"
            + (f" ({'; '.join(hints)})" if hints else "")
            + f", or leave {it} if teams share one keyboard",
        )
    ]


def _rivals_of_another_industry(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """A seat whose rival belongs to another industry: the seat keeps its own industry (cash,
    credit line, customers) under the rival's company name, so "Ledgerline Bank" runs a
    hospital, which the class reads in the standings and the debrief as a bank."""
    rivals = {rival.id: rival for rival in content.rivals}
    industries = {industry.id: industry.name for industry in content.industries}
    notes = []
    for index, seat in enumerate(scenario.seats):
        rival = rivals.get(seat.rival or "")
        if rival is None or rival.industry == seat.industry:
            continue
        seat_industry = industries.get(seat.industry, seat.industry)
        rival_industry = industries.get(rival.industry, rival.industry)
        fitting = [repr(r.id) for r in content.rivals if r.industry == seat.industry]
        fixes = [f"give the seat a rival of its industry ({' or '.join(fitting)})"] * bool(fitting)
        fixes.append(f'write industry = "{rival.industry}" for the seat')
        playing = (
            f"plays it as {seat.name!r} with that rival's personality"
            if seat.name
            else f"plays it under the rival's company name, so the class reads {rival.name!r}"
            f" for a {seat_industry.lower()}"
        )
        notes.append(
            source.problem(
                ("seats", index, "rival"),
                f"note: seat {index + 1} ({seat_industry}) has the rival {rival.id!r}"
                f" ({rival.name}), a rival of another industry ({rival_industry}): the game"
                f" keeps the seat's industry (its cash, credit and customers) and {playing}."
                f" To fix it, {', or '.join(fixes)}",
            )
        )
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


NOTED_SHARE_OF_SEEDS = 0.05
"""A scenario's scripted events that may start at random first are noted when, together, they
do so in at least this share of seeds (one in twenty)."""


def _scripted_events_also_random(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """Scripted events that are also random events of the scenario, and may start at random
    before their turn: with such a seed the class meets the shock earlier than the lesson notes
    say, and if it still lasts at its turn the scripted one starts too, so its effects apply
    twice over. (After a start, scripted or not, an event waits its cooldown.) One note for
    them all, when that happens in at least one seed in twenty."""
    if "events" not in scenario.mechanics or scenario.event_probability_scale == 0:
        return []
    events = {event.id: event for event in content.events}
    enabled = scenario.events_enabled
    last = scenario.quarters - 1
    seen: set[str] = set()
    early: list[tuple[int, str, int, float, int]] = []  # index, event, turn, chance, from
    none_early = 1.0
    for index, item in enumerate(scenario.scripted_events):
        event = events.get(item.event)
        if event is None or item.event in seen:
            continue
        seen.add(item.event)  # the first scripted start is the one it may come before
        if not scenario.lets_fire_at_random(item.event):
            continue
        chance = min(1.0, event.probability * scenario.event_probability_scale)
        before = min(item.turn - 1, event.max_turn, last) - event.min_turn + 1
        if chance <= 0 or before <= 0:
            continue
        early.append((index, item.event, item.turn, chance, event.min_turn))
        none_early *= (1.0 - chance) ** before
    seeds = 1.0 - none_early
    if not early or seeds < NOTED_SHARE_OF_SEEDS:
        return []
    why = "they are in events_enabled" if enabled is not None else "events_enabled is not set"
    if len(early) == 1:
        _, event_id, turn, chance, first = early[0]
        what = (
            f"event {event_id!r} is scripted at turn {turn}, but it is also a random event here"
            f" ({chance:.1%} a quarter from turn {first}, as {why.replace('they are', 'it is')}):"
            f" in about {seeds:.0%} of seeds it starts before turn {turn}"
        )
        them = "it"
    else:
        listed = ", ".join(f"{e!r} (turn {t}, {c:.1%} a quarter)" for _, e, t, c, _ in early)
        what = (
            f"{len(early)} scripted events are also random events here, as {why}: {listed};"
            f" in about {seeds:.0%} of seeds at least one of them starts before its turn"
        )
        them = "them"
    if enabled is None:
        # The events it disables already stay in the line to copy: replacing the list with
        # only these let them start at random again.
        ids = dict.fromkeys([*scenario.events_disabled, *(e for _, e, _, _, _ in early)])
        disabled = ", ".join(f'"{e}"' for e in ids)  # as TOML writes them
        fix = f"write events_disabled = [{disabled}]"
    else:
        fix = f"take {them} out of events_enabled"
    return [
        source.problem(
            ("scripted_events", early[0][0], "event"),
            f"note: {what}, so the class meets it earlier than the lesson says (and, if it"
            f" still lasts at its turn, twice over); to have {them} only when scripted, {fix},"
            " or event_probability_scale = 0 for no random events at all",
        )
    ]


def _random_events_that_change_nothing(
    content: Content, scenario: Scenario, source: ItemSource
) -> list[Problem]:
    """Random events ``events_enabled`` names that act only on providers or regions not in
    play: the engine never starts them (a class would read the news of a shock to a market it
    does not touch), so the teacher who listed them is told. (A scripted one is refused:
    :mod:`game.rules.crossref`.)"""
    if "events" not in scenario.mechanics or not scenario.events_enabled:
        return []
    playing = in_play(content, scenario)
    if not playing["provider"]:
        return []  # no provider plays at all: a problem, reported as such
    events = {event.id: event for event in content.events}
    problems = []
    for index, event_id in enumerate(scenario.events_enabled):
        event = events.get(event_id)
        if event is None or names_unknown(event, content):
            continue  # unknown, or it names an unknown id (both reported already)
        if not acts_on_nothing(event, content, playing):
            continue  # it acts on something in play
        names = sorted({name for e in event.effects for name in missed_ids(e, content, playing)})
        problems.append(
            source.problem(
                ("events_enabled", index),
                f"note: event {event_id!r} acts only on {', '.join(names)}, not in play here:"
                " it never starts at random in this scenario (its news would tell of a market"
                " nobody plays in); add what it hits to providers or regions, or drop it",
            )
        )
    return problems
