"""The exec wrapper that confines a bot, then becomes it.

    python -m game.arena.sandbox [memory_mb=N] [cpu_seconds=N] [open_files=N] [file_mb=N]
                                 [processes=N] [write=DIR] [read=PATH ...] [list=DIR ...]
                                 [deny_tcp=1] [init=1] -- COMMAND ARGS...

It sets resource limits with :func:`resource.setrlimit` (address space, CPU time, open files,
file size, processes, no core dumps), confines writes to ``DIR`` and denies TCP with Landlock where
the kernel has it, denies Unix sockets, mounts and new namespaces with a seccomp filter where it
can (:mod:`game.arena.seccomp`: Landlock does not cover Unix sockets; a 32-bit program cannot run
under it; it holds after ``unshare --mount-proc``, which runs this wrapper, mounted ``/proc``),
and then ``os.execvp``s the command: the bot runs in this very process, so the limits and the
filter hold for it and every child it starts.

With ``write=DIR`` reads are confined too (:func:`readable`): the bot reads and runs files only
beneath the system's folders (:data:`SYSTEM_READS`), ``DIR``, its program's installation, the
folders of the command's paths, and each ``read=PATH``; ``list=DIR`` lets it list a folder
without reading its files. (The host never uses ``preexec_fn``, which is
unsafe in a threaded parent.) What could not be applied is said on stderr, the bot's log.

With ``init=1`` (the host passes it when the bot gets its own PID namespace) it forks first and
stays as the namespace's PID 1: it reaps orphans, and reports on stderr a bot killed by a signal
(``sandbox: bot killed by SIGKILL``), which ``unshare`` cannot pass on as an exit status.

``processes=N``: the bot may have ``N`` processes and threads at once (:func:`process_cap`):
RLIMIT_NPROC, which the kernel counts per user namespace (Linux >= 5.14); where it applies none
(root's processes, an older kernel) PID 1 counts them and stops the bot past ``N``
(:func:`init`).

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
SIGSYS_WHY = (
    "sandbox: SIGSYS is the sandbox refusing a system call of another ABI:"
    " a 32-bit program cannot run in the sandbox (use a 64-bit build)"
)
"""Said after ``sandbox: bot killed by SIGSYS`` (the seccomp filter of :mod:`seccomp`)."""
CPU_SLACK = 0.1
"""The share of the limit under it still counted as reaching it: the kernel kills at the limit
as it counts CPU time in clock ticks, and the time reported at the bot's exit, counted
otherwise, is a few percent less (down to 0.93 s at a limit of 1 s on a busy machine)."""
PROCESSES_REACHED = "sandbox: process limit reached"
"""Said (with how many it had) when :func:`init` stopped a bot that had more processes and
threads than ``processes=N``: where the kernel does not apply RLIMIT_NPROC (a bot run by root,
a kernel before 5.14)."""
WATCH_SECONDS = 0.02
"""How often :func:`init` counts the bot's processes and threads where it enforces the limit."""
NAMESPACE_TASKS = 2
"""The tasks of a bot's user namespace that are not the bot's: ``unshare`` (which made it and
waits for its child) and this wrapper, its PID 1 (``init=1``)."""

SYSTEM_READS = (
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc",
    "/opt",
    "/proc",
    "/sys",
    "/nix/store",
    "/snap",
)
"""What every bot may read and run: programs, libraries and languages' files (``/usr``, the
``/lib`` folders, ``/bin``, ``/opt``, ``/nix/store``, ``/snap``), the system's settings that
loaders and runtimes read (``/etc``: its secrets are readable by root alone), and what the
kernel tells a process about itself and the machine (``/proc``, ``/sys``: runtimes read their
memory maps, CPU count and cgroup limits there). Of ``/dev`` only the usual devices
(:data:`game.arena.landlock.DEVICES`). Not ``/home``, ``/root``, ``/tmp`` (other bots' folders),
``/var``, ``/run`` (a session's keyring and agent sockets), ``/srv``, ``/mnt``, ``/media``."""

BROAD = ("/", "/home", "/root", "/Users", "/var/home", "/tmp", "/var/tmp", "/dev/shm")
"""Folders never opened whole because a file or program is in them: a home folder, ``/tmp``."""


def _sibling(name: str) -> ModuleType:
    # Run by path (`python -S sandbox.py`) the package is not importable, but this folder is.
    if __package__:
        return importlib.import_module(f"game.arena.{name}")
    return importlib.import_module(name)


def _landlock() -> ModuleType:
    return _sibling("landlock")


def _seccomp() -> ModuleType:
    return _sibling("seccomp")


NOT_CONFINED = "filesystem/TCP confinement not applied"
"""How the bot's log says Landlock was not applied (the host then gives no --bot-read hint)."""
UNIX_NOT_BLOCKED = (
    "Unix sockets not blocked (a bot may connect to this machine's X display, D-Bus or"
    " ssh-agent sockets)"
)


def _tasks(owner: int | None = None, skip: str = "") -> int:
    """The processes and threads ``/proc`` lists now: of user ``owner`` only (what RLIMIT_NPROC
    counts, :func:`process_cap`), all but the process ``skip`` (PID 1's count, :func:`init`)."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or entry.name == skip:
            continue
        try:
            if owner is None or entry.stat().st_uid == owner:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
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


def apply_limits(
    options: dict[str, str],
    command: list[str] | None = None,
    reads_given: list[str] | None = None,
    lists_given: list[str] | None = None,
) -> list[str]:
    """Apply the limits in ``options`` to run ``command``; the warnings for those that could not
    be applied. ``reads_given``, ``lists_given``: the ``read=`` and ``list=`` paths."""
    mib = 1024 * 1024
    seccomp = _seccomp()  # imported before Landlock may deny reading this folder
    wanted: list[tuple[str, int, int, int | None]] = []
    if "memory_mb" in options:
        wanted.append(("memory", resource.RLIMIT_AS, int(options["memory_mb"]) * mib, None))
    if "open_files" in options:
        wanted.append(("open-file", resource.RLIMIT_NOFILE, int(options["open_files"]), None))
    if "file_mb" in options:
        wanted.append(("file-size", resource.RLIMIT_FSIZE, int(options["file_mb"]) * mib, None))
    unlimited = ""
    if "processes" in options:
        cap, unlimited = process_cap(int(options["processes"]))
        if cap:
            wanted.append(("process", resource.RLIMIT_NPROC, cap, None))
    wanted.append(("core-dump", resource.RLIMIT_CORE, 0, None))
    # With init=1 the bot sets its CPU limit itself, after the fork (:func:`cpu_limit`).
    warnings = cpu_limit(options) if options.get("init") != "1" else []
    warnings += [
        f"{what} limit not set: {err}"
        for what, limit, soft, hard in wanted
        if (err := _set(limit, soft, hard))
    ]
    if unlimited and options.get("init") == "1" and _own_proc():
        options["watch"] = options["processes"]  # init counts them instead
    elif unlimited:
        warnings.append(f"process limit not set: {unlimited}")
    if "write" in options:
        landlock = _landlock()
        reads = [(path, landlock.READS) for path in readable(command or [], reads_given or [])]
        reads += [(path, landlock.LIST) for path in lists_given or []]
        abi, why = landlock.restrict(
            [options["write"]], deny_tcp=options.get("deny_tcp") == "1", readable=reads
        )
        if not abi:
            warnings.append(f"{NOT_CONFINED}: {why}")
    # Last: the filter holds for this process too (it creates no socket), and Landlock's own
    # system calls above are not in its way.
    if why := seccomp.restrict():
        warnings.append(f"{UNIX_NOT_BLOCKED}: {why}")
    return warnings


def cpu_limit(options: dict[str, str]) -> list[str]:
    """Set the CPU time limit of ``cpu_seconds=N``; the warning if it could not be.

    Soft = hard: the kernel sends SIGKILL at the limit (SIGXCPU at a lower soft limit would be
    caught by a bot). With ``init=1`` the bot sets it after the fork, not the wrapper before it:
    RLIMIT_CPU holds for each process, and PID 1 counting the bot's processes 50 times a
    second (:func:`init`) would use up the limit of a bot that waits long for its turns, and
    take the bot down with it, said as no limit."""
    if "cpu_seconds" not in options:
        return []
    cpu = int(options["cpu_seconds"])
    err = _set(resource.RLIMIT_CPU, cpu, cpu)
    return [f"CPU limit not set: {err}"] if err else []


def process_cap(processes: int) -> tuple[int, str]:
    """The RLIMIT_NPROC that lets the bot have ``processes`` processes and threads at once, or
    ``0`` and why the kernel would not apply one (where the caller is in a user namespace:
    ``init=1``'s count does it instead, :func:`init`; elsewhere ``""``, nothing to say).

    The kernel counts the processes of the user, and applies no limit to root. In a user
    namespace (Linux >= 5.14) it counts those of the namespace: the bot's, and
    :data:`NAMESPACE_TASKS`; it applies the limit where the namespace's user is not root
    outside it. Without a user namespace the bot gets a margin over what the user runs now."""
    outside = _outside_uid()
    if outside is None:  # no user namespace: the user's processes, machine-wide
        if os.getuid() == 0:
            return 0, ""  # documented: no process limit for root without namespaces
        return _tasks(owner=os.getuid()) + processes, ""
    if outside == 0:
        return 0, "the kernel does not limit the processes of root, who runs capwars"
    if _kernel() < (5, 14):
        return 0, "before Linux 5.14 the kernel counts a user's processes machine-wide"
    return processes + NAMESPACE_TASKS, ""


def _outside_uid() -> int | None:
    """This process's user outside its user namespace; ``None`` in the machine's own."""
    uid = os.getuid()
    try:
        with open("/proc/self/uid_map", encoding="ascii") as f:
            rows = [[int(n) for n in line.split()] for line in f if line.strip()]
    except (OSError, ValueError):
        return None
    if rows == [[0, 0, 4294967295]]:
        return None
    for inside, outside, count in rows:
        if inside <= uid < inside + count:
            return outside + uid - inside
    return None


def _kernel() -> tuple[int, int]:
    release = os.uname().release.split(".")
    try:
        return int(release[0]), int("".join(c for c in release[1][:3] if c.isdigit()) or 0)
    except (IndexError, ValueError):
        return 0, 0


def _own_proc() -> bool:
    """Whether ``/proc`` is this PID namespace's (``unshare --mount-proc``): it lists the bot's
    processes alone, which :func:`init` counts."""
    try:
        return os.readlink("/proc/self") == str(os.getpid())
    except OSError:
        return False


def is_broad(folder: str) -> bool:
    """Whether ``folder`` is one of :data:`BROAD` or a home folder (``/home/NAME``)."""
    return folder in BROAD or os.path.dirname(folder) in ("/home", "/Users", "/var/home")


def _folder_of(path: str) -> str:
    """What a path in the command opens: a folder itself, a file's folder (the file alone when
    that folder is a home folder or ``/tmp``, see :data:`BROAD`)."""
    if os.path.isdir(path):
        return "" if is_broad(path) else path
    folder = os.path.dirname(path)
    return path if is_broad(folder) else folder


def _which(name: str) -> str:
    """The program ``execvp`` would run for ``name`` (on this process's ``PATH``), or ``""``.
    (``shutil.which``, without importing ``shutil`` into every bot's start.)"""
    if "/" in name:
        return os.path.abspath(name) if os.path.isfile(name) else ""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    return ""


def _prefix(program: str) -> str:
    """The installation a program belongs to: ``P`` for ``P/bin/node`` and for a version
    manager's ``P/shims/node`` (pyenv, rbenv, asdf: the shim runs ``P/libexec`` and a version
    under ``P``), else its folder."""
    folder = os.path.dirname(program)
    if os.path.basename(folder) in ("bin", "shims") and not is_broad(os.path.dirname(folder)):
        return os.path.dirname(folder)
    return program if is_broad(folder) else folder


def program_reads(program: str, depth: int = 0) -> list[str]:
    """What running ``program`` (a path) reads: its installation, as found (a venv's ``bin``) and
    once symlinks are resolved (a pyenv, nvm or Homebrew folder); the base installation a venv's
    ``pyvenv.cfg`` names; the interpreter of a ``#!`` script (through ``env``, on ``PATH``)."""
    real = os.path.realpath(program)
    found = [_prefix(program), _prefix(real)]
    config = os.path.join(found[0], "pyvenv.cfg")
    try:
        with open(config, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition("=")
                if key.strip() == "home" and value.strip():
                    found.append(_prefix(os.path.join(value.strip(), "python")))
    except OSError:
        pass
    if depth < 2:
        try:
            with open(real, "rb") as f:
                head = f.read(256)
        except OSError:
            head = b""
        if head.startswith(b"#!"):
            words = head[2:].split(b"\n", 1)[0].decode(errors="replace").split()
            if words and os.path.basename(words[0]) == "env":
                words = [w for w in words[1:] if not w.startswith("-") and "=" not in w][:1]
            if words and (interpreter := _which(words[0])):
                found += program_reads(interpreter, depth + 1)
    return [folder for prefix in found for folder in _user_local(prefix)]


def _user_local(prefix: str) -> list[str]:
    """``prefix``, but of a home folder's ``.local`` (``pip install --user``, pipx, uv put
    programs in ``~/.local/bin``) only its programs and libraries: ``~/.local/share`` and
    ``~/.local/state`` hold the user's own files (the Trash, shell histories). Of a ``.cargo``
    folder (``CARGO_HOME``: ``cargo install`` puts programs, rustup its proxies in its ``bin``)
    only ``bin``: beside it are the crates.io token (``credentials.toml``), settings and
    the sources of every crate and git repository cargo fetched. A program of ``bin`` needs no
    more (a ``cargo install``ed bot is one file; the proxies need ``~/.rustup`` and the user's
    ``HOME``, which a bot has not: run a bot built with cargo as ``target/release/NAME``)."""
    name = os.path.basename(prefix)
    if name == ".local" and is_broad(os.path.dirname(prefix)):
        return [os.path.join(prefix, sub) for sub in ("bin", "lib", "lib64")]
    if name == ".cargo":
        return [os.path.join(prefix, "bin")]
    return [prefix]


def readable(command: list[str], given: list[str]) -> list[str]:
    """The paths a bot may read and run beneath besides its working folder: :data:`SYSTEM_READS`,
    ``given`` (``read=``), the installations of its program and of this Python (the first on a
    bot's ``PATH``), and the folder of each path in its command (``bot.py``, ``bot.py:MyBot``,
    ``--opt=FILE``, the paths in an ``sh -c`` script), as written and with symlinks resolved."""
    found = [*SYSTEM_READS, *given]
    if command and (program := _which(command[0])):
        found += program_reads(program)
    if sys.executable:
        found += program_reads(sys.executable)
    for arg in command:
        # A path may have white space in it ("/home/me/my bots/bot.py"); else an argument with
        # white space is the text of a shell script (sh -c 'python3 /x/bot.py'), word by word.
        path = _path_in(arg)
        if not path and any(c.isspace() for c in arg):
            words = [_path_in(word.strip("'\"();&|<>`")) for word in arg.split()]
        else:
            words = [path or _path_in(arg.strip("'\"();&|<>`"))]
        for path in filter(None, words):
            path = os.path.abspath(path)
            found += [_folder_of(path), _folder_of(os.path.realpath(path))]
    return list(dict.fromkeys(p for p in found if p))


def _path_in(word: str) -> str:
    """The existing path ``word`` names: itself, the file of ``FILE:CLASS``, the value of
    ``--opt=FILE``; ``""`` for none."""
    candidates = [word, word.partition(":")[0]]
    if word.startswith("-"):
        candidates = [word.partition("=")[2]]
    return next((path for path in candidates if path and os.path.exists(path)), "")


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    split = argv.index("--")
    command = argv[split + 1 :]
    pairs = [arg.partition("=")[::2] for arg in argv[:split]]
    options = dict(pairs)
    if not command:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    reads = [value for key, value in pairs if key == "read"]
    lists = [value for key, value in pairs if key == "list"]
    try:
        warnings = apply_limits(options, command, reads, lists)
        cpu = int(options.get("cpu_seconds") or 0)  # a bad value is refused before the fork
    except ValueError as exc:
        print(f"sandbox: bad option: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in warnings:
        print(f"sandbox: {warning}", file=sys.stderr)
    sys.stderr.flush()
    if options.get("init") == "1":
        if (bot := os.fork()) != 0:
            return init(bot, cpu, int(options.get("watch") or 0))
        for warning in cpu_limit(options):
            print(f"sandbox: {warning}", file=sys.stderr)
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"sandbox: cannot run {command[0]!r}: {exc.strerror}", file=sys.stderr)
    return EXIT_EXEC


def init(bot: int, cpu_seconds: int = 0, processes: int = 0) -> int:
    """PID 1 of the bot's namespace: reap every process until the bot exits, report how.

    The limits were applied before the fork, so they hold for the bot (but the CPU time's, which
    the bot sets after it: :func:`cpu_limit`). When this process exits the kernel kills
    everything left in the namespace, escaped grandchildren included. A bot killed after using
    ``cpu_seconds`` of CPU time (the kernel's SIGKILL at RLIMIT_CPU) is reported as such
    (``sandbox: CPU time limit reached``), so the host can say which limit.

    With ``processes`` (where the kernel applies no RLIMIT_NPROC: a bot run by root, a kernel
    before 5.14) it counts the namespace's processes and threads every :data:`WATCH_SECONDS` and
    kills them all once there are more than ``processes``: a fork bomb is stopped within that
    time, and reported (:data:`PROCESSES_REACHED`).
    """
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # the bot alone holds the protocol pipes: its exit closes them
    os.dup2(devnull, 1)
    reached: list[int] = []
    if processes:
        _watch(processes, reached)
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return 0
        if pid == bot:
            break
    if reached:
        print(f"{PROCESSES_REACHED}: {reached[0]} processes and threads", file=sys.stderr)
    if os.WIFSIGNALED(status):
        import signal  # only here: it costs milliseconds of every bot's start

        number = os.WTERMSIG(status)
        print(f"sandbox: bot killed by {signal.Signals(number).name}", file=sys.stderr)
        if number == signal.SIGSYS:
            print(SIGSYS_WHY, file=sys.stderr)
        used = usage.ru_utime + usage.ru_stime
        if not reached and cpu_limit_reached(used, cpu_seconds):
            print(CPU_REACHED, file=sys.stderr)
        return 128 + number
    return os.waitstatus_to_exitcode(status)


def cpu_limit_reached(used: float, cpu_seconds: int) -> bool:
    """Whether a bot killed after ``used`` seconds of CPU time was killed at its limit,
    ``cpu_seconds`` (``0``: none), give or take :data:`CPU_SLACK`."""
    return bool(cpu_seconds) and used >= cpu_seconds * (1 - CPU_SLACK)


def _watch(processes: int, reached: list[int]) -> None:
    """Count the namespace's processes and threads (all but this PID 1) on a timer; past
    ``processes`` kill them all (``kill(-1)`` of a PID 1 spares itself) and note how many."""
    import _signal  # the C module: ``signal``'s enums would cost milliseconds

    def count(*_: object) -> None:
        tasks = _tasks(skip="1")
        if tasks > processes:
            reached[:] = reached or [tasks]
            try:  # noqa: SIM105  (contextlib is not imported into every bot's start)
                os.kill(-1, _signal.SIGKILL)
            except OSError:  # none left
                pass

    _signal.signal(_signal.SIGALRM, count)
    _signal.setitimer(_signal.ITIMER_REAL, WATCH_SECONDS, WATCH_SECONDS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
