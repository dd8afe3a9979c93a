"""Matches, replays, saves, tournaments and benchmarks: everything that runs the engine."""
