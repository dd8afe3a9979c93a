"""A bot cannot change what is mounted, nor make or enter namespaces (the seccomp filter).

A bot is root of its user namespace and has a mount namespace whose fresh ``/proc`` lists only
its own processes. Landlock forbids it to unmount that ``/proc``; where Landlock is not applied
(a kernel without it) the filter of :mod:`game.arena.seccomp` must, or the bot would see the
machine's processes (and their command lines) again under it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.arena import landlock, seccomp
from game.arena.host import NAMESPACES, PROC_NAMESPACE, SANDBOX
from game.cli import main

needs_seccomp = pytest.mark.skipif(
    bool(seccomp.unavailable()), reason=f"no seccomp filter here: {seccomp.unavailable()}"
)

ALLOW, EPERM, ENOSYS = 0x7FFF0000, 0x50001, 0x50026


def run_filter(rows: list[tuple[int, int, int, int]], nr: int, arch: int, *args: int) -> int:
    """What the classic BPF program ``rows`` returns for system call ``nr`` with ``args``."""
    words = {0: nr & 0xFFFFFFFF, 4: arch}
    for index, value in enumerate(args):
        words[16 + 8 * index] = value & 0xFFFFFFFF
    pc, acc = 0, 0
    while True:
        code, jt, jf, k = rows[pc]
        pc += 1
        if code == 0x20:
            acc = words.get(k, 0)
        elif code == 0x15:
            pc += jt if acc == k else jf
        elif code == 0x45:
            pc += jt if acc & k else jf
        elif code == 0x54:
            acc &= k
        else:
            assert code == 0x06
            return k


NUMBERS = {
    # mount, umount2, pivot_root, unshare, setns, clone, clone3, fsopen, mount_setattr
    "x86_64": (165, 166, 155, 272, 308, 56, 435, 430, 442),
    "aarch64": (40, 39, 41, 97, 268, 220, 435, 430, 442),
}


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_the_filter_refuses_mounts_and_namespaces_and_allows_forks_and_threads(machine: str):
    arch = seccomp.ARCHES[machine][0]
    rows = seccomp.program(machine)
    mount, umount2, pivot_root, unshare, setns, clone, clone3, fsopen, setattr_ = NUMBERS[machine]
    for nr in (mount, umount2, pivot_root, setns, fsopen, setattr_):
        assert run_filter(rows, nr, arch, 0) == EPERM, nr
    for flag in (0x20000, 0x10000000, 0x80):  # NEWNS, NEWUSER, NEWTIME (unshare's alone)
        assert run_filter(rows, unshare, arch, flag) == EPERM, flag
    # A thread's own working folder or file table (CLONE_FS, CLONE_FILES) is no namespace.
    assert run_filter(rows, unshare, arch, 0x200) == ALLOW
    assert run_filter(rows, unshare, arch, 0x400) == ALLOW
    assert run_filter(rows, clone3, arch, 0) == ENOSYS  # its flags are behind a pointer
    fork = 0x11  # SIGCHLD, as glibc's fork()
    thread = 0x3D0F00  # CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | ...
    assert run_filter(rows, clone, arch, fork) == ALLOW
    assert run_filter(rows, clone, arch, thread) == ALLOW
    for flag in (0x20000, 0x10000000, 0x20000000, 0x40000000):  # NEWNS, NEWUSER, NEWPID, NEWNET
        assert run_filter(rows, clone, arch, fork | flag) == EPERM
    assert run_filter(rows, 0, arch, 0) == ALLOW  # read / io_setup: the rest is left alone


def fresh_proc_allowed() -> bool:
    exe = shutil.which("unshare")
    if exe is None:
        return False
    probe = [exe, *NAMESPACES[1:], *PROC_NAMESPACE, "true"]
    return subprocess.run(probe, capture_output=True, timeout=5, check=False).returncode == 0


UNMOUNTER = textwrap.dedent(
    """
    import ctypes, os, sys
    libc = ctypes.CDLL(None, use_errno=True)
    before = sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
    failed = libc.umount2(b"/proc", 2) != 0
    print("umount2:", os.strerror(ctypes.get_errno()) if failed else "done", file=sys.stderr)
    failed = libc.unshare(0x20000) != 0  # CLONE_NEWNS: a mount namespace of its own
    print("unshare:", os.strerror(ctypes.get_errno()) if failed else "done", file=sys.stderr)
    failed = libc.unshare(0x400) != 0  # CLONE_FILES: a file table of its own, no namespace
    print("files:", os.strerror(ctypes.get_errno()) if failed else "done", file=sys.stderr)
    after = sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
    print("pids:", before == after, len(after), file=sys.stderr)
    """
)


@needs_seccomp
def test_without_landlock_a_bot_still_cannot_unmount_its_proc(tmp_path: Path):
    """The wrapper without ``write=`` applies no Landlock (as on a kernel without it): the
    filter alone refuses the unmount, after ``unshare`` mounted the fresh ``/proc``."""
    if not fresh_proc_allowed():
        pytest.skip("this host does not allow a mount namespace with a fresh /proc")
    command = [
        *NAMESPACES,
        *PROC_NAMESPACE,
        sys.executable,
        "-S",
        "-E",
        str(SANDBOX),
        "init=1",
        "--",
        sys.executable,
        "-c",
        UNMOUNTER,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "umount2: Operation not permitted" in done.stderr, done.stderr
    assert "unshare: Operation not permitted" in done.stderr, done.stderr
    assert "files: done" in done.stderr, done.stderr
    assert "pids: True 2" in done.stderr, done.stderr  # the sandbox (PID 1) and the bot


@needs_seccomp
def test_a_bot_that_tries_to_unmount_proc_is_refused_and_plays_its_match(tmp_path, capsys):
    bot = tmp_path / "bot.py"
    bot.write_text(
        UNMOUNTER
        + textwrap.dedent(
            """
            from game.sdk import run

            class Idle:
                def act(self, observation):
                    return []

            run(Idle)
            """
        )
    )
    assert main(["match", "--scenario", "tutorial", "--bot", f"cmd:{sys.executable} {bot}"]) == 0
    out = capsys.readouterr().out
    assert "eliminated" not in out and "bot failures" not in out, out
    assert "umount2: Operation not permitted" in out, out
    assert "unshare: Operation not permitted" in out, out


@needs_seccomp
@pytest.mark.skipif(not shutil.which("node"), reason="needs node on PATH")
def test_node_starts_threads_and_children_under_the_filter(tmp_path: Path):
    script = (
        "const { Worker } = require('worker_threads');"
        "const cp = require('child_process');"
        "require('crypto').pbkdf2('a', 'b', 1000, 32, 'sha256', (e) => {"
        "  console.log('threadpool', !e);"
        "  new Worker('1 + 1', { eval: true }).on('exit', () => console.log('worker ok'));"
        "});"
        "console.log(cp.execSync('echo child ok').toString().trim());"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-E", str(SANDBOX), "memory_mb=4096", "--", "node", "-e", script],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["child", "ok", "threadpool", "true", "worker", "ok"], done


MULTIPROCESSING = textwrap.dedent(
    """
    import multiprocessing as mp


    def child(end):
        end.send("pipe ok")


    if __name__ == "__main__":
        for method in ("fork", "spawn"):
            context = mp.get_context(method)
            mine, theirs = context.Pipe()
            process = context.Process(target=child, args=(theirs,))
            process.start()
            print(method, mine.recv())
            process.join()
        try:
            mp.get_context("fork").Queue()
        except PermissionError as exc:
            print("queue:", exc)
    """
)


@pytest.mark.skipif(landlock.abi_version() < 1, reason="Landlock is not available on this kernel")
def test_multiprocessing_works_in_the_sandbox_as_bots_md_says(tmp_path: Path):
    """BOTS.md said multiprocessing works with the fork and spawn contexts: its Process and Pipe
    do, but its Pool, Queue and Lock need a semaphore file in /dev/shm, which Landlock keeps a
    bot from writing; a bot written to the guide crashed on its first Pool."""
    bot = tmp_path / "bot.py"
    bot.write_text(MULTIPROCESSING)
    wrapper = [sys.executable, "-S", "-E", str(SANDBOX), f"write={tmp_path}", "--"]
    done = subprocess.run(
        [*wrapper, sys.executable, str(bot)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.stdout.splitlines() == [
        "fork pipe ok",
        "spawn pipe ok",
        "queue: [Errno 13] Permission denied",
    ], done.stderr
    guide = " ".join((Path(__file__).parents[2] / "docs" / "BOTS.md").read_text("utf-8").split())
    assert "`multiprocessing`'s `Process` and `Pipe`" in guide
    assert "nor its `Pool`, `Queue`, `Lock` and `concurrent.futures.ProcessPoolExecutor`" in guide


@pytest.mark.skipif(landlock.abi_version() < 1, reason="Landlock is not available on this kernel")
def test_a_bot_whose_pool_is_refused_is_told_what_to_use(tmp_path: Path, capsys):
    """Its reason was 'PermissionError: [Errno 13] Permission denied', naming nothing."""
    bot = tmp_path / "pool.py"
    bot.write_text(
        "import multiprocessing\n"
        "if __name__ == '__main__':\n"
        "    with multiprocessing.Pool(2) as pool:\n"
        "        pool.map(abs, [-1])\n"
    )
    assert main(["match", "--scenario", "tutorial", "--bot", f"cmd:{sys.executable} {bot}"]) == 0
    failures = capsys.readouterr().out.split("bot failures", 1)[1].split("its log:")[0]
    assert (
        "PermissionError: [Errno 13] Permission denied (multiprocessing's Pool, Queue and Lock"
        " keep their semaphores in /dev/shm, which the sandbox does not let a bot write: use"
        " multiprocessing's Process with a Pipe, or threads)"
    ) in " ".join(failures.split()), failures
