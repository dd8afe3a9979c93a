"""Numbers must be written as numbers: ``quarters = 8``, not ``quarters = "8"`` or ``8.0``
(and switches as ``true`` or ``false``, not ``"yes"`` or ``1``).

Pydantic reads ``"8"`` as 8 and ``8.0`` as 8 (its lax mode), which hides a writer's slip: a
number in quotes in a content file is usually a value pasted from elsewhere, and a whole-number
field given ``8.5`` or ``8.0`` a misunderstanding of what it counts. TOML tells the kinds apart,
so the loader checks the raw values against the models before validating them, and reports each
at its line: a string or a boolean where a number belongs, a non-whole number where a whole
number belongs. (Models built in Python stay as lenient as pydantic is.)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from game.rules.problems import KeyPath, names_kind

__all__ = ["number_problems"]


def number_problems(model: type[BaseModel], raw: Any) -> list[tuple[KeyPath, str]]:
    """``(path, message)`` for every value of ``raw`` that is not the number ``model`` wants."""
    return list(_fields(model, raw, (), _Calendar.of(raw)))


class _Calendar:
    """The first quarter of a scenario (``start_year``, ``start_quarter``), to say which turn a
    date written where a turn belongs is."""

    def __init__(self, year: int, quarter: int) -> None:
        self.year, self.quarter = year, quarter

    @classmethod
    def of(cls, raw: Any) -> _Calendar:
        year = raw.get("start_year") if isinstance(raw, dict) else None
        quarter = raw.get("start_quarter") if isinstance(raw, dict) else None
        return cls(
            year if isinstance(year, int) and not isinstance(year, bool) else 2027,
            quarter if isinstance(quarter, int) and 1 <= quarter <= 4 else 1,
        )

    def turn(self, year: int, quarter: int) -> int:
        return (year - self.year) * 4 + (quarter - self.quarter)

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


def _fields(
    model: type[BaseModel], raw: Any, path: KeyPath, calendar: _Calendar
) -> Iterator[tuple[KeyPath, str]]:
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        if name in raw:
            yield from _value(field.annotation, raw[name], (*path, name), calendar, field.metadata)


def _value(
    annotation: Any,
    value: Any,
    path: KeyPath,
    calendar: _Calendar,
    limits: Sequence[Any] = (),
) -> Iterator[tuple[KeyPath, str]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        found = [*limits, *(m for meta in metadata for m in getattr(meta, "metadata", [meta]))]
        yield from _value(inner, value, path, calendar, found)
    elif annotation is int or annotation is float:
        message = _number_message(
            value, whole=annotation is int, key=path, example=_example(annotation, limits)
        )
        message = message and _as_calendar(value, path, calendar, message)
        if message:
            yield path, message
    elif annotation is bool:
        message = _switch_message(value, key=path)
        if message:
            yield path, message
    elif origin in (Union, UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if value is None:
            return
        chosen = _member_for(members, value)
        if chosen is not None:
            yield from _value(chosen, value, path, calendar, limits)
    elif origin is tuple and isinstance(value, list):
        args = get_args(annotation)
        variadic = len(args) == 2 and args[1] is Ellipsis
        for index, item in enumerate(value):
            if variadic:
                yield from _value(args[0], item, (*path, index), calendar)
            elif index < len(args):
                yield from _value(args[index], item, (*path, index), calendar)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _fields(annotation, value, path, calendar)


def _member_for(members: list[Any], value: Any) -> Any:
    """The member of a union that ``value`` is meant for, if it can be told: the only number
    type (``float | None``), or the model whose ``kind`` the table names (tagged unions)."""
    bare = [_unwrap(member) for member in members]
    if len(bare) == 1:
        return members[0]
    if isinstance(value, dict):
        for member, inner in zip(members, bare, strict=True):
            if names_kind(inner, value):
                return member
    if isinstance(value, dict | list):
        return None
    flattened = [inner for member in bare for inner in _members(member)]
    if all(inner in (int, float) for inner in flattened):
        return members[0]
    return None  # a union of a number with text or a list: any value may be meant


def _members(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, UnionType):
        return [_unwrap(arg) for arg in get_args(annotation)]
    return [annotation]


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _example(annotation: Any, limits: Sequence[Any]) -> str:
    """A value to show in "e.g. key = ...": 8 (0.5), or the nearest the key's limits allow
    (``start_quarter = "Q1"`` must not be told "e.g. start_quarter = 8": it goes to 4)."""
    whole = annotation is int
    example: float = 8 if whole else 0.5
    step = 1 if whole else 0.5
    for limit in limits:
        if (low := getattr(limit, "ge", None)) is not None and example < low:
            example = low
        if (above := getattr(limit, "gt", None)) is not None and example <= above:
            example = above + step
        if (high := getattr(limit, "le", None)) is not None and example > high:
            example = high
        if (below := getattr(limit, "lt", None)) is not None and example >= below:
            example = below - step
    return f"{int(example)}" if annotation is int else f"{example:g}"


_QUARTER_LABEL = re.compile(
    r"^\s*(\d{4})\s*[- ]?\s*Q([1-4])\s*$|^\s*Q([1-4])\s*[- ]?\s*(\d{4})\s*$", re.I
)


def _as_calendar(value: Any, path: KeyPath, calendar: _Calendar, message: str) -> str:
    """``message``, or for a date (``2028-04-01``, ``"2028 Q2"``) where a turn or the start
    belongs, which number to write instead."""
    key = path[-1] if path else ""
    year = quarter = None
    if isinstance(value, datetime.date | datetime.datetime):
        year, quarter = value.year, (value.month - 1) // 3 + 1
    elif isinstance(value, str) and (found := _QUARTER_LABEL.match(value)):
        year = int(found[1] or found[4])
        quarter = int(found[2] or found[3])
    if key == "start_quarter" and isinstance(value, str):
        alone = re.fullmatch(r"\s*Q([1-4])\s*", value, re.I)
        if alone:
            return f"must be a whole number from 1 to 4: write start_quarter = {alone[1]}"
    if year is None or quarter is None:
        return message
    if key == "turn":
        turn = calendar.turn(year, quarter)
        which = (
            f"turn = {turn}"
            if turn >= 0
            else "before it starts: write a turn from 0, or start the scenario earlier"
            " (start_year, start_quarter)"
        )
        return (
            f"must be a whole number, not a date (got {value}): a turn counts quarters from 0,"
            f" and this scenario starts {calendar} (turn 0), so {year} Q{quarter} is {which}"
        )
    if key in ("start_year", "start_quarter"):
        return (
            f"must be a whole number, not a date (got {value}): write start_year = {year} and"
            f" start_quarter = {quarter}"
        )
    return message


def _number_message(value: Any, *, whole: bool, key: KeyPath, example: str = "") -> str:
    """What is wrong with ``value`` for a (whole) number field, or ``""``."""
    noun = "a whole number" if whole else "a number"
    name = f"{key[-1]} = " if key and isinstance(key[-1], str) else ""  # "" for a list item
    if isinstance(value, bool):
        return f"must be {noun}, not true or false"
    if isinstance(value, datetime.date | datetime.time):
        return f"must be {noun}, not a date or time (got {value})"
    if isinstance(value, str):
        bare = value.strip()
        try:
            number = float(bare)
        except ValueError:
            example = example or ("8" if whole else "0.5")
            return f"must be {noun} without quotes, e.g. {name}{example} (got {value!r})"
        if whole and not number.is_integer():
            return f"must be {noun} without quotes (got {value!r})"
        shown = bare if not whole else f"{int(number)}"
        return f'must be {noun} without quotes: write {name}{shown}, not {name}"{value}"'
    if isinstance(value, list):
        item = value[0] if len(value) == 1 else None
        if isinstance(item, int | float) and not isinstance(item, bool):
            if not whole:
                return f"must be {noun}, not a list: write {name}{item}, without the [ ]"
            if float(item).is_integer():  # [3.0] is 3, not 3.0, which is refused in turn
                return f"must be {noun}, not a list: write {name}{int(item)}, without the [ ]"
        return f"must be {noun}, not a list in [ ]"
    if isinstance(value, dict):
        return f"must be {noun}, not a table"
    if whole and isinstance(value, float):
        if value.is_integer():
            return f"must be {noun}: write {name}{int(value)}, not {name}{value}"
        return f"must be {noun} (got {value})"
    return ""


_ON = frozenset({"true", "yes", "y", "on", "1", "t"})
_OFF = frozenset({"false", "no", "n", "off", "0", "f"})


def _switch_message(value: Any, *, key: KeyPath) -> str:
    """What is wrong with ``value`` for a true-or-false key, or ``""``. Pydantic reads ``"yes"``
    as true and ``1`` as true (its lax mode), where ``quarters = "12"`` is refused: a switch
    written so is refused as well, with what to write."""
    if isinstance(value, bool):
        return ""
    name = f"{key[-1]} = " if key and isinstance(key[-1], str) else ""
    rule = "must be true or false" + (
        ", in lower case and without quotes" if isinstance(value, str) else ""
    )
    if isinstance(value, str | int | float):
        word = str(value).strip().lower()
        meant = "true" if word in _ON else "false" if word in _OFF else None
        written = f'"{value}"' if isinstance(value, str) else f"{value}"
        if meant is not None:
            return f"{rule}: write {name}{meant}, not {name}{written}"
        return (
            f"{rule} (got {value!r}): write {name}true to switch it on, {name}false to switch"
            " it off"
        )
    return ""
