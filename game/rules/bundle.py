"""The arrays a content bundle is made of: their models and the words reports use for them."""

from __future__ import annotations

from game.rules.models import (
    ChipSku,
    Event,
    Fabric,
    Foundry,
    GlossaryEntry,
    Industry,
    Model,
    Provider,
    Region,
    Rival,
    Technology,
    Vendor,
)
from game.rules.problems import counted

TABLE_MODELS: dict[str, type[Model]] = {
    "industries": Industry,
    "regions": Region,
    "providers": Provider,
    "vendors": Vendor,
    "foundries": Foundry,
    "chips": ChipSku,
    "fabrics": Fabric,
    "technologies": Technology,
    "events": Event,
    "rivals": Rival,
    "glossary": GlossaryEntry,
}
"""The arrays a top-level ``*.toml`` file may hold (``[[providers]]``), in bundle order.
Scenarios are not among them: each lives in its own ``scenarios/*.toml`` file."""

NOUNS: dict[str, tuple[str, str]] = {
    "industries": ("industry", "industries"),
    "regions": ("region", "regions"),
    "providers": ("provider", "providers"),
    "vendors": ("vendor", "vendors"),
    "foundries": ("foundry", "foundries"),
    "chips": ("chip", "chips"),
    "fabrics": ("fabric", "fabrics"),
    "technologies": ("technology", "technologies"),
    "events": ("event", "events"),
    "rivals": ("rival", "rivals"),
    "glossary": ("glossary term", "glossary terms"),
    "scenarios": ("scenario", "scenarios"),
}
"""Singular and plural of each array, for messages such as ``unknown region 'x'``."""

TARGET_ARRAYS: dict[str, str] = {
    "provider": "providers",
    "vendor": "vendors",
    "foundry": "foundries",
    "fabric": "fabrics",
    "region": "regions",
}
"""The array an event effect's ``select`` names, by :data:`models.TARGET_KIND` (not ``market``)."""


def count(kind: str, number: int) -> str:
    """``count("industries", 1)`` is ``1 industry``; ``count("chips", 3)`` is ``3 chips``."""
    return counted(number, *NOUNS[kind])
