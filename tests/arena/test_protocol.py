"""Protocol capwars/1: committed schemas are current, the wire models match real observations,
the codec rebuilds observations exactly, and the SDK keeps stdout for the protocol."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.arena.codec import observation_from_dict, observation_json
from game.arena.protocol import MESSAGES, message_schemas, schema_text
from game.arena.wire import ObservationWire
from game.engine.observation import observe
from game.engine.setup import new_match
from game.engine.step import step
from game.rules.loader import load_content
from game.sdk import Obj, run

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"


@pytest.fixture(scope="module")
def states():
    content = load_content()
    out = []
    for scenario in ("tutorial", "standard"):
        state = new_match(content, scenario, 4)
        out.append(state)
        for _ in range(3):
            state, _ = step(state, [[] for _ in range(state.n_players)])
            out.append(state)
    return out


def test_committed_schemas_are_current():
    schemas = message_schemas()
    assert set(MESSAGES) <= set(schemas)
    stale = [
        name
        for name, schema in schemas.items()
        if not (SCHEMAS / f"{name}.json").is_file()
        or (SCHEMAS / f"{name}.json").read_text(encoding="utf-8") != schema_text(schema)
    ]
    assert stale == [], f"regenerate with: python -m game.arena.protocol ({stale})"
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted(schemas)


def test_wire_model_describes_every_observation_field(states):
    # extra="forbid" on the wire models: a field the engine adds without a description fails.
    for state in states:
        for seat in range(state.n_players):
            ObservationWire.model_validate(observe(state, seat).to_dict())


def test_observation_json_is_the_engines_own_json(states):
    obs = observe(states[-1], 1)
    assert json.loads(observation_json(obs)) == obs.to_dict()


def test_codec_rebuilds_the_observation_exactly(states):
    for state in states:
        for seat in range(state.n_players):
            original = observe(state, seat)
            rebuilt = observation_from_dict(json.loads(observation_json(original)))
            assert rebuilt.to_dict() == original.to_dict()
            assert rebuilt.me.research == original.me.research
            assert rebuilt.me.holdings == original.me.holdings
            assert rebuilt.me.research_done.dtype == np.bool_


def _hello():
    return {
        "protocol": "capwars/1",
        "type": "hello",
        "seat": 0,
        "players": ["A", "B"],
        "scenario": "tutorial",
        "quarters": 8,
        "industry": "bank",
        "seed": 1,
        "rules": {
            "mechanics": [],
            "content_hash": "",
            "action_types": [],
            "max_actions_per_quarter": 64,
        },
        "limits": {},
    }


def test_sdk_light_bot_gets_attribute_access_and_may_return_dicts(states):
    obs = observe(states[1], 0).to_dict()
    seen = []

    class Light:
        def setup(self, hello):
            seen.append(hello.industry)

        def act(self, observation):
            seen.append((observation.me.cash, observation["providers"][0].id))
            return [{"type": "set_training_share", "share": 0.2}]

        def on_end(self, result):
            seen.append(result.rank)

    lines = [_hello(), {"type": "turn", "turn": 1, "observation": obs, "unknown": 1}]
    lines.append(
        {"type": "end", "seat": 0, "rank": 2, "score": 1.0, "status": "active", "standings": []}
    )
    stdin = io.BytesIO(b"".join(json.dumps(m).encode() + b"\n" for m in lines))
    stdout = io.BytesIO()
    run(Light, stdin=stdin, stdout=stdout)
    replies = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert replies[0]["type"] == "ready"
    assert replies[1] == {
        "type": "actions",
        "turn": 1,
        "actions": [{"type": "set_training_share", "share": 0.2}],
    }
    assert seen == ["bank", (obs["me"]["cash"], obs["providers"][0]["id"]), 2]
    assert isinstance(Obj({"a": {"b": 1}}).a, Obj)


def test_sdk_light_observation_names_a_misspelt_field():
    # "AttributeError: cahs" alone: the student had to print the object to find the name.
    me = Obj({"cash": 1.0, "debt": 0.0})
    with pytest.raises(AttributeError) as caught:
        _ = me.cahs
    assert (
        str(caught.value)
        == "no field 'cahs' (did you mean 'cash'?); the fields here are: cash, debt"
    )
    assert not hasattr(me, "missing") and getattr(me, "missing", 7) == 7


def test_sdk_runs_a_bot_given_as_an_instance_too(states):
    # run(MyBot()) died at start-up with "TypeError: 'MyBot' object is not callable".
    class Holder:
        def act(self, observation):
            return []

    obs = observe(states[1], 0).to_dict()
    lines = [_hello(), {"type": "turn", "turn": 1, "observation": obs}]
    stdin = io.BytesIO(b"".join(json.dumps(m).encode() + b"\n" for m in lines))
    stdout = io.BytesIO()
    run(Holder(), stdin=stdin, stdout=stdout)
    replies = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert replies == [
        {"type": "ready", "name": "Holder"},
        {"type": "actions", "turn": 1, "actions": []},
    ]


def test_sdk_sends_stray_prints_to_stderr(tmp_path):
    bot = tmp_path / "printer.py"
    bot.write_text(
        "import os\nfrom game.sdk import run\n"
        "class P:\n"
        "    def act(self, obs):\n"
        "        print('stray'); os.write(1, b'raw\\n'); return []\n"
        "run(P)\n",
        encoding="utf-8",
    )
    obs = {"turn": 0}
    feed = json.dumps(_hello()) + "\n" + json.dumps({"type": "turn", "turn": 0, "observation": obs})
    proc = subprocess.run(
        [sys.executable, str(bot)],
        input=feed + "\n" + json.dumps({"type": "end"}) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    replies = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["type"] for r in replies] == ["ready", "actions"]
    assert "stray" in proc.stderr and "raw" in proc.stderr


def test_bots_md_reference_is_current():
    from game.arena.protocol_doc import BOTS_MD, REASONS, render
    from game.engine.actions import Reason

    assert set(REASONS) == {r.value for r in Reason}
    text = BOTS_MD.read_text(encoding="utf-8")
    assert render(text) == text, "regenerate with: python -m game.arena.protocol_doc"


def test_bots_md_lists_every_variable_of_a_bot_s_environment():
    from game.arena.host import minimal_env

    doc = (Path(__file__).resolve().parents[2] / "docs" / "BOTS.md").read_text()
    section = doc.split("## The sandbox", 1)[1].split("### Resource limits", 1)[0]
    for name in minimal_env("/tmp/x"):
        assert f"`{name}" in section, name


def test_bots_md_names_the_leaderboard_columns_as_each_file_has_them():
    # It listed `rank` among the columns of both files; the JSON's rows have none (they are
    # in rank order), so a script reading row["rank"] failed.
    from game.arena.leaderboard import CSV_COLUMNS, build_leaderboard

    doc = (Path(__file__).resolve().parents[2] / "docs" / "BOTS.md").read_text()
    section = doc.split("`--csv` and `--json` write the same tables", 1)[1].split("###", 1)[0]
    for name in ("rank", *CSV_COLUMNS):
        assert f"`{name}`" in section, name
    record = {
        "match_id": "1",
        "scenario": "s",
        "seed": 0,
        "bots": ["a", "b"],
        "ranks": [1, 2],
        "statuses": ["active", "active"],
        "failures": [],
    }
    rows = build_leaderboard([record]).to_json()["rows"]
    assert "rank" not in rows[0] and set(rows[0]) == set(CSV_COLUMNS)
    assert "only the CSV has `rank`" in " ".join(section.split())
