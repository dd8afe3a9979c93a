"""Small inline SVG charts for the debrief: line charts with event markers and stacked areas.

No plotting library and no network: each function returns one ``<svg>`` element as text, with
its data in ``<title>`` tooltips, so a report opened from a USB stick in a lab shows everything.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)

WIDTH = 760
HEIGHT = 310
LEFT, RIGHT, TOP, BOTTOM = 72, 180, 40, 46


@dataclass(frozen=True)
class Series:
    """One line (or one stacked layer): its label, a value per quarter (NaN: no value)."""

    label: str
    values: Sequence[float]
    color: str = ""
    dashed: bool = False


@dataclass(frozen=True)
class Marker:
    """A vertical line at a quarter with a short label (an event)."""

    index: int
    label: str
    detail: str = ""


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


COLOR_WORDS = {
    "red": "#d62728",
    "blue": "#1f77b4",
    "green": "#2ca02c",
    "purple": "#9467bd",
    "violet": "#9467bd",
    "orange": "#ff7f0e",
    "teal": "#17becf",
    "cyan": "#17becf",
    "brown": "#8c564b",
    "pink": "#e377c2",
    "grey": "#7f7f7f",
    "gray": "#7f7f7f",
    "yellow": "#bcbd22",
    "gold": "#bcbd22",
}
"""Colour words a class names its teams by ("Team Red"), and the palette colour of each."""


def team_colors(names: Sequence[str]) -> list[str]:
    """A colour per team: the one its name says ("Red", "Blue Team") when no team before it
    took that colour, else the first palette colour no team has; so a team called Red is
    never drawn purple while another is drawn red."""
    chosen: list[str] = [""] * len(names)
    taken: set[str] = set()
    for index, name in enumerate(names):
        words = "".join(ch if ch.isalpha() else " " for ch in name.casefold()).split()
        wanted = next((COLOR_WORDS[w] for w in words if w in COLOR_WORDS), "")
        if wanted and wanted not in taken:
            chosen[index] = wanted
            taken.add(wanted)
    spare = [c for c in PALETTE if c not in taken]
    for index in range(len(names)):
        if not chosen[index]:
            chosen[index] = spare.pop(0) if spare else color(index)
    return chosen


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and math.isfinite(v)]


TICKS = 4
"""Intervals on the value axis."""


def _nice_step(span: float) -> float:
    """The smallest nice step (1, 2, 2.5, 5 × 10^k) that covers ``span`` in ``TICKS`` steps."""
    raw = span / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5):
        if step * magnitude >= raw - 1e-12:
            return step * magnitude
    return 10 * magnitude


def _nice_max(value: float) -> float:
    """The smallest ``TICKS × nice step`` at or above ``value`` (steps 1, 2, 2.5, 5 × 10^k)."""
    if value <= 0:
        return float(TICKS)
    return _nice_step(value) * TICKS


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    """``(low, high, step)`` around a range that crosses zero, in whole nice steps, so that zero
    and every tick are round numbers (400 / 300 / ... / 0 / −100, not 400 / 298 / ... / −10).
    There are ``TICKS`` to ``TICKS + 2`` intervals."""
    step = _nice_step(high - low)
    return math.floor(low / step - 1e-9) * step, math.ceil(high / step - 1e-9) * step, step


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}"


BADGE_BAND = 22
"""Height of a row of the band above the plot that holds the event markers' numbered badges."""
BADGE_R = 9.5
"""Radius of a numbered badge (two digits of 12 px bold text)."""
BADGE_ROWS = 4
"""Most rows of badges: events in consecutive quarters of a long match take turns in rows."""


def _badge_rows(quarters: int, markers: Sequence[Marker]) -> int:
    """Rows the badges need so that no two in a row touch: one, unless quarters with events lie
    closer than a badge is wide (a 40-quarter match with events quarter after quarter drew its
    badges over one another, their numbers unreadable); the badges then take turns in rows."""
    indexes = sorted({m.index for m in markers})
    if not indexes:
        return 0
    step = (WIDTH - LEFT - RIGHT) / max(quarters - 1, 1)
    for rows in range(1, BADGE_ROWS):
        pairs = zip(indexes, indexes[rows:], strict=False)
        if all((b - a) * step >= 2 * BADGE_R + 1 for a, b in pairs):
            return rows
    return BADGE_ROWS


KEY_LINE = 16
"""Height of one line of the marker key (13 px text)."""
KEY_GAP = 3
"""Extra space between two entries of the marker key."""
KEY_COLUMNS = 2
KEY_LEFT = 16
KEY_NUMBER = 24
"""Room for an entry's number ("17") before its text; wrapped lines start under the text."""
KEY_LINES = 4
"""Lines an entry of the key may take: the rest is cut (the whole story is its tooltip)."""
LEGEND_LINE = 15
"""Height of one line of a legend entry (13 px text)."""
LEGEND_GAP = 5
"""Extra space between two legend entries."""
LEGEND_LINES = 3
"""Lines a legend entry may take: a longer label is cut (the whole of it is its tooltip)."""
CHAR_EM = 0.6
"""Width of an average character, in ems, as wide as it is in the widest common sans-serif
(DejaVu Sans, the default on Linux lab machines): a line measured with it fits everywhere."""


def chars_in(width: float, font_px: float) -> int:
    """How many characters of ``font_px`` text fit on a line ``width`` units wide."""
    return max(1, int(width / (font_px * CHAR_EM)))


def _cells(text: str) -> int:
    """Width of ``text`` in average characters: a CJK character or an emoji, as wide as a line
    of it is high, counts two (a name in Japanese measured as one each ran off the chart); a
    combining accent counts none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _head(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` characters wide (see ``_cells``)."""
    used = 0
    for end, c in enumerate(text):
        used += _cells(c)
        if used > width:
            return text[:end]
    return text


def _tail(text: str, width: int) -> str:
    """The longest end of ``text`` at most ``width`` characters wide."""
    return _head(text[::-1], width)[::-1]


def _wrap(text: str, chars: int, lines: int) -> list[str]:
    """``text`` broken into lines at most ``chars`` characters wide (see ``_cells``), at spaces
    where it can be (a word wider than a line is broken in the middle, as CJK text is), and cut
    with "…" after ``lines``."""
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and _cells(line) + 1 + _cells(word) <= chars:
            line += " " + word
            continue
        if line and _cells(word) <= chars:
            out.append(line)
            line = word
            continue
        # A word wider than the room left: the rest of this line, then whole lines of it.
        if line:
            room = chars - _cells(line) - 1
            piece = _head(word, room) if room > 0 else ""
            if piece:
                line += " " + piece
                word = word[len(piece) :]
            out.append(line)
        while _cells(word) > chars:
            piece = _head(word, chars) or word[0]
            out.append(piece)
            word = word[len(piece) :]
        line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and _cells(last) + 2 > chars:
            words = last.split()
            last = " ".join(words[:-1]) if len(words) > 1 else _head(last, chars - 2)
            if last == out[-1]:
                break
            out[-1] = last
        out[-1] = f"{last} …" if last else "…"
    return out or [""]


class _Frame:
    """Axes, grid, quarter labels and the mapping from data to pixels."""

    def __init__(
        self,
        quarters: Sequence[str],
        low: float,
        high: float,
        *,
        badges: int = 0,
        step: float | None = None,
    ) -> None:
        self.quarters = quarters
        self.low, self.high = low, high if high > low else low + 1.0
        # The value axis's ticks: TICKS intervals, or whole steps of ``step`` from low to high.
        span = self.high - self.low
        self.intervals = TICKS if step is None else max(1, round(span / step))
        self.badges = badges
        self.top = TOP + BADGE_BAND * badges
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM
        self.height = self.top + self.plot_h + BOTTOM

    def x(self, index: int) -> float:
        n = max(len(self.quarters) - 1, 1)
        return LEFT + self.plot_w * index / n

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - (value - self.low) / (self.high - self.low))

    def axes(self, title: str, unit: str) -> list[str]:
        parts = [
            f'<text x="{LEFT}" y="20" class="t">{escape(title)}</text>',
            # The unit over the value axis, on a line of its own below the title.
            f'<text x="{LEFT - 8}" y="{TOP - 11}" class="u" text-anchor="end">'
            f"{escape(unit)}</text>",
        ]
        for k in range(self.intervals + 1):
            value = self.low + (self.high - self.low) * k / self.intervals
            y = self.y(value)
            parts.append(
                f'<line x1="{LEFT}" x2="{LEFT + self.plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="g"/>'
            )
            parts.append(
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="a" text-anchor="end">'
                f"{_number(value)}</text>"
            )
        # Quarter labels at least 60 px apart.
        spacing = self.plot_w / max(len(self.quarters) - 1, 1)
        step = max(1, math.ceil(60 / spacing))
        for index, label in enumerate(self.quarters):
            if index % step:
                continue
            x = self.x(index)
            parts.append(
                f'<text x="{x:.1f}" y="{self.top + self.plot_h + 16}" class="a"'
                f' text-anchor="middle">{escape(label)}</text>'
            )
        parts.append(
            f'<rect x="{LEFT}" y="{self.top}" width="{self.plot_w}" height="{self.plot_h}"'
            ' class="f"/>'
        )
        return parts

    def markers(self, markers: Sequence[Marker]) -> list[str]:
        """A dashed line and a numbered badge at each quarter with markers, and under the chart
        a key from number to labels (labels written inside the plot covered the lines and each
        other as soon as a few events fell close together)."""
        by_quarter: dict[int, list[Marker]] = {}
        for marker in markers:
            by_quarter.setdefault(marker.index, []).append(marker)
        parts = []
        entries = []
        for number, (index, group) in enumerate(sorted(by_quarter.items()), start=1):
            x = self.x(index)
            tip = escape(
                f"{self.quarters[index]}: "
                + " ".join(f"{m.label}. {m.detail}".strip() for m in group)
            )
            # Badge k in row k % rows, row 0 nearest the plot; its line reaches up to it.
            row = (number - 1) % max(self.badges, 1)
            y = self.top - BADGE_BAND / 2 - BADGE_BAND * row
            y1 = f"{y + BADGE_R:.1f}" if row else f"{self.top}"
            parts.append(
                f'<g class="m"><title>{tip}</title>'
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1}" y2="{self.top + self.plot_h}"/>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{BADGE_R}"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{number}</text></g>'
            )
            labels = "; ".join(m.label for m in group)
            entries.append((number, f"{self.quarters[index]}: {labels}", tip))
        if not entries:
            return parts
        # Two columns (down the first, then the second) when that makes the key shorter, by a
        # line or more, than one column across the chart (whose entries are cut into fewer
        # lines); each entry wrapped to the width of its column.
        layouts = []
        for columns in (KEY_COLUMNS, 1):
            column_w = (WIDTH - KEY_LEFT) / columns
            chars = chars_in(column_w - KEY_NUMBER - 8, KEY_FONT)
            wrapped = [_wrap(text, chars, KEY_LINES) for _, text, _ in entries]
            per_column = math.ceil(len(entries) / columns)
            heights = [
                sum(len(w) * KEY_LINE + KEY_GAP for w in wrapped[c : c + per_column])
                for c in range(0, len(entries), per_column)
            ]
            layouts.append((max(heights), column_w, per_column, wrapped))
        two, one = layouts
        height, column_w, per_column, wrapped = two if two[0] + KEY_LINE <= one[0] else one
        top = self.height + 4
        y = top
        for k, ((number, _, tip), lines) in enumerate(zip(entries, wrapped, strict=True)):
            column, row = divmod(k, per_column)
            if row == 0:
                y = top
            x = KEY_LEFT + column * column_w
            more = "".join(
                f'<tspan x="{x + KEY_NUMBER:.1f}" dy="{KEY_LINE}">{escape(line)}</tspan>'
                for line in lines[1:]
            )
            parts.append(
                f'<g class="k"><title>{tip}</title>'
                f'<text x="{x:.1f}" y="{y:.1f}"><tspan class="n">{number}</tspan>'
                f'<tspan x="{x + KEY_NUMBER:.1f}">{escape(lines[0])}</tspan>{more}</text></g>'
            )
            y += len(lines) * KEY_LINE + KEY_GAP
        self.height += height + 8
        return parts

    def legend(self, series: Sequence[Series]) -> list[str]:
        """A key per series right of the plot, each label wrapped to the room there; a legend
        taller than the chart makes the chart taller (call before ``markers``)."""
        parts = []
        x = LEFT + self.plot_w + 12
        chars = chars_in(WIDTH - (x + 22) - 2, LEGEND_FONT)
        shown = _distinct_wraps([s.label for s in series], chars, LEGEND_LINES)
        y = self.top + 6
        # The quarter labels' row under the plot: the last label reaches under the swatches.
        labels_row = (self.top + self.plot_h + 4, self.top + self.plot_h + 22)
        for s, lines in zip(series, shown, strict=True):
            if labels_row[0] <= y <= labels_row[1]:
                y = labels_row[1] + 1  # a long legend skips the row (it drew over "2028 Q4")
            dash = ' stroke-dasharray="5 3"' if s.dashed else ""
            if len(lines) == 1:
                body = escape(lines[0])
            else:
                body = f'<tspan x="{x + 22}">{escape(lines[0])}</tspan>' + "".join(
                    f'<tspan x="{x + 22}" dy="{LEGEND_LINE}">{escape(line)}</tspan>'
                    for line in lines[1:]
                )
            parts.append(
                f'<line x1="{x}" x2="{x + 16}" y1="{y}" y2="{y}" stroke="{s.color}"'
                f' stroke-width="3"{dash}/>'
                f'<text x="{x + 22}" y="{y + 4}" class="a">{body}'
                f"<title>{escape(s.label)}</title></text>"
            )
            y += LEGEND_LINE * len(lines) + LEGEND_GAP
        self.height = max(self.height, y)
        return parts


LEGEND_FONT = 13
"""Size of the legend's and the axes' text (``.a`` in ``CSS``), in the chart's units."""
KEY_FONT = 13
"""Size of the marker key's text (``.k text`` in ``CSS``)."""


def _distinct_wraps(labels: Sequence[str], chars: int, lines: int) -> list[list[str]]:
    """Each label wrapped into at most ``lines`` lines of ``chars``; a label cut short whose
    first lines are another's ends on a line with its own end instead ("…(team-two.json)"):
    two teams of one long name, told apart by their files, were cut to the same start (or to
    a start and a middle, the files lost once the words wrapped) and could not be told apart.

    >>> _distinct_wraps(["A long team name (a.json)", "A long team name (b.json)"], 12, 2)
    [['A long team', '…me (a.json)'], ['A long team', '…me (b.json)']]
    """
    shown = [_wrap(label, chars, lines) for label in labels]
    for index, label in enumerate(labels):
        cut = len(_wrap(label, chars, lines + 1)) > lines
        start = shown[index][: lines - 1]
        if cut and any(
            other != label and shown[k][: lines - 1] == start for k, other in enumerate(labels)
        ):
            shown[index] = [*start, "…" + _tail(label, chars - 1).lstrip()][-lines:]
    return shown


def _svg(parts: list[str], label: str, height: float = HEIGHT) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}"'
        f' width="{WIDTH}" height="{height:.0f}" role="img" aria-label="{escape(label)}">'
        f"{body}</svg>"
    )


def _colored(series: Sequence[Series]) -> list[Series]:
    return [
        s if s.color else Series(s.label, s.values, color(i), s.dashed)
        for i, s in enumerate(series)
    ]


def line_chart(
    title: str,
    unit: str,
    quarters: Sequence[str],
    series: Sequence[Series],
    markers: Sequence[Marker] = (),
    *,
    zero: bool = True,
) -> str:
    """Lines over the quarters, one per series, with event markers and a legend."""
    series = _colored(series)
    values = [v for s in series for v in _finite(s.values)]
    high = _nice_max(max(values, default=1.0))
    low = 0.0 if zero or not values else min(0.0, min(values))
    step = None
    if low < 0:  # one step for the whole range, below zero and above it
        low, high, step = _nice_range(low, max(0.0, *values))
    frame = _Frame(quarters, low, high, badges=_badge_rows(len(quarters), markers), step=step)
    parts = frame.axes(title, unit)
    legend = frame.legend(series)
    parts += frame.markers(markers)
    for s in series:
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        for run in _runs(s.values):
            points = " ".join(f"{frame.x(i):.1f},{frame.y(v):.1f}" for i, v in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{s.color}"'
                f' stroke-width="2"{dash}/>'
            )
        for i, v in enumerate(s.values):
            if isinstance(v, int | float) and math.isfinite(v):
                tip = escape(f"{s.label}, {quarters[i]}: {_number(v)} {unit}")
                parts.append(
                    f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(v):.1f}" r="2.5"'
                    f' fill="{s.color}"><title>{tip}</title></circle>'
                )
    parts += legend
    return _svg(parts, title, frame.height)


def stacked_chart(
    title: str,
    unit: str,
    quarters: Sequence[str],
    layers: Sequence[Series],
    lines: Sequence[Series] = (),
    *,
    high: float | None = None,
) -> str:
    """Layers stacked bottom-up (NaN counts as 0), with optional dashed lines drawn over them.
    ``high``: the top of the value axis at least (charts to compare side by side share it)."""
    layers = _colored(layers)
    # The lines are drawn dashed: so are their keys in the legend.
    lines = [Series(s.label, s.values, s.color or "#222222", True) for s in lines]
    n = len(quarters)
    tops = [0.0] * n
    stacks: list[tuple[Series, list[float], list[float]]] = []
    for layer in layers:
        base = list(tops)
        for i in range(n):
            v = layer.values[i] if i < len(layer.values) else math.nan
            tops[i] += v if isinstance(v, int | float) and math.isfinite(v) else 0.0
        stacks.append((layer, base, list(tops)))
    values = tops + [v for s in lines for v in _finite(s.values)] + [high or 0.0]
    frame = _Frame(quarters, 0.0, _nice_max(max(values, default=1.0)))
    parts = frame.axes(title, unit)
    legend = frame.legend([*layers, *lines])
    for layer, base, top in stacks:
        if all(t - b <= 0 for t, b in zip(top, base, strict=True)):
            continue  # an empty layer (no owned capacity all match) draws no line on the stack
        upper = [f"{frame.x(i):.1f},{frame.y(top[i]):.1f}" for i in range(n)]
        lower = [f"{frame.x(i):.1f},{frame.y(base[i]):.1f}" for i in reversed(range(n))]
        tip = escape(
            f"{layer.label}: "
            + ", ".join(f"{quarters[i]} {_number(top[i] - base[i])}" for i in range(n))
        )
        parts.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{layer.color}"'
            f' fill-opacity="0.75" stroke="{layer.color}"><title>{tip}</title></polygon>'
        )
    for s in lines:
        for run in _runs(s.values):
            points = " ".join(f"{frame.x(i):.1f},{frame.y(v):.1f}" for i, v in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{s.color}"'
                ' stroke-width="2" stroke-dasharray="5 3"/>'
            )
    parts += legend
    return _svg(parts, title, frame.height)


def _runs(values: Sequence[float]) -> list[list[tuple[int, float]]]:
    """Consecutive finite points (a NaN breaks the line)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if isinstance(v, int | float) and math.isfinite(v):
            runs[-1].append((i, float(v)))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


CSS = """
svg { width: 100%; max-width: 100%; height: auto; font-family: inherit; }
svg .t { font-size: 16px; font-weight: 600; fill: #222; }
svg .u, svg .a { font-size: 13px; fill: #444; }
svg .g { stroke: #e3e3e3; stroke-width: 1; }
svg .f { fill: none; stroke: #bbb; }
svg .m line { stroke: #b00; stroke-width: 1; stroke-dasharray: 3 3; }
svg .m circle { fill: #b00; }
svg .m text { font-size: 12px; font-weight: 700; fill: #fff; }
svg .k text { font-size: 13px; fill: #333; }
svg .k .n { font-weight: 700; fill: #b00; }
@media print { svg { break-inside: avoid; } }
"""
"""Styles the charts need, for the page's ``<style>``: each chart as wide as the page's column
(its text then about as large as the page's, legible on a projector)."""
