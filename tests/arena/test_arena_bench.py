"""The benchmark measures something real and prints it readably (it is not a timed test)."""

from __future__ import annotations

from game.arena.bench import format_table, run_bench
from game.rules import load_content


def test_bench_measures_steps_matches_and_think_time():
    result = run_bench(load_content(), repeats=2, min_seconds=0.0)
    steps, matches, think = result.figures
    assert steps.unit == "steps/s" and steps.median > 0 and steps.repeats == 2
    assert matches.unit == "matches/s" and matches.low <= matches.median <= matches.high
    assert think.unit == "µs/act" and think.median > 0
    table = format_table(result)
    assert "medians over 2 repeats" in table
    assert "steps/s" in table and "matches/s" in table
    data = result.to_json()
    assert [f["unit"] for f in data["figures"]] == ["steps/s", "matches/s", "µs/act"]
    assert isinstance(data["figures"][0]["meets_target"], bool)
