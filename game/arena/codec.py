"""Observations on the wire: encode one for a ``turn`` message, rebuild one from it.

:func:`observation_json` gives the bytes of :meth:`Observation.to_dict` as compact JSON;
:func:`observation_from_dict` turns that JSON form back into the engine's
:class:`~game.engine.observation.Observation` (arrays, tuples, ``NaN`` for ``null``), so a Python
bot hosted as a subprocess sees exactly what it would see in-process and plays the same moves.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from game.engine.observation import (
    ChipView,
    Observation,
    ProviderView,
    RegionView,
    RivalView,
    SelfView,
)
from game.engine.state import NewsItem


def observation_json(observation: Observation) -> bytes:
    """The observation as one line of compact JSON (no newline)."""
    return json.dumps(observation.to_dict(), separators=(",", ":")).encode()


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def _floats(values: Any) -> np.ndarray:
    array = np.asarray([math.nan if v is None else v for v in values], dtype=np.float64)
    array.setflags(write=False)
    return array


def _grid(rows: Any, width: int) -> np.ndarray:
    array = np.asarray(rows, dtype=np.float64).reshape(len(rows), width if rows else 0)
    array.setflags(write=False)
    return array


def _ints(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.int64)
    array.setflags(write=False)
    return array


def _bools(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=bool)
    array.setflags(write=False)
    return array


def observation_from_dict(data: dict[str, Any]) -> Observation:
    """Rebuild the engine's observation from its JSON form (the ``observation`` of a turn)."""
    me = data["me"]
    research = me["research"]
    n_tech = len(research)
    arriving = me["chips_arriving"]
    width = len(arriving[0]) if arriving else 0
    self_view = SelfView(
        seat=me["seat"],
        name=me["name"],
        industry=me["industry"],
        status=me["status"],
        cash=_num(me["cash"]),
        debt=_num(me["debt"]),
        credit_limit=_num(me["credit_limit"]),
        reputation=_num(me["reputation"]),
        quality=_num(me["quality"]),
        service_price=_num(me["service_price"]),
        training_share=_num(me["training_share"]),
        reserved_schedule={k: _floats(v) for k, v in me["reserved_schedule"].items()},
        reserved_payments=_floats(me["reserved_payments"]),
        region_ids=tuple(me["region_ids"]),
        chips_perf=_floats(me["chips_perf"]),
        fabric_units=_floats(me["fabric_units"]),
        datacenter_mw=_floats(me["datacenter_mw"]),
        grid_mw=_floats(me["grid_mw"]),
        queued_mw=_floats(me["queued_mw"]),
        # (absent from a host older than the field: 0, "nothing queued", for every region)
        grid_ready_quarters=_ints(me.get("grid_ready_quarters", [0] * len(me["queued_mw"]))),
        chips_arriving=_grid(arriving, width),
        fabric_arriving=_grid(me["fabric_arriving"], width),
        datacenter_arriving=_grid(me["datacenter_arriving"], width),
        tech_ids=tuple(me["tech_ids"]),
        research_spent=_floats(me["research_spent"]),
        research_funding=_floats(me["research_funding"]),
        research_done=_bools(me["research_done"]),
        research_slipped=_bools(me["research_slipped"]),
        last={k: _num(v) for k, v in me["last"].items()},
        sovereign_only=bool(me["sovereign_only"]),
        # The wire carries research costs with any slip already added: no extra on top.
        _tech_static=tuple(
            (
                t["id"],
                t["name"],
                float(t["cost"]),
                # (absent from a host older than the field: the cost, no event known to change it)
                float(t.get("base_cost", t["cost"])),
                int(t["min_quarters"]),
                tuple(t["prerequisites"]),
                float(t["slip_risk"]),
            )
            for t in research
        ),
        _tech_extra=(
            np.zeros(n_tech),
            np.zeros(n_tech, dtype=np.int64),
            np.asarray([t["quarters_funded"] for t in research], dtype=np.int64),
        ),
    )
    return Observation(
        turn=data["turn"],
        quarters=data["quarters"],
        label=data["label"],
        seat=data["seat"],
        scenario=data["scenario"],
        mechanics=tuple(data["mechanics"]),
        me=self_view,
        providers=tuple(
            ProviderView(
                **{**p, "reserved_price": {int(k): v for k, v in p["reserved_price"].items()}}
            )
            for p in data["providers"]
        ),
        chips=tuple(ChipView(**c) for c in data["chips"]),
        regions=tuple(
            RegionView(**{**r, "fabric_price": _num(r["fabric_price"])}) for r in data["regions"]
        ),
        rivals=tuple(
            RivalView(
                **{
                    **r,
                    "market_share": _num(r["market_share"]),
                    "announcements": tuple(r["announcements"]),
                }
            )
            for r in data["rivals"]
        ),
        market_demand=_num(data["market_demand"]),
        # (a host older than the field does not send it)
        interest_rate=_num(data.get("interest_rate")),
        spot_history={k: tuple(_num(x) for x in v) for k, v in data["spot_history"].items()},
        news=tuple(
            NewsItem(
                turn=n["turn"],
                category=n["category"],
                headline=n["headline"],
                text=n["explain"],
                event=n["event"],
                seat=n["seat"],
            )
            for n in data["news"]
        ),
        rejected=tuple(tuple(r) for r in data["rejected"]),
    )
