"""The list of event ids in ``docs/CONTENT.md``, generated from the content so it stays current.

    python -m game.classroom.eventlist           # rewrite the list in docs/CONTENT.md
    python -m game.classroom.eventlist --check   # exit 1 if the list is out of date

The list sits between ``<!-- events:begin -->`` and ``<!-- events:end -->``; a test compares it
with the content.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from game.classroom.output import write_texts
from game.rules.models import Content, Effect

DOC = Path(__file__).resolve().parents[2] / "docs" / "CONTENT.md"
BEGIN = "<!-- events:begin -->"
END = "<!-- events:end -->"


def _effect(effect: Effect) -> str:
    select = effect.select if isinstance(effect.select, str) else ", ".join(effect.select)
    where = "" if select == "*" else f" [{select}]"
    if effect.op == "mul":
        change = f"×{effect.value:g}"
    elif effect.op == "add":
        change = f"{effect.value:+g}"
    else:
        change = f"= {effect.value:g}"
    return f"{effect.target}{where} {change}"


def event_lines(content: Content) -> list[str]:
    """One Markdown line per event, by category then id."""
    lines = []
    for event in sorted(content.events, key=lambda e: (e.category, e.id)):
        length = "1 quarter" if event.duration == 1 else f"{event.duration} quarters"
        effects = "; ".join(_effect(e) for e in event.effects)
        lines.append(f"- `{event.id}` ({event.category}, {length}): {event.title}. *{effects}*")
    return lines


def event_section(content: Content) -> str:
    return "\n".join([BEGIN, *event_lines(content), END])


def current_section(text: str) -> str:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return ""
    return text[start : end + len(END)]


def main(argv: Sequence[str] | None = None) -> int:
    from game.rules.loader import load_content

    parser = argparse.ArgumentParser(prog="python -m game.classroom.eventlist")
    parser.add_argument("--check", action="store_true", help="exit 1 if the list is stale")
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    wanted = event_section(load_content())
    found = current_section(text)
    if not found:
        print(f"{args.doc}: no {BEGIN} ... {END} section", file=sys.stderr)
        return 1
    if args.check:
        if found != wanted:
            print(f"{args.doc}: the event list is out of date: run {parser.prog}", file=sys.stderr)
            return 1
        print(f"{args.doc}: the event list is current")
        return 0
    write_texts([(args.doc, text.replace(found, wanted))])
    print(f"wrote the event list in {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
