"""``QuarterReport.players`` is built on first read (step leaves it out): a report read late,
copied or pickled is the very value a report read at once is."""

from __future__ import annotations

import copy
import dataclasses
import pickle

from game.arena.match import run_match
from game.engine.report import PlayerQuarter, QuarterReport


def _reports(content, read_at_once: bool) -> list[QuarterReport]:
    reports: list[QuarterReport] = []

    def keep(_state, report: QuarterReport) -> None:
        if read_at_once:
            report.players  # noqa: B018 (built now, before the next quarter is played)
        reports.append(report)

    run_match(content, "tutorial", 5, ["random", "balanced"], on_quarter=keep)
    return reports


def test_players_read_late_are_those_read_at_once(content):
    late, now = _reports(content, False), _reports(content, True)
    assert len(late) == len(now) > 1
    assert "_players_from" in vars(late[0])  # not built yet
    unread = late[-1]
    # pickling and copying build it first and carry no builder
    for copied in (pickle.loads(pickle.dumps(unread)), copy.deepcopy(unread), copy.copy(unread)):
        assert "_players_from" not in vars(copied)
        assert copied == now[-1]
        assert list(vars(copied)) == [f.name for f in dataclasses.fields(QuarterReport)]
    for a, b in zip(late, now, strict=True):
        assert repr(a) == repr(b)
        assert a == b
        assert isinstance(a.players[0], PlayerQuarter)
        assert a.players is a.players  # built once, then kept
        assert "_players_from" not in vars(a)


def test_a_report_made_by_hand_holds_its_players(content):
    # From a report whose players were not read yet (the lazy case; a read one is a plain
    # dataclass): replace() and asdict() read every field, so they build it first.
    report, built = _reports(content, False)[0], _reports(content, True)[0]
    assert "_players_from" in vars(report)
    again = dataclasses.replace(report, turn=report.turn)
    assert "_players_from" not in vars(again)
    assert vars(again)["players"] == built.players
    assert again == built
    assert dataclasses.asdict(_reports(content, False)[1]) == dataclasses.asdict(
        _reports(content, True)[1]
    )
