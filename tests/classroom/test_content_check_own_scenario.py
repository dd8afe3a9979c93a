"""``capwars content check ID`` for a scenario of the teacher's own content folder, typed
without ``--content``: the message says where such a scenario comes from and what to run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import game
from game.cli import main

GAME_CONTENT = Path(game.__file__).resolve().parent.parent / "content"


def _own_world(folder: Path) -> Path:
    """A copy of the game's content with a scenario of its own, ``nordic-crunch``."""
    shutil.copytree(GAME_CONTENT, folder)
    tutorial = (folder / "scenarios" / "tutorial.toml").read_text()
    assert '\nid = "tutorial"\n' in tutorial
    (folder / "scenarios" / "nordic-crunch.toml").write_text(
        tutorial.replace('\nid = "tutorial"\n', '\nid = "nordic-crunch"\n')
    )
    return folder


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["content", "check", *args])
    return code, capsys.readouterr().err


def test_an_own_scenario_id_names_the_folder_here_that_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said only "no content folder or scenario file at nordic-crunch"."""
    _own_world(tmp_path / "my world")
    monkeypatch.chdir(tmp_path)
    code, err = _check(capsys, "nordic-crunch")
    assert code != 0
    assert "'nordic-crunch' is not a scenario of the game's own content" in err
    assert str(Path("my world") / "scenarios" / "nordic-crunch.toml") in err
    assert "run: capwars content check --content 'my world'" in err
    # The command it gives works.
    code, err = _check(capsys, "--content", "my world")
    assert code == 0, err


def test_an_own_scenario_id_with_no_folder_here_says_to_pass_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = _check(capsys, "nordic-crunch")
    assert code != 0
    assert "'nordic-crunch' is not a scenario of the game's own content (its scenarios:" in err
    assert "tutorial" in err
    assert "pass that folder: capwars content check --content DIR" in err
    # Not for a word that is no scenario id: a folder's name, with its capitals.
    _, err = _check(capsys, "Lessons")
    assert "not a scenario" not in err


def test_with_content_the_id_of_that_folder_is_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _own_world(tmp_path / "world")
    monkeypatch.chdir(tmp_path)
    _, err = _check(capsys, "nordic-crunch", "--content", "world")
    assert "'nordic-crunch' is a scenario id, not a file" in err
    _, err = _check(capsys, "zz-quiz", "--content", "world")
    assert "'zz-quiz' is not a scenario id of the content folder world" in err
    assert "run capwars content check --content world" in err


def test_a_folder_here_that_cannot_be_opened_does_not_hide_the_one_that_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from a home folder holding one the user may not open (a Mac's ~/.Trash, a USB
    stick's lost+found), the look-around stopped on it and named no folder at all."""
    _own_world(tmp_path / "world")
    (tmp_path / "a-locked").mkdir()
    monkeypatch.chdir(tmp_path)
    is_file = Path.is_file

    def locked(path: Path) -> bool:
        if "a-locked" in path.parts:
            raise PermissionError(13, "Permission denied", str(path))
        return is_file(path)

    monkeypatch.setattr(Path, "is_file", locked)
    _, err = _check(capsys, "nordic-crunch")
    assert "run: capwars content check --content world" in err


def test_a_content_folder_with_a_space_is_quoted_in_the_command_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``content check nordic-crunch --content "my world"`` said to run
    ``capwars content check --content my world``, which checks a folder "my"."""
    _own_world(tmp_path / "my world")
    monkeypatch.chdir(tmp_path)
    _, err = _check(capsys, "nordic-crunch", "--content", "my world")
    assert "Run capwars content check --content 'my world' to check" in err
