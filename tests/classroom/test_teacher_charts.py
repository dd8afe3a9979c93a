"""The charts a teacher projects: every legend entry readable and told apart."""

from __future__ import annotations

import re

from game.classroom.svg import WIDTH, Series, line_chart

CHAR_PX = 6.2
"""About the width of a character of the legend's 11 px sans-serif font."""


def _legend(svg: str) -> list[tuple[float, str]]:
    return [
        (float(x), text)
        for x, text in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="a">([^<]*)<title>', svg)
    ]


def test_every_legend_entry_fits_the_chart_and_two_teams_of_one_name_are_told_apart() -> None:
    """The class results chart labels two teams of one name with their files: both showed as
    "Blue Team (blue-tean", cut by the edge of the chart (the legend had room for about 19
    characters and labels were cut at 22), so nobody could tell which line was which."""
    labels = [
        "Blue Team (blue-team.json)",
        "Blue Team (blue-team-2.json)",
        "Nordhall Sovereign Cloud",
        "class mean",
    ]
    svg = line_chart(
        "Enterprise value by team",
        "$M",
        ["2027 Q1", "2027 Q2"],
        [Series(label, [1.0, 2.0]) for label in labels],
    )
    legend = _legend(svg)
    assert [text for _, text in legend] == [
        "Blue Team (…team.json)",
        "Blue Team (…am-2.json)",
        "Nordhall Sovereign Cl…",
        "class mean",
    ]
    for x, text in legend:
        assert x + len(text) * CHAR_PX <= WIDTH, f"{text!r} runs off the chart"
    for label in labels:  # the whole label is the entry's tooltip
        assert f"<title>{label}</title>" in svg
