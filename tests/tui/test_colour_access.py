"""Play without relying on colour: a red-green colour-blind player, a 16-colour terminal over
SSH, ``NO_COLOR=1``. Every meaning a colour carries is carried by a glyph or a word as well, and
the colours that remain are told apart with red-green colour blindness."""

from __future__ import annotations

import doctest
import math
import re
from pathlib import Path

import pytest
from plotext._dict import themes as plotext_themes
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static
from tui_helpers import dismiss_notes, end_quarter, new_app, start_game

from game.engine import BidSpot
from game.rules import load_content
from game.tui import format as format_module
from game.tui.format import BAD, GOOD, judged
from game.tui.screens.game_over import GameOverScreen
from game.tui.screens.report import standing_lines
from game.tui.session import GameSession
from game.tui.widgets import chart as chart_module
from game.tui.widgets.chart import LIGHT_PALETTE, MARKERS, PALETTE, LineChart, glyph
from game.tui.widgets.orders import capacity_plan
from game.tui.widgets.section import short
from game.tui.widgets.status import StatusLine

CONTENT = load_content()
QUARTERS = tuple(f"{2027 + q // 4} Q{q % 4 + 1}" for q in range(6))
LINE = set("•+xo*#⢕") | {chr(c) for c in range(0x2801, 0x2900)}
"""The cells of a line (its glyphs and braille dots)."""
PROVIDERS = ("Stratus", "Nimbus", "Azimuth", "Iron", "TensorPort", "Bluefin", "Nordhall")


class ChartApp(App[None]):
    """One chart of a given size, as the Overview's and the Rivals' are."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.chart_size = (width, height)

    def compose(self) -> ComposeResult:
        chart = LineChart()
        chart.styles.width, chart.styles.height = self.chart_size
        yield chart


def crossing(count: int) -> dict[str, tuple[float, ...]]:
    """``count`` lines that cross each other, as seven providers' spot prices do."""
    return {
        name: tuple(3 + k * 0.4 + math.sin(q + k) for q in range(len(QUARTERS)))
        for k, name in enumerate(PROVIDERS[:count])
    }


async def drawn(
    count: int, width: int, height: int, theme: str = "textual-dark"
) -> tuple[list[str], set[object]]:
    """The chart's lines as text, and the colours its lines are drawn in. plotext keeps the
    theme each app theme maps to in a global registry, filled once by the first app that shows
    it: the registry is left as it was, so that this test app's light theme (its own surface
    colour) is not the one the light-theme snapshot draws with."""
    saved = dict(plotext_themes)
    try:
        return await draw(count, width, height, theme)
    finally:
        plotext_themes.clear()
        plotext_themes.update(saved)


async def draw(count: int, width: int, height: int, theme: str) -> tuple[list[str], set[object]]:
    async with ChartApp(width, height).run_test(size=(100, 30)) as pilot:
        pilot.app.theme = theme
        chart = pilot.app.query_one(LineChart)
        chart.show("Spot", crossing(count), quarters=QUARTERS)
        await pilot.pause()
        strips = [chart.render_line(y) for y in range(chart.size.height)]
        colours = {
            tuple(s.style.color.get_truecolor())
            for strip in strips
            for s in strip
            if s.style and s.style.color and s.text.strip() and set(s.text.strip()) <= LINE
        }
        return [strip.text for strip in strips], colours


async def test_seven_lines_are_told_apart_without_colour() -> None:
    """Found with NO_COLOR=1 in a standard game: the Overview's spot chart drew seven
    providers in the same braille dots, told apart by colour alone, and the legend under it
    named them in their line's colour: without colour no line could be named."""
    lines, colours = await drawn(7, 32, 20)
    plot, legend = lines[:-3], "\n".join(lines[-3:])
    for k in range(7):
        # Each line in its own glyph, and the legend says which glyph is whose.
        assert f"{glyph(k)} {PROVIDERS[k]}" in legend, legend
        if k:
            assert any(MARKERS[k] in row for row in plot), (k, "\n".join(plot))
    assert any(c in row for row in plot for c in "⠁⠉⠑⠒⠢⠤⡀⢄⣀⠊⠔"), "\n".join(plot)
    # The lines' colours come from the colour-blind-safe palette, none repeated.
    assert colours and colours <= {tuple(c) for c in PALETTE}, colours


async def test_two_lines_have_their_own_glyphs_in_the_legend_inside_the_plot() -> None:
    """Capacity against demand: the legend inside the plot showed '⢕⢕ capacity' and
    '⢕⢕ demand', the same glyph twice, in blue and green."""
    lines, colours = await drawn(2, 40, 18)
    text = "\n".join(lines)
    assert f"{glyph(0)}{glyph(0)} Stratus" in text, text
    assert f"{glyph(1)}{glyph(1)} Nimbus" in text, text
    assert glyph(0) != glyph(1)
    # Sky blue and orange: the pair red-green colour blindness tells apart best.
    assert colours == {tuple(PALETTE[0]), tuple(PALETTE[1])}, colours
    # On a light theme the same hues, darker (sky blue and orange were faint on white).
    _, colours = await drawn(2, 40, 18, theme="textual-light")
    assert colours == {tuple(LIGHT_PALETTE[0]), tuple(LIGHT_PALETTE[1])}, colours


def test_palette_has_no_red_green_pair() -> None:
    """plotext's default sequence drew the second and third lines green and red (Nimbus and
    Azimuth, or two rivals' market shares): the one pair red-green colour blindness cannot
    tell apart."""

    def hue(rgb: tuple[int, int, int]) -> str:
        r, g, b = rgb
        if r > 150 and g < 80 and b < 120:
            return "red"
        if g > 150 and r < 100 and b < 100:
            return "green"
        return "other"

    for palette in (PALETTE, LIGHT_PALETTE):
        hues = [hue(tuple(c)) for c in palette]  # type: ignore[arg-type]
        assert "red" not in hues or "green" not in hues, palette
        assert len(set(palette)) == len(palette) == len(MARKERS)
    assert len(set(map(glyph, range(len(MARKERS))))) == len(MARKERS)


def test_doctests_of_the_format_and_chart_modules() -> None:
    assert doctest.testmod(format_module).failed == 0
    assert doctest.testmod(chart_module).failed == 0


def test_on_or_off_target_shows_without_colour() -> None:
    """The Overview's 'served 52% (aim 85%)' was red or green and nothing else."""
    off, on = judged("52%", False), judged("$4.10M", True)
    assert Text.from_markup(off).plain == "52% ✗"
    assert Text.from_markup(on).plain == "$4.10M ✓"
    assert BAD in off and GOOD in on
    for markup in (off, on):
        assert "red" not in markup and "green" not in markup


def short_quarter_session() -> GameSession:
    """The tutorial after a quarter that turned customers away (a small spot bid)."""
    session = GameSession.new(CONTENT, "tutorial", 5)
    session.add_order(BidSpot(provider="stratus", quantity=5, max_price=9))
    session.end_quarter()
    return session


def test_header_warns_with_a_glyph_when_customers_were_turned_away() -> None:
    """The header's served figure was red when customers were turned away, green when not:
    with NO_COLOR (or red-green colour blindness) the two looked the same."""
    session = short_quarter_session()
    view = session.view()
    for width in (120, 100, 78):
        line = Text.from_markup(StatusLine.line(view, "", width)).plain
        assert "⚠" in line, (width, line)
    session.add_order(BidSpot(provider="stratus", quantity=14, max_price=12))
    session.end_quarter()
    view = session.view()
    last = view.obs.me.last
    assert last["served"] >= last["demand"] - 0.05, last
    line = StatusLine.line(view, "", 120)
    assert "⚠" not in line and "green" not in line, line


def test_orders_plan_marks_a_shortfall_without_red_against_green() -> None:
    session = short_quarter_session()
    view = session.view()
    plan = capacity_plan(view)
    assert "⚠" in Text.from_markup(plan).plain, plan
    assert "kGPU short" in plan
    assert "red" not in plan and "green" not in plan, plan


async def test_overview_score_and_rivals_chart_read_without_colour(tmp_path: Path) -> None:
    """After a quarter: the Overview's aims are marked ✓ or ✗, and the Rivals' market-share
    chart names your line as yours (the table said '(you)', the chart only a colour)."""
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=(100, 30)) as pilot:
        screen = await start_game(pilot)
        session = pilot.app.session
        assert session is not None
        session.add_order(BidSpot(provider="stratus", quantity=5, max_price=9))
        await end_quarter(pilot)
        await dismiss_notes(pilot)
        score = str(screen.query_one("#score", Static).render())
        # Each aim carries the mark that matches it (a one-sided check passed on any ✓).
        score = score.replace("\n", " ")
        served = re.search(r"Served (\d+)% ([✓✗]) \(aim (\d+)%\)", score)
        assert served, score
        assert (served[2] == "✓") == (int(served[1]) >= int(served[3])), score
        cost = re.search(r"compute/kGPU \$([\d.]+)M ([✓✗]) \(aim \$([\d.]+)M\)", score)
        assert cost, score
        assert (cost[2] == "✓") == (float(cost[1]) <= float(cost[3])), score
        await pilot.press("5")
        await pilot.pause()
        chart = screen.query_one("#chart-share", LineChart)
        text = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        me = session.view().obs.me.name
        assert f"{me} (you)" in text, text


async def test_no_color_highlighted_row_shows_with_and_without_focus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With NO_COLOR=1 (grey shades only) the highlighted row of a table without the focus
    was one shade lighter than the zebra stripes: after Tab, which region would c order chips
    in? Now reverse while the table has the focus, underlined while it does not."""
    monkeypatch.setenv("NO_COLOR", "1")
    async with new_app(tmp_path, "tutorial", seed=5).run_test(size=(100, 30)) as pilot:
        assert pilot.app.no_color
        screen = await start_game(pilot)
        await pilot.press("3", "down")
        table = screen.query_one("#regions", DataTable)

        def cursor_style() -> Style:
            y = table.cursor_row + 1  # under the header row
            strip = table.render_line(y)
            return Style.combine(s.style for s in strip if s.style and s.text.strip())

        assert screen.focused is table
        assert cursor_style().reverse, cursor_style()
        table.blur()
        await pilot.pause()
        assert screen.focused is not table
        assert cursor_style().underline, cursor_style()
        # Rows other than the highlighted one stay plain.
        other = Style.combine(
            s.style for s in table.render_line(table.cursor_row + 2) if s.style and s.text.strip()
        )
        assert not other.underline and not other.reverse, other


async def test_game_over_charts_name_your_line_and_the_report_says_which_way_you_moved(
    tmp_path: Path,
) -> None:
    """The final charts told your line from the rivals' only by colour, and the quarter
    report's rank change was a green or red "(was 3)"."""
    session = GameSession.new(CONTENT, "tutorial", 7)
    while not session.over:
        session.end_quarter()
    path = session.autosave(tmp_path)
    async with new_app(tmp_path, load=str(path)).run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, GameOverScreen)
        me = session.state.names[0]
        for chart_id in ("#over-ev", "#over-share"):
            spec = screen.query_one(chart_id, LineChart)._spec
            assert spec is not None
            names = list(spec[1])
            assert [n for n in names if n.endswith(" (you)")] == [short(me, 8) + " (you)"]
            assert all(len(n) <= 14 for n in names if n.endswith("(you)")), names
    # A rank that changed is said in words as well as colour: in standard's seed 1 an idle
    # seat 0 goes up, then down, in its first four quarters.
    session = GameSession.new(CONTENT, "standard", 1)
    for _ in range(4):
        session.end_quarter()
    moves = [
        line
        for report in session.reports
        for line in standing_lines(session, 0, report)
        if "rank" in line and "from" in line
    ]
    assert any("up from" in m for m in moves) and any("down from" in m for m in moves), moves
    for line in moves:
        plain = Text.from_markup(line).plain
        assert re.search(r"\((up|down) from \d\)", plain), plain
        assert "green" not in line and "red" not in line, line
