"""A bot's processes and threads are limited (``--max-processes``), fork bombs included.

The limit used to be skipped whenever the bot had a user namespace of its own (it is root
there), so a fork bomb ran until the namespace was torn down at the end of its seat. Now:

- where the kernel applies RLIMIT_NPROC (Linux >= 5.14 counts a user namespace's processes, for
  a user other than root) the bot's ``fork`` fails past the limit;
- where it does not (capwars run by root), the sandbox's PID 1 counts the namespace's processes
  and threads and stops the bot past the limit, saying so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.arena import host, sandbox
from game.arena.protocol import Limits
from game.cli import main

FORK_BOMB = textwrap.dedent(
    """
    import os, sys, time

    forked = 0
    for _ in range(300):  # bounded, so that a test without the limit does not hurt the machine
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        forked += 1
    print(f"forked {forked} times", file=sys.stderr)

    from game.sdk import run


    class Idle:
        def act(self, observation):
            return []


    run(Idle)
    """
)

IDLE = textwrap.dedent(
    """
    from game.sdk import run


    class Idle:
        def act(self, observation):
            return []


    run(Idle)
    """
)


def limit_applies() -> str:
    """Why a bot's process limit cannot be enforced here, or ``""``."""
    prefix = host.namespace_prefix()
    if not prefix:
        return "this host allows bots no user and PID namespaces"
    if os.getuid() == 0:
        return "" if "--mount-proc" in prefix else "no /proc of their own for bots run by root"
    if sandbox._kernel() < (5, 14):
        return "before Linux 5.14 the kernel counts a user's processes machine-wide"
    return ""


def survivors(marker: str) -> list[int]:
    """The processes whose command line names ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(name))
    return found


def test_a_fork_bomb_is_stopped_and_the_other_seats_play_on(tmp_path: Path, capsys):
    if why := limit_applies():
        pytest.skip(why)
    bomb = tmp_path / "bomb" / "bomb.py"
    idle = tmp_path / "idle" / "idle.py"
    for path, text in ((bomb, FORK_BOMB), (idle, IDLE)):
        path.parent.mkdir()
        path.write_text(text)
    started = time.monotonic()
    code = main(
        [
            "match",
            "--scenario",
            "tutorial",
            "--bot",
            f"cmd:{sys.executable} {bomb}",
            "--bot",
            f"cmd:{sys.executable} {idle}",
            "--max-processes",
            "16",
        ]
    )
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 0 and took < 30, (took, out)
    standings = {
        name: line.split()
        for line in out.splitlines()
        for name in ("bomb.py", "idle.py")
        if name in line and line.split()[0].isdigit()  # a row of the standings
    }
    assert "eliminated" in standings["bomb.py"], out
    assert "active" in standings["idle.py"], out  # the other bot played its match to the end
    failures = out.split("bot failures", 1)[1].split("its log:")[0]
    assert "bomb.py" in failures and "idle.py" not in failures, out
    assert "(limit: --max-processes 16)" in failures, out
    assert "forked 300 times" not in out, out
    deadline = time.monotonic() + 5
    while survivors(str(bomb)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert survivors(str(bomb)) == []


@pytest.mark.skipif(not host.namespace_prefix(), reason="no user and PID namespaces here")
def test_node_and_python_threads_run_under_the_default_limit(tmp_path: Path):
    """The default (64) leaves room for Node's threads (libuv's pool, V8's) and a Python
    thread pool; the wrapper as the host runs it, in the bot's namespaces."""
    command = [
        *host.namespace_prefix(),
        sys.executable,
        "-S",
        "-E",
        str(host.SANDBOX),
        "init=1",
        f"processes={Limits().max_processes}",
        "--",
        sys.executable,
        "-c",
        "import os, threading\n"
        "go = threading.Event()\n"
        "threads = [threading.Thread(target=go.wait) for _ in range(32)]\n"
        "[t.start() for t in threads]\n"
        "print('threads', len(os.listdir('/proc/self/task')))\n"
        "go.set()\n",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "threads 33\n"), done.stderr


def test_the_cap_counts_the_namespace_s_tasks_where_the_kernel_applies_it(monkeypatch):
    monkeypatch.setattr(sandbox, "_kernel", lambda: (6, 1))
    monkeypatch.setattr(sandbox, "_outside_uid", lambda: 1000)
    assert sandbox.process_cap(64) == (64 + sandbox.NAMESPACE_TASKS, "")
    monkeypatch.setattr(sandbox, "_outside_uid", lambda: 0)
    cap, why = sandbox.process_cap(64)
    assert cap == 0 and "root" in why
    monkeypatch.setattr(sandbox, "_outside_uid", lambda: 1000)
    monkeypatch.setattr(sandbox, "_kernel", lambda: (5, 13))
    cap, why = sandbox.process_cap(64)
    assert cap == 0 and "5.14" in why


def test_a_bot_whose_fork_failed_is_told_the_limit():
    limits = Limits(max_processes=16)
    said = " after failing to start a process or thread (limit: --max-processes 16)"
    for code in (
        "    pid = os.fork()\n          ^^^^^^^^^\n",  # os.fork, multiprocessing
        "    self.pid = _fork_exec(\n               ^^^^^^^^^^^\n",  # subprocess
        '    os.posix_spawn("/bin/sleep", ["sleep", "3"], {})\n',
        # Python 3.13 shows every line of a call, each with its carets.
        "    self.pid = _fork_exec(\n               ~~~~~~~~~~^\n"
        + "            args, executable_list,\n            ^^^^^^^^^^^^^^^^^^^^^^\n" * 9
        + "            preexec_fn)\n            ^^^^^^^^^^^\n",
    ):
        log = (
            'Traceback (most recent call last):\n  File "bot.py", line 4, in <module>\n'
            f"{code}BlockingIOError: [Errno 11] Resource temporarily unavailable\n"
        )
        assert host._ran_out(log, limits) == said, code
    node = "Error: spawn EAGAIN\n    at ChildProcess.spawn (node:internal/child_process:420:11)"
    assert "--max-processes 16" in host._ran_out(node, limits)


NON_BLOCKING = textwrap.dedent(
    """
    import os

    os.set_blocking(0, False)
    while True:
        data = os.read(0, 65536)  # raises BlockingIOError once nothing is waiting
    """
)


def test_a_non_blocking_read_is_not_blamed_on_the_process_limit(tmp_path: Path, capsys):
    """Python says ``BlockingIOError: [Errno 11] Resource temporarily unavailable`` for a fork
    past the limit and for a non-blocking read with nothing to read alike: the second bot was
    told to raise --max-processes, which changes nothing."""
    bot = tmp_path / "reader.py"
    bot.write_text(NON_BLOCKING)
    command = ["match", "--scenario", "tutorial", "--bot", f"cmd:{sys.executable} {bot}"]
    assert main(command) == 0
    out = capsys.readouterr().out
    failures = out.split("bot failures", 1)[1].split("its log:")[0]
    assert "reader.py" in failures, out
    assert "--max-processes" not in failures, out
    assert "BlockingIOError: [Errno 11] Resource temporarily unavailable" in failures, out


def cpu_line(limits: str) -> list[str]:
    return next(line.split()[3:5] for line in limits.splitlines() if "Max cpu time" in line)


def test_the_cpu_limit_is_the_bot_s_not_its_pid_1_s(tmp_path: Path):
    """RLIMIT_CPU holds for each process. Set before the fork, it held for the sandbox's PID 1
    too, which counts the bot's processes 50 times a second where capwars runs as root: over a
    long match (a class playing a cmd: bot in the terminal game) with a small --cpu-seconds,
    PID 1 used up its own limit and took the bot down, said as 'killed by SIGKILL'."""
    prefix = host.namespace_prefix()
    if "--mount-proc" not in prefix:
        pytest.skip("no PID namespace with its own /proc here")
    command = [
        *prefix,
        sys.executable,
        "-S",
        "-E",
        str(host.SANDBOX),
        "init=1",
        "cpu_seconds=7",
        "--",
        sys.executable,
        "-c",
        "print(open('/proc/1/limits').read(), 'BOT', open('/proc/self/limits').read())",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pid_1, bot = done.stdout.split("BOT")
    assert cpu_line(bot) == ["7", "7"], done.stdout
    assert cpu_line(pid_1) == ["unlimited", "unlimited"], done.stdout


def test_the_bot_is_still_killed_at_its_cpu_limit_under_pid_1(tmp_path: Path):
    if not host.namespace_prefix():
        pytest.skip("this host allows bots no user and PID namespaces")
    command = [
        *host.namespace_prefix(),
        sys.executable,
        "-S",
        "-E",
        str(host.SANDBOX),
        "init=1",
        "cpu_seconds=1",
        "--",
        sys.executable,
        "-c",
        "while True: pass",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert "sandbox: bot killed by SIGKILL" in done.stderr, done.stderr
    assert sandbox.CPU_REACHED in done.stderr, done.stderr


LIMITS_ON_AN_OLD_KERNEL = """
import sys
from game.arena import sandbox
sandbox._kernel = lambda: (5, 10)
sandbox._outside_uid = lambda: 1000
sandbox._own_proc = lambda: {own}
options = {{"processes": "16", "init": "1"}}
warnings = [w for w in sandbox.apply_limits(options) if "process" in w]
print(options.get("watch"), warnings)
"""


@pytest.mark.parametrize("own_proc", [True, False])
def test_before_linux_5_14_pid_1_counts_the_processes_as_bots_md_says(own_proc: bool):
    """BOTS.md said the limit was not set at all before Linux 5.14; the sandbox's PID 1 counts
    the bot's processes there as it does for root, where the bot has its own /proc."""
    code = LIMITS_ON_AN_OLD_KERNEL.format(own=own_proc)
    root = str(Path(__file__).parents[2])
    done = subprocess.run(  # its own process: apply_limits installs the seccomp filter
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=root
    )
    assert done.returncode == 0, done.stderr
    if own_proc:
        assert done.stdout.strip() == "16 []"
    else:
        assert done.stdout.strip() == (
            "None [\"process limit not set: before Linux 5.14 the kernel counts a user's"
            ' processes machine-wide"]'
        )
    guide = " ".join((Path(root) / "docs" / "BOTS.md").read_text("utf-8").split())
    assert "or a kernel before 5.14, which counts a user's processes machine-wide: the" in guide
    assert "where the host refuses the bot a mount namespace the limit is not set" in guide


def test_a_bot_killed_at_its_cpu_limit_is_said_so_though_its_reported_time_is_a_bit_less():
    """The kernel kills at the limit counting clock ticks; the time wait4 reports, counted
    otherwise, was 0.93 to 0.96 s at a limit of 1 s on a busy machine, under the old slack of
    0.05 s: the bot's reason then said 'a resource limit, or killed', naming no limit."""
    assert sandbox.cpu_limit_reached(0.93, 1)
    assert sandbox.cpu_limit_reached(280.0, 300)
    assert not sandbox.cpu_limit_reached(0.5, 1)
    assert not sandbox.cpu_limit_reached(5.0, 0)  # no limit
