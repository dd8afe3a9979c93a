"""The charts a teacher projects: every legend entry readable and told apart."""

from __future__ import annotations

import re

from game.classroom.svg import WIDTH, Series, line_chart

CHAR_PX = 13 * 0.6
"""A wide character of the legend's 13 px text (DejaVu Sans, the widest common sans-serif)."""


def _legend(svg: str) -> list[list[tuple[float, str]]]:
    """Each legend entry's lines, with the x each starts at."""
    entries = []
    for x, body in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="a">(.*?)<title>', svg):
        lines = re.findall(r'<tspan x="([\d.]+)"[^>]*>([^<]*)</tspan>', body)
        entries.append([(float(a), t) for a, t in lines] if lines else [(float(x), body)])
    return entries


def test_every_legend_entry_fits_the_chart_and_two_teams_of_one_name_are_told_apart() -> None:
    """The class results chart labels two teams of one name with their files: both showed as
    "Blue Team (blue-tean", cut by the edge of the chart (the legend had room for about 19
    characters and labels were cut at 22), so nobody could tell which line was which. Now
    every label is shown whole, on as many lines as it needs."""
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
    # Each label whole, wrapped to the room right of the plot (they were cut at 22 characters,
    # "Nordhall Sovereign Cl…", with room for more on a second line).
    assert [" ".join(text for _, text in entry) for entry in legend] == labels
    assert len(legend[2]) == 2  # "Nordhall Sovereign" / "Cloud"
    for entry in legend:
        for x, text in entry:
            assert x + len(text) * CHAR_PX <= WIDTH, f"{text!r} runs off the chart"
    for label in labels:  # the whole label is the entry's tooltip
        assert f"<title>{label}</title>" in svg


def test_two_long_names_alike_to_their_third_line_are_still_told_apart() -> None:
    """A label longer than the legend's three lines is cut in its middle where another label
    starts the same, so the two entries still differ."""
    stem = "The Extremely Long Named Consortium of Regional Compute Buyers"
    labels = [f"{stem} (team-one.json)", f"{stem} (team-two.json)"]
    svg = line_chart("x", "$M", ["2027 Q1", "2027 Q2"], [Series(x, [1.0, 2.0]) for x in labels])
    shown = [" ".join(text for _, text in entry) for entry in _legend(svg)]
    assert len(shown) == 2 and shown[0] != shown[1]
    assert all("…" in text for text in shown)
    assert all(len(entry) <= 3 for entry in _legend(svg))


def _text_px(text: str) -> float:
    """Width of 13 px text: a CJK character or an emoji takes a full em, others 0.6 em."""
    import unicodedata

    return sum(13.0 if unicodedata.east_asian_width(c) in "WF" else CHAR_PX for c in text)


def test_cjk_and_emoji_names_wrap_inside_the_chart() -> None:
    """A team or event named in Japanese, or with emoji, was wrapped by counting characters as
    if each were a Latin letter (0.6 em), but each is a full em wide: an 18-character legend
    line of kanji ran about 90 px past the chart's right edge, cut off on the projector."""
    from game.classroom.svg import Marker

    labels = [
        "東京コンピュート株式会社データセンター事業本部",
        "🚀🚀🚀 Rocket 🔥🔥🔥 Compute 💾💾💾💾💾💾",
    ]
    event = "東京で大規模停電が発生しデータセンターが停止した（ランダム）" * 2
    svg = line_chart(
        "x",
        "$M",
        ["2027 Q1", "2027 Q2", "2027 Q3"],
        [Series(label, [1.0, 2.0, 3.0]) for label in labels],
        [Marker(1, event)],
    )
    legend = _legend(svg)
    assert [" ".join(text for _, text in entry) for entry in legend][1] == labels[1]
    assert "".join(text for _, text in legend[0]) == labels[0]  # whole, on several lines
    (key,) = re.findall(r'<g class="k">.*?</g>', svg)
    key_lines = [
        (float(x), text) for x, text in re.findall(r'<tspan x="([\d.]+)"[^>]*>([^<]+)</tspan>', key)
    ]
    for x, text in [line for entry in legend for line in entry] + key_lines:
        assert x + _text_px(text) <= WIDTH, f"{text!r} runs off the chart"
    assert len(key_lines) > 1


def test_two_long_names_alike_keep_their_files_whatever_their_words() -> None:
    """Two teams of one long name are told apart by their files: the names were cut to a set
    length and then wrapped at spaces, so with long words the wrap ran out of lines first and
    cut again, the files lost ("Ea…sswindxx …" and "Ea…windxx …")."""
    stem = "Northwindxx Southwindxx Eastwindxxx Westwindxxx Crosswindxx"
    labels = [f"{stem} (blue-team.json)", f"{stem} (blue-team-2.json)"]
    svg = line_chart("x", "$M", ["2027 Q1", "2027 Q2"], [Series(x, [1.0, 2.0]) for x in labels])
    legend = _legend(svg)
    assert legend[0][-1][1].endswith("(blue-team.json)")
    assert legend[1][-1][1].endswith("blue-team-2.json)")
    for entry in legend:
        assert len(entry) <= 3
        for x, text in entry:
            assert x + len(text) * CHAR_PX <= WIDTH, f"{text!r} runs off the chart"


def test_a_long_legend_does_not_draw_over_the_last_quarters_label() -> None:
    """A class of 16 teams on an 8-quarter match, one with a name on two lines: the legend
    reached below the plot, and a team's swatch was drawn over the last quarter's label
    ("2028 Q4"), which reaches under the legend's swatches."""
    quarters = [f"{2027 + q // 4} Q{q % 4 + 1}" for q in range(8)]
    svg = line_chart(
        "Enterprise value",
        "$M",
        quarters,
        [Series("The Long Named Team (t.json)", [1.0] * 8)]
        + [Series(f"Team {i} (t{i}.json)", [float(i + q) for q in range(8)]) for i in range(15)],
    )
    plot = re.search(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    bottom = float(plot.group(1)) + float(plot.group(2))
    last = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" class="a" text-anchor="middle">', svg)[-1]
    label_right = float(last[0]) + len(quarters[-1]) * CHAR_PX / 2
    baseline = float(last[1])
    assert baseline == bottom + 16
    swatches = re.findall(r'<line x1="([\d.]+)" x2="[\d.]+" y1="([\d.]+)" y2="[\d.]+" stroke=', svg)
    assert len(swatches) == 16 and float(swatches[0][0]) < label_right
    for _, y in swatches:  # a 13 px label spans about 10 px above its baseline, 3 below
        assert not baseline - 10 - 2 <= float(y) <= baseline + 3 + 2, f"a swatch at {y} crosses it"
