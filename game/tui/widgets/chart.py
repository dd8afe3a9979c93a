"""Line charts: a plotext plot that rebuilds only when its data, size or theme changes.

``textual-plotext`` rebuilds the plot on every render, parses plotext's ANSI output with rich's
general decoder, and Textual then converts that text, span by span, into lines: together most
of an end-of-quarter redraw. :class:`LineChart` keeps its lines until its data, size or theme
change, and turns plotext's output straight into :class:`~textual.strip.Strip` lines with a
small decoder for the SGR codes plotext writes (one cached style per code sequence).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

from plotext._utility import colorize
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

_SGR = re.compile(r"\x1b\[([0-9;]*)m")

Series = dict[str, tuple[float, ...]]

MARKERS = ("braille", "•", "+", "x", "o", "*", "#")
"""Each line's glyph, in the order of the series: the lines are told apart without colour
(NO_COLOR, a monochrome or 16-colour terminal, red-green colour blindness), and the legend shows
each name after its line's glyph. The first line keeps plotext's fine braille dots."""

PALETTE = (
    (86, 180, 233),
    (230, 159, 0),
    (204, 121, 167),
    (0, 158, 115),
    (213, 94, 0),
    (0, 114, 178),
    (153, 153, 153),
)
"""Each line's colour on a dark theme, in the order of the series: the Okabe-Ito colours, told
apart with red-green colour blindness (sky blue and orange first: capacity against demand),
yellow left out. (plotext's own sequence drew the second and third lines green and red.)"""

LIGHT_PALETTE = (
    (0, 114, 178),
    (213, 94, 0),
    (170, 68, 153),
    (0, 128, 92),
    (176, 112, 0),
    (70, 70, 170),
    (110, 110, 110),
)
"""The same hues, darker, for a light theme (sky blue and orange are faint on white)."""


def glyph(index: int) -> str:
    """The glyph of series ``index`` as the legend shows it (braille dots for the first).

    >>> [glyph(k) for k in range(3)], glyph(len(MARKERS))
    (['⢕', '•', '+'], '⢕')
    """
    marker = MARKERS[index % len(MARKERS)]
    return "⢕" if marker == "braille" else marker


@lru_cache(maxsize=512)
def _style(codes: tuple[str, ...]) -> Style:
    """The style a run of SGR codes sets, as rich's own decoder reads it."""
    sample = Text.from_ansi("".join(f"\x1b[{c}m" for c in codes) + "x")
    return Style.combine(span.style for span in sample.spans if isinstance(span.style, Style))


def ansi_to_text(ansi: str) -> Text:
    """Parse plotext's ANSI output (SGR codes only) into rich text, like ``Text.from_ansi``."""
    text = Text()
    codes: list[str] = []
    for index, part in enumerate(_SGR.split(ansi)):
        if index % 2 == 0:
            if part:
                text.append(part, _style(tuple(codes)) if codes else None)
        elif part in ("", "0"):
            codes = []
        else:
            codes.append(part)
    return text


def ansi_to_strips(ansi: str) -> list[Strip]:
    """plotext's ANSI output as one strip per line (the same cells ``ansi_to_text`` gives)."""
    strips = []
    for line in ansi.split("\n"):
        segments = []
        codes: list[str] = []
        for index, part in enumerate(_SGR.split(line)):
            if index % 2 == 0:
                if part:
                    segments.append(Segment(part, _style(tuple(codes)) if codes else None))
            elif part in ("", "0"):
                codes = []
            else:
                codes.append(part)
        strips.append(Strip(segments))
    if strips and not strips[-1].cell_length:
        strips.pop()
    return strips


def short_quarter(label: str) -> str:
    """``2027 Q3`` → ``Q3 27``: a quarter in few cells for an axis."""
    year, _, quarter = label.partition(" ")
    return f"{quarter} {year[-2:]}" if quarter else label


def _legend_rows(labels: list[str], width: int) -> list[list[int]]:
    """The legend's entries (each a glyph and a name in its line's colour, two spaces apart)
    packed into rows of ``width`` cells, in order: each row a list of indexes into ``labels``.

    >>> _legend_rows(["Stratus", "Nimbus", "Azimuth", "Iron", "TensorPort"], 26)
    [[0, 1, 2], [3, 4]]
    """
    rows: list[list[int]] = []
    used = width + 1
    for index, label in enumerate(labels):
        cells = len(label)
        if rows and used + 2 + cells <= width:
            rows[-1].append(index)
            used += 2 + cells
        else:
            rows.append([index])
            used = cells
    return rows


def y_ticks(low: float, high: float, count: int) -> tuple[list[float], list[str]]:
    """At most ``count`` (and at most five) values from ``low`` to ``high``, the data's own
    range (none up in the room left for the legend: '8051.8' topped a chart whose highest
    value was 4,129), labelled to the precision their step needs, with thousands separated
    ('1,586', not '1585.5').

    >>> y_ticks(770.7, 2371.0, 5)
    ([770.7, 1170.775, 1570.85, 1970.925, 2371.0], ['771', '1,171', '1,571', '1,971', '2,371'])
    >>> y_ticks(3.5, 9.7, 3)[1]
    ['3.5', '6.6', '9.7']
    >>> y_ticks(5.0, 5.0, 4), y_ticks(1506.17, 1506.17, 4)
    (([5.0], ['5.0']), ([1506.17], ['1,506']))
    """
    count = max(min(count, 5), 2)
    if high - low < 1e-9:  # one value (one quarter played): as precise as its size needs
        size = abs(low)
        return [low], [f"{low:,.{0 if size >= 100 else 1 if size >= 1 else 2}f}"]
    step = (high - low) / (count - 1)
    decimals = 0 if step >= 10 else 1 if step >= 0.1 else 2
    ticks = [low + step * k for k in range(count)]
    return ticks, [f"{t:,.{decimals}f}" for t in ticks]


class LineChart(PlotextPlot):
    """A line chart of named series over played quarters."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data: tuple[object, ...] | None = None
        self._version = 0
        self._rendered: tuple[object, ...] | None = None
        self._strips: list[Strip] = []
        self._spec: tuple[str, Series, str, tuple[str, ...]] | None = None
        """What :meth:`show` draws (``None``: bars, built at once by :meth:`show_bars`)."""

    def show(
        self, title: str, series: Series, ylabel: str = "", quarters: tuple[str, ...] = ()
    ) -> None:
        """Draw the series; nothing happens when they are the ones already drawn.
        ``quarters`` labels the x axis (value ``i`` of a series is quarter ``quarters[i]``).
        The plot is built when it is drawn: where its legend goes depends on the size."""
        data = (title, ylabel, tuple(series.items()), quarters)
        if data == self._data:
            return
        self._data = data
        self._spec = (title, dict(series), ylabel, quarters)
        self._version += 1
        self.refresh()

    def _plot_lines(self, width: int, height: int) -> list[Strip]:
        """Build the line plot of :meth:`show` at this size; returns the legend rows to draw
        under it. The legend goes inside the plot (top left, with room made above the lines)
        when it takes at most a third of the plot's rows; otherwise (seven providers in a
        chart 11 rows high at 80 columns) it would hide the lines, so it goes under the plot:
        each name after its line's glyph (:data:`MARKERS`) in its line's colour, as many a row
        as fit, and the lines keep the plot."""
        assert self._spec is not None
        title, series, ylabel, quarters = self._spec
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        plt.title(title)
        drawn = [(name, values) for name, values in series.items() if any(v == v for v in values)]
        labels = [name[:14] for name, _ in drawn]
        # Under the plot each name follows its line's glyph, as plotext's own legend does.
        entries = [f"{glyph(k)} {label}" for k, label in enumerate(labels)]
        rows = _legend_rows(entries, width)
        plot_rows = height - 4  # title, frame top and bottom, quarter labels
        inside = len(labels) * 3 <= plot_rows or len(rows) >= height // 2
        low, high = float("inf"), float("-inf")
        palette = PALETTE if self.app.current_theme.dark else LIGHT_PALETTE
        for index, ((_, values), label) in enumerate(zip(drawn, labels, strict=True)):
            points = [(i + 1, v) for i, v in enumerate(values) if v == v]
            xs, ys = zip(*points, strict=True)
            plt.plot(
                list(xs),
                list(ys),
                label=label if inside else None,
                marker=MARKERS[index % len(MARKERS)],
                color=palette[index % len(palette)],
            )
            low, high = min(low, *ys), max(high, *ys)
        if drawn:
            # Inside, room above the lines for the legend (one row per series), so it does not
            # hide the data.
            span = high - low or max(abs(high) * 0.1, 1.0)
            share = min(0.12 * len(series) + 0.05, 0.5) if inside else 0.05
            plt.ylim(low - span * 0.05, high + span * share / (1 - share))
            ticks, tick_labels = y_ticks(low, high, max(plot_rows // 2, 3))
            plt.yticks(ticks, tick_labels)
        if drawn and quarters:
            n = len(quarters)
            step = max(1, -(-n // 4))  # at most four labels
            ticks = [float(t) for t in range(1, n + 1, step)]
            plt.xticks(ticks, [short_quarter(quarters[int(t) - 1]) for t in ticks])
            if n == 1:
                plt.xlim(0.5, 1.5)
        if not drawn:
            plt.text("no data yet", 0.5, 0.5, alignment="center")
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            plt.xticks([])
            plt.yticks([])
        if ylabel:
            plt.ylabel(ylabel)
        if inside or not drawn:
            return []
        monitor = self._monitor()
        colors = [c[0] for c in monitor.color]
        return [
            self._row([(entries[i], colors[i], "bold") for i in row], width, monitor)
            for row in rows
        ]

    @staticmethod
    def _row(parts: list[tuple[str, object, object]], width: int, monitor: Any) -> Strip:
        """One row of text outside the plot's frame (``parts``: text, plotext colour and
        style, two spaces apart), on the background plotext gives that area, padded to
        ``width`` cells."""
        background = monitor.axes_color
        pieces = [colorize(text, color, style, background) for text, color, style in parts]
        used = sum(len(text) for text, _, _ in parts) + 2 * max(len(parts) - 1, 0)
        ansi = colorize("  ", None, None, background).join(pieces)
        ansi += colorize(" " * max(width - used, 0), None, None, background) if width > used else ""
        return ansi_to_strips(ansi)[0].crop_extend(0, width, None)

    def show_bars(self, title: str, bars: dict[str, float]) -> None:
        """Draw one horizontal bar per label (first label on top): figures at a single moment,
        such as the opening ones before any quarter is played."""
        data = ("bars", title, tuple(bars.items()))
        if data == self._data:
            return
        self._data = data
        self._spec = None
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        labels = list(bars)[::-1]  # plotext draws the first bar at the bottom
        values = [max(bars[k], 0.0) for k in labels]
        if labels:
            plt.bar(labels, values, orientation="horizontal", width=0.6)
            plt.ylim(0.2, len(labels) + 0.8)  # a lone bar does not fill the whole box
            plt.xticks([])  # the labels carry the values
        self._version += 1
        self.refresh()

    def _lines(self) -> list[Strip]:
        key = (self._version, self.size, self.app.theme)
        if key != self._rendered:
            self._rendered = key
            width, height = self.size
            legend = self._plot_lines(width, height) if self._spec is not None else []
            height -= len(legend)
            self._plot.plotsize(width, height)
            self._plot._set_size(width, height)  # as textual-plotext does (its issue #5)
            self._plot.theme(self._get_plotext_theme_name(self.app.theme))
            strips = [
                strip.crop_extend(0, width, None) for strip in ansi_to_strips(self._plot.build())
            ][:height]
            title = self._title()
            if title and strips and title not in strips[0].text:
                # plotext leaves out a title it cannot centre over the plot's canvas (a unit
                # made 'Capacity vs demand kGPU' too long at 80 columns): centre it over the
                # whole chart instead, cut short only when wider than the chart.
                if len(title) > width:
                    title = title[: max(width - 1, 0)] + "…"
                monitor = self._monitor()
                pad = (width - len(title)) // 2
                strips[0] = self._row(
                    [(" " * pad + title, monitor.ticks_color, monitor.ticks_style)], width, monitor
                )
            self._strips = strips + legend
        return self._strips

    def _monitor(self) -> Any:
        """plotext's monitor of the plot (its colours, as the theme set them)."""
        return cast(Any, self._plot).monitor

    def _title(self) -> str:
        """The title of what is shown (lines or bars)."""
        data = self._data or ()
        if data and data[0] == "bars":
            return str(data[1])
        return str(data[0]) if data else ""

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)
