"""The TUI figures of ``capwars bench``: start-up, end-quarter redraw, memory of a whole game, and
the class-play start (``capwars play --scenario tutorial --seed 7 --fixed``) up to its new-game
form being interactive.

>>> from game.tui.bench import run_tui_bench
>>> figures = run_tui_bench()          # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HELLO = """
import time
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("Hello, world")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Hello().run(headless=True)
"""

TITLE = """
import sys
from game.tui.app import make_app
app = make_app(saves=sys.argv[1], autosave=False)
app.exit_when_ready = True
app.run(headless=True)
"""

FIXED_FORM = """
import sys
from game.tui.app import make_app
from game.tui.screens.new_game import NewGameScreen
app = make_app(scenario="tutorial", seed=7, saves=sys.argv[1], autosave=False, fixed=True)
async def until_form(pilot):
    # Interactive: the fixed form is on screen, the company name has the focus, and every
    # message the form's set-up queued has been handled.
    while not (isinstance(app.screen, NewGameScreen) and app.screen.focused is not None
               and app.screen.focused.id == "company"):
        await pilot.pause(0)
    await pilot.pause(0)
    app.exit()
app.run(headless=True, auto_pilot=until_form)
"""
"""Class play's start in a fresh interpreter: the app, its title and the teacher's form."""


def _spawn_seconds(code: str, *args: str, runs: int = 3) -> float:
    """Median wall time of a fresh interpreter running ``code`` to its exit."""
    times = []
    root = Path(__file__).resolve().parents[2]
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, *args],
            check=True,
            cwd=root,
            capture_output=True,
            timeout=60,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _play(quarters: int, saves: str) -> tuple[list[float], int]:
    from game.tui.app import make_app
    from game.tui.screens.main import MainScreen
    from game.tui.session import GameSession

    app = make_app(saves=saves, autosave=False)
    redraws = []
    async with app.run_test(size=(120, 40)) as pilot:
        session = GameSession.new(app.content, "standard", 7, humans=1, rivals=["balanced"] * 3)
        app.start_session(session)
        await pilot.pause()
        while not isinstance(app.screen, MainScreen):
            app.pop_screen()
            await pilot.pause()
        screen = app.screen
        played = 0
        while not session.over and played < quarters:
            start = time.perf_counter()
            report = session.end_quarter()
            screen.after_quarter(report, show_report=False)
            await pilot.pause()
            redraws.append(time.perf_counter() - start)
            played += 1
    return redraws, played


async def _open_fixed_forms(times: int, saves: str) -> list[float]:
    """Seconds to open the class-play form (``--fixed``) ``times`` times in one running app,
    each until its set-up is done and it has been drawn (without the interpreter's start)."""
    from game.tui.app import make_app
    from game.tui.screens.new_game import NewGameScreen

    app = make_app(scenario="tutorial", seed=7, saves=saves, autosave=False, fixed=True)
    opened = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while isinstance(app.screen, NewGameScreen):  # the start's own form: back to the title
            app.pop_screen()
            await pilot.pause()
        for _ in range(times):
            start = time.perf_counter()
            drawn = asyncio.Event()
            app.new_game()
            await pilot.pause(0)  # no idle wait: the form's own messages, then a redraw
            await pilot.pause(0)
            app.screen.call_after_refresh(drawn.set)
            await drawn.wait()
            opened.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
    return opened


def run_tui_bench(quarters: int = 24) -> dict[str, Any]:
    """Measure the TUI figures of issue 3 and return them as a flat dict."""
    with tempfile.TemporaryDirectory() as saves:
        hello = _spawn_seconds(HELLO)
        title = _spawn_seconds(TITLE, saves)
        fixed = _spawn_seconds(FIXED_FORM, saves)
        forms = asyncio.run(_open_fixed_forms(7, saves))
        redraws, played = asyncio.run(_play(quarters, saves))
        # Memory is measured in a second game: tracing slows everything down.
        tracemalloc.start()
        asyncio.run(_play(quarters, saves))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "tui_hello_world_start_ms": round(hello * 1000, 1),
        "tui_title_start_ms": round(title * 1000, 1),
        "tui_title_vs_hello_ratio": round(title / hello, 2),
        "tui_fixed_form_start_ms": round(fixed * 1000, 1),
        "tui_fixed_form_open_median_ms": round(statistics.median(forms) * 1000, 1),
        "tui_end_quarter_redraw_median_ms": round(statistics.median(redraws) * 1000, 1),
        "tui_end_quarter_redraw_max_ms": round(max(redraws) * 1000, 1),
        "tui_quarters_played": played,
        "tui_peak_python_memory_mb": round(peak / 2**20, 1),
    }


if __name__ == "__main__":  # pragma: no cover
    for key, value in run_tui_bench().items():
        print(f"{key}: {value}")
