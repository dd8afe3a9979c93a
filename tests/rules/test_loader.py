"""The loader reports every problem of every file, each at its file, line and key path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from game.cli import main
from game.rules.bundle import TABLE_MODELS
from game.rules.loader import ContentError, Problem, content_hash, load_content
from game.rules.models import Content

if TYPE_CHECKING:  # the fixture comes from conftest.py; the class is only a type here
    from tests.rules.conftest import ContentFolder


def test_minimal_content_loads(folder: ContentFolder) -> None:
    content = load_content(folder.root)
    assert [p.id for p in content.providers] == ["stratus"]
    assert content.scenario("intro").seats[1].rival == "acme"
    assert content.technologies[0].effects[0].kind == "efficiency"


def test_content_hash_changes_with_the_content(folder: ContentFolder) -> None:
    before = content_hash(load_content(folder.root))
    assert content_hash(load_content(folder.root)) == before
    folder.replace("world.toml", "list_price = 8.0", "list_price = 9.0")
    assert content_hash(load_content(folder.root)) != before


def test_a_matchs_content_hash_covers_only_what_the_simulation_reads() -> None:
    from game.rules.loader import WORDS_ONLY, match_content_hash, with_scenario

    content = load_content()
    before = match_content_hash(content, "tutorial")
    tutorial = content.scenario("tutorial")

    def swap(scenario):  # the content with this scenario in place of its own
        others = tuple(s for s in content.scenarios if s.id != scenario.id)
        return content.model_copy(update={"scenarios": (*others, scenario)})

    # Words only people read, another scenario, a new scenario, the glossary: unchanged.
    reworded = tutorial.model_copy(update={"description": "new words", "discussion": ("Why?",)})
    assert {"description", "discussion"} <= WORDS_ONLY
    assert match_content_hash(swap(reworded), "tutorial") == before
    standard = content.scenario("standard").model_copy(update={"quarters": 20})
    assert match_content_hash(swap(standard), "tutorial") == before
    extra = tutorial.model_copy(update={"id": "tutorial-copy"})
    assert match_content_hash(with_scenario(content, extra), "tutorial") == before
    assert match_content_hash(content.model_copy(update={"glossary": ()}), "tutorial") == before
    # What the simulation reads: changed.
    shorter = tutorial.model_copy(update={"quarters": 7})
    assert match_content_hash(swap(shorter), "tutorial") != before
    cheaper = content.providers[0].model_copy(update={"list_price": 1.0})
    providers = (cheaper, *content.providers[1:])
    assert match_content_hash(content.model_copy(update={"providers": providers}), "tutorial") != (
        before
    )


def test_problem_reads_file_line_path_message() -> None:
    problem = Problem("world.toml", 12, "providers[stratus].list_price", "must be > 0")
    assert str(problem) == "world.toml:12: providers[stratus].list_price: must be > 0"
    assert str(Problem("world.toml", None, "", "not UTF-8 text")) == "world.toml: not UTF-8 text"


def test_content_error_lists_every_problem(folder: ContentFolder) -> None:
    folder.replace("world.toml", "growth = 0.05", 'growth = "fast"')
    folder.replace("hardware.toml", "perf = 1.0", "perf = -1.0")
    with pytest.raises(ContentError) as caught:
        load_content(folder.root)
    assert [p.path for p in caught.value.problems] == [
        "chips[h100].perf",
        "providers[stratus].growth",
    ]
    assert "hardware.toml" in str(caught.value) and "world.toml" in str(caught.value)


def test_malformed_toml_is_reported_at_its_line(folder: ContentFolder) -> None:
    folder.replace("world.toml", "growth = 0.05", "growth = = 0.05")
    problem = folder.only_problem()
    assert (problem.file, problem.line) == ("world.toml", folder.line_of("world.toml", "= ="))
    assert problem.message.startswith("invalid TOML (column 10): the value is not one TOML knows")
    assert problem.message.endswith("(the parser says: Invalid value)")


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        (
            'name = "Stratus"',
            "name = \u201cStratus\u201d",
            'curly quotes \u201c \u201d are not TOML quotes: use straight quotes "',
        ),
        ("growth = 0.05", "growth = 0.05\ngrowth = 0.06", "this key is set twice (first on line"),
        ('name = "Stratus"', 'name = "Stratus', "a string is not closed on this line"),
        ('name = "Stratus"', "name = 'Stratus", "a string is not closed on this line"),
        ("[[providers]]", "[[providers]", "a [[list]] header ends with two brackets"),
        ('regions = ["us-east"]', 'regions = ["us-east"\n  "x"]', "a comma is missing"),
        ("growth = 0.05", "growth 0.05", "write key = value: the = is missing"),
        ("growth = 0.05", "growth = 0,05", "a decimal number takes a point (1.5, not 1,5)"),
        ("growth = 0.05", "sovereign = True", "true and false are written in lower case"),
        # Was only "one key = value per line; a decimal number takes a point ...".
        (
            "growth = 0.05",
            "growth = 5%",
            "a percentage is written as a share, without the % sign: growth = 0.05 for 5%",
        ),
        (
            "starting_capacity = 100.0",
            "starting_capacity = 100 kGPU",
            "write the number alone, without its unit: starting_capacity = 100",
        ),
    ],
)
def test_toml_syntax_errors_get_a_plain_language_hint(
    folder: ContentFolder, old: str, new: str, hint: str
) -> None:
    folder.replace("world.toml", old, new)
    # A file that does not parse hides its items: other files may then name unknown ids.
    [problem] = [p for p in folder.problems() if p.file == "world.toml"]
    assert problem.message.startswith("invalid TOML"), problem.message
    assert hint in problem.message, problem.message
    assert "(the parser says: " in problem.message
    if "set twice" in hint:
        first = folder.line_of("world.toml", "growth = 0.05")
        assert problem.line == folder.line_of("world.toml", "growth = 0.06")
        assert f"(first on line {first})" in problem.message
    elif "not closed" in hint or "curly" in hint:
        assert problem.line == folder.line_of("world.toml", "Stratus")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "starting_capacity = 100.0",
            'starting_capacity = "100"',
            "must be a number without quotes: write starting_capacity = 100,"
            ' not starting_capacity = "100"',
        ),
        (
            "grid_queue_quarters = 4",
            "grid_queue_quarters = 4.0",
            "must be a whole number: write grid_queue_quarters = 4, not grid_queue_quarters = 4.0",
        ),
        (
            "grid_queue_quarters = 4",
            'grid_queue_quarters = "4"',
            "must be a whole number without quotes: write grid_queue_quarters = 4,"
            ' not grid_queue_quarters = "4"',
        ),
        (
            "grid_queue_quarters = 4",
            "grid_queue_quarters = 4.5",
            "must be a whole number (got 4.5)",
        ),
        ("growth = 0.05", "growth = true", "must be a number, not true or false"),
    ],
)
def test_numbers_must_be_written_as_numbers(
    folder: ContentFolder, old: str, new: str, message: str
) -> None:
    """Pydantic alone reads "100" as 100.0 and 4.0 as 4: the loader refuses both."""
    folder.replace("world.toml", old, new)
    problem = folder.only_problem()
    assert problem.message == message
    assert problem.line == folder.line_of("world.toml", new)


def test_numbers_in_a_scenario_and_in_a_list(folder: ContentFolder) -> None:
    folder.replace("scenarios/intro.toml", "quarters = 8", 'quarters = "8"')
    folder.replace(
        "scenarios/intro.toml",
        "demand = 50.0",
        'demand = 50.0\nreserved_discounts = [0.3, "0.4", 0.5]',
    )
    messages = {p.path: p.message for p in folder.problems()}
    assert messages == {
        "quarters": 'must be a whole number without quotes: write quarters = 8, not quarters = "8"',
        "market.reserved_discounts[1]": 'must be a number without quotes: write 0.4, not "0.4"',
    }


def test_a_bad_id_says_what_an_id_is(folder: ContentFolder) -> None:
    folder.replace("world.toml", 'id = "stratus"', 'id = "Stratus Cloud"')
    problems = {p.path: p.message for p in folder.problems()}
    assert problems["providers[Stratus Cloud].id"] == (
        "ids are lower-case letters, digits, - and _, starting with a letter or digit:"
        " e.g. 'stratus-cloud' (got 'Stratus Cloud')"
    )


def test_malformed_toml_does_not_hide_problems_in_other_files(folder: ContentFolder) -> None:
    folder.replace("world.toml", 'name = "Stratus"', 'name = "Stratus')
    folder.replace("industries.toml", "credit_limit = 50.0", "credit_limt = 50.0")
    files = sorted({p.file for p in folder.problems()})
    assert files == ["industries.toml", "world.toml"]


def test_unknown_key_suggests_the_field_it_resembles(folder: ContentFolder) -> None:
    folder.replace("world.toml", "list_price = 8.0", "lst_price = 8.0")
    problems = {p.path: p for p in folder.problems()}
    typo = problems["providers[stratus].lst_price"]
    assert typo.message == "unknown key 'lst_price' (did you mean 'list_price'?)"
    assert (typo.file, typo.line) == ("world.toml", folder.line_of("world.toml", "lst_price"))
    missing = problems["providers[stratus].list_price"]
    assert missing.message == (
        "missing required key: on-demand list price per kGPU-quarter, $M; reserved prices"
        " discount it"
    )
    assert missing.line == folder.line_of("world.toml", "[[providers]]")


def test_unknown_key_in_an_inline_table_suggests_from_its_own_model(
    folder: ContentFolder,
) -> None:
    folder.replace("research.toml", "multiplier = 1.2", "multipler = 1.2")
    problems = {p.path: p for p in folder.problems()}
    typo = problems["technologies[batching].effects[0].multipler"]
    assert typo.message == "unknown key 'multipler' (did you mean 'multiplier'?)"
    assert typo.line == folder.line_of("research.toml", "multipler")


def test_unknown_key_in_a_scenario_table(folder: ContentFolder) -> None:
    folder.replace("scenarios/intro.toml", "demand_growth = 0.05", "demand_grwth = 0.05")
    problems = {p.path: p for p in folder.problems()}
    typo = problems["market.demand_grwth"]
    assert typo.file == "scenarios/intro.toml"
    assert typo.line == folder.line_of("scenarios/intro.toml", "demand_grwth")
    assert typo.message == "unknown key 'demand_grwth' (did you mean 'demand_growth'?)"


def test_top_level_scenario_key_written_after_a_table_gets_a_hint(folder: ContentFolder) -> None:
    folder.append("scenarios/intro.toml", 'discussion = ["Why?"]\n')
    problem = folder.only_problem()
    assert problem.path == "scripted_events[0].discussion"
    assert "top-level key: move it above the first [table] header" in problem.message


def test_unknown_array_in_a_table_file_suggests_the_kind(folder: ContentFolder) -> None:
    folder.append("world.toml", '[[provders]]\nid = "nimbus"\n')
    problem = folder.only_problem()
    assert problem.path == "provders"
    assert problem.message == "unknown key 'provders' (did you mean 'providers'?)"
    assert problem.line == folder.line_of("world.toml", "[[provders]]")


def test_a_single_table_where_an_array_belongs(folder: ContentFolder) -> None:
    folder.write("more.toml", '[vendors]\nid = "amd"\nname = "AMD"\nbase_lead = 2\n')
    problem = folder.only_problem()
    assert (problem.file, problem.line, problem.path) == ("more.toml", 1, "vendors")
    assert "write [[vendors]]" in problem.message


def test_scenarios_in_a_table_file_are_pointed_to_their_folder(folder: ContentFolder) -> None:
    folder.append("events.toml", '[[scenarios]]\nid = "x"\n')
    assert "scenarios/*.toml" in folder.only_problem().message


def test_wrong_type_names_the_key_and_the_value(folder: ContentFolder) -> None:
    folder.replace("world.toml", "starting_capacity = 100.0", 'starting_capacity = "lots"')
    problem = folder.only_problem()
    assert problem.path == "providers[stratus].starting_capacity"
    assert problem.line == folder.line_of("world.toml", "starting_capacity")
    assert problem.message == (
        "must be a number without quotes, e.g. starting_capacity = 0.5 (got 'lots')"
    )


def test_value_out_of_range(folder: ContentFolder) -> None:
    folder.replace("world.toml", "reliability = 0.95", "reliability = 1.5")
    problem = folder.only_problem()
    assert problem.path == "providers[stratus].reliability"
    assert "less than or equal to 1" in problem.message


def test_model_rule_across_keys_is_reported_at_the_item(folder: ContentFolder) -> None:
    folder.replace("world.toml", "spot_floor = 4.0", "spot_floor = 9.0")
    problem = folder.only_problem()
    assert problem.path == "providers[stratus]"
    # The two values are named, so the writer sees which one to change without opening the file.
    assert problem.message.startswith(
        "spot_floor must be below list_price (spot_floor = 9, list_price = 8)"
    )
    assert problem.line == folder.line_of("world.toml", "[[providers]]")


def test_missing_required_key_points_at_its_table(folder: ContentFolder) -> None:
    folder.replace("world.toml", "power_price = 60.0\n", "")
    problem = folder.only_problem()
    assert (problem.path, problem.message) == (
        "regions[us-east].power_price",
        "missing required key: electricity, $/MWh",
    )
    assert problem.line == folder.line_of("world.toml", "[[regions]]")


def test_unknown_effect_kind_suggests_a_kind(folder: ContentFolder) -> None:
    folder.replace("research.toml", 'kind = "efficiency"', 'kind = "eficiency"')
    problem = folder.only_problem()
    assert problem.path == "technologies[batching].effects[0].kind"
    assert problem.message == "unknown kind 'eficiency' (did you mean 'efficiency'?)"


def test_unknown_literal_value_suggests_an_allowed_one(folder: ContentFolder) -> None:
    folder.replace("events.toml", '"provider.outage"', '"provider.outag"')
    problem = folder.only_problem()
    assert problem.path == "events[outage].effects[0].target"
    assert problem.message == "'provider.outag' is not allowed (did you mean 'provider.outage'?)"
    assert problem.line == folder.line_of("events.toml", "provider.outag")


def test_union_value_reports_only_the_member_it_was_meant_for(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', 'select = ["Stratus"]')
    problem = folder.only_problem()
    assert problem.path == "events[outage].effects[0].select[0]"
    assert problem.message.startswith("ids are lower-case letters, digits, - and _")
    assert "e.g. 'stratus' (got 'Stratus')" in problem.message


def test_failed_items_do_not_leave_a_too_short_echo(folder: ContentFolder) -> None:
    folder.replace("research.toml", "multiplier = 1.2", "multiplier = 9.0")
    problem = folder.only_problem()
    assert problem.path == "technologies[batching].effects[0].multiplier"


def test_duplicate_id_names_the_first_definition(folder: ContentFolder) -> None:
    folder.write("more.toml", '[[industries]]\nid = "startup"\nname = "Again"\n')
    problems = [p for p in folder.problems() if "duplicate" in p.message]
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line) == ("more.toml", 2)
    assert problems[0].message == (
        "duplicate industry id 'startup' (also at industries.toml:2): give one of the two another"
        " id"
    )


def test_duplicate_scenario_ids_across_files(folder: ContentFolder) -> None:
    folder.write("scenarios/again.toml", folder.read("scenarios/intro.toml"))
    problem = folder.only_problem()
    assert problem.file == "scenarios/intro.toml"  # files load in name order: again, intro
    assert "duplicate scenario id 'intro' (also at scenarios/again.toml:1)" in problem.message


def test_content_check_names_both_copies_of_a_duplicate_under_the_folder_typed(
    folder: ContentFolder, capsys, monkeypatch
) -> None:
    # Before: "mycontent/scenarios/intro.toml:1: ... (also at scenarios/again.toml:1)": the
    # second file could not be opened from where the check was run.
    folder.write("scenarios/again.toml", folder.read("scenarios/intro.toml"))
    monkeypatch.chdir(folder.root.parent)
    assert main(["content", "check", "content"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(
        f"{Path('content', 'scenarios', 'intro.toml')}:1: id: duplicate scenario id 'intro'"
        f" (also at {Path('content', 'scenarios', 'again.toml')}:1): "
    )


def test_required_array_with_no_items(folder: ContentFolder) -> None:
    folder.write("industries.toml", "# none yet\n")
    problems = [p for p in folder.problems() if p.path == "industries"]
    assert [p.message for p in problems] == [
        "no industries defined: add a [[industries]] table to a .toml file"
    ]


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "nowhere")
    assert [p.message for p in caught.value.problems] == ["content folder not found"]


def test_editor_lock_files_are_ignored(folder: ContentFolder) -> None:
    folder.write(".#world.toml", "this is not toml")
    assert folder.problems() == []


def test_table_models_cover_every_array_of_the_bundle() -> None:
    assert [*TABLE_MODELS, "scenarios"] == list(Content.model_fields)


def test_select_written_as_a_table_is_reported_at_select(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', "select = { id = 1 }")
    problems = folder.problems()
    assert {p.path for p in problems} == {"events[outage].effects[0].select"}
