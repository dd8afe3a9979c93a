"""Capacity Wars: a strategy game about the AI capacity crisis.

The packages form layers whose imports point one way (DESIGN §9):
``rules`` ← ``engine`` ← ``agents`` ← ``arena`` ← ``tui``, ``cli``.
"""

__version__ = "0.3.0"
