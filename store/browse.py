"""The reads a browser needs beyond the seed: pages, summaries, search, forks, polling.

Each one costs what it returns, through an index (the query-plan tests prove it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from . import listing
from .base import StoreBase
from .listing import SessionFilter
from .rows import SearchHit, SessionRow, SessionSummary, StoredEvent
from .sql import (
    EVENT_COLUMNS,
    MAX_IDS,
    SESSION_COLUMNS,
    SUMMARY_SQL,
    check_limit,
    kind_filter,
    like_pattern,
    session_row,
    stored_event,
    summary_row,
)
from .timestamps import format_rfc3339

__all__ = ["BrowseReads"]


class BrowseReads(StoreBase):
    """Reads for a browser; ``Store`` adds opening and the seed's operations."""

    def count_sessions(self, where: SessionFilter | None = None) -> int:
        """How many sessions there are (that pass ``where``)."""
        clause, params = listing.where_clause(where or SessionFilter())
        return int(self._row(f"SELECT COUNT(*) FROM sessions s{clause}", params)[0])

    def query_summaries(
        self,
        limit: int,
        offset: int = 0,
        *,
        where: SessionFilter | None = None,
        sort: str = "started",
        descending: bool = True,
    ) -> list[SessionSummary]:
        """A page of session summaries filtered by ``where`` and sorted by any column of the
        list (``listing.SORT_KEYS``). Offset paging: for the default newest-first list use
        the keyset ``list_summaries`` instead."""
        clause, params = listing.where_clause(where or SessionFilter())
        rows = self._rows(
            f"{SUMMARY_SQL}{clause}{listing.order_clause(sort, descending)} LIMIT ? OFFSET ?",
            (*params, check_limit(limit), max(0, offset)),
        )
        return [summary_row(row) for row in rows]

    def list_summaries(
        self, limit: int, *, before: SessionRow | None = None
    ) -> list[SessionSummary]:
        """A page of session summaries (event count, last event time, warn and alert counts),
        newest first, in one query. Pass the last row of a page as ``before`` for the next."""
        if check_limit(limit) == 0:
            return []
        if before is None:
            rows = self._rows(
                f"{SUMMARY_SQL} ORDER BY s.started_at DESC, s.id DESC LIMIT ?", (limit,)
            )
        else:
            row = self._row("SELECT started_at FROM sessions WHERE id = ?", (before.id,))
            if row is not None:
                started = row[0]
            elif before.started_at is not None:  # deleted meanwhile: page on from its time
                started = format_rfc3339(before.started_at)
            else:
                started = ""
            rows = self._rows(
                f"{SUMMARY_SQL} WHERE (s.started_at, s.id) < (?, ?)"
                " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
                (started, before.id, limit),
            )
        return [summary_row(row) for row in rows]

    def session_summary(self, session_id: int) -> SessionSummary | None:
        row = self._row(f"{SUMMARY_SQL} WHERE s.id = ?", (session_id,))
        return summary_row(row) if row is not None else None

    def seq_bounds(self, session_id: int) -> tuple[int, int] | None:
        """(first seq, last seq) of a session, or None when it has no events."""
        # Two statements: SQLite answers a lone MIN or MAX with one index seek, but scans the
        # session's whole index range for both in one SELECT (41 ms on 200,000 events).
        first = self._row("SELECT MIN(seq) FROM events WHERE session_id = ?", (session_id,))
        last = self._row("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,))
        if first is None or first[0] is None or last is None or last[0] is None:
            return None
        return int(first[0]), int(last[0])

    def events_after(
        self, session_id: int, seq: int, limit: int, *, kinds: Collection[str] | None = None
    ) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq greater than ``seq``, in order; only those of
        ``kinds`` when given (see ``list_seqs``)."""
        where, params = kind_filter(kinds)
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq > ?{where}"
            " ORDER BY e.seq LIMIT ?",
            (session_id, seq, *params, check_limit(limit)),
        )
        return [stored_event(row) for row in rows]

    def events_before(self, session_id: int, seq: int, limit: int) -> list[StoredEvent]:
        """Up to ``limit`` events with a seq less than ``seq``, in order (oldest first)."""
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq < ?"
            " ORDER BY e.seq DESC LIMIT ?",
            (session_id, seq, check_limit(limit)),
        )
        return [stored_event(row) for row in reversed(rows)]

    def event_at(self, session_id: int, seq: int) -> StoredEvent | None:
        row = self._row(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq = ?",
            (session_id, seq),
        )
        return stored_event(row) if row is not None else None

    def iter_events(self, session_id: int, page: int = 2_000) -> Iterator[StoredEvent]:
        """Every event of a session in order, read in keyset pages (no cursor held open)."""
        if page < 1:
            raise ValueError("page must be >= 1")  # a page of 0 would never advance
        after = 0
        while True:
            batch = self.events_after(session_id, after, page)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    def kind_counts(self, session_id: int) -> dict[str, int]:
        """How many events of each stored kind string a session has."""
        rows = self._rows(
            "SELECT kind, COUNT(*) FROM events WHERE session_id = ? GROUP BY kind",
            (session_id,),
        )
        return {str(kind): int(count) for kind, count in rows}

    def search_events(
        self,
        needle: str,
        *,
        session_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[SearchHit]:
        """Events whose text contains ``needle`` (ASCII case-insensitive), newest first.
        Pass the last hit's ``event.id`` as ``before_id`` for the next page; ``after_id``
        keeps only events newer than that id (what a search index has not seen yet)."""
        clauses = ["e.text LIKE ? ESCAPE '\\'"]
        params: list[Any] = [like_pattern(needle)]
        if after_id is not None:
            clauses.append("e.id > ?")
            params.append(after_id)
        if session_id is not None:
            clauses.append("e.session_id = ?")
            params.append(session_id)
        if before_id is not None:
            clauses.append("e.id < ?")
            params.append(before_id)
        params.append(check_limit(limit))
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY e.id DESC LIMIT ?",
            params,
            doing="searching",
        )
        return [SearchHit(session_ulid=row[6], event=stored_event(row)) for row in rows]

    def hits_by_id(self, ids: Collection[int]) -> list[SearchHit]:
        """The events with these ids (those that still exist), newest first."""
        wanted = sorted({int(i) for i in ids}, reverse=True)[:MAX_IDS]
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS}, s.ulid FROM events e JOIN sessions s ON s.id = e.session_id"
            f" WHERE e.id IN ({marks}) ORDER BY e.id DESC",
            wanted,
        )
        return [SearchHit(session_ulid=row[6], event=stored_event(row)) for row in rows]

    def texts_after(self, event_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, text) of events after ``event_id`` in id order: what a search index reads."""
        rows = self._rows(
            "SELECT id, text FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, check_limit(limit)),
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    def max_event_id(self) -> int:
        return int(self._row("SELECT COALESCE(MAX(id), 0) FROM events")[0])

    def find_event(
        self,
        session_id: int,
        needle: str,
        from_seq: int,
        *,
        forward: bool = True,
        kinds: Collection[str] | None = None,
    ) -> StoredEvent | None:
        """The next (or previous) event after (before) ``from_seq`` whose text contains
        ``needle``, among events of ``kinds`` when given (see ``list_seqs``); for
        find-in-session with n / N."""
        op, order = (">", "ASC") if forward else ("<", "DESC")
        where, params = kind_filter(kinds)
        row = self._row(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.session_id = ? AND e.seq {op} ?"
            f" AND e.text LIKE ? ESCAPE '\\'{where} ORDER BY e.seq {order} LIMIT 1",
            (session_id, from_seq, like_pattern(needle), *params),
            doing="searching",
        )
        return stored_event(row) if row is not None else None

    def children(self, ulid: str) -> list[SessionRow]:
        """Sessions forked from the session ``ulid``, oldest first."""
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.parent_ulid = ?"
            " ORDER BY s.started_at, s.id",
            (ulid,),
        )
        return [session_row(row) for row in rows]

    def list_seqs(self, session_id: int, kinds: Collection[str] | None = None) -> list[int]:
        """Every seq of a session, in order; only events of ``kinds`` when given. Kinds are
        stored strings; ``"system"`` also takes kinds this code does not know, as the Rust
        client reads them as system."""
        where, params = kind_filter(kinds)
        rows = self._rows(
            f"SELECT e.seq FROM events e WHERE e.session_id = ?{where} ORDER BY e.seq",
            (session_id, *params),
        )
        return [int(row[0]) for row in rows]

    def search_sessions(self, needle: str, limit: int) -> list[SessionSummary]:
        """Sessions whose ulid, CLI version or engine URL contains ``needle``, newest first."""
        pattern = like_pattern(needle)
        rows = self._rows(
            f"{SUMMARY_SQL} WHERE s.ulid LIKE ? ESCAPE '\\' OR s.cli_version LIKE ? ESCAPE '\\'"
            " OR s.engine_base_url LIKE ? ESCAPE '\\'"
            " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
            (pattern, pattern, pattern, check_limit(limit)),
            doing="searching",
        )
        return [summary_row(row) for row in rows]

    def seq_at_or_before(self, session_id: int, moment: datetime) -> int | None:
        """The last seq of a session stamped at or before ``moment`` (where a fork left it).
        Compares instants, so stamps written with any offset or precision work."""
        target = moment.astimezone(UTC)
        found: int | None = None
        for event in self.iter_events(session_id):
            if event.at is not None and event.at > target:
                break
            found = event.seq
        return found

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap poll for live tail."""
        return int(self._row("PRAGMA data_version")[0])

    def quick_check(self) -> str:
        """``PRAGMA quick_check``: "ok" or the first problem. Slow on big files: run it off
        the UI thread."""
        rows = self._rows("PRAGMA quick_check", doing="checking")
        return "; ".join(str(row[0]) for row in rows[:5])

    def set_trace(self, callback: Callable[[str], object] | None) -> None:
        """Call ``callback`` with each SQL statement run (parameters expanded); None stops."""
        with self._lock:
            self._live().set_trace_callback(callback)

    def query_plan(self, sql: str, params: Sequence[Any] = ()) -> list[str]:
        """``EXPLAIN QUERY PLAN`` details of a statement (for tests and diagnostics)."""
        return [str(row[3]) for row in self._rows(f"EXPLAIN QUERY PLAN {sql}", params)]
