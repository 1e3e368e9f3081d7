"""How times, durations and ids read on screen: plain functions, no widgets."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Final

__all__ = [
    "clock_offset",
    "duration",
    "engine_label",
    "local_date",
    "local_time",
    "short_ulid",
    "utc_offset",
]

UNKNOWN_TIME: Final = "unknown"


def short_ulid(ulid: str) -> str:
    """Head and tail of a ULID: the time prefix and the random tail, enough to tell apart."""
    return ulid if len(ulid) <= 12 else f"{ulid[:4]}\u2026{ulid[-6:]}"


def local_time(moment: datetime | None, tz: tzinfo | None, *, seconds: bool = False) -> str:
    """``YYYY-MM-DD HH:MM[:SS]`` in ``tz`` (None: the system's zone), or "unknown".

    Never raises: a stamp near the ends of ``datetime``'s range whose local time falls in
    year 0 or 10000 (year 1 west of UTC, 9999 east of it) is shown as that date."""
    if moment is None:
        return UNKNOWN_TIME
    shown = _local(moment, tz)
    if shown is None:
        return UNKNOWN_TIME
    day, wall = shown
    clock = f"{wall.hour:02d}:{wall.minute:02d}"
    return f"{day} {clock}:{wall.second:02d}" if seconds else f"{day} {clock}"


def local_date(moment: datetime, tz: tzinfo | None) -> str:
    """The local day of ``moment`` as ``YYYY-MM-DD`` (see ``local_time``), or "unknown"."""
    shown = _local(moment, tz)
    return shown[0] if shown is not None else UNKNOWN_TIME


_DAY: Final = timedelta(days=1)
_CONVERSION_ERRORS: Final = (OverflowError, ValueError, OSError)


def _iso_day(day: date) -> str:
    # Not strftime("%Y"): glibc does not pad years below 1000 to four digits.
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _local(moment: datetime, tz: tzinfo | None) -> tuple[str, datetime] | None:
    """(local day, local wall clock) of ``moment``. A local time outside years 1..9999 is
    at most a day out: it is computed a day nearer the middle of the range, and its day moved
    back by one (the zone's offset a day away is taken for the offset at the moment)."""
    try:
        wall = moment.astimezone(tz)
        return _iso_day(wall.date()), wall
    except _CONVERSION_ERRORS:
        pass
    try:
        late = moment.year > 5000
        wall = (moment - _DAY if late else moment + _DAY).astimezone(tz)
    except _CONVERSION_ERRORS:
        return None
    near = wall.date()
    if late:
        return ("10000-01-01" if near == date.max else _iso_day(near + _DAY)), wall
    return ("0000-12-31" if near == date.min else _iso_day(near - _DAY)), wall


def utc_offset(moment: datetime, tz: tzinfo | None) -> timedelta:
    """The offset of ``tz`` (None: the system's zone) from UTC at ``moment``, for any moment
    ``datetime`` holds (near the ends of its range: the offset a day nearer the middle)."""
    for probe in (moment, moment - _DAY if moment.year > 5000 else moment + _DAY):
        try:
            return probe.astimezone(tz).utcoffset() or timedelta(0)
        except _CONVERSION_ERRORS:
            continue
    return timedelta(0)


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


def plural(count: int, noun: str) -> str:
    """``1 session``, ``2 sessions``, ``1,015 events``: a count with its noun agreeing."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"
