"""Review of the day's merges (session 9): the sandbox's read confinement and its options."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from game.arena import landlock
from game.arena.sandbox import readable
from game.cli import main

needs_landlock = pytest.mark.skipif(
    landlock.abi_version() < 1, reason="Landlock is not available on this kernel"
)


def idle_bot(folder: Path) -> Path:
    folder.mkdir(parents=True)
    bot = folder / "bot.py"
    bot.write_text(
        textwrap.dedent(
            """
            import sys
            from game.sdk import run

            print("started", file=sys.stderr)

            class Idle:
                def act(self, observation):
                    return []

            run(Idle)
            """
        )
    )
    return bot


def test_a_bot_folder_with_a_space_in_its_path_is_readable(tmp_path):
    bot = idle_bot(tmp_path / "my bots")
    assert str(bot.parent) in readable(["python3", str(bot)], [])
    assert str(bot.parent) in readable(["python3", f"{bot}:Idle"], [])
    # The text of a shell script is still read word by word.
    assert str(bot.parent) not in readable(["sh", "-c", f"python3 {tmp_path}/x.py"], [])
    other = idle_bot(tmp_path / "plain")
    assert str(other.parent) in readable(["sh", "-c", f"python3 '{other}'"], [])


@needs_landlock
def test_a_bot_in_a_folder_with_a_space_plays(tmp_path, capsys):
    bot = idle_bot(tmp_path / "my bots")
    spec = f"cmd:{sys.executable} '{bot}'"
    assert main(["match", "--scenario", "tutorial", "--bot", spec]) == 0
    out = capsys.readouterr().out
    assert "started" in out
    assert "bot failures" not in out and "Permission denied" not in out


def test_a_bot_read_path_with_the_path_separator_is_refused_with_what_to_do(tmp_path, capsys):
    folder = tmp_path / "data:2026"
    folder.mkdir()
    code = main(["match", "--scenario", "tutorial", "--bot-read", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--bot-read {folder}: a path with ':' in it cannot be given to the bots" in err
    assert "then --bot-read data" in err


@needs_landlock
def test_a_policy_bot_denied_its_content_folder_is_told_to_add_bot_read(tmp_path, capsys):
    pytest.importorskip("numpy")
    import shutil

    root = Path(__file__).resolve().parents[2]
    content = tmp_path / "my_content"
    shutil.copytree(root / "content", content)
    (tmp_path / "policy").mkdir()
    bot = tmp_path / "policy" / "bot.py"
    bot.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            from game.rl import PolicyBot
            from game.rl.codec import Codec

            class P(PolicyBot):
                def __init__(self):
                    codec = Codec.for_scenario("tutorial", content={str(content)!r})
                    super().__init__(codec, lambda obs: np.zeros(codec.action_size))

            from game.sdk import run

            run(P)
            """
        )
    )
    spec = f"cmd:{sys.executable} {bot}"
    args = ["match", "--content", str(content), "--scenario", "tutorial", "--bot", spec]
    assert main(args) == 0
    out = capsys.readouterr().out
    # Not "no vendors defined" (a content folder with nothing in it): what to add.
    assert f"cannot read the content folder {content}: permission denied" in out
    assert "no vendors defined" not in out
    assert f"run with --bot-read {content})" in out


def test_the_class_docs_give_each_student_s_bot_a_folder_of_its_own():
    """A cmd: bot reads the whole folder its file is in: TEACHING.md's "cmd:python
    bots/alice.py" and "cmd:node bots/bob.js" side by side let alice's bot read bob's code,
    which the sandbox's read confinement is there to stop."""
    import re

    root = Path(__file__).resolve().parents[2]
    for doc in ("docs/TEACHING.md", "docs/BOTS.md", "README.md"):
        text = " ".join((root / doc).read_text(encoding="utf-8").split())
        files = set(re.findall(r'"cmd:\S+ ([\w./-]+\.(?:py|js|pl|rb|sh))"', text))
        folders: dict[str, set[str]] = {}
        for file in files:
            folders.setdefault(str(Path(file).parent), set()).add(file)
        shared = {
            f: names
            for f, names in folders.items()
            if len(names) > 1 and f not in (".", "examples")
        }
        assert not shared, f"{doc}: bots that read each other's files: {shared}"


def _version_manager(root: Path) -> Path:
    """``root/shims/tool``, a shim as pyenv, rbenv or asdf write them, which runs the version
    manager's own ``root/libexec/tool``."""
    for sub in ("shims", "libexec"):
        (root / sub).mkdir(parents=True)
    real = root / "libexec" / "tool"
    real.write_text("#!/bin/sh\necho 'the version manager ran'\n")
    shim = root / "shims" / "tool"
    shim.write_text(f"#!/bin/sh\nexec '{real}' \"$@\"\n")
    for script in (real, shim):
        script.chmod(0o755)
    return shim


def test_a_version_manager_s_shim_reads_the_version_manager(tmp_path):
    from game.arena.sandbox import program_reads

    shim = _version_manager(tmp_path / "pyenv")
    assert str(tmp_path / "pyenv") in program_reads(str(shim))


@needs_landlock
@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="needs /bin/sh")
def test_a_bot_run_through_a_shim_plays_in_the_sandbox(tmp_path):
    import subprocess

    from game.arena.host import SANDBOX

    shim = _version_manager(tmp_path / "pyenv")
    work = tmp_path / "work"
    work.mkdir()
    wrapper = [sys.executable, "-S", "-E", str(SANDBOX), f"write={work}", "--", str(shim)]
    done = subprocess.run(
        wrapper, cwd=work, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    assert "the version manager ran" in done.stdout, done.stderr


def test_a_program_in_the_user_s_local_bin_does_not_open_their_trash_or_histories():
    """A program in ~/.local/bin (pip install --user, pipx, uv) made all of ~/.local readable:
    ~/.local/share holds the Trash and shell histories."""
    from game.arena.sandbox import program_reads

    for home in ("/home/capwars-review", "/root", "/Users/capwars-review"):
        reads = program_reads(f"{home}/.local/bin/python3.12")
        assert f"{home}/.local" not in reads, reads
        assert f"{home}/.local/bin" in reads and f"{home}/.local/lib" in reads, reads
    # Another installation keeps its whole prefix.
    assert "/opt/node" in program_reads("/opt/node/bin/node")


def test_the_bot_read_hint_names_a_folder_with_a_space_whole_and_quoted(tmp_path):
    """'/data/class data/prices.csv': the hint cut the path at the space and named '/data/class'
    (when that existed: another folder) or nothing."""
    from game.arena.host import denied_read_hint

    (tmp_path / "class").mkdir()  # what the path cut at its space names
    (tmp_path / "class data").mkdir()
    data = tmp_path / "class data" / "prices.csv"
    data.write_text("1\n")
    python = f"PermissionError: [Errno 13] Permission denied: '{data}'"
    node = f"Error: EACCES: permission denied, open '{data}'"
    for log in (python, node):
        hint = denied_read_hint(log, None)
        assert hint.endswith(f"run with --bot-read '{tmp_path / 'class data'}')"), hint
        assert f"if it needs {data}," in hint


@pytest.fixture
def bot_right_in_tmp():
    """``/tmp/capwars-review-N.py`` importing ``capwars_review_N_helper`` beside it (a file right
    in /tmp or a home folder: the sandbox opens it alone)."""
    import uuid

    if not Path("/tmp").is_dir():
        pytest.skip("needs /tmp")
    tag = uuid.uuid4().hex[:8]
    helper = Path(f"/tmp/capwars_review_{tag}_helper.py")
    bot = Path(f"/tmp/capwars-review-{tag}.py")
    helper.write_text("X = 1\n")
    bot.write_text(
        f"import capwars_review_{tag}_helper\nfrom game.sdk import run\n\n\n"
        "class Idle:\n    def act(self, observation):\n        return []\n\n\nrun(Idle)\n"
    )
    yield bot, helper.stem
    bot.unlink()
    helper.unlink()


def test_a_bot_file_right_in_tmp_that_cannot_import_its_module_is_told_why(bot_right_in_tmp):
    from game.arena.host import alone_hint

    bot, module = bot_right_in_tmp
    log = f"Traceback ...\nModuleNotFoundError: No module named '{module}'\n"
    hint = alone_hint(log, ["python3", str(bot)])
    assert f"right in /tmp read only itself, not {module} beside it" in hint, hint
    assert "in a folder of their own, such as /tmp/mybot)" in hint
    assert alone_hint("ModuleNotFoundError: No module named 'numpy'\n", ["python3", str(bot)]) == ""
    assert (
        alone_hint("sandbox: filesystem/TCP confinement not applied: x\n" + log, [str(bot)]) == ""
    )


@needs_landlock
def test_a_match_says_why_a_bot_right_in_tmp_cannot_import(bot_right_in_tmp, capsys):
    bot, module = bot_right_in_tmp
    assert main(["match", "--scenario", "tutorial", "--bot", f"cmd:{sys.executable} {bot}"]) == 0
    out = capsys.readouterr().out
    assert f"No module named '{module}' (the sandbox lets a bot file right in /tmp" in out


def test_the_readme_s_command_table_lists_bot_read_where_the_commands_take_it():
    """--bot-read is one of the shared options of match, tournament run and validate (their
    --help lists it), but the README's command table, which lists every limit option, did not."""
    import argparse

    from game.arena.options import limit_options

    parser = argparse.ArgumentParser()
    limit_options(parser)
    assert any("--bot-read" in action.option_strings for action in parser._actions)
    root = Path(__file__).resolve().parents[2]
    rows = [
        line.split(" | ")[0]
        for line in (root / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(
            ("| `capwars match ", "| `capwars tournament run ", "| `capwars validate ")
        )
    ]
    assert len(rows) == 3 and all("[--bot-read DIR]" in row for row in rows), rows
