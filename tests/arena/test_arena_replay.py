"""Replays and saves: the file format, verification by re-simulation, and damaged files."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from game.arena.errors import NotReproduced
from game.arena.match import run_match
from game.arena.replay import (
    FORMAT,
    ReplayError,
    ReplayWriter,
    load_actions,
    parse_replay,
    read_replay,
    replay_to_state,
    verify_replay,
)
from game.engine import new_match, step
from game.rules import load_content
from game.rules.models import Content


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, content: Content) -> tuple[Path, str]:
    """A finished tutorial replay and the final hash of the match it records."""
    path = tmp_path_factory.mktemp("replays") / "tutorial.jsonl"
    outcome = run_match(
        content, "tutorial", 3, bots=["balanced", "random"], recorders=[ReplayWriter(path)]
    )
    return path, outcome.final_hash


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_replay_has_header_one_line_per_quarter_and_result(recorded, content):
    path, final_hash = recorded
    lines = lines_of(path)
    header, quarters, result = lines[0], lines[1:-1], lines[-1]
    assert header["kind"] == "header"
    assert header["format"] == FORMAT
    assert header["scenario"] == "tutorial"
    assert header["seed"] == 3
    assert [p["bot"] for p in header["players"]] == ["balanced", "random"]
    assert header["content_hash"] == new_match(content, "tutorial", 3).world.content_hash
    assert [q["turn"] for q in quarters] == list(range(8))
    assert all(len(q["submitted"]) == 2 and len(q["rejected"]) == 2 for q in quarters)
    assert result == {**result, "kind": "result", "final_hash": final_hash}
    assert [s["rank"] for s in result["standings"]] == [1, 2]


def test_replay_round_trip_reads_back_what_was_played(recorded):
    path, final_hash = recorded
    replay = read_replay(path)
    assert replay.finished
    assert len(replay.quarters) == 8
    assert replay.result is not None and replay.result.final_hash == final_hash
    assert replay.names == tuple(p.name for p in replay.header.players)


def test_verify_reproduces_every_hash(recorded, content):
    path, final_hash = recorded
    result = verify_replay(path, content)
    assert result.ok, result.mismatch
    assert result.quarters == 8
    assert result.final_hash == final_hash


def test_gzip_replay_round_trip(tmp_path, content):
    path = tmp_path / "m.jsonl.gz"
    outcome = run_match(content, "tutorial", 5, recorders=[ReplayWriter(path)])
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert verify_replay(path, content).final_hash == outcome.final_hash


def test_a_replay_in_memory_reads_as_its_file(tmp_path, content):
    path = tmp_path / "m.jsonl.gz"
    run_match(content, "tutorial", 5, recorders=[ReplayWriter(path)])
    raw = path.read_bytes()
    assert parse_replay(raw, "in-memory.jsonl.gz") == read_replay(path).__class__(
        **{**read_replay(path).__dict__, "path": Path("in-memory.jsonl.gz")}
    )
    with pytest.raises(ReplayError, match=r"^in-memory.jsonl.gz: the gzip data is cut short"):
        parse_replay(raw[:-40], "in-memory.jsonl.gz")


def test_replay_to_state_rebuilds_the_final_state(recorded, content):
    path, final_hash = recorded
    assert replay_to_state(path, content).last_hash == final_hash


def test_a_save_is_a_replay_without_result(tmp_path, content):
    path = tmp_path / "save.jsonl"
    state = new_match(content, "tutorial", 11)
    writer = ReplayWriter(path, labels=["human", "idle"])
    writer.start(state, ["ignored", "ignored"])
    for _ in range(3):
        state, report = step(state, [[{"type": "set_service_price", "price": 9.0}], []])
        writer.quarter(report, {})
    writer.save()
    with pytest.raises(ReplayError, match="no result line after quarter 3"):
        read_replay(path)
    header, actions = load_actions(path)
    assert [p.bot for p in header.players] == ["human", "idle"]
    assert len(actions) == 3 and actions[0][0][0]["type"] == "set_service_price"
    assert replay_to_state(path, content).last_hash == state.last_hash


def test_a_loaded_save_can_be_continued_and_finished(tmp_path, content):
    path = tmp_path / "save.jsonl"
    state = new_match(content, "tutorial", 12)
    writer = ReplayWriter(path, autosave=True)
    writer.start(state, ["idle", "idle"])
    state, report = step(state, [[], []])
    writer.quarter(report, {})
    resumed = ReplayWriter.resume(read_replay(path, require_result=False))
    state = replay_to_state(path, content)
    while not state.over:
        state, report = step(state, [[], []])
        resumed.quarter(report, {})
    from game.engine import standings

    resumed.end(state, standings(state))
    assert verify_replay(path, content).final_hash == state.last_hash


def test_verify_names_the_quarter_of_a_tampered_action(recorded, tmp_path, content):
    lines = lines_of(recorded[0])
    lines[1 + 4]["submitted"][0] = [{"type": "set_service_price", "price": 1.0}]
    result = verify_replay(write(tmp_path / "tampered.jsonl", lines), content)
    assert not result.ok
    assert result.mismatch is not None and result.mismatch.turn == 4
    assert "quarter 4" in str(result.mismatch)
    assert result.quarters == 4


def test_verify_names_the_quarter_of_a_tampered_hash(recorded, tmp_path, content):
    lines = lines_of(recorded[0])
    lines[1 + 6]["hash"] = "0" * 32
    result = verify_replay(write(tmp_path / "tampered.jsonl", lines), content)
    assert result.mismatch is not None and result.mismatch.turn == 6


@pytest.mark.parametrize(
    ("edit", "what"),
    [
        (lambda q: q["applied"][0].append({"type": "borrow", "amount": 500.0}), "applied"),
        (lambda q: q["rejected"][1].append(["borrow", "credit_limit", "x"]), "rejected"),
        (lambda q: q["events"].append("grid_crunch"), "events"),
    ],
    ids=["applied", "rejected", "events"],
)
def test_verify_catches_an_edited_record_of_what_the_engine_did(
    recorded, tmp_path, content, edit, what
):
    # These lines are what `capwars replay show` prints; the state hash does not cover them, so
    # an edited one used to verify as OK.
    lines = lines_of(recorded[0])
    edit(lines[1 + 2])
    result = verify_replay(write(tmp_path / "edited.jsonl", lines), content)
    assert result.mismatch is not None and result.mismatch.turn == 2, result.mismatch
    assert what in result.mismatch.detail
    # Loading it as a save still works: only verification compares these records.
    replay_to_state(tmp_path / "edited.jsonl", content)


def test_verify_ignores_a_rejection_message_s_wording(recorded, tmp_path, content):
    lines = lines_of(recorded[0])
    quarters = [q for q in lines[1:-1] if any(q["rejected"])]
    if not quarters:
        pytest.skip("no rejection in this replay")
    seat = next(i for i, r in enumerate(quarters[0]["rejected"]) if r)
    quarters[0]["rejected"][seat][0][2] = "an older wording of the same refusal"
    assert verify_replay(write(tmp_path / "reworded.jsonl", lines), content).ok


def test_verify_catches_tampered_standings(recorded, tmp_path, content):
    lines = lines_of(recorded[0])
    lines[-1]["standings"][0]["score"] += 1000
    result = verify_replay(write(tmp_path / "tampered.jsonl", lines), content)
    assert result.mismatch is not None and "standings" in str(result.mismatch)


def test_verify_refuses_an_elimination_no_quarter_records(recorded, tmp_path, content):
    # Eliminations by the bot host cannot be re-simulated, so the file must show the bot
    # failing and then holding; a survivor relabelled "eliminated" is caught.
    lines = lines_of(recorded[0])
    winner = lines[-1]["standings"][0]
    standings = [*lines[-1]["standings"][1:], {**winner, "status": "eliminated"}]
    lines[-1]["standings"] = [{**s, "rank": i + 1} for i, s in enumerate(standings)]
    result = verify_replay(write(tmp_path / "tampered.jsonl", lines), content)
    assert result.mismatch is not None
    assert f"seat {winner['seat']} was eliminated" in str(result.mismatch)


def test_other_content_is_a_clear_error(recorded, tmp_path, content):
    lines = lines_of(recorded[0])
    lines[0]["content_hash"] = "f" * 32
    with pytest.raises(NotReproduced, match=r"simulation reads.*--content DIR.*content ffff"):
        verify_replay(write(tmp_path / "other.jsonl", lines), content)
    # From another capwars version, the message says to re-simulate it with that version.
    lines[0]["engine"] = "0.0.1"
    with pytest.raises(NotReproduced, match=r"played with capwars 0\.0\.1"):
        verify_replay(write(tmp_path / "older.jsonl", lines), content)


def test_replay_verify_of_other_content_exits_1(recorded, tmp_path):
    from game.cli import main

    lines = lines_of(recorded[0])
    lines[0]["content_hash"] = "f" * 32
    assert main(["replay", "verify", str(write(tmp_path / "other.jsonl", lines))]) == 1


def test_truncated_replay_names_the_cut_line(recorded, tmp_path):
    data = recorded[0].read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReplayError, match=r"cut\.jsonl:\d+: the line is cut short") as error:
        read_replay(cut)
    # ... and says how far it is whole, and what to do about it.
    assert "(the file is truncated after " in str(error.value)
    assert str(error.value).endswith(
        ": copy it again from where it was written, or use an earlier save or autosave"
    )


def test_replay_cut_at_a_line_end_lacks_its_result(recorded, tmp_path):
    lines = recorded[0].read_text().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:5]))
    with pytest.raises(ReplayError, match="no result line after quarter 4: the file is truncated"):
        read_replay(cut)


def test_bad_json_in_the_middle_names_its_line(recorded, tmp_path):
    lines = recorded[0].read_text().splitlines(keepends=True)
    lines[2] = "{not json\n"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines))
    with pytest.raises(ReplayError, match=r"bad\.jsonl:3: not valid JSON"):
        read_replay(bad)


def test_wrong_shape_names_line_and_field(recorded, tmp_path):
    lines = lines_of(recorded[0])
    lines[3]["hash"] = 12
    with pytest.raises(ReplayError, match=r":4: bad quarter: hash"):
        read_replay(write(tmp_path / "shape.jsonl", lines))


def test_out_of_order_quarter_is_refused(recorded, tmp_path):
    lines = lines_of(recorded[0])
    del lines[3]
    with pytest.raises(ReplayError, match="expected quarter 2, found turn 3"):
        read_replay(write(tmp_path / "gap.jsonl", lines))


def test_garbage_file_is_refused(tmp_path):
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(os.urandom(64) + b"\xff\xfe")
    with pytest.raises(ReplayError):
        read_replay(junk)


def test_newer_format_is_refused_with_versions(recorded, tmp_path):
    lines = lines_of(recorded[0])
    lines[0]["format"] = 99
    with pytest.raises(ReplayError, match=r":1: replay format 99; .* reads format 1"):
        read_replay(write(tmp_path / "future.jsonl", lines))


def test_missing_header_is_refused(recorded, tmp_path):
    lines = lines_of(recorded[0])[1:]
    with pytest.raises(ReplayError, match="first line must be the header"):
        read_replay(write(tmp_path / "headless.jsonl", lines))


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(ReplayError, match="empty file"):
        read_replay(tmp_path / "empty.jsonl")
    with pytest.raises(ReplayError, match="no such file"):
        read_replay(tmp_path / "missing.jsonl")


def test_corrupt_and_truncated_gzip(recorded, tmp_path):
    packed = gzip.compress(recorded[0].read_bytes(), mtime=0)
    truncated = tmp_path / "t.jsonl.gz"
    truncated.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ReplayError, match="gzip data is cut short"):
        read_replay(truncated)
    corrupt = tmp_path / "c.jsonl.gz"
    corrupt.write_bytes(packed[:20] + bytes(b ^ 0x5A for b in packed[20:60]) + packed[60:])
    with pytest.raises(ReplayError, match="gzip"):
        read_replay(corrupt)
    fake = tmp_path / "plain.jsonl.gz"
    fake.write_bytes(recorded[0].read_bytes())
    with pytest.raises(ReplayError, match="not gzip data"):
        read_replay(fake)


def test_a_failed_write_leaves_the_old_file_and_no_temp(recorded, tmp_path, monkeypatch, content):
    path = tmp_path / "keep.jsonl"
    path.write_bytes(recorded[0].read_bytes())
    before = path.read_bytes()

    def killed(*_args):
        raise KeyboardInterrupt  # as if the process were stopped mid-save

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        run_match(content, "tutorial", 8, recorders=[ReplayWriter(path)])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.jsonl"]


def test_a_bot_failure_is_kept_in_the_replay(tmp_path, content):
    bot = tmp_path / "flaky.py"
    bot.write_text(
        "from game.agents import Bot\n"
        "class Flaky(Bot):\n"
        "    def act(self, observation):\n"
        "        if observation.turn == 2:\n"
        "            raise RuntimeError('lost my notes')\n"
        "        return []\n"
    )
    path = tmp_path / "flaky.jsonl"
    run_match(content, "tutorial", 4, bots=[str(bot), "balanced"], recorders=[ReplayWriter(path)])
    replay = read_replay(path)
    assert replay.quarters[2].bot_failures == {0: replay.quarters[2].bot_failures[0]}
    assert "RuntimeError: lost my notes" in replay.quarters[2].bot_failures[0]
    assert verify_replay(path, content).ok


def test_a_replay_with_malformed_actions_verifies(tmp_path, content):
    bot = tmp_path / "junk.py"
    bot.write_text(
        "from game.agents import Bot\n"
        "class Junk(Bot):\n"
        "    def act(self, observation):\n"
        "        return ['nonsense', 42, {'type': 'warp', 'f': object()}]\n"
    )
    path = tmp_path / "junk.jsonl"
    run_match(content, "tutorial", 4, bots=[str(bot), "balanced"], recorders=[ReplayWriter(path)])
    assert verify_replay(path, content).ok


def test_a_facilitators_injected_event_is_recorded_and_replayed(tmp_path, content):
    from game.arena.replay import ReplayWriter, read_replay, verify_replay
    from game.engine import new_match, step

    state = new_match(content, "tutorial", 5)
    path = tmp_path / "class.jsonl"
    writer = ReplayWriter(path)
    writer.start(state, ["human", "balanced"])
    for turn in range(3):
        inject = ["packaging_fire"] if turn == 1 else []
        state, report = step(state, [[], []], inject=inject)
        writer.quarter(report, {})
    writer.save()
    replay = read_replay(path, require_result=False)
    assert replay.quarters[1].injected == ["packaging_fire"]
    assert "packaging_fire" in replay.quarters[1].events
    assert verify_replay(replay, content).ok


def test_a_facilitators_catch_up_choice_is_recorded_and_replayed(tmp_path, content):
    from game.arena.replay import ReplayWriter, read_replay, verify_replay
    from game.engine import new_match, step

    state = new_match(content, "tutorial", 8, catch_up=True)
    assert state.world.scenario.catch_up and not content.scenario("tutorial").catch_up
    writer = ReplayWriter(tmp_path / "kind.jsonl")
    writer.start(state, ["balanced", "idle"])
    for _ in range(3):
        state, report = step(state, [[], []])
        writer.quarter(report, {})
    writer.save()
    replay = read_replay(tmp_path / "kind.jsonl", require_result=False)
    assert replay.header.catch_up is True
    assert verify_replay(replay, content).ok


def test_a_changed_world_file_is_named_as_a_cause(recorded, tmp_path):
    # A designer edits a provider in a copy of the content; a tutorial replay recorded before no
    # longer verifies with that folder. The message must not blame only a lesson file.
    import shutil

    from game.rules.paths import default_content_dir

    folder = tmp_path / "mycontent"
    shutil.copytree(default_content_dir(), folder)
    providers = folder / "providers.toml"
    text = providers.read_text(encoding="utf-8")
    providers.write_text(text.replace("growth = 0.04\n", "growth = 0.05\n", 1), encoding="utf-8")
    with pytest.raises(NotReproduced) as caught:
        verify_replay(recorded[0], load_content(folder))
    message = str(caught.value)
    assert (
        "or a world file of the content folder: a provider, chip, technology or event?" in message
    )
    assert "--content DIR with the content folder as it was" in message


def test_every_public_function_of_the_replay_module_has_a_docstring():
    import inspect

    import game.arena.replay as module

    missing = [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
        and not (obj.__doc__ or "").strip()
    ]
    assert missing == []


def test_a_gzip_bomb_is_refused_without_unpacking_it(tmp_path, content, monkeypatch):
    import game.arena.replay as replay

    path = tmp_path / "m.jsonl.gz"
    run_match(content, "tutorial", 5, recorders=[ReplayWriter(path)])
    raw = path.read_bytes()
    # several gzip members, and zero padding after them, read as gzip itself reads them
    assert parse_replay(raw + gzip.compress(b"") + b"\0\0", "x.jsonl.gz") == parse_replay(
        raw, "x.jsonl.gz"
    )
    monkeypatch.setattr(replay, "MAX_UNPACKED_MB", 1)
    bomb = gzip.compress(b" " * (3 << 20))  # 3 MB of spaces in a few KB
    with pytest.raises(ReplayError, match=r"^bomb.jsonl.gz: unpacks to more than 1 MB"):
        parse_replay(bomb, "bomb.jsonl.gz")
