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
    ("standard", 42, ["balanced"] * 4, "dc4a300299d0b018b2dbf97ac2fa0b5c"),
    (
        "standard",
        7,
        ["hoarder:hard", "spot_trader:normal", "builder:easy", "random"],
        "af9ed5905d117abc31de3303671fea7f",
    ),
    (
        "history",
        2023,
        ["hedger:normal", "fast_follower:normal", "bullwhip:normal", "balanced"],
        "5035a099b475c75215908a7e45103c94",
    ),
    ("startup-squeeze", 5, None, "52a7672a51db5b6c084e616826bfd1a9"),
    ("tutorial", 1, None, "dc378789fa5c70b1fb3e3ca14c0e1b56"),
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
