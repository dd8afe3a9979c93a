"""Content: pydantic models of the game's data, the TOML loader and its error reports.

The public names load on first use, so importing a light module of this package (its
``paths`` or ``problems``) does not pay for pydantic and the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.rules.loader import content_hash, load_content
    from game.rules.models import Content, Scenario
    from game.rules.paths import default_content_dir, resolve_content_dir
    from game.rules.problems import ContentError, Problem

_WHERE = {
    "Content": "game.rules.models",
    "ContentError": "game.rules.problems",
    "Problem": "game.rules.problems",
    "Scenario": "game.rules.models",
    "content_hash": "game.rules.loader",
    "default_content_dir": "game.rules.paths",
    "load_content": "game.rules.loader",
    "resolve_content_dir": "game.rules.paths",
}

__all__ = [
    "Content",
    "ContentError",
    "Problem",
    "Scenario",
    "content_hash",
    "default_content_dir",
    "load_content",
    "resolve_content_dir",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'game.rules' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
