"""Nothing headless imports Textual (or Rich): proved in a fresh process (DESIGN §9)."""

from __future__ import annotations

import textwrap

from tests.fresh_python import run_fresh

HEADLESS = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import game.rules, game.engine, game.agents, game.arena, game.cli
    for module in pkgutil.iter_modules(game.arena.__path__):
        importlib.import_module("game.arena." + module.name)
    from game.cli import main
    status = main(["match", "--scenario", "tutorial", "--seed", "1", "--json"])
    assert status == 0, status
    loaded = sorted(
        name for name in sys.modules if name.split(".")[0] in ("textual", "rich", "game")
        and (name.split(".")[0] != "game" or name.startswith("game.tui"))
    )
    print("LOADED", loaded)
    """
)


def test_headless_modules_and_capwars_match_never_load_textual():
    assert run_fresh(HEADLESS).strip().splitlines()[-1] == "LOADED []"


def test_the_title_screen_loads_without_the_engine():
    # The app's start time (a benchmark figure, <= 2x a bare Textual app) depends on it: a
    # module-level engine import in game/tui/order_keys.py made the title screen 2.5x slower.
    code = (
        "import sys, game.tui.app, game.tui.screens.title\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'pydantic')"
        " or m.startswith('game.engine')))"
    )
    assert run_fresh(code).strip() == "[]"
