"""Protocol ``capwars/1``: the JSON-lines conversation between the host and an external bot.

One JSON object per line, UTF-8, ``\\n``-terminated. The host writes to the bot's stdin and reads
its stdout; stderr is the bot's log (the host keeps its tail)::

    host → bot   {"protocol": "capwars/1", "type": "hello", "seat": 0, ...}
    bot  → host  {"type": "ready"}
    host → bot   {"protocol": "capwars/1", "type": "turn", "turn": 0, "observation": {...}, ...}
    bot  → host  {"type": "actions", "turn": 0, "actions": [{"type": "bid_spot", ...}]}
    ...                                                       (one turn per quarter)
    host → bot   {"protocol": "capwars/1", "type": "end", "rank": 1, ...}

Unknown fields are ignored on both sides, so later minor versions can add fields. A seat that
breaks the protocol is eliminated with a :class:`SeatStatus`; a malformed *action* only costs
that action (it is rejected with the ``malformed`` code and reported in the next observation).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from game.arena.wire import ObservationWire

PROTOCOL: Literal["capwars/1"] = "capwars/1"
"""The protocol name and major version every host message carries."""


class SeatStatus(StrEnum):
    """How a seat's bot finished the match. Anything but ``ok`` eliminates the seat."""

    OK = "ok"
    """Played every quarter by the rules."""
    INVALID = "invalid"
    """Sent a malformed message: not JSON, not UTF-8, wrong type, wrong turn echo, oversize line."""
    TIMEOUT = "timeout"
    """Answered a turn after its per-turn time plus what was left of its time bank."""
    ERROR = "error"
    """Crashed, exited, never sent ``ready`` in time, or was killed by a resource limit."""


class Limits(BaseModel):
    """What a bot may use. Times are wall-clock seconds measured by the host."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    init_seconds: float = Field(10.0, gt=0, description="From start until `ready` must arrive.")
    turn_seconds: float = Field(1.0, gt=0, description="Per-turn time before the bank is used.")
    bank_seconds: float = Field(
        10.0, ge=0, description="Extra time for the whole match, spent by turns that overrun."
    )
    max_line_bytes: int = Field(
        256 * 1024, gt=0, description="Longest line a bot may send, newline excluded."
    )
    memory_mb: int = Field(1024, gt=0, description="Address-space limit (RLIMIT_AS), MiB.")
    cpu_seconds: int = Field(300, gt=0, description="CPU time for the whole match (RLIMIT_CPU).")
    max_open_files: int = Field(256, gt=0, description="Open file descriptors (RLIMIT_NOFILE).")
    max_file_mb: int = Field(64, gt=0, description="Largest file the bot may write (RLIMIT_FSIZE).")
    max_processes: int = Field(
        64,
        gt=0,
        description="Processes and threads the bot may have at once (RLIMIT_NPROC in its"
        " user namespace; counted by the sandbox where the bot runs as root).",
    )
    end_seconds: float = Field(1.0, ge=0, description="Grace time to exit after `end`.")
    stderr_tail_bytes: int = Field(4096, gt=0, description="How much of stderr the host keeps.")


class _HostMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    protocol: Literal["capwars/1"] = PROTOCOL


class _BotMessage(BaseModel):
    # Bots may add any fields (a name, debug data): they are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")


class RivalInfo(BaseModel):
    """The named rival company the scenario gives a seat (its entry in `content/rivals.toml`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(description="The rival company's name (the seat's own name may differ).")
    archetype: str = Field(description="Its archetype: hoarder, hedger, ... (docs/RIVALS.md).")
    risk_appetite: float = Field(description="0-1; high: borrows, builds bigger, bets on research.")
    patience: float = Field(description="0-1; high: longer contracts and builds over spot buying.")


class RulesSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    mechanics: list[str] = Field(description="Mechanics switched on; other actions are rejected.")
    content_hash: str = Field(description="Hash of the game content (providers, chips, ...).")
    action_types: list[str] = Field(description="Every action type the engine knows.")
    max_actions_per_quarter: int
    rival: RivalInfo | None = Field(
        None,
        description=(
            "Only when the scenario gives your seat a named rival: its personality, as an"
            " in-process bot gets it in SetupInfo.rules['rival'] (the built-in rivals play it)."
        ),
    )


class Hello(_HostMessage):
    """Host → bot, once, first: who you are and the limits. Answer with :class:`Ready`."""

    type: Literal["hello"] = "hello"
    seat: int = Field(description="Your seat, 0-based; observations use it as `seat`.")
    players: list[str] = Field(description="Every seat's enterprise name, in seat order.")
    scenario: str
    quarters: int = Field(description="Quarters in the match (turns 0 .. quarters-1).")
    industry: str = Field(description="Your industry id (bank, hospital, startup, ...).")
    seed: int = Field(description="Your seat's own random seed: seed your RNG with it.")
    rules: RulesSummary
    limits: Limits


class Ready(_BotMessage):
    """Bot → host, answering :class:`Hello` within ``limits.init_seconds``."""

    type: Literal["ready"]
    name: str | None = Field(None, description="Optional display name of the bot.")


class TimeLeft(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    turn_seconds: float = Field(description="This turn's own allowance.")
    bank_seconds: float = Field(description="What is left of the time bank.")


class Turn(_HostMessage):
    """Host → bot, once per quarter. Answer with :class:`Actions` echoing ``turn``."""

    type: Literal["turn"] = "turn"
    turn: int
    observation: ObservationWire
    time: TimeLeft


class Actions(_BotMessage):
    """Bot → host: this quarter's actions (an empty list holds)."""

    type: Literal["actions"]
    turn: StrictInt = Field(description="The turn number of the `turn` message answered.")
    actions: list[Any] = Field(
        description="Actions; malformed or illegal ones are rejected one by one with a code."
    )
    error: StrictStr | None = Field(
        default=None,
        description=(
            "Optional: the bot's own failure this turn, in one line (e.g. an exception it"
            " caught and answered with no actions). The host records it as this quarter's"
            " failure, in the replay and in tournament results, and the seat plays on; the"
            " Python SDK sends it when `act` raises."
        ),
    )


class StandingEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    seat: int
    name: str
    rank: int
    score: float
    status: str


class End(_HostMessage):
    """Host → bot, last: the result. The bot should exit; it is killed after ``end_seconds``."""

    type: Literal["end"] = "end"
    seat: int
    rank: int
    score: float
    status: str = Field(description="`active`, `bankrupt` or `eliminated`.")
    standings: list[StandingEntry]


MESSAGES: dict[str, type[BaseModel]] = {
    "hello": Hello,
    "ready": Ready,
    "turn": Turn,
    "actions": Actions,
    "end": End,
}
"""Every message of the protocol by its ``type``."""


def message_schemas() -> dict[str, dict[str, Any]]:
    """JSON schemas of every message plus ``action`` and ``observation``, by file stem."""
    from game.engine.actions import ACTION_ADAPTER

    schemas: dict[str, dict[str, Any]] = {}
    for name, model in MESSAGES.items():
        schema = _open(model.model_json_schema())
        schema["$id"] = f"{name}.json"
        if name == "actions":
            # Items are checked one by one by the engine (a bad one is rejected, not the message).
            schema["properties"]["actions"]["items"] = {"$ref": "action.json"}
        schemas[name] = schema
    action = ACTION_ADAPTER.json_schema()
    action["$id"] = "action.json"
    action["title"] = "Action"
    schemas["action"] = action
    observation = _open(ObservationWire.model_json_schema())
    observation["$id"] = "observation.json"
    schemas["observation"] = observation
    return schemas


def _open(schema: Any) -> Any:
    """``schema`` without ``"additionalProperties": false``: what the host sends may gain
    fields in a later version and a bot must ignore them, so a bot that validates with these
    schemas must not refuse them. (The wire models forbid extras so that our own tests notice
    any drift between them and the engine; actions, which the host checks, stay closed.)"""
    if isinstance(schema, dict):
        return {
            k: _open(v)
            for k, v in schema.items()
            if not (k == "additionalProperties" and v is False)
        }
    if isinstance(schema, list):
        return [_open(v) for v in schema]
    return schema


def schema_text(schema: dict[str, Any]) -> str:
    """The committed form of a schema file."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema as ``folder/NAME.json`` (``python -m game.arena.protocol`` does this)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in message_schemas().items():
        path = folder / f"{name}.json"
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(__file__).resolve().parents[2] / "docs" / "schemas"):
        print(path)
