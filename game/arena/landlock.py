"""Landlock (Linux ≥ 5.13) through ``ctypes``: confine reads and writes to a few folders, deny TCP.

Used by :mod:`game.arena.sandbox` just before it executes a bot. Stdlib only, because the sandbox
runs under ``python -S``. Every function degrades to "not applied" (returns ``False``) on kernels
or platforms without Landlock; the caller says so in the bot's log.
"""

from __future__ import annotations

import ctypes
import os

_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights (ABI 1 unless noted): reading and executing files, then everything that
# creates, changes or removes files.
_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_REMOVE_DIR = 1 << 4
_REMOVE_FILE = 1 << 5
_MAKE_CHAR = 1 << 6
_MAKE_DIR = 1 << 7
_MAKE_REG = 1 << 8
_MAKE_SOCK = 1 << 9
_MAKE_FIFO = 1 << 10
_MAKE_BLOCK = 1 << 11
_MAKE_SYM = 1 << 12
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

_WRITES_V1 = (
    _WRITE_FILE
    | _REMOVE_DIR
    | _REMOVE_FILE
    | _MAKE_CHAR
    | _MAKE_DIR
    | _MAKE_REG
    | _MAKE_SOCK
    | _MAKE_FIFO
    | _MAKE_BLOCK
    | _MAKE_SYM
)
READS = _EXECUTE | _READ_FILE | _READ_DIR
"""Reading a file or a folder's list, and running a program."""
LIST = _READ_DIR
"""Listing a folder (and those beneath it) without reading its files."""
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE
"""The rights a rule on a file (not a folder) may grant."""

DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
"""The devices a bot may read and write: not all of ``/dev``, where a disk (``/dev/sda``) is
readable and writable by root."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


def _libc() -> ctypes.CDLL | None:
    system = os.uname()
    if system.sysname != "Linux" or system.machine not in ("x86_64", "aarch64", "arm64"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def abi_version() -> int:
    """The kernel's Landlock ABI version, 0 if Landlock is not available."""
    libc = _libc()
    if libc is None:
        return 0
    version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def restrict(
    writable: list[str], deny_tcp: bool = True, readable: list[tuple[str, int]] | None = None
) -> tuple[int, str]:
    """Confine this process and its future children: writes only under ``writable``, no TCP
    bind/connect (ABI ≥ 4), no signals or abstract sockets outside the sandbox (ABI ≥ 6).

    With ``readable`` (paths and the rights on each, :data:`READS` or :data:`LIST`), reads and
    program runs too: only beneath those paths, the ``writable`` ones and :data:`DEVICES`.
    A path that does not exist is skipped.

    Returns ``(abi, "")`` when applied, ``(0, why)`` when not.
    """
    libc = _libc()
    abi = abi_version()
    if libc is None or abi < 1:
        return 0, "Landlock is not available on this kernel"
    writes = _WRITES_V1 | (_REFER if abi >= 2 else 0) | (_TRUNCATE if abi >= 3 else 0)
    reads = READS if readable is not None else 0
    attr = _RulesetAttr(writes | reads, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if deny_tcp else 0
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL
        size = 24
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        return 0, f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}"
    device = _WRITE_FILE | (_TRUNCATE if abi >= 3 else 0) | (_READ_FILE if reads else 0)
    rules = [(p, writes | reads) for p in writable]
    rules += [(p, access & READS) for p, access in readable or ()]
    rules += [(p, device) for p in DEVICES] if reads else [("/dev", device)]
    try:
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    access &= _FILE_RIGHTS
                if not access:
                    continue
                rule = _PathBeneathAttr(access, fd)
                if libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    return 0, f"landlock_add_rule({path}) failed: {os.strerror(ctypes.get_errno())}"
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return 0, f"no_new_privs failed: {os.strerror(ctypes.get_errno())}"
        if libc.syscall(_SYS_RESTRICT_SELF, ruleset, 0) != 0:
            return 0, f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}"
    finally:
        os.close(ruleset)
    return abi, ""
