"""How times, durations, ids and kinds read on screen: plain functions, no widgets."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Final

from store import EventKind

__all__ = [
    "KIND_GLYPHS",
    "clock_offset",
    "duration",
    "engine_label",
    "local_time",
    "short_ulid",
]

KIND_GLYPHS: Final[dict[EventKind, str]] = {
    EventKind.PROMPT: "\u276f",  # heavy angle: operator input
    EventKind.COMMAND: "\u25c6",  # ◆ a dispatcher's answer
    EventKind.SYSTEM: "\u2022",  # • informational
    EventKind.WARN: "\u25b2",  # ▲ warning
    EventKind.ALERT: "\u25a0",  # ■ alert
    EventKind.MODE_CHANGE: "\u21c4",  # ⇄ view switched
}
UNKNOWN_GLYPH: Final = "?"
UNKNOWN_TIME: Final = "unknown"


def short_ulid(ulid: str) -> str:
    """Head and tail of a ULID: the time prefix and the random tail, enough to tell apart."""
    return ulid if len(ulid) <= 12 else f"{ulid[:4]}\u2026{ulid[-6:]}"


def local_time(moment: datetime | None, tz: tzinfo | None, *, seconds: bool = False) -> str:
    if moment is None:
        return UNKNOWN_TIME
    shown = moment.astimezone(tz)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def duration(span: timedelta) -> str:
    """``3d 04h``, ``2h 05m``, ``4m 09s``, ``12s``."""
    total = int(span.total_seconds())
    if total < 0:
        return "-" + duration(-span)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def clock_offset(moment: datetime | None, origin: datetime | None) -> str:
    """Offset of an event from the session start: ``+1:02:03.4`` (``+12:03.4`` under an hour)."""
    if moment is None or origin is None:
        return "?"
    tenths = int((moment - origin).total_seconds() * 10)
    sign = "-" if tenths < 0 else "+"
    tenths = abs(tenths)
    seconds, tenth = divmod(tenths, 10)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    if hours:
        return f"{sign}{hours}:{minute:02d}:{second:02d}.{tenth}"
    return f"{sign}{minute:02d}:{second:02d}.{tenth}"


def engine_label(url: str | None) -> str:
    """The host (and port) of an engine URL, or an em dash when unset."""
    if not url:
        return "\u2014"
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0] or url
