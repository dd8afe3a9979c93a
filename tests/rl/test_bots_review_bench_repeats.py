"""`capwars bench --repeats N` counts for the RL section too (bots review)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pettingzoo", reason="the RL extra is not installed: pip install '.[rl]'")

from game.cli import main


def test_bench_rl_takes_repeats(monkeypatch: pytest.MonkeyPatch, capsys):
    import game.rl.bench as rl_bench

    seen: dict[str, object] = {}

    def fake(**kwargs: object) -> dict[str, object]:
        seen.update(kwargs)
        return {"repeats": kwargs["repeats"]}

    monkeypatch.setattr(rl_bench, "run_rl_bench", fake)
    assert main(["bench", "--quick", "--only", "rl", "--repeats", "4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rl"] == {"repeats": 4}  # was 2: ignored
    assert main(["bench", "--quick", "--only", "rl", "--json"]) == 0
    assert seen["repeats"] == 2


def test_bench_repeats_help_names_the_sections_it_counts_for(capsys):
    # It said "repeats of every section": the bot-host and TUI sections do not repeat.
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "repeats of the engine, tournament and RL sections" in help_text
    assert "the bots and tui sections do not repeat" in help_text
