"""Ratings and intervals for the leaderboard.

- :func:`rate_matches`: OpenSkill Plackett–Luce ratings (``openskill.models.PlackettLuce``),
  each match's seats as one-player teams ranked by the match's ranks, matches applied in
  match-id order so the order results arrived in (and so parallelism) never changes a rating;
- :func:`wilson_interval`: the Wilson score interval of a win rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from game.engine.summing import add_up

Z_95 = 1.959963984540054
"""The two-sided 95% normal quantile."""


def wilson_interval(wins: int, games: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``wins`` out of ``games`` (``(0, 1)`` with no games).

    >>> [round(x, 4) for x in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    >>> [round(x, 4) for x in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    if games <= 0:
        return (0.0, 1.0)
    p = wins / games
    z2 = z * z
    centre = (p + z2 / (2 * games)) / (1 + z2 / games)
    half = z / (1 + z2 / games) * math.sqrt(p * (1 - p) / games + z2 / (4 * games * games))
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Rating:
    """A bot's skill estimate: ``mu`` and its uncertainty ``sigma``; ranked by ``ordinal``."""

    mu: float
    sigma: float

    @property
    def ordinal(self) -> float:
        """The conservative estimate ``mu − 3·sigma`` the leaderboard sorts by."""
        return self.mu - 3.0 * self.sigma


def rate_matches(records: Iterable[dict[str, Any]], bots: Sequence[str] = ()) -> dict[str, Rating]:
    """Plackett–Luce ratings of every bot after all matches, applied in match-id order.

    A bot that holds several seats of one match (a round robin with fewer bots than seats) is
    rated as one player per seat from the same prior; its new rating is the mean of those seats'.
    """
    from openskill.models import PlackettLuce

    model = PlackettLuce()
    ratings = {name: model.rating(name=name) for name in bots}
    for record in sorted(records, key=lambda r: r["match_id"]):
        seats = record["bots"]
        for name in seats:
            if name not in ratings:
                ratings[name] = model.rating(name=name)
        teams = [[ratings[name]] for name in seats]
        rated = model.rate(teams, ranks=[float(r) for r in record["ranks"]])
        by_bot: dict[str, list[Any]] = {}
        for name, team in zip(seats, rated, strict=True):
            by_bot.setdefault(name, []).append(team[0])
        for name, seat_ratings in by_bot.items():
            mu = add_up(r.mu for r in seat_ratings) / len(seat_ratings)
            sigma = add_up(r.sigma for r in seat_ratings) / len(seat_ratings)
            ratings[name] = model.rating(mu=mu, sigma=sigma, name=name)
    return {name: Rating(float(r.mu), float(r.sigma)) for name, r in ratings.items()}
