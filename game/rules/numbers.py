"""Numbers must be written as numbers: ``quarters = 8``, not ``quarters = "8"`` or ``8.0``.

Pydantic reads ``"8"`` as 8 and ``8.0`` as 8 (its lax mode), which hides a writer's slip: a
number in quotes in a content file is usually a value pasted from elsewhere, and a whole-number
field given ``8.5`` or ``8.0`` a misunderstanding of what it counts. TOML tells the kinds apart,
so the loader checks the raw values against the models before validating them, and reports each
at its line: a string or a boolean where a number belongs, a non-whole number where a whole
number belongs. (Models built in Python stay as lenient as pydantic is.)
"""

from __future__ import annotations

from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from game.rules.problems import KeyPath, names_kind

__all__ = ["number_problems"]


def number_problems(model: type[BaseModel], raw: Any) -> list[tuple[KeyPath, str]]:
    """``(path, message)`` for every value of ``raw`` that is not the number ``model`` wants."""
    return list(_fields(model, raw, ()))


def _fields(model: type[BaseModel], raw: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        if name in raw:
            yield from _value(field.annotation, raw[name], (*path, name))


def _value(annotation: Any, value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _value(get_args(annotation)[0], value, path)
    elif annotation is int or annotation is float:
        message = _number_message(value, whole=annotation is int, key=path)
        if message:
            yield path, message
    elif origin in (Union, UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if value is None:
            return
        chosen = _member_for(members, value)
        if chosen is not None:
            yield from _value(chosen, value, path)
    elif origin is tuple and isinstance(value, list):
        args = get_args(annotation)
        variadic = len(args) == 2 and args[1] is Ellipsis
        for index, item in enumerate(value):
            if variadic:
                yield from _value(args[0], item, (*path, index))
            elif index < len(args):
                yield from _value(args[index], item, (*path, index))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _fields(annotation, value, path)


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


def _number_message(value: Any, *, whole: bool, key: KeyPath) -> str:
    """What is wrong with ``value`` for a (whole) number field, or ``""``."""
    noun = "a whole number" if whole else "a number"
    name = f"{key[-1]} = " if key and isinstance(key[-1], str) else ""  # "" for a list item
    if isinstance(value, bool):
        return f"must be {noun}, not true or false"
    if isinstance(value, str):
        bare = value.strip()
        try:
            number = float(bare)
        except ValueError:
            example = "8" if whole else "0.5"
            return f"must be {noun} without quotes, e.g. {name}{example} (got {value!r})"
        if whole and not number.is_integer():
            return f"must be {noun} without quotes (got {value!r})"
        shown = bare if not whole else f"{int(number)}"
        return f'must be {noun} without quotes: write {name}{shown}, not {name}"{value}"'
    if whole and isinstance(value, float):
        if value.is_integer():
            return f"must be {noun}: write {name}{int(value)}, not {name}{value}"
        return f"must be {noun} (got {value})"
    return ""
