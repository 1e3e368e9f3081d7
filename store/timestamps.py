"""RFC 3339 stamps exactly as chrono's ``to_rfc3339()`` writes and reads them, and the times
SQLite's own date functions write (``datetime('now')``: ``2026-11-25 08:00:00``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["format_rfc3339", "now_rfc3339", "parse_rfc3339"]

_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})"
    r"(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}:\d{2})?",
    re.ASCII,  # chrono takes ASCII digits only; a bare \d also matches other scripts' digits
)
"""Every stamp chrono's ``parse_from_rfc3339`` takes (``T``, ``t`` or a space between date
and time, seconds, 1-9 fraction digits, ``Z`` or ``+HH:MM``), and SQLite's time values
without a julian day: ``HH:MM`` without seconds, no zone (SQLite's ``datetime()``, with or
without ``'subsec'``, writes ``YYYY-MM-DD HH:MM:SS[.SSS]`` in UTC). A date alone is not a
time."""


def parse_rfc3339(raw: object) -> datetime | None:
    """Parse a stamp into an aware UTC datetime; None when it does not parse.

    RFC 3339 as chrono reads it, and SQLite's forms: no zone means UTC, as SQLite's date
    functions mean it. Nanoseconds (chrono's default) are truncated to microseconds. Never
    returns "now"."""
    if not isinstance(raw, str):
        return None
    match = _STAMP.fullmatch(raw.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, frac, offset = match.groups()
    try:
        micro = int((frac or "0").ljust(6, "0")[:6])
        if offset is None or offset in ("Z", "z"):
            tz = UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        # chrono accepts a leap second (:60); fold it into :59 like chrono's nanosecond overflow
        sec = min(int(second or "0"), 59)
        stamp = datetime(
            int(year), int(month), int(day), int(hour), int(minute), sec, micro, tzinfo=tz
        )
        return stamp.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def format_rfc3339(moment: datetime) -> str:
    """Format like chrono's ``to_rfc3339()`` (``SecondsFormat::AutoSi``, ``+00:00``).

    0, 3 or 6 fractional digits: as many as the value needs (Python has microseconds).
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give an aware one")
    utc = moment.astimezone(UTC)
    # Not strftime("%Y"): glibc does not pad years below 1000 to four digits; chrono does.
    base = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    micro = utc.microsecond
    if micro == 0:
        frac = ""
    elif micro % 1000 == 0:
        frac = f".{micro // 1000:03d}"
    else:
        frac = f".{micro:06d}"
    return f"{base}{frac}+00:00"


def now_rfc3339() -> str:
    return format_rfc3339(datetime.now(UTC))
