"""Golden numbers: pinned final hashes of whole matches (the engine's "perft" counts).

Each hash covers the whole hash chain, so it pins every quarter of the match: every phase,
every random draw, every bot decision. The same figures must come out on every machine,
platform and supported Python version (3.12 changed the built-in ``sum()`` of floats, which
is why the engine adds floats with :func:`game.engine.summing.add_up`).

A change that alters the rules or the content on purpose changes these hashes: check that the
change was meant (``capwars replay verify`` on an old replay names the first quarter that
differs), then update the figures here. A change meant only to make code faster or tidier must
leave them alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from game.arena.match import run_match

ROOT = Path(__file__).resolve().parents[2]

GOLDEN = [
    ("standard", 42, ["balanced"] * 4, "52f8ec68d0a9bda07a36d1fefcac8a7f"),
    (
        "standard",
        7,
        ["hoarder:hard", "spot_trader:normal", "builder:easy", "random"],
        "de0e5332c1b212f45d10d39544875add",
    ),
    (
        "history",
        2023,
        ["hedger:normal", "fast_follower:normal", "bullwhip:normal", "balanced"],
        "3bd41547a98f999b5964e3d2a5fd6d49",
    ),
    ("startup-squeeze", 5, None, "19d937f255f26f5e2fb7b96a9edb12aa"),
    ("tutorial", 1, None, "76c8a0c1744e426c3fcdca232e9ef32f"),
]


@pytest.mark.parametrize(("scenario", "seed", "bots", "expected"), GOLDEN)
def test_match_reproduces_its_golden_final_hash(content, scenario, seed, bots, expected):
    outcome = run_match(content, scenario, seed, bots)
    assert outcome.final_hash == expected, (
        f"{scenario} seed {seed} with {bots or 'balanced'}: the final hash changed. If the rules"
        " or the content changed on purpose, update GOLDEN in this file; otherwise a change"
        " altered the simulation (see this module's docstring)."
    )


@pytest.mark.parametrize("package", ["engine", "agents"])
def test_engine_and_bots_never_call_builtin_sum(package):
    """``sum()`` of floats gives other bits on Python 3.12+; ``add_up`` gives the same on all."""
    offenders = []
    for path in sorted((ROOT / "game" / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "sum"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, (
        "use game.engine.summing.add_up (floats) or len()/count() (counts) instead of the"
        " built-in sum(), whose float result differs between Python versions: "
        + ", ".join(offenders)
    )
