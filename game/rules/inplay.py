"""Which events a scenario's market can feel: an effect that names only providers or regions the
scenario does not have acts on nothing.

One reading of it serves three readers: ``content check`` refuses a scripted event that acts on
nothing (:mod:`game.rules.crossref`), notes the random ones (:mod:`game.rules.advice`), and the
engine never starts those (:func:`game.engine.tables.build_world`), so no class reads the news
of a shock to a market it does not touch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from game.rules.models import TARGET_KIND, Content, Effect, Event, Scenario

IN_PLAY_KINDS = ("provider", "region")
"""The kinds of thing a scenario can leave out of its market (``providers``, ``regions``)."""


def in_play(content: Content, scenario: Scenario) -> dict[str, set[str]]:
    """The ids of the providers and regions a match of ``scenario`` has, by kind."""
    return {
        "provider": {p.id for p in content.providers if scenario.plays(p)},
        "region": {
            r.id for r in content.regions if scenario.regions is None or r.id in scenario.regions
        },
    }


def named_by(effect: Effect) -> tuple[str, str | list[str]] | None:
    """What ``effect`` names among what a scenario can leave out: its kind (``provider``,
    ``region``) and either its ``"tag:NAME"`` or its ids; ``None`` for the whole market or
    another kind."""
    kind = TARGET_KIND[effect.target]
    if kind not in IN_PLAY_KINDS or effect.select == "*":
        return None
    select = effect.select
    if isinstance(select, str) and select.startswith("tag:"):
        return kind, select
    return kind, [select] if isinstance(select, str) else list(select)


def missed_ids(
    effect: Effect, content: Content, playing: Mapping[str, Collection[str] | None]
) -> list[str]:
    """What ``effect`` names (its ids, or its ``tag:``) when none of it is in play; ``[]`` when
    it acts on something in play, on the whole market or on a kind a scenario cannot leave out,
    or when in play cannot be told (``playing[kind]`` is ``None``)."""
    named = named_by(effect)
    if named is None:
        return []
    kind, select = named
    playing_ids = playing.get(kind)
    if playing_ids is None:
        return []
    if isinstance(select, str):  # a tag
        tag = select.removeprefix("tag:")
        items = content.providers if kind == "provider" else content.regions
        tagged = [item.id for item in items if tag in item.tags]
        return [] if not tagged or any(name in playing_ids for name in tagged) else [select]
    return [] if any(name in playing_ids for name in select) else select


def acts_on_nothing(
    event: Event, content: Content, playing: Mapping[str, Collection[str] | None]
) -> bool:
    """Whether every effect of ``event`` names only what is not in play (an event with no
    effects is news alone, and is never left out)."""
    return bool(event.effects) and all(
        missed_ids(effect, content, playing) for effect in event.effects
    )


def names_unknown(event: Event, content: Content) -> bool:
    """Whether an effect of ``event`` names a provider or region id the content does not have
    (a typo, reported as such at the event): whether it acts on anything in play cannot be told
    then, and "add nordhalll to providers" would send the writer after an id that is not there."""
    known = {
        "provider": {p.id for p in content.providers},
        "region": {r.id for r in content.regions},
    }
    for effect in event.effects:
        named = named_by(effect)
        if named is None or isinstance(named[1], str):  # the market, another kind, a tag
            continue
        kind, ids = named
        if any(name not in known[kind] for name in ids):
            return True
    return False
