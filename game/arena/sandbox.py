"""The exec wrapper that confines a bot, then becomes it.

    python -m game.arena.sandbox [memory_mb=N] [cpu_seconds=N] [open_files=N] [file_mb=N]
                                 [processes=N] [write=DIR] [deny_tcp=1] [init=1]
                                 -- COMMAND ARGS...

It sets resource limits with :func:`resource.setrlimit` (address space, CPU time, open files,
file size, processes, no core dumps), confines writes to ``DIR`` and denies TCP with Landlock where
the kernel has it, and then ``os.execvp``s the command: the bot runs in this very process, so the
limits hold for it and every child it starts. (The host never uses ``preexec_fn``, which is
unsafe in a threaded parent.) What could not be applied is said on stderr, the bot's log.

With ``init=1`` (the host passes it when the bot gets its own PID namespace) it forks first and
stays as the namespace's PID 1: it reaps orphans, and reports on stderr a bot killed by a signal
(``sandbox: bot killed by SIGKILL``), which ``unshare`` cannot pass on as an exit status.

The host runs this file by path under ``python -S -E`` to start fast; it imports only the stdlib.
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
from types import ModuleType

USAGE = "usage: python -m game.arena.sandbox [key=value ...] -- COMMAND [ARGS...]"
EXIT_USAGE = 125
EXIT_EXEC = 127
CPU_REACHED = "sandbox: CPU time limit reached"
"""Said after ``sandbox: bot killed by SIG...`` when the bot had used up its CPU time."""
CPU_SLACK = 0.05
"""Seconds under the limit still counted as reaching it (the kernel samples at clock ticks)."""


def _landlock() -> ModuleType:
    # Run by path (`python -S sandbox.py`) the package is not importable, but this folder is.
    if __package__:
        return importlib.import_module("game.arena.landlock")
    return importlib.import_module("landlock")


def _user_processes() -> int:
    """Processes and threads of this user now (what RLIMIT_NPROC counts)."""
    uid = os.getuid()
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                with open(f"/proc/{entry.name}/status", "rb") as f:
                    for line in f:
                        if line.startswith(b"Threads:"):
                            count += int(line.split()[1])
                            break
        except OSError:  # the process ended while we looked
            continue
    return count


def _set(limit: int, soft: int, hard: int | None = None) -> str:
    hard = soft if hard is None else hard
    try:
        _, old_hard = resource.getrlimit(limit)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(limit, (soft, hard))
    except (ValueError, OSError) as exc:
        return f"{exc}"
    return ""


def apply_limits(options: dict[str, str]) -> list[str]:
    """Apply the limits in ``options``; the warnings for those that could not be applied."""
    mib = 1024 * 1024
    wanted: list[tuple[str, int, int, int | None]] = []
    if "memory_mb" in options:
        wanted.append(("memory", resource.RLIMIT_AS, int(options["memory_mb"]) * mib, None))
    if "cpu_seconds" in options:
        # Soft = hard: the kernel sends SIGKILL at the limit. (SIGXCPU at a lower soft limit
        # would be ignored by a bot running as PID 1 of its namespace, or caught by any bot.)
        cpu = int(options["cpu_seconds"])
        wanted.append(("CPU", resource.RLIMIT_CPU, cpu, cpu))
    if "open_files" in options:
        wanted.append(("open-file", resource.RLIMIT_NOFILE, int(options["open_files"]), None))
    if "file_mb" in options:
        wanted.append(("file-size", resource.RLIMIT_FSIZE, int(options["file_mb"]) * mib, None))
    # RLIMIT_NPROC counts every process of the user, so the bot gets a margin over what the user
    # already runs; the kernel does not apply it to root (the PID namespace and the process-group
    # kill contain a root-run bot instead).
    if "processes" in options and os.getuid() != 0:
        cap = _user_processes() + int(options["processes"])
        wanted.append(("process", resource.RLIMIT_NPROC, cap, None))
    wanted.append(("core-dump", resource.RLIMIT_CORE, 0, None))
    warnings = [
        f"{what} limit not set: {err}"
        for what, limit, soft, hard in wanted
        if (err := _set(limit, soft, hard))
    ]
    if "write" in options:
        abi, why = _landlock().restrict([options["write"]], deny_tcp=options.get("deny_tcp") == "1")
        if not abi:
            warnings.append(f"filesystem/TCP confinement not applied: {why}")
    return warnings


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    split = argv.index("--")
    command = argv[split + 1 :]
    options = dict(arg.partition("=")[::2] for arg in argv[:split])
    if not command:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    try:
        warnings = apply_limits(options)
    except ValueError as exc:
        print(f"sandbox: bad option: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in warnings:
        print(f"sandbox: {warning}", file=sys.stderr)
    sys.stderr.flush()
    if options.get("init") == "1" and (bot := os.fork()) != 0:
        return init(bot, int(options.get("cpu_seconds") or 0))
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"sandbox: cannot run {command[0]!r}: {exc.strerror}", file=sys.stderr)
    return EXIT_EXEC


def init(bot: int, cpu_seconds: int = 0) -> int:
    """PID 1 of the bot's namespace: reap every process until the bot exits, report how.

    The limits were applied before the fork, so they hold for the bot. When this process exits
    the kernel kills everything left in the namespace, escaped grandchildren included. A bot
    killed after using ``cpu_seconds`` of CPU time (the kernel's SIGKILL at RLIMIT_CPU) is
    reported as such (``sandbox: CPU time limit reached``), so the host can say which limit.
    """
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # the bot alone holds the protocol pipes: its exit closes them
    os.dup2(devnull, 1)
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return 0
        if pid == bot:
            break
    if os.WIFSIGNALED(status):
        import signal  # only here: it costs milliseconds of every bot's start

        number = os.WTERMSIG(status)
        print(f"sandbox: bot killed by {signal.Signals(number).name}", file=sys.stderr)
        used = usage.ru_utime + usage.ru_stime
        if cpu_seconds and used >= cpu_seconds - CPU_SLACK:
            print(CPU_REACHED, file=sys.stderr)
        return 128 + number
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
