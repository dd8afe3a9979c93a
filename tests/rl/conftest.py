"""Shared fixtures for the RL tests (the tests themselves skip without the ``rl`` extra)."""

from __future__ import annotations

import pytest

from game.rules.loader import load_content


@pytest.fixture(scope="session")
def content():
    return load_content()
