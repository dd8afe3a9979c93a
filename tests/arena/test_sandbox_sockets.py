"""A ``cmd:`` bot cannot reach a Unix socket (:mod:`game.arena.seccomp`).

Landlock does not restrict ``connect()`` to a pathname Unix socket and a network namespace does
not isolate one: a bot could drive the teacher's X display (``/tmp/.X11-unix/X0``), the session's
D-Bus, an ``ssh-agent`` or ``docker.sock``. Here the "teacher's socket" is a server the test
listens on in ``tmp_path``; the bots are played through ``capwars match`` (the tutorial).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from game.arena import seccomp
from game.arena.sandbox import SIGSYS_WHY
from game.cli import main

ROOT = Path(__file__).resolve().parents[2]
SANDBOX = ROOT / "game" / "arena" / "sandbox.py"

needs_seccomp = pytest.mark.skipif(
    bool(seccomp.unavailable()), reason=f"no seccomp filter here: {seccomp.unavailable()}"
)

IDLE = """
from game.sdk import run

class Idle:
    def act(self, observation):
        return []

run(Idle)
"""


@pytest.fixture
def server(tmp_path: Path):
    """A listening Unix socket in ``tmp_path`` (a short path: sun_path holds 108 bytes)."""
    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.listen(4)
    sock.setblocking(False)
    yield path, sock
    sock.close()


def accepted(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def match(capsys: pytest.CaptureFixture[str], spec: str) -> str:
    assert main(["match", "--scenario", "tutorial", "--bot", spec]) == 0
    return capsys.readouterr().out


@needs_seccomp
def test_a_bot_cannot_connect_to_a_unix_socket_and_still_plays(tmp_path, server, capsys):
    path, sock = server
    (tmp_path / "bot").mkdir()
    bot = tmp_path / "bot" / "bot.py"
    bot.write_text(
        textwrap.dedent(
            f"""
            import asyncio, socket, sys

            def attempt(name, make):
                try:
                    make()
                    print(name, "connected", file=sys.stderr)
                except OSError as exc:
                    print(name, "refused:", type(exc).__name__, exc, file=sys.stderr)

            def connect():
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect({str(path)!r})
                s.sendall(b"xdotool type rm -rf ~")

            attempt("connect", connect)
            attempt("dgram", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
            # A datagram pair's sendto() reaches any datagram socket by its path (/dev/log).
            attempt("dgram pair", lambda: socket.socketpair(type=socket.SOCK_DGRAM))
            a, b = socket.socketpair()
            a.sendall(b"ping")
            print("socketpair", b.recv(4).decode(), file=sys.stderr)

            async def hello():
                await asyncio.sleep(0)
                return "ran"

            print("asyncio", asyncio.run(hello()), file=sys.stderr)
            """
        )
        + IDLE
    )
    out = match(capsys, f"cmd:{sys.executable} {bot}")
    assert not accepted(sock)
    assert "connect refused: PermissionError [Errno 13] Permission denied" in out
    assert "dgram refused: PermissionError [Errno 13] Permission denied" in out
    assert "dgram pair refused: PermissionError [Errno 13] Permission denied" in out
    assert "connected" not in out
    assert "socketpair ping" in out and "asyncio ran" in out
    assert "bot failures" not in out
    assert "Unix sockets not blocked" not in out


@needs_seccomp
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_bot_cannot_connect_and_its_child_processes_still_run(tmp_path, server, capsys):
    path, sock = server
    (tmp_path / "bot").mkdir()
    bot = tmp_path / "bot" / "bot.js"
    bot.write_text(
        textwrap.dedent(
            f"""
            const net = require("net");
            const {{ execFileSync }} = require("child_process");
            const out = execFileSync(process.execPath, ["-e", "process.stdout.write('child')"]);
            console.error("spawned", out.toString());
            const s = net.connect({str(path)!r});
            s.on("connect", () => console.error("connected"));
            s.on("error", (e) => console.error("refused:", e.code));
            const rl = require("readline").createInterface({{ input: process.stdin }});
            rl.on("line", (line) => {{
              const msg = JSON.parse(line);
              if (msg.type === "hello") console.log(JSON.stringify({{ type: "ready" }}));
              else if (msg.type === "turn")
                console.log(JSON.stringify({{ type: "actions", turn: msg.turn, actions: [] }}));
              else if (msg.type === "end") process.exit(0);
            }});
            """
        )
    )
    out = match(capsys, f"cmd:node {bot}")
    assert not accepted(sock)
    assert "spawned child" in out and "refused: EACCES" in out and "connected" not in out
    assert "bot failures" not in out


def run_sandboxed(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by Python under the sandbox wrapper (as the host runs it, by path), its
    working folder a fresh temporary one (Landlock, where the kernel has it, confines reads)."""
    with tempfile.TemporaryDirectory() as workdir:
        return subprocess.run(
            [
                *(sys.executable, "-S", "-E", str(SANDBOX), f"write={workdir}", *options),
                *("--", sys.executable, "-c", code),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=workdir,
        )


@needs_seccomp
def test_io_uring_which_could_open_sockets_unseen_is_not_available():
    # io_uring_setup(1, params) with a zeroed 120-byte struct io_uring_params.
    code = (
        "import ctypes; libc = ctypes.CDLL(None, use_errno=True)"
        "; p = ctypes.create_string_buffer(120)"
        "; print(libc.syscall(425, 1, p), ctypes.get_errno())"
    )
    done = run_sandboxed(code)
    assert done.stdout.split() == ["-1", str(errno.ENOSYS)], done.stderr


x86_64 = pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86_64 system calls")


@needs_seccomp
@x86_64
def test_an_x32_system_call_kills_the_bot():
    # x32's socket(AF_UNIX, SOCK_STREAM, 0): the same socket, by another ABI the filter would miss.
    code = "import ctypes; ctypes.CDLL(None).syscall(0x40000000 | 41, 1, 1, 0); print('alive')"
    done = run_sandboxed(code)
    assert done.returncode == -signal.SIGSYS and "alive" not in done.stdout
    # As PID 1 of a bot's namespace the sandbox says why (the host shows the bot's log).
    done = run_sandboxed(code, "init=1")
    assert done.returncode == 128 + signal.SIGSYS and "alive" not in done.stdout
    assert done.stderr == f"sandbox: bot killed by SIGSYS\n{SIGSYS_WHY}\n"
    assert run_sandboxed("import ctypes; ctypes.CDLL(None).syscall(-1); print('alive')").stdout


INT80_GETPID = (
    "import ctypes, mmap\n"
    "m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
    # mov eax, 20 (i386 getpid); int 0x80; ret
    "m.write(bytes([0xB8, 20, 0, 0, 0, 0xCD, 0x80, 0xC3]))\n"
    "address = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
    "print(ctypes.CFUNCTYPE(ctypes.c_int)(address)() == __import__('os').getpid())\n"
)


@needs_seccomp
@x86_64
def test_an_i386_system_call_kills_the_bot():
    """``int 0x80`` from a 64-bit program: i386's ``socketcall`` hides ``socket()``'s family
    behind a pointer, so every system call of another ABI is refused (32-bit bots cannot run)."""
    plain = subprocess.run(
        [sys.executable, "-c", INT80_GETPID], capture_output=True, text=True, timeout=30
    )
    if plain.stdout.strip() != "True":
        pytest.skip("no i386 system calls on this kernel")
    done = run_sandboxed(INT80_GETPID)
    assert done.returncode == -signal.SIGSYS and not done.stdout


def run_filter(
    rows: list[tuple[int, int, int, int]], nr: int, arch: int, arg0: int, arg1: int = 0
) -> int:
    """What the filter returns for a system call: a small classic-BPF interpreter."""
    data = {0: nr & 0xFFFFFFFF, 4: arch, 16: arg0 & 0xFFFFFFFF, 24: arg1 & 0xFFFFFFFF}
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = rows[pc]
        pc += 1
        if code == 0x20:
            acc = data[k]
        elif code == 0x15:
            pc += jt if acc == k else jf
        elif code == 0x45:
            pc += jt if acc & k else jf
        elif code == 0x54:
            acc &= k
        else:
            assert code == 0x06
            return k


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_the_filter_refuses_unix_sockets_only(machine):
    arch, socket_nr, socketpair = seccomp.ARCHES[machine]
    rows = seccomp.program(machine)
    allow, eacces, enosys, kill = 0x7FFF0000, 0x5000D, 0x50026, 0x80000000
    assert run_filter(rows, socket_nr, arch, 1) == eacces
    assert run_filter(rows, socket_nr, arch, (7 << 32) | 1) == eacces  # the kernel reads an int
    assert run_filter(rows, socket_nr, arch, 2) == allow  # AF_INET: Landlock's business
    assert run_filter(rows, socket_nr, arch, 10) == allow  # AF_INET6
    assert socketpair == {"x86_64": 53, "aarch64": 199}[machine]
    cloexec = 0o2000000
    assert run_filter(rows, socketpair, arch, 1, 1) == allow  # SOCK_STREAM
    assert run_filter(rows, socketpair, arch, 1, 1 | cloexec) == allow
    assert run_filter(rows, socketpair, arch, 1, 5) == allow  # SOCK_SEQPACKET
    assert run_filter(rows, socketpair, arch, 1, 2 | cloexec) == eacces  # SOCK_DGRAM: sendto
    assert run_filter(rows, socketpair, arch, 1, 3) == eacces  # SOCK_RAW: a datagram one
    assert run_filter(rows, socketpair, arch, 2, 2) == allow
    assert run_filter(rows, 425, arch, 1) == enosys  # io_uring_setup
    assert run_filter(rows, 0, arch, 1) == allow
    assert run_filter(rows, socket_nr, 0x40000003, 1) == kill  # i386
    assert run_filter(rows, 102, 0x40000003, 1) == kill  # i386 socketcall
    assert run_filter(rows, socket_nr, 0x40000028, 1) == kill  # arm32
    if machine == "x86_64":
        assert run_filter(rows, 0x40000000 | socket_nr, arch, 1) == kill  # x32
        assert run_filter(rows, -1, arch, 0) == allow


def test_where_no_filter_can_be_installed_the_bot_is_told_and_still_runs():
    """Another machine (here: its system call numbers unknown): a line in the bot's log, and the
    bot runs."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(SANDBOX.parent)!r})
        import seccomp
        seccomp.ARCHES.clear()
        import sandbox
        sys.exit(sandbox.main(["--", sys.executable, "-c", "print('bot ran')"]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-S", "-E", "-c", code], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0 and done.stdout == "bot ran\n"
    machine = os.uname().machine
    assert done.stderr == (
        "sandbox: Unix sockets not blocked (a bot may connect to this machine's X display,"
        f" D-Bus or ssh-agent sockets): this sandbox knows no system call numbers for {machine}\n"
    )


@needs_seccomp
@x86_64
def test_a_bot_killed_for_a_refused_system_call_is_told_why(tmp_path, capsys):
    (tmp_path / "bot").mkdir()
    bot = tmp_path / "bot" / "bot.py"
    bot.write_text("import ctypes\nctypes.CDLL(None).syscall(0x40000000 | 41, 1, 1, 0)\n")
    out = match(capsys, f"cmd:{sys.executable} {bot}")
    assert "killed by SIGSYS (a system call the sandbox refuses: a 32-bit program" in out, out
