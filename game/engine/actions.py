"""Actions: what a player may do in a quarter (DESIGN §5).

An action is a pydantic model tagged by ``type``; the same shape travels in Python, in JSON over
the bot protocol, in saves and in replays::

    >>> from game.engine.actions import parse_action
    >>> parse_action({"type": "bid_spot", "provider": "stratus", "quantity": 4, "max_price": 9})
    BidSpot(type='bid_spot', provider='stratus', quantity=4.0, max_price=9.0)

Rejections carry a stable :class:`Reason` code that bots can switch on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

MAX_ACTIONS_PER_QUARTER = 64
"""More actions than this in one quarter are rejected (``too_many_actions``)."""


Quantity = Annotated[float, Field(gt=0, le=100_000)]
Money = Annotated[float, Field(gt=0, le=1_000_000)]


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class BidSpot(_Action):
    """Bid for spot capacity this quarter in the provider's uniform-price auction."""

    type: Literal["bid_spot"] = "bid_spot"
    provider: str
    quantity: Quantity = Field(description="kGPU wanted this quarter.")
    max_price: Money = Field(description="Highest price per kGPU-quarter you accept, $M.")


class Reserve(_Action):
    """Ask for a take-or-pay reserved contract; price locked at signing."""

    type: Literal["reserve"] = "reserve"
    provider: str
    quantity: Quantity
    term: Literal[4, 8, 12] = Field(description="Quarters the contract runs.")


class OrderChips(_Action):
    """Buy accelerators for a region; paid now, they arrive after the vendor's lead time."""

    type: Literal["order_chips"] = "order_chips"
    sku: str
    quantity: Quantity = Field(description="Thousands of units.")
    region: str


class OrderNetwork(_Action):
    """Buy network fabric units for a region; paid now, arrive after the gear's lead time."""

    type: Literal["order_network"] = "order_network"
    region: str
    quantity: Quantity = Field(description="Fabric units.")


class BuildDatacenter(_Action):
    """Start building a data centre; it joins the region's grid-connection queue."""

    type: Literal["build_datacenter"] = "build_datacenter"
    region: str
    megawatts: Annotated[float, Field(ge=5, le=2_000)]


class FundResearch(_Action):
    """Set the quarterly funding of a research programme (0 pauses it)."""

    type: Literal["fund_research"] = "fund_research"
    tech: str
    amount: Annotated[float, Field(ge=0, le=100_000)] = Field(description="$M per quarter.")


class SetServicePrice(_Action):
    """Set the price customers pay per kGPU-quarter served."""

    type: Literal["set_service_price"] = "set_service_price"
    price: Annotated[float, Field(gt=0, le=1_000)]


class SetTrainingShare(_Action):
    """Set the share of capacity spent on training models (quality) instead of serving."""

    type: Literal["set_training_share"] = "set_training_share"
    share: Annotated[float, Field(ge=0.0, le=0.8)]


class Sublease(_Action):
    """Resell part of this quarter's reserved capacity into the provider's spot market."""

    type: Literal["sublease"] = "sublease"
    provider: str
    quantity: Quantity


class Borrow(_Action):
    """Draw on the credit line."""

    type: Literal["borrow"] = "borrow"
    amount: Money


class Repay(_Action):
    """Pay back debt."""

    type: Literal["repay"] = "repay"
    amount: Money


Action = Annotated[
    BidSpot
    | Reserve
    | OrderChips
    | OrderNetwork
    | BuildDatacenter
    | FundResearch
    | SetServicePrice
    | SetTrainingShare
    | Sublease
    | Borrow
    | Repay,
    Field(discriminator="type"),
]

ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
_NUMBER_FIELDS: dict[str, tuple[str, ...]] = {
    model.model_fields["type"].default: tuple(
        name for name, info in model.model_fields.items() if info.annotation is float
    )
    for model in get_args(get_args(Action)[0])
}
"""Each action type's number fields (see :func:`_quoted_number`)."""
ACTION_TYPES: tuple[str, ...] = (
    "bid_spot",
    "reserve",
    "order_chips",
    "order_network",
    "build_datacenter",
    "fund_research",
    "set_service_price",
    "set_training_share",
    "sublease",
    "borrow",
    "repay",
)

MECHANIC_OF: dict[str, str] = {
    "bid_spot": "spot",
    "reserve": "reserved",
    "order_chips": "chips",
    "order_network": "network",
    "build_datacenter": "datacenters",
    "fund_research": "research",
    "set_service_price": "service_price",
    "set_training_share": "training",
    "sublease": "sublease",
    "borrow": "borrowing",
    "repay": "borrowing",
}
"""The scenario mechanic each action type needs switched on."""


class Reason(StrEnum):
    """Stable codes for rejected actions; bots may switch on them."""

    MALFORMED = "malformed"
    TOO_MANY_ACTIONS = "too_many_actions"
    ELIMINATED = "eliminated"
    MECHANIC_DISABLED = "mechanic_disabled"
    UNKNOWN_PROVIDER = "unknown_provider"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_SKU = "unknown_sku"
    UNKNOWN_TECH = "unknown_tech"
    NOT_AVAILABLE_YET = "not_available_yet"
    LOCKED = "locked"
    PREREQUISITE_MISSING = "prerequisite_missing"
    ALREADY_DONE = "already_done"
    SOVEREIGNTY = "sovereignty"
    EXPORT_BANNED = "export_banned"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    CREDIT_LIMIT = "credit_limit"
    NOTHING_TO_REPAY = "nothing_to_repay"
    NO_RESERVED_CAPACITY = "no_reserved_capacity"
    BELOW_FLOOR = "below_floor"
    DUPLICATE = "duplicate"
    NO_FABRIC = "no_fabric"


class IllegalActionError(ValueError):
    """Raised by strict helpers when an action is not legal; carries the stable code."""

    def __init__(self, code: Reason, message: str):
        self.code = code
        super().__init__(f"{code}: {message}")


def parse_action(data: Any) -> Action:
    """Validate a dict (or JSON-decoded object) into an action; raises ``ValidationError``."""
    return ACTION_ADAPTER.validate_python(data)


def _quoted_number(item: dict[Any, Any]) -> str | None:
    """The problem with a JSON action whose number field holds a string or a boolean.

    pydantic's lax mode would read ``"4"`` as 4.0 and ``true`` as 1.0, so a bot's quoted number
    would play instead of being reported; docs/BOTS.md says numbers are JSON numbers. (Checked
    here, on dicts, rather than by a validator on the models: that would cost every action a
    Python call.)"""
    kind = item.get("type")
    for name in _NUMBER_FIELDS.get(kind, ()) if isinstance(kind, str) else ():
        value = item.get(name)
        if isinstance(value, str) and value in _NOT_FINITE:
            return f"{kind}.{name}: must be a finite number, not {value}"
        if isinstance(value, str | bytes | bool):
            what = "true or false" if isinstance(value, bool) else 'a string (write 4, not "4")'
            return f"{kind}.{name}: must be a number, not {what}"
    return None


def not_finite_record(value: float) -> str:
    """How the engine records a NaN or an infinite number a bot sent (a numpy one too): JSON-safe,
    in JavaScript's and JSON parsers' own words; reported as not finite, not as a quoted number.
    Not its repr: files written before this message recorded those as "nan", "inf" and "-inf",
    which re-run as the quoted numbers they were reported as then (the message is hashed state).
    """
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


_NOT_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})

NOT_AN_OBJECT = "not_an_object"
"""The key under which the engine records, as JSON text, an item that is not an object at all
(``"bid_spot"``, ``5``, ``null``): ``{"type": "unknown", "not_an_object": "\"bid_spot\""}``."""


def not_an_object(item: object) -> dict[str, object]:
    """The record of an item that is not an object: its JSON text, or for what JSON cannot
    write the name of its type (a repr could hold a memory address, and the record and the
    rejection are part of the match)."""
    try:
        text = json.dumps(item, allow_nan=False)
    except (TypeError, ValueError):
        text = f"<a Python {type(item).__name__}>"
    return {"type": "unknown", NOT_AN_OBJECT: text[:200]}


def _not_an_object(item: dict[Any, Any]) -> str | None:
    """The problem with such a record, as :func:`_shape_problem` words it for the item itself."""
    if len(item) != 2 or item.get("type") != "unknown" or NOT_AN_OBJECT not in item:
        return None
    text = str(item[NOT_AN_OBJECT])
    if text == "null" or text.startswith("<"):
        return _object_wanted(text)
    if text.startswith('"'):
        kind = "a string"
    elif text.startswith("["):
        kind = "a list"
    elif text in ("true", "false"):
        kind = "a boolean"
    elif text[:1] in tuple("-0123456789"):
        kind = "a number"
    else:
        kind = "a value"
    return _object_wanted(f"{kind} {text[:60]}", text.strip('"') if kind == "a string" else "")


def _object_wanted(got: str, words: str = "") -> str:
    """An action must be an object; ``got`` says what came instead. A string whose first word
    is close to an action type (``"reserve 5"``) also gets the object it probably meant."""
    split = words.split()
    guesses = (split[0], "_".join(split[:2])) if split else ()
    hint = [match for guess in guesses for match in get_close_matches(guess, ACTION_TYPES, n=1)]
    near = f' (did you mean {{"type": "{hint[0]}", ...}}?)' if hint else ""
    return (
        'an action is a JSON object such as {"type": "bid_spot", "provider": ...,'
        f' "quantity": ..., "max_price": ...}}; got {got}{near}'
    )


def _shape_problem(problem: Any, item: object) -> str:
    """What is wrong with an item that is not an action at all, in words a bot author acts on
    (pydantic says "Input tag 'x' found using 'type' does not match any of the expected ...")."""
    kind = problem["type"]
    types = ", ".join(ACTION_TYPES)
    if kind == "union_tag_invalid":
        tag = problem.get("ctx", {}).get("tag", "")
        hint = get_close_matches(str(tag), ACTION_TYPES, n=1)
        near = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"unknown action type {str(tag)[:40]!r}{near}; the types are: {types}"
    if kind == "union_tag_not_found":
        return f'an action needs a "type", one of: {types}'
    if kind in ("model_attributes_type", "dict_type"):
        return _not_an_object(not_an_object(item)) or str(problem["msg"])
    return str(problem["msg"])


def parse_actions(items: Sequence[Any]) -> tuple[list[Action], list[tuple[int, str]]]:
    """Parse what a bot returned: the actions that parse, and ``(index, error)`` for the rest."""
    actions: list[Action] = []
    errors: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        try:
            if isinstance(item, _Action):
                # Re-validate: a model built with model_construct() skipped its checks.
                item = item.model_dump()
            elif isinstance(item, dict) and (
                problem := _quoted_number(item) or _not_an_object(item)
            ):
                errors.append((index, problem))
                continue
            actions.append(ACTION_ADAPTER.validate_python(item))
        except ValidationError as exc:
            problems = exc.errors(include_url=False)
            first = problems[0]
            where = ".".join(str(x) for x in first["loc"])
            text = f"{where}: {first['msg']}" if where else _shape_problem(first, item)
            # A misspelt field shows up as a missing one first: name the unknown one too.
            unknown = [str(p["loc"][-1]) for p in problems[1:] if p["type"] == "extra_forbidden"]
            if unknown:
                text += f" (unknown field {', '.join(map(repr, unknown))})"
            errors.append((index, text))
        except (TypeError, ValueError) as exc:
            errors.append((index, str(exc)))
    return actions, errors


def action_to_dict(action: Action) -> dict[str, Any]:
    """The JSON-ready form of an action (``type`` first)."""
    return action.model_dump(mode="json")


# --------------------------------------------------------------------------- the fast path

MAX_RECORDED_TEXT = 200
"""Recorded strings are cut to this length (see :func:`game.engine.validate`)."""


def _bounds(metadata: list[Any]) -> tuple[float | None, ...]:
    gt = ge = lt = le = None
    for item in metadata:
        gt = getattr(item, "gt", gt)
        ge = getattr(item, "ge", ge)
        lt = getattr(item, "lt", lt)
        le = getattr(item, "le", le)
    return gt, ge, lt, le


def _finite(bound: float | None) -> bool:
    return bound is not None and math.isfinite(bound)


def _field_test(model: type[_Action], name: str, info: FieldInfo, constants: dict[str, Any]) -> str:
    """A Python expression that is true when the local ``v_<name>`` holds exactly what
    validation would have produced for the field (constants it needs go into ``constants``)."""
    v = f"v_{name}"
    annotation = info.annotation
    if name == "type":
        constants["TAG"] = info.default
        return f"type({v}) is str and {v} == TAG"
    if annotation is str:
        return f"type({v}) is str and len({v}) <= MAX_RECORDED_TEXT"
    if annotation is float:
        gt, ge, lt, le = _bounds(info.metadata)
        tests = [f"type({v}) is float"]
        if not (_finite(gt if gt is not None else ge) and _finite(lt if lt is not None else le)):
            tests.append(f"isfinite({v})")  # finite bounds on both sides shut out NaN and ±inf
        for bound, op, label in (
            (gt, ">", "GT"),
            (ge, ">=", "GE"),
            (lt, "<", "LT"),
            (le, "<=", "LE"),
        ):
            if bound is not None:
                constants[f"{label}_{name}"] = bound
                tests.append(f"{v} {op} {label}_{name}")
        return " and ".join(tests)
    if get_origin(annotation) is Literal and all(type(a) is int for a in get_args(annotation)):
        constants[f"ALLOWED_{name}"] = frozenset(get_args(annotation))
        return f"type({v}) is int and {v} in ALLOWED_{name}"
    # A new field kind: add a test here before it can take the fast path.
    raise TypeError(  # pragma: no cover
        f"{model.__name__}.{name}: no fast check for {annotation!r}"
    )


def _fast_source(model: type[_Action]) -> tuple[str, dict[str, Any]]:
    """The source of ``model``'s fast recorder and the constants it reads.

    Every field's test is read from the model itself (constraints are never restated here)
    and written out inline, the way :mod:`dataclasses` writes ``__init__``: the engine runs
    this for every action of every quarter, and one function with the tests inline costs
    half as much as a loop calling a small check per field. ``_fast_source(BidSpot)[0]``
    shows what it does.
    """
    names = tuple(model.model_fields)
    constants: dict[str, Any] = {
        "NAMES": names,
        "MAX_RECORDED_TEXT": MAX_RECORDED_TEXT,
        "isfinite": math.isfinite,
    }
    tests = [_field_test(model, n, info, constants) for n, info in model.model_fields.items()]
    unpack = ", ".join(f"v_{n}" for n in names)
    source = (
        f"def record_{model.model_fields['type'].default}(item, fields):\n"
        "    # Exactly the model's fields in its order (as validation builds them), no extras.\n"
        "    if tuple(fields) != NAMES or getattr(item, '__pydantic_extra__', None):\n"
        "        return None\n"
        f"    {unpack}, = fields.values()\n"
        "    if (\n"
        + "".join(f"        {'and ' if i else ''}{test}\n" for i, test in enumerate(tests))
        + "    ):\n"
        "        return fields.copy()\n"
        "    return None\n"
    )
    return source, constants


_Recorder = Callable[[Any, dict[str, Any]], dict[str, Any] | None]
"""A fast recorder: given an action model and its ``__dict__``, its record or ``None``."""


def _fast_recorder(model: type[_Action]) -> _Recorder:
    source, namespace = _fast_source(model)
    exec(source, namespace)  # our own source, written from the model's fields above
    recorder: _Recorder = namespace[f"record_{model.model_fields['type'].default}"]
    return recorder


FAST_RECORDERS: dict[type, _Recorder] = {
    model: _fast_recorder(model)
    for model in (
        BidSpot,
        Reserve,
        OrderChips,
        OrderNetwork,
        BuildDatacenter,
        FundResearch,
        SetServicePrice,
        SetTrainingShare,
        Sublease,
        Borrow,
        Repay,
    )
}
"""The fast recorder of each action class: ``FAST_RECORDERS[type(item)](item, item.__dict__)``
is :func:`fast_record` for an instance of one (the engine looks it up itself)."""


def fast_record(item: object) -> dict[str, Any] | None:
    """The JSON form of a valid action model, read straight from its fields, or ``None``.

    For an instance of one of the action classes themselves whose every field holds what
    validation would have produced (a ``str``, a finite ``float`` within the field's bounds, an
    allowed term), the result equals ``action_to_dict(parse_action(item.model_dump()))``:
    re-validating it would give the same action back, so the engine can skip that round trip.
    Anything else (dicts, subclasses, models built with ``model_construct()`` holding odd
    values or missing fields, strings longer than the record keeps) gets ``None`` and takes
    the full path.
    """
    recorder = FAST_RECORDERS.get(type(item))
    if recorder is None:
        return None
    return recorder(item, item.__dict__)
