"""Errors of the arena that the command line catches without loading the engine."""

from __future__ import annotations


class ReplayError(Exception):
    """A replay or save that cannot be read or does not fit this content; the message says why."""
