"""The wheel carries every package and the content folder."""

from __future__ import annotations

from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> set[str]:
    data = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def test_every_package_under_game_is_declared_for_the_wheel() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "game").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    missing = sorted(found - _declared())
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_the_content_folder_ships_as_game_content() -> None:
    data = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["tool"]["setuptools"]["package-dir"]["game._content"] == "content"
    assert {"game._content", "game._content.scenarios"} <= _declared()
