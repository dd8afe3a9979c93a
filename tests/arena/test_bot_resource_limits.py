"""``--memory-mb``, ``--cpu-seconds``, ``--max-open-files``, ``--max-file-mb``,
``--max-processes``: the sandbox limits of external bots, set per run on ``capwars match``,
``capwars tournament run`` and ``capwars validate`` the way the time limits are.

A bot that goes past one is eliminated with a reason naming the limit and its option; the limits
reach pool workers, a tournament folder remembers them (an older folder resumes with the
defaults), a replay's header carries them, and a bad value is a one-line usage error."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from game.arena.host import (
    LIMIT_OPTIONS,
    bot_limits,
    describe_limits,
    limits_json,
    namespace_prefix,
)
from game.arena.protocol import Limits
from game.arena.replay import read_replay
from game.arena.results import read_results
from game.arena.tournament import DESIGN_NAME, main
from game.cli import build_parser
from game.cli import main as capwars

BOT = """
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
{at_hello}
        print(json.dumps({{"type": "ready"}}), flush=True)
    elif msg["type"] == "turn":
        print(json.dumps({{"type": "actions", "turn": msg["turn"], "actions": []}}), flush=True)
    else:
        break
"""
"""A bot that does something at start-up, then holds every turn."""


def bot(tmp_path: Path, name: str, at_hello: str) -> str:
    path = tmp_path / f"{name}.py"
    body = "\n".join(" " * 8 + line for line in at_hello.strip().splitlines())
    path.write_text(BOT.format(at_hello=body))
    return f"cmd:{sys.executable} {path}"


def hog(tmp_path: Path, mib: int) -> str:
    """A bot that reserves ``mib`` MiB at start-up (``bytes(n)`` maps zero pages: it counts
    against the address space the limit caps, without using that much of the machine)."""
    return bot(tmp_path, f"hog{mib}", f"block = bytes({mib} * 2**20)")


def seat_of(out: str) -> dict[str, object]:
    return next(p for p in json.loads(out)["players"] if p["seat"] == 0)


def match(spec: str, *options: str) -> list[str]:
    return ["match", "--scenario", "tutorial", "--bot", spec, "--json", *options]


MEMORY = "error: exited with code 1 after running out of memory (limit: --memory-mb {})"


@pytest.mark.parametrize(
    ("mib", "options", "limit"),
    [
        (300, ["--memory-mb", "200"], 200),  # a tighter cap than the default
        (1200, [], 1024),  # a bot that needs more than the default 1 GiB
    ],
)
def test_a_bot_past_its_memory_is_eliminated_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mib: int, options: list[str], limit: int
):
    assert capwars(match(hog(tmp_path, mib), *options)) == 0
    seat = seat_of(capsys.readouterr().out)
    assert seat["bot_status"] == "error"
    assert seat["failure"] == MEMORY.format(limit).removeprefix("error: ")
    assert "MemoryError" in str(seat["stderr_tail"])


@pytest.mark.parametrize(("mib", "limit"), [(300, "1024"), (1200, "2048")])
def test_a_bot_given_enough_memory_plays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mib: int, limit: str
):
    replay = tmp_path / "r.jsonl"
    args = match(hog(tmp_path, mib), "--memory-mb", limit, "--replay", str(replay))
    assert capwars(args) == 0
    assert seat_of(capsys.readouterr().out)["bot_status"] == "ok"
    assert read_replay(replay).header.settings["limits"]["memory_mb"] == int(limit)


def test_the_table_says_which_limit_a_bot_ran_out_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = hog(tmp_path, 300)
    args = ["match", "--scenario", "tutorial", "--bot", spec, "--memory-mb", "200"]
    assert capwars(args) == 0
    out = capsys.readouterr().out
    assert f"Bank 1 ({spec}), setup: {MEMORY.format(200)}" in out
    assert "  | MemoryError" in out  # its log


def test_a_bot_past_its_cpu_time_is_killed_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = bot(tmp_path, "burn", "while True:\n    pass")
    assert capwars(match(spec, "--cpu-seconds", "1", "--init-seconds", "20")) == 0
    seat = seat_of(capsys.readouterr().out)
    assert seat["bot_status"] == "error"
    if namespace_prefix():  # the sandbox is the bot's PID 1 and sees what it used
        assert seat["failure"] == (
            "killed by SIGKILL after using up its CPU time (limit: --cpu-seconds 1)"
        )
    else:
        assert str(seat["failure"]).startswith("killed by SIGKILL")


def test_a_bot_writing_too_large_a_file_is_eliminated_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = bot(tmp_path, "writer", "open('big.bin', 'wb').write(bytes(3 * 2**20))")
    assert capwars(match(spec, "--max-file-mb", "2")) == 0
    assert seat_of(capsys.readouterr().out)["failure"] == (
        "exited with code 1 after writing too large a file (limit: --max-file-mb 2)"
    )
    assert capwars(match(spec, "--max-file-mb", "4")) == 0
    assert seat_of(capsys.readouterr().out)["bot_status"] == "ok"


def test_a_bot_opening_too_many_files_is_eliminated_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = bot(tmp_path, "opener", "kept = [open(__file__) for _ in range(40)]")
    assert capwars(match(spec, "--max-open-files", "32")) == 0
    assert seat_of(capsys.readouterr().out)["failure"] == (
        "exited with code 1 after opening too many files (limit: --max-open-files 32)"
    )
    assert capwars(match(spec)) == 0  # 256 by default
    assert seat_of(capsys.readouterr().out)["bot_status"] == "ok"


def test_an_exit_that_mentions_no_limit_says_only_the_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = bot(tmp_path, "quitter", "raise SystemExit(3)")
    assert capwars(match(spec)) == 0
    assert seat_of(capsys.readouterr().out)["failure"] == "exited with code 3"


BAD = [
    ("--memory-mb", "0", "--memory-mb must be a whole number of MiB, 16 or more"),
    ("--memory-mb", "-512", "--memory-mb must be a whole number of MiB, 16 or more"),
    ("--memory-mb", "nan", "--memory-mb must be a whole number of MiB, 16 or more"),
    ("--memory-mb", "1.5", "--memory-mb must be a whole number of MiB, 16 or more"),
    ("--memory-mb", "1GB", "--memory-mb takes a whole number of MiB, such as --memory-mb 2048"),
    ("--memory-mb", "1e9", "--memory-mb must be at most 1048576 MiB (1 TiB); got 1e9"),
    ("--cpu-seconds", "0", "--cpu-seconds must be a whole number of seconds of CPU time, 1 or"),
    ("--cpu-seconds", "inf", "--cpu-seconds must be a whole number of seconds of CPU time"),
    ("--cpu-seconds", "1e6", "--cpu-seconds must be at most 86400 seconds of CPU time (a day)"),
    ("--max-open-files", "3", "--max-open-files must be a whole number of files, 16 or more"),
    ("--max-file-mb", "0", "--max-file-mb must be a whole number of MiB, 1 or more"),
    ("--max-processes", "many", "--max-processes takes a whole number of processes, such as"),
    ("--max-processes", "1e7", "--max-processes must be at most 100000 processes"),
]


@pytest.mark.parametrize(("option", "value", "message"), BAD)
def test_bad_values_are_one_line_usage_errors_in_match(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
):
    assert capwars(["match", "--scenario", "tutorial", option, value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"capwars: error: {message}"), err
    assert len(err.strip().splitlines()) == 1 and value in err


def test_the_help_shows_the_defaults_of_limits():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for command in ("match", "validate"):
        actions = {a.dest: a for a in sub.choices[command]._actions}  # type: ignore[attr-defined]
        for field, spec in LIMIT_OPTIONS.items():
            action = actions[field]
            assert spec.option in action.option_strings
            default = re.search(r"\(default: ([0-9.]+)", action.help or "")
            assert default, (command, spec.option)
            assert float(default.group(1)) == getattr(Limits(), field), spec.option


def test_every_accepted_value_is_a_valid_limit():
    for field, spec in LIMIT_OPTIONS.items():
        low = spec.least + (0.001 if spec.above_least else 0)
        for value in (low, spec.most):
            assert getattr(bot_limits(**{field: str(value)}), field) == value


def test_tournament_resource_limits_reach_workers_and_are_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = hog(tmp_path, 300)
    out = tmp_path / "out"
    args = ["tournament", "run", spec, "idle", "--scenario", "tutorial", "-q"]
    args += ["--out", str(out), "--jobs", "2"]
    assert main([*args, "--memory-mb", "200"]) == 0
    for record in read_results(out):
        seat = record["bots"].index(spec)
        assert record["bot_statuses"][seat] == "error"
        errors = [f["error"] for f in record["failures"] if f["seat"] == seat]
        assert errors == [MEMORY.format(200)]
    design = json.loads((out / DESIGN_NAME).read_text())
    assert design["limits"] == {**limits_json(Limits()), "memory_mb": 200}
    capsys.readouterr()
    # A rerun with other resource limits is refused, saying which differ.
    assert main([*args, "--memory-mb", "1024", "--cpu-seconds", "60"]) == 2
    err = capsys.readouterr().err
    assert (
        "limits of cmd: bots: --memory-mb 200 --cpu-seconds 300 there,"
        " --memory-mb 1024 --cpu-seconds 60 now"
    ) in err
    assert main([*args, "--memory-mb", "1024", "--extend"]) == 2
    assert "played with other limits for cmd: bots" in capsys.readouterr().err
    assert main([*args, "--memory-mb", "200"]) == 0  # the same limits: a no-op resume


def test_a_folder_from_before_resource_limits_resumes_with_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "out"
    args = ["tournament", "run", "idle", "random", "--scenario", "tutorial", "-q"]
    args += ["--out", str(out), "--jobs", "1"]
    assert main([*args, "--turn-seconds", "0.5"]) == 0
    design = json.loads((out / DESIGN_NAME).read_text())
    old = {"turn_seconds": 0.5, "bank_seconds": 10.0, "init_seconds": 10.0}
    (out / DESIGN_NAME).write_text(json.dumps({**design, "limits": old}))
    assert main([*args, "--turn-seconds", "0.5"]) == 0
    (out / DESIGN_NAME).write_text(json.dumps({**design, "limits": old}))
    capsys.readouterr()
    assert main([*args, "--turn-seconds", "0.5", "--memory-mb", "2048"]) == 2
    assert "--memory-mb 1024 there, --memory-mb 2048 now" in capsys.readouterr().err


def test_validate_uses_the_resource_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    spec = hog(tmp_path, 300)
    assert main(["validate", spec, "--memory-mb", "200", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    reasons = [r for c in report["checks"] for r in c["reasons"]]
    assert any("after running out of memory (limit: --memory-mb 200)" in r for r in reasons)
    assert main(["validate", spec, "--json"]) == 0


def test_limits_are_described_as_typed_in_full() -> None:
    # The tournament's refusal names the limits as options to type: ":g" wrote 1048576 open
    # files (the kernel's usual ceiling) as 1.04858e+06, which the option then refuses.
    limits = bot_limits(max_open_files="1048576", memory_mb="1000000", turn_seconds="0.1234567")
    text = describe_limits(limits, ["max_open_files", "memory_mb", "turn_seconds"])
    assert text == "--max-open-files 1048576 --memory-mb 1000000 --turn-seconds 0.1234567"
    assert describe_limits(Limits(), ["turn_seconds", "memory_mb"]) == (
        "--turn-seconds 1 --memory-mb 1024"
    )
