"""Content: pydantic models of the game's data, the TOML loader and its error reports."""

from game.rules.loader import ContentError, Problem, content_hash, load_content
from game.rules.models import Content, Scenario
from game.rules.paths import default_content_dir, resolve_content_dir

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
