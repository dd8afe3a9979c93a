"""Mistakes a content designer makes, and messages that say how to fix them from the line alone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import pytest

from game.rules.check import run_scenario_check
from game.rules.paths import resolve_content_dir

if TYPE_CHECKING:  # the fixture comes from conftest.py; the class is only a type here
    from tests.rules.conftest import ContentFolder

HEADLINE = 'headline = "Stratus is down for {duration} quarter"'


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        (
            'headline = "Stratus down {percent}% for {duration} quarters"',
            "unknown placeholder {percent} (did you mean 'pct'?): the headline may use {pct}",
        ),
        (
            'headline = "Stratus down for {duration quarters"',
            "a { or } without its partner: the headline may use {pct} and {duration}",
        ),
    ],
)
def test_an_event_headline_with_a_wrong_placeholder_is_refused(
    folder: ContentFolder, headline: str, expected: str
) -> None:
    # Before, the headline was accepted and players read "{percent}%" and "{duration}" verbatim.
    folder.replace("events.toml", HEADLINE, headline)
    problem = folder.only_problem()
    assert problem.path == "events[outage].headline"
    assert problem.line == folder.line_of("events.toml", "headline =")
    assert problem.message.startswith(expected)


def test_an_event_headline_with_the_two_placeholders_and_literal_braces_is_fine(
    folder: ContentFolder,
) -> None:
    folder.replace(
        "events.toml", HEADLINE, 'headline = "Down {pct}% for {duration} quarters {{sic}}"'
    )
    folder.replace("events.toml", 'op = "set"', 'op = "add"')  # {pct} needs a percentage
    assert folder.problems() == []


def test_a_share_written_as_a_percentage_says_to_write_the_fraction(folder: ContentFolder) -> None:
    folder.replace("world.toml", "reliability = 0.95", "reliability = 95")
    problem = folder.only_problem()
    assert problem.path == "providers[stratus].reliability"
    assert problem.message == (
        "Input should be less than or equal to 1 (got 95): a share from 0 to 1, so write 0.95"
        " for 95%; chance of a quarter without an outage"
    )


def test_a_value_out_of_range_names_the_unit_of_its_key(folder: ContentFolder) -> None:
    folder.replace("hardware.toml", "power_kw = 1.2", "power_kw = 1200")
    problem = folder.only_problem()
    assert problem.message.endswith("(got 1200); kW per unit with its share of the facility")


@pytest.mark.parametrize(
    ("file", "old", "new", "path", "unit"),
    [
        # Dollars per card instead of $M per thousand cards: 1,000 times too dear, and accepted.
        ("hardware.toml", "price = 30.0", "price = 30000", "chips[h100].price", "30 is $30k"),
        # Dollars instead of $M: a start-up with $100 billion.
        (
            "industries.toml",
            "starting_cash = 100.0",
            "starting_cash = 100000000",
            "industries[startup].starting_cash",
            "1500 is $1.5B",
        ),
        # A research programme priced in dollars: $20 trillion, and accepted.
        (
            "research.toml",
            "cost = 20.0",
            "cost = 20000000",
            "technologies[batching].cost",
            "120 is $120M",
        ),
        # A credit line in dollars: accepted, and the start-up could borrow $50 trillion.
        (
            "industries.toml",
            "credit_limit = 50.0",
            "credit_limit = 50000000",
            "industries[startup].credit_limit",
            "1200 is $1.2B",
        ),
    ],
)
def test_money_in_dollars_instead_of_millions_is_refused(
    folder: ContentFolder, file: str, old: str, new: str, path: str, unit: str
) -> None:
    folder.replace(file, old, new)
    problem = folder.only_problem()
    assert problem.path == path
    assert "Input should be less than or equal to" in problem.message
    assert unit in problem.message


def test_an_unknown_key_of_a_small_table_lists_the_keys_it_takes(folder: ContentFolder) -> None:
    # "value" is what events call it; a technology's efficiency effect calls it "multiplier".
    folder.replace("research.toml", "multiplier = 1.2", "value = 1.2")
    messages = {p.path: p.message for p in folder.problems()}
    assert messages == {
        "technologies[batching].effects[0].multiplier": (
            "missing required key: multiplier on demand served per kGPU of inference capacity"
            " (above 1)"
        ),
        "technologies[batching].effects[0].value": (
            "unknown key 'value' (this table takes: kind, multiplier)"
        ),
    }


def test_an_effect_parameter_out_of_range_says_what_it_means(folder: ContentFolder) -> None:
    folder.replace("research.toml", "multiplier = 1.2", "multiplier = 0.8")
    problem = folder.only_problem()
    assert problem.message == (
        "Input should be greater than 1 (got 0.8); multiplier on demand served per kGPU of"
        " inference capacity (above 1)"
    )


def test_a_scenario_for_another_world_checked_without_content_says_what_it_was_checked_against(
    folder: ContentFolder, tmp_path: Path
) -> None:
    # The designer's folder has a provider the game's own content lacks; the scenario names it.
    lesson = tmp_path / "lesson.toml"
    text = folder.read("scenarios/intro.toml").replace('id = "intro"', 'id = "lesson"')
    lesson.write_text(text.replace("quarters = 8", 'quarters = 8\nproviders = ["stratus"]'))
    folder.replace("world.toml", 'id = "stratus"', 'id = "cumulus"')
    folder.replace("events.toml", 'select = "stratus"', 'select = "cumulus"')
    folder.replace("scenarios/intro.toml", 'events_enabled = ["outage"]', "")
    lesson.write_text(lesson.read_text().replace('["stratus"]', '["cumulus"]'))
    assert run_scenario_check(lesson, folder.root, out=io.StringIO()) == 0

    out = io.StringIO()
    assert run_scenario_check(lesson, None, out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"{lesson}:5: providers[0]: unknown provider 'cumulus' (this content has: azimuth,"
        " bluefin, ironlattice, nimbus, nordhall, stratus, tensorport)"
    )
    assert lines[-1] == (
        f"(checked against the content folder {resolve_content_dir(None)}: a scenario for a"
        " content folder of your own is checked with --content DIR)"
    )


def test_a_scenario_with_a_typo_checked_with_content_gets_no_content_hint(
    folder: ContentFolder, tmp_path: Path
) -> None:
    lesson = tmp_path / "lesson.toml"
    text = folder.read("scenarios/intro.toml").replace('id = "intro"', 'id = "lesson"')
    lesson.write_text(text.replace('industry = "startup"\n\n', 'industry = "startp"\n\n', 1))
    out = io.StringIO()
    assert run_scenario_check(lesson, folder.root, out=out) == 1
    assert out.getvalue().splitlines()[-1] == f"1 problem in {lesson}"


def test_a_misspelt_rival_archetype_is_refused(folder: ContentFolder) -> None:
    # Before, "hoardr" passed the check and the rival quietly played the balanced bot.
    folder.replace("rivals.toml", 'archetype = "balanced"', 'archetype = "hoardr"')
    problem = folder.only_problem()
    assert problem.path == "rivals[acme].archetype"
    assert problem.message == "'hoardr' is not allowed (did you mean 'hoarder'?)"


def test_the_archetypes_content_accepts_are_the_bots_that_play_them() -> None:
    from game.agents.rivals import ARCHETYPES
    from game.rules.models import RivalArchetype

    assert set(get_args(RivalArchetype)) == {"balanced", *ARCHETYPES}


def test_an_event_whose_turn_window_is_empty_is_refused(folder: ContentFolder) -> None:
    folder.replace(
        "events.toml", "probability = 0.01", "probability = 0.01\nmin_turn = 6\nmax_turn = 2"
    )
    problem = folder.only_problem()
    assert problem.path == "events[outage]"
    assert problem.message.startswith("min_turn (6) is after max_turn (2): the event could never")


def test_a_typo_of_a_known_id_checked_without_content_gets_no_content_hint(tmp_path: Path) -> None:
    # A teacher's lesson for the game's own world: the did-you-mean is the whole answer.
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        'id = "lesson"\nname = "L"\nsummary = "s"\nquarters = 4\n'
        '[market]\ndemand = 20.0\ndemand_growth = 0.05\n[[seats]]\nindustry = "bnak"\n'
    )
    out = io.StringIO()
    assert run_scenario_check(lesson, None, out=out) == 1
    assert out.getvalue().splitlines() == [
        f"{lesson}:9: seats[0].industry: unknown industry 'bnak' (did you mean 'bank'?)",
        f"1 problem in {lesson}",
    ]


def test_an_effect_that_selects_an_id_of_another_kind_says_which_kind_it_is(
    folder: ContentFolder,
) -> None:
    # "stratus" is a provider; region.power_price acts on regions.
    folder.replace(
        "events.toml",
        '{ target = "provider.outage", select = "stratus", op = "set", value = 1.0 }',
        '{ target = "region.power_price", select = "stratus", op = "mul", value = 1.5 }',
    )
    problem = folder.only_problem()
    assert problem.path == "events[outage].effects[0].select"
    assert problem.message == (
        "unknown region 'stratus': 'stratus' is a provider, and region.power_price selects"
        " regions (pick a target that acts on providers, or name regions)"
    )


def add_region_no_provider_serves(folder: ContentFolder) -> None:
    folder.append(
        "world.toml",
        '[[regions]]\nid = "eu"\nname = "EU"\npower_price = 50.0\ngrid_queue_quarters = 4\n'
        "interconnect_mw_per_quarter = 50.0\n",
    )
    folder.replace("hardware.toml", 'regions = ["us-east"]', 'regions = ["us-east", "eu"]')
    assert folder.problems() == []


def test_a_listed_provider_that_serves_none_of_the_regions_is_refused(
    folder: ContentFolder,
) -> None:
    # Before, it silently dropped out of the match.
    add_region_no_provider_serves(folder)
    folder.replace(
        "scenarios/intro.toml",
        "quarters = 8",
        'quarters = 8\nproviders = ["stratus"]\nregions = ["eu"]',
    )
    problem = folder.only_problem()
    assert (problem.file, problem.path) == ("scenarios/intro.toml", "providers[0]")
    assert problem.message == (
        "provider 'stratus' serves none of this scenario's regions (eu), so it would not be in"
        " play: add one of its regions (us-east) to regions, or drop it from providers"
    )


def test_regions_that_no_provider_serves_are_refused(folder: ContentFolder) -> None:
    # Before, the match played with no provider at all: every team served nothing.
    add_region_no_provider_serves(folder)
    folder.replace("scenarios/intro.toml", "quarters = 8", 'quarters = 8\nregions = ["eu"]')
    problem = folder.only_problem()
    assert problem.path == "regions"
    assert problem.line == folder.line_of("scenarios/intro.toml", "regions = ")
    assert problem.message.startswith(
        "no provider serves any of this scenario's regions (eu): the match would have no cloud"
    )


def test_a_misspelt_region_is_one_problem_not_two(folder: ContentFolder) -> None:
    # Before, the typo came with "no provider serves any of this scenario's regions (none)",
    # a second problem that only echoed the first and named no region.
    folder.replace("scenarios/intro.toml", "quarters = 8", 'quarters = 8\nregions = ["us-eats"]')
    problem = folder.only_problem()
    assert (problem.path, problem.message) == (
        "regions[0]",
        "unknown region 'us-eats' (did you mean 'us-east'?)",
    )


CUSTOM_CHIP = """\
[[foundries]]
id = "formosa"
name = "Formosa"
slots_per_quarter = 10.0

[[chips]]
id = "asic"
name = "Our ASIC"
vendor = "formosa"
generation = 1
perf = 2.0
power_kw = 1.0
price = 15.0
output_per_quarter = 5.0
custom = true
"""


def test_a_custom_chip_no_technology_unlocks_is_refused(folder: ContentFolder) -> None:
    # Before, it passed the check and no player could ever order it.
    folder.append("hardware.toml", CUSTOM_CHIP)
    problem = folder.only_problem()
    assert (problem.path, problem.line) == (
        "chips[asic].custom",
        folder.line_of("hardware.toml", "custom = true"),
    )
    assert problem.message == (
        "no technology unlocks custom chip 'asic', so it can never be ordered: give a technology"
        ' the effect { kind = "unlock_sku", sku = "asic" }'
    )
    folder.replace(
        "research.toml",
        '{ kind = "efficiency", multiplier = 1.2 }',
        '{ kind = "efficiency", multiplier = 1.2 }, { kind = "unlock_sku", sku = "asic" }',
    )
    assert folder.problems() == []


def test_an_unlocking_technology_that_failed_validation_does_not_orphan_its_chip(
    folder: ContentFolder,
) -> None:
    folder.append("hardware.toml", CUSTOM_CHIP)
    folder.replace(
        "research.toml",
        '{ kind = "efficiency", multiplier = 1.2 }',
        '{ kind = "efficiency", multiplier = 0.5 }, { kind = "unlock_sku", sku = "asic" }',
    )
    assert [p.path for p in folder.problems()] == ["technologies[batching].effects[0].multiplier"]


def test_a_chip_from_a_foundry_must_be_custom(folder: ContentFolder) -> None:
    folder.append("hardware.toml", CUSTOM_CHIP.replace("custom = true\n", ""))
    problem = folder.only_problem()
    assert problem.path == "chips[asic].vendor"
    assert problem.message.startswith("'formosa' is a foundry, which makes only custom chips")


def test_single_bracket_headers_give_one_syntax_error_not_a_cascade(folder: ContentFolder) -> None:
    # [providers] twice is not TOML; the ids under it are still guessed, so the events and
    # scenarios that name them are not also reported as naming unknown providers.
    text = folder.read("world.toml")
    provider = text[text.index("[[providers]]") :]
    folder.write("world.toml", text.replace("[[providers]]", "[providers]"))
    folder.append(
        "world.toml",
        provider.replace("[[providers]]", "[providers]").replace('"stratus"', '"nimbus"'),
    )
    problem = folder.only_problem()
    assert problem.file == "world.toml"
    assert problem.message.startswith("invalid TOML (column ")
    assert "this [table] is declared twice" in problem.message


def test_a_scripted_event_that_acts_only_on_what_is_not_in_play_is_refused(
    folder: ContentFolder,
) -> None:
    # Before, the class read "Stratus is down" and nothing changed: no provider but nimbus played.
    text = folder.read("world.toml")
    provider = text[text.index("[[providers]]") :]
    folder.append("world.toml", provider.replace('"stratus"', '"nimbus"'))
    folder.replace("scenarios/intro.toml", "quarters = 8", 'quarters = 8\nproviders = ["nimbus"]')
    problem = folder.only_problem()
    assert problem.path == "scripted_events[0].event"
    assert problem.message == (
        "event 'outage' acts only on stratus, not in play in this scenario: it would make the"
        " news and change nothing; add them to the scenario's providers or regions, or script"
        " another event"
    )
    # Selected by a tag that a provider in play has, it acts.
    folder.replace("events.toml", 'select = "stratus"', 'select = "tag:big"')
    assert folder.problems() == []


def test_pct_in_a_headline_whose_first_effect_is_not_a_percentage_is_refused(
    folder: ContentFolder,
) -> None:
    # The fixture's event sets provider.outage to 1.0: "{pct}" would have printed "100%".
    folder.replace("events.toml", HEADLINE, 'headline = "Stratus down {pct}% for {duration}"')
    problem = folder.only_problem()
    assert problem.path == "events[outage]"
    assert problem.message == (
        "the headline's {pct} shows the first effect (provider.outage set 1) as a percentage,"
        " and it is not one: players would read 100%; write the figure in the headline, or put"
        " a mul effect first"
    )
    folder.replace("events.toml", 'op = "set"', 'op = "add"')
    assert folder.problems() == []


def test_a_rate_written_as_a_percentage_says_to_write_the_fraction(folder: ContentFolder) -> None:
    folder.replace(
        "scenarios/intro.toml", "demand_growth = 0.05", "demand_growth = 0.05\ninterest_rate = 2"
    )
    problem = folder.only_problem()
    assert problem.path == "market.interest_rate"
    assert problem.message == (
        "Input should be less than or equal to 0.2 (got 2): a rate up to 0.2, so write 0.02 for"
        " 2%; interest per quarter on debt"
    )


def test_a_build_cost_in_dollars_is_refused(folder: ContentFolder) -> None:
    folder.replace(
        "scenarios/intro.toml",
        "demand_growth = 0.05",
        "demand_growth = 0.05\nbuild_cost_per_mw = 12e6",
    )
    problem = folder.only_problem()
    assert problem.path == "market.build_cost_per_mw"
    assert problem.message.startswith("Input should be less than or equal to 1000 (got 12000000.0)")


def test_two_technologies_unlocking_one_chip_are_refused(folder: ContentFolder) -> None:
    # The engine keeps one unlocking technology per chip: the first would unlock nothing.
    folder.append("hardware.toml", CUSTOM_CHIP)
    unlock = '{ kind = "efficiency", multiplier = 1.2 }, { kind = "unlock_sku", sku = "asic" }'
    folder.replace("research.toml", '{ kind = "efficiency", multiplier = 1.2 }', unlock)
    folder.append(
        "research.toml",
        '[[technologies]]\nid = "asic2"\nname = "ASIC again"\ncost = 10.0\nmin_quarters = 1\n'
        'effects = [{ kind = "unlock_sku", sku = "asic" }]\n',
    )
    problem = folder.only_problem()
    assert problem.path == "technologies[asic2].effects[0].sku"
    assert problem.message.startswith(
        "technologies 'batching' and 'asic2' both unlock chip 'asic': a custom chip has one"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        # Was: "Input should be a valid tuple (got 'stratus')": Python's word, no fix.
        (
            "quarters = 8",
            'quarters = 8\nproviders = "stratus"',
            "providers",
            'must be a list in square brackets, even of one item: write providers = ["stratus"]'
            " (got 'stratus')",
        ),
        (
            "quarters = 8",
            'quarters = 8\nproviders = "stratus, nordhall"',
            "providers",
            'must be a list in square brackets, even of one item: write providers = ["stratus",'
            " \"nordhall\"] (got 'stratus, nordhall')",
        ),
        # Was: "Input should be a valid boolean, unable to interpret input (got 'maybe')".
        (
            "quarters = 8",
            'quarters = 8\ncatch_up = "maybe"',
            "catch_up",
            "must be true or false, in lower case and without quotes (got 'maybe'): write"
            " catch_up = true to switch it on, catch_up = false to switch it off",
        ),
    ],
)
def test_a_list_or_a_switch_written_otherwise_says_how_to_write_it(
    folder: ContentFolder, old: str, new: str, path: str, expected: str
) -> None:
    folder.replace("scenarios/intro.toml", old, new)
    problem = folder.only_problem()
    assert (problem.path, problem.message) == (path, expected)


def test_a_multiplier_written_as_a_percentage_says_to_write_the_factor(
    folder: ContentFolder,
) -> None:
    # Was only "Input should be less than or equal to 10 (got 70)": 70 for "70% of the usual".
    folder.replace("scenarios/intro.toml", "quarters = 8", "quarters = 8\ncapacity_multiplier = 70")
    problem = folder.only_problem()
    assert problem.path == "capacity_multiplier"
    assert problem.message.startswith(
        "Input should be less than or equal to 10 (got 70): a multiplier, 1 as usual, so write"
        " 0.7 for 70%; scales every provider's starting capacity"
    )
    # Out of range as a percentage too: no suggestion of a value that is refused as well.
    folder.replace("scenarios/intro.toml", "capacity_multiplier = 70", "capacity_multiplier = 5000")
    assert "so write" not in folder.only_problem().message


def test_an_unknown_id_with_nothing_close_lists_the_ids_there_are(tmp_path: Path) -> None:
    # Was "unknown vendor 'nvidia'", and the teacher did not know the vendors were verdant and
    # crimson. A kind with many ids (forty events) is not listed: the guide lists them.
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        'id = "l"\nname = "L"\nsummary = "x"\nquarters = 8\n\n[[seats]]\nindustry = "bank"\n'
        "\n[market]\ndemand = 20.0\ndemand_growth = 0.05\n"
        '\n[[predictions]]\nturn = 3\nquestion = "How long?"\nmetric = "lead_time"\n'
        'vendor = "nvidia"\n'
        '\n[[scripted_events]]\nturn = 2\nevent = "earthquake"\n'
    )
    out = io.StringIO()
    assert run_scenario_check(lesson, None, out=out) == 1
    lines = out.getvalue().splitlines()
    assert (
        f"{lesson}:17: predictions[0].vendor: unknown vendor 'nvidia' (this content has:"
        " crimson, verdant)" in lines
    )
    assert f"{lesson}:21: scripted_events[0].event: unknown event 'earthquake'" in lines
