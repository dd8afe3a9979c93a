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
from game.tui.session import HUMAN, Facilitation, GameSession, hash_pin, pin_matches

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


def test_the_room_settings_are_saved_with_a_hashed_pin_and_restored(
    content: Content, tmp_path: Path
) -> None:
    room = Facilitation.create(lesson_mode=False, turn_seconds=90, pin="4321")
    table = content.scenario("tutorial").seats
    session = GameSession.create(
        content, "tutorial", 4, table, [HUMAN, "balanced"], facilitation=room
    )
    play(session, 1)
    path = session.save(tmp_path / "class.jsonl")
    header = json.loads(path.read_text().splitlines()[0])
    settings = header["settings"]
    assert settings["lesson_mode"] is False and settings["turn_seconds"] == 90
    assert settings["pin_hash"].startswith("pbkdf2-sha256$")
    assert "4321" not in json.dumps({k: v for k, v in settings.items() if k != "pin_hash"})
    assert settings["pin_hash"].split("$")[-1] != "4321" and '"4321"' not in path.read_text()
    # Salted: the same PIN hashes differently each time.
    assert Facilitation.create(pin="4321").pin_hash != room.pin_hash
    assert verify_replay(read_save(path), content).ok  # replays ignore the settings

    loaded = GameSession.from_save(content, read_save(path), Facilitation())
    assert loaded.facilitation == room
    assert loaded.facilitation.check_pin("4321") and not loaded.facilitation.check_pin("1234")
    assert loaded.prediction() is None  # lesson mode stays off
    again = loaded.save(tmp_path / "again.jsonl")
    assert json.loads(again.read_text().splitlines()[0])["settings"] == settings

    # A save from before settings were kept still loads, with the room's settings of the game
    # before it (or the defaults).
    lines = path.read_text().splitlines()
    old_header = {k: v for k, v in json.loads(lines[0]).items() if k != "settings"}
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join([json.dumps(old_header), *lines[1:]]) + "\n")
    assert read_save(old).header.settings == {}
    assert GameSession.from_save(content, read_save(old)).facilitation == Facilitation()
    assert GameSession.from_save(content, read_save(old), room).facilitation == room


def test_pin_hashes_check_only_their_pin() -> None:
    digest = hash_pin("2468", salt=b"0123456789abcdef", iterations=1000)
    assert digest == hash_pin("2468", salt=b"0123456789abcdef", iterations=1000)
    assert pin_matches("2468", digest) and not pin_matches("2469", digest)
    assert hash_pin("") == "" and not pin_matches("2468", "")
    assert not pin_matches("2468", "md5$1$00$00") and not pin_matches("2468", "garbage")
    assert Facilitation().check_pin("anything")  # no PIN set: nothing to check
    assert Facilitation.from_settings({}) is None
    odd = Facilitation.from_settings({"lesson_mode": "yes", "turn_seconds": True, "pin_hash": 5})
    assert odd == Facilitation()


def test_quarter_report_compares_with_the_last_quarter_only_when_there_is_one(
    content: Content,
) -> None:
    from game.tui.screens.report import figure_lines

    session = GameSession.new(content, "standard", 5)
    first = figure_lines(session, 0, session.end_quarter())
    assert not any("(was" in line for line in first)
    second = figure_lines(session, 0, session.end_quarter())
    assert any(line.startswith("[b]Cash[/b]") and "(was $" in line for line in second)
    assert not any("(was —)" in line for line in second)
