"""Notes: a scenario that loads and plays, but probably not as its writer meant, is pointed
out by ``capwars content check`` (which still passes), at the file and line to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.arena.match import run_match
from game.cli import main
from game.engine.tables import build_world
from game.rules.loader import (
    load_content,
    load_content_with_notes,
    load_scenario_file_with_notes,
    resolve_scenario,
)
from game.rules.problems import ContentError

LESSON = """\
id = "sovereignty-lesson"
name = "Sovereignty"
summary = "A bank and a government agency."
quarters = {quarters}
mechanics = {mechanics}
providers = {providers}
{extra}
[[seats]]
industry = "bank"

[[seats]]
industry = "government"
rival = "civic-digital"

[market]
demand = 20.0
demand_growth = 0.05
"""


def lesson(
    tmp_path: Path,
    *,
    quarters: int = 8,
    mechanics: str = '["spot", "reserved", "service_price"]',
    providers: str = '["stratus", "nordhall"]',
    extra: str = "",
) -> Path:
    path = tmp_path / "lesson.toml"
    text = LESSON.format(quarters=quarters, mechanics=mechanics, providers=providers, extra=extra)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def content():
    return load_content()


def scripted_notes(path: Path, content) -> list[str]:
    """The notes on scripted events (a lesson with random events on gets others too)."""
    return [note for note in notes_of(path, content) if "scripted_events[" in note]


def notes_of(path: Path, content) -> list[str]:
    return [str(note) for note in load_scenario_file_with_notes(path, content)[1]]


def test_the_games_own_content_has_no_notes() -> None:
    assert load_content_with_notes()[1] == []


def test_a_sensible_lesson_has_no_notes(tmp_path: Path, content) -> None:
    assert notes_of(lesson(tmp_path), content) == []


def test_a_government_seat_with_no_sovereign_provider_or_region(tmp_path: Path, content) -> None:
    path = lesson(tmp_path, providers='["stratus"]', extra='regions = ["us-east"]\n')
    (note,) = notes_of(path, content)
    assert note.startswith(f"{path}:13: seats[1].industry: note: seat 2 (")
    assert "cannot serve any demand all match" in note
    assert "(and chip purchases are off)" in note


def test_a_government_seat_that_can_only_buy_its_own_chips(tmp_path: Path, content) -> None:
    path = lesson(
        tmp_path,
        providers='["stratus"]',
        mechanics='["spot", "reserved", "chips", "service_price"]',
    )
    (note,) = notes_of(path, content)
    assert "none is in play" in note and "chips it buys" in note


def test_data_centres_that_cannot_finish(tmp_path: Path, content) -> None:
    mechanics = '["spot", "reserved", "chips", "datacenters", "service_price"]'
    short = lesson(tmp_path, quarters=6, mechanics=mechanics)
    (note,) = notes_of(short, content)
    assert "mechanics: note: data centres are on" in note
    assert "takes 6 quarters to build and the match has 6" in note
    assert notes_of(lesson(tmp_path, quarters=7, mechanics=mechanics), content) == []


def test_enabled_events_that_never_fire(tmp_path: Path, content) -> None:
    # A 4-quarter lesson (last quarter 3) enabling an event that can start only from quarter 6.
    late = next(event for event in content.events if event.min_turn >= 4 and event.probability)
    mechanics = '["spot", "reserved", "service_price", "events"]'
    path = lesson(
        tmp_path,
        quarters=4,
        mechanics=mechanics,
        extra=f'events_enabled = ["stratus_outage", "{late.id}"]\n',
    )
    (note,) = notes_of(path, content)
    assert f"events_enabled[1]: note: event {late.id!r} can start only from turn" in note
    assert "script it in scripted_events" in note


def test_content_check_prints_notes_and_passes(tmp_path: Path, capsys) -> None:
    path = lesson(tmp_path, providers='["stratus"]', extra='regions = ["us-east"]\n')
    assert main(["content", "check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("scenario OK: sovereignty-lesson")
    assert "note: seat 2" in lines[1]
    assert lines[2].startswith("(1 note: this plays, but probably not as you meant;")


def test_a_content_folder_with_notes(tmp_path: Path, capsys) -> None:
    import shutil

    root = tmp_path / "world"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", root)
    lesson(root / "scenarios", providers='["stratus"]', extra='regions = ["us-east"]\n')
    assert main(["content", "check", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"{root}/scenarios/lesson.toml:13: seats[1].industry: note: seat 2" in out
    assert "(1 note:" in out


def test_content_md_shows_the_notes_as_printed(tmp_path: Path, content) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "CONTENT.md").read_text()
    everything = '["spot", "reserved", "chips", "datacenters", "service_price", "events"]'
    folders = [tmp_path / name for name in ("a", "b", "c")]  # one lesson file each
    for folder in folders:
        folder.mkdir()
    cases = [
        lesson(folders[0], providers='["stratus"]', extra='regions = ["us-east"]\n'),
        lesson(
            folders[1],
            quarters=4,
            providers='["stratus"]',
            mechanics=everything,
            extra='events_enabled = ["neocloud_bankruptcy"]\n',
        ),
        lesson(folders[2], mechanics='["spot", "reserved", "service_price", "events"]'),
    ]
    cases[-1].write_text(
        cases[-1].read_text()
        + '\n[[scripted_events]]\nturn = 4\nevent = "energy_price_spike"\n'
        + '\n[[seats]]\nindustry = "hospital"\n'
    )
    shown_notes = 0
    for path in cases:
        for note in load_scenario_file_with_notes(path, content)[1]:
            shown = f"{note.path}: {note.message}"[:100]
            assert shown in doc, f"docs/CONTENT.md's notes table lacks: {shown}"
            shown_notes += 1
    assert shown_notes >= 5


def test_a_government_seat_with_a_sovereign_provider_but_renting_off(
    tmp_path: Path, content
) -> None:
    # nordhall (sovereign) is in play: the note must not say none is, nor ask to add one.
    chips = lesson(tmp_path, mechanics='["chips", "service_price"]')
    (note,) = notes_of(chips, content)
    assert "none is in play" not in note
    assert 'renting is off (neither "spot" nor "reserved" is in mechanics)' in note
    assert "chips it buys" in note
    (note,) = notes_of(lesson(tmp_path, mechanics='["service_price"]'), content)
    assert "has neither" not in note and "add a sovereign provider" not in note
    assert "renting is off" in note and "and chip purchases are off" in note
    assert 'add "spot" or "reserved" to mechanics' in note


def test_an_event_scripted_twice_at_one_turn_is_noted(tmp_path: Path, content, capsys) -> None:
    # A block pasted twice: the engine starts both, and the shock is doubled (two packaging
    # fires: vendor output x0.36); the check said "scenario OK" and nothing else.
    block = '\n[[scripted_events]]\nturn = 2\nevent = "packaging_fire"\n'
    path = lesson(tmp_path)
    path.write_text(path.read_text() + block + block)
    (note,) = notes_of(path, content)
    assert note == (
        f"{path}:23: scripted_events[1]: note: event 'packaging_fire' is scripted twice at turn 2"
        " (also scripted_events[0]): both start, so its effects apply twice over; remove one if"
        " you meant a single shock"
    )
    assert main(["content", "check", str(path)]) == 0
    # The same event at two turns is two shocks on purpose: no note.
    path.write_text(path.read_text().replace("turn = 2", "turn = 5", 1))
    assert notes_of(path, content) == []


def test_scripted_events_that_may_also_start_at_random_are_noted(
    tmp_path: Path, content, capsys
) -> None:
    # A lesson scripts an energy spike at turn 4, with a lesson note about it, and leaves
    # random events on: with some seeds the spike started at random at turn 3 and the scripted
    # one at 4 doubled it (power x2.25), and the check said only "scenario OK".
    block = '\n[[scripted_events]]\nturn = {turn}\nevent = "{event}"\n'
    events = '["spot", "reserved", "service_price", "events"]'
    path = lesson(tmp_path, mechanics=events)
    path.write_text(path.read_text() + block.format(turn=4, event="energy_price_spike"))
    (note,) = scripted_notes(path, content)
    assert note == (
        f"{path}:21: scripted_events[0].event: note: event 'energy_price_spike' is scripted at"
        " turn 4, but it is also a random event here (4.0% a quarter from turn 0, as"
        " events_enabled is not set): in about 15% of seeds it starts before turn 4, so the"
        " class meets it earlier than the lesson says (and, if it still lasts at its turn,"
        " twice over); to have it only when scripted, write events_disabled ="
        ' ["energy_price_spike"], or event_probability_scale = 0 for no random events at all'
    )
    assert main(["content", "check", str(path)]) == 0
    assert "scripted_events[0].event: note: event 'energy_price_spike'" in capsys.readouterr().out
    # Two of them: one note naming both, with the chance that either comes early.
    path.write_text(path.read_text() + block.format(turn=6, event="grid_crunch"))
    (note,) = scripted_notes(path, content)
    assert "2 scripted events are also random events here, as events_enabled is not set:" in note
    assert "'energy_price_spike' (turn 4, 4.0% a quarter), 'grid_crunch' (turn 6, 3.0%" in note
    assert "in about 25% of seeds at least one of them starts before its turn" in note
    # The line to copy keeps the events the lesson disables already (copied over the list,
    # it let them start at random again).
    extra = 'events_disabled = ["recession"]\n'
    path = lesson(tmp_path, mechanics=events, extra=extra)
    path.write_text(path.read_text() + block.format(turn=4, event="energy_price_spike"))
    (note,) = scripted_notes(path, content)
    assert 'write events_disabled = ["recession", "energy_price_spike"], or' in note
    # Listed among the random events, with the chance scaled.
    extra = 'events_enabled = ["energy_price_spike"]\nevent_probability_scale = 0.5\n'
    path = lesson(tmp_path, mechanics=events, extra=extra)
    path.write_text(path.read_text() + block.format(turn=4, event="energy_price_spike"))
    (note,) = scripted_notes(path, content)
    assert "(2.0% a quarter from turn 0, as it is in events_enabled)" in note
    assert "to have it only when scripted, take it out of events_enabled, or" in note
    # No note when it cannot start at random before its turn, or hardly ever does.
    cases = [
        (events, 'events_enabled = ["recession"]\n', 4),
        (events, 'events_disabled = ["energy_price_spike"]\n', 4),  # as the note says to write
        (events, "event_probability_scale = 0\n", 4),
        (events, "event_probability_scale = 0.1\n", 4),  # 1.6% of seeds
        (events, "", 0),
        ('["spot", "reserved", "service_price"]', "", 4),  # random events off
    ]
    for mechanics, extra, turn in cases:
        path = lesson(tmp_path, mechanics=mechanics, extra=extra)
        path.write_text(path.read_text() + block.format(turn=turn, event="energy_price_spike"))
        assert scripted_notes(path, content) == [], (mechanics, extra, turn)


def test_seats_the_terminal_game_leaves_out_are_noted(tmp_path: Path, content) -> None:
    # A lesson for one team per computer, with a hospital seat for the computer to play and no
    # rival for it: capwars match played three companies, the terminal game two (the
    # hospital seat, without a rival, was offered to a second team and left out), and the
    # check said nothing.
    path = lesson(tmp_path)
    path.write_text(path.read_text() + '\n[[seats]]\nindustry = "hospital"\n')
    (note,) = notes_of(path, content)
    assert note == (
        f"{path}:19: seats[2]: note: seats 1, 3 have no rival. The terminal game gives such"
        " seats to the teams at its keyboard (hot-seat) and leaves out those no team takes: a"
        " team playing alone meets no Hospital network (seat 3), though capwars match plays it"
        " with a bot. To have the computer play it in every game, give it a rival"
        " ('st-aurelia' or 'halden-health' for seat 3), or leave it if teams share one keyboard"
    )
    path.write_text(
        path.read_text().replace(
            'industry = "hospital"', 'industry = "hospital"\nrival = "st-aurelia"'
        )
    )
    assert notes_of(path, content) == []


def test_random_events_that_can_only_hit_what_is_not_in_play_never_start(
    tmp_path: Path, content
) -> None:
    # A lesson with Stratus and Nordhall only, random events on: "TensorPort goes bankrupt"
    # and "Nimbus network outage" could start and fill the news of a market they do not touch.
    # The engine leaves them out; a teacher who listed one in events_enabled is told.
    events = '["spot", "reserved", "service_price", "events"]'
    assert notes_of(lesson(tmp_path, mechanics=events), content) == []  # all on: nothing to say
    extra = 'events_enabled = ["stratus_outage", "nimbus_outage", "energy_price_spike"]\n'
    path = lesson(tmp_path, mechanics=events, extra=extra)
    (note,) = notes_of(path, content)
    assert note == (
        f"{path}:7: events_enabled[1]: note: event 'nimbus_outage' acts only on nimbus, not in"
        " play here: it never starts at random in this scenario (its news would tell of a"
        " market nobody plays in); add what it hits to providers or regions, or drop it"
    )
    assert enabled_events(content, path) == {"stratus_outage", "energy_price_spike"}
    # Every event on, in the same market: none of those that hit only others can start.
    everything = lesson(tmp_path, mechanics=events, extra="event_probability_scale = 3.0\n")
    on = enabled_events(content, everything)
    assert {"stratus_outage", "energy_price_spike"} <= on
    elsewhere = {"neocloud_bankruptcy", "nimbus_outage", "neocloud_power_failure"}
    assert not on & elsewhere
    world, scenario_id = resolve_scenario(content, str(everything))
    fired: set[str] = set()
    for seed in range(12):
        state = run_match(world, scenario_id, seed).state
        fired.update(
            e.id for e, last in zip(state.world.events, state.event_last.tolist()) if last >= 0
        )
    assert fired and not fired & elsewhere


def enabled_events(content, path: Path) -> set[str]:
    """The ids of the events that may start at random in a match of the lesson file."""
    world, scenario_id = resolve_scenario(content, str(path))
    tables = build_world(world, world.scenario(scenario_id))
    return {e.id for e, on in zip(tables.events, tables.event_enabled.tolist()) if on}


def test_events_disabled_takes_random_events_out_and_names_each_once(
    tmp_path: Path, content
) -> None:
    # To keep one scripted event from also starting at random, a teacher had to list the
    # other thirty-odd events in events_enabled.
    events = '["spot", "reserved", "service_price", "events"]'
    every = enabled_events(content, lesson(tmp_path, mechanics=events))
    extra = 'events_disabled = ["energy_price_spike", "stratus_outage"]\n'
    assert enabled_events(content, lesson(tmp_path, mechanics=events, extra=extra)) == every - {
        "energy_price_spike",
        "stratus_outage",
    }
    # With events_enabled too: what it lists, less what events_disabled does; one event in
    # both lists is a problem, as is an unknown id.
    extra = 'events_enabled = ["heat_wave", "recession"]\nevents_disabled = ["recession"]\n'
    with pytest.raises(ContentError) as error:
        enabled_events(content, lesson(tmp_path, mechanics=events, extra=extra))
    assert "events_disabled: 'recession' also in events_enabled: name each event in one" in str(
        error.value.problems[0]
    )
    extra = 'events_disabled = ["energy_spike"]\n'
    with pytest.raises(ContentError) as error:
        enabled_events(content, lesson(tmp_path, mechanics=events, extra=extra))
    assert "events_disabled[0]: unknown event 'energy_spike'" in str(error.value.problems[0])
    assert "did you mean 'energy_price_spike'" in str(error.value.problems[0])
