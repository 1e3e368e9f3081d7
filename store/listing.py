"""Sorted and filtered session lists: the SQL for "sort by any column, filter by anything".

Only whitelisted columns reach the SQL text; every value is a parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from .rows import SessionSummary
from .sql import like_pattern
from .timestamps import format_rfc3339

__all__ = [
    "COUNT_SORT_KEYS",
    "SESSION_SORT_KEYS",
    "SORTS",
    "SORT_KEYS",
    "SessionFilter",
    "SortKey",
    "merge_key",
    "order_clause",
    "session_order_clause",
    "where_clause",
]

Status = Literal["any", "ended", "open", "live"]

_OLDEST: Final = datetime.min.replace(tzinfo=UTC)


def _duration(summary: SessionSummary) -> float:
    session = summary.session
    if session.ended_at is None or session.started_at is None:
        return -1.0  # open: SQL's NULL, first in ascending order
    return (session.ended_at - session.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class SortKey:
    """One way to sort the session list: its SQL expression over the summary query and the
    same order in Python (``value``: what a merge of several databases' pages compares,
    ties broken by the start). ``counted``: the value is counted from the session's events."""

    name: str
    sql: str
    value: Callable[[SessionSummary], Any]
    counted: bool = False


# In the order ``s`` steps through them in the list. The counted ones name the summary
# query's columns (``sql.SUMMARY_SQL``).
SORTS: Final[tuple[SortKey, ...]] = (
    SortKey("started", "s.started_at", lambda m: m.session.started_at or _OLDEST),
    SortKey("duration", "(julianday(s.ended_at) - julianday(s.started_at))", _duration),
    SortKey("events", "event_count", lambda m: m.event_count, counted=True),
    SortKey("warn", "warn_count", lambda m: m.warn_count, counted=True),
    SortKey("alert", "alert_count", lambda m: m.alert_count, counted=True),
    SortKey("last_event", "last_event_at", lambda m: m.last_event_at or _OLDEST, counted=True),
    SortKey("session", "s.ulid", lambda m: m.session.ulid),
    SortKey("cli", "s.cli_version", lambda m: m.session.cli_version),
    SortKey("engine", "s.engine_base_url", lambda m: m.session.engine_base_url or ""),
    SortKey("fork", "s.parent_ulid", lambda m: m.session.parent_ulid or ""),
)
SORT_KEYS: Final[dict[str, SortKey]] = {key.name: key for key in SORTS}
# Keys over the sessions table alone (a scan and sort of sessions: they are few, one per
# client run), and keys over what is counted from events (every session's events).
COUNT_SORT_KEYS: Final = frozenset(key.name for key in SORTS if key.counted)
SESSION_SORT_KEYS: Final = frozenset(SORT_KEYS) - COUNT_SORT_KEYS


def merge_key(sort: str) -> Callable[[SessionSummary], tuple[Any, ...]]:
    """The order of ``order_clause(sort, ...)`` in Python, for merging sorted pages."""
    value = SORT_KEYS[sort].value if sort in SORT_KEYS else SORTS[0].value

    def key(summary: SessionSummary) -> tuple[Any, ...]:
        return (value(summary), summary.session.started_at or _OLDEST)

    return key


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions a list shows. Empty fields filter nothing.

    ``live`` and ``open`` both mean "not ended"; ``live`` also needs an event at or after
    ``active_since`` (the caller's clock minus its live window).

    ``name`` (contained in the session's name) and ``tag`` (one of its tags) are matched in
    the browser's annotations file (``session_labels``), not in this database: the caller
    resolves them per database into ``ulids``, the sessions to keep (``where_clause``
    refuses them unresolved). ``ulids`` alone keeps just those sessions."""

    started_from: datetime | None = None
    started_before: datetime | None = None
    cli_version: str = ""
    engine: str = ""
    status: Status = "any"
    active_since: datetime | None = None
    name: str = ""
    tag: str = ""
    ulids: frozenset[str] | None = None

    @property
    def is_empty(self) -> bool:
        return self == SessionFilter(active_since=self.active_since)

    @property
    def by_label(self) -> bool:
        """Whether ``name`` or ``tag`` is asked for (to resolve into ``ulids``)."""
        return bool(self.name or self.tag)


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
        params.append(like_pattern(spec.cli_version))
    if spec.engine:
        clauses.append("COALESCE(s.engine_base_url, '') LIKE ? ESCAPE '\\'")
        params.append(like_pattern(spec.engine))
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
    if spec.by_label and spec.ulids is None:
        raise ValueError("a name or tag filter must be resolved into ULIDs before a query")
    if spec.ulids is not None:
        # One parameter whatever their number (a JSON array): no bound-parameter limit.
        clauses.append("s.ulid IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(spec.ulids)))
    return (" WHERE " + " AND ".join(clauses), params) if clauses else ("", params)


def order_clause(key: str, descending: bool) -> str:
    """`` ORDER BY`` a whitelisted key, ties newest first."""
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort sessions by {key!r}")
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {SORT_KEYS[key].sql} {direction}, s.started_at DESC, s.id DESC"


def session_order_clause(key: str, descending: bool) -> str:
    """`` ORDER BY`` a key of ``SESSION_SORT_KEYS``, for a query of the sessions table alone
    (the counted keys name columns of the summary query)."""
    if key not in SESSION_SORT_KEYS:
        raise ValueError(f"cannot sort sessions by {key!r} without their events")
    return order_clause(key, descending)
