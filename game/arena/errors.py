"""Errors of the arena that the command line catches without loading the engine."""

from __future__ import annotations


class ReplayError(Exception):
    """A replay or save that cannot be read or does not fit this content; the message says why."""


class NotReproduced(ReplayError):
    """A save or replay that this content and engine do not play the same way: it does not
    verify (commands exit 1 for it, not 2 as for a file they cannot read)."""
