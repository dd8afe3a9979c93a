"""The debrief's inline SVG charts: event markers stay readable however many events there are."""

from __future__ import annotations

import re

from game.classroom.svg import CSS, HEIGHT, KEY_LINE, WIDTH, Marker, Series, line_chart

KEY_CHAR_PX = 13 * 0.6
"""A wide character of the key's 13 px text (DejaVu Sans, the widest common sans-serif)."""

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
    # Three short entries: one column across the chart, each entry whole on its line.
    assert ">2027 Q2: A frontier model launches; Stratus Cloud outage (random)</tspan>" in key[0]
    # The chart grows to hold its key: every text line lies inside the picture.
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert height > HEIGHT
    assert max(_numbers(svg, "y")) < height


def test_long_labels_are_wrapped_whole_in_the_key_and_told_whole_in_the_tooltip() -> None:
    """The key cut every entry at 56 characters, though its column had room for more: on a
    projector, where no one hovers for the tooltip, the class read "Governments fund sovereign
    AI in every region at o…". Now an entry takes the lines it needs, each inside the chart."""
    long = "Governments fund sovereign AI in every region at once, for years"
    svg = line_chart("Spot price", "$M/kGPU", QUARTERS, PRICES, [Marker(3, long, "Why.")])
    (key,) = re.findall(r'<g class="k">.*?</g>', svg)
    lines = re.findall(r'<tspan x="([\d.]+)"(?: dy="\d+")?>(.*?)</tspan>', key)
    assert " ".join(text for _, text in lines) == f"2027 Q4: {long}"
    for x, text in lines:
        assert float(x) + len(text) * KEY_CHAR_PX <= WIDTH, f"{text!r} runs off the chart"
    assert f"{long}. Why." in key  # the tooltip
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert height >= float(re.findall(r'y="([\d.]+)"', key)[0]) + KEY_LINE * (len(lines) - 1)


def test_a_key_of_many_long_events_uses_both_columns_and_cuts_nothing() -> None:
    events = [
        Marker(q, f"Event number {q} with a long name that tells the story (random)")
        for q in range(12)
    ]
    svg = line_chart("Spot price", "$M/kGPU", QUARTERS, PRICES, events)
    keys = re.findall(r'<g class="k">.*?</g>', svg)
    assert len(keys) == 12 and "…" not in "".join(keys)
    columns = {re.search(r'<text x="([\d.]+)"', key).group(1) for key in keys}
    assert len(columns) == 2
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    for key in keys:  # every line, the first and the wrapped ones, lies inside the picture
        y = float(re.search(r' y="([\d.]+)"', key).group(1))
        assert y + KEY_LINE * key.count(' dy="') < height


def test_chart_text_is_legible_on_a_projector() -> None:
    """Chart text was 10-11 px on a chart drawn 760 px wide in a 930 px column: small on a
    projector. The chart now fills the column and its text is at least 13 px (about the
    page's own 16 px once the chart is scaled to the column)."""
    sizes = {
        rule.split("{")[0].strip(): float(re.search(r"font-size: ([\d.]+)px", rule).group(1))
        for rule in CSS.split("}")
        if "font-size" in rule
    }
    assert sizes["svg .u, svg .a"] >= 13 and sizes["svg .k text"] >= 13
    assert sizes["svg .t"] >= 16 and sizes["svg .m text"] >= 12
    assert re.search(r"svg \{ width: 100%;", CSS)


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


def test_badges_of_events_in_consecutive_quarters_of_a_long_match_do_not_overlap() -> None:
    """A 40-quarter match (a teacher's scenario may run to 80) with an event every quarter drew
    its numbered badges 13 px apart, each 19 px wide: a smear of red with unreadable numbers.
    They now take turns in rows, each badge clear of every other, all inside the picture."""
    quarters = [f"Q{q}" for q in range(40)]
    svg = line_chart(
        "Spot", "$M/kGPU", quarters, PRICES[:1], [Marker(q, f"Event {q}") for q in range(40)]
    )
    circles = [
        (float(cx), float(cy), float(r))
        for cx, cy, r in re.findall(
            r'<g class="m">.*?<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/>', svg
        )
    ]
    assert len(circles) == 40
    for k, (x, y, r) in enumerate(circles):
        assert y - r >= 0
        for x2, y2, r2 in circles[k + 1 :]:
            assert (x - x2) ** 2 + (y - y2) ** 2 >= (r + r2) ** 2, "two badges overlap"
    # A 24-quarter match keeps one row of badges.
    one_row = line_chart(
        "Spot", "$M/kGPU", QUARTERS * 2, PRICES[:1], [Marker(q, "E") for q in range(24)]
    )
    assert len(set(re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="9.5"', one_row))) == 1


def _value_ticks(svg: str) -> list[str]:
    """The value axis's labels, bottom to top (right-aligned text left of the plot)."""
    return re.findall(r'<text x="\d+" y="[\d.]+" class="a" text-anchor="end">([^<]+)</text>', svg)


def test_a_chart_that_dips_below_zero_has_round_ticks_and_a_zero_line() -> None:
    # Enterprise value from -10 to 390: the axis read 400 / 298 / 195 / 92 / -10, with no zero.
    quarters = ["2027 Q1", "2027 Q2", "2027 Q3"]
    svg = line_chart("Value", "$M", quarters, [Series("A", [-10.0, 120.0, 390.0])], zero=False)
    assert _value_ticks(svg) == ["-100", "0", "100", "200", "300", "400"]
    svg = line_chart("Cash", "$M", quarters, [Series("A", [-250.0, 600.0, 1200.0])], zero=False)
    assert _value_ticks(svg) == ["-500", "0", "500", "1,000", "1,500"]
    # Above zero the axis keeps its four intervals from zero.
    svg = line_chart("Price", "$M", quarters, [Series("A", [1.0, 6.0, 9.0])])
    assert _value_ticks(svg) == ["0", "2.5", "5", "7.5", "10"]
