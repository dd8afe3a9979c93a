"""``capwars serve`` refusing to start, in words a teacher can act on: a second server on a
port (and the next one) already taken, a ``--saves`` that is a file or empty."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serve_kit import free_port

ROOT = Path(__file__).resolve().parents[2]


def _serve(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``capwars serve ARGS`` that is expected to refuse (a timeout means it served)."""
    return subprocess.run(
        [sys.executable, "-m", "game", "serve", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )


def _taken_pair() -> tuple[int, list[socket.socket]]:
    """Two neighbouring loopback ports, both listened on: (the first, the sockets)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 65000:
            continue
        held = []
        try:
            for p in (port, port + 1):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", p))
                s.listen()
            return port, held
        except OSError:
            for s in held:
                s.close()
    pytest.skip("no two neighbouring free ports")


def test_a_second_server_is_told_a_port_that_is_really_free(tmp_path: Path) -> None:
    """The teacher's second server (another class, or one still running) on the same port was
    told to use the next port, which a third server (or the second on its retry) held too."""
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    port, held = _taken_pair()
    try:
        proc = _serve(tmp_path, "--port", str(port))
    finally:
        for s in held:
            s.close()
    assert proc.returncode == 2 and proc.stdout == ""
    suggested = int(proc.stderr.rsplit("--port", 1)[1].split()[0])
    assert suggested > port + 1, proc.stderr
    assert f"port {port} is already in use on 127.0.0.1" in proc.stderr
    with contextlib.closing(socket.socket()) as check:
        check.bind(("127.0.0.1", suggested))  # free indeed


def test_a_saves_that_is_a_file_or_empty_is_named_so(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
    (tmp_path / "class-3b").write_text("")
    proc = _serve(tmp_path, "--saves", "class-3b", "--port", str(free_port()))
    assert proc.returncode == 2 and proc.stdout == ""
    # It said "(File exists)": true, and no help.
    assert f"--saves {tmp_path.resolve() / 'class-3b'} is a file, not a folder" in proc.stderr
    assert "File exists" not in proc.stderr
    # An empty --saves (a variable not set in a script) served into the current folder.
    proc = _serve(tmp_path, "--saves", "", "--port", str(free_port()))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--saves needs a folder name (default: saves/web)" in proc.stderr
