"""Saves are replays: the replay CLI reads them, loading is exact, rivals resume in step."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import SIZE, new_app, one_line

from game.arena.replay import read_replay, verify_replay
from game.arena.saves import (
    SaveError,
    autosave_path,
    latest_save,
    list_saves,
    peek_newest,
    read_save,
)
from game.cli import main
from game.engine import BidSpot
from game.rules import load_content
from game.rules.models import Content, Seat
from game.tui.app import CapwarsApp
from game.tui.screens.game_over import GameOverScreen
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
    # Loaded from a named save (no autosave of the game in the folder), the game keeps its id
    # and so autosaves into its own file: the same lines as the game played straight.
    assert loaded.game_id == straight.game_id
    assert json.dumps(loaded.lines) == json.dumps(straight.lines)


def test_each_game_autosaves_to_its_own_file_and_never_deletes_another(
    content: Content, tmp_path: Path
) -> None:
    # A finished 8-quarter game, then 6 quarters of another game in the same folder (a shared
    # lab machine, a browser user pressing Start again): the finished game's save survives.
    finished = GameSession.new(content, "tutorial", 4)
    for _ in range(8):
        play(finished, 1)
        finished.autosave(tmp_path)
    assert finished.over
    second = GameSession.new(content, "tutorial", 5)
    assert second.game_id != finished.game_id
    for _ in range(6):
        play(second, 1)
        second.autosave(tmp_path)
    autos = sorted(p.name for p in tmp_path.glob("autosave-*"))
    assert autos == sorted(
        [f"autosave-{finished.game_id}.jsonl", f"autosave-{second.game_id}.jsonl"]
    )
    assert finished.game_id.startswith("tutorial-seed4-")
    kept = read_save(autosave_path(tmp_path, finished.game_id))
    assert kept.finished and kept.quarters[-1].hash == finished.state.last_hash
    assert not list(tmp_path.glob(".*.tmp")), "no temp file is left behind"
    # Continue picks the game played last.
    newest = latest_save(tmp_path)
    assert newest is not None and newest.path == autosave_path(tmp_path, second.game_id)
    assert peek_newest(tmp_path) == (
        f"autosave-{second.game_id}",
        f"{second.state.names[0]} · tutorial, seed 5 · after {second.state.world.quarter_label(5)}",
    )


def test_a_loaded_game_goes_on_in_its_own_autosave_and_old_autosaves_still_load(
    content: Content, tmp_path: Path
) -> None:
    session = GameSession.new(content, "tutorial", 4)
    play(session, 2)
    own = session.autosave(tmp_path)
    # Loaded from its own autosave: the game goes on in that file.
    again = GameSession.from_save(content, read_save(own))
    assert again.game_id == session.game_id and again.autosave_path(tmp_path) == own
    # Loaded from a named save made at the autosave's quarter: the game goes on in its own
    # autosave (one file per game), which it overwrites only with a longer game.
    named = session.save(tmp_path / "before the crash.jsonl")
    same = GameSession.from_save(content, read_save(named))
    assert same.game_id == session.game_id and same.continuation is not None
    assert same.continuation.kept is None
    play(same, 1)
    assert same.autosave(tmp_path) == own and len(read_save(own).quarters) == 3
    # Loading the earlier named save again: the autosave is further along now, so the game
    # goes on in a new file and the autosave's third quarter is kept.
    branch = GameSession.from_save(content, read_save(named))
    assert branch.game_id != session.game_id
    assert branch.continuation is not None and branch.continuation.kept == own
    play(branch, 1)
    assert branch.autosave(tmp_path) != own
    assert len(read_save(own).quarters) == 3
    # A named save ahead of the autosave continues it (the autosave only gains quarters).
    ahead = branch.save(tmp_path / "ahead.jsonl")
    again2 = GameSession.from_save(content, read_save(ahead))
    assert again2.game_id == branch.game_id
    old = tmp_path / "autosave-002.jsonl"
    lines = [json.loads(line) for line in own.read_text().splitlines()]
    del lines[0]["settings"]["game"]
    old.write_text("".join(json.dumps(line) + "\n" for line in lines))
    loaded = GameSession.from_save(content, read_save(old))
    assert loaded.state.last_hash == same.state.last_hash
    assert loaded.game_id.startswith("tutorial-seed4-")


def test_the_listing_survives_bad_files(content: Content, tmp_path: Path) -> None:
    session = GameSession.new(content, "tutorial", 4)
    play(session, 7)
    good = session.autosave(tmp_path)
    (tmp_path / "old.capwars.json").write_text("{}")
    (tmp_path / "cut.jsonl").write_text(good.read_text()[:-30])
    infos = {i.name: i for i in list_saves(tmp_path)}
    assert "older version" in infos["old"].error
    assert infos["cut"].error.startswith("line 8: the line is cut short")
    newest = latest_save(tmp_path)
    assert newest is not None and newest.ok
    assert peek_newest(tmp_path) is not None


def test_continue_reads_saves_only_up_to_the_one_it_loads(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import game.arena.saves as saves

    session = GameSession.new(content, "tutorial", 4)
    play(session, 1)
    paths = [session.save(tmp_path / f"s{i}.jsonl") for i in range(5)]
    for age, path in enumerate(paths):  # s0 newest
        os.utime(path, ns=(10**18 - age * 10**9, 10**18 - age * 10**9))
    read: list[str] = []
    real = saves.read_save
    monkeypatch.setattr(saves, "read_save", lambda p: read.append(p.name) or real(p))
    newest = latest_save(tmp_path)
    assert newest is not None and newest.name == "s0"
    assert read == ["s0.jsonl"]  # the title screen's Continue check stops at the first
    assert [i.name for i in list_saves(tmp_path)] == [f"s{i}" for i in range(5)]


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
    resaved = json.loads(again.read_text().splitlines()[0])["settings"]
    assert resaved == {**settings, "game": loaded.game_id}

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
    # The first quarter compares only reputation, with the industry's opening one.
    compared = [line for line in first if "(was" in line]
    assert all(line.startswith("[b]Reputation[/b]") for line in compared), compared
    assert not any("(was —)" in line for line in first)
    second = figure_lines(session, 0, session.end_quarter())
    assert any(line.startswith("[b]Cash[/b]") and "(was $" in line for line in second)
    assert not any("(was —)" in line for line in second)


async def test_a_finished_game_shows_its_save_in_the_terminal_and_downloads_in_a_browser(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = GameSession.new(content, "tutorial", 7)
    play(session, 8)
    path = session.autosave(tmp_path)
    # Loaded in a terminal: the file and the command that makes the result file.
    app = new_app(tmp_path, load=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GameOverScreen)
        saved = str(app.screen.query_one("#over-saved", Static).render())
        assert f"Saved in {path}" in saved
        assert f"capwars class export {path} --out bank-1.json" in one_line(saved)
        assert app.screen.check_action("download", ()) is False  # the path is enough here
    # In a browser the file is on the server: d downloads it.
    monkeypatch.setattr(CapwarsApp, "is_web", property(lambda self: True))
    sent: list[tuple[Path, str | None]] = []
    monkeypatch.setattr(
        CapwarsApp,
        "deliver_binary",
        lambda self, p, **kw: sent.append((p, kw.get("save_filename"))),
    )
    app = new_app(tmp_path, load=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GameOverScreen)
        saved = str(app.screen.query_one("#over-saved", Static).render())
        assert "Press d to download your save" in saved and "capwars class export" in saved
        await pilot.press("d")
        await pilot.pause()
    assert sent == [(path, path.name)]


def test_a_loaded_game_keeps_the_reports_of_the_quarters_before_the_save(
    content: Content, tmp_path: Path
) -> None:
    # The News section lists the whole match and the report key shows the last quarter, so a
    # game continued from its save must have them as if it had been played here.
    session = GameSession.new(content, "tutorial", 4)
    play(session, 2)
    path = session.save(tmp_path / "a.jsonl")
    loaded = GameSession.from_save(content, read_save(path))
    assert [r.turn for r in loaded.reports] == [0, 1]
    assert [r.state_hash for r in loaded.reports] == [r.state_hash for r in session.reports]
    assert loaded.last_report is not None and loaded.last_report.news == session.reports[-1].news
