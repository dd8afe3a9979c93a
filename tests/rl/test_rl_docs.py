"""docs/RL.md as a researcher reads it: every Python block runs, its stated facts hold."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from game.engine import new_match
from game.rl.codec import Codec
from game.rl.parallel_env import CapacityWarsParallelEnv

DOC = Path(__file__).resolve().parents[2] / "docs" / "RL.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_its_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_python_block_runs(index):
    exec(compile(BLOCKS[index], f"docs/RL.md block {index}", "exec"), {})


def _rows(text: str, group: str) -> list[str]:
    """The observation table's rows from ``group`` on, up to the next group."""
    table = text.split("### Observations", 1)[1].split("\n\n", 2)[2]
    rows = table.split("\n")
    start = next(i for i, row in enumerate(rows) if row.startswith(f"| {group}"))
    block = [rows[start]]
    for row in rows[start + 1 :]:
        if not row.startswith("| |"):
            break
        block.append(row)
    return block


def test_the_observation_tables_region_block_is_in_vector_order(content):
    codec = Codec(new_match(content, "standard", seed=0).world)
    names = [d.name for d in codec.observation_layout()]
    first = names.index("power_price[us-east]")
    in_vector = [n.split("[")[0] for n in names[first : first + 13]]
    documented = re.findall(r"`(\w+)`", "\n".join(_rows(DOC.read_text(), "per region")))
    assert [n for n in documented if n in in_vector] == in_vector


def test_the_opening_observation_is_the_same_for_every_seed(content):
    env = CapacityWarsParallelEnv(scenario="standard", content=content)
    first, _ = env.reset(seed=1)
    second, _ = env.reset(seed=2)
    assert all(np.array_equal(first[a], second[a]) for a in first)
    zero = {a: np.zeros(env.action_space(a).shape, dtype=np.float32) for a in env.agents}
    env.reset(seed=1)
    one, *_ = env.step(zero)
    env.reset(seed=2)
    two, *_ = env.step(zero)
    assert not all(np.array_equal(one[a], two[a]) for a in one)
