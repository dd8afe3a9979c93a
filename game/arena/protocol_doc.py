"""The generated part of ``docs/BOTS.md``: field tables for the observation, the actions, the
reason codes and the limits, built from the models themselves so the docs cannot drift.

``python -m game.arena.protocol_doc`` rewrites the section between the markers in BOTS.md; a test
fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from game.arena import wire
from game.arena.protocol import Limits, SeatStatus
from game.engine import actions as engine_actions

START = "<!-- generated:start (python -m game.arena.protocol_doc) -->"
END = "<!-- generated:end -->"
BOTS_MD = Path(__file__).resolve().parents[2] / "docs" / "BOTS.md"

REASONS = {
    "malformed": "The item is not a valid action (unknown type, missing or bad field).",
    "too_many_actions": "More actions than `max_actions_per_quarter` in one quarter.",
    "eliminated": "Your enterprise is out of the game (bankrupt).",
    "mechanic_disabled": "This scenario has that mechanic switched off (see `mechanics`).",
    "unknown_provider": "No provider with that id.",
    "unknown_region": "No region with that id.",
    "unknown_sku": "No chip SKU with that id.",
    "unknown_tech": "No technology with that id.",
    "not_available_yet": "The chip is not on sale yet (`available` is false).",
    "locked": "A custom chip whose research is not done.",
    "prerequisite_missing": "A prerequisite technology is not done.",
    "already_done": "The technology is already researched.",
    "sovereignty": "Your industry may use only sovereign providers and regions.",
    "export_banned": "Export-controlled chips cannot go to that region now.",
    "insufficient_funds": "Not enough cash and credit to pay for it.",
    "credit_limit": "Borrowing past your credit limit.",
    "nothing_to_repay": "You have no debt.",
    "no_reserved_capacity": "Subleasing more reserved capacity than you hold this quarter.",
    "below_floor": "A spot bid below the provider's spot floor.",
    "duplicate": "`set_service_price` or `set_training_share` given twice in one quarter.",
    "no_fabric": "No network gear ships to that region.",
}
"""One sentence per :class:`~game.engine.actions.Reason` code (a test checks all are here)."""


def _type_name(annotation: Any) -> str:
    text = repr(annotation) if not isinstance(annotation, type) else annotation.__name__
    for prefix in ("typing.", "game.arena.wire.", "Annotated["):
        text = text.replace(prefix, "")
    text = text.replace("Wire", "").replace("NoneType", "null")
    return text.replace(" | ", " or ")  # a bare | would split the Markdown table cell


def _model_table(model: type[BaseModel]) -> list[str]:
    lines = [f"**{model.__name__.removesuffix('Wire')}**: {(model.__doc__ or '').strip()}", ""]
    lines += ["| field | type | meaning |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        kind = _type_name(field.annotation)
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | `{kind}` | {meaning} |")
    return [*lines, ""]


def _action_table() -> list[str]:
    lines = ["| type | field | type | limits | meaning |", "|---|---|---|---|---|"]
    union = get_args(get_args(engine_actions.Action)[0])
    for model in union:
        kind = model.model_fields["type"].default
        lines.append(f"| **`{kind}`** | | | | {(model.__doc__ or '').strip()} |")
        for name, field in model.model_fields.items():
            if name == "type":
                continue
            limits = ", ".join(
                f"{k} {getattr(m, k)}"
                for m in field.metadata
                for k in ("gt", "ge", "lt", "le")
                if getattr(m, k, None) is not None
            )
            annotation = _type_name(field.annotation).replace("Literal", "one of ")
            lines.append(f"| | `{name}` | `{annotation}` | {limits} | {field.description or ''} |")
    return lines


def generated_section() -> str:
    """The Markdown between the markers in BOTS.md."""
    out = ["### Observation fields", ""]
    for model in (
        wire.ObservationWire,
        wire.SelfWire,
        wire.LastQuarterWire,
        wire.HoldingsWire,
        wire.TechWire,
        wire.ProviderWire,
        wire.ChipWire,
        wire.RegionWire,
        wire.RivalWire,
        wire.NewsWire,
    ):
        out += _model_table(model)
    out += ["### Actions", ""]
    out += [
        f"At most {engine_actions.MAX_ACTIONS_PER_QUARTER} actions per quarter. Numbers are"
        ' JSON numbers: a quoted number (`"4"`), `true` or `false`, `NaN` and infinities are'
        " rejected as `malformed`, and so is a field an action does not have (a misspelt"
        " field is reported as the missing field plus the unknown one).",
        "",
    ]
    out += [*_action_table(), ""]
    out += ["### Reason codes (rejected actions)", "", "| code | meaning |", "|---|---|"]
    out += [f"| `{code.value}` | {REASONS[code.value]} |" for code in engine_actions.Reason]
    out += ["", "### Seat statuses", "", "| status | meaning |", "|---|---|"]
    out += [f"| `{s.value}` | {_status_doc(s)} |" for s in SeatStatus]
    out += ["", "### Limits (defaults; sent in `hello.limits`)", ""]
    out += ["| limit | default | meaning |", "|---|---|---|"]
    for name, field in Limits.model_fields.items():
        out.append(f"| `{name}` | {field.default} | {field.description} |")
    return "\n".join(out) + "\n"


_STATUS_DOCS = {
    SeatStatus.OK: "Played every quarter by the rules.",
    SeatStatus.INVALID: "Sent a malformed message: not UTF-8, not JSON, not an object, wrong"
    " `type`, a bad field, a wrong turn echo, or a line over `max_line_bytes`.",
    SeatStatus.TIMEOUT: "Did not answer a turn within `turn_seconds` plus what was left of the"
    " time bank.",
    SeatStatus.ERROR: "Could not start, exited or crashed, closed its stdout before the"
    " match ended, did not send `ready` within `init_seconds`, or was killed by a resource"
    " limit.",
}


def _status_doc(status: SeatStatus) -> str:
    return _STATUS_DOCS[status]


def render(text: str) -> str:
    """``text`` (BOTS.md) with its generated section replaced."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{generated_section()}\n{END}{tail}"


if __name__ == "__main__":
    BOTS_MD.write_text(render(BOTS_MD.read_text(encoding="utf-8")), encoding="utf-8")
    print(BOTS_MD, file=sys.stderr)
