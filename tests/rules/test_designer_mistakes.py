"""Mistakes a content designer makes, and messages that say how to fix them from the line alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

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
    assert folder.problems() == []
