"""Overview: charts of spot prices, capacity against demand and cash; the capacity waterfall."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from game.tui.format import kgpu
from game.tui.session import SeatView
from game.tui.widgets.section import Section


def draw_lines(
    plot: PlotextPlot, title: str, series: dict[str, tuple[float, ...]], ylabel: str = ""
) -> None:
    """Redraw a plotext line chart of named series over played quarters."""
    plt = plot.plt
    plt.clear_data()
    plt.clear_figure()
    plt.title(title)
    drawn = False
    for name, values in series.items():
        points = [(i + 1, v) for i, v in enumerate(values) if v == v]
        if points:
            xs, ys = zip(*points, strict=True)
            plt.plot(list(xs), list(ys), label=name[:14], marker="braille")
            drawn = True
    if not drawn:
        plt.text("no quarter played yet", 0.5, 0.5, alignment="center")
        plt.xlim(0, 1)
        plt.ylim(0, 1)
    if ylabel:
        plt.ylabel(ylabel)
    plot.refresh()


class OverviewSection(Section):
    HELP_TEXT = (
        "Overview: the market and your company at a glance. The waterfall shows, per region,"
        " how many of your own accelerators are installed, networked, powered and used; the"
        " binding input (chips, network or power) is the one to buy more of."
    )

    def compose(self) -> ComposeResult:
        with Horizontal(classes="charts"):
            yield PlotextPlot(id="chart-spot")
            yield PlotextPlot(id="chart-capacity")
            yield PlotextPlot(id="chart-cash")
        yield Static("Capacity waterfall of your own infrastructure (kGPU)", classes="subtitle")
        yield DataTable(id="waterfall", cursor_type="none", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#waterfall", DataTable)
        table.add_columns("Region", "Installed", "Networked", "Powered", "Used", "Binding input")

    def show(self, view: SeatView) -> None:
        obs = view.obs
        names = {p.id: p.name.split()[0] for p in obs.providers}
        draw_lines(
            self.query_one("#chart-spot", PlotextPlot),
            "Spot $M/kGPU-q",
            {names[k]: v for k, v in obs.spot_history.items()},
        )
        h = view.history
        draw_lines(
            self.query_one("#chart-capacity", PlotextPlot),
            "Capacity vs demand",
            {"capacity": h["capacity"], "demand": h["demand"]},
        )
        draw_lines(self.query_one("#chart-cash", PlotextPlot), "Cash $M", {"cash": h["cash"]})
        table = self.query_one("#waterfall", DataTable)
        table.clear()
        report = view.report
        rows = report.players[obs.seat].waterfall if report else ()
        regions = {r.id: r.name for r in obs.regions}
        for row in rows:
            cells = {
                "chips": kgpu(row.installed),
                "network": kgpu(row.networked),
                "power": kgpu(row.powered),
            }
            styled = [
                f"[reverse red]{v}[/]" if key == row.binding else v for key, v in cells.items()
            ]
            table.add_row(
                regions.get(row.region, row.region),
                *styled,
                kgpu(row.used),
                row.binding if row.binding != "none" else "—",
            )
        if not rows:
            table.add_row("No owned capacity yet", "", "", "", "", "")
