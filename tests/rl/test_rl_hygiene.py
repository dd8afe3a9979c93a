"""Without the extra: game.rl imports lazily (the codec and PolicyBot need neither library), and
nothing else in game imports game.rl."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from tests.fresh_python import run_fresh

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys
    import game.engine, game.agents, game.cli
    before = sorted(n for n in sys.modules if n.startswith(("game.rl", "pettingzoo", "gymnasium")))
    import game.rl, game.rl.codec, game.rl.policy
    after = sorted(n for n in sys.modules if n.startswith(("pettingzoo", "gymnasium")))
    print("BEFORE", before)
    print("AFTER", after)
    """
)


def test_the_codec_and_the_package_need_no_extra():
    stdout = run_fresh(SCRIPT)
    lines = stdout.strip().splitlines()
    assert lines[-2:] == ["BEFORE []", "AFTER []"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# `capwars bench` measures the RL env when the extra is installed: a lazy import inside the
# command's handler, guarded by ImportError, never at module level.
LAZY_BENCH = {"game/cli.py": {"game.rl.bench", "game.rl.bench.run_rl_bench"}}


def test_only_game_rl_imports_the_extra_and_nothing_imports_game_rl():
    offenders = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        if (ROOT / "game" / "rl") in path.parents:
            continue
        allowed = LAZY_BENCH.get(str(path.relative_to(ROOT)), set())
        for name in _imports(path) - allowed:
            if name.split(".")[0] in ("pettingzoo", "gymnasium") or name.startswith("game.rl"):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_the_cli_imports_the_rl_bench_only_lazily():
    tree = ast.parse((ROOT / "game" / "cli.py").read_text(encoding="utf-8"))
    top_level = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert not any(name.startswith("game.rl") for name in top_level)


MAKE_BY_MODULE = textwrap.dedent(
    """
    import gymnasium
    env = gymnasium.make("game.rl:CapacityWars-v0", scenario="tutorial")
    obs, _ = env.reset(seed=1)
    print("MODULE", obs.shape)
    import game.rl  # already imported by gymnasium.make: the id stays registered once
    env = gymnasium.make("CapacityWars-v0", scenario="tutorial")
    print("PLAIN", env.unwrapped.codec.action_size)
    """
)


def test_gymnasium_make_finds_the_id_in_a_fresh_process():
    pytest.importorskip("gymnasium", reason="the RL extra is not installed")
    pytest.importorskip("pettingzoo", reason="the RL extra is not installed")
    stdout = run_fresh(MAKE_BY_MODULE)
    assert stdout.split() == ["MODULE", "(63,)", "PLAIN", "15"]


def test_importing_game_rl_after_gymnasium_registers_the_id():
    script = "import gymnasium, game.rl; print(game.rl.ENV_ID in gymnasium.registry)"
    pytest.importorskip("gymnasium", reason="the RL extra is not installed")
    stdout = run_fresh(script)
    assert stdout.split() == ["True"]
