"""``capwars validate``: a good bot passes, a broken one fails with the reasons why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from game.arena.protocol import Limits
from game.arena.results import read_results
from game.arena.tournament import TournamentConfig, main, run_tournament
from game.arena.validate import FAIL, NOTE, PASS, format_validation, validate_bot

RAISES = """
from game.agents import Bot

class Raiser(Bot):
    def act(self, observation):
        raise RuntimeError("no idea what to do")
"""

JUNK = """
from game.agents import Bot

class Junk(Bot):
    def act(self, observation):
        if observation.turn % 2:
            return "bid everything"
        return [{"type": "bid_spot", "provider": 7}]
"""


def test_balanced_passes_every_check():
    report = validate_bot("balanced")
    assert report.passed
    assert [c.name for c in report.checks] == [
        "imports",
        "setup",
        "no failures",
        "valid actions",
        "rejected actions",
        "time per turn",
    ]
    assert all(c.status in (PASS, NOTE) for c in report.checks)
    assert format_validation(report).endswith("result: PASS")


def test_a_bot_that_raises_fails_with_the_exception_and_its_line(tmp_path: Path):
    path = tmp_path / "raiser.py"
    path.write_text(RAISES)
    report = validate_bot(str(path))
    assert not report.passed
    assert report.check("imports").status == PASS
    failures = report.check("no failures")
    assert failures.status == FAIL and failures.detail.startswith("16 failure(s)")
    assert "RuntimeError: no idea what to do" in failures.reasons[0]
    assert "raiser.py:6" in failures.reasons[0]
    assert report.check("valid actions").status == FAIL
    assert "result: FAIL" in format_validation(report)


def test_junk_actions_fail_with_reason_codes(tmp_path: Path):
    path = tmp_path / "junk.py"
    path.write_text(JUNK)
    report = validate_bot(str(path))
    check = report.check("valid actions")
    assert not report.passed and check.status == FAIL
    assert any("act() returned str" in r for r in check.reasons)
    assert any("malformed" in r for r in check.reasons)


def test_a_file_that_does_not_import_fails_at_imports(tmp_path: Path):
    path = tmp_path / "broken.py"
    path.write_text("import no_such_module_here\n")
    report = validate_bot(str(path))
    assert [(c.name, c.status) for c in report.checks] == [("imports", FAIL)]
    assert "failed to import" in report.checks[0].detail


def test_rejected_actions_are_summarised_by_reason_code():
    report = validate_bot("random", seed=1)
    check = report.check("rejected actions")
    assert report.passed and check.status == NOTE
    assert "mechanic_disabled ×" in check.detail


def test_a_slow_bot_fails_the_turn_limit():
    report = validate_bot("balanced", turn_limit=0.0)
    assert report.check("time per turn").status == FAIL and not report.passed


def test_the_turn_limit_follows_the_time_limits_given():
    """Called from Python as from the CLI: without turn_limit, the slowest turn that passes is
    the turn time the limits give (not 1 s whatever they say)."""
    from game.arena.protocol import Limits

    report = validate_bot("balanced", limits=Limits(turn_seconds=1e-9))
    check = report.check("time per turn")
    assert check.status == FAIL and "(limit 0 ms)" in check.detail
    assert validate_bot("balanced").check("time per turn").status == PASS


def test_cli_exit_status_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["validate", "balanced"]) == 0
    assert "result: PASS" in capsys.readouterr().out
    path = tmp_path / "raiser.py"
    path.write_text(RAISES)
    assert main(["validate", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    assert {c["name"]: c["status"] for c in data["checks"]}["no failures"] == FAIL
    assert main(["validate", "balanced", "--scenario", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err


def crashing_command() -> str:
    code = "import sys; sys.stderr.write('cannot start\\n'); sys.exit(3)"
    return f'cmd:{sys.executable} -c "{code}"'


def test_an_external_bot_that_crashes_fails_with_its_status_and_stderr():
    report = validate_bot(crashing_command())
    assert not report.passed
    assert report.check("setup").status == FAIL
    # The elimination once, under the check it failed, with its log (it used to come twice,
    # then again under "no failures"); the same one from both seats is one line.
    assert report.check("setup").reasons == (
        "seat 0, setup: error: exited with code 3: cannot start (×2: seats 0-1)",
        "seat 0 stderr: cannot start",
    )
    assert report.check("no failures").reasons == ("eliminated at setup: see 'setup' above",)
    # A program has no act(): the checks speak of its answers and turns.
    assert report.check("valid actions").detail == "it never answered a turn"
    assert report.check("time per turn").detail == "no turn was played"


def test_a_tournament_records_an_external_bot_eliminated(tmp_path: Path):
    config = TournamentConfig(bots=("idle", crashing_command()), scenario="tutorial")
    summary = run_tournament(config, tmp_path)
    records = read_results(tmp_path)
    assert summary.played == len(records) == 2
    for record in records:
        seat = record["bots"].index(crashing_command())
        assert record["bot_statuses"][seat] == "error"
        assert record["statuses"][seat] == "eliminated" and record["ranks"][seat] == 2
    row = next(r for r in summary.leaderboard.rows if r.bot == crashing_command())
    assert row.failed_matches == 2 and row.wins == 0


SDK_RAISES_AT_TURN_2 = """
from game.agents import Bot
from game.sdk import run

class Late(Bot):
    def act(self, observation):
        if observation.turn == 2:
            raise ZeroDivisionError("late bug")
        return []

if __name__ == "__main__":
    run(Late)
"""


def test_a_hosted_bot_whose_sdk_caught_its_exception_fails_with_its_own_line(tmp_path: Path):
    # The SDK logs the traceback, holds that quarter and reports the error with its answer, so
    # validate fails the bot as the same file fails in-process, naming the bot's own line once.
    path = tmp_path / "late.py"
    path.write_text(SDK_RAISES_AT_TURN_2)
    report = validate_bot(f"cmd:{sys.executable} {path}")
    assert not report.passed
    failures = report.check("no failures")
    assert failures.status == FAIL and failures.detail == "2 failure(s) in 16 turns"
    # The same failure from both seats is one line, with where it happened.
    assert failures.reasons == (
        f"seat 0, turn 2: the bot reported: ZeroDivisionError: late bug ({path.name}:8)"
        " (×2: seats 0-1, turn 2)",
    )


BOT_LOGS_ITS_OWN_ERROR = """
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print(json.dumps({"type": "ready"}), flush=True)
    elif msg["type"] == "turn":
        if msg["turn"] == 2:
            print("Traceback (most recent call last):", file=sys.stderr)
            print('  File "mine.py", line 8, in act', file=sys.stderr)
            print("KeyError: 'cash'", file=sys.stderr, flush=True)
        print(json.dumps({"type": "actions", "turn": msg["turn"], "actions": []}), flush=True)
    else:
        break
"""


def test_a_hosted_bot_that_only_logs_an_error_it_caught_fails_with_its_log(tmp_path: Path):
    # A bot not on the SDK that catches its exception and says nothing: only its log shows it.
    path = tmp_path / "quiet.py"
    path.write_text(BOT_LOGS_ITS_OWN_ERROR)
    report = validate_bot(f"cmd:{sys.executable} {path}")
    failures = report.check("no failures")
    assert failures.status == FAIL and "log shows errors" in failures.detail
    text = "\n".join(failures.reasons)
    assert "1 error(s) it caught" in text
    assert "KeyError: 'cash'" in text


def test_node_s_own_stack_frames_do_not_push_the_error_out_of_the_excerpt():
    from game.arena.validate import caught_errors, log_excerpt

    frames = [f"    at Module._load (node:internal/modules/cjs/loader:{n}:12)" for n in range(9)]
    crash = "\n".join(
        [
            "/home/ana/bot.js:115",
            "",
            "",
            "SyntaxError: Unexpected end of input",
            *frames,
            "",
            "Node.js v20.20.2",
        ]
    )
    assert log_excerpt(crash) == ("/home/ana/bot.js:115", "SyntaxError: Unexpected end of input")
    caught = "\n".join(
        [
            "js_bot: seat 0 of 2",
            "TypeError: Cannot read properties of null (reading 'foo')",
            "    at act (/home/ana/bot.js:55:10)",
            *frames,
        ]
    )
    count, block = caught_errors(caught)
    assert count == 1
    assert block == (
        "TypeError: Cannot read properties of null (reading 'foo')",
        "    at act (/home/ana/bot.js:55:10)",
    )
    assert caught_errors("js_bot: rejected reserve: insufficient_funds: needs $96M") == (0, ())


MANY_MISTAKES = """
from game.agents import Bot

class Many(Bot):
    def act(self, observation):
        return [
            {"type": "buy", "what": "gpus"},
            {"type": "buy", "what": "power"},
            {"type": "bid_spot", "provider": "stratus", "quantity": "4", "max_price": 9},
        ]
"""


def test_each_distinct_malformed_action_is_shown_once_with_its_count(tmp_path: Path):
    # The same mistake repeated every quarter used to fill all three examples, hiding the
    # quoted number the student also had to fix.
    path = tmp_path / "many.py"
    path.write_text(MANY_MISTAKES)
    reasons = validate_bot(str(path)).check("valid actions").reasons
    assert len(reasons) == 2
    assert reasons[0].startswith("turn 0: buy: malformed:") and reasons[0].endswith("(×32)")
    assert "bid_spot.quantity" in reasons[1] and reasons[1].endswith("(×16)")


SEVEN_MISTAKES = """
from game.agents import Bot

class Seven(Bot):
    def act(self, observation):
        return [
            {"provider": "stratus", "quantity": 3, "max_price": 9},
            "bid_spot",
            {"type": "reserve", "provider": "stratus", "quantity": -3, "term": 8},
            {"type": "reserve", "provider": "stratus", "quantity": 3, "term": 6},
            {"type": "set_service_price", "price": True},
            {"type": "set_training_share", "share": 50},
            {"type": "bid_spot", "Provider": "stratus", "quantity": 3, "max_price": 9},
        ]
"""


def test_every_distinct_malformed_action_is_shown_not_only_three(tmp_path: Path):
    # Only the first three distinct mistakes were shown: a student fixed them, ran validate
    # again, and met the next ones.
    path = tmp_path / "seven.py"
    path.write_text(SEVEN_MISTAKES)
    check = validate_bot(str(path)).check("valid actions")
    assert check.detail == "112 malformed action(s), 0 bad return(s)"
    assert len(check.reasons) == 7
    assert "unknown field 'Provider'" in check.reasons[-1]


def test_an_external_spec_typed_with_a_leading_space_is_described_as_a_program(tmp_path: Path):
    path = tmp_path / "quiet.py"
    path.write_text(
        "from game.agents import Bot\nfrom game.sdk import run\n\n"
        "class Quiet(Bot):\n    def act(self, observation):\n        return []\n\n"
        "if __name__ == '__main__':\n    run(Quiet)\n"
    )
    report = validate_bot(f"  cmd:{sys.executable} {path}")
    assert report.check("imports").detail.startswith("the command parses")
    assert report.check("setup").detail.startswith("the program started and sent `ready`")


def test_a_bot_that_crashes_on_the_end_message_passes_with_a_note_saying_so(tmp_path: Path):
    # It played every quarter; only reading `end` as a turn broke it, after the match. It was
    # told it had caught errors and held quarters, which it never did.
    bot = tmp_path / "end_crash.py"
    bot.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    m = json.loads(line)\n"
        "    if m['type'] == 'hello':\n"
        "        print(json.dumps({'type': 'ready'}), flush=True)\n"
        "    else:\n"
        "        obs = m['observation']\n"
        "        print(json.dumps({'type': 'actions', 'turn': m['turn'], 'actions': []}),"
        " flush=True)\n"
    )
    report = validate_bot(f"cmd:{sys.executable} {bot}")
    assert report.passed and report.check("no failures").status == PASS
    note = report.check("end of match")
    assert note.status == NOTE
    text = "\n".join(note.reasons)
    assert "after the match, on the `end` message (it exited with code 1)" in text
    assert "KeyError: 'observation'" in text and "end_crash.py" in text
    assert validate_bot("balanced").passed  # and no such note for a bot that exits cleanly
    assert "end of match" not in format_validation(
        validate_bot(f"cmd:{sys.executable} -m game.sdk balanced")
    )


def test_a_bot_that_lingers_after_end_passes_with_a_note_on_the_time_it_costs(tmp_path: Path):
    bot = tmp_path / "lingers.py"
    bot.write_text(
        "import json, sys, time\n"
        "for line in sys.stdin:\n"
        "    m = json.loads(line)\n"
        "    if m['type'] == 'hello':\n"
        "        print(json.dumps({'type': 'ready'}), flush=True)\n"
        "    elif m['type'] == 'turn':\n"
        "        print(json.dumps({'type': 'actions', 'turn': m['turn'], 'actions': []}),"
        " flush=True)\n"
        "    else:\n"
        "        time.sleep(30)\n"
    )
    report = validate_bot(f"cmd:{sys.executable} {bot}")
    assert report.passed and report.check("end of match").status == NOTE
    assert (
        "seat 0: it did not exit within 1 s of the `end` message and was killed"
        in (report.check("end of match").reasons)[0]
    )


def test_a_bot_that_reads_on_after_end_is_told_so_not_that_it_misread_end(tmp_path: Path):
    # It answered every turn and ignored the other messages: after `end` it read on, the host
    # closed its stdin and input() raised EOFError. The note said it failed "on the `end`
    # message" and that `end` has no observation, which it never looked for.
    bot = tmp_path / "reads_on.py"
    bot.write_text(
        "import json\n"
        "while True:\n"
        "    m = json.loads(input())\n"
        "    if m['type'] == 'hello':\n"
        "        print(json.dumps({'type': 'ready'}), flush=True)\n"
        "    elif m['type'] == 'turn':\n"
        "        print(json.dumps({'type': 'actions', 'turn': m['turn'], 'actions': []}),"
        " flush=True)\n"
    )
    report = validate_bot(f"cmd:{sys.executable} {bot}")
    assert report.passed
    text = "\n".join(report.check("end of match").reasons)
    assert "it read on after the `end` message and failed when its input closed" in text
    assert "`end` has no observation" not in text and "EOFError" in text


CRASH_AT_TURN = """
import json, os, sys, time
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        print('{"type": "ready"}', flush=True)
    elif msg["type"] == "turn":
        if msg["turn"] == CRASH:
            time.sleep(0.05)
            os.close(1) if CLOSE else sys.exit("crash on purpose")
            time.sleep(30)
        print('{"type": "actions", "turn": %d, "actions": []}' % msg["turn"], flush=True)
    else:
        break
"""


@pytest.mark.parametrize("close", [False, True], ids=["exits", "closes-stdout"])
def test_the_turn_a_bot_crashes_in_is_neither_an_answer_nor_a_slow_turn(tmp_path: Path, close):
    # A crash's turn measured the host's wait for the exit (up to half a second): the bot was
    # told it was slow as well as broken, and its "answer" counted as one that held a list.
    path = tmp_path / "crash.py"
    path.write_text(CRASH_AT_TURN.replace("CRASH", "2").replace("CLOSE", str(close)))
    limits = Limits(turn_seconds=0.3, bank_seconds=2.0)
    report = validate_bot(f"cmd:{sys.executable} {path}", limits=limits)
    assert report.check("no failures").status == FAIL
    assert report.check("time per turn").status == PASS, report.check("time per turn").detail
    assert report.check("valid actions").detail == "4 of 6 answers held a list, nothing malformed"
    # Failing in the first turn leaves nothing to time: said so, not "no turn was played".
    path.write_text(CRASH_AT_TURN.replace("CRASH", "0").replace("CLOSE", str(close)))
    report = validate_bot(f"cmd:{sys.executable} {path}", limits=limits)
    assert report.check("valid actions").detail == "it never answered a turn"
    assert report.check("time per turn").status == NOTE
    assert report.check("time per turn").detail.startswith("not measured: the bot failed")


def test_a_bot_silent_at_start_up_is_tried_in_one_seat_only(tmp_path: Path):
    # An unflushed `ready` waited out the whole init time once per seat (20 s on the tutorial
    # with the defaults) to say the same thing twice.
    path = tmp_path / "unflushed.py"
    path.write_text(
        'import sys\nsys.stdin.readline()\nprint(\'{"type": "ready"}\')\n'
        "for line in sys.stdin:\n    pass\n"
    )
    report = validate_bot(f"cmd:{sys.executable} {path}", limits=Limits(init_seconds=0.5))
    reasons = report.check("setup").reasons
    assert len(reasons) == 2 and reasons[0].startswith("seat 0, setup: error: no `ready` within")
    assert reasons[1] == "(the other 1 seat(s) not tried: each would wait out the same init time)"
    assert "ended seat 0: eliminated" in report.check("no failures").detail
