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

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

_SGR = re.compile(r"\x1b\[([0-9;]*)m")

Series = dict[str, tuple[float, ...]]


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


class LineChart(PlotextPlot):
    """A line chart of named series over played quarters."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data: tuple[object, ...] | None = None
        self._version = 0
        self._rendered: tuple[object, ...] | None = None
        self._strips: list[Strip] = []

    def show(
        self, title: str, series: Series, ylabel: str = "", quarters: tuple[str, ...] = ()
    ) -> None:
        """Draw the series; nothing happens when they are the ones already drawn.
        ``quarters`` labels the x axis (value ``i`` of a series is quarter ``quarters[i]``)."""
        data = (title, ylabel, tuple(series.items()), quarters)
        if data == self._data:
            return
        self._data = data
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        drawn = False
        low, high = float("inf"), float("-inf")
        for name, values in series.items():
            points = [(i + 1, v) for i, v in enumerate(values) if v == v]
            if points:
                xs, ys = zip(*points, strict=True)
                plt.plot(list(xs), list(ys), label=name[:14], marker="braille")
                low, high = min(low, *ys), max(high, *ys)
                drawn = True
        if drawn:
            # Room above the lines for the legend (one row per series, top left), so it does
            # not hide the data.
            span = high - low or max(abs(high) * 0.1, 1.0)
            share = min(0.12 * len(series) + 0.05, 0.5)
            plt.ylim(low - span * 0.05, high + span * share / (1 - share))
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
        self._version += 1
        self.refresh()

    def show_bars(self, title: str, bars: dict[str, float]) -> None:
        """Draw one horizontal bar per label (first label on top): figures at a single moment,
        such as the opening ones before any quarter is played."""
        data = ("bars", title, tuple(bars.items()))
        if data == self._data:
            return
        self._data = data
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
            self._plot.plotsize(width, height)
            self._plot._set_size(width, height)  # as textual-plotext does (its issue #5)
            self._plot.theme(self._get_plotext_theme_name(self.app.theme))
            self._strips = [
                strip.crop_extend(0, width, None) for strip in ansi_to_strips(self._plot.build())
            ]
        return self._strips

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)
