"""The sandbox confines what a ``cmd:`` bot reads, not only what it writes.

A teacher runs thirty students' bots on their laptop: a bot must not read another student's
folder (or the teacher's files) and print it to its log, which replays and results keep. Each
bot here is a small Python or shell program in ``tmp_path/alice``; the secret is in
``tmp_path/other``. Played through ``capwars match`` (the tutorial, a few seconds).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.arena import landlock
from game.cli import main

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="Landlock is not available on this kernel"
)

SECRET = "the other student's strategy"


def make_bot(tmp_path: Path, secret: Path) -> Path:
    """``alice/bot.py``: imports a module beside it and the SDK, logs ``secret``, plays idle."""
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "helper.py").write_text('GREETING = "hello from helper"\n')
    bot = tmp_path / "alice" / "bot.py"
    bot.write_text(
        textwrap.dedent(
            f"""
            import sys
            from helper import GREETING
            from game.sdk import run

            print(GREETING, file=sys.stderr)
            print("read:", open({str(secret)!r}).read(), file=sys.stderr)

            class Idle:
                def act(self, observation):
                    return []

            run(Idle)
            """
        )
    )
    return bot


def secret_file(tmp_path: Path) -> Path:
    (tmp_path / "other").mkdir()
    secret = tmp_path / "other" / "secret.txt"
    secret.write_text(SECRET)
    return secret


def match(capsys: pytest.CaptureFixture[str], spec: str, *options: str) -> str:
    assert main(["match", "--scenario", "tutorial", "--bot", spec, *options]) == 0
    return capsys.readouterr().out


def test_a_bot_cannot_read_a_sibling_folder_and_is_told_how_to_allow_it(tmp_path, capsys):
    secret = secret_file(tmp_path)
    bot = make_bot(tmp_path, secret)
    out = match(capsys, f"cmd:{sys.executable} {bot}")
    assert SECRET not in out
    assert "hello from helper" in out  # its own folder's module imports
    assert "PermissionError" in out and "eliminated" in out
    assert f"run with --bot-read {secret.parent})" in out


def test_bot_read_lets_a_bot_read_that_folder(tmp_path, capsys):
    secret = secret_file(tmp_path)
    bot = make_bot(tmp_path, secret)
    out = match(capsys, f"cmd:{sys.executable} {bot}", "--bot-read", str(secret.parent))
    assert f"read: {SECRET}" in out
    assert "bot failures" not in out


def test_a_bot_reads_the_game_package_and_the_system_not_the_rest_of_the_clone(tmp_path, capsys):
    (tmp_path / "alice").mkdir()
    tries = {
        "sdk": ROOT / "game" / "sdk.py",
        "system": Path("/etc/passwd"),
        "readme": ROOT / "README.md",
        "tmp": Path(tmp_path.anchor) / "tmp",
    }
    bot = tmp_path / "alice" / "bot.py"
    bot.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            from game.sdk import run

            for name, path in { ({k: str(v) for k, v in tries.items()})!r}.items():
                try:
                    os.listdir(path) if os.path.isdir(path) else open(path).read(1)
                    print(name, "read", file=sys.stderr)
                except PermissionError:
                    print(name, "denied", file=sys.stderr)

            class Idle:
                def act(self, observation):
                    return []

            run(Idle)
            """
        )
    )
    out = match(capsys, f"cmd:{sys.executable} {bot}")
    assert "bot failures" not in out
    for line in ["sdk read", "system read", "readme denied", "tmp denied"]:
        assert line in out


def test_a_missing_bot_read_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["match", "--scenario", "tutorial", "--bot-read", str(tmp_path / "nope")]) == 2
    assert f"--bot-read {tmp_path / 'nope'}: no such file or folder" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs /bin/sh")
def test_a_shell_script_bot_and_sh_c_still_run_and_are_confined(tmp_path, capsys):
    secret = secret_file(tmp_path)
    bot = make_bot(tmp_path, tmp_path / "alice" / "helper.py")  # reads its own folder: fine
    script = tmp_path / "alice" / "run.sh"
    script.write_text('#!/bin/sh\ncd "$(dirname "$0")"\nexec python3 bot.py\n')
    script.chmod(0o755)
    out = match(capsys, f"cmd:{script}")
    assert "hello from helper" in out and "bot failures" not in out
    out = match(capsys, f"cmd:sh -c 'python3 {bot}'")
    assert "hello from helper" in out and "bot failures" not in out
    # A path the command names is the teacher's choice; one the script finds is not.
    out = match(capsys, f"cmd:sh -c 'f=secret; cat {secret.parent}/$f.txt >&2; exit 1'")
    assert SECRET not in out and "Permission denied" in out


def test_the_hint_names_only_a_denied_path_outside_the_bot_folder(tmp_path):
    from game.arena.host import denied_read_hint

    (tmp_path / "data").mkdir()
    data = tmp_path / "data" / "table.csv"
    data.write_text("1,2\n")
    node = f"Error: EACCES: permission denied, open '{data}'\n    at Object.openSync"
    assert denied_read_hint(node, "/tmp/capwars-bot-1") == (
        " (the sandbox lets a bot read only its own folder, its language's and the system's"
        f" files: if it needs {data}, run with --bot-read {tmp_path / 'data'})"
    )
    perl = f"cannot open {tmp_path / 'data'}: Permission denied at /x/bot.pl line 3.\n"
    assert f"--bot-read {tmp_path / 'data'})" in denied_read_hint(perl, None)
    inside = f"PermissionError: [Errno 13] Permission denied: '{tmp_path}/out.txt'"
    assert denied_read_hint(inside, str(tmp_path)) == ""
    assert denied_read_hint("ValueError: oops", None) == ""
    assert (
        denied_read_hint("PermissionError: [Errno 13] Permission denied: '/proc/1/environ'", None)
        == ""
    )
    unconfined = "sandbox: filesystem/TCP confinement not applied: no Landlock\n" + node
    assert denied_read_hint(unconfined, None) == ""


def _perl_with_json() -> bool:
    perl = shutil.which("perl")
    check = [perl or "perl", "-MJSON::PP", "-e", "1"]
    return perl is not None and subprocess.run(check, capture_output=True).returncode == 0


@pytest.mark.parametrize(
    ("command", "needs"),
    [
        ("python3 examples/python_bot.py", True),
        ("node examples/js_bot.js", shutil.which("node") is not None),
        ("perl examples/perl_bot.pl", _perl_with_json()),
    ],
)
def test_the_starter_bots_still_validate(command, needs, capsys, monkeypatch):
    if not needs:
        pytest.skip(f"{command.split()[0]} is not installed")
    monkeypatch.chdir(ROOT)
    assert main(["validate", f"cmd:{command}"]) == 0, capsys.readouterr().out
