"""SQL fragments and row decoding shared by the store's queries.

Column lists and the summary query are constants; values only ever reach SQL as parameters.

Every per-session read of ``events`` is a range of the client's own index on
``UNIQUE (session_id, seq)`` (SQLite's ``sqlite_autoindex_events_1``): nothing here needs an
index the client's schema lacks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .kinds import EventKind
from .rows import SessionRow, SessionSummary, StoredEvent, event_text
from .timestamps import parse_rfc3339

__all__ = [
    "EVENT_COLUMNS",
    "KNOWN_KINDS",
    "MAX_IDS",
    "MAX_SEQ",
    "MIN_SEQ",
    "SESSION_COLUMNS",
    "SUMMARY_SQL",
    "check_limit",
    "kind_filter",
    "like_pattern",
    "seq_above",
    "seq_below",
    "session_row",
    "stored_event",
    "summary_row",
]

SESSION_COLUMNS = (
    "s.id, s.ulid, s.started_at, s.ended_at, s.engine_base_url, s.cli_version, s.parent_ulid"
)
EVENT_COLUMNS = "e.id, e.session_id, e.seq, e.at, e.kind, e.text"
# The summary of each session, by the client's (session_id, seq) index: the event count is a
# range of that index alone (covering); the last event's time is one seek to the end of the
# range; the warn and alert counts walk the range and read each row's kind from the table
# (the client has no index on kind), so they cost the session's size: a browser lists big
# sessions through ``summary_cache.SummaryCache``, which reads only what was appended.
SUMMARY_SQL = f"""
SELECT {SESSION_COLUMNS},
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id) AS event_count,
    (SELECT e.at FROM events e WHERE e.session_id = s.id ORDER BY e.seq DESC LIMIT 1)
        AS last_event_at,
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.kind = 'warn') AS warn_count,
    (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.kind = 'alert')
        AS alert_count
FROM sessions s"""


def session_row(row: Sequence[Any]) -> SessionRow:
    return SessionRow(
        id=row[0],
        ulid=row[1],
        started_at=parse_rfc3339(row[2]),
        ended_at=parse_rfc3339(row[3]) if row[3] is not None else None,
        engine_base_url=row[4],
        cli_version=row[5] if row[5] is not None else "",
        parent_ulid=row[6],
    )


def stored_event(row: Sequence[Any]) -> StoredEvent:
    raw_kind = row[4] if isinstance(row[4], str) else str(row[4])
    kind = EventKind.parse(raw_kind)
    return StoredEvent(
        id=row[0],
        session_id=row[1],
        seq=row[2],
        at=parse_rfc3339(row[3]),
        kind=kind if kind is not None else EventKind.SYSTEM,
        text=event_text(row[5]),
        raw_kind="" if kind is not None else raw_kind,
        blob=bytes(row[5]) if isinstance(row[5], bytes) else None,
    )


def summary_row(row: Sequence[Any]) -> SessionSummary:
    return SessionSummary(
        session=session_row(row),
        event_count=row[7],
        last_event_at=parse_rfc3339(row[8]),
        warn_count=row[9],
        alert_count=row[10],
    )


def like_literal(text: str) -> str:
    """``text`` as a LIKE pattern (``ESCAPE '\\'``) that matches only itself."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(needle: str) -> str:
    """A LIKE pattern (``ESCAPE '\\'``) for text containing ``needle``."""
    return f"%{like_literal(needle)}%"


KNOWN_KINDS = tuple(kind.value for kind in EventKind)
MAX_IDS = 500  # ids per hits_by_id query (SQLite's default bound-parameter limit is 32766)


def kind_filter(kinds: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """An ``AND ...`` clause keeping events of ``kinds`` (unknown strings count as system)."""
    if kinds is None:
        return "", ()
    wanted = tuple(sorted({str(kind) for kind in kinds}))
    if not wanted:
        return " AND 0", ()
    marks = ", ".join("?" for _ in wanted)
    clause = f" AND (e.kind IN ({marks})"
    params: tuple[str, ...] = wanted
    if "system" in wanted:
        known = ", ".join("?" for _ in KNOWN_KINDS)
        clause += f" OR e.kind NOT IN ({known})"
        params += KNOWN_KINDS
    return clause + ")", params


# SQLite integers are 64-bit: a bound outside this range is no bound (or matches nothing);
# passing it as a parameter would raise OverflowError.
MIN_SEQ = -(2**63)
MAX_SEQ = 2**63 - 1


def seq_above(seq: int) -> tuple[str, tuple[int, ...]]:
    """An ``AND ...`` clause keeping events with a seq greater than ``seq``, for any int:
    below every 64-bit seq it keeps them all (negative and zero seqs included)."""
    if seq < MIN_SEQ:
        return "", ()
    if seq >= MAX_SEQ:
        return " AND 0", ()
    return " AND e.seq > ?", (seq,)


def seq_below(seq: int) -> tuple[str, tuple[int, ...]]:
    """An ``AND ...`` clause keeping events with a seq less than ``seq``, for any int."""
    if seq > MAX_SEQ:
        return "", ()
    if seq <= MIN_SEQ:
        return " AND 0", ()
    return " AND e.seq < ?", (seq,)


def check_limit(value: int) -> int:
    if value < 0:
        raise ValueError("limit must be >= 0")
    return value
