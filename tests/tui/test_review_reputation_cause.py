"""Found playing `startup-squeeze`: "Reputation 52% (was 54%); quality 1.41." after a quarter in
which every customer was served; the cause (an AI scandal that cost every enterprise 5 points)
was only in the News section. A reputation that fell for another reason than customers turned
away, or rose, had no cause at all."""

from __future__ import annotations

from rich.text import Text

from game.engine import BidSpot
from game.rules import load_content
from game.tui.screens.report import figure_lines
from game.tui.session import GameSession


def _reputation_line(session: GameSession) -> str:
    report = session.end_quarter()
    lines = figure_lines(session, session.seat, report)
    return next(Text.from_markup(x).plain for x in lines if x.startswith("[b]Reputation"))


def _serving_everyone(session: GameSession) -> None:
    session.add_order(BidSpot(provider="stratus", quantity=30, max_price=50))


def test_an_event_that_cuts_reputation_is_named() -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    _serving_everyone(session)
    session.inject("ai_incident")
    line = _reputation_line(session)
    assert "down because a public AI failure hit every enterprise's reputation" in line, line
    assert "turned away" not in line, line


def test_a_rise_from_full_service_says_so() -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    _serving_everyone(session)
    line = _reputation_line(session)
    assert "(was 80%): up because every customer was served" in line, line


def test_customers_turned_away_and_an_event_are_both_named() -> None:
    session = GameSession.new(load_content(), "tutorial", 7)
    session.inject("ai_incident")
    line = _reputation_line(session)
    assert "down because customers were turned away (bank customers punish it 2× as hard)" in line
    assert "and a public AI failure hit every enterprise's reputation (6 News)" in line, line


def test_an_event_title_reads_as_part_of_the_sentence() -> None:
    """Found reviewing: "down because customers were turned away and A public AI failure hit
    every enterprise's reputation" (the title's capital article in mid-sentence)."""
    import doctest

    from game.tui.screens import report

    assert report.in_sentence("An outage") == "an outage"
    assert report.in_sentence("Atlas shrugs") == "Atlas shrugs"
    assert doctest.testmod(report).failed == 0
