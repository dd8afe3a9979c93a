"""Where the content folder is, whether the game runs from a clone, an editable install or a wheel.

Order: an explicit folder (``--content DIR``), then ``$CAPWARS_CONTENT``, then the ``content/``
folder beside the ``game`` package (a clone or an editable install), then the copy the wheel
carries as the data package ``game._content``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_VAR = "CAPWARS_CONTENT"


def default_content_dir() -> Path:
    """The content folder to use when no ``--content`` was given."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    beside_package = Path(__file__).resolve().parents[2] / "content"
    if (beside_package / "providers.toml").is_file():
        return beside_package
    packaged = resources.files("game") / "_content"
    return Path(str(packaged))


def resolve_content_dir(directory: str | os.PathLike[str] | None) -> Path:
    """``directory`` if given, else :func:`default_content_dir`."""
    return Path(directory) if directory is not None else default_content_dir()
