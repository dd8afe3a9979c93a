"""``capwars replay verify|show``: OK, tampered quarters named, damaged files fail cleanly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def replay_file(capwars, tmp_path: Path) -> Path:
    proc = capwars(
        "match", "--scenario", "tutorial", "--seed", "5", "--bot", "random", "--replay", "r.jsonl"
    )
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "r.jsonl"


def test_verify_ok(capwars, replay_file: Path):
    proc = capwars("replay", "verify", str(replay_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: 8 quarters, final hash ")


def test_verify_names_the_first_quarter_that_differs(capwars, replay_file: Path):
    lines = replay_file.read_text().splitlines()
    quarter = json.loads(lines[1 + 3])
    quarter["submitted"][1] = [{"type": "set_service_price", "price": 2.5}]
    lines[1 + 3] = json.dumps(quarter)
    replay_file.write_text("\n".join(lines) + "\n")
    proc = capwars("replay", "verify", str(replay_file))
    assert proc.returncode == 1
    assert "quarter 3" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) * 2 // 3],
        lambda data: b"\x00\x01garbage" * 20,
        lambda data: b"\x1f\x8b" + data[:40],
        lambda data: data.replace(b'"format":1', b'"format":7', 1),
    ],
    ids=["truncated", "garbage", "corrupt-gzip", "future-format"],
)
def test_damaged_replays_fail_cleanly(capwars, replay_file: Path, damage):
    replay_file.write_bytes(damage(replay_file.read_bytes()))
    for action in ("verify", "show"):
        proc = capwars("replay", action, str(replay_file))
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("capwars: error: ")
        assert str(replay_file.name) in proc.stderr


def test_show_prints_quarters_actions_and_result(capwars, replay_file: Path):
    proc = capwars("replay", "show", str(replay_file))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2027 Q1 (quarter 0)  hash " in out
    assert "events:" in out
    assert "    + " in out  # an applied action
    assert "result (final hash" in out


def test_show_prints_rejections_with_their_code(capwars, tmp_path: Path):
    (tmp_path / "wrong.py").write_text(
        "from game.agents import Bot\n"
        "class Wrong(Bot):\n"
        "    def act(self, observation):\n"
        "        return [{'type': 'bid_spot', 'provider': 'nowhere', 'quantity': 1,"
        " 'max_price': 5}]\n"
    )
    proc = capwars("match", "--scenario", "tutorial", "--bot", "wrong.py", "--replay", "w.jsonl")
    assert proc.returncode == 0, proc.stderr
    proc = capwars("replay", "show", "w.jsonl")
    assert "- bid_spot rejected [unknown_provider]: unknown provider 'nowhere'" in proc.stdout
