"""``capwars report``: the debrief page and CSV files of a fixed replay, and broken saves."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

import game
from game.arena.match import run_match
from game.arena.replay import ReplayWriter, replay_to_state
from game.cli import main
from game.engine.record import PLAYER_SERIES
from game.engine.scoring import standings
from game.rules import load_content

SCENARIO = "bullwhip"
SEED = 5
BOTS = ["balanced", "bullwhip", "idle", "hedger"]
SECTIONS = (
    "standings",
    "prices",
    "capacity",
    "money",
    "supply",
    "decisions",
    "predictions",
    "discussion",
    "rules",
)


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def replay_path(tmp_path_factory, content) -> Path:
    """A finished replay whose lesson-mode answers were recorded at quarter 2."""
    folder = tmp_path_factory.mktemp("class")
    path = folder / "team-7.jsonl"
    run_match(content, SCENARIO, SEED, bots=BOTS, recorders=[ReplayWriter(path, labels=BOTS)])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[3]["predictions"] = {
        "0": {"question": "How many quarters will a new Verdant order take?", "answer": "7"},
        "2": {"question": "How many quarters will a new Verdant order take?", "answer": "4"},
    }
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.fixture(scope="module")
def report_dir(replay_path: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("debrief")
    assert main(["report", str(replay_path), "--out", str(out)]) == 0
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_page_has_every_section(report_dir: Path, replay_path: Path, content) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html, section
    assert html.count("<svg") >= 2 + 4 + 2  # prices, supply; one capacity chart per team; money
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "https://" not in html
    scenario = content.scenario(SCENARIO)
    for question in scenario.discussion:
        assert question.replace("'", "&#x27;") in html
    for event in ("A frontier model launches", "High-bandwidth memory sold out"):
        assert event in html
    state = replay_to_state(replay_path, content)
    for s in standings(state):
        assert s.title in html and s.name in html
    assert "The catch-up rule was off" in html
    # Predictions: the recorded answers and what happened.
    assert "Verdant Semiconductor lead time: 4.00 →" in html
    assert "<td>7</td>" in html
    # No personal data: not even the folder the save was in.
    assert str(replay_path.parent) not in html


def test_player_figures_match_a_re_simulation(report_dir: Path, replay_path: Path, content):
    state = replay_to_state(replay_path, content)
    rows = read_csv(report_dir / "players.csv")
    assert len(rows) == state.turn * state.n_players
    for row in rows:
        t, seat = int(row["quarter"]), int(row["seat"])
        assert row["team"] == state.names[seat]
        for key in PLAYER_SERIES:
            expected = float(state.history[key][t, seat])
            if math.isnan(expected):
                assert row[key] == ""
            else:
                assert float(row[key]) == pytest.approx(expected, abs=1e-5), (key, t, seat)


def test_prices_carry_their_events(report_dir: Path, replay_path: Path, content) -> None:
    state = replay_to_state(replay_path, content)
    rows = read_csv(report_dir / "prices.csv")
    providers = state.world.provider_ids
    assert len(rows) == state.turn * len(providers)
    for row in rows:
        t, p = int(row["quarter"]), providers.index(row["provider"])
        assert float(row["spot_price"]) == pytest.approx(state.history["spot_price"][t, p])
        assert row["explanation"].startswith(
            next(x.name for x in content.providers if x.id == row["provider"])
        )
    scripted = {s.turn: s.event for s in content.scenario(SCENARIO).scripted_events}
    for turn, event in scripted.items():
        assert all(event in r["events"] for r in rows if int(r["quarter"]) == turn)


def test_decisions_and_predictions(report_dir: Path, replay_path: Path) -> None:
    lines = [json.loads(line) for line in replay_path.read_text().splitlines()]
    quarters = [line for line in lines if line["kind"] == "quarter"]
    applied = sum(len(seat) for q in quarters for seat in q["applied"])
    rejected = sum(len(seat) for q in quarters for seat in q["rejected"])
    rows = read_csv(report_dir / "decisions.csv")
    assert sum(r["outcome"] == "applied" for r in rows) == applied
    assert sum(r["outcome"] == "rejected" for r in rows) == rejected
    assert not any(r["seat"] == "2" for r in rows if r["outcome"] == "applied")  # idle holds
    predictions = read_csv(report_dir / "predictions.csv")
    answered = [r for r in predictions if r["answer"]]
    assert [(r["quarter"], r["seat"], r["answer"]) for r in answered] == [
        ("2", "0", "7"),
        ("2", "2", "4"),
    ]
    assert float(answered[0]["before"]) == 4.0 and float(answered[0]["after"]) >= 5.0
    # Each answer judged as the game's quarter report judged it (the debrief only listed them).
    after = float(answered[0]["after"])
    assert [r["verdict"] for r in answered] == [
        "spot on" if abs(7 - after) < 0.05 * after else f"{abs(7 - after):,.2f} too high",
        f"{after - 4:,.2f} too low",
    ]
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<th>verdict</th></tr></thead><tbody><tr><td>" in html
    supply = read_csv(report_dir / "supply.csv")
    verdant = [float(r["value"]) for r in supply if r["id"] == "verdant"]
    assert max(verdant) >= verdant[0] + 2


def test_catch_up_rule_is_disclosed_for_a_scenario_file(tmp_path: Path, capsys) -> None:
    lesson = tmp_path / "underdog.toml"
    lesson.write_text(
        Path(__file__)
        .with_name("test_scenario_files.py")
        .read_text()
        .split('GOOD = """\\\n', 1)[1]
        .split('"""', 1)[0]
        .replace("quarters = 4\n", "quarters = 4\ncatch_up = true\n")
    )
    replay = tmp_path / "u.jsonl"
    assert main(["match", "--scenario", str(lesson), "--seed", "1", "--replay", str(replay)]) == 0
    out = tmp_path / "deb"
    assert main(["report", str(replay), "--out", str(out)]) == 2
    assert "--scenario path/to/file.toml" in capsys.readouterr().err
    assert main(["report", str(replay), "--out", str(out), "--scenario", str(lesson)]) == 0
    html = (out / "report.html").read_text()
    assert "The catch-up rule was ON" in html
    assert re.search(r"<li>2027 Q2: [^<]+</li>", html)
    # The rule as the engine applies it: last by value created, not by enterprise value
    # (which would always name the team that started poorest).
    assert "the team that had created the least value so far" in html
    assert "lowest enterprise value" not in html


def test_a_save_in_progress_reports_the_quarters_played(tmp_path: Path, replay_path: Path):
    lines = replay_path.read_text().splitlines()
    save = tmp_path / "save.jsonl"
    save.write_text("\n".join(lines[:5]) + "\n")  # header and four quarters, no result
    out = tmp_path / "deb"
    assert main(["report", str(save), "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "in progress (4 played)" in html
    # Not "Final standings": the ranking of a game a third played is not final.
    assert "<h2>Standings after 4 of 12 quarters</h2>" in html and "Final standings" not in html
    assert len(read_csv(out / "players.csv")) == 4 * len(BOTS)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text[: len(text) // 2], r"save\.jsonl:\d+: the line is cut short"),
        (lambda text: text.replace('"quarter"', '"quartr"', 1), r":2: unknown line"),
        (lambda text: "not json\n" + text, r"save\.jsonl:1: not valid JSON"),
        (lambda text: "", r"empty file"),
    ],
)
def test_a_corrupted_save_fails_clearly(tmp_path, replay_path, capsys, damage, expected):
    save = tmp_path / "save.jsonl"
    save.write_text(damage(replay_path.read_text()))
    assert main(["report", str(save), "--out", str(tmp_path / "deb")]) == 2
    err = capsys.readouterr().err
    assert re.search(expected, err), err
    assert "Traceback" not in err and str(save) in err


def test_a_tampered_save_names_the_quarter(tmp_path: Path, replay_path: Path, capsys) -> None:
    lines = [json.loads(line) for line in replay_path.read_text().splitlines()]
    lines[4]["submitted"][0] = []  # quarter 3: seat 0 suddenly held
    save = tmp_path / "save.jsonl"
    save.write_text("".join(json.dumps(line) + "\n" for line in lines[:6]))
    assert (
        main(["report", str(save), "--out", str(tmp_path / "deb")]) == 1
    )  # it does not verify (README: exit status 1)
    err = capsys.readouterr().err
    assert "quarter 3" in err and "does not re-simulate" in err
    # What to do about it, not only two hashes: the content matched, so the file was changed,
    # or (same version number) it was played before an update that changed the engine: a save
    # of this morning's capwars was told it had been "edited by hand" after an update.
    for cause_and_remedy in (
        "the file was changed after the game wrote it",
        "use the save as the game wrote it",
        f"played with another build of capwars {game.__version__}",
        "use the capwars the game was played with",
    ):
        assert cause_and_remedy in " ".join(err.split()), cause_and_remedy
    assert "Traceback" not in err
    lines[0]["engine"] = "0.0.1"  # recorded by another version: that is the likelier cause
    save.write_text("".join(json.dumps(line) + "\n" for line in lines[:6]))
    assert main(["report", str(save), "--out", str(tmp_path / "deb")]) == 1
    assert "The save was recorded by capwars 0.0.1 and this is capwars" in capsys.readouterr().err


def test_the_replay_writer_records_predictions_and_they_round_trip(tmp_path: Path, content):
    from game.arena.replay import read_replay, verify_replay
    from game.engine.setup import new_match
    from game.engine.step import step

    state = new_match(content, "tutorial", 2)
    writer = ReplayWriter(tmp_path / "lesson.jsonl")
    writer.start(state, ["human", "balanced"])
    while not state.over:
        state, report = step(state, [[], []])
        answers = {0: {"question": "Higher or lower?", "answer": "higher"}}
        writer.quarter(report, {}, answers if report.turn == 3 else None)
    writer.save()
    replay = read_replay(tmp_path / "lesson.jsonl", require_result=False)
    assert replay.quarters[3].predictions == {
        0: {"question": "Higher or lower?", "answer": "higher"}
    }
    assert replay.quarters[2].predictions == {}
    assert "predictions" not in (tmp_path / "lesson.jsonl").read_text().splitlines()[3]
    resumed = ReplayWriter.resume(replay)
    assert resumed.lines[4]["predictions"] == {
        "0": {"question": "Higher or lower?", "answer": "higher"}
    }
    assert verify_replay(replay, content).quarters == 8


def test_a_save_stopped_before_a_prediction_quarter_reports_it_as_not_reached(tmp_path: Path):
    replay = tmp_path / "fire.jsonl"
    assert (
        main(["match", "--scenario", "packaging-fire", "--seed", "1", "--replay", str(replay)]) == 0
    )
    save = tmp_path / "early.jsonl"
    save.write_text("\n".join(replay.read_text().splitlines()[:3]) + "\n")  # two quarters
    out = tmp_path / "deb"
    assert (
        main(["report", str(save), "--out", str(out)]) == 0
    )  # the fire's lead-time question is at turn 4
    assert "Predictions against what happened" in (out / "report.html").read_text()


def test_the_debrief_names_whom_the_engines_catch_up_rule_helped(tmp_path: Path) -> None:
    # The debrief asks the engine's own rule (last in value created), not a copy of it.
    import numpy as np

    from game.arena.match import run_match
    from game.arena.replay import ReplayWriter
    from game.classroom.report import catch_up_quarters, load_debrief
    from game.rules.loader import load_content

    content = load_content()
    kind = content.scenario("standard").model_copy(update={"catch_up": True, "quarters": 6})
    kinder = content.model_copy(
        update={"scenarios": tuple(kind if s.id == "standard" else s for s in content.scenarios)}
    )
    path = tmp_path / "kind.jsonl"
    run_match(kinder, "standard", 5, recorders=[ReplayWriter(path)])
    debrief = load_debrief(path, kinder)
    opening = np.array([i.starting_cash for i in debrief.played.opening.world.industries])
    ev = debrief.played.final.history["enterprise_value"]
    expected = [
        (debrief.labels[t], debrief.names[int(np.argmin(ev[t - 1] - opening))]) for t in range(1, 6)
    ]
    assert catch_up_quarters(debrief) == expected


def test_random_outages_are_shown_with_the_events(tmp_path: Path) -> None:
    from game.arena.match import run_match
    from game.arena.replay import ReplayWriter
    from game.classroom.report import load_debrief, price_rows, write_report

    for seed in range(5):  # the tutorial has random outages at its default scale
        path = tmp_path / f"t{seed}.jsonl"
        run_match(None, "tutorial", seed, recorders=[ReplayWriter(path)])
        debrief = load_debrief(path)
        hit = [(t, r) for t, r in enumerate(debrief.played.reports) if r.random_outages]
        if hit:
            break
    else:
        raise AssertionError("no random outage in five tutorial matches")
    turn, report = hit[0]
    provider, headline = report.random_outages[0]
    rows = [r for r in price_rows(debrief) if r["quarter"] == turn]
    assert all(f"random_outage:{provider}" in r["events"] for r in rows)
    write_report(debrief, tmp_path / "deb")
    assert headline in (tmp_path / "deb" / "report.html").read_text()


def test_a_class_result_file_gives_the_debrief_of_the_save_it_carries(
    tmp_path: Path, capsys
) -> None:
    # A teacher collects result files, not saves. Before: 'red.json:1: not valid JSON
    # (Expecting property name ...)' for report, and the same for export.
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        Path(__file__)
        .with_name("test_scenario_files.py")
        .read_text()
        .split('GOOD = """\\\n', 1)[1]
        .split('"""', 1)[0]
    )
    save = tmp_path / "red.jsonl"
    assert main(["match", "--scenario", str(lesson), "--seed", "1", "--replay", str(save)]) == 0
    red = tmp_path / "red.json"
    export = ["class", "export", str(save), "--seat", "0", "--scenario", str(lesson)]
    assert main([*export, "--out", str(red)]) == 0
    from_save, from_result = tmp_path / "a", tmp_path / "b"
    assert main(["report", str(save), "--scenario", str(lesson), "--out", str(from_save)]) == 0
    # The result file carries the lesson scenario: no --scenario needed.
    assert main(["report", str(red), "--out", str(from_result)]) == 0
    for name in ("players.csv", "prices.csv", "decisions.csv", "supply.csv"):
        assert (from_result / name).read_text() == (from_save / name).read_text()
    page = (from_save / "report.html").read_text().replace("red.jsonl", "red.json")
    assert (from_result / "report.html").read_text() == page
    capsys.readouterr()
    assert main(["class", "export", str(red), "--out", str(tmp_path / "again.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"capwars: error: {red} is already a class result file, not a save")
    assert not (tmp_path / "again.json").exists()


def test_the_scripted_events_are_listed_in_the_order_they_happen(tmp_path: Path) -> None:
    # A lesson file lists its shocks as the teacher added them (turns 1, 3, then 2): the
    # debrief's "Rules of this match" listed them so, 2027 Q4 before 2027 Q3.
    lesson = tmp_path / "order.toml"
    lesson.write_text(
        Path(__file__)
        .with_name("test_scenario_files.py")
        .read_text()
        .split('GOOD = """\\\n', 1)[1]
        .split('"""', 1)[0]
        + '\n[[scripted_events]]\nturn = 3\nevent = "nimbus_outage"\n'
        + '\n[[scripted_events]]\nturn = 2\nevent = "enterprise_adoption_wave"\n'
    )
    replay = tmp_path / "o.jsonl"
    assert main(["match", "--scenario", str(lesson), "--seed", "1", "--replay", str(replay)]) == 0
    out = tmp_path / "deb"
    assert main(["report", str(replay), "--out", str(out), "--scenario", str(lesson)]) == 0
    html = (out / "report.html").read_text()
    rules = html.split("Scripted events, the same for every team", 1)[1].split("</ul>", 1)[0]
    assert rules.index("2027 Q2") < rules.index("2027 Q3") < rules.index("2027 Q4"), rules


def test_every_teams_capacity_chart_has_the_same_scale(report_dir: Path) -> None:
    # Each chart was scaled to its own team: a start-up's 10 kGPU filled its chart as a bank's
    # 40 filled its own, and two teams shown side by side looked alike.
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg [^>]*aria-label="[^"]*: capacity by source".*?</svg>', html)
    assert len(charts) == len(BOTS)
    tops = set()
    for chart in charts:
        ticks = re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>([\d.,]+)</text>', chart)
        tops.add(min(ticks, key=lambda tick: float(tick[0]))[1])
    assert len(tops) == 1, tops


def test_each_event_says_whether_the_scenario_scripted_it(tmp_path: Path, content) -> None:
    # An energy spike scripted at turn 4 that had also started at random at turn 3 showed up
    # twice in the debrief, alike: the class could not tell the lesson's shock from the seed's.
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        Path(__file__)
        .with_name("test_scenario_files.py")
        .read_text()
        .split('GOOD = """\\\n', 1)[1]
        .split('"""', 1)[0]
    )
    replay = tmp_path / "l.jsonl"
    assert main(["match", "--scenario", str(lesson), "--seed", "4", "--replay", str(replay)]) == 0
    out = tmp_path / "deb"
    assert main(["report", str(replay), "--out", str(out), "--scenario", str(lesson)]) == 0
    html = (out / "report.html").read_text()
    titles = {e.id: e.title for e in content.events}
    prices = read_csv(out / "prices.csv")
    started = {(int(r["quarter"]), e) for r in prices for e in r["events"].split("; ") if e}
    assert started == {(1, "stratus_outage"), (2, "frontier_model_launch")}
    for text in (
        f"{titles['stratus_outage']} (scripted)",
        f"{titles['frontier_model_launch']} (random)",
    ):
        # In the price table, the chart's key and the decisions timeline.
        assert html.count(text) >= 3, text


def test_a_direction_answer_is_judged_right_or_wrong() -> None:
    from game.classroom.report import PredictionOutcome

    outcome = PredictionOutcome(2, "2027 Q3", "?", "spot_price", "Stratus", 10.0, 8.0, "$M", {})
    assert outcome.direction == "down"
    assert [outcome.verdict(a) for a in ("down", "Up", "flat", "8.1", "9", "soon")] == [
        "right",
        "it went down",
        "it went down",
        "spot on",
        "1.00 too high",
        "",
    ]
    assert outcome.verdict("7") == "1.00 too low"
    level = PredictionOutcome(2, "2027 Q3", "?", "spot_price", "Stratus", 10.0, 10.1, "$M", {})
    assert level.direction == "flat" and level.verdict("flat") == "right"
    unplayed = PredictionOutcome(2, "2027 Q3", "?", "demand", "demand", 10.0, math.nan, "", {})
    assert unplayed.verdict("up") == ""


def test_decisions_name_what_they_act_on_as_players_read_it(report_dir: Path, content) -> None:
    # "Reserved 1.8 kGPU at ironlattice", "Research heat_reuse": ids, where the price table
    # beside them says "Iron Lattice" and the game's research screen "District heat reuse".
    from game.classroom.report import describe

    names = {"ironlattice": "Iron Lattice", "continuous_batching": "Continuous batching"}
    assert describe(
        {"type": "reserve", "provider": "ironlattice", "quantity": 1.8, "term": 8}, names
    ) == ("Reserved 1.8 kGPU at Iron Lattice for 8 quarters")
    assert describe(
        {"type": "fund_research", "tech": "continuous_batching", "amount": 30}, names
    ) == ("Research Continuous batching: $30.00M a quarter")
    assert describe({"type": "fund_research", "tech": "other", "amount": 30}, names).startswith(
        "Research other:"
    )
    providers = {p.id: p.name for p in content.providers}
    rows = [r for r in read_csv(report_dir / "decisions.csv") if r["action"] == "bid_spot"]
    assert rows and all(
        any(f" at {name}," in r["description"] for name in providers.values()) for r in rows
    )


def test_the_standings_give_what_each_team_still_owes_on_its_contracts(
    report_dir: Path, replay_path: Path, content
) -> None:
    """The score leaves out take-or-pay payments due after the end, so a team that signed long
    contracts late looks better than one that did not: the debrief shows the amount, for the
    class to discuss (a strategy probe found 500-1,000 $M owed by reserve-heavy bots)."""
    from game.classroom.report import contracts_owed

    final = replay_to_state(replay_path, content)
    owed = contracts_owed(final)
    assert owed[2] == 0.0  # idle signs nothing
    assert max(owed) > 0.0  # the others' contracts outlast the match
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<th>contracts still owed $M</th>" in html
    assert "which the score does not count" in html
    for s in standings(final):
        assert re.search(rf">{re.escape(s.name)}</td>.*?>{owed[s.seat]:,.1f}</td></tr>", html)
