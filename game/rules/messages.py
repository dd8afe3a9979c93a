"""Turn pydantic's validation errors for one content item into friendly, located problems.

Pydantic locates an error by a path over the item (``("effects", 0, "efficiency", "multiplier")``)
that also names the union member it tried (``efficiency``, ``str``). We walk that path over the raw
TOML data to keep only the keys a writer typed, then word the message for a content writer:
``unknown key 'lst_price' (did you mean 'list_price'?)`` rather than "Extra inputs are not
permitted".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from game.rules.models import ID_PATTERN, Industry, Scenario
from game.rules.problems import KeyPath, Problem, did_you_mean, names_kind
from game.rules.sources import ItemSource

_QUOTED = re.compile(r"'([^']*)'")
_TYPE_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type", "is_instance_of"})


def validation_problems(
    error: ValidationError, model: type[BaseModel], raw: Any, source: ItemSource
) -> list[Problem]:
    """Every error of validating ``raw`` as ``model``, as problems located in ``source``."""
    located = [
        (*_written_path(err["loc"], raw, missing=err["type"] == "missing"), err)
        for err in error.errors(include_url=False)
    ]
    problems: list[Problem] = []
    seen: set[tuple[KeyPath, str]] = set()
    for path, union_at, err in located:
        if _is_noise(path, union_at, err, located):
            continue
        path, message = _friendly(err, path, model, raw, whole_file=not source.prefix)
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append(source.problem(path, message))
    return problems


def _written_path(
    loc: Sequence[str | int], raw: Any, *, missing: bool
) -> tuple[KeyPath, KeyPath | None]:
    """The keys of ``loc`` that exist in ``raw`` (plus the final key if it is ``missing``), and
    where a union member name was dropped from it (``None`` if none was)."""
    path: list[str | int] = []
    union_at: KeyPath | None = None
    node = raw
    for position, part in enumerate(loc):
        absent = missing and position == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and (part in node or absent):
            path.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif union_at is None:
            union_at = tuple(path)
    return tuple(path), union_at


def _is_noise(
    path: KeyPath,
    union_at: KeyPath | None,
    err: ErrorDetails,
    located: list[tuple[KeyPath, KeyPath | None, ErrorDetails]],
) -> bool:
    """Errors that only echo another one: a list "too short" because its items failed, and the
    type mismatch of a union member that the value was clearly not meant for."""
    if err["type"] == "too_short":
        return any(len(other) > len(path) and other[: len(path)] == path for other, _, _ in located)
    if union_at is not None and _is_type_error(err):
        return any(
            other_union == union_at and not _is_type_error(other)
            for _, other_union, other in located
        )
    return False


def _is_type_error(err: ErrorDetails) -> bool:
    return err["type"].endswith("_type") or err["type"] in _TYPE_ERRORS


def _friendly(
    err: ErrorDetails, path: KeyPath, model: type[BaseModel], raw: Any, *, whole_file: bool
) -> tuple[KeyPath, str]:
    """The path to report and the message, in a content writer's words."""
    kind = err["type"]
    ctx = err.get("ctx", {})
    given = err.get("input")
    if kind == "extra_forbidden" and path:
        key = str(path[-1])
        if model is Scenario and key in _INDUSTRY_KEYS:
            # "starting_cash" is closest to "start_year": a suggestion that would mislead.
            return path, f"unknown key {key!r}{_industry_key_hint(key)}"
        hint = did_you_mean(key, _fields_at(model, path[:-1], raw))
        if not hint and len(path) > 1 and key in model.model_fields and whole_file:
            # TOML puts every key after a [table] header into that table: a classic slip.
            hint = (
                " (it is a top-level key: move it above the first [table] header;"
                " keys after a header belong to that table)"
            )
        if not hint:
            allowed = _fields_at(model, path[:-1], raw)
            if allowed and len(allowed) <= MAX_LISTED_KEYS:
                hint = f" (this table takes: {', '.join(allowed)})"
        return path, f"unknown key {key!r}{hint}"
    if kind == "missing":
        table = _missing_table(model, path, raw)
        if table:
            return path, table
        return path, "missing required key" + _meaning(_field_at(model, path, raw), ": ")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = str(ctx.get("discriminator", "kind")).strip("'\"")
        if kind == "union_tag_not_found":
            return (*path, discriminator), "missing required key"
        tags = _QUOTED.findall(str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", ""))
        hint = did_you_mean(tag, tags) or f" (expected one of: {', '.join(tags)})"
        return (*path, discriminator), f"unknown {discriminator} {tag!r}{hint}"
    if kind == "literal_error":
        allowed = _QUOTED.findall(str(ctx.get("expected", "")))
        hint = did_you_mean(str(given), allowed) if isinstance(given, str) else ""
        if hint:
            return path, f"{given!r} is not allowed{hint}"
        return path, f"{given!r} is not one of {', '.join(repr(a) for a in allowed)}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        example = _id_like(str(given)) if isinstance(given, str) else ""
        return path, (
            "ids are lower-case letters, digits, - and _, starting with a letter or digit:"
            f" e.g. {example or 'grid-crunch'!r} (got {given!r})"
        )
    if kind == "too_short" and "min_length" in ctx:
        least = ctx["min_length"]
        return path, f"needs at least {least} {'item' if least == 1 else 'items'}"
    if kind == "too_long" and "max_length" in ctx:
        most = ctx["max_length"]
        return path, (
            f"allows at most {most} {'item' if most == 1 else 'items'},"
            f" got {ctx.get('actual_length')}"
        )
    name = f"{path[-1]} = " if path and isinstance(path[-1], str) else ""  # "" for list items
    if kind in ("bool_parsing", "bool_type"):
        shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
        return path, (
            f"must be true or false, in lower case and without quotes{shown}: write"
            f" {name}true to switch it on, {name}false to switch it off"
        )
    if kind in ("tuple_type", "list_type") and isinstance(given, str) and given.strip():
        shown = ", ".join(f'"{part.strip()}"' for part in given.split(",") if part.strip())
        return path, (
            f"must be a list in square brackets, even of one item: write {name}[{shown}]"
            f" (got {given!r})"
        )
    if kind in ("tuple_type", "list_type") and isinstance(given, dict):
        key = str(path[-1]) if path and isinstance(path[-1], str) else ""
        if key and len(path) == 1 and whole_file and _models_along(model, path, raw):
            # [scripted_events] where [[scripted_events]] belongs: one table, not a list.
            return path, (
                f"[{key}] with one pair of brackets is a single table; {key} is a list of"
                f" tables: write its header with two, [[{key}]], and repeat that header above"
                " each one"
            )
        return path, f"must be a list in square brackets, even of one item: write {name}[...]"
    if kind in ("model_type", "dict_type") and isinstance(given, list) and given:
        key = str(path[-1]) if path and isinstance(path[-1], str) else ""
        if key and len(path) == 1 and whole_file and all(isinstance(g, dict) for g in given):
            # [[market]] where [market] belongs: a list of tables, not the one table.
            return path, (
                f"[[{key}]] with two pairs of brackets makes a list of tables; {key} is a single"
                f" table: write its header with one pair, [{key}], once"
            )
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if isinstance(given, str | int | float | bool) and len(repr(given)) <= 40:
        message += f" (got {given!r})"
    if kind in _RANGE_ERRORS:
        message += _range_hint(err, given, _field_at(model, path, raw))
    return path, message


_INDUSTRY_KEYS = frozenset(Industry.model_fields) - {"id", "name", "description"}
"""Keys of an industry (starting cash, credit line, ...) that a scenario writer may try to set
in a scenario: they come with each seat's industry."""


def _industry_key_hint(key: str) -> str:
    what = key.replace("_", " ")
    return (
        f": the {what} comes with each seat's industry, not the scenario (bank $1,500M cash,"
        " startup $150M, ...: see 'Players and industries' in docs/CONTENT.md). To change it,"
        " give the seat another industry, or copy the game's content folder, change the"
        " industry in its industries.toml and play with --content DIR"
    )


def _missing_table(model: type[BaseModel], path: KeyPath, raw: Any) -> str:
    """``missing required table [market]: add a [market] table (required keys: demand,
    demand_growth)`` when the key missing is a table (or a list of tables), ``""`` otherwise."""
    field = _field_at(model, path, raw)
    if field is None:
        return ""
    tables = _models_in(field.annotation)
    if len(tables) != 1:
        return ""
    required = [name for name, info in tables[0].model_fields.items() if info.is_required()]
    needs = f" (required keys: {', '.join(required)})" if required else ""
    name = str(path[-1])
    if get_args(field.annotation):  # a list of tables: [[seats]]
        return f"missing required [[{name}]] tables: add at least one [[{name}]] table{needs}"
    return f"missing required table [{name}]: add a [{name}] table{needs}"


MAX_LISTED_KEYS = 8
"""An unknown key with no close match lists the table's keys when it has at most this many."""

_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _range_hint(err: ErrorDetails, given: Any, field: FieldInfo | None) -> str:
    """What a value out of range means: a share written as a percentage, and the field's unit.

    ``reliability = 95`` breaks ``le=1``: the writer meant 95%, so say to write 0.95.
    """
    hint = ""
    limit = err.get("ctx", {}).get("le")
    if (
        err["type"] == "less_than_equal"
        and isinstance(limit, int | float)
        and limit <= 1
        and isinstance(given, int | float)
        and not isinstance(given, bool)
        and 1 < given <= 100
        and given / 100 <= limit
    ):
        what = "a share from 0 to 1" if limit == 1 else f"a rate up to {limit:g}"
        hint = f": {what}, so write {given / 100:g} for {given:g}%"
    elif (
        err["type"] == "less_than_equal"
        and isinstance(limit, int | float)
        and 1 < limit < 100
        and isinstance(given, int | float)
        and not isinstance(given, bool)
        and str(err["loc"][-1] if err["loc"] else "").endswith(("multiplier", "_scale"))
        and limit < given <= 100 * limit
    ):
        # capacity_multiplier = 70 for "70% of the usual": a multiplier, 1 as usual.
        hint = f": a multiplier, 1 as usual, so write {given / 100:g} for {given:g}%"
    return hint + _meaning(field, "; ")


def _meaning(field: FieldInfo | None, separator: str) -> str:
    """``separator`` and the key's description (its meaning and unit), or ``""``."""
    if field is None or not field.description:
        return ""
    text = field.description.rstrip(".")
    if (
        text[:1].isupper() and text[1:2].islower()
    ):  # "Chance" reads on as "chance"; "MW", "H-class" stay
        text = text[0].lower() + text[1:]
    return separator + text


def _field_at(model: type[BaseModel], path: KeyPath, raw: Any) -> FieldInfo | None:
    """The declaration of the key at the end of ``path`` (for its description), if one model
    of the tables along the path declares it."""
    if not path or not isinstance(path[-1], str):
        return None
    name = path[-1]
    owners = [
        candidate
        for candidate in _models_along(model, path[:-1], raw)
        if name in candidate.model_fields
    ]
    return owners[0].model_fields[name] if len(owners) == 1 else None


def _id_like(text: str) -> str:
    """``Grid Crunch!`` as an id: ``grid-crunch``."""
    return re.sub(r"[^a-z0-9_\-]+", "-", text.lower()).strip("-_")[:48]


def _fields_at(model: type[BaseModel], path: KeyPath, raw: Any) -> list[str]:
    """The keys allowed in the table at ``path`` of an item of ``model`` (for suggestions)."""
    candidates = _models_along(model, path, raw)
    return sorted({name for candidate in candidates for name in candidate.model_fields})


def _models_along(model: type[BaseModel], path: KeyPath, raw: Any) -> list[type[BaseModel]]:
    """The models the table at ``path`` of an item of ``model`` may be (one, unless a tagged
    union's ``kind`` is missing)."""
    candidates = [model]
    node = raw
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        else:
            candidates = [
                found
                for candidate in candidates
                if part in candidate.model_fields
                for found in _models_in(candidate.model_fields[part].annotation)
            ]
            node = node.get(part) if isinstance(node, dict) else None
        candidates = _narrow_by_tag(candidates, node)
    return candidates


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's type can hold: ``tuple[Seat, ...]`` holds ``Seat``."""
    if isinstance(annotation, type) and not get_args(annotation):
        return [annotation] if issubclass(annotation, BaseModel) else []
    return [found for arg in get_args(annotation) for found in _models_in(arg)]


def _narrow_by_tag(candidates: list[type[BaseModel]], node: Any) -> list[type[BaseModel]]:
    """Of the members of a tagged union, the one the table's ``kind`` names (all if none does)."""
    if len(candidates) < 2 or not isinstance(node, dict) or "kind" not in node:
        return candidates
    tagged = [candidate for candidate in candidates if names_kind(candidate, node)]
    return tagged or candidates
