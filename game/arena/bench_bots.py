"""Bot-host figures: how long an external bot takes to start and to answer a turn.

>>> from game.arena.bench_bots import measure_bot_host
>>> figures = measure_bot_host(turns=50)                        # doctest: +SKIP
>>> figures["turn_round_trip_ms"]["median"] < 1.0                # doctest: +SKIP
True

The trivial bot is a few lines of stdlib Python that parse each message and answer every turn
with no actions, so the figures are the host's own cost: the sandbox wrapper, the namespaces, the
pipes, the JSON.
*Start* is spawn → ``ready``; *round trip* is the turn line written → the actions line read
(encoding the observation is timed apart, as ``encode_ms``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from game.agents.base import SetupInfo
from game.arena.codec import observation_json
from game.arena.host import ExternalBot, namespace_prefix
from game.arena.match import setup_info
from game.engine.observation import observe
from game.engine.setup import new_match
from game.rules.loader import load_content

TRIVIAL_BOT = """\
import json, sys
out = sys.stdout
for line in sys.stdin:
    message = json.loads(line)
    kind = message["type"]
    if kind == "turn":
        out.write('{"type":"actions","turn":%d,"actions":[]}\\n' % message["turn"])
    elif kind == "hello":
        out.write('{"type":"ready"}\\n')
    elif kind == "end":
        break
    out.flush()
"""


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 4),
        "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 4),
        "min": round(ordered[0], 4),
        "n": len(ordered),
    }


def measure_bot_host(
    turns: int = 200, starts: int = 10, scenario: str = "standard", seed: int = 0
) -> dict[str, Any]:
    """Start a trivial subprocess bot ``starts`` times and play ``turns`` turns with it.

    Returns milliseconds: ``bot_start_ms`` and ``turn_round_trip_ms`` (median, p90, min, n),
    ``encode_ms`` (observation → JSON line, median) and whether namespaces were used.
    """
    content = load_content()
    state = new_match(content, scenario, seed)
    observation = observe(state, 0)
    info: SetupInfo = setup_info(state, 0)
    start_ms: list[float] = []
    trip_ms: list[float] = []
    with tempfile.TemporaryDirectory(prefix="capwars-bench-") as folder:
        script = Path(folder) / "trivial_bot.py"
        script.write_text(TRIVIAL_BOT, encoding="utf-8")
        command = [sys.executable, "-S", "-E", str(script)]
        for _ in range(starts):
            bot = ExternalBot(command)
            started = time.perf_counter()
            bot.setup(info)
            start_ms.append((time.perf_counter() - started) * 1e3)
            if bot.failure is not None:
                raise RuntimeError(f"the trivial bot failed: {bot.failure.text()}")
            bot.close()
        bot = ExternalBot(command)
        bot.setup(info)
        try:
            for _ in range(turns):
                bot.act(observation)
            if bot.failure is not None:
                raise RuntimeError(f"the trivial bot failed: {bot.failure.text()}")
            trip_ms = [t * 1e3 for t in bot.turn_seconds]
        finally:
            bot.close()
    encode: list[float] = []
    for _ in range(min(turns, 50)):
        started = time.perf_counter()
        observation_json(observation)
        encode.append((time.perf_counter() - started) * 1e3)
    return {
        "bot_start_ms": _summary(start_ms),
        "turn_round_trip_ms": _summary(trip_ms),
        "encode_ms": round(statistics.median(encode), 4),
        "observation_bytes": len(observation_json(observation)),
        "namespaces": bool(namespace_prefix()),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure_bot_host(), indent=2))
