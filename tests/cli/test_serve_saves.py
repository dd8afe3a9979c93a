"""``capwars serve --fixed`` finds a student's game of the class as the game finds its saves:
gzip saves (``.jsonl.gz``) too, which it skipped, opening the new-game form instead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.arena.saves import (
    latest_save,
    newest_started,
    peek_newest,
    peek_save,
    save_files,
    write_save,
)
from game.serve import class_game


@pytest.fixture(scope="module")
def games() -> dict[str, list[dict]]:
    """Save lines: the class's game (tutorial, seed 7) after two quarters, the same game not
    started, and a game of seed 8 after one quarter."""
    from game.rules import load_content
    from game.tui.session import GameSession

    content = load_content()
    ours = GameSession.new(content, "tutorial", 7)
    ours.end_quarter()
    ours.end_quarter()
    other = GameSession.new(content, "tutorial", 8)
    other.end_quarter()
    return {
        "ours": list(ours.lines),
        "fresh": list(GameSession.new(content, "tutorial", 7).lines),
        "other": list(other.lines),
    }


def _dated(path: Path, seconds: int) -> Path:
    os.utime(path, ns=(seconds * 10**9, seconds * 10**9))
    return path


def test_a_gzip_save_of_the_class_game_is_found(tmp_path: Path, games: dict) -> None:
    ours = _dated(write_save(tmp_path / "handed-back.jsonl.gz", games["ours"]), 1000)
    _dated(write_save(tmp_path / "autosave-new.jsonl", games["fresh"]), 2000)  # not started
    _dated(write_save(tmp_path / "autosave-8.jsonl", games["other"]), 3000)  # another seed
    assert class_game(tmp_path, "tutorial", 7) == ours
    # Continue, Load and the class lookup agree on what the folder holds.
    assert latest_save(tmp_path) is not None
    assert {p for _, p in save_files(tmp_path)} == set(tmp_path.iterdir())
    # A newer plain save of the class game wins over the older gzip one, and the other way.
    plain = _dated(write_save(tmp_path / "later.jsonl", games["ours"]), 1500)
    assert newest_started(tmp_path, "tutorial", 7) == plain
    _dated(ours, 1600)
    assert newest_started(tmp_path, "tutorial", 7) == ours
    assert newest_started(tmp_path, "tutorial", 9) is None


def test_a_gzip_save_is_peeked_like_a_plain_one(tmp_path: Path, games: dict) -> None:
    plain = write_save(tmp_path / "a.jsonl", games["ours"])
    packed = write_save(tmp_path / "b.jsonl.gz", games["ours"])
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    assert peek_save(plain) == peek_save(packed) == (games["ours"][0], games["ours"][-1])
    _dated(plain, 1000)
    _dated(packed, 2000)
    # The title screen's hint for a gzip save: whose game and where it stands, as for any.
    name, hint = peek_newest(tmp_path) or ("", "")
    assert name == "b"
    assert hint.startswith("tutorial, seed 7 · after ") or " · tutorial, seed 7 · after " in hint


def test_broken_hidden_and_old_files_are_not_the_class_game(tmp_path: Path, games: dict) -> None:
    (tmp_path / "cut.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    (tmp_path / "not-gzip.jsonl.gz").write_text("{}\n")
    (tmp_path / "empty.jsonl").write_text("")
    for path in tmp_path.iterdir():
        assert peek_save(path) is None, path
    # The class's game, but in a save being written (write_atomic's hidden temp file), a
    # hidden file, or the first TUI's format: none of them is a save to open.
    ours = write_save(tmp_path / "ours.jsonl", games["ours"]).read_bytes()
    (tmp_path / "ours.jsonl").unlink()
    for name in (".autosave-x.jsonl.123.tmp", ".hidden.jsonl", "old.capwars.json"):
        (tmp_path / name).write_bytes(ours)
    assert class_game(tmp_path, "tutorial", 7) is None
    assert class_game(tmp_path / "missing", "tutorial", 7) is None
    assert peek_newest(tmp_path / "missing") is None
    assert all(not p.name.startswith(".") for _, p in save_files(tmp_path))
    assert "old.capwars.json" not in {p.name for _, p in save_files(tmp_path, old=False)}
