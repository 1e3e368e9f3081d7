"""Sorted and filtered session lists: the SQL for "sort by any column, filter by anything".

Only whitelisted columns reach the SQL text; every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from .timestamps import format_rfc3339

__all__ = [
    "COUNT_SORT_KEYS",
    "SESSION_SORT_KEYS",
    "SORT_KEYS",
    "SessionFilter",
    "order_clause",
    "session_order_clause",
    "where_clause",
]

Status = Literal["any", "ended", "open", "live"]

# Sort key -> SQL expression over the summary query (columns by position where computed).
SORT_KEYS: Final[dict[str, str]] = {
    "started": "s.started_at",
    "session": "s.ulid",
    "duration": "(julianday(s.ended_at) - julianday(s.started_at))",
    "events": "8",
    "last_event": "9",
    "warn": "10",
    "alert": "11",
    "cli": "s.cli_version",
    "engine": "s.engine_base_url",
    "fork": "s.parent_ulid",
}
# Keys over the sessions table alone (a scan and sort of sessions: they are few, one per
# client run), and keys over what is counted from events (every session's events).
COUNT_SORT_KEYS: Final = frozenset({"events", "last_event", "warn", "alert"})
SESSION_SORT_KEYS: Final = frozenset(SORT_KEYS) - COUNT_SORT_KEYS


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions a list shows. Empty fields filter nothing.

    ``live`` and ``open`` both mean "not ended"; ``live`` also needs an event at or after
    ``active_since`` (the caller's clock minus its live window)."""

    started_from: datetime | None = None
    started_before: datetime | None = None
    cli_version: str = ""
    engine: str = ""
    status: Status = "any"
    active_since: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self == SessionFilter(active_since=self.active_since)


def _contains(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where_clause(spec: SessionFilter) -> tuple[str, list[Any]]:
    """`` WHERE ...`` (or ``""``) and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if spec.started_from is not None:
        clauses.append("s.started_at >= ?")
        params.append(format_rfc3339(spec.started_from))
    if spec.started_before is not None:
        clauses.append("s.started_at < ?")
        params.append(format_rfc3339(spec.started_before))
    if spec.cli_version:
        clauses.append("s.cli_version LIKE ? ESCAPE '\\'")
        params.append(_contains(spec.cli_version))
    if spec.engine:
        clauses.append("COALESCE(s.engine_base_url, '') LIKE ? ESCAPE '\\'")
        params.append(_contains(spec.engine))
    if spec.status == "ended":
        clauses.append("s.ended_at IS NOT NULL")
    elif spec.status in ("open", "live"):
        clauses.append("s.ended_at IS NULL")
        since = format_rfc3339(spec.active_since) if spec.active_since else ""
        recent = (
            "COALESCE((SELECT e.at FROM events e WHERE e.session_id = s.id"
            " ORDER BY e.seq DESC LIMIT 1), s.started_at) >= ?"
        )
        clauses.append(recent if spec.status == "live" else f"NOT ({recent})")
        params.append(since)
    return (" WHERE " + " AND ".join(clauses), params) if clauses else ("", params)


def order_clause(key: str, descending: bool) -> str:
    """`` ORDER BY`` a whitelisted key, ties newest first."""
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort sessions by {key!r}")
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {SORT_KEYS[key]} {direction}, s.started_at DESC, s.id DESC"


def session_order_clause(key: str, descending: bool) -> str:
    """`` ORDER BY`` a key of ``SESSION_SORT_KEYS``, for a query of the sessions table alone
    (the counted keys name columns of the summary query)."""
    if key not in SESSION_SORT_KEYS:
        raise ValueError(f"cannot sort sessions by {key!r} without their events")
    return order_clause(key, descending)
