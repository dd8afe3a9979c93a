"""``capwars report SAVE_OR_REPLAY --out DIR``: the debrief of one match, for a class.

The save or replay is re-simulated from its seed (every recorded hash checked), so every figure
comes from the engine. The folder gets:

- ``report.html``: one self-contained page (inline CSS, charts as inline SVG, no scripts, no
  network): the standings with verdict titles; spot prices with markers for the events that
  moved them and the engine's explanation of each large move; each team's capacity mix
  (reserved, spot, owned against demand), cash and enterprise value; lead times and grid waits;
  each team's decisions on a timeline; the scenario's predictions against what happened (with
  the teams' answers when the save recorded them); its discussion questions; the catch-up rule,
  disclosed when the scenario had it on.
- ``players.csv``: every player's figures per quarter (every ``state.history`` series).
- ``prices.csv``: each provider's spot price per quarter, with that quarter's events and causes.
- ``decisions.csv``: every action each team submitted, applied or rejected with the reason.
- ``supply.csv``: vendor lead times and regional grid waits after each quarter.
- ``predictions.csv``: each prediction question, each answer recorded, and what happened.

No personal data: teams appear under the names they chose; the file's folder is not shown.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from game.arena.files import output_problem
from game.arena.replay import Replay, ReplayError
from game.classroom import predictions
from game.classroom.figures import Quarterly, WorldFigures, resimulate, world_figures
from game.classroom.output import csv_text, write_texts
from game.classroom.svg import CSS as SVG_CSS
from game.classroom.svg import Marker, Series, line_chart, stacked_chart, team_colors
from game.engine.customers import CATCH_UP_APPEAL
from game.engine.record import PLAYER_SERIES
from game.engine.scoring import Standing, standings
from game.engine.state import MatchState
from game.rules.models import Content, Prediction, Scenario

__all__ = ["Debrief", "load_debrief", "register_cli", "write_report"]

PathLike = str | os.PathLike[str]

PRICE_MOVE_PCT = 15.0
"""Spot moves at least this large (either way) are explained in the report."""


@dataclass
class Debrief:
    """A match re-simulated for its debrief."""

    replay: Replay
    content: Content
    played: Quarterly

    @property
    def scenario(self) -> Scenario:
        return self.played.opening.world.scenario

    @property
    def names(self) -> tuple[str, ...]:
        return self.played.opening.names

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.played.reports]

    @property
    def standings(self) -> list[Standing]:
        return standings(self.played.final)

    @property
    def item_names(self) -> dict[str, str]:
        """The names players read for the ids an action names: providers, regions, chips and
        research programmes (``ironlattice``: ``Iron Lattice``)."""
        content = self.content
        return {
            item.id: item.name
            for items in (content.providers, content.regions, content.chips, content.technologies)
            for item in items
        }

    def event_title(self, event_id: str) -> str:
        event = next((e for e in self.content.events if e.id == event_id), None)
        return event.title if event is not None else event_id


def replay_content(content_dir: PathLike | None, scenario_file: str | None = None) -> Content:
    """The content to re-simulate a match with: a content folder (default: the game's own),
    plus the scenario file it was played from, if any. Raises :class:`ReplayError` for a
    missing folder or a scenario id where a file is expected, ``ContentError`` for content or a
    scenario file with problems."""
    from game.rules.loader import is_scenario_path, load_content, resolve_scenario

    if content_dir is not None and not Path(content_dir).is_dir():
        raise ReplayError(f"no content folder at {content_dir}")
    content = load_content(content_dir)
    if scenario_file:
        if not is_scenario_path(scenario_file):
            raise ReplayError(
                "--scenario takes a scenario file here (path/to/lesson.toml),"
                f" not {scenario_file!r}"
            )
        content, _ = resolve_scenario(content, scenario_file)
    return content


def load_debrief(path: PathLike, content: Content | None = None) -> Debrief:
    """Read a save or replay, or the save inside a class result file, and re-simulate it
    (``ReplayError`` naming the file and line). A result file carries its lesson scenario, so
    it needs no ``--scenario``."""
    from game.classroom.results import content_for_result, read_save_or_result, unknown_in_lesson
    from game.rules.loader import load_content

    content = content if content is not None else load_content()
    replay, data = read_save_or_result(path)
    if data is not None:
        content = content_for_result(data, replay, content)
        missing = unknown_in_lesson(data, content)
        if missing:
            raise ReplayError(
                f"{path}: the lesson this result file carries names what this content does not"
                f" have ({', '.join(missing)}): it was played with a content folder of its own;"
                " pass that folder with --content DIR"
            )
    return Debrief(replay, content, resimulate(replay, content))


# ---------------------------------------------------------------------------------------------
# Figures shared by the page and the CSV files


def _round(value: float) -> float | str:
    if not math.isfinite(value):
        return ""
    return round(value, 6)


def player_rows(debrief: Debrief) -> list[dict[str, Any]]:
    """``players.csv``: one row per quarter and seat, every history series."""
    history = debrief.played.final.history
    world = debrief.played.opening.world
    rows = []
    for t, label in enumerate(debrief.labels):
        for seat, name in enumerate(debrief.names):
            row: dict[str, Any] = {
                "quarter": t,
                "label": label,
                "seat": seat,
                "team": name,
                "industry": world.industries[seat].id,
            }
            for key in PLAYER_SERIES:
                row[key] = _round(float(history[key][t, seat]))
            rows.append(row)
    return rows


def price_rows(debrief: Debrief) -> list[dict[str, Any]]:
    """``prices.csv``: one row per quarter and provider, with the quarter's events and causes."""
    history = debrief.played.final.history
    world = debrief.played.opening.world
    rows = []
    for t, report in enumerate(debrief.played.reports):
        results = {r.provider: r for r in report.spot}
        for p, pid in enumerate(world.provider_ids):
            result = results.get(pid)
            rows.append(
                {
                    "quarter": t,
                    "label": report.label,
                    "provider": pid,
                    "spot_price": _round(float(history["spot_price"][t, p])),
                    "change_pct": _round(result.change_pct) if result else "",
                    "provider_capacity": _round(float(history["provider_capacity"][t, p])),
                    "market_demand": _round(float(history["market_demand"][t, 0])),
                    "events": "; ".join(
                        [*report.events, *(f"random_outage:{o}" for o, _ in report.random_outages)]
                    ),
                    "injected": "; ".join(report.injected),
                    "explanation": result.explanation() if result else "",
                }
            )
    return rows


def decision_rows(debrief: Debrief) -> list[dict[str, Any]]:
    """``decisions.csv``: every action each team submitted, applied or rejected."""
    rows = []
    names = debrief.item_names
    for q in debrief.replay.quarters:
        for seat, name in enumerate(debrief.names):
            for action in q.applied[seat]:
                rows.append(
                    _decision(q.turn, q.label, seat, name, "applied", action, "", "", names)
                )
            for kind, code, message in q.rejected[seat]:
                rows.append(
                    _decision(
                        q.turn, q.label, seat, name, "rejected", {"type": kind}, code, message
                    )
                )
    return rows


def _decision(
    turn: int,
    label: str,
    seat: int,
    name: str,
    outcome: str,
    action: dict[str, Any],
    code: str,
    reason: str,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "quarter": turn,
        "label": label,
        "seat": seat,
        "team": name,
        "outcome": outcome,
        "action": action.get("type", "?"),
        "description": describe(action, names) if outcome == "applied" else describe_kind(action),
        "reason_code": code,
        "reason": reason,
    }


def supply_rows(debrief: Debrief) -> list[dict[str, Any]]:
    """``supply.csv``: lead times and grid waits after each quarter, and (with data centres)
    each region's power price during it."""
    rows = []
    scenario_regions = set(debrief.played.opening.world.region_ids)
    paid = _power_prices(debrief)
    for t, (label, figures) in enumerate(zip(debrief.labels, debrief.played.figures, strict=True)):
        for vendor, lead in figures.vendor_lead.items():
            rows.append(
                {"quarter": t, "label": label, "kind": "vendor_lead", "id": vendor, "value": lead}
            )
        for region, wait in figures.grid_wait.items():
            if region in scenario_regions:
                rows.append(
                    {"quarter": t, "label": label, "kind": "grid_wait", "id": region, "value": wait}
                )
        # (``power_prices`` has the scenario's regions only: nothing to filter)
        for region, price in paid[t].items():
            rows.append(
                {"quarter": t, "label": label, "kind": "power_price", "id": region, "value": price}
            )
    return rows


def _power_prices(debrief: Debrief) -> list[dict[str, float]]:
    """Per quarter, each region's power price paid then; none (``{}``) in a scenario without
    data centres, where power is paid by nobody."""
    if "datacenters" not in debrief.scenario.mechanics:
        return [{} for _ in debrief.played.states]
    return debrief.played.power_prices()


@dataclass(frozen=True)
class PredictionOutcome:
    """One prediction question, the answers recorded and what happened."""

    turn: int
    label: str
    question: str
    metric: str
    subject: str
    before: float
    after: float
    unit: str
    answers: dict[int, str]

    @property
    def direction(self) -> str:
        """Where the figure went: ``up``, ``flat`` or ``down`` (``""`` if not played yet)."""
        return predictions.direction(self.before, self.after)

    def verdict(self, answer: str) -> str:
        """A team's answer judged as the game's quarter report judges it
        (:func:`game.classroom.predictions.verdict`)."""
        return predictions.verdict(answer, self.before, self.after)

    @property
    def happened(self) -> str:
        if not (math.isfinite(self.before) and math.isfinite(self.after)):
            return "not played yet"
        change = (self.after / self.before - 1) * 100 if self.before else 0.0
        return (
            f"{self.subject}: {_fmt(self.before)} → {_fmt(self.after)} {self.unit} ({change:+.0f}%)"
        )


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def prediction_outcomes(debrief: Debrief) -> list[PredictionOutcome]:
    """Every prediction of the scenario, plus any recorded for a quarter the scenario does not
    list, each with what happened over its quarter."""
    scenario = debrief.scenario
    asked: dict[int, Prediction | None] = {p.turn: p for p in scenario.predictions}
    recorded = {q.turn: q.predictions for q in debrief.replay.quarters if q.predictions}
    for turn in recorded:
        asked.setdefault(turn, None)
    outcomes = []
    for turn in sorted(asked):
        prediction = asked[turn]
        answers = recorded.get(turn, {})
        question = prediction.question if prediction is not None else ""
        if not question:
            question = next((str(a.get("question", "")) for a in answers.values()), "")
        metric = prediction.metric if prediction is not None else "spot_price"
        subject, before, after, unit = _what_happened(debrief, prediction, metric, turn)
        label = debrief.played.opening.world.quarter_label(turn)
        outcomes.append(
            PredictionOutcome(
                turn=turn,
                label=label,
                question=question,
                metric=metric,
                subject=subject,
                before=before,
                after=after,
                unit=unit,
                answers={seat: _answer_text(a) for seat, a in sorted(answers.items())},
            )
        )
    return outcomes


def _answer_text(answer: dict[str, Any]) -> str:
    value = answer.get("answer", "")
    return value if isinstance(value, str) else str(value)


def _what_happened(
    debrief: Debrief, prediction: Prediction | None, metric: str, turn: int
) -> tuple[str, float, float, str]:
    played = debrief.played
    world = played.opening.world
    done = turn < len(played.states)
    nan = math.nan

    def figures(t: int) -> WorldFigures | None:
        """The world's figures after quarter ``t`` (the opening before it; None if unplayed)."""
        if t < 0:
            return world_figures(played.opening)
        return played.figures[t] if t < len(played.figures) else None

    def lead(t: int, vendor: str) -> float:
        f = figures(t)
        return f.vendor_lead.get(vendor, nan) if f is not None else nan

    def wait(t: int, region: str) -> float:
        f = figures(t)
        return float(f.grid_wait.get(region, nan)) if f is not None else nan

    if metric == "lead_time":
        vendors = list(world.vendor_ids)
        vendor = prediction.vendor if prediction and prediction.vendor else vendors[0]
        name = next((v.name for v in debrief.content.vendors if v.id == vendor), vendor)
        before = lead(turn - 1, vendor)
        after = lead(turn, vendor) if done else nan
        return f"{name} lead time", before, after, "quarters"
    if metric == "grid_wait":
        region = prediction.region if prediction and prediction.region else world.region_ids[0]
        name = next((r.name for r in debrief.content.regions if r.id == region), region)
        before = wait(turn - 1, region)
        after = wait(turn, region) if done else nan
        return f"{name} grid wait", before, after, "quarters"
    history = played.final.history
    if metric == "demand":
        start = debrief.scenario.market.demand
        before = float(history["market_demand"][turn - 1, 0]) if turn > 0 else start
        after = float(history["market_demand"][turn, 0]) if done else nan
        return "market demand", before, after, "kGPU"
    providers = list(world.provider_ids)
    if prediction is not None and prediction.provider in providers:
        p = providers.index(prediction.provider)
        name = next(x.name for x in debrief.content.providers if x.id == prediction.provider)
        before = (
            float(history["spot_price"][turn - 1, p])
            if turn > 0
            else float(played.opening.spot_price[p])
        )
        after = float(history["spot_price"][turn, p]) if done else nan
        return f"{name} spot price", before, after, "$M/kGPU"
    before = (
        float(sum(history["spot_price"][turn - 1]) / len(providers))
        if turn > 0
        else float(played.opening.spot_price.mean())
    )
    after = float(sum(history["spot_price"][turn]) / len(providers)) if done else nan
    return "mean spot price", before, after, "$M/kGPU"


def catch_up_quarters(debrief: Debrief) -> list[tuple[str, str]]:
    """``(quarter, team)`` for each quarter the catch-up rule gave a team extra appeal."""
    if not debrief.scenario.catch_up:
        return []
    from game.engine.customers import catch_up_bonus  # the engine's own rule, not a copy

    out: list[tuple[str, str]] = []
    for t in range(1, len(debrief.played.states)):
        previous = debrief.played.states[t - 1]
        active = previous.status == 0
        if int(active.sum()) < 2:
            continue
        helped = [seat for seat, bonus in enumerate(catch_up_bonus(previous, active)) if bonus]
        out.extend((debrief.labels[t], debrief.names[seat]) for seat in helped)
    return out


# ---------------------------------------------------------------------------------------------
# Actions in words


def describe(action: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """An applied action in words: ``Spot bid: 4 kGPU at Stratus Cloud, up to $9.00M``, with
    the names of ``names`` for the ids it names (the ids themselves without it)."""
    kind = action.get("type")
    known = names or {}

    def get(key: str) -> Any:
        value = action.get(key)
        if key in ("provider", "region", "sku", "tech") and isinstance(value, str):
            return known.get(value, value)
        return value

    if kind == "bid_spot":
        return (
            f"Spot bid: {_q(get('quantity'))} kGPU at {get('provider')},"
            f" up to ${_m(get('max_price'))}M"
        )
    if kind == "reserve":
        return (
            f"Reserved {_q(get('quantity'))} kGPU at {get('provider')} for {get('term')} quarters"
        )
    if kind == "order_chips":
        return f"Ordered {_q(get('quantity'))}k {get('sku')} chips for {get('region')}"
    if kind == "order_network":
        return f"Ordered {_q(get('quantity'))} fabric units for {get('region')}"
    if kind == "build_datacenter":
        return f"Started a {_q(get('megawatts'))} MW data centre in {get('region')}"
    if kind == "fund_research":
        return f"Research {get('tech')}: ${_m(get('amount'))}M a quarter"
    if kind == "set_service_price":
        return f"Service price set to ${_m(get('price'))}M per kGPU"
    if kind == "set_training_share":
        share = get("share")
        pct = f"{share * 100:.0f}%" if isinstance(share, int | float) else str(share)
        return f"Training share set to {pct}"
    if kind == "sublease":
        return f"Subleased {_q(get('quantity'))} kGPU at {get('provider')}"
    if kind == "borrow":
        return f"Borrowed ${_m(get('amount'))}M"
    if kind == "repay":
        return f"Repaid ${_m(get('amount'))}M"
    fields = ", ".join(f"{k}={v}" for k, v in action.items() if k != "type")
    return f"{kind} {fields}".strip()


def describe_kind(action: dict[str, Any]) -> str:
    return str(action.get("type", "?")).replace("_", " ")


def _q(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _m(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, int | float) else str(value)


# ---------------------------------------------------------------------------------------------
# Writing


def write_report(debrief: Debrief, out: PathLike) -> list[Path]:
    """Write the page and the CSV files into ``out`` (created if needed): every file rendered
    first, then each written atomically (:mod:`game.classroom.output`); the paths written."""
    folder = Path(out)
    tables: list[tuple[str, list[dict[str, Any]], Sequence[str]]] = [
        (
            "players.csv",
            player_rows(debrief),
            ("quarter", "label", "seat", "team", "industry", *PLAYER_SERIES),
        ),
        (
            "prices.csv",
            price_rows(debrief),
            (
                "quarter",
                "label",
                "provider",
                "spot_price",
                "change_pct",
                "provider_capacity",
                "market_demand",
                "events",
                "injected",
                "explanation",
            ),
        ),
        (
            "decisions.csv",
            decision_rows(debrief),
            (
                "quarter",
                "label",
                "seat",
                "team",
                "outcome",
                "action",
                "description",
                "reason_code",
                "reason",
            ),
        ),
        ("supply.csv", supply_rows(debrief), ("quarter", "label", "kind", "id", "value")),
        (
            "predictions.csv",
            _prediction_rows(debrief),
            (
                "quarter",
                "label",
                "question",
                "metric",
                "subject",
                "before",
                "after",
                "seat",
                "team",
                "answer",
                "verdict",
            ),
        ),
    ]
    files = [(folder / "report.html", render_html(debrief))]
    files += [(folder / name, csv_text(rows, columns)) for name, rows, columns in tables]
    return write_texts(files)


def _prediction_rows(debrief: Debrief) -> list[dict[str, Any]]:
    rows = []
    for o in prediction_outcomes(debrief):
        base = {
            "quarter": o.turn,
            "label": o.label,
            "question": o.question,
            "metric": o.metric,
            "subject": o.subject,
            "before": _round(o.before),
            "after": _round(o.after),
        }
        if not o.answers:
            rows.append({**base, "seat": "", "team": "", "answer": "", "verdict": ""})
        for seat, answer in o.answers.items():
            team = debrief.names[seat] if 0 <= seat < len(debrief.names) else str(seat)
            verdict = o.verdict(answer)
            rows.append({**base, "seat": seat, "team": team, "answer": answer, "verdict": verdict})
    return rows


# ---------------------------------------------------------------------------------------------
# The page

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
  max-width: 980px; padding: 1.5rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #ddd; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.rejected { color: #a00; } .note { background: #fff7e0; border-left: 4px solid #e0a800;
  padding: 0.6rem 0.9rem; } .hold { color: #888; }
.lesson { background: #eef5ff; border-left: 4px solid #3b7dd8; padding: 0.4rem 0.8rem;
  margin: 0.4rem 0; }
nav a { margin-right: 0.8rem; } figure { margin: 0.8rem 0; }
@media print { nav { display: none; } h2 { page-break-before: auto; } }
"""


def render_html(debrief: Debrief) -> str:
    """The whole debrief page as one self-contained HTML document."""
    scenario = debrief.scenario
    played = len(debrief.played.states)
    standings = (
        "Final standings"
        if debrief.played.final.over
        else f"Standings after {played} of {scenario.quarters} quarters"
    )
    sections = [
        ("standings", standings, _standings_html(debrief)),
        ("prices", "Prices and the events that moved them", _prices_html(debrief)),
        ("capacity", "Capacity mix", _capacity_html(debrief)),
        ("money", "Cash and enterprise value", _money_html(debrief)),
        ("supply", "Lead times and grid waits", _supply_html(debrief)),
        ("decisions", "Decisions, quarter by quarter", _decisions_html(debrief)),
        ("predictions", "Predictions against what happened", _predictions_html(debrief)),
        ("discussion", "Discussion questions", _discussion_html(debrief)),
        ("rules", "Rules of this match", _rules_html(debrief)),
    ]
    state = "finished" if debrief.played.final.over else f"in progress ({played} played)"
    nav = " ".join(f'<a href="#{key}">{escape(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{escape(title)}</h2>{html}</section>'
        for key, title, html in sections
    )
    teams = ", ".join(escape(n) for n in debrief.names)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Debrief: {escape(scenario.name)}</title>"
        f"<style>{PAGE_CSS}{SVG_CSS}</style></head><body>"
        f"<h1>Debrief: {escape(scenario.name)}</h1>"
        f'<p class="sub">Scenario <code>{escape(scenario.id)}</code>, seed'
        f" {debrief.played.opening.seed}, {scenario.quarters} quarters from"
        f" {escape(debrief.played.opening.world.quarter_label(0))}; match {state}."
        f" Teams: {teams}. Replay file {escape(debrief.replay.path.name)}, final hash"
        f" <code>{escape(debrief.played.final.last_hash)}</code>.</p>"
        f"<p>{escape(scenario.summary)}</p>"
        f"<nav>{nav}</nav>{body}"
        '<p class="sub">Made by <code>capwars report</code>. Every figure was re-simulated'
        " from the seed and the teams' decisions.</p></body></html>\n"
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _standings_html(debrief: Debrief) -> str:
    victory = debrief.scenario.victory
    rule = (
        "value created (enterprise value gained since the start)"
        if victory.rule == "value_created"
        else "enterprise value"
    )
    owed = contracts_owed(debrief.played.final)
    rows = []
    for s in debrief.standings:
        cost = f"{s.cost_per_kgpu:,.2f}" if math.isfinite(s.cost_per_kgpu) else "–"
        rows.append(
            (
                str(s.rank),
                escape(s.name),
                f"{s.score:,.1f}",
                f"<strong>{escape(s.title)}</strong>",
                escape(s.verdict),
                f"{s.served_share * 100:.1f}%",
                cost,
                f"{owed[s.seat]:,.1f}",
            )
        )
    table = _table(
        (
            "rank",
            "team",
            "score $M",
            "title",
            "verdict",
            "served",
            "cost $M/kGPU",
            "contracts still owed $M",
        ),
        rows,
        {0, 2, 5, 6, 7},
    )
    after = (
        "after the end, which the score does not count (a discussion point: who committed"
        " beyond the match, and would it have paid off?)"
        if debrief.played.final.over
        else "in the quarters still to come"
    )
    return (
        f"<p>Scored by {escape(rule)}. Titles place each team on two axes over the whole match:"
        f" served at least {victory.served_share_good * 100:.0f}% of its customers' demand, and"
        f" compute cost at most ${victory.cost_per_kgpu_good:,.2f}M per kGPU served."
        f" <em>Contracts still owed</em> is what the team's reserved contracts (take-or-pay)"
        f" still bind it to pay {after}.</p>{table}"
    )


def contracts_owed(state: MatchState) -> list[float]:
    """Per seat, the take-or-pay payments its reserved contracts still hold, $M: those after
    the end once the match is over (the score leaves them out)."""
    return [float(seat.sum()) for seat in state.reserved_pay]


def _started_by(debrief: Debrief, turn: int, event_id: str, injected: Sequence[str]) -> str:
    """How an event came to start: `` (facilitator)``, `` (scripted)`` or `` (random)``, so
    the class tells the scenario's shocks from the luck of its seed (an event scripted at
    turn 4 may also have started at random at turn 3)."""
    if event_id in injected:
        return " (facilitator)"
    scripted = any(s.turn == turn and s.event == event_id for s in debrief.scenario.scripted_events)
    return " (scripted)" if scripted else " (random)"


def _event_markers(debrief: Debrief) -> list[Marker]:
    markers = []
    for t, report in enumerate(debrief.played.reports):
        for event_id in report.events:
            event = next((e for e in debrief.content.events if e.id == event_id), None)
            label = event.title if event is not None else event_id
            label += _started_by(debrief, t, event_id, report.injected)
            detail = event.explain if event is not None else ""
            markers.append(Marker(t, label, detail))
        for provider, headline in report.random_outages:
            name = next((p.name for p in debrief.content.providers if p.id == provider), provider)
            markers.append(Marker(t, f"{name} outage (random)", headline))
    return markers


def _prices_html(debrief: Debrief) -> str:
    world = debrief.played.opening.world
    history = debrief.played.final.history
    n = len(debrief.labels)
    names = {p.id: p.name for p in debrief.content.providers}
    series = [
        Series(names.get(pid, pid), [float(x) for x in history["spot_price"][:n, p]])
        for p, pid in enumerate(world.provider_ids)
    ]
    chart = line_chart(
        "Spot clearing price by provider",
        "$M/kGPU",
        debrief.labels,
        series,
        _event_markers(debrief),
    )
    rows = []
    for t, report in enumerate(debrief.played.reports):
        events = [
            escape(debrief.event_title(e) + _started_by(debrief, t, e, report.injected))
            for e in report.events
        ] + [escape(headline) for _, headline in report.random_outages]
        moves = [
            escape(r.explanation()) for r in report.spot if abs(r.change_pct) >= PRICE_MOVE_PCT
        ]
        if events or moves:
            rows.append(
                (
                    escape(report.label),
                    "<br>".join(events) or '<span class="hold">none</span>',
                    "<br>".join(moves) or '<span class="hold">no large move</span>',
                )
            )
    table = _table(
        ("quarter", "events that started", "large price moves and their causes"), rows, set()
    )
    return (
        f"<figure>{chart}</figure><p>Numbered red lines mark the quarters events started, named"
        " in the key under the chart (hover over a number for the whole story). Moves of"
        f" {PRICE_MOVE_PCT:.0f}% or more are explained by the engine: each cause's share of the"
        f" move.</p>{table}"
    )


def _capacity_html(debrief: Debrief) -> str:
    history = debrief.played.final.history
    n = len(debrief.labels)
    # One scale for every team's chart, so two teams side by side compare at a glance.
    heights = [
        value
        for seat in range(len(debrief.names))
        for t in range(n)
        for value in (
            _stack(history[key][t, seat] for key in ("reserved", "spot", "owned")),
            float(history["demand"][t, seat]),
        )
        if math.isfinite(value)
    ]
    tallest = max(heights, default=0.0)
    charts = []
    for seat, name in enumerate(debrief.names):

        def col(key: str, seat: int = seat) -> list[float]:
            return [float(x) for x in history[key][:n, seat]]

        charts.append(
            "<figure>"
            + stacked_chart(
                f"{name}: capacity by source",
                "kGPU",
                debrief.labels,
                [
                    Series("reserved", col("reserved"), "#1f77b4"),
                    Series("spot", col("spot"), "#ff7f0e"),
                    Series("owned", col("owned"), "#2ca02c"),
                ],
                [Series("demand", col("demand")), Series("served", col("served"), "#555555")],
                high=tallest,
            )
            + "</figure>"
        )
    return (
        "<p>Each team's capacity stacked by where it came from: reserved contracts, the spot"
        " auction and its own data centres. The dashed lines are its customers' demand and what"
        " it served. Every team's chart has the same scale.</p>" + "".join(charts)
    )


def _stack(values: Iterable[Any]) -> float:
    """The top of a stack of layers, as the chart draws it (a NaN layer counts as 0)."""
    top = 0.0
    for value in values:
        number = float(value)
        top += number if math.isfinite(number) else 0.0
    return top


def _money_html(debrief: Debrief) -> str:
    history = debrief.played.final.history
    n = len(debrief.labels)
    colors = team_colors(debrief.names)
    cash = [
        Series(name, [float(x) for x in history["cash"][:n, seat]], colors[seat])
        for seat, name in enumerate(debrief.names)
    ]
    value = [
        Series(name, [float(x) for x in history["enterprise_value"][:n, seat]], colors[seat])
        for seat, name in enumerate(debrief.names)
    ]
    return (
        "<figure>"
        + line_chart("Cash", "$M", debrief.labels, cash, zero=False)
        + "</figure><figure>"
        + line_chart("Enterprise value", "$M", debrief.labels, value, zero=False)
        + "</figure>"
    )


def _supply_html(debrief: Debrief) -> str:
    figures = debrief.played.figures
    if not figures:
        return "<p>No quarter played yet.</p>"
    world = debrief.played.opening.world
    vendor_names = {v.id: v.name for v in debrief.content.vendors}
    region_names = {r.id: r.name for r in debrief.content.regions}
    vendors = sorted({v for f in figures for v in f.vendor_lead})
    leads = [
        Series(vendor_names.get(v, v), [f.vendor_lead.get(v, math.nan) for f in figures])
        for v in vendors
    ]
    waits = [
        Series(region_names.get(r, r), [float(f.grid_wait.get(r, math.nan)) for f in figures])
        for r in world.region_ids
    ]
    markers = _event_markers(debrief)
    html = (
        "<p>What a new order would have faced at the end of each quarter: the quarters until"
        " a chip order arrives (the vendor's base lead plus its backlog) and the quarters a new"
        " grid connection would wait in each region's queue.</p><figure>"
        + line_chart("Chip lead time by vendor", "quarters", debrief.labels, leads, markers)
        + "</figure><figure>"
        + line_chart("Grid wait by region", "quarters", debrief.labels, waits, markers)
        + "</figure>"
    )
    paid = _power_prices(debrief)
    if not any(paid):
        return html
    power = [
        Series(region_names.get(r, r), [paid[t].get(r, math.nan) for t in range(len(paid))])
        for r in world.region_ids
    ]
    return (
        html + "<p>The power price a data centre in each region paid during each quarter, with the"
        " events in force then (an energy shock shows for every quarter it lasts).</p><figure>"
        + line_chart("Power price by region", "$/MWh", debrief.labels, power, markers)
        + "</figure>"
    )


def _decisions_html(debrief: Debrief) -> str:
    quarters = debrief.replay.quarters
    if not quarters:
        return "<p>No quarter played yet.</p>"
    names = debrief.item_names
    lessons: dict[int, list[str]] = {}
    for lesson in debrief.scenario.lessons:
        lessons.setdefault(lesson.turn, []).append(lesson.title)
    header = ["quarter", *debrief.names]
    rows = []
    for q in quarters:
        label = escape(q.label)
        notes = "".join(
            f'<div class="lesson">{escape(title)}</div>' for title in lessons.get(q.turn, [])
        )
        titles = [
            debrief.event_title(e) + _started_by(debrief, q.turn, e, q.injected) for e in q.events
        ]
        events = "".join(f"<div>⚡ {escape(title)}</div>" for title in titles)
        if q.turn < len(debrief.played.reports):
            events += "".join(
                f"<div>⚡ {escape(headline)}</div>"
                for _, headline in debrief.played.reports[q.turn].random_outages
            )
        cells = [f"<strong>{label}</strong>{notes}{events}"]
        for seat in range(len(debrief.names)):
            # Each action once, in the order first met, with how often it came: a bot that
            # books the same contract three times in a quarter is one line "(×3)".
            items = [
                f"<li>{escape(text)}{f' (×{count})' if count > 1 else ''}</li>"
                for text, count in Counter(describe(a, names) for a in q.applied[seat]).items()
            ]
            items += [
                f'<li class="rejected">✗ {escape(describe_kind({"type": kind}))}:'
                f" {escape(message)}</li>"
                for kind, _code, message in q.rejected[seat]
            ]
            if seat in q.bot_failures:
                items.append('<li class="rejected">the bot failed and held</li>')
            cells.append(
                f"<ul>{''.join(items)}</ul>" if items else '<span class="hold">held</span>'
            )
        rows.append(cells)
    return (
        "<p>What each team decided before each quarter resolved (✗: rejected by the rules, with"
        " the reason). Blue notes are the scenario's lessons; ⚡ marks events.</p>"
        + _table(header, rows, set())
    )


def _predictions_html(debrief: Debrief) -> str:
    outcomes = prediction_outcomes(debrief)
    if not outcomes:
        return "<p>This scenario asks no prediction questions.</p>"
    parts = []
    any_answers = any(o.answers for o in outcomes)
    for o in outcomes:
        answers = "".join(
            f"<tr><td>{escape(debrief.names[seat]) if seat < len(debrief.names) else seat}</td>"
            f"<td>{escape(answer)}</td><td>{escape(o.verdict(answer))}</td></tr>"
            for seat, answer in o.answers.items()
        )
        answered = (
            "<table><thead><tr><th>team</th><th>prediction</th><th>verdict</th></tr></thead>"
            f"<tbody>{answers}</tbody></table>"
            if answers
            else '<p class="hold">No answers recorded for this question.</p>'
        )
        parts.append(
            f"<h3>{escape(o.label)}: {escape(o.question)}</h3>"
            f"<p><strong>What happened:</strong> {escape(o.happened)}.</p>{answered}"
        )
    note = (
        ""
        if any_answers
        else "<p>The save holds no answers: predictions are recorded when the match is played"
        " in lesson mode. Ask the teams what they expected, then compare.</p>"
    )
    return note + "".join(parts)


def _discussion_html(debrief: Debrief) -> str:
    questions = debrief.scenario.discussion
    if not questions:
        return "<p>This scenario lists no discussion questions.</p>"
    return "<ol>" + "".join(f"<li>{escape(q)}</li>" for q in questions) + "</ol>"


def _rules_html(debrief: Debrief) -> str:
    scenario = debrief.scenario
    mechanics = ", ".join(scenario.mechanics)
    parts = [f"<p>Mechanics switched on: {escape(mechanics)}.</p>"]
    if scenario.scripted_events:
        items = "".join(
            f"<li>{escape(debrief.played.opening.world.quarter_label(s.turn))}:"
            f" {escape(debrief.event_title(s.event))}</li>"
            for s in sorted(scenario.scripted_events, key=lambda s: s.turn)
        )
        parts.append(f"<p>Scripted events, the same for every team:</p><ul>{items}</ul>")
    injected = [(q.label, e) for q in debrief.replay.quarters for e in q.injected]
    if injected:
        items = "".join(
            f"<li>{escape(label)}: {escape(debrief.event_title(e))}</li>" for label, e in injected
        )
        parts.append(f"<p>Events the facilitator started live:</p><ul>{items}</ul>")
    if scenario.catch_up:
        given = catch_up_quarters(debrief)
        who = "".join(f"<li>{escape(label)}: {escape(team)}</li>" for label, team in given)
        # The engine's rule (game.engine.customers.catch_up_bonus): last in the scoring.
        last = (
            "that had created the least value so far (its enterprise value less its starting cash)"
            if scenario.victory.rule == "value_created"
            else "with the lowest enterprise value"
        )
        parts.append(
            '<div class="note"><strong>The catch-up rule was ON.</strong> Each quarter the team'
            f" {last} at the end of the quarter before got"
            f" +{CATCH_UP_APPEAL:g} appeal with customers (customers root for the underdog)."
            " Standings include its effect." + (f"<ul>{who}</ul>" if who else "") + "</div>"
        )
    else:
        parts.append("<p>The catch-up rule was off: no team got help for being behind.</p>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The command line


def folder_instead(folder: Path) -> str:
    """What to give ``capwars report`` instead of a folder: a report is of one game, so the
    games in it (a browser session's folder, ``saves/``, the class's result files) are named,
    the newest first, as commands to copy."""
    from game.arena.saves import save_files
    from game.classroom.results import games_in, shell_word

    played = set(games_in(folder))
    games = [path for _, path in save_files(folder, old=False) if path in played]
    if not games:  # a folder of folders (capwars serve --saves DIR), newest first
        found = [(path.stat().st_mtime_ns, path) for path in played]
        games = [path for _, path in sorted(found, reverse=True)]
    results = sorted(folder.glob("*.json"))
    files = [*games, *results]
    if not files:
        return (
            f"{folder} is a folder: a debrief is of one game; give its save (autosave-....jsonl)"
            " or its team's result file (.json)"
        )
    shown = "\n".join(f"  capwars report {shell_word(path)} --out debrief/" for path in files[:5])
    more = f"\n  ... and {len(files) - 5} more" if len(files) > 5 else ""
    return (
        f"{folder} is a folder: a debrief is of one game; give one of its"
        f" {'games (the newest first)' if games else 'result files'}:\n{shown}{more}"
    )


def cmd_report(args: argparse.Namespace) -> int:
    """``capwars report SAVE_OR_REPLAY --out DIR``."""
    from game.classroom.figures import NotReproduced
    from game.rules.loader import ContentError

    refused = output_problem(args.out, "--out", folder=True, example="debrief")
    if refused:
        print(f"capwars: error: {refused}", file=sys.stderr)
        return 2
    if Path(args.path).is_dir():
        print(f"capwars: error: {folder_instead(Path(args.path))}", file=sys.stderr)
        return 2
    try:
        content = replay_content(args.content, args.scenario)
        debrief = load_debrief(args.path, content)
        written = write_report(debrief, args.out)
    except NotReproduced as exc:  # the save does not verify
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 1
    except ReplayError as exc:
        print(f"capwars: error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        from game.classroom.results import print_content_error

        print_content_error(exc, args)
        noun = "problem" if len(exc.problems) == 1 else "problems"
        print(f"capwars: {len(exc.problems)} {noun} in the content", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"capwars: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"debrief of {debrief.scenario.name} (seed {debrief.played.opening.seed}) written:")
    for path in written:
        print(f"  {path}")
    return 0


def register_cli(subparsers: Any) -> None:
    """Add ``report`` to the ``capwars`` sub-command parsers."""
    report = subparsers.add_parser(
        "report",
        help="write a match's debrief: one HTML page with charts, and CSV files",
        description="Re-simulate a save or replay and write its debrief into DIR: report.html"
        " (self-contained: inline charts, no network) and players.csv, prices.csv,"
        " decisions.csv, supply.csv, predictions.csv.",
    )
    report.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content folder to use instead of the game's own",
    )
    report.add_argument(
        "path",
        metavar="SAVE_OR_REPLAY",
        help="a save or a replay (.jsonl[.gz]), or a team's result file from 'class export'",
    )
    report.add_argument(
        "--out", "-o", default="debrief", metavar="DIR", help="folder to write (default: debrief)"
    )
    report.add_argument(
        "--scenario",
        default=None,
        metavar="FILE",
        help="the scenario file the match was played with, if it was not in the content folder",
    )
    report.set_defaults(handler=cmd_report)
