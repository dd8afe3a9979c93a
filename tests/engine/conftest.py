"""Engine test fixtures; the tiny hand-made world and its helpers live in tiny_world.py.

Test modules import helpers with ``from tests.engine.tiny_world import ...`` (never
``from conftest import ...``, which breaks when another folder's conftest loads first).
"""

from tests.engine.tiny_world import content, tiny, tiny_raw

__all__ = ["content", "tiny", "tiny_raw"]
