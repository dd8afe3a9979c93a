"""External bots end to end: the starter bots through ``capwars match --bot cmd:...``, and the
same Python bot in-process and as a subprocess giving the same replay hashes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.agents.registry import BotSpecError, make_bot
from game.arena.host import ExternalBot, command_argv, resolve_command
from game.arena.match import run_match
from game.arena.replay import ReplayWriter, read_replay

ROOT = Path(__file__).resolve().parents[2]


def capwars_match(*bots: str, replay: Path | None = None) -> dict:
    args = [sys.executable, "-m", "game.cli", "match", "--scenario", "tutorial", "--seed", "2"]
    for bot in bots:
        args += ["--bot", bot]
    if replay is not None:
        args += ["--replay", str(replay)]
    proc = subprocess.run(
        [*args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_python_starter_bot_plays_through_capwars_match(tmp_path):
    result = capwars_match(
        "cmd:python examples/python_bot.py", "balanced", replay=tmp_path / "r.jsonl"
    )
    me = next(p for p in result["players"] if p["seat"] == 0)
    assert me["bot_status"] == "ok" and me["status"] == "active"
    replay = read_replay(tmp_path / "r.jsonl")
    assert any(q.applied[0] for q in replay.quarters), "the starter bot should act"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed on this machine")
def test_js_starter_bot_plays_through_capwars_match(tmp_path):
    result = capwars_match("cmd:node examples/js_bot.js", "balanced", replay=tmp_path / "r.jsonl")
    me = next(p for p in result["players"] if p["seat"] == 0)
    assert me["bot_status"] == "ok" and me["status"] == "active"
    replay = read_replay(tmp_path / "r.jsonl")
    assert any(q.applied[0] for q in replay.quarters), "the starter bot should act"
    kinds = {a["type"] for q in replay.quarters for a in q.applied[0]}
    assert kinds & {"reserve", "bid_spot"}


def hashes(bots: list, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    run_match(scenario="standard", seed=9, bots=bots, recorders=[ReplayWriter(path)])
    return [q.hash for q in read_replay(path).quarters]


def test_same_bot_in_process_and_as_subprocess_gives_the_same_hashes(tmp_path):
    local = hashes(["examples/python_bot.py", "balanced"], tmp_path, "local.jsonl")
    remote = hashes(["cmd:python examples/python_bot.py", "balanced"], tmp_path, "remote.jsonl")
    assert local == remote
    # A built-in bot hosted through the SDK, too.
    hosted = hashes(["balanced", "cmd:python -m game.sdk balanced"], tmp_path, "hosted.jsonl")
    assert hosted == hashes(["balanced", "balanced"], tmp_path, "plain.jsonl")


def test_cmd_spec_errors_are_bot_spec_errors():
    with pytest.raises(BotSpecError, match="empty bot command"):
        make_bot("cmd:")
    with pytest.raises(BotSpecError, match="cannot parse"):
        make_bot("cmd:python 'unclosed")
    assert isinstance(make_bot("cmd:python examples/python_bot.py"), ExternalBot)


def test_cmd_paths_resolve_against_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "mybot.py").write_text("")
    monkeypatch.chdir(tmp_path)
    mine = str(tmp_path / "mybot.py")
    assert resolve_command(["python3", "mybot.py"], tmp_path) == ["python3", mine]
    # The SDK's FILE:CLASS form is resolved on its file part.
    assert resolve_command(["python3", "-m", "game.sdk", "mybot.py:MyBot"], tmp_path) == [
        "python3",
        "-m",
        "game.sdk",
        f"{mine}:MyBot",
    ]
    assert resolve_command(["node", "-e", "1+1"], tmp_path) == ["node", "-e", "1+1"]
    # A missing script is a spec error naming the folder, not a crash in the bot's own folder.
    with pytest.raises(BotSpecError, match=r"bot file not found: nothere\.py .*looked up in"):
        make_bot("cmd:python3 nothere.py")
    with pytest.raises(BotSpecError, match=r"bot file not found: typo\.py"):
        make_bot("cmd:python3 -m game.sdk typo.py:MyBot")


def test_missing_program_is_an_error_seat(tmp_path):
    # A program removed after the bot was set up (a missing one is refused at once, below).
    program = tmp_path / "bot-program"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    bot = ExternalBot([str(program)])
    program.unlink()
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.seats[0].status == "error"
    assert "cannot run" in outcome.seats[0].stderr_tail
    assert outcome.state.turn == 8


RAW_BOT = """
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print(json.dumps({"type": "ready"}), flush=True)
    elif msg["type"] == "turn":
        answer = {"type": "actions", "turn": msg["turn"], "actions": []}
        if msg["turn"] == 1:
            answer["actions"] = [{"type": "borrow", "amount": 10}]
            answer["error"] = ERROR
        print(json.dumps(answer), flush=True)
    else:
        break
"""


def test_an_error_a_bot_reports_is_that_quarter_s_failure_and_its_actions_still_count(tmp_path):
    path = tmp_path / "bot.py"
    path.write_text(RAW_BOT.replace("ERROR", repr("cache miss in my planner (planner.py:12)")))
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.failures == [
        (1, 0, "the bot reported: cache miss in my planner (planner.py:12)")
    ]
    assert outcome.seats[0].status == "ok" and outcome.state.turn == 8
    assert outcome.state.debt[0] > 0  # the borrow sent with the error was applied


def test_an_error_a_bot_reports_is_kept_as_one_printable_line(tmp_path):
    """It is printed in match output, leaderboards and validate reports: no line breaks, no
    terminal control sequences from a bot."""
    path = tmp_path / "bot.py"
    path.write_text(RAW_BOT.replace("ERROR", repr("first line\n  second\x1b[2J line\t")))
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.failures == [(1, 0, "the bot reported: first line second [2J line")]


def test_a_blank_error_is_no_failure(tmp_path):
    path = tmp_path / "bot.py"
    path.write_text(RAW_BOT.replace("ERROR", repr(" \n ")))
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.failures == []


def test_an_error_that_is_not_a_string_is_a_malformed_message(tmp_path):
    path = tmp_path / "bot.py"
    path.write_text(RAW_BOT.replace("ERROR", "5"))
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.seats[0].status == "invalid"
    assert outcome.state.turn == 8


def test_the_sdk_reports_an_exception_in_act_with_the_bot_s_line(tmp_path):
    path = tmp_path / "bot.py"
    path.write_text(
        "from game.sdk import run\n"
        "class Late:\n"
        "    def act(self, observation):\n"
        "        if observation.turn == 3:\n"
        "            return {}['cash']\n"
        "        return []\n"
        "run(Late)\n"
    )
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.failures == [(3, 0, f"the bot reported: KeyError: 'cash' ({path.name}:5)")]
    assert outcome.seats[0].status == "ok"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed on this machine")
def test_the_js_starter_reports_an_exception_in_act_with_its_line(tmp_path):
    source = (ROOT / "examples" / "js_bot.js").read_text()
    assert "function act(obs) {" in source
    path = tmp_path / "bot.js"
    path.write_text(
        source.replace(
            "function act(obs) {",
            "function act(obs) {\n  if (obs.turn === 2) { null.cash; }",
        )
    )
    outcome = run_match(scenario="tutorial", seed=1, bots=[ExternalBot(["node", str(path)])])
    [(turn, seat, text)] = outcome.failures
    assert (turn, seat) == (2, 0) and outcome.seats[0].status == "ok"
    assert text.startswith("the bot reported: TypeError: Cannot read properties of null")
    assert "(bot.js:50:" in text and str(tmp_path) not in text  # the student's line, no folder


def _perl_with_json() -> bool:
    perl = shutil.which("perl")
    check = [perl or "perl", "-MJSON::PP", "-e", "1"]
    return perl is not None and subprocess.run(check, capture_output=True).returncode == 0


@pytest.mark.skipif(not _perl_with_json(), reason="perl with JSON::PP is not installed")
def test_perl_starter_bot_plays_and_reports_an_exception_in_act_with_its_line(tmp_path):
    result = capwars_match("cmd:perl examples/perl_bot.pl", "balanced", replay=tmp_path / "r.jsonl")
    me = next(p for p in result["players"] if p["seat"] == 0)
    assert me["bot_status"] == "ok" and me["status"] == "active"
    replay = read_replay(tmp_path / "r.jsonl")
    kinds = {a["type"] for q in replay.quarters for a in q.applied[0]}
    assert kinds & {"reserve", "bid_spot"}
    assert not any(q.rejected[0] for q in replay.quarters)
    # A die in act: that quarter held and reported with the student's line, the match goes on.
    source = (ROOT / "examples" / "perl_bot.pl").read_text()
    assert "    my ($obs) = @_;\n" in source
    path = tmp_path / "bot.pl"
    head = "    my ($obs) = @_;\n"
    path.write_text(source.replace(head, head + "    die 'no provider' if $obs->{turn} == 2;\n"))
    outcome = run_match(scenario="tutorial", seed=1, bots=[ExternalBot(["perl", str(path)])])
    reported = "the bot reported: no provider at bot.pl line 28, <STDIN> line 4."
    assert outcome.failures == [(2, 0, reported)]
    assert outcome.seats[0].status == "ok"


@pytest.mark.parametrize(
    ("returned", "kind"),
    [
        ("{'type': 'borrow', 'amount': 5.0}", "dict"),
        ("BidSpot(provider='stratus', quantity=1.0, max_price=9.0)", "BidSpot"),
        ("'hold'", "str"),
    ],
    ids=["dict", "model", "str"],
)
def test_the_sdk_reports_act_returning_one_action_instead_of_a_list(tmp_path, returned, kind):
    # Iterating the value used to send its keys (or a model's (field, value) pairs) as actions,
    # which the host reported as malformed actions of type 'unknown'.
    path = tmp_path / "bot.py"
    path.write_text(
        "from game.engine.actions import BidSpot\n"
        "from game.sdk import run\n"
        "class Single:\n"
        "    def act(self, observation):\n"
        f"        return {returned} if observation.turn == 2 else []\n"
        "run(Single)\n"
    )
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.failures == [
        (
            2,
            0,
            f"the bot reported: act() returned {kind}, not a list of actions"
            " (return [action] for one action)",
        )
    ]
    assert outcome.seats[0].status == "ok"


def test_a_program_that_cannot_run_by_itself_is_refused_with_what_to_do(tmp_path):
    # Both used to fail every match at setup with "exited with code 127" and a sandbox line in
    # the bot's log; now the spec is refused before anything is played.
    script = tmp_path / "bot.py"
    script.write_text("#!/usr/bin/env python3\nprint('hi')\n")
    script.chmod(0o644)
    with pytest.raises(BotSpecError) as caught:
        resolve_command([str(script)], tmp_path)
    assert "is not executable" in str(caught.value)
    assert f'"cmd:python3 {script}"' in str(caught.value)
    assert "chmod +x" in str(caught.value)
    script.write_text("print('hi')\n")
    script.chmod(0o755)
    with pytest.raises(BotSpecError, match="without a #! line"):
        resolve_command(["./bot.py"], tmp_path)
    script.write_text("#!/usr/bin/env python3\nprint('hi')\n")
    assert resolve_command(["./bot.py"], tmp_path) == [str(script)]
    assert resolve_command(["python3", "bot.py"], tmp_path) == ["python3", str(script)]


@pytest.mark.parametrize("executable", [False, True])
def test_the_commands_suggested_for_a_path_with_spaces_work_as_written(tmp_path, executable):
    """The chmod and cmd: commands the refusal suggests are copied as they are: a folder name
    with a space split them ("cmd:python3 my bots/bot.py" ran python3 on 'my' and 'bots/bot.py')."""
    folder = tmp_path / "my bots"
    folder.mkdir()
    script = folder / "bot.py"
    script.write_text("print('hi')\n")
    script.chmod(0o755 if executable else 0o644)
    with pytest.raises(BotSpecError) as caught:
        resolve_command(command_argv("'my bots/bot.py'"), tmp_path)
    message = str(caught.value)
    if not executable:
        assert "chmod +x 'my bots/bot.py'" in message
    suggested = message.split('"cmd:', 1)[1].split('"', 1)[0]
    assert suggested == "python3 'my bots/bot.py'"
    assert resolve_command(command_argv(suggested), tmp_path) == ["python3", str(script)]


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        # A Windows editor's byte-order mark before the #!: it was told to add the #! line it has.
        (b"\xef\xbb\xbf#!/usr/bin/env python3\n", "starts with a byte-order mark before its #!"),
        # A Windows line ending after the #!: it failed every match with "exited with code 127".
        (b"#!/usr/bin/env python3\r\n", "its #! line ends in a Windows line ending"),
    ],
)
def test_a_script_saved_by_a_windows_editor_is_told_what_is_wrong(tmp_path, first_line, expected):
    script = tmp_path / "bot.py"
    script.write_bytes(first_line + b"print('hi')\n")
    script.chmod(0o755)
    with pytest.raises(BotSpecError) as caught:
        resolve_command(["./bot.py"], tmp_path)
    message = str(caught.value)
    assert expected in message, message
    assert "without a #! line" not in message
    assert '"cmd:python3 ./bot.py"' in message


def test_an_sdk_file_without_the_main_guard_is_refused_in_process(tmp_path):
    # It used to serve capwars' own stdin from inside the match: a silent hang at a terminal.
    path = tmp_path / "bot.py"
    path.write_text(
        "from game.agents import Bot\n"
        "from game.sdk import run\n"
        "class MyBot(Bot):\n"
        "    def act(self, observation):\n"
        "        return []\n"
        "run(MyBot)\n"
    )
    stdout = sys.stdout
    with pytest.raises(BotSpecError) as caught:
        make_bot(str(path))
    assert sys.stdout is stdout  # the SDK left the match's stdout alone
    assert 'put it under `if __name__ == "__main__":`' in str(caught.value)
    assert "bot.py:6" in str(caught.value)


def test_a_cmd_bot_that_played_to_the_end_keeps_its_log(tmp_path):
    # Its stderr is its author's way to debug it: it was dropped unless the bot failed.
    path = tmp_path / "bot.py"
    path.write_text("import sys\nsys.stderr.write('thinking hard\\n')\n" + RAW_BOT)
    path.write_text(path.read_text().replace("ERROR", "None"))
    bot = ExternalBot([sys.executable, str(path)])
    outcome = run_match(scenario="tutorial", seed=1, bots=[bot, "balanced"])
    assert outcome.seats[0].status == "ok" and not outcome.failures
    assert outcome.seats[0].stderr_tail == "thinking hard\n"
    player = next(p for p in outcome.to_json()["players"] if p["seat"] == 0)
    assert player["stderr_tail"] == "thinking hard\n" and player["failure"] is None
    assert outcome.seats[1].stderr_tail == ""  # an in-process bot has no log of its own


def run_cli(args: list[str], tmp_path: Path, monkeypatch, capsys) -> tuple[int, str]:
    from game.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(args)
    return code, capsys.readouterr().err


def test_a_missing_program_path_is_refused_before_any_match(tmp_path, monkeypatch, capsys):
    # "cmd:./typo" was accepted: every match of the tournament failed, one after another, with
    # "exited with code 127: sandbox: cannot run './typo'".
    (tmp_path / "typo.sh").write_text("#!/bin/sh\n")
    run = ["tournament", "run", "--scenario", "tutorial", "--jobs", "1", "--out", "t"]
    code, err = run_cli([*run, "cmd:./typo", "balanced"], tmp_path, monkeypatch, capsys)
    assert code == 2
    assert err.startswith("capwars: error: bot program ./typo not found (relative paths")
    assert f"looked up in {tmp_path}" in err and "did you mean cmd:./typo.sh?" in err
    assert not (tmp_path / "t" / "results.jsonl").exists()
    # A path with a space, quoted, gets its suggestion quoted the same way.
    (tmp_path / "my bots").mkdir()
    (tmp_path / "my bots" / "run").write_text("#!/bin/sh\n")
    match = ["match", "--scenario", "tutorial", "--bot"]
    code, err = run_cli([*match, "cmd:'./my bots/rnu'"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "did you mean \"cmd:'./my bots/run'\"?" in err
    code, err = run_cli([*match, "cmd:nowhere/run"], tmp_path, monkeypatch, capsys)
    assert code == 2 and f"bot program nowhere/run not found: there is no folder {tmp_path}" in err
    code, err = run_cli([*match, "cmd:'./my bots'"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "bot program ./my bots is a folder, not a program" in err


def test_a_program_not_on_path_is_refused_with_a_suggestion(tmp_path, monkeypatch, capsys):
    (tmp_path / "bot.py").write_text("")
    match = ["match", "--scenario", "tutorial", "--bot"]
    python = Path(sys.executable).name  # on the bots' PATH: the host's interpreter comes first
    typo = python[1] + python[0] + python[2:]  # "ypthon3"
    code, err = run_cli([*match, f"cmd:{typo} bot.py"], tmp_path, monkeypatch, capsys)
    assert code == 2
    assert err.startswith(f"capwars: error: bot program {typo} not found on PATH: did you mean")
    missing = "cmd:capwars-no-such-runtime bot.py"
    code, err = run_cli([*match, missing], tmp_path, monkeypatch, capsys)
    assert code == 2 and "not found on PATH: install it, or give the program's path" in err
    # A program in the current folder, named as if it were on PATH.
    code, err = run_cli([*match, "cmd:bot.py"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "is written with its folder, such as cmd:./bot.py" in err


NUMPY_BOT = """
import numpy as np
from game.agents import Bot
from game.sdk import run


class Numbers(Bot):
    def act(self, observation):
        # numbers straight out of a numpy policy: np.int64, np.float32, np.float64
        return [
            {"type": "bid_spot", "provider": "stratus", "quantity": np.int64(2),
             "max_price": np.float32(9.5)},
            {"type": "reserve", "provider": "nimbus", "quantity": np.float64(1.5),
             "term": np.int64(4)},
        ]


if __name__ == "__main__":
    run(Numbers)
"""


def test_numpy_numbers_in_actions_are_numbers_in_process_and_through_the_sdk(tmp_path):
    """A policy's np.int64(2) was recorded as the text "<a Python int64>" in process and sent
    as the string "2" by the SDK: either way the action was rejected as "must be a number,
    not a string", though the bot author never wrote a string."""
    path = tmp_path / "np_policy.py"  # not numbers.py: that name hides the stdlib module
    path.write_text(NUMPY_BOT)
    replays = {}
    for name, spec in (("local", str(path)), ("remote", f"cmd:{sys.executable} {path}")):
        replays[name] = tmp_path / f"{name}.jsonl"
        run_match(
            scenario="tutorial",
            seed=3,
            bots=[spec, "idle"],
            recorders=[ReplayWriter(replays[name])],
        )
    local, remote = (read_replay(replays[name]).quarters for name in ("local", "remote"))
    assert [q.hash for q in local] == [q.hash for q in remote]
    first = local[0]
    assert first.rejected[0] == []
    assert first.applied[0] == [
        {"type": "bid_spot", "provider": "stratus", "quantity": 2, "max_price": 9.5},
        {"type": "reserve", "provider": "nimbus", "quantity": 1.5, "term": 4},
    ]
