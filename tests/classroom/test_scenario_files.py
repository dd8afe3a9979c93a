"""Scenario files that live anywhere: ``--scenario path/to/lesson.toml``, checked like content."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.arena.replay import read_replay, verify_replay
from game.cli import main
from game.rules.check import check_scenario_file
from game.rules.loader import (
    ContentError,
    is_scenario_path,
    load_content,
    load_scenario_file,
    resolve_scenario,
)

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
id = "my-lesson"
name = "My lesson"
summary = "Two players, four quarters, a fire at turn 1."
quarters = 4
mechanics = ["spot", "reserved", "service_price", "events"]
providers = ["stratus", "nimbus"]

[[seats]]
industry = "bank"

[[seats]]
industry = "startup"
rival = "loopwise"

[market]
demand = 20.0
demand_growth = 0.05

[[scripted_events]]
turn = 1
event = "stratus_outage"
"""

BROKEN = """\
id = "my-lesson"
name = "My lesson"
summary = "Every kind of mistake at once."
quarters = 6
capacity_multiplyer = 0.5

[[seats]]
industry = "bnak"

[market]
demand = 20.0

[[scripted_events]]
turn = 2
event = "packagng_fire"

[[scripted_events]]
turn = 9
event = "hbm_shortage"

[[predictions]]
turn = 1
question = "Where will the price go?"
provider = "stratos"
"""


@pytest.fixture(scope="module")
def content():
    return load_content()


def write(tmp_path: Path, text: str, name: str = "my_lesson.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_and_paths_are_told_apart() -> None:
    assert not is_scenario_path("tutorial")
    assert not is_scenario_path("grid-queue")
    assert is_scenario_path("lesson.toml")
    assert is_scenario_path("lessons/grid")
    assert is_scenario_path("./x.TOML")


def test_a_scenario_file_is_added_to_the_content(tmp_path: Path, content) -> None:
    path = write(tmp_path, GOOD)
    scenario = load_scenario_file(path, content)
    assert scenario.id == "my-lesson"
    extended, scenario_id = resolve_scenario(content, str(path))
    assert scenario_id == "my-lesson"
    assert extended.scenario("my-lesson") == scenario
    assert len(extended.scenarios) == len(content.scenarios) + 1
    same, same_id = resolve_scenario(content, "tutorial")
    assert same is content and same_id == "tutorial"
    with pytest.raises(KeyError, match="did you mean 'tutorial'"):
        resolve_scenario(content, "tutorail")


def test_every_problem_is_listed_with_line_key_and_suggestion(tmp_path: Path, content) -> None:
    path = write(tmp_path, BROKEN)
    with pytest.raises(ContentError) as caught:
        load_scenario_file(path, content)
    lines = [str(p) for p in caught.value.problems]
    name = str(path)
    expected = [
        f"{name}:5: capacity_multiplyer: unknown key 'capacity_multiplyer'"
        " (did you mean 'capacity_multiplier'?)",
        f"{name}:8: seats[0].industry: unknown industry 'bnak' (did you mean 'bank'?)",
        f"{name}:10: market.demand_growth: missing required key",
        f"{name}:15: scripted_events[0].event: unknown event 'packagng_fire'"
        " (did you mean 'packaging_fire'?)",
        f"{name}:18: scripted_events[1].turn: turn 9 is past the last quarter (5)",
        f"{name}:24: predictions[0].provider: unknown provider 'stratos' (did you mean 'stratus'?)",
    ]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)


def test_a_taken_id_a_missing_file_and_bad_toml(tmp_path: Path, content) -> None:
    taken = write(tmp_path, GOOD.replace('"my-lesson"', '"tutorial"'))
    problems = check_scenario_file(taken)
    assert len(problems) == 1 and "already taken" in problems[0].message
    assert "'tutorial-2'" in problems[0].message
    assert problems[0].line == 1
    # The content's own file is that scenario, not a clash: it checks, and plays by its path.
    own = Path(__file__).resolve().parents[2] / "content" / "scenarios" / "tutorial.toml"
    assert check_scenario_file(own) == []
    assert main(["match", "--scenario", str(own), "--seed", "1", "--json"]) == 0
    missing = check_scenario_file(tmp_path / "nope.toml")
    assert [p.message for p in missing] == ["scenario file not found"]
    bad = write(tmp_path, 'id = "x"\nname = \n', "bad.toml")
    problems = check_scenario_file(bad)
    assert len(problems) == 1 and problems[0].line == 2
    assert "invalid TOML" in problems[0].message


def test_cli_plays_checks_and_verifies_a_scenario_file(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, GOOD)
    replay = tmp_path / "m.jsonl"
    code = main(["match", "--scenario", str(path), "--seed", "3", "--replay", str(replay)])
    assert code == 0
    assert "My lesson (my-lesson)" in capsys.readouterr().out
    assert read_replay(replay).header.scenario == "my-lesson"
    # Verifying needs the file: without it the error says how to pass it.
    assert main(["replay", "verify", str(replay)]) == 2
    assert "--scenario path/to/file.toml" in capsys.readouterr().err
    assert main(["replay", "verify", str(replay), "--scenario", str(path)]) == 0
    assert "OK: 4 quarters" in capsys.readouterr().out
    extended, _ = resolve_scenario(load_content(), str(path))
    assert verify_replay(replay, extended).ok
    # content check in scenario file mode
    assert main(["content", "check", str(path)]) == 0
    assert "scenario OK: my-lesson" in capsys.readouterr().out
    broken = write(tmp_path, BROKEN, "broken.toml")
    assert main(["content", "check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "6 problems in" in out and "did you mean 'packaging_fire'" in out
    assert main(["match", "--scenario", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:8: seats[0].industry" in err and "Traceback" not in err


def test_tournament_and_validate_take_a_scenario_file(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, GOOD)
    out = tmp_path / "t"
    args = ["tournament", "run", "idle", "random", "--scenario", str(path)]
    code = main([*args, "--out", str(out), "-j", "1", "-q"])
    assert code == 0, capsys.readouterr().err
    assert main(["validate", "idle", "--scenario", str(path)]) == 0


def test_play_copies_the_content_with_the_file_last(tmp_path: Path, content) -> None:
    """The terminal UI loads a folder: its content hash is that of --scenario FILE elsewhere, so
    its saves verify and report with the same file."""
    from game.cli import scenario_folder
    from game.rules.loader import content_hash

    path = write(tmp_path, GOOD)
    with scenario_folder(None, str(path)) as (folder, scenario_id):
        assert scenario_id == "my-lesson"
        copied = load_content(folder)
    extended, _ = resolve_scenario(content, str(path))
    assert content_hash(copied) == content_hash(extended)


def test_a_file_saved_with_a_byte_order_mark_or_as_utf16_plays_as_written(
    tmp_path: Path, content, capsys
) -> None:
    # Notepad and other Windows editors save "UTF-8 with BOM" or "Unicode" (UTF-16): before,
    # the first gave "invalid TOML: Invalid statement (column 1)" on a file that looks right,
    # the second "not UTF-8 text", neither saying what to do.
    plain = load_scenario_file(write(tmp_path, GOOD), content)
    for name, data in [
        ("bom.toml", b"\xef\xbb\xbf" + GOOD.encode("utf-8")),
        ("utf16.toml", GOOD.encode("utf-16")),
        ("utf16be.toml", b"\xfe\xff" + GOOD.encode("utf-16-be")),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        assert load_scenario_file(path, content) == plain
        assert main(["content", "check", str(path)]) == 0
        assert "scenario OK: my-lesson" in capsys.readouterr().out


def test_a_file_in_another_encoding_names_the_line_and_how_to_save_it(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "my_lesson.toml"
    text = GOOD.replace('name = "My lesson"', 'name = "Größe zählt"')
    path.write_bytes(text.encode("cp1252"))
    assert main(["content", "check", str(path)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{path}:2: not UTF-8 text (column 11): ")
    assert "probably 'ö'" in first and "save the file as UTF-8" in first


def test_an_empty_file_is_one_problem_that_says_it_is_empty(tmp_path: Path, capsys) -> None:
    # Before: six "missing required key" lines (id, market, name, quarters, seats, summary).
    for text in ["", "\n\n", "# my lesson, to do\n"]:
        path = write(tmp_path, text)
        assert main(["content", "check", str(path)]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith(f"{path}: the file is empty (or holds only comments): ")
        assert out[1:] == [f"1 problem in {path}"]


def test_a_broken_file_that_lists_its_providers_is_checked_not_a_traceback(
    tmp_path: Path, capsys
) -> None:
    # GOOD lists providers = [...]: any mistake in such a file crashed the check (and play,
    # match) with AttributeError: 'types.SimpleNamespace' object has no attribute 'plays'.
    path = write(
        tmp_path,
        GOOD.replace("demand_growth = 0.05\n", "demand_growth = 0.05\ndemnd_noise = 0.1\n"),
    )
    for command in (["content", "check", str(path)], ["match", "--scenario", str(path)]):
        assert main(command) == 1
        out = capsys.readouterr()
        assert (
            f"{path}:18: market.demnd_noise: unknown key 'demnd_noise' (did you mean"
            " 'demand_noise'?)" in out.out + out.err
        )


@pytest.mark.parametrize(
    ("where", "key_path"),
    [
        ("quarters = 4\n", "starting_cash"),  # above the tables: was "did you mean 'start_year'?"
        ("demand_growth = 0.05\n", "market.starting_cash"),  # was "... 'starting_contract'?"
        ('industry = "bank"\n', "seats[0].starting_cash"),  # was "this table takes: industry..."
    ],
)
def test_starting_cash_in_a_scenario_says_it_comes_with_the_industry(
    tmp_path: Path, capsys, where: str, key_path: str
) -> None:
    path = write(tmp_path, GOOD.replace(where, where + "starting_cash = 800\n", 1))
    assert main(["content", "check", str(path)]) == 1
    [problem, _count] = capsys.readouterr().out.splitlines()
    message = problem.split(f": {key_path}: ", 1)[1]
    assert message.startswith(
        "unknown key 'starting_cash': the starting cash comes with each seat's industry, not the"
        " scenario (bank $1,500M cash, startup $150M, ...: see 'Players and industries'"
    )
    assert "did you mean" not in message
    assert message.endswith(
        "change the industry in its industries.toml and play with --content DIR"
    )


def test_a_missing_table_is_named_as_a_table_with_its_required_keys(tmp_path: Path, capsys) -> None:
    no_market = GOOD.replace("[market]\ndemand = 20.0\ndemand_growth = 0.05\n", "")
    no_seats = GOOD.replace('[[seats]]\nindustry = "bank"\n\n', "").replace(
        '[[seats]]\nindustry = "startup"\nrival = "loopwise"\n\n', ""
    )
    for text, expected in [
        (
            no_market,
            "market: missing required table [market]: add a [market] table (required keys:"
            " demand, demand_growth)",
        ),
        (
            no_seats,
            "seats: missing required [[seats]] tables: add at least one [[seats]] table"
            " (required keys: industry)",
        ),
    ]:
        path = write(tmp_path, text)
        assert main(["content", "check", str(path)]) == 1
        assert capsys.readouterr().out.splitlines()[0] == f"{path}: {expected}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A quarter written as a date where a turn belongs: was "e.g. turn = 8 (got '2027 Q3')"
        # and, for a TOML date, "Input should be a valid integer".
        (
            "turn = 1\n",
            'turn = "2027 Q3"\n',
            "scripted_events[0].turn: must be a whole number, not a date (got 2027 Q3): a turn"
            " counts quarters from 0, and this scenario starts 2027 Q1 (turn 0), so 2027 Q3 is"
            " turn = 2",
        ),
        (
            "turn = 1\n",
            "turn = 2028-01-15\n",
            "scripted_events[0].turn: must be a whole number, not a date (got 2028-01-15): a turn"
            " counts quarters from 0, and this scenario starts 2027 Q3 (turn 0), so 2028 Q1 is"
            " turn = 2",
        ),
        (
            "quarters = 4\n",
            "quarters = 4\nstart_year = 2027-07-01\n",
            "start_year: must be a whole number, not a date (got 2027-07-01): write"
            " start_year = 2027 and start_quarter = 3",
        ),
        # A date before the start was told "so 2026 Q2 is turn = -3", a turn the key refuses.
        (
            "turn = 1\n",
            "turn = 2026-04-01\n",
            "scripted_events[0].turn: must be a whole number, not a date (got 2026-04-01): a turn"
            " counts quarters from 0, and this scenario starts 2027 Q1 (turn 0), so 2026 Q2 is"
            " before it starts: write a turn from 0, or start the scenario earlier (start_year,"
            " start_quarter)",
        ),
        # Was "e.g. start_quarter = 8", a value the key refuses.
        (
            "quarters = 4\n",
            'quarters = 4\nstart_quarter = "Q2"\n',
            "start_quarter: must be a whole number from 1 to 4: write start_quarter = 2",
        ),
        (
            "quarters = 4\n",
            'quarters = 4\nstart_quarter = "spring"\n',
            "start_quarter: must be a whole number without quotes, e.g. start_quarter = 4"
            " (got 'spring')",
        ),
    ],
)
def test_a_date_where_a_number_belongs_says_which_number(
    tmp_path: Path, capsys, old: str, new: str, expected: str
) -> None:
    text = GOOD.replace(old, new, 1)
    if "2028-01-15" in new:
        text = text.replace("quarters = 4\n", "quarters = 4\nstart_quarter = 3\n")
    path = write(tmp_path, text)
    assert main(["content", "check", str(path)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split(": ", 1)[1] == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Was "ids are lower-case letters ...: e.g. 'packaging-fire'": an id that does not
        # exist either, so following the advice gave a second round of checking.
        (
            'event = "stratus_outage"',
            'event = "Stratus outage"',
            "scripted_events[0].event: unknown event 'Stratus outage' (did you mean"
            " 'stratus_outage'?)",
        ),
        (
            'event = "stratus_outage"',
            'event = "Fire at an advanced-packaging plant."',
            "scripted_events[0].event: unknown event 'Fire at an advanced-packaging plant.':"
            " write its id, 'packaging_fire' (Fire at an advanced-packaging plant)",
        ),
        (
            'industry = "startup"',
            'industry = "Industrial conglomerate"',
            "seats[1].industry: unknown industry 'Industrial conglomerate' (did you mean"
            " 'conglomerate'?)",
        ),
        # Was "unknown rival 'bullwhip'" and a note that the file was checked against the
        # game's content, as if it were written for another world.
        (
            'rival = "loopwise"',
            'rival = "bullwhip"',
            "seats[1].rival: unknown rival 'bullwhip': 'bullwhip' is an archetype; a seat names a"
            " rival, and these play it: ministry-of-data, loopwise",
        ),
    ],
)
def test_a_name_written_for_an_id_says_which_id(
    tmp_path: Path, capsys, old: str, new: str, expected: str
) -> None:
    path = write(tmp_path, GOOD.replace(old, new, 1))
    assert main(["content", "check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].split(": ", 1)[1] == expected
    assert out[1:] == [f"1 problem in {path}"]
