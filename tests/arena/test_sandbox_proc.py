"""A ``cmd:`` bot sees its own processes in ``/proc``, not the machine's.

A teacher runs students' bots on their laptop: with the host's ``/proc`` a bot could list every
process and read its command line (the teacher's commands, other bots' paths, ``--env`` JSON)
and print it to its log, which replays and results keep. Where the host allows it the bot gets
a mount namespace with a fresh ``/proc``; where it does not, the host falls back and says so.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.arena import host, landlock
from game.cli import main

MARKER = "29.8172635"
"""The recognisable argument of a ``sleep`` the test runs beside the bot."""


@pytest.fixture
def fresh_probe() -> Iterator[None]:
    """Probe the namespaces anew in the test, and again (the real host) after it."""
    host.namespace_prefix.cache_clear()
    yield
    host.namespace_prefix.cache_clear()


def fresh_proc_allowed() -> bool:
    """Whether ``unshare`` may give a process its own ``/proc`` here (asked apart from the host)."""
    exe = shutil.which("unshare")
    if exe is None:
        return False
    probe = [exe, "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "true"]
    return subprocess.run(probe, capture_output=True, timeout=5, check=False).returncode == 0


def proc_bot(tmp_path: Path) -> Path:
    """A bot that logs what ``/proc`` shows it (its pids, PID 1's command line, whether the
    test's process and ``sleep`` are there), tries to unmount its ``/proc``, and plays idle."""
    bot = tmp_path / "bot.py"
    bot.write_text(
        textwrap.dedent(
            f"""
            import ctypes, os, sys
            from game.sdk import run

            def cmdlines():
                found = {{}}
                for name in os.listdir("/proc"):
                    if name.isdigit():
                        try:
                            with open(f"/proc/{{name}}/cmdline", "rb") as f:
                                found[int(name)] = f.read().replace(b"\\0", b" ").decode()
                        except OSError:
                            found[int(name)] = ""
                return found

            def report(when, found):
                pids = ",".join(str(pid) for pid in sorted(found))
                sleep = {MARKER!r} in " ".join(found.values())
                print(f"{{when}}: pids {{pids}}; sees the sleep {{sleep}}", file=sys.stderr)
                print(f"{{when}}: test pid listed {{{os.getpid()} in found}}", file=sys.stderr)

            with open("/proc/1/cmdline", "rb") as f:
                init = f.read().split(b"\\0")[:4]
            print("pid 1:", b" ".join(init).decode(), file=sys.stderr)
            report("before", cmdlines())
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.umount2(b"/proc", 2) != 0:
                print("umount:", os.strerror(ctypes.get_errno()), file=sys.stderr)
            report("after", cmdlines())

            class Idle:
                def act(self, observation):
                    return []

            run(Idle)
            """
        )
    )
    return bot


def test_a_bot_lists_only_its_own_processes_and_still_plays(tmp_path, capsys):
    if not fresh_proc_allowed():
        pytest.skip("this host does not allow a mount namespace with a fresh /proc")
    sleeper = subprocess.Popen(["sleep", MARKER])
    try:
        bot = proc_bot(tmp_path)
        spec = f"cmd:{sys.executable} {bot}"
        assert main(["match", "--scenario", "tutorial", "--bot", spec]) == 0
        out = capsys.readouterr().out
    finally:
        sleeper.kill()
        sleeper.wait()
    assert "eliminated" not in out, out  # it played its match to the end
    assert "pid 1: " in out and "sandbox.py" in out.split("pid 1: ")[1].split("\n")[0]
    # The sandbox (PID 1) and the bot: not the test, nor the sleep, nor anything else.
    assert "before: pids 1,2; sees the sleep False" in out, out
    assert "before: test pid listed False" in out, out
    if landlock.abi_version() >= 1:  # Landlock forbids the bot to unmount its /proc
        assert "umount: Operation not permitted" in out, out
        assert "after: pids 1,2; sees the sleep False" in out, out


def fake_unshare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refuse: str) -> None:
    """An ``unshare`` first on ``PATH`` that refuses commands with ``refuse`` in them."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "unshare"
    script.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" {refuse} "*)\n'
        '  echo "unshare: mount /proc failed: Permission denied" >&2; exit 1;;\n'
        "esac\n"
        "exit 0\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_without_a_fresh_proc_the_other_namespaces_stay_and_a_warning_says_so(
    tmp_path, monkeypatch, caplog, fresh_probe
):
    fake_unshare(tmp_path, monkeypatch, "--mount-proc")
    with caplog.at_level(logging.WARNING, logger="capwars.host"):
        prefix = host.namespace_prefix()
        assert host.namespace_prefix() == prefix  # probed once
    assert prefix == (str(tmp_path / "bin" / "unshare"), *host.NAMESPACES[1:])
    assert [r.getMessage() for r in caplog.records] == [
        "bots run without a /proc of their own (unshare: mount /proc failed: Permission"
        " denied): a bot can list this machine's processes and read their command lines"
    ]


def test_without_any_namespace_the_warning_names_all_of_them(
    tmp_path, monkeypatch, caplog, fresh_probe
):
    fake_unshare(tmp_path, monkeypatch, "--user")
    with caplog.at_level(logging.WARNING, logger="capwars.host"):
        assert host.namespace_prefix() == ()
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith("bots run without network, PID and mount namespaces (unshare:")
    assert "a bot can list this machine's processes in /proc" in message
