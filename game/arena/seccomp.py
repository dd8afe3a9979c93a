"""A seccomp-BPF filter through ``ctypes``: a bot cannot create Unix sockets.

Why: Landlock (up to ABI 7) does not restrict ``connect()`` to a *pathname* Unix socket, and a
network namespace does not isolate them (they are files, reached through the file system). A
sandboxed bot could otherwise connect to ``/tmp/.X11-unix/X0`` (the teacher's X display: read
keystrokes, take screenshots), the session's D-Bus or Wayland socket in ``/run/user/UID``, an
``ssh-agent``, ``/var/run/docker.sock`` (root on the machine), or another bot's socket.

What: :func:`restrict` installs, in this process and every process it starts or executes (a
filter cannot be removed), a filter that

- makes ``socket(AF_UNIX, ...)`` fail with ``EACCES`` (Python: ``PermissionError``); every other
  family is left alone (TCP and UDP are Landlock's and the network namespace's business);
- leaves ``socketpair()`` alone, asyncio's, libuv's and child processes' internal plumbing: a
  connected stream (or seqpacket) pair reaches nothing else. Only a *datagram* pair fails with
  ``EACCES``: ``sendto()`` on one reaches any datagram socket by its path (``/dev/log``);
- makes ``io_uring_setup`` fail with ``ENOSYS``, as on a kernel without io_uring: io_uring
  creates and connects sockets without the ``socket()`` system call, which the filter could not
  see (runtimes such as Node's libuv fall back to ordinary system calls);
- makes the system calls that change what is mounted (``mount``, ``umount2``, ``pivot_root``,
  ``move_mount``, ``open_tree``, ``fsopen``, ``fsmount``, ``fsconfig``, ``fspick``,
  ``mount_setattr``, ``open_tree_attr``) and those that enter or make namespaces (``setns``;
  ``unshare`` and ``clone`` with a ``CLONE_NEW*`` flag) fail with ``EPERM``: a bot is root of
  its user namespace, and could otherwise unmount the fresh ``/proc`` of its mount namespace
  and list the machine's processes again where Landlock (which forbids it too) is not applied.
  ``unshare`` without such a flag (``CLONE_FS``, ``CLONE_FILES``: a thread's own working
  folder or file table) works.
  ``clone3``, whose flags are behind a pointer, fails with ``ENOSYS`` as on a kernel before
  5.3: the C library then starts threads and processes with ``clone``;
- kills with ``SIGSYS`` a process making a system call of another ABI: a 32-bit program (i386 or
  arm32 compat, x32 on x86_64) or ``int 0x80`` in a 64-bit one, whose ``socketcall`` multiplexes
  ``socket()`` behind a pointer a filter cannot read. Such programs cannot run in the sandbox.

It is installed only where the kernel's system call numbers are known to this module: a 64-bit
little-endian Python on Linux x86_64 or aarch64 (:data:`ARCHES`). Elsewhere, or on a kernel
without seccomp filters, :func:`restrict` says why and changes nothing; the caller says so in the
bot's log and the match is played all the same.

Used by :mod:`game.arena.sandbox` just before it executes a bot, after ``unshare`` mounted the
bot's ``/proc`` (the wrapper runs as ``unshare``'s command). Stdlib only, because the sandbox
runs under ``python -S``.
"""

from __future__ import annotations

import ctypes
import os
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_GET_SECCOMP = 21
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

# Classic BPF opcodes (linux/bpf_common.h) and seccomp's return values (linux/seccomp.h).
_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x05 | 0x10  # BPF_JMP | BPF_JEQ | BPF_K
_JSET = 0x05 | 0x40  # BPF_JMP | BPF_JSET | BPF_K
_AND = 0x04 | 0x50  # BPF_ALU | BPF_AND | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_RET_KILL_PROCESS = 0x80000000  # older kernels (< 4.14) read it as KILL_THREAD: still a kill
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
_NR = 0
_ARCH = 4
_ARG0_LOW = 16  # the low 32 bits of args[0] on a little-endian machine
_ARG1_LOW = 24

_AF_UNIX = 1
_SOCK_TYPE_MASK = 0xF  # the rest of socket()'s type are flags: SOCK_NONBLOCK, SOCK_CLOEXEC
_SOCK_STREAM = 1
_SOCK_SEQPACKET = 5
_EPERM = 1
_EACCES = 13
_ENOSYS = 38
_X32_BIT = 0x40000000
"""Set in the system call number of an x32 system call on x86_64."""
_NO_SYSCALL = 0xFFFFFFFF
"""``syscall(-1)``: no system call (the kernel answers ``ENOSYS``); has :data:`_X32_BIT` set."""
_IO_URING_SETUP = 425
"""The same number on every architecture (since Linux 5.1)."""

ARCHES = {"x86_64": (0xC000003E, 41, 53), "aarch64": (0xC00000B7, 198, 199)}
"""``os.uname().machine``: its ``AUDIT_ARCH_*`` value, its ``socket`` and ``socketpair`` system
call numbers."""
CLONE = {"x86_64": 56, "aarch64": 220}
"""``clone``'s number on each machine of :data:`ARCHES`."""
UNSHARE = {"x86_64": 272, "aarch64": 97}
"""``unshare``'s number on each machine of :data:`ARCHES`."""
MOUNTS_AND_NAMESPACES = {
    # mount, umount2, pivot_root, setns
    "x86_64": (165, 166, 155, 308),
    "aarch64": (40, 39, 41, 268),
}
"""The system calls refused with ``EPERM`` whose numbers differ between machines."""
NEW_MOUNT_CALLS = (428, 429, 430, 431, 432, 433, 442, 467)
"""``open_tree``, ``move_mount``, ``fsopen``, ``fsconfig``, ``fsmount``, ``fspick``,
``mount_setattr``, ``open_tree_attr``: the same numbers on every architecture (Linux ≥ 5.2)."""
_CLONE3 = 435
_CLONE_NEW = 0x7E020000
"""``CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID
| CLONE_NEWNET``: the flags with which ``clone`` and ``unshare`` make namespaces."""
_CLONE_NEWTIME = 0x80
"""``unshare``'s flag for a time namespace (in ``clone``'s flags the bit is the exit signal's)."""


class _SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` (a key of :data:`ARCHES`), as ``(code, jt, jf, k)``."""
    audit_arch, socket_nr, socketpair_nr = ARCHES[machine]
    x86_64 = machine == "x86_64"
    x32: list[tuple[int, str, str, int] | str] = [
        "x32",
        (_JSET, "", "allow", _X32_BIT),
        (_JEQ, "allow", "", _NO_SYSCALL),
        (_RET, "", "", _RET_KILL_PROCESS),  # an x32 system call
    ]
    # Rows, jumps by label: (code, label if true, label if false, k); "" is the next row. Classic
    # BPF jumps forward only.
    rows: list[tuple[int, str, str, int] | str] = [
        (_LD_W_ABS, "", "", _ARCH),
        (_JEQ, "native", "", audit_arch),
        (_RET, "", "", _RET_KILL_PROCESS),  # another ABI: a 32-bit program, int 0x80
        "native",
        (_LD_W_ABS, "", "", _NR),
        (_JEQ, "socket", "", socket_nr),
        (_JEQ, "socketpair", "", socketpair_nr),
        (_JEQ, "clone", "", CLONE[machine]),
        (_JEQ, "unshare", "", UNSHARE[machine]),
        *((_JEQ, "eperm", "", nr) for nr in (*MOUNTS_AND_NAMESPACES[machine], *NEW_MOUNT_CALLS)),
        (_JEQ, "enosys", "", _CLONE3),
        (_JEQ, "enosys", "x32" if x86_64 else "allow", _IO_URING_SETUP),
        *(x32 if x86_64 else []),
        "enosys",
        (_RET, "", "", _RET_ERRNO | _ENOSYS),
        "clone",  # x86_64 and aarch64 alike: the flags are the first argument
        (_LD_W_ABS, "", "", _ARG0_LOW),
        (_JSET, "eperm", "allow", _CLONE_NEW),
        "unshare",
        (_LD_W_ABS, "", "", _ARG0_LOW),
        (_JSET, "eperm", "allow", _CLONE_NEW | _CLONE_NEWTIME),
        "socket",
        (_LD_W_ABS, "", "", _ARG0_LOW),
        (_JEQ, "deny", "allow", _AF_UNIX),
        "socketpair",  # AF_UNIX: stream and seqpacket pairs only (a datagram one sends anywhere)
        (_LD_W_ABS, "", "", _ARG0_LOW),
        (_JEQ, "", "allow", _AF_UNIX),
        (_LD_W_ABS, "", "", _ARG1_LOW),
        (_AND, "", "", _SOCK_TYPE_MASK),
        (_JEQ, "allow", "", _SOCK_STREAM),
        (_JEQ, "allow", "", _SOCK_SEQPACKET),
        "deny",
        (_RET, "", "", _RET_ERRNO | _EACCES),
        "eperm",
        (_RET, "", "", _RET_ERRNO | _EPERM),
        "allow",
        (_RET, "", "", _RET_ALLOW),
    ]
    labels: dict[str, int] = {}
    index = 0
    for row in rows:
        if isinstance(row, str):
            labels[row] = index
        else:
            index += 1
    program: list[tuple[int, int, int, int]] = []
    for row in rows:
        if isinstance(row, str):
            continue
        code, true, false, k = row
        here = len(program) + 1
        jt, jf = (labels[to] - here if to else 0 for to in (true, false))
        assert 0 <= jt < 256 and 0 <= jf < 256, row
        program.append((code, jt, jf, k))
    return program


def _machine() -> tuple[str, str]:
    """This process's machine (a key of :data:`ARCHES`), or ``""`` and why not."""
    system = os.uname()
    if system.sysname != "Linux":
        return "", f"seccomp is Linux's ({system.sysname} here)"
    if system.machine not in ARCHES:
        return "", f"this sandbox knows no system call numbers for {system.machine}"
    if ctypes.sizeof(ctypes.c_void_p) != 8 or sys.byteorder != "little":
        return "", f"this Python is not a 64-bit little-endian {system.machine} program"
    return system.machine, ""


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _setup() -> tuple[str, ctypes.CDLL | None, str]:
    """``(machine, libc, "")`` where the filter can be built here, else ``("", None, why)``."""
    machine, why = _machine()
    if not machine:
        return "", None, why
    libc = _libc()
    if libc is None:
        return "", None, "the C library cannot be loaded"
    return machine, libc, ""


def unavailable() -> str:
    """Why :func:`restrict` would not apply the filter here, ``""`` if it would."""
    _, libc, why = _setup()
    if libc is None:
        return why
    if libc.prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return f"seccomp is not available: {os.strerror(ctypes.get_errno())}"
    return ""


def restrict() -> str:
    """Install the filter in this process (and so in every process it starts or executes).

    Sets ``no_new_privs`` first, which the kernel requires of an unprivileged process (a
    set-user-ID program then runs without its privileges, as under Landlock). Returns ``""``
    when installed, else why not (nothing changed).
    """
    machine, libc, why = _setup()
    if libc is None:
        return why
    rows = program(machine)
    filters = (_SockFilter * len(rows))(*(_SockFilter(*row) for row in rows))
    prog = _SockFprog(len(rows), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"no_new_privs failed: {os.strerror(ctypes.get_errno())}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"seccomp filter not installed: {os.strerror(ctypes.get_errno())}"
    return ""
