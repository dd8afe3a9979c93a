"""``--turn-seconds``, ``--bank-seconds``, ``--init-seconds``: the time external bots get, set per
run on ``capwars match``, ``capwars tournament run`` and ``capwars validate``.

A stalling bot is eliminated after the time set (the recorded reason names it), the limits reach
pool workers, a tournament folder remembers them, a replay's header carries them, and a bad value
is a one-line usage error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from game.agents.idle import IdleBot
from game.arena.host import ExternalBot, LimitsError, bot_limits, limits_json, make_seat_bot
from game.arena.protocol import Limits
from game.arena.replay import read_replay, verify_replay
from game.arena.results import read_results
from game.arena.tournament import (
    DESIGN_NAME,
    TournamentConfig,
    TournamentError,
    main,
    plan_line,
    run_tournament,
)
from game.cli import main as capwars

STALLER = """
import json, sys, time
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print(json.dumps({"type": "ready"}), flush=True)
    elif msg["type"] == "turn":
        time.sleep(60)
    else:
        break
"""
"""A bot that starts, then never answers a turn."""


def time_limits(
    turn: float | str | None = None,
    bank: float | str | None = None,
    init: float | str | None = None,
) -> Limits:
    return bot_limits(turn_seconds=turn, bank_seconds=bank, init_seconds=init)


@pytest.fixture
def staller(tmp_path: Path) -> str:
    path = tmp_path / "staller.py"
    path.write_text(STALLER)
    return f"cmd:{sys.executable} {path}"


def test_time_limits_are_checked_with_the_option_s_name():
    assert time_limits() == Limits()
    limits = time_limits("0.5", "0", 3)
    assert (limits.turn_seconds, limits.bank_seconds, limits.init_seconds) == (0.5, 0.0, 3.0)
    for args, message in [
        (
            ("abc",),
            "--turn-seconds takes a number of seconds, such as --turn-seconds 0.5; got 'abc'",
        ),
        (("0",), "--turn-seconds must be a finite number of seconds, more than 0"),
        (("nan",), "--turn-seconds must be a finite number of seconds"),
        ((None, "-1"), "--bank-seconds must be a finite number of seconds, 0 or more"),
        ((None, None, "inf"), "--init-seconds must be a finite number of seconds"),
        (("1e12",), "--turn-seconds must be at most 86400 seconds"),
    ]:
        with pytest.raises(LimitsError, match=message.replace("(", r"\(")):
            time_limits(*args)


def test_limits_reach_cmd_bots_only():
    limits = time_limits(0.25, 1)
    bot = make_seat_bot("cmd:python3 -c pass", limits)
    assert isinstance(bot, ExternalBot) and bot.limits == limits and bot.bank_left == 1.0
    assert isinstance(make_seat_bot("idle", limits), IdleBot)
    default = make_seat_bot("cmd:python3 -c pass")
    assert isinstance(default, ExternalBot) and default.limits == Limits()


def test_match_with_small_limits_eliminates_a_staller_and_the_replay_records_them(
    staller: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    replay = tmp_path / "r.jsonl"
    args = ["match", "--scenario", "tutorial", "--bot", staller, "--json"]
    args += ["--turn-seconds", "0.2", "--bank-seconds", "0.3", "--replay", str(replay)]
    assert capwars(args) == 0
    data = json.loads(capsys.readouterr().out)
    seat = next(p for p in data["players"] if p["seat"] == 0)
    assert seat["bot_status"] == "timeout"
    assert seat["failure"] == "no answer to turn 0 within 0.2 s plus the whole 0.3 s time bank"
    header = read_replay(replay).header
    assert header.settings["limits"] == {
        **limits_json(Limits()),
        "turn_seconds": 0.2,
        "bank_seconds": 0.3,
    }
    assert verify_replay(replay).ok  # limits are not part of the simulation


def test_a_match_without_external_bots_writes_no_limits(tmp_path: Path):
    replay = tmp_path / "r.jsonl"
    args = ["match", "--scenario", "tutorial", "--turn-seconds", "0.2", "--replay", str(replay)]
    assert capwars(args) == 0
    assert read_replay(replay).header.settings == {}


def test_no_time_bank_is_said_so(staller: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    args = ["match", "--scenario", "tutorial", "--bot", staller, "--json"]
    assert capwars([*args, "--turn-seconds", "0.1", "--bank-seconds", "0"]) == 0
    seat = next(p for p in json.loads(capsys.readouterr().out)["players"] if p["seat"] == 0)
    assert seat["failure"] == "no answer to turn 0 within 0.1 s (no time bank)"


@pytest.mark.parametrize(
    "args",
    [
        ["match", "--scenario", "tutorial", "--turn-seconds", "fast"],
        ["match", "--scenario", "tutorial", "--bank-seconds", "-2"],
        ["match", "--scenario", "tutorial", "--init-seconds", "0"],
    ],
)
def test_bad_values_are_one_line_usage_errors_in_match(
    args: list[str], capsys: pytest.CaptureFixture[str]
):
    assert capwars(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("capwars: error: --") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["tournament", "run", "idle", "random", "--scenario", "tutorial", "--turn-seconds", "inf"],
        ["validate", "idle", "--bank-seconds", "x"],
        # the resource limits (tests/arena/test_bot_resource_limits.py) are read the same way
        ["tournament", "run", "idle", "random", "--scenario", "tutorial", "--memory-mb", "0"],
        ["validate", "idle", "--cpu-seconds", "-1"],
    ],
)
def test_bad_values_are_one_line_usage_errors_in_tournament_and_validate(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    if args[0] == "tournament":
        args = [*args, "--out", str(tmp_path / "out"), "-q"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("capwars: error: --") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # refused before anything is played


def test_tournament_limits_reach_pool_workers(staller: str, tmp_path: Path):
    config = TournamentConfig(
        bots=(staller, "idle"), scenario="tutorial", limits=time_limits(0.2, 0.2)
    )
    summary = run_tournament(config, tmp_path / "out", jobs=2)
    assert summary.played == 2
    for record in read_results(tmp_path / "out"):
        seat = record["bots"].index(staller)
        assert record["bot_statuses"][seat] == "timeout"
        errors = [f["error"] for f in record["failures"] if f["seat"] == seat]
        assert errors == [
            "timeout: no answer to turn 0 within 0.2 s plus the whole 0.2 s time bank"
        ]
    design = json.loads((tmp_path / "out" / DESIGN_NAME).read_text())
    assert design["limits"] == {**limits_json(Limits()), "turn_seconds": 0.2, "bank_seconds": 0.2}


def test_a_resumed_tournament_with_other_limits_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    base = TournamentConfig(bots=("idle", "random"), scenario="tutorial")
    run_tournament(base, out, limit=1)
    faster = TournamentConfig(
        bots=("idle", "random"), scenario="tutorial", limits=time_limits(0.5, 2)
    )
    for extend in (False, True):
        with pytest.raises(TournamentError) as caught:
            run_tournament(faster, out, extend=extend)
        message = str(caught.value)
        assert (
            "limits of cmd: bots: --turn-seconds 1 --bank-seconds 10"
            " there, --turn-seconds 0.5 --bank-seconds 2 now"
        ) in message
        assert "--restart" in message
    assert "played with other limits for cmd: bots" in message  # what --extend said
    # The same limits spelled out, or none given, resume the defaults' tournament.
    same = TournamentConfig(bots=("idle", "random"), scenario="tutorial", limits=time_limits(1))
    assert run_tournament(same, out).already_done == 1
    assert run_tournament(faster, out, restart=True).played == 2


def test_a_folder_from_before_limits_were_recorded_resumes_with_the_defaults(tmp_path: Path):
    out = tmp_path / "out"
    config = TournamentConfig(bots=("idle", "random"), scenario="tutorial")
    run_tournament(config, out, limit=1)
    design = json.loads((out / DESIGN_NAME).read_text())
    del design["limits"]
    (out / DESIGN_NAME).write_text(json.dumps(design))
    assert run_tournament(config, out).already_done == 1
    faster = TournamentConfig(bots=("idle", "random"), scenario="tutorial", limits=time_limits(0.5))
    (out / DESIGN_NAME).write_text(json.dumps(design))
    with pytest.raises(TournamentError, match=r"--turn-seconds 1 there, --turn-seconds 0.5 now"):
        run_tournament(faster, out)


def test_cli_tournament_refuses_other_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    args = ["tournament", "run", "idle", "random", "--scenario", "tutorial", "-q"]
    args += ["--out", str(tmp_path / "out"), "--jobs", "1"]
    assert main([*args, "--turn-seconds", "0.5", "--bank-seconds", "2"]) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "limits of cmd: bots: --turn-seconds 0.5" in capsys.readouterr().err
    assert main([*args, "--turn-seconds", "0.5", "--bank-seconds", "2"]) == 0


def test_validate_uses_the_limits(staller: str, capsys: pytest.CaptureFixture[str]):
    args = ["validate", staller, "--turn-seconds", "0.1", "--bank-seconds", "0", "--json"]
    assert main(args) == 1
    report = json.loads(capsys.readouterr().out)
    failures = next(c for c in report["checks"] if c["name"] == "no failures")
    assert any("within 0.1 s (no time bank)" in r for r in failures["reasons"]), failures


def test_the_plan_line_says_what_cmd_bots_get():
    plain = TournamentConfig(bots=("idle", "random"), scenario="tutorial")
    assert "cmd:" not in plan_line(plain, 2, 2, 0)
    hosted = TournamentConfig(bots=("idle", "cmd:./bot"), scenario="tutorial")
    assert plan_line(hosted, 2, 2, 0).endswith(
        "; cmd: bots get 1 s a turn plus a 10 s time bank (--turn-seconds, --bank-seconds)"
    )
    fast = TournamentConfig(bots=("cmd:./bot",), scenario="tutorial", limits=time_limits(0.5, 2))
    assert "cmd: bots get 0.5 s a turn plus a 2 s time bank" in plan_line(fast, 2, 2, 0)


def test_tournament_limits_reach_dask_workers(staller: str, tmp_path: Path):
    distributed = pytest.importorskip(
        "dask.distributed",
        reason="dask is not installed (optional extra: pip install 'capacity-wars[distributed]')",
    )
    config = TournamentConfig(
        bots=(staller, "idle"), scenario="tutorial", limits=time_limits(0.2, 0)
    )
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        summary = run_tournament(config, tmp_path / "out", executor=f"dask://{address}")
    assert summary.played == 2
    for record in read_results(tmp_path / "out"):
        seat = record["bots"].index(staller)
        errors = [f["error"] for f in record["failures"] if f["seat"] == seat]
        assert errors == ["timeout: no answer to turn 0 within 0.2 s (no time bank)"]
