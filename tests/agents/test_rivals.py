"""The rival roster: specs, each archetype's signature behaviour, determinism, no peeking."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.agents import make_bot
from game.agents.base import Bot, SetupInfo
from game.agents.registry import BotSpecError, known_specs
from game.agents.rivals import ARCHETYPES, LEVELS, RivalBot
from game.arena.match import run_match
from game.engine.observation import Observation, RivalView
from game.engine.report import QuarterReport
from game.engine.state import MatchState
from game.rules.loader import load_content
from game.rules.models import Content

SPECS = [f"{name}:{level}" for name in ARCHETYPES for level in LEVELS]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@dataclasses.dataclass
class Played:
    state: MatchState
    reports: list[QuarterReport]
    bots: list[Bot]
    announcements: list[tuple[int, int, str]]

    def applied(self, seat: int, kind: str) -> list[dict[str, Any]]:
        return [a for r in self.reports for a in r.applied[seat] if a["type"] == kind]

    def total(self, series: str, seat: int) -> float:
        return float(np.nansum(self.state.history[series][:, seat]))


def play(content: Content, specs: Sequence[str], seed: int = 1) -> Played:
    bots = [make_bot(s) for s in specs]
    reports: list[QuarterReport] = []
    announced: list[tuple[int, int, str]] = []

    def record(state: MatchState, report: QuarterReport) -> None:
        reports.append(report)
        announced.extend(a for a in state.announcements if a[0] == report.turn)

    outcome = run_match(content, "standard", seed, bots, on_quarter=record)
    assert not outcome.failures, outcome.failures
    return Played(outcome.state, reports, bots, announced)


# --------------------------------------------------------------------------- specs
def test_every_archetype_and_level_is_a_bot_spec() -> None:
    specs = known_specs()
    for spec in SPECS:
        assert spec in specs
        bot = make_bot(spec)
        assert isinstance(bot, RivalBot)
        assert bot.name == spec
    assert make_bot("hoarder").name == "hoarder:normal"


def test_unknown_rival_level_is_a_spec_error() -> None:
    with pytest.raises(BotSpecError, match="hoarder"):
        make_bot("hoarder:expert")


def test_archetypes_cover_the_roster_in_content(content: Content) -> None:
    archetypes = {r.archetype for r in content.rivals} - {"balanced"}
    assert archetypes <= set(ARCHETYPES)
    assert len(ARCHETYPES) >= 6


def test_personality_comes_from_the_company_name(content: Content) -> None:
    bot = make_bot("builder:normal")
    bot.setup(
        SetupInfo(
            seat=1,
            players=("A", "Northwind Motors", "C", "D"),
            scenario="standard",
            quarters=24,
            seed=5,
            industry="manufacturer",
        )
    )
    assert isinstance(bot, RivalBot)
    northwind = next(r for r in content.rivals if r.id == "northwind")
    assert bot.personality.patience == northwind.patience
    assert bot.personality.risk_appetite == northwind.risk_appetite


# --------------------------------------------------------------------------- signatures
def test_hoarder_holds_more_reserved_capacity_than_the_spot_trader(content: Content) -> None:
    for specs, hoarder, trader in (
        (["hoarder", "spot_trader", "hedger", "builder"], 0, 1),
        (["spot_trader", "hoarder", "hedger", "builder"], 1, 0),
    ):
        played = play(content, specs)
        assert played.total("reserved", hoarder) > 2 * played.total("reserved", trader)
        early = [
            a for r in played.reports[:12] for a in r.applied[hoarder] if a["type"] == "reserve"
        ]
        long_ = sum(a["quantity"] for a in early if a["term"] == 12)
        assert long_ > 0.5 * sum(a["quantity"] for a in early)
        assert played.total("spot", trader) > played.total("spot", hoarder)


def test_builder_owns_more_capacity_than_anyone(content: Content) -> None:
    played = play(content, ["hedger", "builder", "spot_trader", "hoarder"], seed=2)
    owned = [played.total("owned", seat) for seat in range(4)]
    assert owned[1] == max(owned) and owned[1] > 0
    assert played.applied(1, "build_datacenter")
    assert any(a["tech"] == "custom_g1" for a in played.applied(1, "fund_research"))


def test_hedger_spreads_across_more_providers_and_terms(content: Content) -> None:
    played = play(content, ["hedger", "hoarder", "bullwhip", "fast_follower"], seed=3)

    def spread(seat: int) -> tuple[int, int]:
        deals = played.applied(seat, "reserve")
        return len({a["provider"] for a in deals}), len({a["term"] for a in deals})

    hedger = spread(0)
    assert hedger[1] == 3
    for seat in (1, 2, 3):
        other = spread(seat)
        assert hedger[0] >= other[0] and hedger[1] >= other[1]
        assert hedger != other


def test_bullwhip_over_orders_after_a_shortage(content: Content) -> None:
    after, otherwise = [], []
    for seed in (0, 1, 2):
        played = play(content, ["bullwhip", "hedger", "builder", "hoarder"], seed=seed)
        rows = []
        for report in played.reports:
            p = report.players[0]
            ordered = sum(a["quantity"] for a in report.applied[0] if a["type"] == "reserve")
            rows.append((p.demand, p.served, ordered))
        for (demand, served, _), (now_demand, _, ordered) in itertools.pairwise(rows):
            ratio = ordered / now_demand
            (after if served < 0.97 * demand else otherwise).append(ratio)
    assert after, "the bullwhip should meet at least one shortage in three matches"
    assert np.mean(after) > 2.5 * np.mean(otherwise)


def test_fast_follower_copies_the_leaders_public_move(content: Content) -> None:
    # The start-up seat leads the market; a hoarder there announces large reserved deals.
    played = play(content, ["fast_follower", "builder", "hedger", "hoarder"], seed=4)
    follower = played.bots[0]
    assert isinstance(follower, RivalBot)
    copied = getattr(follower, "copied_moves", [])
    assert copied, "the follower never copied the leader"
    for turn, text in copied:
        # The move was public (someone else announced it) before the follower made it.
        assert any(t < turn and seat != 0 and x == text for t, seat, x in played.announcements)
        made = [a for r in played.reports if r.turn == turn for a in r.applied[0]]
        if "reserved deal" in text:
            provider = {p.name: p.id for p in content.providers}[text.rsplit(" with ", 1)[1]]
            assert any(a["type"] == "reserve" and a["provider"] == provider for a in made)
        else:
            assert any(a["type"] == "build_datacenter" for a in made)


def test_public_moves_of_hoarder_and_builder_are_announced(content: Content) -> None:
    played = play(content, ["hoarder", "builder", "hedger", "spot_trader"], seed=1)
    texts = {seat: [t for _, s, t in played.announcements if s == seat] for seat in (0, 1)}
    assert any("reserved deal" in t for t in texts[0])
    assert any("data centre" in t for t in texts[1])


# --------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("group", [SPECS[i : i + 4] for i in range(0, len(SPECS), 4)])
def test_every_rival_is_deterministic_given_its_seat_seed(
    content: Content, group: list[str]
) -> None:
    specs = (group + ["hedger:normal"] * 4)[:4]
    first = play(content, specs, seed=7)
    second = play(content, specs, seed=7)
    assert first.state.last_hash == second.state.last_hash
    assert [r.applied for r in first.reports] == [r.applied for r in second.reports]


# --------------------------------------------------------------------------- hidden state
class Recording(Bot):
    """Passes observations to a rival and keeps a copy of each (and checks what it is given)."""

    def __init__(self, inner: RivalBot) -> None:
        self.inner = inner
        self.name = inner.name
        self.seen: list[Observation] = []
        self.actions: list[list[Any]] = []

    def setup(self, info: SetupInfo) -> None:
        self.info = info
        self.inner.setup(info)

    def act(self, observation: Observation) -> list[Any]:
        assert type(observation) is Observation
        self.seen.append(observation)
        actions = self.inner.act(observation)
        self.actions.append([a.model_dump() for a in actions])
        return actions


PUBLIC_RIVAL_FIELDS = {
    "seat",
    "name",
    "industry",
    "status",
    "market_share",
    "reputation",
    "quality_tier",
    "service_price",
    "announcements",
}


def _no_state_inside(value: Any, depth: int = 0) -> None:
    assert not isinstance(value, MatchState)
    if depth > 4:
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _no_state_inside(getattr(value, f.name), depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _no_state_inside(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value[:50]:
            _no_state_inside(item, depth + 1)


def test_rivals_act_on_the_observation_alone(content: Content) -> None:
    for cls in ARCHETYPES.values():
        params = list(inspect.signature(cls.act).parameters)
        assert params == ["self", "observation"]
    assert {f.name for f in dataclasses.fields(RivalView)} == PUBLIC_RIVAL_FIELDS

    recorders = [Recording(make_bot(s)) for s in ("hoarder:hard", "builder:hard", "hedger:easy")]  # type: ignore[arg-type]
    recorders.append(Recording(make_bot("fast_follower:hard")))  # type: ignore[arg-type]
    run_match(content, "standard", 11, recorders)
    for rec in recorders:
        for obs in rec.seen[:3]:
            _no_state_inside(obs)
        # Replaying the same observations to a fresh bot with the same seat seed gives the same
        # actions, long after the match state is gone: nothing else was read.
        fresh = make_bot(rec.name)
        fresh.setup(rec.info)
        replayed = [[a.model_dump() for a in fresh.act(obs)] for obs in rec.seen]
        assert replayed == rec.actions


def test_rival_code_never_touches_engine_state() -> None:
    package = Path(__file__).resolve().parents[2] / "game" / "agents" / "rivals"
    forbidden = (
        "MatchState",
        "game.engine.state",
        "observation._cache",
        "import gc",
        "observe(",
        "step(",
    )
    for path in package.glob("*.py"):
        text = path.read_text()
        for word in forbidden:
            assert word not in text, f"{path.name} mentions {word}"


# --------------------------------------------------------------------------- smoke balance
def test_balance_smoke(content: Content) -> None:
    from game.arena.balance import Task, summarise
    from game.arena.balance import play as play_task

    tasks = [
        Task("mixed", 1, ("hoarder:normal", "builder:normal", "bullwhip:normal", "hedger:normal")),
        Task(
            "mixed",
            2,
            ("spot_trader:normal", "fast_follower:normal", "hoarder:normal", "builder:normal"),
        ),
        Task("baseline", 3, ("idle", "hedger:normal", "builder:normal", "hoarder:normal"), "idle"),
        Task(
            "baseline",
            4,
            ("hedger:normal", "random", "spot_trader:normal", "bullwhip:normal"),
            "random",
        ),
        Task(
            "ladder",
            5,
            ("hedger:hard", "hedger:normal", "builder:normal", "hoarder:normal"),
            "hedger:hard>normal:0:1",
        ),
    ]
    results = [play_task(t) for t in tasks]
    summary = summarise(results)
    assert summary["baseline_last"] == {"idle": 1.0, "random": 1.0}
    for row in summary["archetypes"].values():
        assert row["bankrupt_rate"] == 0.0 or math.isnan(row["bankrupt_rate"])
    assert summary["think_ms"]["normal"]["median"] < 5.0
    assert summary["think_ms"]["hard"]["median"] < 1000.0


def test_match_passes_the_seats_rival_personality(content: Content) -> None:
    from game.arena.match import setup_info
    from game.engine.setup import new_match

    state = new_match(content, "standard", 1)
    northwind = next(r for r in content.rivals if r.id == "northwind")
    info = setup_info(state, 1)
    assert info.rules["rival"] == {
        "name": northwind.name,
        "archetype": northwind.archetype,
        "risk_appetite": northwind.risk_appetite,
        "patience": northwind.patience,
    }
    builder, hedger = make_bot("builder:normal"), make_bot("hedger:normal")
    builder.setup(info)
    hedger.setup(info)
    assert isinstance(builder, RivalBot) and isinstance(hedger, RivalBot)
    assert builder.personality.patience == northwind.patience
    # Another archetype in that seat keeps the neutral personality.
    assert hedger.personality.patience == 0.5 and hedger.personality.name == northwind.name
