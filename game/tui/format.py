"""Number formatting shared by every screen: money in $M/$B, kGPU, percentages."""

from __future__ import annotations

import errno
import math
import os

SPARK = "▁▂▃▄▅▆▇█"

GOOD = "#1e88e5"
"""Blue, for a figure on target: with :data:`BAD`'s orange a pair that red-green colour
blindness tells apart (red and green were the only contrast), and both legible on a dark and a
light theme. Never the only cue: a word or a glyph says it too, for NO_COLOR and monochrome
terminals (:func:`judged`)."""
BAD = "#d55e00"
"""Orange (vermillion), for a figure off target (see :data:`GOOD`)."""


def judged(text: str, ok: bool) -> str:
    """``text`` marked on or off target by a glyph as well as a colour (:data:`GOOD` and
    :data:`BAD`): ``✓`` after it, or ``✗`` in bold.

    >>> judged("52%", False), judged("$4.10M", True)
    ('[b #d55e00]52% ✗[/]', '[#1e88e5]$4.10M ✓[/]')
    """
    return f"[{GOOD}]{text} ✓[/]" if ok else f"[b {BAD}]{text} ✗[/]"


def folder(path: str | os.PathLike[str]) -> str:
    """A folder as a player can find it again: absolute (``saves`` alone says nothing once the
    terminal has moved on), the home folder as ``~``.

    >>> folder(os.path.expanduser("~/games/saves"))
    '~/games/saves'
    """
    full = os.path.abspath(path)
    home = os.path.expanduser("~")
    if home not in ("", "/") and (full == home or full.startswith(home + os.sep)):
        return "~" + full[len(home) :]
    return full


def unwritable(exc: OSError, place: str) -> str:
    """Why a save could not be written, as a player can act on it (``place``: where the saves
    are, "in ~/saves" or "on the class server"). The bare error named a hidden temporary file
    ("[Errno 1] Operation not permitted: '/x/.Bank-1.jsonl.tg2u57lj.tmp'") and said nothing
    of what to do; a read-only saves folder showed it on every save and autosave.

    >>> unwritable(PermissionError(13, "Permission denied", "/s/.a.tmp"), "in /s")
    'the saves folder (in /s) cannot be written: it is read-only or not yours (Permission denied)'
    >>> unwritable(OSError(28, "No space left on device"), "in /s")
    'the disk of the saves folder (in /s) is full (No space left on device)'
    """
    why = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the saves folder ({place}) cannot be written: it is read-only or not yours ({why})"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk of the saves folder ({place}) is full ({why})"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"the saves folder ({place}) does not exist and cannot be made ({why})"
    return f"the save could not be written {place} ({why})"


def _sign(value: float, shown: str) -> str:
    """``"-"`` for a negative ``value`` unless it shows as zero (``shown``: its magnitude as
    printed): a rounding crumb such as -4e-15 is ``$0.0M``, not ``-$0.0M``."""
    return "-" if value < 0 and any(c in "123456789" for c in shown) else ""


def money(value: float) -> str:
    """``$850M``, ``$1.25B``, ``-$40M``; an em dash for NaN; never ``-$0.0M``.

    >>> money(-3.6e-15), money(-0.04), money(-0.06)
    ('$0.0M', '$0.0M', '-$0.1M')
    """
    if value is None or math.isnan(value):
        return "—"
    v = abs(value)
    sign = _sign(value, f"{v:.1f}" if v < 100 else "1")
    if v >= 1000:
        return f"{sign}${v / 1000:,.2f}B"
    if v >= 100:
        return f"{sign}${v:,.0f}M"
    return f"{sign}${v:,.1f}M"


def exact_money(value: float) -> str:
    """Money to about $0.1M, for sums that must add up: ``$1.663B``, ``$100.0M``."""
    if value is None or math.isnan(value):
        return "—"
    v = abs(value)
    sign = _sign(value, f"{v:.1f}")
    if v >= 1000:
        return f"{sign}${v / 1000:,.3f}B"
    return f"{sign}${v:,.1f}M"


def price(value: float) -> str:
    """A price per kGPU-quarter, ``$6.88M``."""
    if math.isnan(value):
        return "—"
    return f"${value:,.2f}M"


def kgpu(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.1f}"


def pct(value: float, digits: int = 0) -> str:
    if math.isnan(value):
        return "—"
    return f"{value * 100:.{digits}f}%"


def change(new: float, old: float) -> str:
    """``+12%`` between two figures, or an empty string when there is nothing to compare."""
    if math.isnan(new) or math.isnan(old) or abs(old) < 1e-9:
        return ""
    return f"{(new / old - 1) * 100:+.0f}%"


def sparkline(values: list[float] | tuple[float, ...], width: int = 8) -> str:
    """A text sparkline of the last ``width`` finite values."""
    finite = [v for v in values if not math.isnan(v)][-width:]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    span = high - low
    if span < 1e-12:
        return SPARK[3] * len(finite)
    return "".join(SPARK[min(7, int((v - low) / span * 7.999))] for v in finite)
