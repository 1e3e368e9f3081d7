"""RFC 3339 stamps exactly as chrono's ``to_rfc3339()`` writes and reads them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["format_rfc3339", "now_rfc3339", "parse_rfc3339"]

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,  # chrono takes ASCII digits only; a bare \d also matches other scripts' digits
)


def parse_rfc3339(raw: object) -> datetime | None:
    """Parse an RFC 3339 stamp into an aware UTC datetime; None when it does not parse.

    Nanoseconds (chrono's default) are truncated to microseconds. Never returns "now".
    """
    if not isinstance(raw, str):
        return None
    match = _RFC3339.fullmatch(raw.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, frac, offset = match.groups()
    try:
        micro = int((frac or "0").ljust(6, "0")[:6])
        if offset in ("Z", "z"):
            tz = UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        # chrono accepts a leap second (:60); fold it into :59 like chrono's nanosecond overflow
        sec = min(int(second), 59)
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
