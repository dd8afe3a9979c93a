"""Cross-references: every id an item names must exist, with the closest one suggested."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture comes from conftest.py; the class is only a type here
    from tests.rules.conftest import ContentFolder


CUSTOM_CHIP = """\
[[foundries]]
id = "tsmc"
name = "TSMC"
slots_per_quarter = 10.0

[[chips]]
id = "tpu"
name = "Custom TPU"
vendor = "tsmc"
generation = 2
perf = 1.5
power_kw = 1.0
price = 20.0
output_per_quarter = 5.0
custom = true
"""


def tech(
    tech_id: str, *prerequisites: str, effect: str = 'kind = "efficiency", multiplier = 1.1'
) -> str:
    return f"""
[[technologies]]
id = "{tech_id}"
name = "{tech_id.title()}"
cost = 10.0
min_quarters = 1
prerequisites = {list(prerequisites)!r}
effects = [{{ {effect} }}]
""".replace("'", '"')


def test_provider_naming_an_unknown_region_gets_a_suggestion(folder: ContentFolder) -> None:
    folder.replace("world.toml", 'regions = ["us-east"]', 'regions = ["us-east", "us-esat"]')
    problem = folder.only_problem()
    assert problem.path == "providers[stratus].regions[1]"
    assert problem.message == "unknown region 'us-esat' (did you mean 'us-east'?)"
    assert (problem.file, problem.line) == ("world.toml", folder.line_of("world.toml", "us-esat"))


def test_region_served_by_two_fabrics(folder: ContentFolder) -> None:
    folder.append(
        "hardware.toml",
        '[[fabrics]]\nid = "ethernet"\nname = "Ethernet"\nregions = ["us-east"]\n'
        "ports_per_unit = 1.0\nprice = 1.0\noutput_per_quarter = 10.0\n",
    )
    problem = folder.only_problem()
    assert problem.path == "fabrics[ethernet].regions[0]"
    assert problem.message.startswith("region 'us-east' already has fabric 'infiniband'")


def test_region_without_a_fabric(folder: ContentFolder) -> None:
    folder.append(
        "world.toml",
        '[[regions]]\nid = "eu-west"\nname = "EU West"\npower_price = 90.0\n'
        "grid_queue_quarters = 6\ninterconnect_mw_per_quarter = 50.0\n",
    )
    problem = folder.only_problem()
    assert problem.path == "regions[eu-west]"
    assert problem.message.startswith("no fabric serves this region")
    assert problem.line == folder.line_of("world.toml", 'id = "eu-west"') - 1


def test_chip_from_an_unknown_vendor(folder: ContentFolder) -> None:
    folder.replace("hardware.toml", 'vendor = "nvidia"', 'vendor = "nvida"')
    problem = folder.only_problem()
    assert problem.path == "chips[h100].vendor"
    assert problem.message == "unknown vendor or foundry 'nvida' (did you mean 'nvidia'?)"


def test_custom_chip_must_name_a_foundry(folder: ContentFolder) -> None:
    folder.append("hardware.toml", CUSTOM_CHIP.replace('vendor = "tsmc"', 'vendor = "nvidia"'))
    problem = folder.only_problem()
    assert problem.path == "chips[tpu].vendor"
    assert problem.message.startswith("a custom chip is made by a foundry, not by vendor 'nvidia'")


def test_event_selecting_an_unknown_provider_gets_a_suggestion(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', 'select = "stratos"')
    problem = folder.only_problem()
    assert problem.path == "events[outage].effects[0].select"
    assert problem.message == "unknown provider 'stratos' (did you mean 'stratus'?)"
    assert (problem.file, problem.line) == ("events.toml", folder.line_of("events.toml", "stratos"))


def test_event_selecting_a_list_reports_the_bad_element(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', 'select = ["stratus", "nimbus"]')
    problem = folder.only_problem()
    assert problem.path == "events[outage].effects[0].select[1]"
    assert problem.message == "unknown provider 'nimbus' (this content has: stratus)"


def test_event_selecting_by_an_unknown_tag(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', 'select = "tag:bigg"')
    problem = folder.only_problem()
    assert problem.message == "no provider has tag 'bigg' (did you mean 'big'?)"


def test_event_selecting_by_a_known_tag(folder: ContentFolder) -> None:
    folder.replace("events.toml", 'select = "stratus"', 'select = "tag:big"')
    assert folder.problems() == []


def test_event_selecting_vendors_by_tag(folder: ContentFolder) -> None:
    folder.replace(
        "events.toml",
        '"provider.outage", select = "stratus", op = "set"',
        '"vendor.output", select = "tag:x", op = "mul"',
    )
    problem = folder.only_problem()
    assert problem.message == "vendors have no tags: select them by id"


def test_market_wide_event_must_select_everything(folder: ContentFolder) -> None:
    folder.replace(
        "events.toml",
        '"provider.outage", select = "stratus", op = "set"',
        '"demand.level", select = "stratus", op = "mul"',
    )
    problem = folder.only_problem()
    assert problem.message == 'demand.level applies to the whole market: select must be "*"'


def test_event_selecting_a_provider_that_failed_validation_is_reported_once(
    folder: ContentFolder,
) -> None:
    folder.replace("world.toml", "growth = 0.05", 'growth = "fast"')
    problem = folder.only_problem()
    assert problem.path == "providers[stratus].growth"


def test_technology_with_a_missing_prerequisite(folder: ContentFolder) -> None:
    folder.append("research.toml", tech("speculative", "batchin"))
    problem = folder.only_problem()
    assert problem.path == "technologies[speculative].prerequisites[0]"
    assert problem.message == "unknown technology 'batchin' (did you mean 'batching'?)"
    assert problem.line == folder.line_of("research.toml", '"batchin"')


def test_prerequisite_cycle_is_named_once(folder: ContentFolder) -> None:
    folder.append(
        "research.toml", tech("alpha", "gamma") + tech("beta", "alpha") + tech("gamma", "beta")
    )
    problem = folder.only_problem()
    assert problem.message == "prerequisite cycle: alpha → gamma → beta → alpha"
    assert problem.path == "technologies[alpha].prerequisites[0]"


def test_technology_that_needs_itself(folder: ContentFolder) -> None:
    folder.append("research.toml", tech("loop", "batching", "loop"))
    problem = folder.only_problem()
    assert (problem.path, problem.message) == (
        "technologies[loop].prerequisites[1]",
        "prerequisite cycle: loop → loop",
    )


def test_research_unlocks_only_custom_chips(folder: ContentFolder) -> None:
    folder.append("hardware.toml", CUSTOM_CHIP)
    folder.append("research.toml", tech("asic", effect='kind = "unlock_sku", sku = "tpu"'))
    assert folder.problems() == []
    folder.replace("research.toml", 'sku = "tpu"', 'sku = "h100"')
    problems = {p.path: p.message for p in folder.problems()}
    assert problems["technologies[asic].effects[0].sku"].startswith("chip 'h100' is not custom")
    # ... and the custom chip it no longer unlocks could never be ordered.
    assert problems["chips[tpu].custom"].startswith("no technology unlocks custom chip 'tpu'")
    assert len(problems) == 2


def test_rival_in_an_unknown_industry(folder: ContentFolder) -> None:
    folder.replace("rivals.toml", 'industry = "startup"', 'industry = "start-up"')
    problem = folder.only_problem()
    assert problem.message == "unknown industry 'start-up' (did you mean 'startup'?)"


def test_scenario_seat_in_an_unknown_industry(folder: ContentFolder) -> None:
    folder.replace("scenarios/intro.toml", 'industry = "startup"\n\n', 'industry = "startpu"\n\n')
    problem = folder.only_problem()
    assert (problem.file, problem.path) == ("scenarios/intro.toml", "seats[0].industry")
    assert problem.message == "unknown industry 'startpu' (did you mean 'startup'?)"
    assert problem.line == folder.line_of("scenarios/intro.toml", "startpu")


def test_scenario_references_are_all_checked(folder: ContentFolder) -> None:
    folder.replace("scenarios/intro.toml", 'rival = "acme"', 'rival = "acne"')
    folder.replace("scenarios/intro.toml", 'event = "outage"', 'event = "outrage"')
    folder.replace(
        "scenarios/intro.toml", 'events_enabled = ["outage"]', 'events_enabled = ["outag"]'
    )
    folder.replace(
        "scenarios/intro.toml",
        'summary = "A small test match."',
        'summary = "x"\nproviders = ["stratus", "nimbus"]',
    )
    folder.append(
        "scenarios/intro.toml", '[[predictions]]\nturn = 1\nquestion = "?"\nprovider = "strat"\n'
    )
    messages = {p.path: p.message for p in folder.problems()}
    assert messages == {
        "seats[1].rival": "unknown rival 'acne' (did you mean 'acme'?)",
        "scripted_events[0].event": "unknown event 'outrage' (did you mean 'outage'?)",
        "events_enabled[0]": "unknown event 'outag' (did you mean 'outage'?)",
        "providers[1]": "unknown provider 'nimbus' (this content has: stratus)",
        "predictions[0].provider": "unknown provider 'strat' (did you mean 'stratus'?)",
    }


def test_effect_op_the_engine_ignores_is_rejected(folder: ContentFolder) -> None:
    folder.replace(
        "events.toml",
        '"provider.outage", select = "stratus", op = "set"',
        '"vendor.output", select = "stratus", op = "add"',
    )
    problem = folder.problems()[0]
    assert "op 'add' has no meaning for vendor.output; use mul" in problem.message
