"""The single-seat env plays its opponents with run_match's own seat handling
(game.arena.match.SeatBots): a bot's failures read the same in both, word for word."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")
pytest.importorskip("gymnasium", reason="the RL extra is not installed: pip install '.[rl]'")

from game.agents.base import Bot
from game.arena.match import MAX_FAILURE_TEXT, run_match
from game.rl.single_env import CapacityWarsEnv


class Troubled(Bot):
    """Fails at setup, on every other turn, and at the end (at length)."""

    def setup(self, info):
        raise RuntimeError("no setup today")

    def act(self, observation):
        if observation.turn % 2:
            raise ValueError(f"odd turn {observation.turn}")
        return []

    def on_end(self, result):
        raise OSError("x" * 2000)


def test_a_bot_s_failures_read_the_same_in_the_env_and_in_a_match(content):
    outcome = run_match(content, "tutorial", 4, bots=["idle", Troubled()])
    in_match = [(turn, text) for turn, seat, text in outcome.failures if seat == 1]

    env = CapacityWarsEnv(scenario="tutorial", opponents=[Troubled()], content=content)
    env.reset(seed=4)
    hold = np.zeros(env.action_space.shape, dtype=np.float32)
    in_env: list[tuple[int, str]] = []
    done, turn = False, 0
    while not done:
        *_, term, trunc, info = env.step(hold)
        done = term or trunc
        texts = info.get("bot_failures", {}).get(1, "")
        in_env += [(-1 if t.startswith("setup") else turn, t) for t in texts.split("; ") if t]
        turn += 1

    lines = Path(__file__).read_text().splitlines()
    here = Path(__file__).name
    setup_line = lines.index('        raise RuntimeError("no setup today")') + 1
    end_line = lines.index('        raise OSError("x" * 2000)') + 1
    assert in_match[0] == (-1, f"setup failed: RuntimeError: no setup today ({here}:{setup_line})")
    # A long message is cut before the place, which stays.
    assert in_match[-1][1].startswith("on_end failed: OSError: xxx")
    assert in_match[-1][1].endswith(f"x… ({here}:{end_line})")
    assert len(in_match[-1][1]) == MAX_FAILURE_TEXT
    assert [t for _, t in in_env] == [t for _, t in in_match]
