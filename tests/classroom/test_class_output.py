"""The teacher's files survive a crash or a full disk while they are written again.

``class export``, ``class results`` and ``report`` wrote their files in place: a process killed
mid-write, or a disk that filled up, left a good result file (or the leaderboard) cut short,
and ``class results`` answered a write error with a traceback. They now render everything,
then write each file through a temporary file renamed over it (write_atomic).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.arena.files import STALE_SECONDS
from game.arena.match import run_match
from game.arena.replay import ReplayWriter
from game.cli import main
from game.rules import load_content

ROOT = Path(__file__).resolve().parents[2]
posix_limits = pytest.mark.skipif(
    not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE (a POSIX file-size limit)"
)

LIMITED = """
import resource, signal, sys
# "fail": a write past the limit fails (EFBIG), as on a full disk (Python ignores SIGXFSZ);
# "crash": the process is killed mid-write, with no chance to clean up
if sys.argv[1] == "crash":
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from game.cli import main
sys.exit(main(sys.argv[3:]))
"""


def capwars_limited(how: str, *args: str, limit: int = 1000) -> subprocess.CompletedProcess[str]:
    """``capwars ARGS`` in a process that cannot write a file past ``limit`` bytes."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, how, str(limit), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def class_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A team's save (tutorial, seed 7) and a folder with its result file."""
    content = load_content()
    folder = tmp_path_factory.mktemp("class")
    save = folder / "red.jsonl"
    seats = len(content.scenario("tutorial").seats)
    labels = ["human", *(["balanced"] * (seats - 1))]
    writer = ReplayWriter(save, labels=labels)
    run_match(content, "tutorial", 7, bots=["balanced"] * seats, recorders=[writer])
    results = folder / "results"
    assert main(["class", "export", str(save), "--out", str(results / "red.json")]) == 0
    return save, results


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@posix_limits
def test_a_result_file_exported_again_on_a_full_disk_is_kept(
    class_files: tuple[Path, Path],
) -> None:
    save, results = class_files
    before = _files(results)
    proc = capwars_limited("fail", "class", "export", str(save), "--out", str(results / "red.json"))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"capwars: error: cannot write {results / 'red.json'}: ")
    assert "Traceback" not in proc.stderr
    assert _files(results) == before  # the good file whole, no temporary file beside it


@posix_limits
def test_the_leaderboard_written_again_on_a_full_disk_stays_as_it_was(
    class_files: tuple[Path, Path], tmp_path: Path
) -> None:
    _, results = class_files
    board = tmp_path / "board"
    assert main(["class", "results", str(results), "--out", str(board)]) == 0
    before = _files(board)
    assert set(before) == {"results.md", "results.html", "results.csv", "figures.csv"}
    proc = capwars_limited("fail", "class", "results", str(results), "--out", str(board))
    # One line the teacher can act on (it was a traceback), and the files as they were.
    assert proc.returncode == 2, proc.stderr
    assert f"capwars: error: cannot write {board}: File too large" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _files(board) == before


@posix_limits
def test_a_debrief_written_again_on_a_full_disk_stays_as_it_was(
    class_files: tuple[Path, Path], tmp_path: Path
) -> None:
    save, _ = class_files
    out = tmp_path / "debrief"
    assert main(["report", str(save), "--out", str(out)]) == 0
    before = _files(out)
    proc = capwars_limited("fail", "report", str(save), "--out", str(out), limit=3000)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert _files(out) == before


@posix_limits
def test_a_crash_mid_write_keeps_the_file_and_its_leftover_goes_next_time(
    class_files: tuple[Path, Path], tmp_path: Path
) -> None:
    save, results = class_files
    folder = tmp_path / "crash"
    folder.mkdir()
    out = folder / "red.json"
    out.write_bytes((results / "red.json").read_bytes())
    good = out.read_bytes()
    proc = capwars_limited("crash", "class", "export", str(save), "--out", str(out))
    assert proc.returncode == -signal.SIGXFSZ  # killed in the middle of writing
    assert out.read_bytes() == good
    [left] = [p for p in folder.iterdir() if p != out]  # the temporary file it was writing
    assert left.name.startswith(".red.json.") and left.name.endswith(".tmp")
    # A later export removes it once it is clearly not another run's; a young one is kept.
    assert main(["class", "export", str(save), "--out", str(out)]) == 0
    assert left.exists()
    old = time.time() - STALE_SECONDS - 1
    os.utime(left, (old, old))
    assert main(["class", "export", str(save), "--out", str(out)]) == 0
    assert sorted(folder.iterdir()) == [out] and out.read_bytes() == good


def test_an_out_that_names_a_file_is_refused_before_any_work(
    class_files: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    # Before: "cannot write red.json: File exists", after re-simulating the whole match.
    save, results = class_files
    taken = tmp_path / "red.json"
    taken.write_text("a team's result, kept\n")
    for command, example in (
        (["report", str(save), "--out", str(taken)], "debrief"),
        (["class", "results", str(results), "--out", str(taken)], "leaderboard"),
    ):
        assert main(command) == 2
        assert capsys.readouterr().err == (
            f"capwars: error: --out {taken} is a file, not a folder: --out takes the folder to"
            f" write the files into (created if needed), e.g. --out {example}. Nothing was"
            " written\n"
        )
    assert taken.read_text() == "a team's result, kept\n"


def test_an_out_under_a_file_is_refused_before_any_work(
    class_files: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    # report and class results checked --out with a helper of their own that only asked whether
    # it was a file: an --out under a file re-simulated the whole match, then failed to write.
    save, results = class_files
    (tmp_path / "afile").write_text("kept\n")
    out = tmp_path / "afile" / "debrief"
    expected = f"capwars: error: cannot write --out {out}: {tmp_path / 'afile'} is a file, not a"
    for command in (
        ["report", str(save), "--out", str(out)],
        ["class", "results", str(results), "--out", str(out)],
    ):
        assert main(command) == 2
        assert capsys.readouterr().err == expected + " folder\n"
    # A refused command (a save that is not there) makes no --out folder.
    assert main(["report", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "d")]) == 2
    capsys.readouterr()
    assert not (tmp_path / "d").exists()


def test_export_into_a_folder_writes_the_result_file_under_the_team_s_name(
    class_files: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    # "cannot write adir: Is a directory", and only after re-simulating the whole match.
    save, results = class_files
    shared = tmp_path / "class-results"
    shared.mkdir()
    expected = (results / "red.json").read_bytes()
    for out in (str(shared), str(tmp_path / "new") + "/"):
        assert main(["class", "export", str(save), "--out", out]) == 0
        written = [p for p in Path(out).iterdir()]
        assert len(written) == 1 and written[0].suffix == ".json"
        assert written[0].read_bytes() == expected  # the same file as --out FILE writes
        assert capsys.readouterr().out.startswith(f"{written[0]}: ")
    # Exported again (the team played on): the same file is replaced.
    assert main(["class", "export", str(save), "--out", str(shared)]) == 0
    assert len(list(shared.iterdir())) == 1
    # A file given as a folder is refused at once.
    (tmp_path / "afile").write_text("kept\n")
    assert main(["class", "export", str(save), "--out", str(tmp_path / "afile") + "/"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert (tmp_path / "afile").read_text() == "kept\n"
