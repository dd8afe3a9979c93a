"""The debrief's inline SVG charts: event markers stay readable however many events there are."""

from __future__ import annotations

import re

from game.classroom.svg import HEIGHT, Marker, Series, line_chart

QUARTERS = [f"202{7 + q // 4} Q{q % 4 + 1}" for q in range(12)]
PRICES = [Series("Stratus", [10.0 + q for q in range(12)]), Series("Nimbus", [8.0] * 12)]


def _numbers(svg: str, attribute: str) -> list[float]:
    return [float(v) for v in re.findall(rf'{attribute}="(-?[\d.]+)"', svg)]


def test_markers_are_numbered_once_per_quarter_with_a_key_under_the_chart() -> None:
    markers = [
        Marker(1, "A frontier model launches", "Demand jumps."),
        Marker(1, "Stratus Cloud outage (random)", "35% offline."),
        Marker(2, "Export controls widen"),
        Marker(9, "A GPU glut at the neoclouds"),
    ]
    svg = line_chart("Spot price", "$M/kGPU", QUARTERS, PRICES, markers)
    badges = re.findall(r'<g class="m">.*?</g>', svg)
    assert len(badges) == 3  # quarters 1, 2 and 9
    assert ">1</text>" in badges[0] and ">3</text>" in badges[2]
    # The first badge's tooltip tells both events of its quarter, with their stories.
    assert "A frontier model launches. Demand jumps." in badges[0]
    assert "Stratus Cloud outage (random). 35% offline." in badges[0]
    key = re.findall(r'<g class="k">.*?</g>', svg)
    assert len(key) == 3
    assert "> 2027 Q2: A frontier model launches; Stratus Cloud" in key[0]
    # The chart grows to hold its key: every text line lies inside the picture.
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert height > HEIGHT
    assert max(_numbers(svg, "y")) < height


def test_long_labels_are_clipped_in_the_key_and_told_whole_in_the_tooltip() -> None:
    long = "Governments fund sovereign AI in every region at once, for years"
    svg = line_chart("Spot price", "$M/kGPU", QUARTERS, PRICES, [Marker(3, long, "Why.")])
    (key,) = re.findall(r'<g class="k">.*?</g>', svg)
    shown = re.search(r"</tspan> (.*?)</text>", key).group(1)
    assert shown.endswith("…") and len(shown) <= 56
    assert f"{long}. Why." in key  # the tooltip


def test_a_chart_without_markers_keeps_its_size() -> None:
    svg = line_chart("Cash", "$M", QUARTERS, PRICES)
    assert f'viewBox="0 0 760 {HEIGHT}"' in svg
    assert 'class="m"' not in svg and 'class="k"' not in svg


def test_the_capacity_charts_of_a_debrief_compare_at_a_glance() -> None:
    from game.classroom.svg import stacked_chart

    layers = [
        Series("reserved", [5.0] * 12, "#1f77b4"),
        Series("spot", [1.0] * 12, "#ff7f0e"),
        Series("owned", [0.0] * 12, "#2ca02c"),
    ]
    lines = [Series("demand", [7.0] * 12), Series("served", [6.0] * 12, "#555555")]
    svg = stacked_chart("Small team: capacity by source", "kGPU", QUARTERS, layers, lines)
    # Demand and served are dashed on the chart, and so in the legend (served was solid there).
    keys = re.findall(r'<line [^>]*stroke-width="3"[^>]*/>', svg)
    assert len(keys) == 5
    assert all('stroke-dasharray="5 3"' in key for key in keys[3:])
    # A layer that is empty all match draws nothing: it drew its outline along the top of the
    # stack, a line a student read as "owned capacity".
    assert svg.count("<polygon") == 2
    # A shared top: a small team's chart on the scale of the biggest one (40 kGPU).
    shared = stacked_chart("x", "kGPU", QUARTERS, layers, lines, high=37.0)
    assert "40" in re.findall(r">([\d.,]+)</text>", shared)
    assert "40" not in re.findall(r">([\d.,]+)</text>", svg)


def test_teams_named_by_a_colour_are_drawn_in_it() -> None:
    # A class's teams Red, Blue, Green and Gold were drawn purple, blue, red and green.
    from game.classroom.svg import COLOR_WORDS, PALETTE, team_colors

    colors = team_colors(["Blue", "Green", "Gold", "Team Red", "Loopwise Labs", "Red Devils"])
    assert colors[:4] == [
        COLOR_WORDS["blue"],
        COLOR_WORDS["green"],
        COLOR_WORDS["gold"],
        COLOR_WORDS["red"],
    ]
    # Other names, and a second team of a colour already taken, get colours nobody has.
    assert len(set(colors)) == len(colors) and set(colors) <= set(PALETTE)
