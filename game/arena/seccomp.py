"""A seccomp-BPF filter through ``ctypes``: a bot cannot create Unix sockets.

Why: Landlock (up to ABI 7) does not restrict ``connect()`` to a *pathname* Unix socket, and a
network namespace does not isolate them (they are files, reached through the file system). A
sandboxed bot could otherwise connect to ``/tmp/.X11-unix/X0`` (the teacher's X display: read
keystrokes, take screenshots), the session's D-Bus or Wayland socket in ``/run/user/UID``, an
``ssh-agent``, ``/var/run/docker.sock`` (root on the machine), or another bot's socket.

What: :func:`restrict` installs, in this process and every process it starts or executes (a
filter cannot be removed), a filter that

- makes ``socket(AF_UNIX, ...)`` fail with ``EACCES`` (Python: ``PermissionError``); every other
  family (TCP and UDP are Landlock's and the network namespace's business) and ``socketpair()``
  (asyncio's, libuv's and child processes' internal plumbing: a connected pair reaches nothing
  else) are left alone;
- makes ``io_uring_setup`` fail with ``ENOSYS``, as on a kernel without io_uring: io_uring
  creates and connects sockets without the ``socket()`` system call, which the filter could not
  see (runtimes such as Node's libuv fall back to ordinary system calls);
- kills with ``SIGSYS`` a process making a system call of another ABI: a 32-bit program (i386 or
  arm32 compat, x32 on x86_64) or ``int 0x80`` in a 64-bit one, whose ``socketcall`` multiplexes
  ``socket()`` behind a pointer a filter cannot read. Such programs cannot run in the sandbox.

It is installed only where the kernel's system call numbers are known to this module: a 64-bit
little-endian Python on Linux x86_64 or aarch64 (:data:`ARCHES`). Elsewhere, or on a kernel
without seccomp filters, :func:`restrict` says why and changes nothing; the caller says so in the
bot's log and the match is played all the same.

Used by :mod:`game.arena.sandbox` just before it executes a bot. Stdlib only, because the sandbox
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
_RET = 0x06  # BPF_RET | BPF_K
_RET_KILL_PROCESS = 0x80000000  # older kernels (< 4.14) read it as KILL_THREAD: still a kill
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
_NR = 0
_ARCH = 4
_ARG0_LOW = 16  # the low 32 bits of args[0] on a little-endian machine

_AF_UNIX = 1
_EACCES = 13
_ENOSYS = 38
_X32_BIT = 0x40000000
"""Set in the system call number of an x32 system call on x86_64."""
_NO_SYSCALL = 0xFFFFFFFF
"""``syscall(-1)``: no system call (the kernel answers ``ENOSYS``); has :data:`_X32_BIT` set."""
_IO_URING_SETUP = 425
"""The same number on every architecture (since Linux 5.1)."""

ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
"""``os.uname().machine``: its ``AUDIT_ARCH_*`` value and its ``socket`` system call number."""


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
    audit_arch, socket_nr = ARCHES[machine]
    x32 = machine == "x86_64"
    return [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ, 1, 0, audit_arch),
        (_RET, 0, 0, _RET_KILL_PROCESS),  # another ABI: a 32-bit program, int 0x80
        (_LD_W_ABS, 0, 0, _NR),
        (_JEQ, 0, 3, socket_nr),
        (_LD_W_ABS, 0, 0, _ARG0_LOW),
        (_JEQ, 0, 6 if x32 else 3, _AF_UNIX),  # else: to ALLOW
        (_RET, 0, 0, _RET_ERRNO | _EACCES),
        (_JEQ, 0, 1, _IO_URING_SETUP),
        (_RET, 0, 0, _RET_ERRNO | _ENOSYS),
        *(
            [
                (_JSET, 0, 2, _X32_BIT),
                (_JEQ, 1, 0, _NO_SYSCALL),
                (_RET, 0, 0, _RET_KILL_PROCESS),  # an x32 system call
            ]
            if x32
            else []
        ),
        (_RET, 0, 0, _RET_ALLOW),
    ]


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


def unavailable() -> str:
    """Why :func:`restrict` would not apply the filter here, ``""`` if it would."""
    machine, why = _machine()
    if not machine:
        return why
    libc = _libc()
    if libc is None:
        return "the C library cannot be loaded"
    if libc.prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return f"seccomp is not available: {os.strerror(ctypes.get_errno())}"
    return ""


def restrict() -> str:
    """Install the filter in this process (and so in every process it starts or executes).

    Sets ``no_new_privs`` first, which the kernel requires of an unprivileged process (a
    set-user-ID program then runs without its privileges, as under Landlock). Returns ``""``
    when installed, else why not (nothing changed).
    """
    machine, why = _machine()
    if not machine:
        return why
    libc = _libc()
    if libc is None:
        return "the C library cannot be loaded"
    rows = program(machine)
    filters = (_SockFilter * len(rows))(*(_SockFilter(*row) for row in rows))
    prog = _SockFprog(len(rows), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"no_new_privs failed: {os.strerror(ctypes.get_errno())}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"seccomp filter not installed: {os.strerror(ctypes.get_errno())}"
    return ""
