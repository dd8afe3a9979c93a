"""A program in a ``.cargo/bin`` folder opens that folder to the bot, not all of ``.cargo``.

``CARGO_HOME`` (``~/.cargo``) holds the crates.io token (``credentials.toml``), cargo's settings
and the sources of every crate and git repository cargo fetched; a bot installed with ``cargo
install`` (or run through a rustup proxy) used to be let read all of it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.arena import landlock, sandbox
from game.arena.host import SANDBOX


def cargo_home(tmp_path: Path) -> tuple[Path, Path]:
    """A ``.cargo`` with a token and an installed program that tries to read it."""
    cargo = tmp_path / "home" / "me" / ".cargo"
    (cargo / "bin").mkdir(parents=True)
    token = cargo / "credentials.toml"
    token.write_text('[registry]\ntoken = "secret"\n')
    program = cargo / "bin" / "mybot"
    program.write_text(f"#!/bin/sh\ncat {token} >/dev/null 2>&1 && echo read || echo denied\n")
    program.chmod(0o755)
    return cargo, program


def test_a_cargo_program_s_installation_is_its_bin_folder(tmp_path: Path):
    cargo, program = cargo_home(tmp_path)
    reads = sandbox.program_reads(str(program))
    assert reads[:2] == [str(cargo / "bin")] * 2  # then its #! interpreter's (/bin/sh)
    assert str(cargo) not in reads
    assert str(cargo) not in sandbox.readable([str(program)], [])


@pytest.mark.skipif(landlock.abi_version() < 1, reason="Landlock is not available on this kernel")
def test_a_cargo_installed_bot_runs_and_cannot_read_the_crates_io_token(tmp_path: Path):
    _, program = cargo_home(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    command = [sys.executable, "-S", "-E", str(SANDBOX), f"write={work}", "--", str(program)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=work)
    assert (done.returncode, done.stdout) == (0, "denied\n"), done.stderr
