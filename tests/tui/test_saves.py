"""Saves are replays: the replay CLI reads them, loading is exact, rivals resume in step."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from game.arena.replay import read_replay, verify_replay
from game.arena.saves import (
    AUTOSAVE_KEEP,
    SaveError,
    latest_save,
    list_saves,
    peek_newest,
    read_save,
)
from game.cli import main
from game.engine import BidSpot
from game.rules import load_content
from game.rules.models import Content, Seat
from game.tui.session import HUMAN, GameSession

CONTENT = load_content()


@pytest.fixture(scope="module")
def content() -> Content:
    return CONTENT


def play(session: GameSession, quarters: int) -> None:
    for _ in range(quarters):
        session.add_order(BidSpot(provider="nimbus", quantity=2, max_price=9))
        session.end_quarter()


def test_a_save_is_a_replay_the_cli_shows_and_verifies(
    content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = [
        Seat(industry="startup", name="Tiny Labs"),
        Seat(industry="bank", name="Ledgerline Bank", rival="ledgerline"),
        Seat(industry="conglomerate", name="Kestrel Industries", rival="kestrel"),
    ]
    session = GameSession.create(
        content, "standard", 5, table, [HUMAN, "hedger:hard", "hoarder:easy"]
    )
    play(session, 2)
    path = session.save(tmp_path / "mine.jsonl")
    replay = read_replay(path, require_result=False)
    assert [(p.industry, p.rival, p.bot) for p in replay.header.players] == [
        ("startup", None, HUMAN),
        ("bank", "ledgerline", "hedger:hard"),
        ("conglomerate", "kestrel", "hoarder:easy"),
    ]
    # The human's orders are recorded as submitted actions, like any bot's.
    assert replay.quarters[0].submitted[0] == [
        {"type": "bid_spot", "provider": "nimbus", "quantity": 2.0, "max_price": 9.0}
    ]
    assert verify_replay(replay, content).ok
    assert main(["replay", "show", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "seat 0: Tiny Labs (human)" in shown and "a save of a match in progress" in shown
    # A gzip copy reads the same.
    gz = tmp_path / "mine.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert read_save(gz).quarters[-1].hash == session.state.last_hash


def test_a_finished_game_saves_as_a_complete_replay(
    content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = GameSession.new(content, "tutorial", 3)
    play(session, 8)
    assert session.over
    path = session.autosave(tmp_path)
    assert read_replay(path).finished
    assert main(["replay", "verify", str(path)]) == 0
    assert "OK: 8 quarters" in capsys.readouterr().out
    loaded = GameSession.from_save(content, read_save(path))
    assert loaded.over and loaded.state.last_hash == session.state.last_hash


def test_rivals_continue_identically_after_a_load(content: Content, tmp_path: Path) -> None:
    rivals = ["hoarder:hard", "bullwhip:easy", "fast_follower:normal"]
    straight = GameSession.new(content, "standard", 21, rivals=rivals)
    play(straight, 3)
    path = straight.save(tmp_path / "middle.jsonl")
    loaded = GameSession.from_save(content, read_save(path))
    assert loaded.state.last_hash == straight.state.last_hash
    assert loaded.seats == straight.seats
    play(straight, 3)
    play(loaded, 3)
    assert loaded.state.last_hash == straight.state.last_hash
    assert json.dumps(loaded.lines) == json.dumps(straight.lines)


def test_autosave_keeps_the_last_five_and_the_listing_survives_bad_files(
    content: Content, tmp_path: Path
) -> None:
    session = GameSession.new(content, "tutorial", 4)
    for _ in range(AUTOSAVE_KEEP + 2):
        play(session, 1)
        session.autosave(tmp_path)
    autos = sorted(p.name for p in tmp_path.glob("autosave-*"))
    assert autos == [f"autosave-{k:03d}.jsonl" for k in range(3, 8)]
    assert not list(tmp_path.glob(".*.tmp")), "no temp file is left behind"
    (tmp_path / "old.capwars.json").write_text("{}")
    (tmp_path / "cut.jsonl").write_text((tmp_path / "autosave-007.jsonl").read_text()[:-30])
    infos = {i.name: i for i in list_saves(tmp_path)}
    assert "older version" in infos["old"].error
    assert infos["cut"].error.startswith("line 8: the line is cut short")
    newest = latest_save(tmp_path)
    assert newest is not None and newest.ok
    assert peek_newest(tmp_path) is not None


def test_a_save_from_other_content_says_so(content: Content, tmp_path: Path) -> None:
    session = GameSession.new(content, "tutorial", 4)
    play(session, 1)
    path = session.save(tmp_path / "a.jsonl")
    other = tmp_path / "content"
    shutil.copytree(Path(__file__).parents[2] / "content", other)
    with (other / "industries.toml").open("a") as handle:
        handle.write("\n# changed\n")
    toml = other / "industries.toml"
    toml.write_text(toml.read_text().replace("starting_cash = 1500", "starting_cash = 1400"))
    with pytest.raises(SaveError, match="different game content"):
        GameSession.from_save(load_content(other), read_save(path))
